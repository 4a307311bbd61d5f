"""The terminal's streams: the one console factory, plain output for pipes, the reader going away."""

from __future__ import annotations

import os
import sys
from typing import Any, Literal, TextIO

from rich.console import Console
from rich.segment import Segment
from rich.text import Text

from ..output import ReaderGone
from ..output import isatty as _isatty
from ..text import UNSAFE, sanitize
from .style import STYLE

ColorChoice = Literal["auto", "always", "never"]


class _PlainWriter:
    """A stream wrapper that drops the spaces Rich pads lines with, for plain output.

    Tables and panels fill every line to the console width; in a file or a
    pipe those trailing spaces are noise (and make `diff` and `grep` worse).
    Spaces at the end of one write are held back until the next write shows
    whether a line break follows them.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._pending = ""

    @property
    def encoding(self) -> str:
        return getattr(self._stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        last = lines.pop()
        tail = last.rstrip(" ")
        self._pending = last[len(tail) :]
        self._stream.write("".join(line.rstrip(" ") + "\n" for line in lines) + tail)
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return _isatty(self._stream)

    def fileno(self) -> int:
        return self._stream.fileno()


class _Console(Console):
    def on_broken_pipe(self) -> None:
        # Rich's default raises SystemExit(1); the CLI decides the exit code.
        self.quiet = True
        raise ReaderGone

    def render(self, renderable: Any, options: Any = None) -> Any:
        """Every segment of text passes `text.sanitize`: nothing from a data file drives the terminal.

        Rich keeps ESC, NUL and C1 controls in text; the views may forget one
        field; this is the door every panel, table and line goes through.
        Rich's own codes (colours, cursor control) are added later, from styles.
        """
        for segment in super().render(renderable, options):
            if segment.control is None and UNSAFE.search(segment.text):
                yield Segment(sanitize(segment.text), segment.style)
            else:
                yield segment


def make_console(
    color: ColorChoice = "auto",
    *,
    stderr: bool = False,
    file: TextIO | None = None,
    width: int | None = None,
) -> Console:
    """The one place a Console is built.

    auto: colour when the stream is a terminal or ``FORCE_COLOR`` is set, and
    ``NO_COLOR`` (any non-empty value) drops colours but keeps bold and dim, as
    no-color.org asks. always/never override both variables. Without colour
    no escape code is written at all. Width: Rich reads ``COLUMNS``, then the
    terminal; ``width`` fixes it (golden files).
    """
    stream = file if file is not None else (sys.stderr if stderr else sys.stdout)
    tty = _isatty(stream)
    if color == "always":
        on, no_color = True, False
    elif color == "never":
        on, no_color = False, False
    else:
        on = tty or os.environ.get("FORCE_COLOR", "") != ""
        no_color = os.environ.get("NO_COLOR", "") != ""
    from ..streams import MAX_COLUMNS, MIN_COLUMNS, columns

    console = _Console(
        file=stream if on else _PlainWriter(stream),  # type: ignore[arg-type]
        force_terminal=on or tty,
        # Forced colour on a pipe has no terminal to ask: standard colours.
        color_system=("auto" if tty else "standard") if on else None,
        no_color=no_color,
        # COLUMNS=0 would print nothing at all, COLUMNS=99999999999 fill the memory: clamped.
        width=width if width is not None else columns(os.environ.get("COLUMNS")),
        markup=False,
        emoji=False,
        highlight=False,
    )
    if not MIN_COLUMNS <= console.width <= MAX_COLUMNS:  # a terminal that reports 0 columns
        console.width = min(max(console.width, MIN_COLUMNS), MAX_COLUMNS)
    return console


def message(console: Console, text: str | Text, *, error: bool = True) -> None:
    """One line on stderr: 「hint: …」. User text inside must already be sanitized."""
    line = Text.assemble(("hint: ", STYLE["error"] if error else STYLE["warning"]), text)
    # soft_wrap: one logical line, wrapped by the terminal, never cut by us.
    console.print(line, soft_wrap=True)
