"""A team's own hints: folders of TOML files beside the report, added to it and never replacing it.

Where they live: ``HINT_USER_DIR`` (one or more folders, separated by
``os.pathsep``: a personal folder and a team's shared folder on a network drive),
else the platform's user data folder (`default_folder`). The first folder is
where `hint add` writes.

What a file holds (see the README for a complete example)::

    [[hint]]
    text = "本文"                       # required
    heading = "見出し"                   # optional
    scene = 2                            # optional, a scene number
    category = "家族支援の充実"          # optional, a practice category (name or number)
    themes = ["家族支援", "かぞく"]      # optional, themes or their aliases
    author = "山田"                      # optional
    date = 2026-12-03                    # optional, a TOML date or a string
    about = "s1-h8"                      # optional: a note on one of the report's entries
    id = "letter-1"                      # optional: keeps the ID when entries are reordered

A folder may name its source in ``source.toml`` (``name = "○○市ひきこもり地域支援センター"``);
otherwise the folder's name is used. Files are UTF-8 with or without a BOM, LF or
CRLF; a file saved as Shift_JIS (cp932) is named with a message saying to save
it as UTF-8.

Only additions: an own entry's ID starts with `ID_PREFIX` (``u_``), which the
report's IDs can never have (`corpus.ID_RE` admits no underscore), so a team's
file cannot hide or change the report's text. A broken file is skipped, its
problems returned as one-line warnings (``file:line: problem``); the report
always loads.
"""

import contextlib
import os
import re
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .corpus import Corpus, DataError, Entry, Kind, read_data_file

ID_PREFIX = "u_"
_OWN_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
SOURCE_FILE = "source.toml"
ENTRY_KEYS = frozenset({"text", "heading", "scene", "category", "themes", "author", "date", "about", "id"})
MAX_FILES = 10_000  # files read per folder; a folder with more is not a hints folder


class Source(NamedTuple):
    """One of a team's folders: where it is, the name its entries carry, whether `hint add` can write there."""

    name: str
    path: Path
    writable: bool


class Problem(NamedTuple):
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


# --------------------------------------------------------------------------- where


def default_folder() -> Path:
    """The platform's user data folder for hintcli."""
    if sys.platform == "win32":
        base = os.environ.get("APPDATA")
        return Path(base) / "hintcli" if base else Path.home() / "AppData" / "Roaming" / "hintcli"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "hintcli"
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "hintcli"


def folders() -> list[Path]:
    """The user folders, in order: ``HINT_USER_DIR`` (split on os.pathsep; empty: none), else the default."""
    env = os.environ.get("HINT_USER_DIR")
    if env is None:
        return [default_folder()]
    return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]


def _writable(path: Path) -> bool:
    probe = path if path.exists() else next((p for p in path.parents if p.exists()), path)
    return os.access(probe, os.W_OK)


def sources(snapshot: Mapping[str, bytes] | None = None) -> list[Source]:
    """Each user folder with its source name (from ``source.toml`` if it names one)."""
    out = []
    for folder in folders():
        name = folder.name or str(folder)
        data = (snapshot or {}).get(str(folder / SOURCE_FILE))
        if data is None and (folder / SOURCE_FILE).is_file():
            try:
                data = read_data_file(folder / SOURCE_FILE)
            except DataError:
                data = None
        if data is not None:
            try:
                import tomllib

                named = tomllib.loads(decode(data)).get("name")
                if isinstance(named, str) and named.strip():
                    name = named.strip()
            except ValueError:  # undecodable or not TOML (tomllib's error is a ValueError)
                pass  # `check` names the problem; the folder's name stands in
        out.append(Source(name, folder, _writable(folder)))
    return out


def files_of(folder: Path) -> list[Path]:
    """The TOML files of a user folder, sorted; none when the folder is not there."""
    try:
        names = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".toml" and p.name != SOURCE_FILE)
    except OSError:
        return []
    return names[:MAX_FILES]


def snapshot() -> tuple[dict[str, bytes], list[Problem]]:
    """The bytes of every user file (``source.toml`` included), each read once; unreadable ones as problems."""
    out: dict[str, bytes] = {}
    problems = []
    for folder in folders():
        for path in [folder / SOURCE_FILE, *files_of(folder)]:
            if path.name == SOURCE_FILE and not path.exists():
                continue
            try:
                out[str(path)] = read_data_file(path)
            except DataError as e:
                problems.append(Problem(str(path), None, e.problem))
    return out, problems


# --------------------------------------------------------------------------- parsing


def decode(data: bytes) -> str:
    """UTF-8 with or without a BOM; ValueError naming cp932 when the file was saved as Shift_JIS."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data.decode("cp932")
        except UnicodeDecodeError:
            raise ValueError("UTF-8 として読めません。UTF-8 で保存し直してください") from None
        raise ValueError(
            "Shift_JIS（cp932）で保存されています。メモ帳なら「名前を付けて保存」で文字コードを UTF-8 にして保存し直してください"
        ) from None


def _toml_line(message: str) -> int | None:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else None


def _table_lines(text: str) -> list[int]:
    """The line of each ``[[hint]]`` header, in order (1-based)."""
    return [i for i, line in enumerate(text.splitlines(), 1) if line.strip().replace(" ", "") == "[[hint]]"]


class _Context(NamedTuple):
    corpus: Corpus
    themes: Mapping[str, str]  # normalized name or alias → theme
    categories: Mapping[str, str]  # normalized name or number → category


def _context(corpus: Corpus) -> _Context:
    from .text import normalize

    themes = {normalize(w): t.name for t in corpus.themes for w in (t.name, *t.aliases)}
    categories: dict[str, str] = {}
    for c in corpus.categories():
        categories[normalize(c.name)] = c.name
        categories[str(c.number)] = c.name
    return _Context(corpus, themes, categories)


def _slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug[:40] or "hints"


def parse_file(source: Source, path: Path, data: bytes, ctx: _Context) -> tuple[list[Entry], list[Problem]]:
    """One user file's entries; each entry with a problem is left out and the problem returned."""
    import tomllib

    where = str(path)
    try:
        text = decode(data)
        parsed = tomllib.loads(text)
    except ValueError as e:  # a TOMLDecodeError is a ValueError
        message = str(e)
        line = _toml_line(message) if isinstance(e, tomllib.TOMLDecodeError) else None
        detail = (
            f"TOML の書式に誤りがあります（{message}）"
            if line is not None or "TOML" in type(e).__name__
            else message
        )
        return [], [Problem(where, line, detail)]
    lines = _table_lines(text)
    unknown_top = sorted(set(parsed) - {"hint"})
    problems: list[Problem] = []
    if unknown_top:
        problems.append(
            Problem(where, None, f"不明な項目 {', '.join(unknown_top)}（項目は [[hint]] に書きます）")
        )
    raw_entries = parsed.get("hint", [])
    if not isinstance(raw_entries, list):
        return [], [*problems, Problem(where, None, "hint は [[hint]] の並びでなければなりません")]
    entries = []
    for i, raw in enumerate(raw_entries):
        line = lines[i] if i < len(lines) else None
        try:
            entries.append(_entry(source, path, raw, i, ctx))
        except ValueError as e:
            problems.append(Problem(where, line, str(e)))
    return entries, problems


def _string(raw: Mapping[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key} は空でない文字列でなければなりません")
    return value.strip()


def _entry(source: Source, path: Path, raw: Any, index: int, ctx: _Context) -> Entry:
    import datetime

    from .text import normalize

    if not isinstance(raw, dict):
        raise ValueError("[[hint]] の中身が表になっていません")
    unknown = sorted(set(raw) - ENTRY_KEYS)
    if unknown:
        raise ValueError(f"不明な項目 {', '.join(unknown)}（使える項目: {', '.join(sorted(ENTRY_KEYS))}）")
    text = _string(raw, "text")
    if text is None:
        raise ValueError("text（本文）がありません")
    scene = raw.get("scene")
    if scene is not None and (
        isinstance(scene, bool) or not isinstance(scene, int) or scene not in ctx.corpus.scenes
    ):
        raise ValueError(
            f"scene は場面の番号 {min(ctx.corpus.scenes)}～{max(ctx.corpus.scenes)} です（{scene!r}）"
        )
    category = raw.get("category")
    if category is not None:
        key = normalize(str(category))
        if key not in ctx.categories:
            raise ValueError(f"category「{category}」は支援体制の分類にありません（一覧: hint practices）")
        category = ctx.categories[key]
    themes_raw = raw.get("themes", [])
    if isinstance(themes_raw, str):
        themes_raw = [themes_raw]
    if not isinstance(themes_raw, list) or not all(isinstance(t, str) for t in themes_raw):
        raise ValueError('themes はテーマ名のリストです（例: themes = ["家族支援"]）')
    themes = []
    for t in themes_raw:
        name = ctx.themes.get(normalize(t))
        if name is None:
            raise ValueError(f"テーマ「{t}」はありません（一覧: hint list）")
        if name not in themes:
            themes.append(name)
    about = _string(raw, "about")
    if about is not None:
        about = about.lower()
        if about not in ctx.corpus.by_id:
            raise ValueError(f"about の「{about}」は報告書の ID にありません（hint list で確かめられます）")
    date = raw.get("date")
    if isinstance(date, datetime.date | datetime.datetime):
        date = date.isoformat()
    elif date is not None and not isinstance(date, str):
        raise ValueError("date は日付（2026-12-03）か文字列です")
    own_id = _string(raw, "id")
    if own_id is not None and not _OWN_ID.match(own_id.lower()):
        raise ValueError(f"id「{own_id}」は英小文字・数字・ハイフンで書きます（60 字まで）")
    entry_id = ID_PREFIX + (own_id.lower() if own_id else f"{_slug(path.stem)}-{index + 1}")
    return Entry(
        id=entry_id,
        kind=Kind.HINT,
        text=text,
        themes=tuple(themes),
        page=None,
        scene=scene,
        heading=_string(raw, "heading"),
        source=source.name,
        file=str(path),
        author=_string(raw, "author"),
        date=date.strip() if isinstance(date, str) else None,
        category=category,
        note_on=about,
    )


# --------------------------------------------------------------------------- merging


def add_to(
    corpus: Corpus, files: Mapping[str, bytes], read_problems: Iterable[Problem] = ()
) -> tuple[Corpus, list[Problem]]:
    """The report with every source's entries added after it, and the problems found on the way."""
    ctx = _context(corpus)
    problems = list(read_problems)
    added: list[Entry] = []
    seen = dict(corpus.by_id)
    for source in sources(files):
        for path in files_of(source.path):
            data = files.get(str(path))
            if data is None:
                continue
            entries, found = parse_file(source, path, data, ctx)
            problems += found
            for e in entries:
                if e.id in seen:
                    other = seen[e.id].file or "報告書"
                    problems.append(
                        Problem(str(path), None, f"ID「{e.id}」が重複しています（{other} にもあります）")
                    )
                    continue
                seen[e.id] = e
                added.append(e)
    if not added and not problems:
        return corpus, []
    merged = Corpus(
        corpus.entries + tuple(added),
        corpus.scenes,
        corpus.themes,
        corpus.sections,
        corpus.stories,
        corpus.about,
        tuple(str(p) for p in problems),
    )
    return merged, problems


def report_only(corpus: Corpus) -> Corpus:
    """The corpus without a team's own entries (and their warnings)."""
    if not any(e.own for e in corpus.entries):
        return corpus
    entries = tuple(e for e in corpus.entries if not e.own)
    return Corpus(entries, corpus.scenes, corpus.themes, corpus.sections, corpus.stories, corpus.about)


def check(corpus: Corpus) -> list[Problem]:
    """Every problem in every user folder (for `hint check`), reading the files now."""
    files, problems = snapshot()
    _, found = add_to(report_only(corpus), files, problems)
    return found


# --------------------------------------------------------------------------- adding


class NoFolder(Exception):
    """There is no user folder to write to."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _toml_value(value: object) -> str:
    import json

    if isinstance(value, bool | int):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    # A JSON string is a TOML basic string (the same escapes), Japanese kept as it is.
    return json.dumps(str(value), ensure_ascii=False)


def add_entry(corpus: Corpus, fields: Mapping[str, object]) -> tuple[Entry, Path]:
    """Write one new entry as a new file in the first user folder; return it as loaded, and the file.

    A new file each time, created exclusively: no other file is read for writing,
    rewritten or replaced. The entry is validated before anything is written
    (ValueError in Japanese), and the file is read back as `hint` will read it.
    """
    import datetime
    import secrets

    found = folders()
    if not found:
        raise NoFolder(
            "書き込める利用者フォルダがありません（HINT_USER_DIR を設定してください。hint paths で確認できます）"
        )
    folder = found[0]
    source = next(s for s in sources() if s.path == folder)
    ctx = _context(report_only(corpus))
    stamp = datetime.date.today().strftime("%y%m%d")
    for _ in range(20):
        own_id = f"{stamp}-{secrets.token_hex(2)}"
        if ID_PREFIX + own_id not in corpus.by_id and not (folder / f"{own_id}.toml").exists():
            break
    else:  # pragma: no cover - 65,536 names a day
        raise ValueError("新しい ID を作れませんでした。もう一度試してください")
    raw = {"id": own_id, **fields}
    _entry(source, folder / f"{own_id}.toml", raw, 0, ctx)  # validated: ValueError before any write
    text = "".join(
        [
            "# hint add で作成した独自のヒント（このファイルは自由に直せます）\n",
            "[[hint]]\n",
            *(f"{key} = {_toml_value(value)}\n" for key, value in raw.items()),
        ]
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{own_id}.toml"
    temp = folder / f".{own_id}.toml.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.link(temp, path)  # fails if the name exists: nothing is ever replaced
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    loaded, problems = parse_file(source, path, path.read_bytes(), ctx)
    if problems or len(loaded) != 1:  # pragma: no cover - what we write we can read
        raise ValueError(str(problems[0]) if problems else "書いたファイルを読み戻せませんでした")
    return loaded[0], path
