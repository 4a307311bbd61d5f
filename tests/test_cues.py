"""hintcli's index phrases (data/cues.toml, cues.py): the data, its loader, and what search makes of it.

The index ranks the report's passages; it never vouches for them. So a topic the
report does not treat stays one it does not treat, and an off-topic query finds
nothing, whatever the index's words.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, Invoke, replace_in

from hintcli import store
from hintcli.corpus import DataError, parse_snapshot
from hintcli.cues import load_cues
from hintcli.search import Searcher, normalized_fields
from hintcli.text import normalize
from hintcli.thesaurus import load_thesaurus

TESTS = Path(__file__).parent
CUES = DATA / "cues.toml"


@pytest.fixture(scope="module")
def searcher() -> Searcher:
    store.clear()
    return store.load_searcher()


@pytest.fixture(scope="module")
def without_index(searcher: Searcher) -> Searcher:
    """The same report and thesaurus, with no index phrases."""
    return Searcher(searcher.corpus, searcher.thesaurus, normalized_fields(searcher.corpus))


def queries(pattern: str) -> list[str]:
    return [
        line.split("\t")[0]
        for path in sorted(TESTS.glob(pattern))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


# --------------------------------------------------------------------------- the bundled index


def test_every_passage_of_the_report_has_phrases(searcher: Searcher) -> None:
    cues = tomllib.loads(CUES.read_text(encoding="utf-8"))
    report = {e.id for e in searcher.corpus.entries if not e.own}
    assert set(cues) == report
    assert all(len(phrases) >= 2 for phrases in cues.values())


def test_phrases_are_short_plain_and_tell_passages_apart() -> None:
    cues = tomllib.loads(CUES.read_text(encoding="utf-8"))
    used = Counter(normalize(p) for phrases in cues.values() for p in set(phrases))
    for entry_id, phrases in cues.items():
        for p in phrases:
            assert 3 <= len(p) <= 24, (entry_id, p)
            assert not re.search(r"[<>\[\]{}\"\\|\t\x00-\x1f]", p), (entry_id, p)
    assert max(used.values()) <= 3, used.most_common(3)


def test_no_phrase_brings_in_a_topic_the_report_does_not_treat() -> None:
    """The thesaurus's `near` entries are those topics (自殺, ゲーム, 家庭内暴力)."""
    thesaurus = load_thesaurus(DATA / "thesaurus.toml", DATA / "readings.toml")
    near = [k for e in thesaurus.entries if e.near for k in e.keys if len(k) >= 2]
    assert near
    cues = tomllib.loads(CUES.read_text(encoding="utf-8"))
    found = [(i, p, k) for i, ps in cues.items() for p in ps for k in near if k in normalize(p)]
    assert not found


def test_no_phrase_copies_the_report(searcher: Searcher) -> None:
    """Its words are searchable already; the index says what the report does not."""
    report = "\x00".join(normalize(e.text) for e in searcher.corpus.entries if not e.own)
    cues = tomllib.loads(CUES.read_text(encoding="utf-8"))
    copied = [p for ps in cues.values() for p in ps if len(normalize(p)) >= 10 and normalize(p) in report]
    assert not copied


# --------------------------------------------------------------------------- the loader


def load(path: Path, ids: list[str]) -> dict[str, tuple[str, ...]]:
    with parse_snapshot({str(path): path.read_bytes()}):
        return load_cues(path, ids)


def test_the_loader_keeps_each_passage_s_phrases(tmp_path: Path) -> None:
    path = tmp_path / "cues.toml"
    path.write_text('s1-h1 = ["本人がしゃべらない", " ＳＮＳで相談 "]\n', encoding="utf-8")
    assert load(path, ["s1-h1", "s1-h2"]) == {
        "s1-h1": (
            ("本人がしゃべらない", normalize("本人がしゃべらない")),
            ("ＳＮＳで相談", normalize("SNSで相談")),
        )
    }


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('s9-h1 = ["本人がしゃべらない"]\n', ["s9-h1", "報告書にない"]),
        ('s1-h1 = "本人がしゃべらない"\n', ["s1-h1", "リスト"]),
        ('s1-h1 = ["本人がしゃべらない", ""]\n', ["s1-h1", "空でない"]),
        ("s1-h1 = []\n", ["s1-h1", "空"]),
        ('s1-h1 = ["本人", 3]\n', ["s1-h1", "文字列"]),
    ],
)
def test_the_loader_names_the_file_and_the_passage_of_a_mistake(
    tmp_path: Path, content: str, words: list[str]
) -> None:
    path = tmp_path / "cues.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(path, ["s1-h1"])
    message = str(e.value)
    assert e.value.path.endswith("cues.toml") and "\n" not in message
    assert all(w in message for w in words), message


def test_a_mistake_in_the_index_is_a_one_line_error_of_the_command(data_copy: Path, invoke: Invoke) -> None:
    replace_in(data_copy / "cues.toml", "pr1 = [", "pr999 = [")
    result = invoke("search", "訪問")
    assert result.exit_code == 3
    assert "cues.toml" in result.stderr and "pr999" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- search: ranks, never vouches


def write_cues(path: Path, cues: dict[str, list[str]]) -> None:
    """A cues.toml of these phrases (a JSON string is a TOML string)."""
    lines = [f"{k} = [{', '.join(json.dumps(p, ensure_ascii=False) for p in v)}]" for k, v in cues.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_phrase_finds_its_passage_and_explain_names_it(data_copy: Path, invoke: Invoke) -> None:
    """家族会の会場 is the report's words, but not s1-h7's (話しを出来ない場合は手紙を渡す)."""
    query = "家族会の会場"
    before = json.loads(invoke("search", query, "--json", "-n", "50").stdout)
    assert "s1-h7" not in [item["id"] for item in before]
    cues = tomllib.loads(CUES.read_text(encoding="utf-8"))
    cues["s1-h7"] = ["家族会の会場さがし", "施設の予約に迷う"]
    write_cues(data_copy / "cues.toml", cues)
    store.clear()
    after = json.loads(invoke("search", query, "--json", "--explain", "-n", "50").stdout)
    found = {item["id"]: item for item in after}
    assert "s1-h7" in found
    terms = found["s1-h7"]["explain"]["terms"]
    assert terms and all(t["indexed"] for t in terms)  # nothing of it is in s1-h7's text
    text = invoke("search", query, "--explain", "-n", "50", "--format", "text").stdout
    block = "".join(text[text.index("s1-h7") :].split("スコア")[0].split())  # unwrapped
    assert "索引語「家族会の会場さがし」" in block and "報告書の本文ではありません" in block
    assert "施設の予約" not in block  # only the phrases the query was found in


def test_the_index_changes_no_word_the_report_is_said_to_lack(
    searcher: Searcher, without_index: Searcher
) -> None:
    for q in queries("notcovered*.tsv") + queries("offtopic-*.tsv") + ["同僚", "ゲーム", "喋らない"]:
        a, b = searcher.answer(q), without_index.answer(q)
        assert a.unknown == b.unknown, q
        assert a.covered == b.covered, q  # strong or weak: the report's text decides


def test_an_off_topic_query_finds_nothing_with_or_without_the_index(
    searcher: Searcher, without_index: Searcher
) -> None:
    for q in queries("offtopic-*.tsv"):
        if not without_index.answer(q).results:
            assert not searcher.answer(q).results, q


def test_the_index_adds_matches_not_statistics(searcher: Searcher, without_index: Searcher) -> None:
    """A word's weight is its rarity in the report: the same with or without the index."""
    for word in ("訪問", "手紙", "燃え尽き", "返事", "しゃべらない"):
        assert searcher.unit_weight(normalize(word)) == without_index.unit_weight(normalize(word))
