"""The corpus: the report as validated, immutable objects, loaded from data files.

A *source* is a folder of TOML files laid out like ``data/report/``:
``practices.toml``, ``scene1.toml`` … ``scene6.toml``, ``stories.toml`` and
``about.toml``; every file is optional except that the whole corpus must hold
at least one entry. Every entry remembers its source, so that a second source
(an agency's own hints, in a folder of the same shape) can later be merged
with the report and still be told apart. Themes live in ``data/themes.toml``.

Problems in the data raise `DataError`, whose message names the file, the
entry and the problem, in Japanese, for the person fixing the file.
"""

# No `from __future__ import annotations`: NamedTuple turns string annotations
# into ForwardRefs by compiling each one, which every start paid for.
import re
from collections.abc import Iterable, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from .text import normalize


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
ID_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class DataError(Exception):
    """A data file is missing, malformed, incomplete or inconsistent."""

    def __init__(self, path: Path | str, problem: str, entry: str | None = None) -> None:
        self.path = str(path)
        self.entry = entry
        self.problem = problem
        where = f"{self.path}: {entry}" if entry else self.path
        super().__init__(f"{where}: {problem}")


# Records are NamedTuples: immutable like frozen dataclasses, and defined about
# seven times faster, which every start of the command pays for.


class Fix(NamedTuple):
    """A transcription error corrected in the data: what the source said, what we print."""

    original: str
    corrected: str


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
    source: str = "report"
    file: str = ""


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

    __slots__ = ("about", "by_id", "entries", "scenes", "sections", "stories", "themes")

    def __init__(
        self,
        entries: tuple[Entry, ...],
        scenes: Mapping[int, Scene],
        themes: tuple[Theme, ...],
        sections: tuple[Section, ...],  # ハード面, ソフト面
        stories: tuple[Section, ...],
        about: Mapping[str, Any],
    ) -> None:
        self.entries = entries
        self.scenes = scenes
        self.themes = themes
        self.sections = sections
        self.stories = stories
        self.about = about
        self.by_id: Mapping[str, Entry] = {e.id: e for e in entries}

    def corrections(self) -> list[tuple[str, Fix]]:
        """Every recorded correction, with where it was made."""
        out: list[tuple[str, Fix]] = []
        for scene in self.scenes.values():
            out += [(f"場面{scene.number} タイトル", f) for f in scene.title_fixes]
        for e in self.entries:
            out += [(e.id, f) for f in e.fixes]
        return out

    def filter(
        self, *, theme: str | None = None, scene: int | None = None, kind: str | None = None
    ) -> list[Entry]:
        """The entries (report order) with the theme, in the scene and of the kind given; None = any."""
        return [
            e
            for e in self.entries
            if (theme is None or theme in e.themes)
            and (scene is None or e.scene == scene)
            and (kind is None or e.kind == kind)
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
# A Corpus as JSON-ready dicts and back, for the cache (store.py): loading the
# validated corpus from it skips parsing and validating the TOML files.


def to_plain(corpus: Corpus) -> dict[str, Any]:
    def entry(e: Entry) -> dict[str, Any]:  # by field name: a new field needs no change here
        row = e._asdict()
        row["themes"] = list(e.themes)
        row["fixes"] = [[f.original, f.corrected] for f in e.fixes]
        return row

    return {
        "entries": [entry(e) for e in corpus.entries],
        "scenes": [
            [s.number, s.title, s.page, s.page_end, [[f.original, f.corrected] for f in s.title_fixes]]
            for s in corpus.scenes.values()
        ],
        "themes": [[t.name, t.description, list(t.aliases)] for t in corpus.themes],
        "sections": [[s.name, s.subtitle, s.page, s.page_end] for s in corpus.sections],
        "stories": [[s.name, s.subtitle, s.page, s.page_end] for s in corpus.stories],
        "about": dict(corpus.about),
    }


def from_plain(data: dict[str, Any]) -> Corpus:
    entries = []
    for row in data["entries"]:
        row["themes"] = tuple(row["themes"])
        row["fixes"] = tuple(Fix(*f) for f in row["fixes"])
        entries.append(Entry(**row))
    scenes = {}
    for number, title, page, page_end, fixes in data["scenes"]:
        own = tuple(e for e in entries if e.scene == number)
        scenes[number] = Scene(number, title, page, page_end, own, tuple(Fix(*f) for f in fixes))
    return Corpus(
        tuple(entries),
        scenes,
        tuple(Theme(n, d, tuple(a)) for n, d, a in data["themes"]),
        tuple(Section(*s) for s in data["sections"]),
        tuple(Section(*s) for s in data["stories"]),
        data["about"],
    )


# --------------------------------------------------------------------------- loading


class Source(NamedTuple):
    """A folder of entry files and the name its entries are known by."""

    name: str
    path: Path


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here, not at the top: a cached start never parses TOML

    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise DataError(path, "ファイルがありません") from None
    except tomllib.TOMLDecodeError as e:
        raise DataError(path, f"TOML の書式に誤りがあります（{e}）") from None
    except UnicodeDecodeError:
        raise DataError(path, "UTF-8 として読めません") from None
    except OSError as e:
        raise DataError(path, f"読み込めません（{e.strerror}）") from None


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
        s = Section(
            t.req_string("name"),
            t.req_string("subtitle"),
            t.integer("page") or 0,
            t.integer("page_end", False),
        )
        sections[s.name] = s
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
    return entries, list(sections.values())


def _load_scene(path: Path, source: str) -> Scene:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"number", "title", "page", "page_end", "title_fixes", "example", "hint", "suggestion"})
    number = root.integer("number", lo=1, hi=6)
    assert number is not None
    title = root.req_string("title")
    page = root.integer("page") or 0
    page_end = root.integer("page_end", required=False)
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
        stories[n] = Section(t.req_string("title"), "", t.integer("page") or 0, t.integer("page_end", False))
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


def load(data_dir: Path, extra: Iterable[Source] = ()) -> Corpus:
    """Load and validate the report (``data_dir/report``), themes, and any extra sources."""
    themes = load_themes(data_dir / "themes.toml")
    about = _read_toml(data_dir / "report" / "about.toml")
    entries: list[Entry] = []
    scenes: dict[int, Scene] = {}
    sections: list[Section] = []
    stories: list[Section] = []
    for source in (Source("report", data_dir / "report"), *extra):
        if not source.path.is_dir():
            raise DataError(source.path, "データのフォルダがありません")
        p = source.path / "practices.toml"
        if p.exists() or source.name == "report":
            found, secs = _load_practices(p, source.name)
            entries += found
            sections += secs
        for n in SCENE_NUMBERS:
            p = source.path / f"scene{n}.toml"
            if not p.exists() and source.name != "report":
                continue
            scene = _load_scene(p, source.name)
            if scene.number != n:
                raise DataError(p, f"number = {scene.number} ですが、ファイル名は場面{n} です")
            if n in scenes:  # a second source adds to a scene the report defines
                old = scenes[n]
                scene = Scene(
                    old.number,
                    old.title,
                    old.page,
                    old.page_end,
                    old.entries + scene.entries,
                    old.title_fixes,
                )
            scenes[n] = scene
        p = source.path / "stories.toml"
        if p.exists() or source.name == "report":
            found, sts = _load_stories(p, source.name)
            entries += found
            stories += sts

    # Entries in report order: practices, scenes, stories.
    ordered = [e for e in entries if e.kind == "practice"]
    for n in sorted(scenes):
        ordered += scenes[n].entries
    ordered += [e for e in entries if e.kind == "story"]

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
