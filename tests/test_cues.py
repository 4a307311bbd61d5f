"""hintcli's index phrases (data/cues.toml, cues.py): the data, its loader, and what search makes of it.

The index ranks the report's passages; it never vouches for them. So a topic the
report does not treat stays one it does not treat, and an off-topic query finds
nothing, whatever the index's words.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path

import pytest
from conftest import DATA, Invoke, replace_in

from hintcli import store
from hintcli.corpus import DataError, parse_snapshot
from hintcli.cues import Cues, load_cues, review
from hintcli.search import Searcher, normalized_fields
from hintcli.text import normalize

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


def test_the_bundled_phrases_pass_the_review(searcher: Searcher) -> None:
    """Short, telling passages apart, no copy of the report, no topic it does not treat."""
    assert review(searcher.cues, searcher.corpus, searcher.thesaurus) == []
    for entry_id, phrases in searcher.cues.items():
        assert all(not re.search(r"[<>\[\]{}\"\\|\t\x00-\x1f]", w) for w, _ in phrases), entry_id


def test_the_review_finds_each_kind_of_problem(searcher: Searcher) -> None:
    def phrases(*written: str) -> tuple[tuple[str, str], ...]:
        return tuple((w, normalize(w)) for w in written)

    text = searcher.corpus.by_id["s1-h7"].text  # 話しを出来ない場合は手紙を渡す。
    cues = {
        "s1-h1": phrases("本人がしゃべらない"),  # one phrase only
        "s1-h2": phrases(
            "会う", "訪問を嫌がる本人に会いたいのだけれどどうしたらいいのか"
        ),  # 2 and 27 characters
        "s1-h3": phrases("待つしかない", text[:12]),  # copies the report
        "s1-h4": phrases("ゲーム依存の本人", "電話を続ける"),  # a topic the report does not treat
        **{f"s2-h{i}": phrases("同じ句", f"句{i}の例") for i in range(1, 5)},  # one phrase on four passages
    }
    problems = review(cues, searcher.corpus, searcher.thesaurus)
    for entry_id, words in [
        ("s1-h1", "1 つ"),
        ("s1-h2", "2 字"),
        ("s1-h2", "27 字"),
        ("s1-h3", "写して"),
        ("s1-h4", "ゲーム"),
        ("s2-h1", "4 項目"),
    ]:
        assert any(p.startswith(entry_id) and words in p for p in problems), (entry_id, words, problems)
    assert not any(p.startswith("s1-h4: 「電話を続ける」") for p in problems)


def test_the_check_tool_passes_the_bundled_index_and_fails_a_bad_one(tmp_path: Path) -> None:
    import subprocess
    import sys

    tool = Path(__file__).parent.parent / "tools" / "check_cues.py"
    env = {**os.environ, "HINT_CACHE_DIR": "off", "HINT_USER_DIR": str(tmp_path / "user")}
    env.pop("HINT_DATA_DIR", None)
    ok = subprocess.run([sys.executable, str(tool)], capture_output=True, text=True, timeout=120, env=env)
    assert ok.returncode == 0 and "0 problems" in ok.stdout, ok.stdout + ok.stderr
    bad = tmp_path / "cues.toml"
    write_cues(bad, {"s1-h1": ["ゲームばかりの本人", "会えない"]})
    ng = subprocess.run(
        [sys.executable, str(tool), str(bad)], capture_output=True, text=True, timeout=120, env=env
    )
    assert ng.returncode == 1 and "ゲーム" in ng.stdout, ng.stdout + ng.stderr


# --------------------------------------------------------------------------- the loader


def load(path: Path, ids: list[str]) -> Cues:
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
