"""The cache under real conditions, in subprocesses: files saved during a run, concurrent runs, a full disk.

Bounded loops keep these to a few seconds each. The issue's full loops (200 edit-during-run runs,
20 rounds of 20 concurrent runs) run with ``HINT_STRESS=1``:

    HINT_STRESS=1 pytest -q tests/test_cache_races.py -s
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import DATA

HINT = Path(sys.executable).with_name("hint.exe" if os.name == "nt" else "hint")
pytestmark = pytest.mark.skipif(not HINT.exists(), reason="hint is not installed next to this Python")
STRESS = os.environ.get("HINT_STRESS") == "1"


def environment(data: Path, cache: Path | str) -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "HINT_DEBUG")
    }
    return {**base, "HINT_DATA_DIR": str(data), "HINT_CACHE_DIR": str(cache)}


def entry_matches_disk(data: Path, cache: Path) -> bool:
    """Whether the cache's entry for ``data``, if it claims to be current, holds what the files hold.

    An entry for other bytes is harmless (the next run rebuilds it); an entry whose key says
    "current" with other content is the bug this file hunts.
    """
    from hintcli import store

    folder = cache / store.CACHE_FOLDER
    snapshot = store.read_snapshot(data)
    key = store.cache_key(data, snapshot)
    cached = store._read_entry(store.entry_path(folder, data), key, data, snapshot)
    if cached is None:
        return True
    fresh = store._build(data, snapshot)
    return (
        cached.corpus.entries == fresh.corpus.entries
        and dict(cached.corpus.scenes) == dict(fresh.corpus.scenes)
        and cached.normalized == fresh.normalized
        and cached.thesaurus.keys == fresh.thesaurus.keys
    )


def assert_cache_matches_disk(data: Path, cache: Path) -> None:
    env = environment(data, cache)
    p = subprocess.run([HINT, "show", "s2-h1", "--json"], env=env, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    assert entry_matches_disk(data, cache)
    folder = cache / "hintcli-cache-v1"
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".tmp-")]


def test_files_saved_during_runs_never_leave_a_stale_cache(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    shutil.copytree(DATA, data)
    path = data / "report" / "scene1.toml"
    original = path.read_bytes()
    edited = original.replace("手紙".encode(), "便り".encode())
    assert edited != original
    rng = random.Random(11)
    runs = 200 if STRESS else 8
    stale = 0
    for i in range(runs):
        p = subprocess.Popen(
            [HINT, "show", "s1-h1"],
            env=environment(data, cache),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.0, 0.25))
        if i % 2:  # an editor's atomic save (write elsewhere, rename over)
            temp = path.with_suffix(".new")
            temp.write_bytes(edited)
            os.replace(temp, path)
        else:  # a save in place: truncate, then write
            with path.open("wb") as f:
                f.write(edited[: len(edited) // 2])
                f.flush()
                time.sleep(0.01)
                f.write(edited[len(edited) // 2 :])
        p.wait(timeout=60)
        path.write_bytes(original)  # the edit undone
        if not entry_matches_disk(data, cache):
            stale += 1
    if STRESS:
        print(f"\nedit during run: {runs} runs, {stale} stale")
    assert stale == 0
    assert_cache_matches_disk(data, cache)


def test_concurrent_runs_over_two_data_folders_sharing_a_cache(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    folders = []
    for name, suffix in (("a", ""), ("b", "（別のフォルダ）")):
        data = tmp_path / name
        shutil.copytree(DATA, data)
        if suffix:
            scene = data / "report" / "scene2.toml"
            scene.write_text(
                scene.read_text(encoding="utf-8").replace('title = "', f'title = "{suffix}', 1), "utf-8"
            )
        folders.append(data)
    rounds, width = (20, 20) if STRESS else (2, 6)
    for r in range(rounds):
        if r % 2 == 0:  # also race rebuilds: damage or remove the entries between rounds
            for entry in (cache / "hintcli-cache-v1").glob("*.hcache") if cache.exists() else []:
                entry.write_bytes(entry.read_bytes()[:1000]) if r % 4 else entry.unlink()
        procs = [
            subprocess.Popen(
                [HINT, "search" if i % 3 else "scene", "本人に会えない" if i % 3 else "2"],
                env=environment(folders[i % 2], cache),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for i in range(width)
        ]
        for p in procs:
            assert p.wait(timeout=120) == 0, p.stderr.read().decode("utf-8", "replace") if p.stderr else ""
        for data in folders:
            assert_cache_matches_disk(data, cache)
    if STRESS:
        print(f"\nconcurrent: {rounds} rounds of {width} runs, every round matched the files on disk")


def _mount_small_tmpfs(target: Path) -> bool:
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        return False
    target.mkdir()
    p = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(target)], capture_output=True)
    return p.returncode == 0


def test_a_full_disk_leaves_no_temporary_file_and_the_run_succeeds(tmp_path: Path) -> None:
    small = tmp_path / "small"
    if not _mount_small_tmpfs(small):
        pytest.skip("cannot mount a small tmpfs here (needs root on Linux)")
    try:
        env = environment(DATA, small)
        for args in (["scene", "1"], ["search", "本人に会えない"]):
            p = subprocess.run([HINT, *args], env=env, capture_output=True, timeout=60)
            assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
            assert p.stderr == b""
        folder = small / "hintcli-cache-v1"
        assert sorted(p.name for p in folder.iterdir()) == ["CACHEDIR.TAG"]  # nothing half-written left
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)
