"""Load and memory benchmark of `hint serve`, side by side with `hint search --json`.

    python bench/serve.py                 # ~3-4 minutes on 2 cores
    python bench/serve.py --requests 4000 --memory-requests 20000

Starts the server of the hintcli installed next to this Python on 127.0.0.1
(an ephemeral port; ``python -m hintcli.web``, which is what `hint serve`
runs) and prints:

1. The wall time of one ``hint search QUERY --json --limit 5`` run (median of
   interleaved runs before and after the load), the yardstick.
2. Load: ``--clients`` (8) concurrent clients (http.client), ``--requests``
   (2,000) requests in all, alternating ``/api/search?q=…&limit=5`` and
   ``/?q=…``, while four connections that never send anything stay open;
   five times: eight queries repeated (the server's small result cache
   answers most), then every request a query never asked before (the
   uncached cost; no earlier run asked it either), each request on a new
   connection, then each client keeping one connection (HTTP/1.1
   keep-alive, as a browser's fetch does); the clients are threads of this
   process (they share its interpreter lock, so a reply may wait for its
   client's turn), and for the last two runs one process each, as separate
   browsers are. Errors (any status but 200, any exception), throughput,
   latency p50/p95/p99/max, and p95 as a share of the yardstick (goal:
   below 1/4).
3. Memory: the server's resident set (VmRSS, its worker processes included) before and after
   ``--memory-requests`` (10,000) more requests, every query new (the
   result cache full and turning over) (goal: growth below 10 MiB).

Only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import quote

from run import QUERIES  # the same eight queries as the start-up benchmark (bench/run.py)

QUERY = "本人に会えない"

# Words a worker might type; combined into queries no two requests share (the server's
# small result cache never helps them: the uncached cost).
WORDS = [
    "本人",
    "家族",
    "母親",
    "父親",
    "娘",
    "息子",
    "訪問",
    "手紙",
    "電話",
    "相談",
    "支援",
    "継続",
    "不安",
    "将来",
    "仕事",
    "就労",
    "学校",
    "中退",
    "病院",
    "受診",
    "保健所",
    "地域",
    "居場所",
    "ピアサポーター",
    "会えない",
    "話せない",
    "拒否",
    "暴力",
    "お金",
    "年金",
    "高齢",
    "孤立",
    "疲れ",
    "燃え尽き",
    "担当",
    "引き継ぎ",
    "連携",
    "会議",
    "研修",
    "ひきこもり",
    "外出",
    "趣味",
    "ゲーム",
    "昼夜逆転",
    "きょうだい",
    "親亡き後",
    "生活",
    "体調",
    "気持ち",
    "信頼",
]
HINT = str(Path(sys.executable).with_name("hint"))


def start_server(workers: int | None = None) -> tuple[subprocess.Popen[str], int]:
    more = ["--workers", str(workers)] if workers else []
    proc = subprocess.Popen(
        [sys.executable, "-m", "hintcli.web", "--port", "0", *more],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"the server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}")
    return proc, int(match.group(1))


def rss_kib(pid: int) -> int:
    """Resident set of the server: its process and the copies it forked (`hint serve`'s workers)."""
    total = 0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for kid in children.read_text().split() if children.exists() else []:
        total += rss_kib(int(kid))
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return total + int(line.split()[1])
    raise RuntimeError("no VmRSS")


def workers(pid: int) -> int:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return 1 + len(children.read_text().split()) if children.exists() else 1


_asked = 0  # distinct queries handed out so far: each run gets queries no earlier run asked


def paths(distinct: int = 0) -> list[str]:
    """The 8 queries on both routes; with ``distinct``, that many queries no two requests share
    (nor any earlier run: the server's word-level memory starts no warmer for a later run)."""
    global _asked
    if distinct:
        n = len(WORDS)
        first, _asked = _asked, _asked + distinct
        queries = [
            f"{WORDS[i % n]}{WORDS[(i // n) % n]} {WORDS[(i // (n * n) + i) % n]}"
            for i in range(first, first + distinct)
        ]
    else:
        queries = QUERIES
    out = []
    for i, q in enumerate(queries):
        out.append(f"/api/search?q={quote(q)}&limit=5" if i % 2 or not distinct else f"/?q={quote(q)}")
        if not distinct:
            out.append(f"/?q={quote(q)}")
    return out


def run_client(port: int, targets: list[str], keep: bool) -> tuple[list[float], list[str]]:
    """One client: its requests in order, each on a new connection, or with ``keep`` on one
    connection that it keeps (HTTP/1.1, as a browser's fetch does); latencies (s), errors."""
    latencies: list[float] = []
    errors: list[str] = []
    kept: HTTPConnection | None = None
    for path in targets:
        started = time.perf_counter()
        try:
            conn = kept or HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", path)
            res = conn.getresponse()
            res.read()
            if keep and not res.will_close:
                kept = conn
            else:
                conn.close()
                kept = None
            if res.status != 200:
                errors.append(f"{res.status} {path}")
        except Exception as exc:
            kept = None
            errors.append(f"{type(exc).__name__} {path}")
        latencies.append(time.perf_counter() - started)
    if kept:
        kept.close()
    return latencies, errors


def load(
    port: int, clients: int, total: int, distinct: bool = False, keep: bool = False, processes: bool = False
) -> tuple[list[float], list[str], float]:
    """``total`` requests from ``clients`` clients; latencies (s), errors, wall seconds.

    The clients are threads of this process (they share its interpreter lock: a reply
    may wait for its client's turn), or with ``processes`` one process each, as
    separate browsers are. Client k sends requests k, k + clients, ...
    """
    targets = paths(total if distinct else 0)
    shares = [[targets[i % len(targets)] for i in range(k, total, clients)] for k in range(clients)]
    started = time.perf_counter()
    if processes:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(clients) as pool:
            results = pool.starmap(run_client, [(port, share, keep) for share in shares])
    else:
        results = [([], []) for _ in shares]

        def client(k: int) -> None:
            results[k] = run_client(port, shares[k], keep)

        threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    wall = time.perf_counter() - started
    return [x for lat, _ in results for x in lat], [e for _, errs in results for e in errs], wall


def hint_search_wall(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([HINT, "search", QUERY, "--json", "--limit", "5"], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return times


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--memory-requests", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=11, help="runs of hint search, before and after the load")
    ap.add_argument(
        "--workers", type=int, default=None, help="the server's processes (default: hint serve's)"
    )
    args = ap.parse_args()
    if not os.path.exists(HINT):
        raise SystemExit(f"hint is not installed next to {sys.executable}")

    proc, port = start_server(args.workers)
    try:
        # Warm up both sides: the server's first pages, the command's bytecode and cache.
        load(port, 2, 64)
        hint_search_wall(3)
        before = hint_search_wall(args.runs)

        idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]  # they never send a byte
        runs = {
            "8 queries, repeated; a new connection each": load(port, args.clients, args.requests),
            "every query new; a new connection each": load(port, args.clients, args.requests, distinct=True),
            "every query new; each client keeps its connection": load(
                port, args.clients, args.requests, distinct=True, keep=True
            ),
            "every query new; a new connection each; clients in their own processes": load(
                port, args.clients, args.requests, distinct=True, processes=True
            ),
            "every query new; each client keeps its connection; clients in their own processes": load(
                port, args.clients, args.requests, distinct=True, keep=True, processes=True
            ),
        }
        for s in idle:
            s.close()
        after = hint_search_wall(args.runs)
        yardstick = statistics.median(before + after)

        processes = workers(proc.pid)
        rss_start = rss_kib(proc.pid)
        _, mem_errors, mem_wall = load(port, args.clients, args.memory_requests, distinct=True)
        rss_end = rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=10)

    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; the server answers in {processes} processes"
    )
    print(
        f"hint search {QUERY} --json --limit 5: median {yardstick * 1000:.1f} ms wall ({2 * args.runs} runs)"
    )
    ok = True
    for name, (latencies, errors, wall) in runs.items():
        p95 = pct(latencies, 95)
        ratio = p95 / yardstick
        ok = ok and not errors and ratio < 0.25
        print(
            f"load ({name}): {args.clients} clients, {len(latencies)} requests to /api/search and /?q=, "
            f"4 silent connections open: {len(errors)} errors, {len(latencies) / wall:.0f} req/s"
        )
        print(
            f"  latency ms: p50 {pct(latencies, 50) * 1000:.1f}, p95 {p95 * 1000:.1f}, "
            f"p99 {pct(latencies, 99) * 1000:.1f}, max {max(latencies) * 1000:.1f}; "
            f"p95 / hint search wall = {ratio:.2f} (goal < 0.25: {'ok' if ratio < 0.25 else 'MISSED'})"
        )
        if errors:
            print("  errors:", ", ".join(sorted(set(errors))[:5]))
    growth = (rss_end - rss_start) / 1024
    ok = ok and not mem_errors and growth < 10
    print(
        f"memory: RSS {rss_start / 1024:.1f} MiB -> {rss_end / 1024:.1f} MiB over {args.memory_requests} "
        f"requests, every query new ({len(mem_errors)} errors, {args.memory_requests / mem_wall:.0f} req/s): "
        f"{growth:+.1f} MiB (goal < 10: {'ok' if growth < 10 else 'MISSED'})"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
