"""Rendering: Rich panels and tables for people, JSON for scripts.

Everything the user sees is built here; nothing here decides what is relevant
(the CLI picks the entries, search ranks them). Three rules hold throughout:

* **One console factory** (`make_console`): colour only on a terminal,
  ``NO_COLOR`` and ``FORCE_COLOR`` honoured, ``--color`` overriding both; piped
  output carries no escape codes at all.
* **Text is text**: every string from the data or the user is wrapped in
  `rich.text.Text` and the consoles are built with ``markup=False``, so a
  ``[bold]`` in a query or an entry is printed as typed, never interpreted.
* **Tables, not padding**: Rich measures East Asian wide characters in cells,
  so every aligned view is a `Table`; nothing pads with spaces by hand.

Heavy Rich modules (tables, panels) are imported inside the functions that use
them: ``hint --version`` and the error paths should not pay for them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from rich.cells import cell_len
from rich.console import Console
from rich.containers import Lines
from rich.segment import Segment
from rich.text import Text

from .corpus import KIND_LABELS, KINDS
from .text import UNSAFE, sanitize

if TYPE_CHECKING:
    from rich.console import ConsoleOptions, RenderableType
    from rich.measure import Measurement
    from rich.panel import Panel
    from rich.table import Table

    from .corpus import Corpus, Entry, Scene, Section
    from .search import Result, Term

ColorChoice = Literal["auto", "always", "never"]

# The eight standard colours only: they render identically on every colour
# system (standard, 256, truecolor), which keeps golden files stable.
STYLE = {
    "title": "bold",
    "dim": "dim",
    "id": "dim",
    "page": "dim",
    "label": "bold",
    "example": "blue",
    "hint": "cyan",
    "suggestion": "magenta",
    "practice": "green",
    "story": "yellow",
    "highlight": "bold reverse",
    "note": "dim",
    "error": "bold red",
    "warning": "bold yellow",
}

# Below this width the ID column would squeeze the text to a few characters:
# the ID follows the text instead.
NARROW = 60

# Marks a corrected entry, like a footnote in print; one character so that it
# never splits across lines, and one that cp932 can encode.
FIX_MARK = "†"

PART_PRACTICES = "支援体制の整備に関する具体例"
PART_SCENES = "よく出会う場面での対応のヒント"
PART_STORIES = "素材集"


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


# --------------------------------------------------------------------------- console


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


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


class ReaderGone(Exception):
    """The reader of stdout closed the pipe (``hint list | head``); the CLI ends quietly.

    Deliberately not an OSError, so that Click does not turn it into exit 1.
    """


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
    from .streams import MAX_COLUMNS, MIN_COLUMNS, columns

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


# --------------------------------------------------------------------------- small pieces


def pages(page: int | None, page_end: int | None = None) -> str:
    """p.8-10 (ASCII hyphen: it survives every console encoding, cp932 too)."""
    if page is None:
        return ""
    if page_end and page_end != page:
        return f"p.{page}-{page_end}"
    return f"p.{page}"


def heading_label(entry: Entry) -> str:
    """How an entry's heading is shown: 「…」 for a hint, the category or section otherwise."""
    if entry.kind == "hint" and entry.heading:
        return f"「{entry.heading}」"
    return entry.heading or KIND_LABELS[entry.kind]


def part_of(entry: Entry) -> str:
    """The part of the report an entry belongs to."""
    if entry.kind == "practice":
        return PART_PRACTICES
    if entry.kind == "story":
        return PART_STORIES
    return PART_SCENES


def location(corpus: Corpus, entry: Entry) -> str:
    """Where an entry sits in the report, in one line: the part and its page."""
    where = pages(entry.page, entry.page_end)
    if entry.scene is not None:
        scene = corpus.scenes[entry.scene]
        return f"場面{scene.number} {scene.title}  {where}"
    if entry.kind == "practice":
        return f"{PART_PRACTICES}・{entry.section}  {where}"
    if entry.kind == "story":
        return f"{PART_STORIES}・{entry.section}  {where}"
    return where


def short_location(corpus: Corpus, entry: Entry) -> str:
    """Where an entry sits, briefly: 場面2 p.11-13, ハード面 p.1-3, 素材集1 p.24."""
    where = pages(entry.page, entry.page_end)
    if entry.scene is not None:
        return f"場面{entry.scene} {where}"
    if entry.kind == "practice":
        return f"{entry.section} {where}"
    if entry.kind == "story":
        return f"{PART_STORIES}{entry.story} {where}"
    return where


def _scene_heading(scene: Scene) -> Text:
    return JText.assemble(
        (f"場面{scene.number}", STYLE["title"]),
        "  ",
        (scene.title, STYLE["title"]),
        "  ",
        (pages(scene.page, scene.page_end), STYLE["page"]),
    )


def entry_text(entry: Entry, spans: Sequence[tuple[int, int]] = (), mark_fixes: bool = True) -> Text:
    """An entry's text, with its agency, a mark if it was corrected, and highlighted spans.

    ``spans`` are (start, end) offsets into ``entry.text`` (search results).
    """
    text = JText(entry.text)
    for start, end in spans:
        text.stylize(STYLE["highlight"], start, end)
    if entry.agency:
        text.append(f"（{entry.agency}）", STYLE["dim"])
    if entry.fixes and mark_fixes:
        text.append(FIX_MARK, STYLE["note"])
    return text


def fixes_legend(console: Console, entries: Iterable[Entry]) -> None:
    """The footnote for `FIX_MARK`, printed only under views that show a corrected entry."""
    if any(e.fixes for e in entries):
        console.print(
            Text(f"{FIX_MARK} 報告書の表記を訂正した箇所（原文は hint show ID で）", style=STYLE["note"])
        )


def _bullets(entries: Iterable[Entry], narrow: bool, max_lines: int | None = None) -> Rows:
    """Entries as 「・text  id」 rows; on a narrow console the ID follows the text.

    ``max_lines`` cuts each text to that many lines, ending in 「…」 (a compact
    view; the ID leads to the whole text).
    """
    rows = []
    for e in entries:
        text = entry_text(e)
        if narrow:  # the ID with the text: first when cut (the cut would lose it at the end)
            if max_lines is not None:
                text = JText.assemble((e.id, STYLE["id"]), " ", text)
            else:
                text.append(f" {e.id}", STYLE["id"])
            rows.append((Text("・"), text, Text()))
        else:
            rows.append((Text("・"), text, Text(f"  {e.id}", style=STYLE["id"])))
    return Rows(rows, max_lines=max_lines, tail_right=True)


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


def _panel(
    body: RenderableType, title: str, style: str, *, double: bool = False, subtitle: str = ""
) -> Panel:
    from rich import box
    from rich.panel import Panel

    return Panel(
        body,
        title=Text(title, style=f"bold {style}"),
        title_align="left",
        subtitle=Text(subtitle, style=STYLE["page"]) if subtitle else None,
        subtitle_align="right",
        border_style=style,
        box=box.DOUBLE if double else box.ROUNDED,
        padding=(0, 1),
    )


def _table() -> Table:
    """A borderless, headerless, full-width table: the overviews' building block.

    Full width (expand) so that a ratio column takes what is left and a
    no_wrap column with an ellipsis is the one that gives way.
    """
    from rich.table import Table

    return Table(show_header=False, box=None, padding=(0, 1), pad_edge=False, expand=True)


def _section_title(title: str, command: str = "") -> Text:
    """A part's title line, with the command that opens it (dim)."""
    return Text.assemble((title, STYLE["title"]), (f"  → {command}" if command else "", STYLE["dim"]))


def _hint_line(command: str) -> Text:
    """A dim pointer to the next command, e.g. 「→ hint scene 番号」."""
    return Text(f"→ {command}", style=STYLE["dim"])


def _count(n: int) -> str:
    return f"{n}項目"


# --------------------------------------------------------------------------- views


def scene(console: Console, scene: Scene) -> None:
    """One scene: title and pages, 具体例, each heading's hints, the committee's suggestions."""
    narrow = console.width < NARROW
    console.print(_scene_heading(scene))
    examples = scene.of_kind("example")
    if examples:
        console.print(_panel(_bullets(examples, narrow), KIND_LABELS["example"], STYLE["example"]))
    for heading, hints in scene.headings():
        console.print(_panel(_bullets(hints, narrow), f"「{heading}」", STYLE["hint"]))
    if scene.of_kind("suggestion"):
        console.print(suggestions_panel(scene, narrow))
    fixes_legend(console, scene.entries)


def suggestions_panel(
    scene: Scene,
    narrow: bool = False,
    title: str = KIND_LABELS["suggestion"],
    *,
    max_lines: int | None = None,
    subtitle: str = "",
) -> Panel:
    """A scene's 委員からのサジェスション, double-bordered: distinct from the hints even without colour.

    Also for search results, under a scene that ranks high (``title`` names the
    scene, ``max_lines`` keeps each suggestion short, ``subtitle`` says where the whole text is).
    """
    body = _bullets(scene.of_kind("suggestion"), narrow, max_lines)
    return _panel(body, title, STYLE["suggestion"], double=True, subtitle=subtitle)


def overview(console: Console, corpus: Corpus) -> None:
    """What the report holds, one table per part, each with the command that opens it."""
    about = corpus.about
    console.print(
        Text.assemble(
            (str(about.get("title", "")), STYLE["title"]),
            (f"（{about['date']}）" if about.get("date") else "", STYLE["dim"]),
            (f"  全{_count(len(corpus.entries))}", STYLE["dim"]),
        )
    )
    parts = (
        (PART_SCENES, "hint scene 番号", _scenes_table(corpus)),
        ("テーマ", "hint list -c テーマ", _themes_table(corpus)),
        (PART_PRACTICES, "hint practices 番号", _categories_table(corpus)),
        (PART_STORIES, "hint story 番号", _stories_table(corpus)),
    )
    for title, command, table in parts:
        console.print()
        console.print(_section_title(title, command))
        console.print(table)


def _scenes_table(corpus: Corpus) -> Table:
    table = _table()
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style=STYLE["page"])
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    for s in corpus.scenes.values():
        table.add_row(f"場面{s.number}", JText(s.title), pages(s.page, s.page_end), _count(len(s.entries)))
    return table


def _themes_table(corpus: Corpus) -> Table:
    table = _table()
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis", style=STYLE["dim"])
    counts = corpus.theme_counts()
    for t in corpus.themes:
        table.add_row(Text(t.name), _count(counts.get(t.name, 0)), Text(t.description))
    return table


def practice_categories(corpus: Corpus) -> list[tuple[Section, str, list[Entry]]]:
    """The practice categories in report order, with their section (numbered from 1 by position)."""
    sections = {s.name: s for s in corpus.sections}
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in corpus.entries:
        if e.kind == "practice" and e.section and e.heading:
            groups.setdefault((e.section, e.heading), []).append(e)
    return [(sections[sec], cat, es) for (sec, cat), es in groups.items() if sec in sections]


def _categories_table(corpus: Corpus, section: Section | None = None) -> Table:
    """The numbered practice categories: of one section, or of all, each section named once."""
    table = _table()
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    if section is None:
        table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    shown: set[str] = set()
    for n, (sec, category, entries) in enumerate(practice_categories(corpus), 1):
        if section is None:
            label = Text.assemble(sec.name, " ", (pages(sec.page, sec.page_end), STYLE["page"]))
            table.add_row(
                str(n), label if sec.name not in shown else "", JText(category), _count(len(entries))
            )
            shown.add(sec.name)
        elif sec.name == section.name:
            table.add_row(str(n), JText(category), _count(len(entries)))
    return table


def _stories_table(corpus: Corpus) -> Table:
    table = _table()
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style=STYLE["page"])
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    for n, st in enumerate(corpus.stories, 1):
        count = sum(1 for e in corpus.entries if e.story == n)
        table.add_row(str(n), JText(st.name), pages(st.page, st.page_end), _count(count))
    return table


def _group_key(corpus: Corpus, entry: Entry) -> tuple[str, str]:
    """The (part, heading) an entry is listed under."""
    if entry.scene is not None:
        s = corpus.scenes[entry.scene]
        part = f"場面{s.number} {s.title}  {pages(s.page, s.page_end)}"
        return part, heading_label(entry)
    return location(corpus, entry), heading_label(entry)


def entry_list(
    console: Console, corpus: Corpus, entries: Sequence[Entry], title: str, note: str = ""
) -> None:
    """Entries under a title (and a note), grouped by part (scene, practice section, story) and heading."""
    from rich.padding import Padding

    console.print(Text.assemble((title, STYLE["title"]), (f"  {_count(len(entries))}", STYLE["dim"])))
    if note:
        say(console, JText(note, style=STYLE["dim"]))
    narrow = console.width < NARROW
    id_width = max((len(e.id) for e in entries), default=0)  # one ID column width for every group
    groups: dict[tuple[str, str], list[Entry]] = {}
    for e in entries:
        groups.setdefault(_group_key(corpus, e), []).append(e)
    part = None
    for (p, h), members in groups.items():
        if p != part:
            console.print(Text(p, style=STYLE["title"]))
            part = p
        console.print(Text(f" {h}", style=STYLE["hint"]))
        console.print(Padding(_id_rows(members, narrow, id_width), (0, 0, 0, 2)))
    fixes_legend(console, entries)


def _id_rows(entries: Sequence[Entry], narrow: bool, id_width: int) -> Rows:
    """「id  text」 rows; on a narrow console the text follows the ID on the same line."""
    if narrow:
        return Rows(
            [(Text(), JText.assemble((e.id, STYLE["id"]), " ", entry_text(e)), Text()) for e in entries]
        )
    rows = [(Text(e.id, style=STYLE["id"]), entry_text(e), Text()) for e in entries]
    return Rows(rows, gap=2, lead_width=id_width)


def entry_panel(
    corpus: Corpus,
    entry: Entry,
    spans: Sequence[tuple[int, int]] = (),
    *,
    title: str | None = None,
    below: RenderableType | None = None,
) -> Panel:
    """One entry as a panel: where it is (title), its heading and text, its ID (subtitle).

    The unit of `hint show` and of search results (``spans`` highlight matches,
    ``title`` replaces the location, ``below`` follows the text: the explanation).
    """
    from rich.console import Group

    style = STYLE[entry.kind]
    body: RenderableType = JText.assemble(
        (heading_label(entry), f"bold {style}"), "\n", entry_text(entry, spans, mark_fixes=False)
    )
    if below is not None:
        body = Group(body, below)
    return _panel(body, title if title is not None else location(corpus, entry), style, subtitle=entry.id)


def entry_detail(console: Console, corpus: Corpus, entry: Entry, citation: str) -> None:
    """`hint show`: the entry's panel, then its context as a two-column table."""
    console.print(entry_panel(corpus, entry))
    table = _table()
    table.add_column(no_wrap=True, style=STYLE["label"])
    table.add_column(ratio=1)
    table.add_row("種類", JText(f"{KIND_LABELS[entry.kind]}（{part_of(entry)}）"))
    if entry.kind == "practice":
        table.add_row("区分", JText(f"{entry.section}（{entry.heading}）"))
    table.add_row("テーマ", JText("、".join(entry.themes)))
    table.add_row("出典", JText(f"{citation} {pages(entry.page, entry.page_end)}".strip()))
    if entry.source != "report":
        table.add_row("提供元", Text(entry.source))
    for fix in entry.fixes:
        table.add_row("訂正", JText(f"原文「{fix.original}」→「{fix.corrected}」"))
    console.print(table)


def practices_overview(console: Console, corpus: Corpus) -> None:
    """The 13 categories of practices, by section (ハード面 / ソフト面)."""
    console.print(_section_title(PART_PRACTICES, "hint practices 番号"))
    for section in corpus.sections:
        console.print(_section_heading(section))
        console.print(_categories_table(corpus, section))


def _section_heading(section: Section) -> Text:
    return Text.assemble(
        (section.name, STYLE["label"]),
        "  ",
        (pages(section.page, section.page_end), STYLE["page"]),
        "  ",
        (section.subtitle, STYLE["dim"]),
    )


def practices(console: Console, groups: Sequence[tuple[int, Section, str, Sequence[Entry]]]) -> None:
    """Practice categories as panels, each section's heading once above its categories."""
    narrow = console.width < NARROW
    section_name = None
    for number, section, category, entries in groups:
        if section.name != section_name:
            section_name = section.name
            console.print(_section_title(PART_PRACTICES))
            console.print(_section_heading(section))
        console.print(_panel(_bullets(entries, narrow), f"{number} {category}", STYLE["practice"]))
    fixes_legend(console, (e for g in groups for e in g[3]))


def stories(console: Console, corpus: Corpus, numbers: Sequence[int]) -> None:
    """The stories, section by section (subsections as labels inside each section's panel)."""
    from rich.console import Group

    narrow = console.width < NARROW
    for n in numbers:
        story = corpus.stories[n - 1]
        console.print(
            Text.assemble(
                (f"{PART_STORIES}  {story.name}", STYLE["title"]), "  ", (pages(story.page), STYLE["page"])
            )
        )
        lines = [e for e in corpus.entries if e.story == n]
        for section, subsections in _story_sections(lines):
            parts: list[RenderableType] = []
            for sub, entries in subsections:
                if sub:
                    parts.append(JText(sub, style=STYLE["label"]))
                parts.append(_bullets(entries, narrow))
            console.print(_panel(Group(*parts), section, STYLE["story"]))
    fixes_legend(console, (e for e in corpus.entries if e.story in numbers))


def _story_sections(lines: Sequence[Entry]) -> list[tuple[str, list[tuple[str, list[Entry]]]]]:
    """Story lines grouped by section, then subsection (the loader joins them as 「section／sub」)."""
    out: list[tuple[str, list[tuple[str, list[Entry]]]]] = []
    for e in lines:
        section, _, sub = (e.heading or "").partition("／")
        if not out or out[-1][0] != section:
            out.append((section, []))
        subs = out[-1][1]
        if not subs or subs[-1][0] != sub:
            subs.append((sub, []))
        subs[-1][1].append(e)
    return out


def about(console: Console, info: Mapping[str, Any], full: bool = False) -> None:
    """`hint about`: the report, how to cite it, its committee, our corrections, where the data is."""
    console.print(Text(str(info["title"]), style=STYLE["title"]))
    console.print(Text(f"{info['series']}　{info['date']}", style=STYLE["dim"]))
    console.print()
    console.print(Text("引用するとき", style=STYLE["label"]))
    # soft_wrap: the citation stays one line, so a terminal copy gets it whole.
    console.print(Text(str(info["citation"])), soft_wrap=True)
    console.print()

    console.print(Text(str(info.get("committee_name") or "委員会"), style=STYLE["label"]))
    committee = _table()
    committee.add_column(no_wrap=True)
    committee.add_column(ratio=1, style=STYLE["dim"])
    for member in info["committee"]:
        committee.add_row(JText(member.get("name", "")), JText(member.get("affiliation", "")))
    console.print(committee)
    console.print()

    console.print(Text("表記の訂正（原文 → 本ツールの表記）", style=STYLE["label"]))
    fixes = _table()
    fixes.add_column(no_wrap=True)
    fixes.add_column(no_wrap=True, style=STYLE["dim"])
    fixes.add_column(ratio=1)
    for fix in info["corrections"]:
        fixes.add_row(
            Text(fix["where"]), Text(fix["location"]), JText(f"{fix['original']} → {fix['corrected']}")
        )
    console.print(fixes)
    console.print()

    facts = _table()
    facts.add_column(no_wrap=True, style=STYLE["label"])
    facts.add_column(ratio=1)
    counts = info["counts"]
    facts.add_row(
        "収録",
        JText(
            "、".join(f"{KIND_LABELS[k]} {counts[k]}" for k in KINDS)
            + f"（計 {counts['entries']} 項目、場面 {counts['scenes']}、テーマ {counts['themes']}）"
        ),
    )
    facts.add_row("データ", Text(str(info["data_dir"])))
    facts.add_row("バージョン", Text(f"hintcli {info['version']}"))
    console.print(facts)

    if full:
        _about_texts(console, info)
    else:
        console.print(_hint_line("はじめに・おわりにも読むには hint about --full"))


def _about_texts(console: Console, info: Mapping[str, Any]) -> None:
    from rich.padding import Padding

    for part in [*info.get("preface", []), *([info["afterword"]] if info.get("afterword") else [])]:
        console.print()
        console.print(
            Text.assemble(
                (str(part.get("heading", "")), STYLE["title"]), "  ", (pages(part.get("page")), STYLE["page"])
            )
        )
        for paragraph in part.get("paragraphs", []):
            console.print(Padding(JText(str(paragraph)), (0, 0, 0, 1)))


def message(console: Console, text: str | Text, *, error: bool = True) -> None:
    """One line on stderr: 「hint: …」. User text inside must already be sanitized."""
    line = Text.assemble(("hint: ", STYLE["error"] if error else STYLE["warning"]), text)
    # soft_wrap: one logical line, wrapped by the terminal, never cut by us.
    console.print(line, soft_wrap=True)


# --------------------------------------------------------------------------- search results

FIRST_RESULTS = 5  # results before the committee's suggestions: what the first screen holds
SUGGESTED_SCENES = 2  # at most this many scenes' suggestions under the results
SUGGESTION_LINES = 2  # each suggestion cut to this many lines there (the ID leads to the rest)
EXPLAIN_TERMS = 8  # matched terms listed per group in --explain

# The parts of a search score (Result.parts), as the user reads them. A part the
# core adds later is shown under its own key until it gets a label here.
SCORE_PARTS = {
    "bm25": "語の一致",
    "heading": "見出しの一致",
    "part": "場面の一致",
    "section": "まとまりの一致",
    "kind": "種類の補正",
    "coverage": "語のそろい方の補正",
    "variety": "重なりの補正",
}
# Hit roles (search.py) of terms that are not the user's own words.
_THESAURUS, _TYPO, _PHRASE = "thesaurus", "typo", "phrase"
_WHOLE_WORDS = ("word", "phrase", "stem")  # roles shown when explaining how a query was read


def place(corpus: Corpus, entry: Entry, width: int | None = None) -> str:
    """Where a search result sits, named in full: 場面1「…」 p.8-10, 支援体制の具体例（ハード面） p.1-3.

    Within ``width`` cells a long scene title is shortened (場面1「ひきこもり…」 p.8-10),
    and left out if even that does not fit, so that the pages stay.
    """
    where = pages(entry.page, entry.page_end)
    if entry.scene is None:
        if entry.kind == "practice":
            return f"{KIND_LABELS['practice']}（{entry.section}） {where}"
        if entry.kind == "story":
            return f"{PART_STORIES}（歩みの例{entry.story}） {where}"
        return location(corpus, entry)
    title = corpus.scenes[entry.scene].title
    full = f"場面{entry.scene}「{title}」 {where}"
    if width is None or cell_len(full) <= width:
        return full
    room = width - cell_len(f"場面{entry.scene}「…」 {where}")
    cut = ""
    for ch in title:
        if cell_len(cut + ch) > room:
            break
        cut += ch
    return f"場面{entry.scene}「{cut}…」 {where}" if len(cut) >= 2 else f"場面{entry.scene} {where}"


def ranked_scenes(
    results: Sequence[Result], top: int = FIRST_RESULTS, most: int = SUGGESTED_SCENES
) -> list[int]:
    """The scenes that rank high: the first result's, then any with two or more of the first ``top``."""
    first = [r.entry.scene for r in results[:top]]
    counts: dict[int, int] = {}
    for n in first:
        if n is not None:
            counts[n] = counts.get(n, 0) + 1
    scenes = [first[0]] if first and first[0] is not None else []
    scenes += [n for n in counts if counts[n] >= 2 and n not in scenes]
    return scenes[:most]


def _as_is(term: str) -> str:
    return term


def search_header(query: str, count: int, total: int, filters: str = "") -> Text:
    """「本人に会えない」の検索結果  10件／全23件（すべて: --limit 23）; ``query`` already sanitized."""
    where = f"（{filters}）" if filters else ""
    head = JText.assemble(
        ("「", STYLE["title"]), (query, STYLE["title"]), (f"」の検索結果{where}", STYLE["title"])
    )
    if count < total:
        head.append(f"  {count}件／全{total}件", STYLE["label"])
        head.append(f"（すべて: --limit {total}）", STYLE["dim"])
    else:
        head.append(f"  {count}件", STYLE["label"])
    return head


def search_results(
    console: Console,
    corpus: Corpus,
    results: Sequence[Result],
    header: Text,
    *,
    scenes: Sequence[int] = (),
    explain: bool = False,
    reading: Sequence[Term] = (),
    spell: Callable[[str], str] = _as_is,
) -> None:
    """Ranked results, one compact panel each, matched words highlighted.

    The committee's suggestions of ``scenes`` (see `ranked_scenes`) follow the
    first `FIRST_RESULTS` results, so that they are on the first screen; the
    rest of the results come after them. ``reading`` (with ``explain``) is how
    the query was read.
    """
    from .text import spans

    narrow = console.width < NARROW
    say(console, header)
    if explain and reading:
        say(console, query_reading(reading, spell))
    for rank, result in enumerate(results, 1):
        if rank == FIRST_RESULTS + 1 and scenes:
            _scene_suggestions(console, corpus, scenes, narrow)
            which = f"{rank}件目" if rank == len(results) else f"{rank}～{len(results)}件目"
            console.print(Text(f"ほかの結果（{which}）", style=STYLE["dim"]))
        entry = result.entry
        below = explanation(result, narrow, spell) if explain else None
        marks = spans(entry.text, result.highlight_terms())
        console.print(
            entry_panel(corpus, entry, marks, title=place(corpus, entry, console.width - 6), below=below)
        )
    if len(results) <= FIRST_RESULTS and scenes:
        _scene_suggestions(console, corpus, scenes, narrow)


def _scene_suggestions(console: Console, corpus: Corpus, scenes: Sequence[int], narrow: bool) -> None:
    for n in scenes:
        scene = corpus.scenes[n]
        if scene.of_kind("suggestion"):
            title = f"場面{n}の{KIND_LABELS['suggestion']}"
            console.print(
                suggestions_panel(
                    scene, narrow, title, max_lines=SUGGESTION_LINES, subtitle=f"全文: hint scene {n}"
                )
            )


def _listing(items: Sequence[str], limit: int = EXPLAIN_TERMS) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" ほか{len(items) - limit}件" if len(items) > limit else "")


def _by_word(pairs: Iterable[tuple[str | None, str]]) -> list[str]:
    """(user word, report word) pairs as 「しんど → 燃え尽き・疲弊」, one item per user word."""
    groups: dict[str, list[str]] = {}
    for via, term in pairs:
        groups.setdefault(via or "", []).append(term)
    return [f"{via} → {'・'.join(terms)}" for via, terms in groups.items()]


def explanation(result: Result, narrow: bool = False, spell: Callable[[str], str] = _as_is) -> RenderableType:
    """--explain for one result: its matched terms by kind, and the parts of its score.

    A label column beside the values; on a narrow console each label heads its line.
    ``spell`` writes a normalized term as the report does (`Searcher.spelling`).
    """
    own = [
        f"「{spell(h.term)}」 {h.score:.2f}" if h.role == _PHRASE else f"{spell(h.term)} {h.score:.2f}"
        for h in result.hits
        if h.role not in (_THESAURUS, _TYPO)
    ]
    thesaurus = _by_word(
        (h.via, f"{spell(h.term)} {h.score:.2f}") for h in result.hits if h.role == _THESAURUS
    )
    typos = _by_word((h.via, f"{spell(h.term)} {h.score:.2f}") for h in result.hits if h.role == _TYPO)
    parts = " + ".join(
        f"{SCORE_PARTS.get(key, key)} {value:.2f}"
        for key, value in result.parts.items()
        if abs(value) >= 0.005
    )
    rows = [
        (label, _listing(items))
        for label, items in (("一致した語", own), ("言い換え", thesaurus), ("誤字補正", typos))
        if items
    ]
    rows.append(("スコア", f"{result.score:.2f}" + (f" = {parts}" if parts else "")))
    if narrow:
        from rich.console import Group

        return Group(
            *(JText.assemble((f"{label}: ", STYLE["label"]), (value, STYLE["dim"])) for label, value in rows)
        )
    table = _table()
    table.add_column(no_wrap=True, style=STYLE["label"])
    table.add_column(ratio=1, style=STYLE["dim"])
    for label, value in rows:
        table.add_row(label, JText(value))
    return table


def query_reading(terms: Sequence[Term], spell: Callable[[str], str] = _as_is) -> Text:
    """How the query was read (--explain): its words and phrases, what they were expanded to."""
    words = [
        f"「{spell(t.text)}」" if t.role == _PHRASE else spell(t.text)
        for t in terms
        if t.role in _WHOLE_WORDS
    ]
    groups = (
        ("語", words),
        ("言い換え", _by_word((t.via, spell(t.text)) for t in terms if t.role == _THESAURUS)),
        ("誤字補正", _by_word((t.via, spell(t.text)) for t in terms if t.role == _TYPO)),
    )
    line = JText("検索語の読み取り: ", style=STYLE["label"])
    line.append(
        " ／ ".join(f"{label} {_listing(items, 12)}" for label, items in groups if items) or "なし",
        STYLE["dim"],
    )
    return line


def search_json(results: Sequence[Result], explain: bool = False) -> list[dict[str, Any]]:
    """`hint search --json`: the `hint list --json` objects, best first, plus ``score`` (and ``explain``)."""
    out = []
    for r in results:
        data = r.entry.to_json()
        data["score"] = float(r.score)
        if explain:
            data["explain"] = explain_json(r)
        out.append(data)
    return out


def explain_json(result: Result) -> dict[str, Any]:
    """The matched terms (with the role and the user's word behind each) and the score's parts."""
    return {
        "terms": [
            {"term": h.term, "role": h.role, "via": h.via, "score": round(h.score, 6)} for h in result.hits
        ],
        "parts": {key: round(value, 6) for key, value in result.parts.items()},
    }


# --------------------------------------------------------------------------- JSON


def print_json(data: Any, file: TextIO | None = None) -> None:
    """JSON for scripts: indented, characters as themselves (not \\u escapes), one trailing newline.

    Into a pipe or file it is always UTF-8 (RFC 8259), whatever the console
    encoding (cp932 on a Japanese Windows): a script reading it must not depend
    on the machine. On a terminal it goes through the console's encoding.
    """
    import json

    out = file if file is not None else sys.stdout
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    # json escapes C0 controls but writes DEL and C1 (8-bit CSI \x9b) raw: escaped too, same JSON value.
    if UNSAFE.search(text):
        import re

        text = re.sub(r"[\x7f-\x9f\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    buffer = getattr(out, "buffer", None)
    try:
        if buffer is not None and not _isatty(out):
            out.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            out.write(text)
            out.flush()
    except BrokenPipeError:
        raise ReaderGone from None


def scene_json(scene: Scene) -> dict[str, Any]:
    return {
        "number": scene.number,
        "title": scene.title,
        "page": scene.page,
        "page_end": scene.page_end,
        "entries": [e.to_json() for e in scene.entries],
    }


def entry_json(corpus: Corpus, entry: Entry, citation: str) -> dict[str, Any]:
    """The list object, plus what `hint show` adds: pages, place, corrections, citation."""
    data = entry.to_json()
    data.update(
        page_end=entry.page_end,
        kind_label=KIND_LABELS[entry.kind],
        location=location(corpus, entry),
        scene_title=corpus.scenes[entry.scene].title if entry.scene is not None else None,
        fixes=[{"original": f.original, "corrected": f.corrected} for f in entry.fixes],
        citation=citation,
    )
    return data


def practices_json(corpus: Corpus) -> dict[str, Any]:
    numbered = list(enumerate(practice_categories(corpus), 1))
    return {
        "sections": [
            {
                "name": s.name,
                "subtitle": s.subtitle,
                "page": s.page,
                "page_end": s.page_end,
                "categories": [
                    {"number": n, "name": cat, "count": len(es)}
                    for n, (sec, cat, es) in numbered
                    if sec.name == s.name
                ],
            }
            for s in corpus.sections
        ]
    }


def practice_group_json(
    number: int, section: Section, category: str, entries: Sequence[Entry]
) -> dict[str, Any]:
    return {
        "number": number,
        "section": section.name,
        "category": category,
        "page": section.page,
        "page_end": section.page_end,
        "entries": [e.to_json() for e in entries],
    }


def story_json(corpus: Corpus, number: int) -> dict[str, Any]:
    story = corpus.stories[number - 1]
    return {
        "number": number,
        "title": story.name,
        "page": story.page,
        "page_end": story.page_end,
        "entries": [e.to_json() for e in corpus.entries if e.story == number],
    }


def about_info(corpus: Corpus, data_dir: Path | str, version: str) -> dict[str, Any]:
    """Everything `hint about` shows, as plain data (also its JSON)."""
    a = corpus.about
    counts: dict[str, int] = {k: 0 for k in KINDS}
    for e in corpus.entries:
        counts[e.kind] += 1
    return {
        "title": a.get("title", ""),
        "series": a.get("series", ""),
        "commissioned_by": a.get("commissioned_by", ""),
        "date": a.get("date", ""),
        "year": a.get("year"),
        "citation": a.get("citation", ""),
        "committee_name": a.get("committee_name", ""),
        "committee": list(a.get("committee", [])),
        "corrections": [
            {
                "where": where,
                "location": short_location(corpus, corpus.by_id[where]) if where in corpus.by_id else "",
                "original": fix.original,
                "corrected": fix.corrected,
            }
            for where, fix in corpus.corrections()
        ],
        "counts": {
            **counts,
            "entries": len(corpus.entries),
            "scenes": len(corpus.scenes),
            "themes": len(corpus.themes),
        },
        "data_dir": str(data_dir),
        "version": version,
        "preface": list(a.get("preface", [])),
        "afterword": a.get("afterword"),
    }
