"""Japanese line breaking for the terminal: where lines break, and Rich texts and rows that obey it.

Kinsoku (禁則): a line must not start with closing punctuation, small kana or the
long-vowel mark, nor end with an opening bracket; ASCII runs (SNS, 8050,
p.11-13) stay whole. Widths are terminal cells (a kanji is two).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from rich.console import Console
from rich.containers import Lines
from rich.text import Text

from .style import STYLE

if TYPE_CHECKING:
    from rich.console import ConsoleOptions
    from rich.measure import Measurement

# --------------------------------------------------------------------------- Japanese line breaking

# Kinsoku: characters a line must not start with (closing punctuation, small
# kana, the long-vowel mark) and characters it must not end with (opening
# brackets). Rich folds CJK text at any character; 「。」 alone at the start
# of a line is the first thing a Japanese reader notices.
_NO_LINE_START = frozenset(
    "†、。，．,.:;!?)]}）］｝〕〉》」』】〙〗・：；！？ー…‥ゝゞ々ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ"
)
_NO_LINE_END = frozenset("([{（［｛〔〈《「『【〘〖")


def _is_word_char(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()


def break_offsets(text: str, width: int) -> list[int]:
    """Where to break ``text`` into lines of at most ``width`` cells.

    Greedy by cell width (a kanji is two cells), moving a break earlier so that
    no line starts with closing punctuation or ends with an opening bracket
    (追い出し), and so that ASCII runs (SNS, 8050, p.11-13) stay whole.
    Every line keeps at least one character, so any width terminates; the
    last line is not left with a single character when one more can join it.
    """
    offsets: list[int] = []
    start = cells = 0
    i = 0
    while i < len(text):
        w = cell_len(text[i])
        if cells + w <= width or i == start:
            cells += w
            i += 1
            continue
        brk = i
        while brk - 1 > start and (text[brk] in _NO_LINE_START or text[brk - 1] in _NO_LINE_END):
            brk -= 1
        word_start = brk
        while word_start > start and _is_word_char(text[word_start - 1]) and _is_word_char(text[word_start]):
            word_start -= 1
        if word_start > start:
            brk = word_start
        offsets.append(brk)
        start, cells = brk, cell_len(text[brk:i])
    return _no_orphan(text, offsets, width)


def _no_orphan(text: str, offsets: list[int], width: int) -> list[int]:
    """Pull a second character down when the last line would hold only one (取／組)."""
    if not offsets or len(text) - offsets[-1] != 1:
        return offsets
    previous = offsets[-2] if len(offsets) > 1 else 0
    brk = offsets[-1] - 1
    if (
        brk - 1 > previous
        and text[brk] not in _NO_LINE_START
        and text[brk - 1] not in _NO_LINE_END
        and not (_is_word_char(text[brk - 1]) and _is_word_char(text[brk]))
        and cell_len(text[brk:]) <= width
    ):
        offsets[-1] = brk
    return offsets


class JText(Text):
    """Text that wraps by Japanese rules (see `break_offsets`); otherwise a Rich Text."""

    def wrap(
        self,
        console: Console,
        width: int,
        *,
        justify: Any = None,
        overflow: Any = None,
        tab_size: int = 8,
        no_wrap: bool | None = None,
    ) -> Lines:
        if no_wrap or (no_wrap is None and self.no_wrap) or overflow == "ignore":
            return super().wrap(
                console, width, justify=justify, overflow=overflow, tab_size=tab_size, no_wrap=no_wrap
            )
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(break_offsets(line.plain, width))
            for new_line in new_lines:
                new_line.rstrip_end(width)
            new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for new_line in new_lines:
                new_line.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines


def say(console: Console, text: Text) -> None:
    """Print ``text`` wrapped by Japanese rules.

    `Console.print` joins Text arguments into a plain Text, which wraps at
    spaces the Western way; inside a Group the text wraps itself (`JText.wrap`).
    """
    from rich.console import Group

    console.print(Group(text if isinstance(text, JText) else JText.assemble(text)))


def say_pieces(console: Console, pieces: Sequence[Text], width: int | None = None) -> None:
    """Print ``pieces`` on as few lines as fit, breaking only between pieces.

    A piece (「5件／全34件」, 「（すべて: --limit 34）」) is never split across lines
    unless it is wider than the line by itself; a piece that starts a line loses
    its leading spaces.
    """
    room = width if width is not None else console.width
    lines: list[Text] = []
    for piece in pieces:
        if lines and lines[-1].cell_len + piece.cell_len <= room:
            lines[-1].append_text(piece)
            continue
        head = piece.copy()
        spaces = len(head.plain) - len(head.plain.lstrip(" "))
        lines.append(JText.assemble(head[spaces:]))
    for line in lines:
        say(console, line)


class Rows:
    """Rows of 「lead, text, tail」: the text wraps (by Japanese rules) between fixed columns.

    What ``Table.grid`` did for bullets and ID lists, without importing
    rich.table, which cost ~5 ms at every start of `hint search` and
    `hint scene`. Columns are measured in terminal cells (`cell_len`), so wide
    characters align. ``max_lines`` cuts each text, the last line ending in 「…」.
    """

    def __init__(
        self,
        rows: Sequence[tuple[Text, Text, Text]],
        *,
        gap: int = 0,
        lead_width: int = 0,
        max_lines: int | None = None,
        tail_right: bool = False,
    ) -> None:
        self.rows = rows
        self.gap = gap
        self.lead_width = lead_width
        self.max_lines = max_lines
        self.tail_right = tail_right

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        width = max(1, options.max_width)
        lead_w = max([self.lead_width, *(lead.cell_len for lead, _, _ in self.rows)])
        tail_w = max([0, *(tail.cell_len for _, _, tail in self.rows)])
        gaps = self.gap * ((lead_w > 0) + (tail_w > 0))
        text_w = max(1, width - lead_w - tail_w - gaps)
        for lead, text, tail in self.rows:
            lines = (
                Clamp(text, self.max_lines).wrapped(console, text_w)
                if self.max_lines
                else text.wrap(console, text_w)
            )
            for k, line in enumerate(lines):
                row = (lead.copy() if k == 0 else Text()).copy()
                row.pad_right(lead_w - row.cell_len)
                row.append(" " * self.gap if lead_w else "")
                line.pad_right(text_w - line.cell_len)
                row.append_text(line)
                if tail_w:
                    row.append(" " * self.gap)
                    cell = tail.plain if k == 0 else ""
                    pad = " " * (tail_w - cell_len(cell))
                    row.append(pad + cell if self.tail_right else cell + pad, style=tail.style)
                row.no_wrap = True
                row.overflow = "crop"
                yield row


class Clamp:
    """A text cut to its first ``lines`` lines (wrapped by Japanese rules), the last ending in 「…」."""

    def __init__(self, text: Text, lines: int) -> None:
        self.text = text
        self.lines = max(1, lines)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        from rich.measure import Measurement

        return Measurement.get(console, options, self.text)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        joined = Text("\n").join(self.wrapped(console, max(1, options.max_width)))
        joined.no_wrap = True
        joined.overflow = "crop"
        yield joined

    def wrapped(self, console: Console, width: int) -> Lines:
        # Wrapping only a prefix that surely fills the kept lines (a character
        # takes at least one cell) spares wrapping long texts to show two lines.
        head = (self.lines + 2) * width
        text = self.text[:head] if len(self.text) > head else self.text
        lines = text.wrap(console, width)
        if len(lines) <= self.lines and text is not self.text:
            lines = self.text.wrap(console, width)  # a prefix that broke short: wrap it all
        if len(lines) > self.lines:
            lines = Lines(lines[: self.lines])
            last = lines[-1]
            last.rstrip()
            while last.cell_len + 1 > width and len(last.plain) > 1:
                last.right_crop(1)
            last.append("…", STYLE["dim"])
        return lines
