"""CSV for Excel: one row per entry, a Japanese header, UTF-8 with BOM and CRLF.

The BOM is what makes a double-clicked file open as Japanese in Excel on a
Japanese Windows (without it Excel reads cp932 and shows mojibake). Pages are
two number columns: Excel would turn "8-10" into a date. A cell that Excel
would read as a formula (starting with = + - @, a tab or CR) gets a leading
apostrophe: own hints are typed by people, and the report's text could change.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from .. import views as v

BOM = "\ufeff"
HEADER = ("ID", "種類", "場面", "見出し", "本文", "テーマ", "開始ページ", "終了ページ", "出典", "提供元")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """One cell's text, never a formula for Excel, and no control characters but newline and tab."""
    from ..text import sanitize

    text = "" if value is None else sanitize(str(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _document(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(c) for c in row] for row in rows)
    return BOM + out.getvalue()


def entry_row(item: v.EntryView) -> list[object]:
    e = item.entry
    own = e.own
    agency = f"（{e.agency}）" if e.agency else ""
    return [
        e.id,
        item.kind_label,
        e.scene if e.scene is not None else "",
        item.heading,
        e.text + agency,
        "、".join(e.themes),
        e.page if e.page is not None else "",
        e.page_end if e.page_end is not None else (e.page if e.page is not None else ""),
        item.citation,
        "報告書" if not own else e.source,
    ]


def render(view: Any) -> str:
    if isinstance(view, v.PracticesOverview):
        header = ("番号", "区分", "分類", "項目数", "開始ページ", "終了ページ")
        rows: list[tuple[object, ...]] = [
            (c.number, s.name, c.name, c.size, s.page, s.page_end or s.page)
            for s in view.sections
            for c in s.categories
        ]
        return _document(header, rows)
    if isinstance(view, v.About):
        rows = [  # the same list type as above
            ("題名", view.title),
            ("報告書", view.series),
            ("発行", view.date),
            ("引用", view.citation),
            *((view.committee_name or "委員", f"{m.name} {m.affiliation}") for m in view.committee),
        ]
        return _document(("項目", "内容"), rows)
    return _document(HEADER, (entry_row(i) for i in _items(view)))


def _items(view: Any) -> Sequence[v.EntryView]:
    if isinstance(view, v.SearchView | v.SceneView | v.EntryList | v.Practices):
        return view.items()
    if isinstance(view, v.EntryDetail):
        return [view.item]
    if isinstance(view, v.StoryView):
        return view.items()
    if isinstance(view, list | tuple) and all(isinstance(s, v.StoryView) for s in view):
        return [i for s in view for i in s.items()]
    raise TypeError(type(view).__name__)
