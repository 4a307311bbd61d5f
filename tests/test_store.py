"""The data cache: used when valid, rebuilt when the data changes, harmless when broken."""

from __future__ import annotations

import json
import os
from pathlib import Path

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
    return sorted(folder.glob("data-*.json"))


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
    assert len(files(cache)) == 1  # the stale file was replaced, not kept
    assert len(list(cache.glob("search-*.json"))) == 1


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


@pytest.mark.parametrize("content", ["", "{", "[]", '{"key": "something else"}', "\x00\xff"])
def test_a_broken_or_foreign_cache_file_is_rebuilt(cache: Path, content: str) -> None:
    store.load_all()
    [path] = files(cache)
    path.write_text(content, encoding="utf-8", errors="surrogateescape")
    store.clear()
    assert len(store.load_searcher().search("本人に会えない")) > 0
    assert json.loads(path.read_text(encoding="utf-8"))["key"]  # written again


def test_a_cache_with_the_right_key_but_wrong_shape_is_rebuilt(cache: Path) -> None:
    store.load_all()
    [path] = files(cache)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["corpus"] = {"entries": "not a list"}
    path.write_text(json.dumps(data), encoding="utf-8")
    store.clear()
    assert len(store.load_corpus().entries) == 221


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


@pytest.mark.parametrize("damage", ["cut", "remove", "other key"])
def test_a_damaged_search_part_of_the_cache_is_rebuilt_when_search_needs_it(cache: Path, damage: str) -> None:
    store.load_all()
    [search_file] = sorted(cache.glob("search-*.json"))
    text = search_file.read_text(encoding="utf-8")
    if damage == "cut":
        search_file.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "remove":
        search_file.unlink()
    else:
        data = json.loads(text)
        data["key"] = "something else"
        search_file.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store.clear()
    assert len(store.load_corpus().entries) == 221  # reading needs only the corpus
    assert len(store.load_searcher().search("本人に会えない")) > 0


def test_reading_a_scene_does_not_read_the_search_part(cache: Path) -> None:
    store.load_all()
    store.clear()
    loaded = store.load_all()
    assert loaded.corpus.scenes[1]
    assert loaded._thesaurus is None  # the search part's file is read when a search needs it
    assert len(loaded.thesaurus) > 1000
