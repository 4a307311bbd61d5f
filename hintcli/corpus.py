"""The corpus: the report as validated, immutable objects, loaded from data files.

The report is a folder of TOML files, ``data/report/``: ``about.toml``,
``practices.toml``, ``scene1.toml`` … ``scene6.toml`` and ``stories.toml``,
every one required and none empty. Themes live in ``data/themes.toml``.
Every entry remembers its source (``report``) and its file.

Each file is read once, as bytes (`read_data_file`: a regular file, never a
FIFO or device, at most `MAX_DATA_BYTES`), and parsed from exactly those
bytes: `parse_snapshot` hands the loaders bytes that were already read (and
hashed by the cache), so what is cached is what was parsed.

Problems in the data raise `DataError`, whose message names the file, the
entry and the problem, in Japanese, on one line, for the person fixing the file.
"""

# No `from __future__ import annotations`: NamedTuple turns string annotations
# into ForwardRefs by compiling each one, which every start paid for.
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from .text import normalize, one_line


class Kind(StrEnum):
    """What an entry is; the value is what JSON and the data files say."""

    EXAMPLE = "example"
    HINT = "hint"
    SUGGESTION = "suggestion"
    PRACTICE = "practice"
    STORY = "story"


KINDS = tuple(Kind)
KIND_LABELS: dict[str, str] = {
    Kind.EXAMPLE: "具体例",
    Kind.HINT: "支援のヒント",
    Kind.SUGGESTION: "委員からのサジェスション",
    Kind.PRACTICE: "支援体制の具体例",
    Kind.STORY: "素材集",
}
SCENE_NUMBERS = range(1, 7)
# The report's files, in the order they are read (and keyed by the cache).
REPORT_FILES = ("about.toml", "practices.toml", *(f"scene{n}.toml" for n in SCENE_NUMBERS), "stories.toml")
MAX_DATA_BYTES = 16 * 1024 * 1024  # the whole report is 0.7 MB; a file 20 times that is a mistake
ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class DataError(Exception):
    """A data file is missing, malformed, incomplete or inconsistent."""

    def __init__(self, path: Path | str, problem: str, entry: str | None = None) -> None:
        # One line, whatever the file holds: a newline or escape in a bad value is shown, not obeyed.
        self.path = one_line(str(path))
        self.entry = one_line(entry) if entry is not None else None
        self.problem = one_line(problem)
        where = f"{self.path}: {self.entry}" if self.entry else self.path
        super().__init__(f"{where}: {self.problem}")


# Records are NamedTuples: immutable like frozen dataclasses, and defined about
# seven times faster, which every start of the command pays for.


class Fix(NamedTuple):
    """A transcription error corrected in the data: what the source said, what we print."""

    original: str
    corrected: str


REPORT = "report"  # the source of the report's own passages (any other is a team's)


class Entry(NamedTuple):
    """One passage of the report. Each field means one thing, whatever the kind."""

    id: str
    kind: str  # a Kind value
    text: str
    themes: tuple[str, ...]
    page: int | None
    page_end: int | None = None
    scene: int | None = None
    heading: str | None = (
        None  # the heading it sits under: a hint's 「」, a practice category, a story's section
    )
    section: str | None = None  # the practice part it belongs to: ハード面 or ソフト面
    story: int | None = None
    subheading: str | None = None  # a story's subsection, under its section
    agency: str | None = None  # a named implementing body (島根県)
    fixes: tuple[Fix, ...] = ()
    source: str = REPORT  # REPORT, or the name of the team's source it comes from
    file: str = ""
    author: str | None = None  # an own entry's author, as written
    date: str | None = None  # an own entry's date, as written (2026-12-03)
    category: str | None = None  # an own entry's practice category (支援体制の分類)
    note_on: str | None = None  # the report entry an own note is about (s1-h8)

    @property
    def own(self) -> bool:
        """A team's own entry (or note), not the report's text."""
        return self.source != REPORT


def from_source(entry: Entry, wanted: str) -> bool:
    """``--source``: "report" (the report's entries), "own" (a team's), or one source's name."""
    if wanted in (REPORT, "own"):
        return entry.own == (wanted == "own")
    return entry.source == wanted


class Scene(NamedTuple):
    number: int
    title: str
    page: int
    page_end: int | None
    entries: tuple[Entry, ...]
    title_fixes: tuple[Fix, ...] = ()

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries if e.kind == kind]

    def headings(self) -> list[tuple[str, list[Entry]]]:
        """The hint headings in report order, each with its hints."""
        groups: dict[str, list[Entry]] = {}
        for e in self.entries:
            if e.kind == "hint" and e.heading:
                groups.setdefault(e.heading, []).append(e)
        return list(groups.items())


class Theme(NamedTuple):
    name: str
    description: str
    aliases: tuple[str, ...]


class Section(NamedTuple):
    """A titled, paged group that is not a scene: ハード面/ソフト面, or a story."""

    name: str
    subtitle: str
    page: int
    page_end: int | None


class Category(NamedTuple):
    """A practice category (支援体制の整備に関する具体例), numbered from 1 in report order."""

    number: int
    section: Section
    name: str
    entries: tuple[Entry, ...]


class Corpus:
    """The whole loaded report: entries in report order, scenes, themes, parts, bibliography."""

    __slots__ = ("about", "by_id", "entries", "notes", "scenes", "sections", "stories", "themes", "warnings")

    def __init__(
        self,
        entries: tuple[Entry, ...],
        scenes: Mapping[int, Scene],
        themes: tuple[Theme, ...],
        sections: tuple[Section, ...],  # ハード面, ソフト面
        stories: tuple[Section, ...],
        about: Mapping[str, Any],
        warnings: tuple[str, ...] = (),
    ) -> None:
        self.entries = entries
        # Problems in a team's own files, each one line (file:line: problem): the doors warn.
        self.warnings = warnings
        self.scenes = scenes
        self.themes = themes
        self.sections = sections
        self.stories = stories
        self.about = about
        self.by_id: Mapping[str, Entry] = {e.id: e for e in entries}
        notes: dict[str, list[Entry]] = {}
        for e in entries:
            if e.note_on:
                notes.setdefault(e.note_on, []).append(e)
        self.notes: Mapping[str, tuple[Entry, ...]] = {k: tuple(v) for k, v in notes.items()}

    def notes_on(self, entry_id: str) -> tuple[Entry, ...]:
        """A team's notes on one of the report's entries (``about = "s1-h8"`` in their files)."""
        return self.notes.get(entry_id, ())

    def corrections(self) -> list[tuple[str, Fix]]:
        """Every recorded correction, with where it was made."""
        out: list[tuple[str, Fix]] = []
        for scene in self.scenes.values():
            out += [(f"場面{scene.number} タイトル", f) for f in scene.title_fixes]
        for e in self.entries:
            out += [(e.id, f) for f in e.fixes]
        return out

    def filter(
        self,
        *,
        theme: str | None = None,
        scene: int | None = None,
        kind: str | None = None,
        source: str | None = None,
    ) -> list[Entry]:
        """The entries (report order) with the theme, in the scene, of the kind and from the source given
        (`from_source`); None = any."""
        return [
            e
            for e in self.entries
            if (theme is None or theme in e.themes)
            and (scene is None or e.scene == scene)
            and (kind is None or e.kind == kind)
            and (source is None or from_source(e, source))
        ]

    def categories(self) -> list[Category]:
        """The practice categories in report order, each with its section and entries."""
        sections = {s.name: s for s in self.sections}
        groups: dict[tuple[str, str], list[Entry]] = {}
        for e in self.entries:
            if e.kind == Kind.PRACTICE and e.section and e.heading:
                groups.setdefault((e.section, e.heading), []).append(e)
        found = [(sections[sec], cat, es) for (sec, cat), es in groups.items() if sec in sections]
        return [Category(n, sec, cat, tuple(es)) for n, (sec, cat, es) in enumerate(found, 1)]

    def story_lines(self, number: int) -> list[Entry]:
        return [e for e in self.entries if e.story == number]

    def theme_counts(self) -> dict[str, int]:
        counts = {t.name: 0 for t in self.themes}
        for e in self.entries:
            for t in e.themes:
                counts[t] = counts.get(t, 0) + 1
        return counts


# --------------------------------------------------------------------------- plain data
# A Corpus as JSON-ready values and back, for the cache (store.py): loading the
# validated corpus from it skips parsing and validating the TOML files.
#
# Records are written as lists in the order of their fields, and the field
# names are written with them (`SCHEMA`): a reader whose records have other
# fields refuses the data (ValueError) instead of shifting values into the
# wrong field, so adding, removing or reordering a field needs no change here.
# Every value is checked against its field's annotation while decoding: a
# cache of the wrong shape is rebuilt, never shown.

_Decoder = Callable[[Any], Any]


def _decoder(tp: Any) -> _Decoder:
    """A function that checks a JSON value against the annotation ``tp`` and returns the field's value."""
    import types

    if tp in (str, int, bool):

        def plain(value: Any, tp: type = tp) -> Any:
            if type(value) is not tp:
                raise ValueError(f"{value!r} is not {tp.__name__}")
            return value

        return plain
    args: tuple[Any, ...] = getattr(tp, "__args__", ())
    if isinstance(tp, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = _decoder(next(a for a in args if a is not type(None)))
        return lambda value: None if value is None else inner(value)
    if getattr(tp, "__origin__", None) is tuple and len(args) == 2 and args[1] is Ellipsis:
        item = _decoder(args[0])

        def sequence(value: Any) -> tuple[Any, ...]:
            if type(value) is not list:
                raise ValueError(f"{value!r} is not a list")
            return tuple(map(item, value))

        return sequence
    if isinstance(tp, type) and issubclass(tp, tuple) and hasattr(tp, "_fields"):
        values, make = _record_values(tp), getattr(tp, "_make")  # noqa: B009 (mypy: a NamedTuple class)
        return lambda value: make(values(value))
    raise TypeError(f"no cache decoder for {tp!r}: teach corpus._decoder this type")


def _record_values(cls: Any, skip: tuple[str, ...] = ()) -> _Decoder:
    """Decodes a record's list of values (the fields of ``cls`` but ``skip``) to a list."""
    fields = [f for f in cls._fields if f not in skip]
    decoders = [_decoder(cls.__annotations__[f]) for f in fields]
    count = len(fields)

    def record(value: Any) -> Any:
        if type(value) is not list or len(value) != count:
            raise ValueError(f"a {cls.__name__} needs {count} values")
        return [decode(v) for decode, v in zip(decoders, value, strict=True)]

    return record


def _column_check(tp: Any) -> Callable[[Any], bool] | None:
    """A cheap test for a whole column of a plain type (str, int, or either or None); None otherwise."""
    import types

    if tp in (str, int):
        return lambda v: type(v) is tp
    args: tuple[Any, ...] = getattr(tp, "__args__", ())
    if isinstance(tp, types.UnionType) and len(args) == 2 and type(None) in args:
        inner = next(a for a in args if a is not type(None))
        if inner in (str, int):
            return lambda v: v is None or type(v) is inner
    return None


def _records(cls: Any, value: Any) -> list[Any]:
    """Many records of ``cls`` at once, column by column: the same checks as `_decoder`, without a
    function call per value for the plain columns (a team's thousands of own entries load fast)."""
    fields = cls._fields
    if type(value) is not list or not all(type(r) is list and len(r) == len(fields) for r in value):
        raise ValueError(f"{cls.__name__} records of the wrong shape")
    if not value:
        return []
    columns: list[Any] = []
    for name, column in zip(fields, zip(*value, strict=True), strict=True):
        tp = cls.__annotations__[name]
        check = _column_check(tp)
        if check is not None:
            if not all(map(check, column)):
                raise ValueError(f"{cls.__name__}.{name} of the wrong type")
            columns.append(column)
        else:
            columns.append(list(map(_decoder(tp), column)))
    return list(map(cls._make, zip(*columns, strict=True)))


def _encode(value: Any) -> Any:
    if isinstance(value, tuple):  # records (NamedTuples) and tuples alike become lists
        return [_encode(v) for v in value]
    return value


# The records the cache holds, with the fields it holds of each (a scene's entries are the entries').
SCHEMA: dict[str, list[str]] = {
    "Entry": list(Entry._fields),
    "Scene": [f for f in Scene._fields if f != "entries"],
    "Theme": list(Theme._fields),
    "Section": list(Section._fields),
    "Fix": list(Fix._fields),
}


def to_plain(corpus: Corpus) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "entries": [_encode(e) for e in corpus.entries],
        "scenes": [[_encode(getattr(s, f)) for f in SCHEMA["Scene"]] for s in corpus.scenes.values()],
        "themes": [_encode(t) for t in corpus.themes],
        "sections": [_encode(s) for s in corpus.sections],
        "stories": [_encode(s) for s in corpus.stories],
        "about": dict(corpus.about),
        "warnings": list(corpus.warnings),
    }


def from_plain(data: Any) -> Corpus:
    """The Corpus that `to_plain` gave; ValueError (or TypeError/KeyError) for anything else."""
    if type(data) is not dict or data.get("schema") != SCHEMA:
        raise ValueError("written for records of other fields")

    def rows(name: str, decode: _Decoder) -> list[Any]:
        value = data[name]
        if type(value) is not list:
            raise ValueError(f"{name} is not a list")
        return [decode(row) for row in value]

    entries: list[Entry] = _records(Entry, data["entries"])
    scene_values = _record_values(Scene, skip=("entries",))
    scenes: dict[int, Scene] = {}
    for row in rows("scenes", scene_values):
        fields = dict(zip(SCHEMA["Scene"], row, strict=True))
        own = tuple(e for e in entries if e.scene == fields["number"] and not e.own)
        scenes[fields["number"]] = Scene(entries=own, **fields)
    if sorted(scenes) != list(SCENE_NUMBERS) or len(entries) != len({e.id for e in entries}):
        raise ValueError("not the report's scenes, or an ID twice")
    about = data["about"]
    if type(about) is not dict:
        raise ValueError("about is not a table")
    warnings = data["warnings"]
    if type(warnings) is not list or not all(type(w) is str for w in warnings):
        raise ValueError("warnings is not a list of lines")
    return Corpus(
        tuple(entries),
        scenes,
        tuple(rows("themes", _decoder(Theme))),
        tuple(rows("sections", _decoder(Section))),
        tuple(rows("stories", _decoder(Section))),
        about,
        tuple(warnings),
    )


# --------------------------------------------------------------------------- loading


def read_data_file(path: Path) -> bytes:
    """The bytes of one data file, read once, without ever blocking.

    Only a regular file is read: a FIFO would hang the run, a device never
    end. The type is checked before opening (``stat``) and again on what was
    opened (``fstat``, with O_NONBLOCK so that opening a FIFO returns at once),
    since the path can change in between.
    """
    import stat

    not_regular = "通常のファイルではありません（FIFO・デバイス・フォルダは読みません）"
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise DataError(path, not_regular)
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise DataError(path, not_regular)
            data = f.read(MAX_DATA_BYTES + 1)
    except FileNotFoundError:
        raise DataError(path, "ファイルがありません") from None
    except OSError as e:
        raise DataError(path, f"読み込めません（{e.strerror}）") from None
    if len(data) > MAX_DATA_BYTES:
        raise DataError(path, f"大きすぎます（上限 {MAX_DATA_BYTES // 1024 // 1024} MiB）")
    return data


# The bytes of the data files as read for this load (see `parse_snapshot`), by path.
_SNAPSHOT: ContextVar[Mapping[str, bytes] | None] = ContextVar("snapshot", default=None)


@contextmanager
def parse_snapshot(files: Mapping[str, bytes]) -> Iterator[None]:
    """Within this block the loaders (corpus and thesaurus) parse these bytes instead of reading files.

    The cache (store.py) reads every data file once, computes its key from
    those bytes, and builds from the same bytes: a file saved during the run
    can never put new content under an old key.
    """
    token = _SNAPSHOT.set(files)
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here, not at the top: a cached start never parses TOML

    snapshot = _SNAPSHOT.get()
    data = snapshot.get(str(path)) if snapshot is not None else None
    if data is None:
        data = read_data_file(path)
    try:
        parsed = tomllib.loads(data.decode("utf-8-sig"))  # a BOM (Windows Notepad) is not content
    except UnicodeDecodeError:
        raise DataError(path, "UTF-8 として読めません") from None
    except tomllib.TOMLDecodeError as e:
        raise DataError(path, f"TOML の書式に誤りがあります（{e}）") from None
    if not parsed:
        raise DataError(path, "ファイルが空です（項目が一つもありません）")
    return parsed


class _Table:
    """Typed access to one TOML table, with errors that name file and entry."""

    def __init__(self, path: Path, data: Any, label: str) -> None:
        if not isinstance(data, dict):
            raise DataError(path, "テーブル（[[...]]）でなければなりません", label)
        self.path, self.data, self.label = path, data, label

    def fail(self, problem: str) -> DataError:
        return DataError(self.path, problem, self.label)

    def check_keys(self, allowed: Iterable[str]) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(f"不明な項目 {', '.join(unknown)}（綴りを確認してください）")

    def string(self, key: str, required: bool = True) -> str | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} がありません")
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} は空でない文字列でなければなりません")
        return value.strip()

    def req_string(self, key: str) -> str:
        value = self.string(key)
        assert value is not None
        return value

    def integer(self, key: str, required: bool = True, lo: int = 1, hi: int = 9999) -> int | None:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} がありません")
            return None
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise self.fail(f"{key} は {lo}〜{hi} の整数でなければなりません（{value!r}）")
        return value

    def page_range(self) -> tuple[int, int | None]:
        """``page`` (required) and ``page_end`` (optional, not before ``page``)."""
        page = self.integer("page")
        end = self.integer("page_end", required=False)
        assert page is not None
        if end is not None and end < page:
            raise self.fail(f"page_end（{end}）が page（{page}）より前です")
        return page, end

    def str_list(self, key: str, required: bool = True) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} がありません")
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{key} は空でない文字列のリストでなければなりません")
        if required and not value:
            raise self.fail(f"{key} が空です（少なくとも一つ必要です）")
        return tuple(v.strip() for v in value)

    def fixes(self, key: str, text: str) -> tuple[Fix, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{key} は {{ original, corrected }} のリストでなければなりません")
        out = []
        for item in value:
            if not (
                isinstance(item, dict)
                and set(item) == {"original", "corrected"}
                and all(isinstance(v, str) and v for v in item.values())
            ):
                raise self.fail(f'{key} の各項目は {{ original = "…", corrected = "…" }} です')
            if item["corrected"] not in text:
                raise self.fail(f"訂正後の「{item['corrected']}」が本文にありません")
            out.append(Fix(item["original"], item["corrected"]))
        return tuple(out)

    def tables(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(f"{key} は [[{key}]] の並びでなければなりません")
        return value


_ENTRY_KEYS = {"id", "text", "themes", "fixes"}


def _entry(
    path: Path, raw: Any, index: int, table: str, source: str, **context: Any
) -> tuple[_Table, dict[str, Any]]:
    label = raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
    t = _Table(path, raw, label or f"{index + 1} 番目の [[{table}]]")
    entry_id = t.req_string("id")
    if not ID_RE.match(entry_id):
        raise t.fail(f"id「{entry_id}」は英小文字で始まる英小文字・数字・ハイフンの組でなければなりません")
    text = t.req_string("text")
    fields = dict(
        id=entry_id,
        text=text,
        themes=t.str_list("themes"),
        fixes=t.fixes("fixes", text),
        source=source,
        file=str(path),
    )
    fields.update(context)
    return t, fields


def _load_practices(path: Path, source: str) -> tuple[list[Entry], list[Section]]:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"section", "practice"})
    sections: dict[str, Section] = {}
    for i, raw in enumerate(root.tables("section")):
        t = _Table(path, raw, f"{i + 1} 番目の [[section]]")
        t.check_keys({"name", "subtitle", "page", "page_end"})
        name = t.req_string("name")
        if name in sections:
            raise t.fail(f"section「{name}」が二度定義されています")
        sections[name] = Section(name, t.req_string("subtitle"), *t.page_range())
    entries = []
    for i, raw in enumerate(root.tables("practice")):
        t, fields = _entry(path, raw, i, "practice", source)
        t.check_keys(_ENTRY_KEYS | {"section", "category", "agency"})
        name = t.req_string("section")
        if name not in sections:
            raise t.fail(f"section「{name}」は [[section]] に定義されていません")
        sec = sections[name]
        entries.append(
            Entry(
                kind="practice",
                heading=t.req_string("category"),
                section=name,
                agency=t.string("agency", required=False),
                page=sec.page,
                page_end=sec.page_end,
                **fields,
            )
        )
    if not entries:
        raise root.fail("[[practice]] が一つもありません")
    return entries, list(sections.values())


def _load_scene(path: Path, source: str) -> Scene:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"number", "title", "page", "page_end", "title_fixes", "example", "hint", "suggestion"})
    number = root.integer("number", lo=1, hi=6)
    assert number is not None
    title = root.req_string("title")
    page, page_end = root.page_range()
    title_fixes = root.fixes("title_fixes", title)
    entries: list[Entry] = []
    for kind in ("example", "hint", "suggestion"):
        for i, raw in enumerate(root.tables(kind)):
            t, fields = _entry(path, raw, i, kind, source)
            t.check_keys(_ENTRY_KEYS | ({"heading"} if kind == "hint" else set()))
            heading = t.req_string("heading") if kind == "hint" else None
            entries.append(
                Entry(kind=kind, scene=number, heading=heading, page=page, page_end=page_end, **fields)
            )
    if not entries:
        raise DataError(path, f"場面{number} にエントリーがありません")
    return Scene(number, title, page, page_end, tuple(entries), title_fixes)


def _load_stories(path: Path, source: str) -> tuple[list[Entry], list[Section]]:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"story", "line"})
    stories: dict[int, Section] = {}
    for i, raw in enumerate(root.tables("story")):
        t = _Table(path, raw, f"{i + 1} 番目の [[story]]")
        t.check_keys({"number", "title", "page", "page_end"})
        n = t.integer("number", lo=1, hi=99) or 0
        if n in stories:
            raise t.fail(f"number = {n} の [[story]] が二つあります")
        stories[n] = Section(t.req_string("title"), "", *t.page_range())
    entries = []
    for i, raw in enumerate(root.tables("line")):
        t, fields = _entry(path, raw, i, "line", source)
        t.check_keys(_ENTRY_KEYS | {"story", "section", "subsection"})
        n = t.integer("story", lo=1, hi=99) or 0
        if n not in stories:
            raise t.fail(f"story = {n} は [[story]] に定義されていません")
        st = stories[n]
        entries.append(
            Entry(
                kind="story",
                story=n,
                heading=t.req_string("section"),
                subheading=t.string("subsection", required=False),
                page=st.page,
                page_end=st.page_end,
                **fields,
            )
        )
    if not entries:
        raise root.fail("[[line]] が一つもありません")
    return entries, [stories[k] for k in sorted(stories)]


def load_themes(path: Path) -> tuple[Theme, ...]:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"theme"})
    themes: list[Theme] = []
    seen: dict[str, str] = {}
    for i, raw in enumerate(root.tables("theme")):
        t = _Table(path, raw, f"{i + 1} 番目の [[theme]]")
        t.check_keys({"name", "description", "aliases"})
        name = t.req_string("name")
        t.label = name
        if any(theme.name == name for theme in themes):
            raise t.fail(f"テーマ「{name}」が二度定義されています")
        theme = Theme(name, t.req_string("description"), t.str_list("aliases", required=False))
        for word in (name, *theme.aliases):
            key = normalize(word)
            if key in seen and seen[key] != name:
                raise t.fail(f"「{word}」は既にテーマ「{seen[key]}」の名前か別名です")
            seen[key] = name
        themes.append(theme)
    if not themes:
        raise DataError(path, "テーマが一つもありません")
    return tuple(themes)


def _load_about(path: Path) -> dict[str, Any]:
    """about.toml: the bibliography, the committee, はじめに and おわりに (see `hint about`)."""
    root = _Table(path, _read_toml(path), "ファイル全体")
    texts = ("title", "series", "commissioned_by", "date", "citation", "committee_name")
    root.check_keys({*texts, "year", "committee", "preface", "afterword"})
    about: dict[str, Any] = {key: root.req_string(key) for key in texts}
    about["year"] = root.integer("year", lo=1900, hi=2999)
    about["committee"] = []
    for i, raw in enumerate(root.tables("committee")):
        t = _Table(path, raw, f"committee の {i + 1} 人目")
        t.check_keys({"name", "affiliation"})
        about["committee"].append({"name": t.req_string("name"), "affiliation": t.req_string("affiliation")})
    if not about["committee"]:
        raise root.fail("committee がありません（委員の name と affiliation の並び）")

    def part(t: _Table) -> dict[str, Any]:
        t.check_keys({"heading", "page", "paragraphs"})
        return {
            "heading": t.req_string("heading"),
            "page": t.integer("page"),
            "paragraphs": list(t.str_list("paragraphs")),
        }

    about["preface"] = [
        part(_Table(path, raw, f"{i + 1} 番目の [[preface]]")) for i, raw in enumerate(root.tables("preface"))
    ]
    raw = root.data.get("afterword")
    about["afterword"] = part(_Table(path, raw, "[afterword]")) if raw is not None else None
    return about


def load(data_dir: Path) -> Corpus:
    """Load and validate the report (``data_dir/report``) and its themes (``data_dir/themes.toml``)."""
    source, folder = REPORT, data_dir / "report"
    themes = load_themes(data_dir / "themes.toml")
    about = _load_about(folder / "about.toml")
    practices, sections = _load_practices(folder / "practices.toml", source)
    scenes: dict[int, Scene] = {}
    for n in SCENE_NUMBERS:
        path = folder / f"scene{n}.toml"
        scene = _load_scene(path, source)
        if scene.number != n:
            raise DataError(path, f"number = {scene.number} ですが、ファイル名は場面{n} です")
        scenes[n] = scene
    lines, stories = _load_stories(folder / "stories.toml", source)

    # Entries in report order: practices, scenes, stories.
    ordered = [*practices, *(e for n in sorted(scenes) for e in scenes[n].entries), *lines]
    names = {t.name for t in themes}
    seen: dict[str, Entry] = {}
    for e in ordered:
        if e.id in seen:
            raise DataError(e.file, f"id「{e.id}」が重複しています（{seen[e.id].file} にもあります）", e.id)
        seen[e.id] = e
        unknown = [t for t in e.themes if t not in names]
        if unknown:
            raise DataError(
                e.file,
                f"未定義のテーマ「{'」「'.join(unknown)}」（themes.toml: {'、'.join(sorted(names))}）",
                e.id,
            )
    return Corpus(tuple(ordered), scenes, themes, tuple(sections), tuple(stories), about)
