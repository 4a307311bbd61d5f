"""The JSON door: the views as JSON-ready data, for scripts (``--json``, ``--format json``, the web API).

The shapes are a promise to scripts: an entry is the same object in every
command (``hint list --json``), and commands add their own keys around it.
"""

from typing import Any

from .. import views as v


def entry(item: v.EntryView) -> dict[str, Any]:
    """An entry as every command's JSON shows it."""
    e = item.entry
    story = e.kind == "story"
    data: dict[str, Any] = {
        "id": e.id,
        "kind": str(e.kind),
        "scene": e.scene,
        "heading": item.heading if story else e.heading,
        "text": e.text,
        "page": e.page,
        "themes": list(e.themes),
        "section": item.story_title if story else e.section,
        "story": e.story,
        "agency": e.agency,
        "source": e.source,
    }
    if e.own:  # what an own entry adds; the report's entries keep their shape
        data.update(author=e.author, date=e.date, category=e.category, about=e.note_on, file=e.file)
    if item.notes:
        data["notes"] = [
            {"id": n.id, "source": n.source, "text": n.text, "byline": n.byline} for n in item.notes
        ]
    return data


def entries(items: Any) -> list[dict[str, Any]]:
    return [entry(i) for i in items]


def search(view: v.SearchView) -> list[dict[str, Any]]:
    """`hint search --json`: the entry objects, best first, plus ``score`` (and ``explain``)."""
    out = []
    for r in view.results:
        data = entry(r.item)
        data["score"] = float(r.result.score)
        data["match"] = str(r.result.match)
        if view.explain:
            data["explain"] = {
                "terms": [
                    {
                        "term": h.term,
                        "role": str(h.role),
                        "via": h.via,
                        "score": round(h.score, 6),
                        "indexed": h.indexed,  # found only in hintcli's index phrases (cues.toml)
                    }
                    for h in r.result.hits
                ],
                "parts": {str(key): round(value, 6) for key, value in r.result.parts.items()},
            }
        out.append(data)
    return out


def scene(view: v.SceneView | v.StoryView) -> dict[str, Any]:
    """A scene or a story: its number, title, pages and entries."""
    return {
        "number": view.number,
        "title": view.title,
        "page": view.page,
        "page_end": view.page_end,
        "entries": entries(view.items()),
    }


def detail(view: v.EntryDetail) -> dict[str, Any]:
    """The list object, plus what `hint show` adds: pages, place, corrections, citation."""
    e = view.item.entry
    data = entry(view.item)
    data.update(
        page_end=e.page_end,
        kind_label=view.item.kind_label,
        location=view.item.location,
        scene_title=view.scene_title,
        fixes=[{"original": f.original, "corrected": f.corrected} for f in e.fixes],
        citation=view.report_citation,
    )
    return data


def practices_overview(view: v.PracticesOverview) -> dict[str, Any]:
    return {
        "sections": [
            {
                "name": s.name,
                "subtitle": s.subtitle,
                "page": s.page,
                "page_end": s.page_end,
                "categories": [{"number": c.number, "name": c.name, "count": c.size} for c in s.categories],
            }
            for s in view.sections
        ]
    }


def practices(view: v.Practices) -> list[dict[str, Any]]:
    return [
        {
            "number": g.number,
            "section": g.section.name,
            "category": g.category,
            "page": g.section.page,
            "page_end": g.section.page_end,
            "entries": entries(g.entries),
        }
        for g in view.groups
    ]


story = scene


def about(view: v.About) -> dict[str, Any]:
    def part(p: v.AboutPart) -> dict[str, Any]:
        return {"page": p.page, "heading": p.heading, "paragraphs": list(p.paragraphs)}

    return {
        "title": view.title,
        "series": view.series,
        "commissioned_by": view.commissioned_by,
        "date": view.date,
        "year": view.year,
        "citation": view.citation,
        "committee_name": view.committee_name,
        "committee": [{"name": m.name, "affiliation": m.affiliation} for m in view.committee],
        "corrections": [
            {"where": c.where, "location": c.location, "original": c.original, "corrected": c.corrected}
            for c in view.corrections
        ],
        "counts": dict(view.counts),
        "data_dir": view.data_dir,
        "version": view.version,
        "preface": [part(p) for p in view.preface],
        "afterword": part(view.afterword) if view.afterword else None,
    }


def render(view: Any) -> Any:
    """Any view as its command's JSON (a list of story views: the stories)."""
    if isinstance(view, v.SearchView):
        return search(view)
    if isinstance(view, v.SceneView):
        return scene(view)
    if isinstance(view, v.EntryList):
        return entries(view.items())
    if isinstance(view, v.EntryDetail):
        return detail(view)
    if isinstance(view, v.PracticesOverview):
        return practices_overview(view)
    if isinstance(view, v.Practices):
        data = practices(view)
        return data[0] if len(data) == 1 else data
    if isinstance(view, v.About):
        return about(view)
    if isinstance(view, v.StoryView):
        return story(view)
    if isinstance(view, list | tuple) and all(isinstance(s, v.StoryView) for s in view):
        return [story(s) for s in view]
    raise TypeError(type(view).__name__)


def dumps(data: Any) -> str:
    """Indented, characters as themselves (not \\u escapes), one trailing newline.

    json escapes C0 controls but writes DEL and C1 (8-bit CSI \\x9b) raw: those are
    escaped too (the same JSON value), and so is a lone surrogate.
    """
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    from ..text import UNSAFE

    if UNSAFE.search(text):
        import re

        text = re.sub(r"[\x7f-\x9f\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    return text
