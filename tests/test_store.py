"""The data cache: used when valid, rebuilt when the data changes, harmless when broken."""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path
from typing import Any

import pytest
from conftest import replace_in

from hintcli import store
from hintcli.corpus import DataError


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_copy: Path) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("HINT_CACHE_DIR", str(folder))
    store.clear()
    return folder


def files(folder: Path) -> list[Path]:
    """Our entries: only ever inside our own folder."""
    return sorted((folder / store.CACHE_FOLDER).glob(f"*{store.ENTRY_SUFFIX}"))


def parts(path: Path) -> tuple[dict[str, Any], bytes, bytes]:
    """An entry's header, corpus part and search part."""
    raw = path.read_bytes()
    assert raw.startswith(store.MAGIC)
    end = raw.index(b"\n", len(store.MAGIC))
    header = json.loads(raw[len(store.MAGIC) : end])
    c_len = header["corpus"][0]
    return header, raw[end + 1 : end + 1 + c_len], raw[end + 1 + c_len :]


def rewrite(path: Path, corpus_part: bytes, search_part: bytes) -> None:
    """Write an entry with the same key and correct lengths and checksums around other parts."""
    header = parts(path)[0]
    header["corpus"] = [len(corpus_part), zlib.crc32(corpus_part)]
    header["search"] = [len(search_part), zlib.crc32(search_part)]
    path.write_bytes(store.MAGIC + json.dumps(header).encode() + b"\n" + corpus_part + search_part)


def fresh_text(entry_id: str) -> str:
    store.clear()
    return store.load_searcher().corpus.by_id[entry_id].text


def test_first_load_writes_the_cache_and_the_next_reads_it(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = store.load_all()
    assert len(files(cache)) == 1
    store.clear()
    # A cached load neither parses TOML nor normalizes the report again.
    monkeypatch.setattr(store, "_build", lambda root: pytest.fail("rebuilt although the cache was valid"))
    again = store.load_all()
    assert again.corpus.entries == first.corpus.entries  # every field, fixes included
    assert again.normalized == first.normalized
    assert len(again.thesaurus) == len(first.thesaurus)


def test_a_cached_searcher_ranks_like_a_fresh_one(cache: Path) -> None:
    queries = ["本人に会えない", "しんどい", "燃え付き", "家族が支援に消極的で本人に会えない"]
    fresh = [[r.entry.id for r in store.load_searcher().search(q)] for q in queries]
    store.clear()
    cached = [[r.entry.id for r in store.load_searcher().search(q)] for q in queries]
    assert cached == fresh


def test_editing_a_data_file_invalidates_the_cache(cache: Path, data_copy: Path) -> None:
    before = fresh_text("s1-h7")
    replace_in(data_copy / "report" / "scene1.toml", before, before + "（追記）")
    assert fresh_text("s1-h7") == before + "（追記）"
    assert len(files(cache)) == 1  # the stale entry was replaced, not kept


def test_a_same_size_edit_in_the_same_instant_is_still_seen(cache: Path, data_copy: Path) -> None:
    path = data_copy / "report" / "scene1.toml"
    before = fresh_text("s1-h7")
    stat = path.stat()
    replace_in(path, "手紙を渡す。", "手紙を送る。")  # same length in bytes
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the same modification time
    assert fresh_text("s1-h7") == before.replace("渡す", "送る")


def test_editing_the_thesaurus_invalidates_the_cache(cache: Path, data_copy: Path) -> None:
    store.load_searcher()
    path = data_copy / "thesaurus.toml"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '\n[[entry]]\nwords = ["ぬいぐるみ"]\nreport = ["燃え尽き"]\ntopic = "t"\n',
        encoding="utf-8",
    )
    store.clear()
    assert store.load_searcher().search("ぬいぐるみ")


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b'{"key": "something else"}', b"\x00\xff", store.MAGIC, store.MAGIC + b"{}\n"],
)
def test_a_broken_or_foreign_entry_is_rebuilt_and_rewritten(cache: Path, content: bytes) -> None:
    store.load_all()
    [path] = files(cache)
    path.write_bytes(content)
    store.clear()
    assert len(store.load_searcher().search("本人に会えない")) > 0
    assert parts(path)[0]["key"]  # written again, whole


def test_an_entry_with_the_right_key_and_checksums_but_the_wrong_shape_is_rebuilt(cache: Path) -> None:
    store.load_all()
    [path] = files(cache)
    _, corpus_part, search_part = parts(path)
    plain = json.loads(corpus_part)
    plain["scenes"] = [s for s in plain["scenes"] if s[0] != 3]  # `hint scene 3` once exited 70 on this
    rewrite(path, json.dumps(plain, ensure_ascii=False).encode(), search_part)
    store.clear()
    assert store.load_corpus().scenes[3].title
    assert json.loads(parts(path)[1])["scenes"][2][0] == 3  # rewritten


def test_an_entry_with_a_wrong_checksum_is_rebuilt(cache: Path) -> None:
    store.load_all()
    [path] = files(cache)
    raw = bytearray(path.read_bytes())
    at = raw.index("本人".encode())
    raw[at : at + 6] = "他人".encode()  # same length, valid JSON, wrong content
    path.write_bytes(bytes(raw))
    store.clear()
    assert "他人に会えない" not in store.load_searcher().corpus.by_id["s1-h1"].text
    assert path.read_bytes() != bytes(raw)  # rebuilt and rewritten


def test_a_bloated_entry_is_never_read(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store.load_all()
    [path] = files(cache)
    size = path.stat().st_size
    with path.open("ab") as f:
        f.truncate(store.MAX_CACHE_BYTES + 1)  # sparse: no disk used
    read: list[int] = []
    real_read = os.read

    def spy(fd: int, n: int) -> bytes:
        read.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", spy)
    store.clear()
    assert len(store.load_corpus().entries) == 221
    assert sum(read) < store.MAX_CACHE_BYTES  # refused by its size, not by reading it
    assert path.stat().st_size == size  # and replaced by a good entry


def test_an_unwritable_cache_folder_is_not_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("HINT_CACHE_DIR", str(blocker / "cache"))
    store.clear()
    assert len(store.load_corpus().entries) == 221


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINT_CACHE_DIR", "off")
    assert store.cache_dir() is None
    store.clear()
    assert len(store.load_corpus().entries) == 221


def test_broken_data_is_reported_even_with_a_valid_cache(cache: Path, data_copy: Path) -> None:
    store.load_all()
    replace_in(data_copy / "report" / "scene2.toml", 'id = "s2-h3"', 'id = "s2-h3')
    store.clear()
    with pytest.raises(DataError):
        store.load_all()


def test_the_data_folder_is_never_written(cache: Path, data_copy: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in data_copy.rglob("*")}
    store.load_searcher().search("本人に会えない")
    assert {p: p.stat().st_mtime_ns for p in data_copy.rglob("*")} == before


@pytest.mark.parametrize("damage", ["cut", "garbage", "other shape"])
def test_a_damaged_search_part_is_rebuilt_and_rewritten_when_search_needs_it(
    cache: Path, damage: str
) -> None:
    store.load_all()
    [path] = files(cache)
    _, corpus_part, search_part = parts(path)
    if damage == "cut":
        path.write_bytes(path.read_bytes()[: -len(search_part) // 2])
    elif damage == "garbage":
        rewrite(path, corpus_part, b"\x00" * 100)
    else:
        rewrite(path, corpus_part, b'{"thesaurus": 1, "normalized": []}')
    store.clear()
    assert len(store.load_corpus().entries) == 221  # reading needs only the corpus
    assert len(store.load_searcher().search("本人に会えない")) > 0
    header, _, again = parts(path)
    assert zlib.crc32(again) == header["search"][1] and json.loads(again)["normalized"]  # rewritten
    store.clear()
    assert store.load_all()._lazy is not None  # and the next run reads it from the cache


def test_reading_a_scene_does_not_decode_the_search_part(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.load_all()
    store.clear()
    loaded = store.load_all()
    assert loaded.corpus.scenes[1]
    assert loaded._thesaurus is None  # the search part is decoded when a search needs it
    assert len(loaded.thesaurus) > 1000


# --------------------------------------------------------------------------- the cache owns only what it made


def test_a_location_full_of_other_files_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    location = tmp_path / "shared"
    location.mkdir()
    theirs = {
        "data-2024.json": b"keep",
        "search-1.json": b"keep",
        "x.hcache": store.MAGIC + b"looks like ours, but outside our folder",
        ".tmp-1-abcd.part": b"",
    }
    for name, content in theirs.items():
        (location / name).write_bytes(content)
    old = 1_000_000_000
    for name in theirs:
        os.utime(location / name, (old, old))
    monkeypatch.setenv("HINT_CACHE_DIR", str(location))
    for _ in range(2):
        store.clear()
        store.load_searcher().search("本人に会えない")
    assert {p.name: p.read_bytes() for p in location.iterdir() if p.is_file()} == theirs
    assert sorted(p.name for p in location.iterdir()) == sorted([*theirs, store.CACHE_FOLDER])
    assert (location / store.CACHE_FOLDER / store.TAG_NAME).read_bytes() == store.TAG


def test_a_symlinked_cache_folder_is_neither_used_nor_emptied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / store.TAG_NAME).write_bytes(store.TAG)  # even with our tag
    (precious / "a.hcache").write_bytes(store.MAGIC + b"old")
    location = tmp_path / "location"
    location.mkdir()
    (location / store.CACHE_FOLDER).symlink_to(precious)
    monkeypatch.setenv("HINT_CACHE_DIR", str(location))
    store.clear()
    assert store.own_folder(location) is None
    assert len(store.load_corpus().entries) == 221
    assert sorted(p.name for p in precious.iterdir()) == [store.TAG_NAME, "a.hcache"]


def test_a_symlinked_location_gets_our_folder_and_nothing_else_is_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    (target / "data-1.json").write_text("keep")
    link = tmp_path / "link"
    link.symlink_to(target)
    monkeypatch.setenv("HINT_CACHE_DIR", str(link))
    store.clear()
    store.load_all()
    assert sorted(p.name for p in target.iterdir()) == sorted([store.CACHE_FOLDER, "data-1.json"])


def test_a_folder_of_our_name_without_our_tag_is_not_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / store.CACHE_FOLDER
    folder.mkdir()
    (folder / "1.hcache").write_bytes(store.MAGIC)
    monkeypatch.setenv("HINT_CACHE_DIR", str(tmp_path))
    store.clear()
    assert len(store.load_corpus().entries) == 221
    assert [p.name for p in folder.iterdir()] == ["1.hcache"]


def test_old_entries_beyond_the_limit_go_and_only_ours(cache: Path) -> None:
    store.load_all()
    folder = cache / store.CACHE_FOLDER
    [current] = files(cache)
    old = 1_000_000_000
    for i in range(store.KEEP_ENTRIES + 3):
        (folder / f"old{i:02d}{store.ENTRY_SUFFIX}").write_bytes(store.MAGIC + b"an old entry")
        os.utime(folder / f"old{i:02d}{store.ENTRY_SUFFIX}", (old + i, old + i))
    (folder / f"foreign{store.ENTRY_SUFFIX}").write_bytes(b"not ours")
    os.utime(folder / f"foreign{store.ENTRY_SUFFIX}", (old, old))
    (folder / f"link{store.ENTRY_SUFFIX}").symlink_to(current)
    (folder / ".tmp-1-dead.part").write_bytes(store.MAGIC)  # left by a killed run
    os.utime(folder / ".tmp-1-dead.part", (old, old))
    (folder / ".tmp-2-live.part").write_bytes(store.MAGIC)  # being written right now
    current.write_bytes(b"damaged")  # so that this run rewrites and tidies
    store.clear()
    store.load_all()
    names = sorted(p.name for p in folder.iterdir())
    kept_old = [n for n in names if n.startswith("old")]
    assert kept_old == [f"old{i:02d}{store.ENTRY_SUFFIX}" for i in range(4, store.KEEP_ENTRIES + 3)]
    for name in (
        f"foreign{store.ENTRY_SUFFIX}",
        f"link{store.ENTRY_SUFFIX}",
        ".tmp-2-live.part",
        current.name,
    ):
        assert name in names
    assert ".tmp-1-dead.part" not in names
    assert (folder / f"link{store.ENTRY_SUFFIX}").is_symlink()


# --------------------------------------------------------------------------- one read, one truth


def test_each_data_file_is_read_once(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hintcli import corpus

    reads: list[str] = []
    real = corpus.read_data_file
    monkeypatch.setattr(corpus, "read_data_file", lambda path: reads.append(str(path)) or real(path))
    store.clear()
    store.load_searcher()
    assert sorted(reads) == sorted(map(str, store.data_files(store.data_dir())))
    assert len(reads) == len(set(reads)) == 13


def test_a_file_saved_during_the_run_never_goes_under_the_old_key(
    cache: Path, data_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = data_copy / "report" / "scene1.toml"
    original = path.read_text(encoding="utf-8")
    text = store.load_corpus().by_id["s1-h1"].text
    real = store.read_snapshot

    def read_then_edit(root: Path) -> dict[str, bytes]:
        snapshot = real(root)
        path.write_text(original.replace(text, text + "（編集）"), encoding="utf-8")  # saved just after
        return snapshot

    monkeypatch.setattr(store, "read_snapshot", read_then_edit)
    path.write_text(original.replace(text, text + "（前）"), encoding="utf-8")
    store.clear()
    assert store.load_corpus().by_id["s1-h1"].text == text + "（前）"  # what was read, whole
    monkeypatch.setattr(store, "read_snapshot", real)
    store.clear()
    assert store.load_corpus().by_id["s1-h1"].text == text + "（編集）"  # the edit is a new key
    path.write_text(original, encoding="utf-8")  # undone
    store.clear()
    assert store.load_corpus().by_id["s1-h1"].text == text


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_failed_write_leaves_no_temporary_file(
    cache: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException
) -> None:
    real = os.write
    calls: list[int] = []

    def fail_later(fd: int, data: Any) -> int:
        calls.append(fd)
        if len(calls) == 2:
            raise failure
        return real(fd, data[: len(data) // 3])

    monkeypatch.setattr(os, "write", fail_later)
    store.clear()
    if isinstance(failure, KeyboardInterrupt):
        with pytest.raises(KeyboardInterrupt):
            store.load_all()
    else:
        assert len(store.load_corpus().entries) == 221  # a full disk is not the user's problem
    assert len(calls) == 2
    assert [p.name for p in (cache / store.CACHE_FOLDER).iterdir()] == [store.TAG_NAME]
