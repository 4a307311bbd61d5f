"""Where the data lives, and loading it: the one door through which the CLI gets its data.

The bundled data is ``hintcli/data`` in an installed wheel and ``data/`` in a
source checkout (editable install, tests). ``HINT_DATA_DIR`` points the tool
at another folder of the same shape (tests, an agency's edited copy).

Parsing and validating the TOML files and normalizing the report for search
take longer than everything else a search does, so their result is kept in a
JSON cache (``HINT_CACHE_DIR``, else the user's cache folder; the corpus in one
file, what only search needs in another), keyed by the data files' contents: editing any data file makes a new cache entry,
and an unreadable, foreign or stale cache file is ignored and rebuilt. The
cache is JSON read with the json module only; the data folder is never
written to. ``HINT_CACHE_DIR=off`` turns the cache off.
"""

# No `from __future__ import annotations` (see corpus.py); type-checking-only names are quoted.
import json
import os
import sys
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .corpus import Corpus, DataError

if TYPE_CHECKING:
    from .search import Searcher
    from .thesaurus import Thesaurus

_PACKAGE = Path(__file__).resolve().parent
THESAURUS_FILES = ("thesaurus.toml", "readings.toml")
CACHE_FORMAT = 10  # bump when the cached shape changes


def data_dir() -> Path:
    env = os.environ.get("HINT_DATA_DIR")
    if env:
        return Path(env).expanduser()
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "report").is_dir():
            return candidate
    raise DataError(_PACKAGE / "data", "同梱データが見つかりません（インストールをやり直してください）")


def cache_dir() -> Path | None:
    env = os.environ.get("HINT_CACHE_DIR")
    if env:
        return None if env.lower() in ("off", "0", "none") else Path(env).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "hintcli" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hintcli"


class Loaded:
    """The corpus, and what only search needs (the thesaurus, the normalized report).

    From the cache, search's part is a file of its own, read on first use:
    reading a scene need not pay for the thesaurus's eleven thousand words.
    """

    def __init__(
        self,
        corpus: Corpus,
        thesaurus: "Thesaurus | None" = None,
        normalized: list[tuple[str, str, str]] | None = None,
        *,
        search_file: tuple[Path, str] | None = None,  # (path, key) of the cached search part
    ) -> None:
        self.corpus = corpus
        self._thesaurus = thesaurus
        self._normalized = normalized
        self._search_file = search_file

    def _load_search_part(self) -> None:
        from . import thesaurus

        assert self._search_file is not None
        path, key = self._search_file
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError(path)
            self._thesaurus = thesaurus.from_plain(data["thesaurus"])
            self._normalized = [(t, h, c) for t, h, c in data["normalized"]]
        except Exception:  # missing or damaged: build search's part from the data files
            built = _build(data_dir())
            self._thesaurus, self._normalized = built.thesaurus, built.normalized
        self._search_file = None

    @property
    def thesaurus(self) -> "Thesaurus":
        if self._thesaurus is None:
            self._load_search_part()
        assert self._thesaurus is not None
        return self._thesaurus

    @property
    def normalized(self) -> list[tuple[str, str, str]]:
        if self._normalized is None:
            self._load_search_part()
        assert self._normalized is not None
        return self._normalized


def data_files(root: Path) -> list[Path]:
    """Every file the loaded data depends on, in a fixed order."""
    files = [root / "themes.toml", *sorted((root / "report").glob("*.toml"))]
    return files + [root / name for name in THESAURUS_FILES if (root / name).exists()]


def cache_key(root: Path) -> str:
    """The data as it is now: length and CRC-32 of every file it depends on.

    Contents, not modification times: two edits within one tick of the file
    system's clock would otherwise look the same. (zlib is loaded by Python
    anyway; hashlib would cost 4 ms at every start.)
    """
    parts = [f"{CACHE_FORMAT}", __version__, str(root.resolve())]
    for path in data_files(root):
        try:
            data = path.read_bytes()
            parts.append(f"{path.name}:{len(data)}:{zlib.crc32(data):08x}")
        except OSError:
            parts.append(f"{path.name}:missing")  # the loader will name the problem
    return "|".join(parts)


def _build(root: Path) -> Loaded:
    from .corpus import load
    from .search import normalized_fields
    from .thesaurus import load_thesaurus

    corpus = load(root)
    thesaurus = load_thesaurus(*(root / n for n in THESAURUS_FILES if (root / n).exists()))
    return Loaded(corpus, thesaurus, normalized_fields(corpus))


def _search_path(path: Path) -> Path:
    return path.with_name(path.name.replace("data-", "search-", 1))


def _from_cache(path: Path, key: str) -> Loaded | None:
    from . import corpus

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("key") != key:
            return None
        return Loaded(corpus.from_plain(data["corpus"]), search_file=(_search_path(path), key))
    except Exception:  # whatever is wrong with a cache file, the fix is to rebuild it
        return None  # missing, partly written, foreign or from an older version


def _to_cache(folder: Path, path: Path, key: str, loaded: Loaded) -> None:
    """Two files: the corpus, and search's part (see Loaded); the search part first, so
    that a corpus file is never there without it."""
    from . import corpus, thesaurus

    files = [
        (
            _search_path(path),
            {"key": key, "thesaurus": thesaurus.to_plain(loaded.thesaurus), "normalized": loaded.normalized},
        ),
        (path, {"key": key, "corpus": corpus.to_plain(loaded.corpus)}),
    ]
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        for target, data in files:
            with tempfile.NamedTemporaryFile(
                "w", encoding="utf-8", dir=folder, delete=False, suffix=".tmp"
            ) as f:
                json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
            os.replace(f.name, target)
        for old in [*folder.glob("data-*.json"), *folder.glob("search-*.json")]:
            if old not in (path, _search_path(path)):
                old.unlink(missing_ok=True)
    except OSError:
        pass  # a read-only home is fine: the next run builds again


@lru_cache(maxsize=1)
def load_all() -> Loaded:
    root = data_dir()
    folder = cache_dir()
    if folder is None:
        return _build(root)
    key = cache_key(root)
    path = folder / f"data-{zlib.crc32(key.encode()):08x}.json"
    loaded = _from_cache(path, key)
    if loaded is None:
        loaded = _build(root)
        _to_cache(folder, path, key, loaded)
    return loaded


def load_corpus() -> Corpus:
    return load_all().corpus


@lru_cache(maxsize=1)
def load_searcher() -> "Searcher":
    from .search import Searcher

    loaded = load_all()
    return Searcher(loaded.corpus, loaded.thesaurus, loaded.normalized)


def clear() -> None:
    """Forget what this process has loaded (tests point HINT_DATA_DIR elsewhere)."""
    load_all.cache_clear()
    load_searcher.cache_clear()
