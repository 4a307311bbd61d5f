"""Where the data lives, and loading it: the one door through which the CLI gets its data.

The bundled data is ``hintcli/data`` in an installed wheel and ``data/`` in a
source checkout (editable install, tests). ``HINT_DATA_DIR`` points the tool
at another folder of the same shape (tests, an agency's edited copy).

Parsing and validating the TOML files and normalizing the report for search
take longer than everything else a search does, so their result is kept in a
cache. What the cache promises:

* **It owns only what it made.** ``HINT_CACHE_DIR`` (else the user's cache
  folder, ``~/.cache/hintcli``) is a *location*: the cache lives in a folder
  of its own inside it, `CACHE_FOLDER`, marked by a ``CACHEDIR.TAG`` with
  our signature, a real folder (never a symbolic link) owned by this user.
  In it, an entry is recognised by its first bytes (`MAGIC`), not its name.
  Nothing outside that folder is ever written or deleted, and inside it only
  our entries and our temporary files, never through a symbolic link. So
  ``HINT_CACHE_DIR=~/.cache`` or ``/tmp`` is safe.
* **One read, one truth.** Every data file is read once (`read_snapshot`); the
  key is computed from those bytes and, on a miss, the corpus and the search
  part are built from the same bytes. An editor saving a file during a run can
  never put new content under an old key.
* **One entry, one unit.** Corpus and search part are one file per data folder,
  written to a temporary file and renamed over the old one: a reader sees the
  old entry or the new one, whole. The temporary file is removed on every
  failure path (an error, a full disk, Ctrl-C; SIGTERM too where the entry
  point turns it into an exception, see streams.py).
* **Never trusted blindly.** An entry whose magic, header, length, checksum
  (CRC-32 of each part), field names or value types are wrong is rebuilt and
  rewritten; an entry larger than `MAX_CACHE_BYTES` is not even read.
* The search part is decoded only when a search needs it (from the bytes read
  with the corpus: a scene does not pay for the thesaurus's eleven thousand
  words, and what is decoded later is the same entry).

The cache is JSON read with the json module only; the data folder is never
written to. ``HINT_CACHE_DIR=off`` turns the cache off.
"""

# No `from __future__ import annotations` (see corpus.py); type-checking-only names are quoted.
import contextlib
import json
import os
import stat
import sys
import zlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .corpus import REPORT_FILES, Corpus, DataError

if TYPE_CHECKING:
    from .cues import Cues
    from .search import Fields, Searcher
    from .thesaurus import Thesaurus

_PACKAGE = Path(__file__).resolve().parent
THESAURUS_FILES = ("thesaurus.toml", "readings.toml")
CUES_FILE = "cues.toml"  # hintcli's index phrases (cues.py)
CACHE_FORMAT = 11  # bump when the cached shape changes in a way corpus.SCHEMA does not show
CACHE_FOLDER = "hintcli-cache-v1"  # our folder inside the configured location
MAGIC = b"hintcli cache v1\n"  # the first bytes of every entry (and temporary file) we write
ENTRY_SUFFIX = ".hcache"
TEMP_PREFIX = ".tmp-"
TAG_NAME = "CACHEDIR.TAG"
# https://bford.info/cachedir/: backup tools skip a folder with this tag; we recognise ours by the whole text.
TAG = (
    b"Signature: 8a477f597d28d172789f06886806bc55\n"
    b"# This folder is a cache made by hintcli (the `hint` command); it may be deleted.\n"
    b"# hintcli only ever deletes its own files inside it.\n"
)
MAX_CACHE_BYTES = 32 * 1024 * 1024  # an entry is ~0.8 MB; a bigger file is not ours to read
KEEP_ENTRIES = 8  # entries kept (one per data folder used), the least recently written go first
STALE_TEMP_SECONDS = 600  # a temporary file this old was left by a killed run (SIGKILL, power cut)


def data_dir() -> Path:
    env = os.environ.get("HINT_DATA_DIR")
    if env:
        return Path(env).expanduser()
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "report").is_dir():
            return candidate
    raise DataError(_PACKAGE / "data", "同梱データが見つかりません（インストールをやり直してください）")


def cache_dir() -> Path | None:
    """The configured cache *location* (the cache itself is `CACHE_FOLDER` inside it); None: off."""
    env = os.environ.get("HINT_CACHE_DIR")
    if env:
        return None if env.lower() in ("off", "0", "none") else Path(env).expanduser()
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "hintcli" / "Cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hintcli"


def data_files(root: Path) -> list[Path]:
    """Every file the loaded data depends on, in a fixed order; all of them are required."""
    return [
        root / "themes.toml",
        *(root / "report" / name for name in REPORT_FILES),
        *(root / name for name in THESAURUS_FILES),
        root / CUES_FILE,
    ]


def read_snapshot(root: Path) -> dict[str, bytes]:
    """The bytes of every data file, each read once (DataError names a missing or unreadable one)."""
    from .corpus import read_data_file

    return {str(path): read_data_file(path) for path in data_files(root)}


def cache_key(root: Path, snapshot: dict[str, bytes]) -> str:
    """The data as read: length and CRC-32 of every file's bytes, and what the entry's shape depends on.

    Contents, not modification times: two edits within one tick of the file
    system's clock would otherwise look the same. (zlib is loaded by Python
    anyway; hashlib would cost 4 ms at every start.) The folder is part of it
    because entries record their file's path.
    """
    from .corpus import SCHEMA
    from .own import folders

    parts = [f"{CACHE_FORMAT}", __version__, json.dumps(SCHEMA), str(root), str(root.resolve())]
    # The user folders and every file in them (its path: two folders may both hold hints.toml):
    # adding, editing or removing a file is seen by the next run.
    parts.append(os.pathsep.join(str(f) for f in folders()))
    for name, data in snapshot.items():
        parts.append(f"{name}:{len(data)}:{zlib.crc32(data):08x}")
    return "|".join(parts)


class Loaded:
    """The corpus, and what only search needs (the thesaurus, the normalized report).

    From the cache, search's part is decoded on first use from the bytes read
    with the corpus (`_raw`); if it fails to decode, it is built from the data
    bytes this run read (`_snapshot`), and the entry is rewritten.
    """

    def __init__(
        self,
        corpus: Corpus,
        thesaurus: "Thesaurus | None" = None,
        normalized: "list[Fields] | None" = None,
        cues: "Cues | None" = None,
        *,
        lazy: "tuple[memoryview, int, dict[str, bytes], Path, Path | None, str] | None" = None,
    ) -> None:
        self.corpus = corpus
        self._thesaurus = thesaurus
        self._normalized = normalized
        self._cues = cues
        # (search part's bytes, its CRC, data snapshot, data root, entry path, key)
        self._lazy = lazy

    def _load_search_part(self) -> None:
        from . import thesaurus

        assert self._lazy is not None
        part, crc, snapshot, root, entry, key = self._lazy
        self._lazy = None
        try:
            if zlib.crc32(part) != crc:
                raise ValueError("checksum")
            data = json.loads(bytes(part))
            self._thesaurus = thesaurus.from_plain(data["thesaurus"])
            self._normalized = [(t, h, c) for t, h, c in data["normalized"]]
            self._cues = {k: tuple((w, n) for w, n in v) for k, v in data["cues"].items()}
        except Exception:  # damaged: build search's part from the bytes this run read, and rewrite
            built = _build(root, snapshot)
            self._thesaurus, self._normalized, self._cues = built.thesaurus, built.normalized, built.cues
            if entry is not None:
                with contextlib.suppress(OSError):
                    _write_entry(entry, key, built)

    @property
    def thesaurus(self) -> "Thesaurus":
        if self._thesaurus is None:
            self._load_search_part()
        assert self._thesaurus is not None
        return self._thesaurus

    @property
    def cues(self) -> "Cues":
        if self._cues is None:
            self._load_search_part()
        assert self._cues is not None
        return self._cues

    @property
    def normalized(self) -> "list[Fields]":
        if self._normalized is None:
            self._load_search_part()
        assert self._normalized is not None
        return self._normalized


def _build(root: Path, snapshot: dict[str, bytes]) -> Loaded:
    """The report and its thesaurus from ``snapshot``, and the team's own entries from its user files."""
    from .corpus import load, parse_snapshot
    from .cues import load_cues
    from .own import Problem, add_to
    from .search import normalized_fields
    from .thesaurus import load_thesaurus

    with parse_snapshot(snapshot):
        corpus = load(root)
        thesaurus = load_thesaurus(*(root / n for n in THESAURUS_FILES))
        cues = load_cues(root / CUES_FILE, (e.id for e in corpus.entries))
    unread = [
        Problem(name[len(_UNREAD) :], None, why.decode())
        for name, why in snapshot.items()
        if name.startswith(_UNREAD)
    ]
    corpus, _ = add_to(corpus, {k: v for k, v in snapshot.items() if not k.startswith(_UNREAD)}, unread)
    return Loaded(corpus, thesaurus, normalized_fields(corpus), cues)


# A user file that could not be read is kept in the snapshot under this prefix, with the reason as
# its bytes: the key then changes when it becomes readable, and the warning is rebuilt with the entry.
_UNREAD = "\x00unread:"


def user_snapshot() -> dict[str, bytes]:
    from .own import snapshot

    files, problems = snapshot()
    files.update({f"{_UNREAD}{p.path}": p.message.encode() for p in problems})
    return files


# --------------------------------------------------------------------------- the cache folder


def _nofollow() -> int:
    return getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)


def own_folder(location: Path, create: bool = True) -> Path | None:
    """Our folder inside ``location``, created if need be; None when it is not ours to use.

    Ours: a real directory (a symbolic link is refused), owned by this user,
    holding our CACHEDIR.TAG. A folder of that name that is anything else is
    left alone, and the run goes on without a cache.
    """
    folder = location / CACHE_FOLDER
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        if not create:
            return None
        try:
            location.mkdir(parents=True, exist_ok=True)
            os.mkdir(folder, 0o700)
        except OSError:
            return None  # read-only home, a file in the way, or another run made it first
        try:
            fd = os.open(folder / TAG_NAME, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _nofollow(), 0o600)
            with open(fd, "wb") as f:
                f.write(TAG)
        except OSError:
            return None
        info = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None  # a symbolic link or a file: not ours
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return None  # another user's (a shared /tmp): neither trusted nor touched
    try:
        fd = os.open(folder / TAG_NAME, os.O_RDONLY | _nofollow() | getattr(os, "O_NONBLOCK", 0))
        with open(fd, "rb") as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode) or f.read(len(TAG) + 1) != TAG:
                return None
    except OSError:
        return None
    return folder


def entry_path(folder: Path, root: Path) -> Path:
    """One entry per data folder and set of user folders (its key inside tells whether it is current)."""
    from .own import folders

    name = os.pathsep.join([str(root), *(str(f) for f in folders())])
    return folder / f"{zlib.crc32(name.encode('utf-8', 'surrogateescape')):08x}{ENTRY_SUFFIX}"


def _read_ours(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file, never through a link; OSError or ValueError otherwise."""
    fd = os.open(path, os.O_RDONLY | _nofollow() | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as f:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise ValueError(f"{path} is not a cache entry this run will read")
        return f.read(limit + 1)


def is_ours(path: Path) -> bool:
    """A regular file (not a link) that begins with our magic."""
    try:
        return _read_ours(path, MAX_CACHE_BYTES)[: len(MAGIC)] == MAGIC
    except (OSError, ValueError):
        return False


# --------------------------------------------------------------------------- an entry
# MAGIC, one line of JSON (format, key, and length and CRC-32 of each part), then
# the corpus part and the search part, each a JSON document.


def _read_entry(path: Path, key: str, root: Path, snapshot: dict[str, bytes]) -> Loaded | None:
    from . import corpus

    try:
        raw = _read_ours(path, MAX_CACHE_BYTES)
        if len(raw) > MAX_CACHE_BYTES or not raw.startswith(MAGIC):
            return None
        end = raw.index(b"\n", len(MAGIC))
        header = json.loads(raw[len(MAGIC) : end])
        if header["key"] != key:
            return None  # the data changed (or another folder's entry with the same name)
        (c_len, c_crc), (s_len, s_crc) = header["corpus"], header["search"]
        start = end + 1
        if start + c_len + s_len != len(raw):
            return None
        view = memoryview(raw)
        part = view[start : start + c_len]
        if zlib.crc32(part) != c_crc:
            return None
        loaded_corpus = corpus.from_plain(json.loads(bytes(part)))
        search = view[start + c_len :]
        return Loaded(loaded_corpus, lazy=(search, s_crc, snapshot, root, path, key))
    except Exception:  # whatever is wrong with an entry, the fix is to rebuild it
        return None


def _write_entry(path: Path, key: str, loaded: Loaded) -> None:
    """Write the whole entry to a temporary file and rename it over ``path``: one unit."""
    from . import corpus, thesaurus

    dump = {"ensure_ascii": False, "separators": (",", ":")}
    corpus_part = json.dumps(corpus.to_plain(loaded.corpus), **dump).encode()  # type: ignore[arg-type]
    search_plain = {
        "thesaurus": thesaurus.to_plain(loaded.thesaurus),
        "normalized": loaded.normalized,
        "cues": loaded.cues,
    }
    search_part = json.dumps(search_plain, **dump).encode()  # type: ignore[arg-type]
    header = {
        "format": CACHE_FORMAT,
        "key": key,
        "corpus": [len(corpus_part), zlib.crc32(corpus_part)],
        "search": [len(search_part), zlib.crc32(search_part)],
    }
    data = MAGIC + json.dumps(header, ensure_ascii=True).encode() + b"\n" + corpus_part + search_part
    # Our own name pattern in our own folder, created exclusively (never an existing file or link).
    temp = path.parent / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}.part"
    try:
        # Opened inside the try: a signal that arrives as open returns (SIGTERM becomes an
        # exception between two bytecodes) must not leave the new file behind.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _nofollow(), 0o600)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(temp, path)
    except FileExistsError:  # not made by this run (the name is random): not ours to remove
        raise
    except BaseException:  # an error, a full disk, Ctrl-C, SIGTERM (made an exception by streams.py)
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def _tidy(folder: Path, keep: Path) -> None:
    """Remove our own old entries beyond `KEEP_ENTRIES`, and temporary files a killed run left.

    Only in our folder, only names of our pattern, only regular files that begin
    with our magic (a temporary file may also be empty), never through a link.
    """
    import time

    entries: list[tuple[float, Path]] = []
    now = time.time()
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = folder / name
        try:
            info = os.lstat(path)
        except OSError:
            continue
        if not stat.S_ISREG(info.st_mode):
            continue
        if name.startswith(TEMP_PREFIX) and name.endswith(".part"):
            if now - info.st_mtime > STALE_TEMP_SECONDS and (info.st_size == 0 or is_ours(path)):
                with contextlib.suppress(OSError):
                    os.unlink(path)
        elif name.endswith(ENTRY_SUFFIX) and path != keep:
            entries.append((info.st_mtime, path))
    entries.sort(reverse=True)
    for _, path in entries[KEEP_ENTRIES - 1 :]:
        if is_ours(path):
            with contextlib.suppress(OSError):
                os.unlink(path)


# --------------------------------------------------------------------------- loading


@lru_cache(maxsize=1)
def load_all() -> Loaded:
    root = data_dir()
    snapshot = {**read_snapshot(root), **user_snapshot()}
    location = cache_dir()
    folder = own_folder(location) if location is not None else None
    if folder is None:
        return _build(root, snapshot)
    key = cache_key(root, snapshot)
    path = entry_path(folder, root)
    loaded = _read_entry(path, key, root, snapshot)
    if loaded is None:
        loaded = _build(root, snapshot)
        with contextlib.suppress(OSError):  # a full disk or a read-only folder: the next run builds again
            _write_entry(path, key, loaded)
            _tidy(folder, path)
    return loaded


def load_corpus() -> Corpus:
    return load_all().corpus


@lru_cache(maxsize=1)
def load_searcher() -> "Searcher":
    from .search import Searcher

    loaded = load_all()
    return Searcher(loaded.corpus, loaded.thesaurus, loaded.normalized, loaded.cues)


def clear() -> None:
    """Forget what this process has loaded (tests point HINT_DATA_DIR elsewhere)."""
    load_all.cache_clear()
    load_searcher.cache_clear()
