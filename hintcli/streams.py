"""The process around a one-shot command: signals, arguments, the standard streams, the terminal width.

Standard library only, and cheap to import: the entry point (``hintcli.__main__``)
uses it before anything else is loaded. What it guarantees, with the exit codes
the README documents:

* Ctrl-C at any moment once the entry point runs ends the run with 130 and no
  traceback (a second Ctrl-C while it winds down is ignored); SIGTERM ends it
  with 143 after ``finally`` blocks ran (the cache's temporary file is removed).
* stdout closed when the run starts (``hint list >&-``): 74 (EX_IOERR), one line
  on stderr. A full or failing stdout (``> /dev/full``): 74, one line. A reader
  that closes the pipe early (``hint list | head``): 0, quietly, as before.
* A closed or failing stderr never changes the exit code.
* ``COLUMNS`` is clamped to `MIN_COLUMNS`–`MAX_COLUMNS`.
* Arguments are read as UTF-8 even when Python is not in UTF-8 mode (LC_ALL=C).
"""

import contextlib
import errno
import os
import sys
from collections.abc import Sequence
from types import FrameType

EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_TERMINATED = 143  # 128 + SIGTERM
EX_IOERR = 74  # sysexits.h: an error writing the output (closed, full, failing)
MIN_COLUMNS = 20
MAX_COLUMNS = 400

# Writing the output failed in a way the user can act on (not a reader gone away: that is EPIPE).
_OUTPUT_ERRNOS = {errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


# --------------------------------------------------------------------------- signals


def _on_terminate(signum: int, frame: FrameType | None) -> None:
    import signal

    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends it at once
    raise SystemExit(EXIT_TERMINATED)  # an exception, so that `finally` blocks run


def install_signal_handlers() -> None:
    """SIGTERM for a one-shot command (a server keeps its own); Ctrl-C is set up by ``hintcli.__main__``."""
    import signal

    with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal
        signal.signal(signal.SIGTERM, _on_terminate)


# --------------------------------------------------------------------------- streams


def guard_std_fds() -> bool:
    """Put /dev/null on any of fds 0–2 that is closed; whether stdout was open.

    Otherwise the next file this process opens (a data file, the cache's
    temporary file) would get fd 1 or 2, and output meant for the terminal
    would land in it.
    """
    stdout_open = True
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            if fd == 1:
                stdout_open = False
            with contextlib.suppress(OSError):
                null = os.open(os.devnull, os.O_RDWR)
                if null != fd:
                    os.dup2(null, fd)
                    os.close(null)
    return stdout_open and sys.stdout is not None


def silence(fd: int) -> None:
    """After a failed write: /dev/null on ``fd``, so that the interpreter's last flush cannot fail again."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)


def output_failure(exc: BaseException) -> str | None:
    """The Japanese line for a failed write of the output, or None if ``exc`` is not one."""
    if not isinstance(exc, OSError) or isinstance(exc, BrokenPipeError) or exc.errno not in _OUTPUT_ERRNOS:
        return None
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG):
        return "出力を書き込めませんでした（書き込み先に空きがありません）"
    return f"出力を書き込めませんでした（{exc.strerror or type(exc).__name__}）"


def say(line: str) -> None:
    """One plain line on stderr, if there is a stderr to write to; never raises."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(f"hint: {line}\n")
            sys.stderr.flush()
    except Exception:
        silence(2)


def reconfigure() -> None:
    """Characters the console cannot encode (cp932) become ?, never an error; the C locale writes UTF-8.

    Under LC_ALL=C without UTF-8 mode the streams are ASCII: every Japanese
    character would be a ?. Python's own answer to the C locale is UTF-8
    (PEP 538, 540), and so is ours, unless PYTHONIOENCODING asks otherwise.
    """
    for stream in (sys.stdout, sys.stderr):
        change = getattr(stream, "reconfigure", None)
        if change is None:
            continue
        ascii_locale = (getattr(stream, "encoding", "") or "").lower() in (
            "ascii",
            "us-ascii",
            "ansi_x3.4-1968",
        )
        with contextlib.suppress(ValueError, OSError, LookupError):  # a detached or closed stream
            if ascii_locale and not os.environ.get("PYTHONIOENCODING"):
                change(encoding="utf-8", errors="replace")
            else:
                change(errors="replace")


# --------------------------------------------------------------------------- arguments and width


def decode_argv(args: Sequence[str]) -> list[str]:
    """Arguments as the user typed them: UTF-8, even when Python decoded them as ASCII (LC_ALL=C).

    Outside UTF-8 mode, Python decodes argv with the locale's encoding and keeps
    undecodable bytes as surrogate escapes; those bytes are read again as UTF-8
    (still-undecodable bytes stay escaped, and `text.sanitize` shows them as ?).
    """
    if os.name == "nt" or sys.getfilesystemencoding().lower().replace("-", "") == "utf8":
        return list(args)
    out = []
    for arg in args:
        try:
            out.append(os.fsencode(arg).decode("utf-8", "surrogateescape"))
        except (UnicodeError, ValueError):
            out.append(arg)
    return out


def columns(value: str | None) -> int | None:
    """A COLUMNS value clamped to MIN_COLUMNS–MAX_COLUMNS; None if it is not a number (the terminal decides)."""
    if value is None:
        return None
    value = value.strip()
    if not (value.isascii() and value.isdigit()):
        return None
    if len(value) > 4:  # also keeps int() from reading a 5,000-digit number
        return MAX_COLUMNS
    return min(max(int(value), MIN_COLUMNS), MAX_COLUMNS)


def clamp_columns() -> None:
    """COLUMNS in the environment clamped, for every console the run builds (Typer's help screens too)."""
    raw = os.environ.get("COLUMNS")
    width = columns(raw)
    if width is not None and str(width) != raw:
        os.environ["COLUMNS"] = str(width)
