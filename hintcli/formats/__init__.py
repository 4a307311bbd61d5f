"""The document formats: each module renders the views (`hintcli.views`) as one kind of document.

`render` picks the module for a format name; `for_path` picks the format of an
output file from its extension. The terminal's panels (``text``) are not a
document: they live in `hintcli.terminal`.
"""

from datetime import date
from pathlib import Path
from typing import Any

FORMATS = ("text", "plain", "md", "csv", "html", "json")
DOCUMENTS = FORMATS[1:]
EXTENSIONS = {
    ".txt": "plain",
    ".md": "md",
    ".markdown": "md",
    ".csv": "csv",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
LABELS = {"plain": "テキスト", "md": "Markdown", "csv": "CSV", "html": "HTML", "json": "JSON"}


def for_path(path: Path) -> str | None:
    """The format an output file's extension names (.txt .md .csv .html .json), or None."""
    return EXTENSIONS.get(path.suffix.lower())


def render(view: Any, fmt: str, *, today: date | None = None) -> str:
    """``view`` (or a list of story views) as a whole document in ``fmt`` (one of `DOCUMENTS`).

    Nothing from a data file or a query drives a terminal or an editor: plain text and
    Markdown pass `text.sanitize` whole (controls other than newline and tab removed),
    CSV cell by cell (its line ends are CRLF), JSON escapes them.
    """
    from ..text import sanitize

    if fmt == "plain":
        from . import plain

        return sanitize(plain.render(view))
    if fmt == "md":
        from . import markdown

        return sanitize(markdown.render(view, today=today or date.today()))
    if fmt == "csv":
        from . import table

        return table.render(view)
    if fmt == "html":
        from . import htmlpage

        return htmlpage.render(view, today=today or date.today())
    if fmt == "json":
        from . import jsondata

        return jsondata.dumps(jsondata.render(view))
    raise ValueError(fmt)
