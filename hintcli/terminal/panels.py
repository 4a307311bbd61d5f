"""The terminal's views: Rich panels and tables, one function per view of `hintcli.views`.

Three rules hold throughout:

* **Text is text**: every string from the data or the user is wrapped in
  `rich.text.Text` and the consoles are built with ``markup=False``, so a
  ``[bold]`` in a query or an entry is printed as typed, never interpreted.
* **Tables, not padding**: Rich measures East Asian wide characters in cells,
  so every aligned view is a `Table` or `Rows`; nothing pads with spaces by hand.
* **Nothing decided here**: what is shown comes from the view; this module only
  lays it out for a terminal of the console's width.

Heavy Rich modules (tables, panels) are imported inside the functions that use
them: ``hint --version`` and the error paths should not pay for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from .. import views as v
from ..corpus import KIND_LABELS, KINDS, Kind
from .style import FIX_MARK, FIX_NOTE, NARROW, STYLE
from .width import JText, Rows, say, say_pieces

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.panel import Panel
    from rich.table import Table

SUGGESTION_LINES = 2  # each suggestion cut to this many lines under search results (the ID leads to the rest)


# --------------------------------------------------------------------------- small pieces


def entry_text(item: v.EntryView, spans: Sequence[tuple[int, int]] = (), mark_fixes: bool = True) -> Text:
    """An entry's text, with its agency, a mark if it was corrected, and highlighted spans."""
    entry = item.entry
    text = JText(entry.text)
    for start, end in spans:
        text.stylize(STYLE["highlight"], start, end)
    if entry.agency:
        text.append(f"（{entry.agency}）", STYLE["dim"])
    if entry.fixes and mark_fixes:
        text.append(FIX_MARK, STYLE["note"])
    if item.own:  # whose it is, in words: never mistaken for the report's text
        text.append(f"（{entry.source}）", STYLE["dim"])
    for note in item.notes:
        text.append(f"\n{note.label()}: ", STYLE["label"])
        text.append(note.text)
        text.append(f"（{note.id}{'、' + note.byline if note.byline else ''}）", STYLE["dim"])
    return text


def fixes_legend(console: Console, items: Iterable[v.EntryView]) -> None:
    """The footnote for `FIX_MARK`, printed only under views that show a corrected entry."""
    if v.has_fixes(items):
        console.print(Text(FIX_NOTE, style=STYLE["note"]))


def _bullets(items: Iterable[v.EntryView], narrow: bool, max_lines: int | None = None) -> Rows:
    """Entries as 「・text  id」 rows; on a narrow console the ID follows the text.

    ``max_lines`` cuts each text to that many lines, ending in 「…」 (a compact
    view; the ID leads to the whole text).
    """
    rows = []
    for item in items:
        text = entry_text(item)
        if narrow:  # the ID with the text: first when cut (the cut would lose it at the end)
            if max_lines is not None:
                text = JText.assemble((item.id, STYLE["id"]), " ", text)
            else:
                text.append(f" {item.id}", STYLE["id"])
            rows.append((Text("・"), text, Text()))
        else:
            rows.append((Text("・"), text, Text(f"  {item.id}", style=STYLE["id"])))
    return Rows(rows, max_lines=max_lines, tail_right=True)


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


# --------------------------------------------------------------------------- scene


def scene(console: Console, view: v.SceneView) -> None:
    """One scene: title and pages, 具体例, each heading's hints, the committee's suggestions."""
    narrow = console.width < NARROW
    say(
        console,
        JText.assemble(
            (f"場面{view.number}「{view.title}」", STYLE["title"]),
            " ",
            (view.pages, STYLE["page"]),
        ),
    )
    if view.examples:
        console.print(_panel(_bullets(view.examples, narrow), KIND_LABELS[Kind.EXAMPLE], STYLE["example"]))
    for group in view.hints:
        console.print(_panel(_bullets(group.entries, narrow), group.heading, STYLE["hint"]))
    if view.suggestions:
        console.print(suggestions_panel(view.suggestions, narrow))
    if view.own:
        title = f"{v.OWN_LABEL}（報告書の本文ではありません）"
        console.print(_panel(_bullets(view.own, narrow), title, STYLE["story"]))
    fixes_legend(console, view.items())


def suggestions_panel(
    items: Sequence[v.EntryView],
    narrow: bool = False,
    title: str = KIND_LABELS[Kind.SUGGESTION],
    *,
    max_lines: int | None = None,
    subtitle: str = "",
) -> Panel:
    """A scene's 委員からのサジェスション, double-bordered: distinct from the hints even without colour."""
    return _panel(
        _bullets(items, narrow, max_lines), title, STYLE["suggestion"], double=True, subtitle=subtitle
    )


# --------------------------------------------------------------------------- list


def overview(console: Console, view: v.Overview) -> None:
    """What the report holds, one table per part, each with the command that opens it."""
    console.print(
        Text.assemble(
            (view.title, STYLE["title"]),
            (f"（{view.date}）" if view.date else "", STYLE["dim"]),
            (f"  全{_count(view.total)}", STYLE["dim"]),
        )
    )
    parts = (
        (v.PART_SCENES, "hint scene 番号", _scenes_table(view.scenes)),
        ("テーマ", "hint list -c テーマ", _themes_table(view.themes)),
        (v.PART_PRACTICES, "hint practices 番号", _categories_table(view.categories)),
        (v.PART_STORIES, "hint story 番号", _stories_table(view.stories)),
    )
    for title, command, table in parts:
        console.print()
        console.print(_section_title(title, command))
        console.print(table)


def _scenes_table(rows: Sequence[v.SceneRow]) -> Table:
    table = _table()
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style=STYLE["page"])
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    for s in rows:
        table.add_row(f"場面{s.number}", JText(s.title), s.pages, _count(s.size))
    return table


def _themes_table(rows: Sequence[v.ThemeRow]) -> Table:
    table = _table()
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    table.add_column(ratio=1, no_wrap=True, overflow="ellipsis", style=STYLE["dim"])
    for t in rows:
        table.add_row(Text(t.name), _count(t.size), Text(t.description))
    return table


def _categories_table(rows: Sequence[v.CategoryRow], *, with_section: bool = True) -> Table:
    """The numbered practice categories, each section named once (``with_section``)."""
    table = _table()
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    if with_section:
        table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    shown: set[str] = set()
    for row in rows:
        if with_section:
            label = Text.assemble(row.section, " ", (row.section_pages, STYLE["page"]))
            table.add_row(
                str(row.number), label if row.section not in shown else "", JText(row.name), _count(row.size)
            )
            shown.add(row.section)
        else:
            table.add_row(str(row.number), JText(row.name), _count(row.size))
    return table


def _stories_table(rows: Sequence[v.StoryRow]) -> Table:
    table = _table()
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    table.add_column(ratio=1)
    table.add_column(no_wrap=True, style=STYLE["page"])
    table.add_column(no_wrap=True, justify="right", style=STYLE["dim"])
    for s in rows:
        table.add_row(str(s.number), JText(s.title), s.pages, _count(s.size))
    return table


def entry_list(console: Console, view: v.EntryList) -> None:
    """Entries under a title (and a note), grouped by part (scene, practice section, story) and heading."""
    from rich.padding import Padding

    console.print(Text.assemble((view.title, STYLE["title"]), (f"  {_count(view.size)}", STYLE["dim"])))
    if view.note:
        say(console, JText(view.note, style=STYLE["dim"]))
    narrow = console.width < NARROW
    id_width = max((len(item.id) for item in view.items()), default=0)  # one ID column for every group
    part = None
    for group in view.groups:
        if group.part != part:
            console.print(Text(group.part, style=STYLE["title"]))
            part = group.part
        console.print(Text(f" {group.heading}", style=STYLE["hint"]))
        console.print(Padding(_id_rows(group.entries, narrow, id_width), (0, 0, 0, 2)))
    fixes_legend(console, view.items())


def _id_rows(items: Sequence[v.EntryView], narrow: bool, id_width: int) -> Rows:
    """「id  text」 rows; on a narrow console the text follows the ID on the same line."""
    if narrow:
        return Rows(
            [(Text(), JText.assemble((i.id, STYLE["id"]), " ", entry_text(i)), Text()) for i in items]
        )
    rows = [(Text(i.id, style=STYLE["id"]), entry_text(i), Text()) for i in items]
    return Rows(rows, gap=2, lead_width=id_width)


# --------------------------------------------------------------------------- show


def entry_panel(
    item: v.EntryView,
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

    style = STYLE[item.entry.kind]
    body: RenderableType = JText.assemble(
        (item.heading, f"bold {style}"), "\n", entry_text(item, spans, mark_fixes=False)
    )
    if below is not None:
        body = Group(body, below)
    return _panel(body, title if title is not None else item.location, style, subtitle=item.id)


def entry_detail(console: Console, view: v.EntryDetail) -> None:
    """`hint show`: the entry's panel, then its context as a two-column table."""
    console.print(entry_panel(view.item))
    console.print(_rows_table(view.rows))


def _rows_table(rows: Iterable[v.DetailRow], value_style: str = "") -> Table:
    table = _table()
    table.add_column(no_wrap=True, style=STYLE["label"])
    table.add_column(ratio=1, style=value_style)
    for row in rows:
        table.add_row(row.label, JText(row.value))
    return table


# --------------------------------------------------------------------------- practices


def _section_heading(section: v.SectionView) -> Text:
    return Text.assemble(
        (section.name, STYLE["label"]),
        "  ",
        (section.pages, STYLE["page"]),
        "  ",
        (section.subtitle, STYLE["dim"]),
    )


def practices_overview(console: Console, view: v.PracticesOverview) -> None:
    """The categories of practices, by section (ハード面 / ソフト面)."""
    console.print(_section_title(v.PART_PRACTICES, "hint practices 番号"))
    for section in view.sections:
        console.print(_section_heading(section))
        console.print(_categories_table(section.categories, with_section=False))


def practices(console: Console, view: v.Practices) -> None:
    """Practice categories as panels, each section's heading once above its categories."""
    narrow = console.width < NARROW
    section_name = None
    for group in view.groups:
        if group.section.name != section_name:
            section_name = group.section.name
            console.print(_section_title(v.PART_PRACTICES))
            console.print(_section_heading(group.section))
        console.print(
            _panel(_bullets(group.entries, narrow), f"{group.number} {group.category}", STYLE["practice"])
        )
    fixes_legend(console, view.items())


# --------------------------------------------------------------------------- stories


def stories(console: Console, views: Sequence[v.StoryView]) -> None:
    """The stories, section by section (subsections as labels inside each section's panel)."""
    from rich.console import Group

    narrow = console.width < NARROW
    for story in views:
        console.print(
            Text.assemble(
                (f"{v.PART_STORIES}  {story.title}", STYLE["title"]), "  ", (story.pages, STYLE["page"])
            )
        )
        for section in story.sections:
            parts: list[RenderableType] = []
            for sub in section.subsections:
                if sub.name:
                    parts.append(JText(sub.name, style=STYLE["label"]))
                parts.append(_bullets(sub.entries, narrow))
            console.print(_panel(Group(*parts), section.name, STYLE["story"]))
    fixes_legend(console, (item for story in views for item in story.items()))


# --------------------------------------------------------------------------- about


def about(console: Console, view: v.About, full: bool = False) -> None:
    """`hint about`: the report, how to cite it, its committee, our corrections, where the data is."""
    console.print(Text(view.title, style=STYLE["title"]))
    console.print(Text(f"{view.series}　{view.date}", style=STYLE["dim"]))
    console.print()
    console.print(Text("引用するとき", style=STYLE["label"]))
    # soft_wrap: the citation stays one line, so a terminal copy gets it whole.
    console.print(Text(view.citation), soft_wrap=True)
    console.print()

    console.print(Text(view.committee_name or "委員会", style=STYLE["label"]))
    committee = _table()
    committee.add_column(no_wrap=True)
    committee.add_column(ratio=1, style=STYLE["dim"])
    for member in view.committee:
        committee.add_row(JText(member.name), JText(member.affiliation))
    console.print(committee)
    console.print()

    console.print(Text("表記の訂正（原文 → 本ツールの表記）", style=STYLE["label"]))
    fixes = _table()
    fixes.add_column(no_wrap=True)
    fixes.add_column(no_wrap=True, style=STYLE["dim"])
    fixes.add_column(ratio=1)
    for fix in view.corrections:
        fixes.add_row(Text(fix.where), Text(fix.location), JText(f"{fix.original} → {fix.corrected}"))
    console.print(fixes)
    console.print()

    counts = view.counts
    facts = [
        v.DetailRow(
            "収録",
            "、".join(f"{KIND_LABELS[k]} {counts[k]}" for k in KINDS)
            + f"（計 {counts['entries']} 項目、場面 {counts['scenes']}、テーマ {counts['themes']}）",
        ),
        v.DetailRow("データ", view.data_dir),
        v.DetailRow("バージョン", f"hintcli {view.version}"),
    ]
    console.print(_rows_table(facts))

    if full:
        _about_texts(console, view)
    else:
        console.print(_hint_line("はじめに・おわりにも読むには hint about --full"))


def _about_texts(console: Console, view: v.About) -> None:
    from rich.padding import Padding

    for part in [*view.preface, *([view.afterword] if view.afterword else [])]:
        console.print()
        console.print(
            Text.assemble((part.heading, STYLE["title"]), "  ", (v.pages(part.page), STYLE["page"]))
        )
        for paragraph in part.paragraphs:
            console.print(Padding(JText(paragraph), (0, 0, 0, 1)))


# --------------------------------------------------------------------------- search


def place(p: v.Place, width: int | None = None) -> str:
    """A result's place within ``width`` cells: a long scene title is shortened (場面1「ひきこもり…」 p.8-10),
    and left out if even that does not fit, so that the pages stay."""
    full = p.full()
    if p.scene_title is None or width is None or cell_len(full) <= width:
        return full
    room = width - cell_len(f"{p.lead}「…」 {p.pages}")
    cut = ""
    for ch in p.scene_title:
        if cell_len(cut + ch) > room:
            break
        cut += ch
    return f"{p.lead}「{cut}…」 {p.pages}" if len(cut) >= 2 else f"{p.lead} {p.pages}"


def search_header(view: v.SearchView, query: str) -> list[Text]:
    """「本人に会えない」の検索結果  10件／全23件（すべて: --limit 23）, as pieces that wrap whole;
    ``query`` already sanitized."""
    where = f"（{view.filters}）" if view.filters else ""
    head = JText.assemble(
        ("「", STYLE["title"]), (query, STYLE["title"]), (f"」の検索結果{where}", STYLE["title"])
    )
    count = len(view.results)
    if count < view.total:
        return [
            head,
            Text(f"  {count}件／全{view.total}件", STYLE["label"]),
            Text(f"（すべて: --limit {view.total}）", STYLE["dim"]),
        ]
    return [head, Text(f"  {count}件", STYLE["label"])]


def search_results(console: Console, view: v.SearchView, query: str) -> None:
    """Ranked results under one line per place (scene title and pages once), matched words highlighted.

    The committee's suggestions of the scenes that rank high, except those
    already among the results, follow the first `views.FIRST_RESULTS` results,
    so that the first screen holds the header, the best results and the
    suggestions; the rest of the results come after them. ``query`` is the
    query as echoed (sanitized).
    """
    narrow = console.width < NARROW
    say_pieces(console, search_header(view, query))
    for notice in view.notices():
        say(console, JText(notice, style=STYLE["warning"]))
    if view.explain and view.reading:
        line = JText("検索語の読み取り: ", style=STYLE["label"])
        line.append(" ／ ".join(f"{r.label} {r.value}" for r in view.reading), STYLE["dim"])
        say(console, line)
    first = v.FIRST_RESULTS
    rank_width = len(str(len(view.results)))
    _result_groups(console, view.groups(0, first), narrow, rank_width)
    if view.suggestions:
        _suggestion_blocks(console, view.suggestions, narrow)
    if len(view.results) > first:
        rank = first + 1
        which = f"{rank}件目" if rank == len(view.results) else f"{rank}～{len(view.results)}件目"
        console.print()
        console.print(Text(f"ほかの結果（{which}）", style=STYLE["dim"]))
        _result_groups(console, view.groups(first), narrow, rank_width)
    fixes_legend(console, view.items())


def _result_groups(console: Console, groups: Sequence[v.ResultGroup], narrow: bool, rank_width: int) -> None:
    from rich.padding import Padding

    for group in groups:
        console.print(Text(place(group.place, console.width), style=STYLE["title"]))
        for rank, result in zip(group.ranks, group.results, strict=True):
            item = result.item
            style = STYLE[item.entry.kind]
            # The heading line carries the rank and the ID; the text below uses the whole width.
            heading = JText.assemble((item.heading, f"bold {style}"))
            if result.weak:  # in words, not by colour alone
                heading.append(f"（{v.WEAK_MATCH}）", STYLE["dim"])
            if narrow:
                heading.append(f"  {item.id}", STYLE["id"])
            tail = Text() if narrow else Text(f"  {item.id}", style=STYLE["id"])
            lead = Text(str(rank).rjust(rank_width), style=STYLE["dim"])
            console.print(Rows([(lead, heading, tail)], gap=1, tail_right=True))
            console.print(Padding(entry_text(item, result.spans), (0, 0, 0, rank_width + 1)))
            if result.explanation:
                console.print(Padding(_explanation(result.explanation, narrow), (0, 0, 0, rank_width + 1)))


def _suggestion_blocks(console: Console, blocks: Sequence[v.SuggestionBlock], narrow: bool) -> None:
    """Each block: its title and where to read it whole, then each suggestion's first sentences."""
    for block in blocks:
        also = f"（ほか{block.left_out}件は上の結果に）" if block.left_out else ""
        say_pieces(
            console,
            [
                Text(block.title, style=f"bold {STYLE['suggestion']}"),
                Text(also, style=STYLE["dim"]),
                Text(f"  全文: hint scene {block.scene}", style=STYLE["dim"]),
            ],
        )
        rows = []
        for part in block.excerpts:
            # The ID, then whole sentences: the text takes the whole width.
            text = JText.assemble((part.item.id, STYLE["id"]), " ", part.text)
            if part.cut:
                text.append("…", STYLE["dim"])
            rows.append((Text("・"), text, Text()))
        console.print(Rows(rows))


def _explanation(view: v.Explanation, narrow: bool) -> RenderableType:
    """A label column beside the values; on a narrow console each label heads its line."""
    if narrow:
        from rich.console import Group

        return Group(
            *(JText.assemble((f"{r.label}: ", STYLE["label"]), (r.value, STYLE["dim"])) for r in view.rows)
        )
    return _rows_table(view.rows, STYLE["dim"])
