"""Start-up, memory and scale benchmark for hintcli.

    python bench/run.py            # ~1 minute on 2 cores
    python bench/run.py --runs 41  # steadier medians

Uses the `hint` installed next to this Python (run it from the venv you
installed hintcli into). Prints:

1. Whole-process wall time, median of interleaved runs, of
   ``hint search 家族が支援に消極的で本人に会えない`` (and ``hint scene 3``,
   and a shell-completion request) against
   ``python -c "import typer, rich.console, rich.panel, rapidfuzz.process"``
   in the same environment, and their ratio (the goal: at most 1.30).
2. Peak memory (maximum resident set) of the search process (goal: 48 MiB).
3. The scale curve: synthetic corpora of 1x, 2x, 5x and 10x the report
   (up to ~2,200 entries), with in-process search time per query and the
   whole-process time of a search, with the cache warm and cold.
4. A team's own hints: 2,500 generated own entries in a user folder
   (``HINT_USER_DIR``), start-up against the baseline with the cache warm, and
   in-process search time.

Child processes run with bytecode caching on (PYTHONDONTWRITEBYTECODE unset),
as an installed wheel runs; a few warm-up runs fill the caches first.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = "家族が支援に消極的で本人に会えない"
BASELINE = [sys.executable, "-c", "import typer, rich.console, rich.panel, rapidfuzz.process"]
HINT = str(Path(sys.executable).with_name("hint"))
QUERIES = [
    "本人に会えない",
    "家族が支援に消極的で本人に会えない",
    "しんどい",
    "訪問",
    "娘が大学を中退してから家から出ていないと母親から電話があった",
    "担当者が燃え尽きそう",
    "保健所につなぐ",
    "ピアサポーター",
]


def child_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["HINT_USER_DIR"] = ""  # the report alone unless a measurement names a user folder
    env.update(extra)
    return env


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, int, float]:
    """Wall seconds, peak RSS (KiB) and CPU seconds (user + system) of one run of `cmd`."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode not in (0, 1):
        sys.exit(f"{cmd} failed with exit code {p.returncode}")
    return wall, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def interleaved(
    commands: dict[str, tuple[list[str], dict[str, str]]],
    runs: int,
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(3):  # warm up: bytecode, the data cache, the page cache
        for cmd, env in commands.values():
            run_once(cmd, env)
    for _ in range(runs):
        for name, (cmd, env) in commands.items():
            wall, _, used = run_once(cmd, env)
            times[name].append(wall)
            if cpu is not None:
                cpu.setdefault(name, []).append(used)
    return times


def startup(runs: int) -> None:
    env = child_env(COLUMNS="100")
    complete = child_env(_HINT_COMPLETE="complete_bash", COMP_WORDS="hint sc", COMP_CWORD="1")
    commands = {
        "baseline (import typer, rich, rapidfuzz)": (BASELINE, env),
        f"hint search {QUERY}": ([HINT, "search", QUERY], env),
        "hint search … --json": ([HINT, "search", QUERY, "--json"], env),
        "hint scene 3": ([HINT, "scene", "3"], env),
        "completion (hint sc<Tab>)": ([HINT], complete),
    }
    cpu: dict[str, list[float]] = {}
    times = interleaved(commands, runs, cpu)
    key = "baseline (import typer, rich, rapidfuzz)"
    base, base_cpu = statistics.median(times[key]), statistics.median(cpu[key])
    print(f"\n## Start-up: median of {runs} interleaved runs\n")
    print("| command | wall ms | ratio | CPU ms (user+sys) | CPU ratio |")
    print("|---|---:|---:|---:|---:|")
    for name, ts in times.items():
        m, c = statistics.median(ts), statistics.median(cpu[name])
        print(f"| {name} | {m * 1000:.0f} | {m / base:.2f} | {c * 1000:.0f} | {c / base_cpu:.2f} |")
    peaks = [run_once([HINT, "search", QUERY], env)[1] for _ in range(5)]
    base_peaks = [run_once(BASELINE, env)[1] for _ in range(5)]
    print(
        f"\nPeak memory (max RSS): hint search {max(peaks) / 1024:.1f} MiB, baseline {max(base_peaks) / 1024:.1f} MiB"
    )


# --------------------------------------------------------------------------- scale


def synthetic_data(source: Path, target: Path, factor: int) -> int:
    """`source` data with each scene, practice and story file grown `factor` times.

    Copies get new ids and their sentences' clauses shuffled, so that they are
    new text of the report's vocabulary rather than duplicates.
    """
    shutil.copytree(source, target)
    rnd = random.Random(factor)
    entry_re = re.compile(r"(?ms)^\[\[(example|hint|suggestion|practice|line)\]\]\n(.*?)(?=^\[\[|\Z)")
    total = 0
    for path in sorted((target / "report").glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        blocks = entry_re.findall(text)
        total += len(blocks) * factor
        extra = []
        for k in range(1, factor):
            for table, body in blocks:
                body = re.sub(r'(?m)^id = "([^"]+)"', lambda m, k=k: f'id = "x{k}-{m.group(1)}"', body)
                body = re.sub(r"(?m)^fixes = .*\n", "", body)

                def shuffle(m: re.Match[str]) -> str:
                    clauses = re.split(r"(?<=[、。])", m.group(1))
                    rnd.shuffle(clauses)
                    return 'text = "' + "".join(clauses) + '"'

                body = re.sub(r'(?m)^text = "(.*)"$', shuffle, body)
                extra.append(f"[[{table}]]\n{body.rstrip()}\n")
        path.write_text(text.rstrip() + "\n\n" + "\n".join(extra), encoding="utf-8")
    return total


def scale(runs: int) -> None:
    repo = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(repo))
    from hintcli import store

    print("\n## Scale: synthetic corpora\n")
    print(
        "| corpus | entries | search in-process, median ms | max ms | hint search, warm cache ms | cold ms |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for factor in (1, 2, 5, 10):
            data = Path(tmp) / f"data{factor}"
            n = synthetic_data(repo / "data", data, factor)
            cache = Path(tmp) / f"cache{factor}"
            os.environ["HINT_DATA_DIR"] = str(data)
            os.environ["HINT_CACHE_DIR"] = str(cache)
            store.clear()
            searcher = store.load_searcher()
            assert len(searcher.entries) == n
            per_query = []
            for q in QUERIES * 3:
                start = time.perf_counter()
                searcher.search(q)
                per_query.append((time.perf_counter() - start) * 1000)
            env = child_env(HINT_DATA_DIR=str(data), HINT_CACHE_DIR=str(cache))
            warm = interleaved({"s": ([HINT, "search", QUERY], env)}, max(5, runs // 3))["s"]
            cold = []
            for _ in range(3):
                shutil.rmtree(cache, ignore_errors=True)
                cold.append(run_once([HINT, "search", QUERY], env)[0])
            print(
                f"| {factor}x | {n} | {statistics.median(per_query):.1f} | {max(per_query):.1f} "
                f"| {statistics.median(warm) * 1000:.0f} | {statistics.median(cold) * 1000:.0f} |"
            )


# --------------------------------------------------------------------------- a team's own hints


def own_hints(folder: Path, count: int) -> int:
    """``count`` own entries in files of 100, made of the report's clauses reshuffled (with scenes and themes)."""
    repo = Path(__file__).resolve().parents[1]
    rnd = random.Random(count)
    clauses = [
        c
        for path in sorted((repo / "data" / "report").glob("scene*.toml"))
        for line in re.findall(r'(?m)^text = "(.*)"$', path.read_text(encoding="utf-8"))
        for c in re.split(r"(?<=[、。])", line)
        if c
    ]
    themes = re.findall(r'(?m)^name = "(.*)"$', (repo / "data" / "themes.toml").read_text(encoding="utf-8"))
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(0, count, 100):
        blocks = []
        for i in range(f, min(count, f + 100)):
            text = "".join(rnd.sample(clauses, 3)).replace('"', "")
            blocks.append(
                f'[[hint]]\nid = "b{i}"\ntext = "{text}"\nscene = {rnd.randint(1, 6)}\n'
                f'themes = ["{rnd.choice(themes)}"]\nauthor = "bench"\n'
            )
        (folder / f"bench-{f // 100:03d}.toml").write_text("\n".join(blocks), encoding="utf-8")
    return count


def own_scale(runs: int, count: int) -> None:
    repo = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(repo))
    from hintcli import store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "own"
        own_hints(folder, count)
        cache = Path(tmp) / "cache"
        env = child_env(COLUMNS="100", HINT_USER_DIR=str(folder), HINT_CACHE_DIR=str(cache))
        commands = {
            "baseline (import typer, rich, rapidfuzz)": (BASELINE, env),
            f"hint search {QUERY} (+{count} own)": ([HINT, "search", QUERY], env),
        }
        times = interleaved(commands, runs)
        base = statistics.median(times["baseline (import typer, rich, rapidfuzz)"])
        os.environ["HINT_USER_DIR"] = str(folder)
        os.environ["HINT_CACHE_DIR"] = str(cache)
        store.clear()
        searcher = store.load_searcher()
        own = sum(1 for e in searcher.entries if e.source != "report")
        assert own == count, own
        per_query = []
        for q in QUERIES * 3:
            start = time.perf_counter()
            searcher.search(q)
            per_query.append((time.perf_counter() - start) * 1000)
        print(
            f"\n## A team's own hints: {own} own entries beside the report's {len(searcher.entries) - own}\n"
        )
        print("| command | wall ms | ratio |")
        print("|---|---:|---:|")
        for name, ts in times.items():
            print(f"| {name} | {statistics.median(ts) * 1000:.0f} | {statistics.median(ts) / base:.2f} |")
        print(
            f"\nIn-process search: median {statistics.median(per_query):.1f} ms, max {max(per_query):.1f} ms "
            f"({len(per_query)} searches)"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=21, help="runs of each command (default 21)")
    ap.add_argument("--no-scale", action="store_true", help="skip the scale curve")
    ap.add_argument("--own", type=int, default=2500, help="own entries for the own-hints run (0: skip it)")
    a = ap.parse_args()
    if not Path(HINT).exists():
        sys.exit(f"{HINT} not found: run this with the Python of the venv hintcli is installed in")
    print(
        f"# hintcli benchmark: {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}"
    )
    startup(a.runs)
    if not a.no_scale:
        scale(a.runs)
    if a.own:
        own_scale(a.runs, a.own)


if __name__ == "__main__":
    main()
