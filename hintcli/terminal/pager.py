"""Paging: output taller than the terminal goes through a pager, as git does it.

A command's output is captured while it renders (`start`); when the command
ends (`finish`) the text is written out directly if it fits the terminal, and
handed to a pager if it does not. Never when stdout is not a terminal (a pipe,
a file), never with ``--no-pager``, ``HINT_PAGER=`` (empty) or ``HINT_PAGER=cat``.

The pager is ``HINT_PAGER``, else ``PAGER``, else ``less`` when it is installed,
else (Windows) ``more``. ``less`` is given ``LESS=FRX`` when ``LESS`` is not set:
it quits by itself when the text fits (F), passes colours (R) and leaves the
text on the screen when it quits (X). A pager that cannot be started (not
installed, a typo in ``PAGER``) is not an error: the text is printed as it is,
so that nothing waits for a program that is not there.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import subprocess
from collections.abc import Mapping

from rich.console import Console

from ..output import isatty

OFF = frozenset({"", "cat"})


def command(env: Mapping[str, str] | None = None) -> list[str] | None:
    """The pager to run as an argument list (the program found on PATH), or None for none."""
    env = os.environ if env is None else env
    for name in ("HINT_PAGER", "PAGER"):
        if name in env:
            value = env[name].strip()
            if value in OFF:
                return None
            try:
                argv = shlex.split(value, posix=os.name != "nt")
            except ValueError:
                return None
            found = shutil.which(argv[0]) if argv else None
            return [found, *argv[1:]] if found else None
    for name in ("less", "more"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def wanted(console: Console, disabled: bool = False) -> bool:
    """Whether this console's output may be paged: a terminal, and paging not turned off."""
    return not disabled and isatty(console.file) and command() is not None  # type: ignore[arg-type]


def start(console: Console) -> None:
    """Capture what ``console`` prints from now until `finish`."""
    console.begin_capture()


def finish(console: Console) -> None:
    """Write what was captured: through the pager when it is taller than the terminal."""
    text = console.end_capture()
    if text.count("\n") >= console.height and run(text, console.encoding):
        return
    console.file.write(text)
    console.file.flush()


def run(text: str, encoding: str = "utf-8") -> bool:
    """Show ``text`` in the pager; False when no pager could be started (the caller prints it)."""
    argv = command()
    if argv is None:
        return False
    env = dict(os.environ)
    if os.path.basename(argv[0]).lower().startswith("less"):
        env.setdefault("LESS", "FRX")
        if encoding.lower().replace("-", "") == "utf8":
            env.setdefault("LESSCHARSET", "utf-8")
    try:
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert proc.stdin is not None
    # The reader may quit before reading everything (q in less): that is not an error.
    with contextlib.suppress(OSError):
        proc.stdin.write(text.encode(encoding, errors="replace"))
    with contextlib.suppress(OSError):
        proc.stdin.close()
    while True:
        try:
            proc.wait()
            return True
        except KeyboardInterrupt:  # Ctrl-C belongs to the pager (less stops searching); wait on
            continue
