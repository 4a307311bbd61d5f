"""Markdown: a handout for a case conference (ケース会議) or a training, pasted or converted.

A title (the query with the date, or the scene), each entry with its place,
heading, its text as a quote, its ID and pages, the committee's suggestions, and
the report's full citation at the end. Every text from the data or the user is
escaped (`escape`), so that it renders exactly as written: a ``*`` or ``#`` in
an entry is a character, never emphasis or a heading.
"""

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from .. import views as v
from ..corpus import KIND_LABELS

# Characters that mean something anywhere in a line (emphasis, code, links, HTML,
# entities, tables, strike-through); CommonMark lets a backslash escape each.
_INLINE = re.compile(r"([\\`*_\[\]<>&|~!])")
# What would start a block (heading, list, quote, ordered list, rule) at a text's start.
_BLOCK_START = re.compile(r"^(\s*)([#+\-=>]|\d+[.)])")


def escape(text: str) -> str:
    """``text`` as Markdown that renders as exactly these characters, on one line.

    Only what Markdown would read as syntax is escaped, so that the raw file
    stays readable (p.8-10, not p\\.8\\-10) when pasted as it is.
    """
    one_line = " ".join(text.split("\n"))
    return _BLOCK_START.sub(_escape_marker, _INLINE.sub(r"\\\1", one_line))


def _escape_marker(m: re.Match[str]) -> str:
    space, marker = m.group(1), m.group(2)
    if marker[0].isdigit():  # 1. or 1): the punctuation after the number is the marker
        return f"{space}{marker[:-1]}\\{marker[-1]}"
    return f"{space}\\{marker}"


def render(view: Any, *, today: date) -> str:
    return "\n".join(_lines(view, today)).rstrip("\n") + "\n"


def _lines(view: Any, today: date) -> list[str]:
    handlers: dict[type, Callable[[Any], list[str]]] = {
        v.SearchView: lambda view: _search(view, today),
        v.SceneView: _scene,
        v.EntryList: _entry_list,
        v.Overview: _overview,
        v.EntryDetail: _detail,
        v.PracticesOverview: _practices_overview,
        v.Practices: _practices,
        v.About: _about,
        list: _stories,
    }
    return v.dispatch(view, handlers)


def _quote(item: v.EntryView) -> str:
    agency = f"（{escape(item.entry.agency)}）" if item.entry.agency else ""
    return f"> {escape(item.entry.text)}{agency}"


def _id_line(item: v.EntryView, place: str | None = None) -> str:
    where = escape(place) if place is not None else escape(item.pages)
    return f"ID: `{item.id}` ・ {where}"


def _notes(item: v.EntryView) -> list[str]:
    return [
        f"  - {escape(n.label())}: {escape(n.text)}（`{n.id}`{escape('、' + n.byline) if n.byline else ''}）"
        for n in item.notes
    ]


def _who(item: v.EntryView) -> str:
    return f"（{escape(item.entry.source)}）" if item.own else ""


def _bullets(items: Iterable[v.EntryView]) -> list[str]:
    return [line for i in items for line in (f"- {escape(i.entry.text)}{_who(i)}（`{i.id}`）", *_notes(i))]


def _citation(citation: str, pages: str = "") -> list[str]:
    if not citation:
        return []
    return ["", "---", "", f"出典: {escape(citation)}{' ' + escape(pages) if pages else ''}"]


def _fixes(items: Iterable[v.EntryView]) -> list[str]:
    return (
        ["", "※ 報告書の表記を訂正した項目があります（原文は `hint show ID` で）"]
        if v.has_fixes(items)
        else []
    )


def _search(view: v.SearchView, today: date) -> list[str]:
    where = f"（{escape(view.filters)}）" if view.filters else ""
    out = [
        f"# 「{escape(view.query)}」の検索結果{where}",
        "",
        f"{today.isoformat()} ・ {len(view.results)}件",
    ]
    out += [line for notice in view.notices() for line in ("", f"**{escape(notice)}**")]
    for rank, r in enumerate(view.results, 1):
        weak = f"（{v.WEAK_MATCH}）" if r.weak else ""
        out += [
            "",
            f"## {rank}. {escape(r.item.heading)}{weak}",
            "",
            _id_line(r.item, r.item.place.full()),
            "",
            _quote(r.item),
        ]
        out += [f"> {line.strip()}" for line in _notes(r.item)]
    for block in view.suggestions:
        out += ["", f"## {escape(block.title)}", "", *_bullets(block.entries)]
    return out + _fixes(view.items()) + _citation(view.citation)


def _scene(view: v.SceneView) -> list[str]:
    out = [f"# 場面{view.number}「{escape(view.title)}」", "", escape(view.pages)]
    if view.examples:
        out += ["", f"## {KIND_LABELS['example']}", "", *_bullets(view.examples)]
    for group in view.hints:
        out += ["", f"## {escape(group.heading)}", "", *_bullets(group.entries)]
    if view.suggestions:
        out += ["", f"## {KIND_LABELS['suggestion']}", "", *_bullets(view.suggestions)]
    if view.own:
        out += ["", f"## {v.OWN_LABEL}（報告書の本文ではありません）", "", *_bullets(view.own)]
    return out + _fixes(view.items()) + _citation(view.citation, view.pages)


def _entry_list(view: v.EntryList) -> list[str]:
    out = [f"# {escape(view.title)}", "", f"{view.size}項目"]
    if view.note:
        out += ["", escape(view.note)]
    part = None
    for group in view.groups:
        if group.part != part:
            out += ["", f"## {escape(group.part)}"]
            part = group.part
        out += ["", f"### {escape(group.heading)}", "", *_bullets(group.entries)]
    return out + _fixes(view.items())


def _overview(view: v.Overview) -> list[str]:
    out = [
        f"# {escape(view.title)}",
        "",
        f"{escape(view.date)} ・ 全{view.total}項目",
        "",
        f"## {v.PART_SCENES}",
        "",
    ]
    out += [f"- 場面{s.number} {escape(s.title)} {escape(s.pages)}（{s.size}項目）" for s in view.scenes]
    out += ["", "## テーマ", ""]
    out += [f"- {escape(t.name)}（{t.size}項目）: {escape(t.description)}" for t in view.themes]
    out += ["", f"## {v.PART_PRACTICES}", ""]
    out += [f"- {c.number}\\. {escape(c.section)} {escape(c.name)}（{c.size}項目）" for c in view.categories]
    out += ["", f"## {v.PART_STORIES}", ""]
    out += [f"- {s.number}\\. {escape(s.title)} {escape(s.pages)}（{s.size}項目）" for s in view.stories]
    return out


def _detail(view: v.EntryDetail) -> list[str]:
    """The paste-ready block: the quoted text and one citation line."""
    item = view.item
    agency = f"（{escape(item.entry.agency)}）" if item.entry.agency else ""
    return [
        f"> {escape(item.heading)}",
        ">",
        f"> {escape(item.entry.text)}{agency}",
        *(f"> {line.strip()}" for line in _notes(item)),
        "",
        f"提供: {escape(item.entry.source)}（{v.OWN_LABEL}。報告書の本文ではありません。ID `{item.id}`）"
        if item.own
        else f"出典: {escape(view.citation)}（{escape(item.place.full())}、ID `{item.id}`）",
    ]


def _practices_overview(view: v.PracticesOverview) -> list[str]:
    out = [f"# {v.PART_PRACTICES}"]
    for s in view.sections:
        out += ["", f"## {escape(s.name)} {escape(s.pages)}", "", escape(s.subtitle), ""]
        out += [f"- {c.number}\\. {escape(c.name)}（{c.size}項目）" for c in s.categories]
    return out


def _practices(view: v.Practices) -> list[str]:
    out = [f"# {v.PART_PRACTICES}"]
    for g in view.groups:
        out += [
            "",
            f"## {g.number}\\. {escape(g.category)}",
            "",
            f"{escape(g.section.name)} {escape(g.section.pages)}",
            "",
        ]
        out += [
            f"- {escape(i.entry.text)}{'（' + escape(i.entry.agency) + '）' if i.entry.agency else ''}（`{i.id}`）"
            for i in g.entries
        ]
    return out + _fixes(view.items())


def _stories(stories: Iterable[v.StoryView]) -> list[str]:
    out: list[str] = []
    shown: list[v.EntryView] = []
    for story in stories:
        out += ["", f"# {v.PART_STORIES} {escape(story.title)}", "", escape(story.pages)]
        for section in story.sections:
            out += ["", f"## {escape(section.name)}"]
            for sub in section.subsections:
                out += ["", f"### {escape(sub.name)}"] if sub.name else []
                out += ["", *_bullets(sub.entries)]
        shown += story.items()
    return out[1:] + _fixes(shown)


def _about(view: v.About) -> list[str]:
    out = [
        f"# {escape(view.title)}",
        "",
        f"{escape(view.series)} {escape(view.date)}",
        "",
        "## 引用するとき",
        "",
    ]
    out += [escape(view.citation), "", f"## {escape(view.committee_name or '委員会')}", ""]
    out += [f"- {escape(m.name)} {escape(m.affiliation)}" for m in view.committee]
    out += ["", "## 表記の訂正（原文 → 本ツールの表記）", ""]
    out += [
        f"- `{c.where}` {escape(c.location)}: {escape(c.original)} → {escape(c.corrected)}"
        for c in view.corrections
    ]
    for part in [*view.preface, *([view.afterword] if view.afterword else [])]:
        out += ["", f"## {escape(part.heading)} {escape(v.pages(part.page))}", ""]
        for paragraph in part.paragraphs:
            out += [escape(paragraph), ""]
    return out
