"""Plain text: the terminal's information without boxes or colour, ready to paste into a document.

What a pipe or a file gets by default. Every entry's text and every citation
stays on one line (a word processor wraps it), and nothing the data holds is
drawn as a border, a colour or an escape code.
"""

from collections.abc import Callable, Iterable
from typing import Any

from .. import views as v
from ..corpus import KIND_LABELS, KINDS


def render(view: Any) -> str:
    lines = _lines(view)
    return "\n".join(lines).rstrip("\n") + "\n"


def _lines(view: Any) -> list[str]:
    handlers: dict[type, Callable[[Any], list[str]]] = {
        v.SearchView: _search,
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


def _entry_text(item: v.EntryView) -> str:
    text = item.entry.text.replace("\n", " ")
    text = f"{text}（{item.entry.agency}）" if item.entry.agency else text
    return f"{text}（{item.entry.source}）" if item.own else text


def _notes(item: v.EntryView, indent: str = "  ") -> list[str]:
    return [
        f"{indent}{n.label()}: {n.text.replace(chr(10), ' ')}（{n.id}{'、' + n.byline if n.byline else ''}）"
        for n in item.notes
    ]


def _bullets(items: Iterable[v.EntryView]) -> list[str]:
    return [line for i in items for line in (f"・{_entry_text(i)}（{i.id}）", *_notes(i))]


def _fixes_note(items: Iterable[v.EntryView]) -> list[str]:
    return (
        ["", "※ 報告書の表記を訂正した項目があります（原文は hint show ID で）"] if v.has_fixes(items) else []
    )


def _cite(citation: str) -> list[str]:
    return ["", f"出典: {citation}"] if citation else []


def _search(view: v.SearchView) -> list[str]:
    where = f"（{view.filters}）" if view.filters else ""
    count = len(view.results)
    total = (
        f"{count}件／全{view.total}件（すべて: --limit {view.total}）" if count < view.total else f"{count}件"
    )
    out = [f"「{view.query}」の検索結果{where}  {total}", *view.notices()]
    if view.reading:
        out.append("検索語の読み取り: " + " ／ ".join(f"{r.label} {r.value}" for r in view.reading))
    for rank, r in enumerate(view.results, 1):
        weak = f"（{v.WEAK_MATCH}）" if r.weak else ""
        out += [
            "",
            f"{rank}. {r.item.place.full()}",
            f"   {r.item.heading}{weak}",
            f"   {_entry_text(r.item)}",
        ]
        out.append(f"   ID: {r.item.id}")
        out += _notes(r.item, "   ")
        if r.explanation:
            out += [f"   {row.label}: {row.value}" for row in r.explanation.rows]
    for block in view.suggestions:
        out += ["", f"{block.title}（全文: hint scene {block.scene}）", *_bullets(block.entries)]
    return out + _fixes_note(view.items()) + _cite(view.citation)


def _scene(view: v.SceneView) -> list[str]:
    out = [f"場面{view.number}「{view.title}」 {view.pages}"]
    if view.examples:
        out += ["", f"【{KIND_LABELS['example']}】", *_bullets(view.examples)]
    for group in view.hints:
        out += ["", f"【支援のヒント】{group.heading}", *_bullets(group.entries)]
    if view.suggestions:
        out += ["", f"【{KIND_LABELS['suggestion']}】", *_bullets(view.suggestions)]
    if view.own:
        out += ["", f"【{v.OWN_LABEL}（報告書の本文ではありません）】", *_bullets(view.own)]
    return out + _fixes_note(view.items()) + _cite(f"{view.citation} {view.pages}")


def _entry_list(view: v.EntryList) -> list[str]:
    out = [f"{view.title}  {view.size}項目"]
    if view.note:
        out.append(view.note)
    part = None
    for group in view.groups:
        if group.part != part:
            out += ["", group.part]
            part = group.part
        out.append(f" {group.heading}")
        out += [f"  {i.id}  {_entry_text(i)}" for i in group.entries]
    return out + _fixes_note(view.items())


def _overview(view: v.Overview) -> list[str]:
    date = f"（{view.date}）" if view.date else ""
    out = [f"{view.title}{date}  全{view.total}項目", "", f"{v.PART_SCENES}  → hint scene 番号"]
    out += [f"場面{s.number}  {s.title}  {s.pages}  {s.size}項目" for s in view.scenes]
    out += ["", "テーマ  → hint list -c テーマ"]
    out += [f"{t.name}  {t.size}項目  {t.description}" for t in view.themes]
    out += ["", f"{v.PART_PRACTICES}  → hint practices 番号"]
    out += [f"{c.number}  {c.section} {c.section_pages}  {c.name}  {c.size}項目" for c in view.categories]
    out += ["", f"{v.PART_STORIES}  → hint story 番号"]
    out += [f"{s.number}  {s.title}  {s.pages}  {s.size}項目" for s in view.stories]
    return out


def _detail(view: v.EntryDetail) -> list[str]:
    item = view.item
    out = [item.location, item.heading, _entry_text(item), f"ID: {item.id}"]
    return out + [f"{row.label}: {row.value}" for row in view.rows]


def _practices_overview(view: v.PracticesOverview) -> list[str]:
    out = [f"{v.PART_PRACTICES}  → hint practices 番号"]
    for s in view.sections:
        out += ["", f"{s.name}  {s.pages}  {s.subtitle}"]
        out += [f"{c.number}  {c.name}  {c.size}項目" for c in s.categories]
    return out


def _practices(view: v.Practices) -> list[str]:
    out: list[str] = []
    section = None
    for g in view.groups:
        if g.section.name != section:
            section = g.section.name
            out += [
                "" if out else v.PART_PRACTICES,
                f"{g.section.name}  {g.section.pages}  {g.section.subtitle}",
            ]
        out += ["", f"{g.number} {g.category}", *_bullets(g.entries)]
    return out + _fixes_note(view.items())


def _stories(stories: Iterable[v.StoryView]) -> list[str]:
    out: list[str] = []
    shown: list[v.EntryView] = []
    for story in stories:
        out += ["", f"{v.PART_STORIES}  {story.title}  {story.pages}"]
        for section in story.sections:
            out += ["", f"【{section.name}】"]
            for sub in section.subsections:
                if sub.name:
                    out.append(sub.name)
                out += _bullets(sub.entries)
        shown += story.items()
    return out[1:] + _fixes_note(shown)


def _about(view: v.About) -> list[str]:
    out = [view.title, f"{view.series}　{view.date}", "", "引用するとき", view.citation, ""]
    out.append(view.committee_name or "委員会")
    out += [f"{m.name}  {m.affiliation}" for m in view.committee]
    out += ["", "表記の訂正（原文 → 本ツールの表記）"]
    out += [f"{c.where}  {c.location}  {c.original} → {c.corrected}" for c in view.corrections]
    counts = view.counts
    kinds = "、".join(f"{KIND_LABELS[k]} {counts[k]}" for k in KINDS)
    totals = f"（計 {counts['entries']} 項目、場面 {counts['scenes']}、テーマ {counts['themes']}）"
    out += ["", f"収録: {kinds}{totals}", f"データ: {view.data_dir}", f"バージョン: hintcli {view.version}"]
    for part in [*view.preface, *([view.afterword] if view.afterword else [])]:
        out += ["", f"{part.heading}  {v.pages(part.page)}", *part.paragraphs]
    return out
