"""The process around a command, tried on the real console script: streams, signals, width, locale.

Each test runs the installed ``hint`` in a subprocess with its own cache folder.
Exit codes (README, 終了コードと端末): 74 output could not be written, 130
Ctrl-C, 143 SIGTERM; a reader that closes the pipe early still ends with 0.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import japanese

from hintcli import streams

HINT = Path(sys.executable).with_name("hint.exe" if os.name == "nt" else "hint")
pytestmark = [
    pytest.mark.skipif(not HINT.exists(), reason="hint is not installed next to this Python"),
    pytest.mark.skipif(os.name == "nt", reason="POSIX streams and signals"),
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    base = {
        k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "HINT_DEBUG")
    }
    return {**base, "HINT_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path)}


def run(env: dict[str, str], *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([HINT, *args], env=env, capture_output=True, timeout=60, **kwargs)  # type: ignore[call-overload, no-any-return]


def shell(env: dict[str, str], line: str) -> subprocess.CompletedProcess[bytes]:
    """``line`` in sh, with $HINT the console script: for redirections such as >&- and > /dev/full."""
    return subprocess.run(["sh", "-c", line], env={**env, "HINT": str(HINT)}, capture_output=True, timeout=60)


def one_japanese_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    assert "Traceback" not in text and "Exception ignored" not in text, text
    assert text and "\n" not in text and japanese(text), text
    return text


@pytest.mark.parametrize("args", ["list", "list --json", "search 本人に会えない", "about --full"])
def test_a_closed_stdout_ends_with_74_and_one_line(env: dict[str, str], args: str) -> None:
    p = shell(env, f'"$HINT" {args} >&-')
    assert p.returncode == streams.EX_IOERR
    assert "標準出力" in one_japanese_line(p.stderr)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
@pytest.mark.parametrize("args", ["list", "list --json", "search 本人に会えない -n 50", "scene 1"])
def test_a_full_stdout_ends_with_74_and_one_line(env: dict[str, str], args: str) -> None:
    p = shell(env, f'"$HINT" {args} > /dev/full')
    assert p.returncode == streams.EX_IOERR
    assert "空き" in one_japanese_line(p.stderr)


@pytest.mark.parametrize(("args", "code"), [("show zz-99", 1), ("scene 9", 2), ("list", 0), ("nonsense", 2)])
@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
def test_a_closed_or_full_stderr_never_changes_the_exit_code(
    env: dict[str, str], args: str, code: int, redirect: str
) -> None:
    if redirect.endswith("full") and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    p = shell(env, f'"$HINT" {args} >/dev/null {redirect}')
    assert p.returncode == code


def test_broken_data_keeps_exit_3_with_a_closed_stderr(env: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    p = shell({**env, "HINT_DATA_DIR": str(data)}, '"$HINT" scene 1 2>&-')
    assert p.returncode == 3


@pytest.mark.parametrize("columns", ["0", "1", "-5", "99999999999", "9" * 5000, "abc", ""])
def test_absurd_columns_are_clamped(env: dict[str, str], columns: str) -> None:
    for args in (["show", "s1-h1"], ["scene", "9"], ["--help"]):
        p = run({**env, "COLUMNS": columns}, *args)
        assert p.returncode in (0, 2), (args, p.stderr)
        output = (p.stdout + p.stderr).decode("utf-8", "replace")
        assert "Traceback" not in output
        assert "信じて" in output or "場面" in output or "使い方" in output  # something readable was shown
        width = max(len(line) for line in output.splitlines())
        assert width <= streams.MAX_COLUMNS


def test_columns_helper_clamps() -> None:
    assert streams.columns("0") == streams.MIN_COLUMNS
    assert streams.columns("99999999999") == streams.MAX_COLUMNS
    assert streams.columns("9" * 5000) == streams.MAX_COLUMNS
    assert streams.columns("80") == 80
    assert streams.columns("x") is None and streams.columns(None) is None


@pytest.mark.parametrize("args", [["story"], ["scene"], ["list", "--scene"]])  # (--limit: huge means all)
def test_a_huge_number_is_bad_input(env: dict[str, str], args: list[str]) -> None:
    p = run(env, *args, "9" * 4301)
    assert p.returncode == 2
    one_japanese_line(p.stderr)


def test_a_huge_practice_number_is_bad_input(env: dict[str, str]) -> None:
    p = run(env, "practices", "9" * 4301)
    assert p.returncode in (1, 2)
    one_japanese_line(p.stderr)


def test_arguments_are_read_as_utf8_outside_utf8_mode(env: dict[str, str]) -> None:
    c_locale = {**env, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    c_locale.pop("PYTHONIOENCODING", None)
    p = run(c_locale, "search", "本人に会えない")
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    assert "本人に会えない" in p.stdout.decode("utf-8")  # the query echoed, in UTF-8, not ????
    p = run(c_locale, "show", "ｓ１－ｈ１")  # full-width: NFKC after decoding
    assert p.returncode == 0


def test_decode_argv_only_acts_outside_utf8() -> None:
    if sys.getfilesystemencoding().lower().replace("-", "") == "utf8":
        assert streams.decode_argv(["本人", "\udcff"]) == ["本人", "\udcff"]


# --------------------------------------------------------------------------- signals


def interrupt_at(env: dict[str, str], delay: float, sig: int, *args: str) -> tuple[int, str]:
    p = subprocess.Popen([HINT, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(delay)
    p.send_signal(sig)
    assert p.stderr is not None
    err = p.stderr.read().decode("utf-8", "replace")
    return p.wait(timeout=60), err


# Before any code of ours runs come the interpreter's start-up and the `import re` of the script pip
# writes: a Ctrl-C there gets Python's own traceback (and the shell reports 130 for the signal). That
# window is ~15 ms on an idle machine and much longer on a busy one, so it is recognised, not timed:
# a traceback is allowed only if it never reached our entry point (`main`) and the libraries it loads.
OURS = ("/typer/", "/rich/", "/click/", "/rapidfuzz/", "/tomllib/", ", in main", "/hintcli/cli.py")


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.15, 0.2, 0.3])
def test_ctrl_c_at_any_moment_exits_130_without_a_traceback(env: dict[str, str], delay: float) -> None:
    code, err = interrupt_at(env, delay, signal.SIGINT, "search", "家族が支援に消極的で本人に会えない")
    if "Fatal Python error: init" in err:  # the interpreter's own start-up (site, its streams, ...)
        assert code in (-signal.SIGINT, -signal.SIGABRT, 1, 120), code  # a fatal error aborts
    elif err.strip() == "KeyboardInterrupt":  # so early that Python had no frame to show: not ours
        assert code in (-signal.SIGINT, 1, 120), code
    elif "Traceback" in err:
        assert not any(name in err for name in OURS), err
        assert code in (-signal.SIGINT, 1, 120), code  # Python's own handling, before the entry point
    else:
        assert "Exception" not in err, err
        assert code in (130, 0, -signal.SIGINT), code  # 0: the run was over; -2: before Python's handler


def test_sigterm_during_the_cache_write_leaves_no_temporary_file(env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "cache" / "hintcli-cache-v1"
    codes = set()
    for delay in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        if folder.exists():
            for p in folder.iterdir():
                if p.suffix == ".hcache":
                    p.unlink()  # a cold run each time: the write is what is interrupted
        for sig in (signal.SIGTERM, signal.SIGINT):
            code, err = interrupt_at(env, delay, sig, "search", "本人に会えない")
            codes.add(code)
            assert "Traceback" not in err, err
            assert code in (0, 130, 143, -sig), code  # -sig: before our handlers (nothing written yet)
            if folder.exists():
                assert not [p.name for p in folder.iterdir() if p.name.startswith(".tmp-")]
    assert codes & {130, 143}  # some runs were interrupted
