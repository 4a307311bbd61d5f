"""Ranking rules of hintcli.search, on the bundled corpus and thesaurus."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from hintcli import store
from hintcli.search import (
    CORRECTION_MIN_DF,
    GRAMMAR_IDF_CAP,
    K1,
    STRONG_IDF,
    VARIETY,
    W_BIGRAM,
    Match,
    Searcher,
    Term,
    distinctive,
    frame_of,
    heading_path,
    heading_similarities,
    katakana_words,
    query_terms,
    section_of,
    word_coverage,
    words_of,
)
from hintcli.text import is_kanji, normalize


@pytest.fixture(scope="module")
def searcher() -> Searcher:
    return store.load_searcher()


def headings(searcher: Searcher) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = defaultdict(list)
    for e in searcher.entries:
        if e.heading:
            groups[heading_path(e)].append(e.id)
    return groups


def test_the_exact_text_of_a_heading_ranks_its_entries_first(searcher: Searcher) -> None:
    """Every hint heading, practice category and story section, typed as a query."""
    for heading, ids in headings(searcher).items():
        got = [r.entry.id for r in searcher.search(heading, limit=len(ids))]
        assert set(got) == set(ids), heading


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_heading_within_a_sentence_still_finds_its_entries(searcher: Searcher, data: st.DataObject) -> None:
    groups = {h: ids for h, ids in headings(searcher).items() if len(normalize(h)) >= 6}
    heading = data.draw(st.sampled_from(sorted(groups)))
    query = f"担当ケースで{heading}ということを考えたい"
    top = [r.entry.id for r in searcher.search(query, limit=len(groups[heading]) + 3)]
    assert set(groups[heading]) & set(top), heading


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_text_query_returns_ranked_results_without_error(searcher: Searcher, query: str) -> None:
    results = searcher.search(query, limit=10)
    assert len(results) <= 10
    scores = [r.score for r in results]
    assert scores == sorted(scores, reverse=True)
    assert len({r.entry.id for r in results}) == len(results)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.text(alphabet="本人家族会えない訪問手紙しんどい支援相談就労ひきこもり、。 ", min_size=1, max_size=40)
)
def test_results_are_deterministic(searcher: Searcher, query: str) -> None:
    first = [(r.entry.id, r.score) for r in searcher.search(query)]
    again = [(r.entry.id, r.score) for r in searcher.search(query)]
    assert first == again


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_results_under_one_heading_give_way_to_others(searcher: Searcher, data: st.DataObject) -> None:
    """Each result ranked above from its section lowers a result's score by VARIETY
    (all but what a named heading lifts); without that the order would be the plain score's."""
    entry = data.draw(st.sampled_from(searcher.entries))
    start = data.draw(st.integers(0, max(0, len(entry.text) - 10)))
    query = entry.text[start : start + data.draw(st.integers(4, 40))]
    results = searcher.search(query, limit=None)
    before: dict[str, int] = {}
    for r in results:
        group = section_of(r.entry)
        n = before.get(group, 0)
        plain = sum(v for k, v in r.parts.items() if k != "variety")
        expected = r.parts["heading"] + (plain - r.parts["heading"]) * VARIETY**n
        assert r.score == pytest.approx(expected, rel=1e-5, abs=1e-5)
        assert r.score == pytest.approx(sum(r.parts.values()), rel=1e-5, abs=1e-5)
        before[group] = n + 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_in_a_two_word_query_matching_one_word_only_halves_the_word_score(
    searcher: Searcher, data: st.DataObject
) -> None:
    words = sorted({w for e in searcher.entries for w in re.findall(r"[一-龥]{2,4}", e.text)})
    first, second = data.draw(st.lists(st.sampled_from(words), min_size=2, max_size=2, unique=True))
    assume(first not in second and second not in first)
    check_two_word_coverage(searcher, first, second)


# Pairs hypothesis found failing (a word too common to look up, 支援, beside a rarer one),
# kept as explicit examples: the test above draws them only now and then.
@pytest.mark.parametrize(
    ("first", "second"), [("支援", "一人"), ("本人", "手紙"), ("相談", "家族会"), ("家族", "支援")]
)
def test_two_word_coverage_with_a_common_word(searcher: Searcher, first: str, second: str) -> None:
    check_two_word_coverage(searcher, first, second)


def check_two_word_coverage(searcher: Searcher, first: str, second: str) -> None:
    for r in searcher.search(f"{first} {second}", limit=None):
        bm25, coverage = r.parts["bm25"], r.parts["coverage"]
        assert coverage == pytest.approx(0.0, abs=1e-9) or coverage == pytest.approx(-bm25 / 2)
        text = normalize(r.entry.text)
        if normalize(first) in text and normalize(second) in text:
            assert coverage == pytest.approx(0.0, abs=1e-9)


def test_coverage_counts_the_words_an_entry_matches_by_any_of_their_terms(searcher: Searcher) -> None:
    q = searcher.parse("家族会 しんどい 親")  # 親: one kanji, too weak a word to count
    index = {t.text: k for k, t in enumerate(q.terms)}
    expansion = next(k for k, t in enumerate(q.terms) if t.role == "thesaurus" and t.via == "しんど")
    hits = {
        0: [(index["家族"], 1.0)],  # a bigram of 家族会
        1: [(index["家族会"], 1.0), (expansion, 1.0)],
        2: [(index["親"], 1.0)],
    }
    assert word_coverage(q, hits) == {0: 0.5, 1: 1.0, 2: 0.5}
    assert word_coverage(searcher.parse("家族会 親"), hits) == {}  # one word that counts


def test_a_fresh_searcher_ranks_identically(searcher: Searcher) -> None:
    """One built from the data files (not the cache) with the index phrases ranks the same."""
    from hintcli.corpus import parse_snapshot
    from hintcli.cues import load_cues

    path = Path(__file__).parent.parent / "data" / "cues.toml"
    with parse_snapshot({str(path): path.read_bytes()}):
        cues = load_cues(path, [e.id for e in searcher.corpus.entries if not e.own])
    fresh = Searcher(searcher.corpus, searcher.thesaurus, cues=cues)
    for q in ("本人に会えない", "家族が支援に消極的で本人に会えない", "燃え尽き"):
        assert [r.entry.id for r in fresh.search(q)] == [r.entry.id for r in searcher.search(q)]


def answers(s: Searcher, queries: list[str]) -> list[object]:
    out: list[object] = []
    for q in queries:
        a = s.answer(q)
        hits = [(r.entry.id, r.score, r.match, [(h.term, h.score) for h in r.hits]) for r in a.results]
        out.append((hits, a.covered, a.unknown, a.correction, a.suggestions))
    return out


@pytest.fixture(scope="module")
def prepared(searcher: Searcher) -> Searcher:
    s = Searcher(searcher.corpus, searcher.thesaurus, searcher.normalized, searcher.cues)
    s.prepare_for_many()
    return s


def test_a_searcher_prepared_for_many_queries_answers_identically(
    searcher: Searcher, prepared: Searcher
) -> None:
    # New words (typos, sentences, off-topic, not covered) are where its lookups differ.
    queries = [
        line.split("\t")[0]
        for name in ("queries-13.tsv", "offtopic-5.tsv", "notcovered-4.tsv")
        for line in (Path(__file__).parent / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ] + ["訪門", "方問", "燃え付き", "ひきこもり 支援 家族 ソーシャルワーカー"]
    unprepared = Searcher(searcher.corpus, searcher.thesaurus, searcher.normalized, searcher.cues)
    assert answers(prepared, queries) == answers(unprepared, queries)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_prepared_searcher_knows_what_the_report_text_has(prepared: Searcher, data: st.DataObject) -> None:
    blob = prepared._blob
    start = data.draw(st.integers(0, len(blob) - 1))
    piece = blob[start : start + data.draw(st.integers(0, 12))]
    # The report's own stretch, and the same with one character changed or dropped.
    k = data.draw(st.integers(0, max(0, len(piece) - 1)))
    other = data.draw(st.sampled_from("のはに支援家族ア1\x00"))
    for candidate in (piece, piece[:k] + other + piece[k + 1 :], piece[:k] + piece[k + 1 :]):
        assert prepared._has(candidate) == (candidate in blob)
        assert prepared._may_have(candidate) or candidate not in blob  # "surely not" is never wrong


def test_本人に会えない_finds_the_letter_hints_first(searcher: Searcher) -> None:
    top = searcher.search("本人に会えない", limit=5)
    headings_top = [r.entry.heading for r in top]
    # (The scene's own example of the situation, 訪問を重ねても会うことができない, ranks
    # among them since the index phrases say it in the worker's words.)
    assert "会えない場合は手紙で伝える" in headings_top
    assert all(r.entry.scene == 1 for r in top)


@pytest.mark.parametrize(
    "query",
    [
        "天ぷらの揚げ方",
        "xyz",
        "東京タワーに行きたい",
        "プログラミング",
        "パソコンが壊れた",
        "野球の試合",
        "猫の飼い方",
        "カレーの作り方を教えて",
    ],
)
def test_off_topic_queries_find_nothing(searcher: Searcher, query: str) -> None:
    assert searcher.search(query) == []


@pytest.mark.parametrize("query", ["", " ", "　", "、。！", "\x00\x1b", "ー", "①", "1", "a"])
def test_empty_queries_find_nothing(searcher: Searcher, query: str) -> None:
    assert searcher.search(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("燃え付き", "燃え尽き"),  # an IME slip
        ("ひきこもリ", "ひきこもり"),  # katakana リ for hiragana り
        ("スーパーバイサー", "スーパーバイザー"),
        ("ｾﾙﾌｹｱ", "セルフケア"),  # half-width katakana
    ],
)
def test_typos_and_spelling_variants_still_find_the_word(
    searcher: Searcher, query: str, expected: str
) -> None:
    top = searcher.search(query, limit=3)
    assert top and all(normalize(expected) in normalize(r.entry.text) for r in top[:1]), query


def test_typo_correction_is_explained(searcher: Searcher) -> None:
    q = searcher.parse("燃え付き")
    assert any(t.role == "typo" and t.text == normalize("燃え尽き") and t.via for t in q.terms)


@pytest.mark.parametrize(
    ("query", "report_word"),
    [("しんどい", "燃え尽き"), ("閉じこもる", "ひきこもり"), ("仕事", "就労"), ("学校に行けない", "不登校")],
)
def test_thesaurus_brings_the_reports_words(searcher: Searcher, query: str, report_word: str) -> None:
    expansions = {t.text for t in searcher.parse(query).terms if t.role == "thesaurus"}
    assert any(normalize(report_word) in x for x in expansions)
    top = searcher.search(query, limit=5)
    assert any(normalize(report_word) in normalize(r.entry.text + (r.entry.heading or "")) for r in top)


def test_corpus_wide_words_do_not_drown_the_distinctive_one(searcher: Searcher) -> None:
    # 本人, 支援, 相談, 家族 are everywhere; セルフケア is in one entry.
    top = searcher.search("本人 支援 相談 家族 セルフケア", limit=1)
    assert "セルフケア" in top[0].entry.text


def test_a_single_common_word_still_finds_entries(searcher: Searcher) -> None:
    assert len(searcher.search("支援", limit=5)) == 5
    assert len(searcher.search("ひきこもり", limit=5)) == 5


def test_filters_and_limit(searcher: Searcher) -> None:
    assert all(r.entry.scene == 3 for r in searcher.search("家族", scene=3, limit=None))
    assert all(r.entry.kind == "suggestion" for r in searcher.search("家族", kind="suggestion", limit=None))
    assert all("支援者のケア" in r.entry.themes for r in searcher.search("相談", themes={"支援者のケア"}))
    assert len(searcher.search("家族", limit=3)) == 3
    everything = searcher.search("家族", limit=None)
    assert len(everything) > 10


def test_results_explain_their_score(searcher: Searcher) -> None:
    r = searcher.search("しんどい", limit=1)[0]
    assert r.hits and any(h.role == "thesaurus" and h.via and h.via in "しんどい" for h in r.hits)
    assert r.score == pytest.approx(sum(r.parts.values()), rel=1e-6)


def test_heading_similarity_rewards_the_whole_heading_over_a_fragment() -> None:
    h = normalize("会えない場合は手紙で伝える")
    assert heading_similarities(h, [normalize("家族を支える"), h]) == [(1, 1.0)]
    assert heading_similarities(normalize("手紙"), [h]) == []  # at most the floor: no lift


@pytest.mark.parametrize("query", ["父親から", "8050", "父親から電話があった"])
def test_a_known_word_or_a_number_is_not_corrected_into_another(searcher: Searcher, query: str) -> None:
    typos = [t for t in searcher.parse(query).terms if t.role == "typo"]
    assert typos == []


def test_an_inflection_is_aligned_to_the_reports_form(searcher: Searcher) -> None:
    typos = {t.text for t in searcher.parse("保健所につなぐ").terms if t.role == "typo"}
    assert normalize("保健所につなぎ") in typos


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_grammar_and_verb_stems_never_weigh_like_a_rare_word(searcher: Searcher, data: st.DataObject) -> None:
    """Hiragana and stems (言っ, 来な) are capped, however rare in the report; words are not."""
    entry = data.draw(st.sampled_from(searcher.entries))
    start = data.draw(st.integers(0, max(0, len(entry.text) - 10)))
    query = "相談員として" + entry.text[start : start + 30] + "と言ってきた"
    q = searcher.parse(query)
    ceiling = {t.text: t.weight * GRAMMAR_IDF_CAP * (K1 + 1) for t in q.terms if t.role in ("kana", "stem")}
    for r in searcher.search(query, limit=5):
        for h in r.hits:
            if h.role in ("kana", "stem"):
                assert h.score <= ceiling[h.term] + 1e-9, (h, query)


@pytest.mark.parametrize("word", ["フリースペース", "ハローワーク", "スーパーバイザー", "オンライン"])
def test_a_katakana_words_trigrams_together_weigh_one_bigram(word: str) -> None:
    """One word is one piece of evidence, however many trigrams it has."""
    terms, _ = query_terms(normalize(word), katakana_words(word))
    grams = [t.weight for t in terms if t.role == "kgram"]
    assert len(grams) >= 2
    assert sum(grams) == pytest.approx(W_BIGRAM)


@pytest.mark.parametrize(
    "written", ["ニーズをアセスメント", "ケース会議", "ＳＮＳ", "引きこもり", "障がい通所サービス"]
)
def test_a_normalized_term_is_spelled_as_the_report_writes_it(searcher: Searcher, written: str) -> None:
    spelled = searcher.spelling(normalize(written))
    assert normalize(spelled) == normalize(written)
    report = "".join(e.text + (e.heading or "") + (e.section or "") for e in searcher.entries)
    assert spelled in report + "".join(s.title for s in searcher.corpus.scenes.values())


def test_a_term_the_report_lacks_is_left_as_it_is(searcher: Searcher) -> None:
    assert searcher.spelling("てんぷら") == "てんぷら"


def test_a_space_the_user_types_parts_words(searcher: Searcher) -> None:
    terms = {t.text for t in searcher.parse("家族 ねぎらい").terms}
    assert normalize("労い") in terms  # ねぎらい folds to 労い, a word of its own
    assert "家族労" not in terms
    assert searcher.search("家族 ねぎらい")  # the report has 労い


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(["家族", "支援", "会えない", "ねぎらい", "訪問", "セルフケア", "手紙"]),
        min_size=2,
        max_size=4,
    )
)
def test_words_typed_apart_keep_the_words_each_has_alone(searcher: Searcher, words: list[str]) -> None:
    together = {t.text for t in searcher.parse(" ".join(words)).terms if t.role == "word"}
    for w in words:
        assert {t.text for t in searcher.parse(w).terms if t.role == "word"} <= together, w


@pytest.mark.parametrize(("query", "stem"), [("待つ支援", "待つ"), ("焦らない 対応", "焦ら")])
def test_in_a_keyword_query_a_verb_is_the_topic(searcher: Searcher, query: str, stem: str) -> None:
    results = searcher.search(query, limit=3)
    assert results
    for r in results:  # the verb is in the entry's text, or hintcli's index phrases give it
        indexed = {h.term for h in r.hits if h.indexed}
        assert stem in normalize(r.entry.text + (r.entry.heading or "")) or stem in indexed, r.entry.id


def test_when_a_verb_stem_alone_makes_a_result() -> None:
    stem = Term("待つ", W_BIGRAM, "stem")
    assert distinctive(stem, 0.1, n_words=1)  # the whole query: any match counts
    assert distinctive(stem, STRONG_IDF, n_words=2)  # a rare verb in a keyword query
    assert not distinctive(stem, 0.1, n_words=2)
    assert not distinctive(stem, STRONG_IDF, n_words=4)  # a verb in a sentence


# --------------------------------------------------------------------------- answers (issue 15)


def test_every_score_part_and_role_has_a_japanese_label(searcher: Searcher) -> None:
    from hintcli.search import PART_LABELS, ROLE_LABELS, Part, Role

    assert set(PART_LABELS) == set(Part) and all(PART_LABELS.values())
    assert set(ROLE_LABELS) == set(Role) and all(ROLE_LABELS.values())
    emitted = {
        p
        for q in ("本人に会えない", "家族 しんどい", "支援 一人")
        for r in searcher.search(q)
        for p in r.parts
    }
    assert emitted <= set(Part)


@pytest.mark.parametrize("query", ["天ぷら", "こんにちは", "12345", "明日の天気予報", "apple pie recipe"])
def test_off_topic_queries_find_nothing_and_say_so(searcher: Searcher, query: str) -> None:
    a = searcher.answer(query)
    assert a.results == [] and not a.covered


@pytest.mark.parametrize(
    ("query", "missing"),
    [
        ("家庭内暴力", "家庭内暴力"),
        ("死にたい", "死にたい"),
        ("リストカット", "リストカット"),
        ("ゲーム", "ゲーム"),
    ],
)
def test_topics_the_report_does_not_treat_are_weak_and_named(
    searcher: Searcher, query: str, missing: str
) -> None:
    a = searcher.answer(query)
    assert a.results and not a.covered
    assert all(r.match == "weak" for r in a.results)
    assert missing in a.unknown


def test_family_never_matches_a_fragment(searcher: Searcher) -> None:
    assert "pr1" not in [r.entry.id for r in searcher.search("family", limit=None)]


def test_a_covered_keyword_is_strong_and_names_nothing_unknown(searcher: Searcher) -> None:
    a = searcher.answer("本人に会えない")
    assert a.covered and a.unknown == () and a.correction is None and a.suggestions == []
    assert a.results[0].match == "strong"
    assert [r.entry.id for r in searcher.search("本人に会えない", limit=None)] == [
        r.entry.id for r in a.results
    ]


def test_a_mistyped_keyword_is_corrected_or_offered(searcher: Searcher) -> None:
    fixed = searcher.answer("方問")
    assert fixed.correction == "訪問" and fixed.searched == "訪問" and fixed.results
    offered = searcher.answer("訪門")
    assert offered.results or any(s.kind == "word" and s.name == "訪問" for s in offered.suggestions)


def test_a_word_offered_for_a_miss_is_a_word_of_its_own_in_the_report(searcher: Searcher) -> None:
    # 他機 and 係機 are only ever inside 関係機関: nothing to offer for 危機.
    assert searcher.word_suggestions("危機") == []
    assert not any(s.kind == "word" for s in searcher.suggestions("危機"))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.data())
def test_every_word_offered_stands_alone_somewhere_in_the_report(
    searcher: Searcher, data: st.DataObject
) -> None:
    kanji = sorted({c for c in searcher._blob if is_kanji(c)})
    word = data.draw(st.sampled_from(kanji)) + data.draw(st.sampled_from(kanji))
    blob = searcher._blob
    for offered, _ in searcher.word_suggestions(word):
        at = [m.start() for m in re.finditer(offered, blob)]
        assert any(not is_kanji(blob[i - 1 : i]) and not is_kanji(blob[i + 2 : i + 3]) for i in at), offered


def test_a_query_of_one_kanji_words_is_about_the_stretch_the_report_has(searcher: Searcher) -> None:
    # 親 and 声 are words of one kanji; 声かけ, a kanji and its kana, is what the report has.
    q = searcher.parse("親の声かけ")
    assert q.units == ("声かけ",)
    top = searcher.answer("親の声かけ").results
    assert top and top[0].match == Match.STRONG and "声かけ" in normalize(top[0].entry.text)
    # Only a stretch the report has: one-kanji words it lacks together still find nothing.
    assert searcher.parse("雨の日").units == () and not searcher.answer("雨の日").results


def test_a_miss_is_searched_as_a_common_word_but_only_offered_a_rare_one(searcher: Searcher) -> None:
    # 相淡 and 家属 are an input method's slips for words found all over the report; 株価 is
    # another word that looks like 評価 (in 2 entries): searching it would answer off-topic.
    for slip, word in (("相淡", "相談"), ("家属", "家族")):
        fixed = searcher.answer(slip)
        assert fixed.correction == word and fixed.results
    assert searcher.df(searcher.postings("評価")) < CORRECTION_MIN_DF
    offered = searcher.answer("株価")
    assert offered.correction is None and not offered.results
    assert ("word", "評価") in [(s.kind, s.name) for s in offered.suggestions]


def test_a_kind_named_as_a_word_of_its_own_is_searched_within(searcher: Searcher) -> None:
    # The tool's names for the kinds (素材集, サジェスション) are not the report's words:
    # typed on their own, they name what to search in, not a topic.
    names = searcher.kind_names()
    assert {"素材集", "さじぇすしょん", "具体例"} <= set(names) and "歩みの例" not in names
    for name in names:
        assert not searcher._has(name), name
    a = searcher.answer("サジェスション 家族")
    assert a.kind == "suggestion" and a.searched == "家族" and a.results
    assert [r.entry.id for r in a.results] == [
        r.entry.id for r in searcher.answer("家族", kind="suggestion").results
    ]
    listed = searcher.answer("素材集")
    stories = [e.id for e in searcher.entries if e.kind == "story"]
    assert listed.kind == "story" and listed.covered and [r.entry.id for r in listed.results] == stories
    assert [r.entry.id for r in searcher.answer("素材集", scene=1).results] == []
    # Inside a sentence, or beside another kind's name, it is a word like any other.
    for query in ("素材集を読みたい", "素材集 サジェスション"):
        assert searcher.answer(query).kind is None
    # An explicit kind wins: the name is then searched as a word.
    assert searcher.answer("素材集", kind="hint").kind is None


def test_a_kanji_word_neither_the_report_nor_the_thesaurus_uses_is_another_topic(searcher: Searcher) -> None:
    # 冬 and 袴, words of one kanji, are no units; unknown to the report and the thesaurus,
    # they say the query is about something else (the report's 観光地 and 卒業 are asides).
    for query, word, rest in (
        ("冬におすすめの観光地", "冬", "観光地"),
        ("卒業式の袴レンタル", "袴", "卒業式"),
    ):
        q = searcher.parse(query)
        assert searcher.foreign_kanji(q) == (word,)
        assert not searcher._has(word) and not searcher.thesaurus.knows_char(word)
        assert searcher.known_share(q) < searcher.known_share(searcher.parse(rest))
        assert not searcher.answer(query).results
    # A kanji with its okurigana is a verb's stem (喋る), counted in its stretch, not as a word.
    q = searcher.parse("お母さんばかり喋る面談")
    assert not searcher._has("喋") and searcher.foreign_kanji(q) == ()
    assert searcher.answer("お母さんばかり喋る面談").covered


def test_a_miss_beside_a_word_of_another_topic_is_not_searched_corrected(searcher: Searcher) -> None:
    # 爪切 is one kanji from 大切, which the report uses often; beside 猫, which it never
    # uses, the query is about something else, and searching 大切 would answer it off-topic.
    assert not searcher._has("猫") and searcher.parse("猫の爪切りのコツ").units == ("爪切",)
    alone = searcher.answer("爪切")
    assert alone.correction == "大切" and alone.results
    beside = searcher.answer("猫の爪切りのコツ")
    assert beside.correction is None and not beside.results
    # Nor is a spelling offered for it: the words the report lacks are named instead.
    assert beside.suggestions == [] and "猫" in beside.unknown
    # A slip beside the report's own words is still searched corrected.
    assert searcher.answer("訪門の仕方").correction == "訪問の仕方"


def test_a_latin_word_neither_the_report_nor_the_thesaurus_knows_is_another_topic(searcher: Searcher) -> None:
    # The field's Latin words are in the thesaurus (LINE, Zoom); Python is not the field's.
    assert searcher.answer("LINEで本人と連絡").covered
    assert not searcher.answer("Python リスト 並び替え").results
    # A tag's name is markup, not a word: the Japanese says what the query is about.
    for marked in ("[bold]本人に会えない[/]", "<b>本人に会えない</b>"):
        assert searcher.answer(marked).covered


def test_a_how_to_frame_is_no_topic_of_the_query(searcher: Searcher) -> None:
    assert "方法" not in searcher.parse("本人と連絡を取る方法").units
    assert searcher.answer("本人と連絡を取る方法").covered
    assert searcher.parse("方法").units == ("方法",)  # alone, it is what was asked
    assert not searcher.answer("Pythonでリストを並べ替える方法").results


def test_suggestions_are_structured(searcher: Searcher) -> None:
    got = searcher.suggestions("家族史")
    assert got and got[0].kind == "theme" and got[0].name == "家族支援"
    scenes = [s for s in searcher.suggestions("燃え尽きそうになった担当者", limit=10) if s.kind == "scene"]
    assert all(
        s.scene in searcher.corpus.scenes and searcher.corpus.scenes[s.scene].title == s.name for s in scenes
    )


def test_an_entry_with_every_word_gets_no_coverage_penalty(searcher: Searcher) -> None:
    from hintcli.search import Part

    top = searcher.search("支援 一人")[0]
    assert top.entry.id == "s6-c2"
    assert top.parts[Part.COVERAGE] == pytest.approx(0.0, abs=1e-9)


def test_explain_words_sums_fragments_under_the_word_typed(searcher: Searcher) -> None:
    from hintcli.search import Part, explain_words

    r = searcher.search("支援対象年齢 しんどい", limit=None)[0]
    words = explain_words(r)
    assert sum(v for _, v in words) == pytest.approx(r.parts[Part.BM25])
    names = [w for w, _ in words]
    assert len(names) == len(set(names))
    assert all(w in "支援対象年齢 しんどい" for w in names), names


def test_suggestion_scenes_keep_the_first_results_scene_then_repeated_ones(searcher: Searcher) -> None:
    from hintcli.search import suggestion_scenes

    results = searcher.search("本人に会えない", limit=None)
    got = suggestion_scenes(results)
    assert got and got[0] == results[0].entry.scene and len(got) <= 2
    assert suggestion_scenes([]) == []


@pytest.mark.parametrize(
    ("query", "frame"),
    [
        ("面談で、母親が「この子が家にいるのは私の育て方のせい」と自分を責めた。", "面談で"),
        ("ケース会議で、本人が居場所を休んでいると報告があった。", "けーす会議で、と報告があった"),
        ("母親です。息子が部屋にこもって3年になります", "母親です"),
        ("青年が再び家から出なくなったと母親から連絡があった。", "と母親から連絡があった"),
        # Who tells it, said aside.
        ("同僚：訪問しても本人が出てこないので、手紙を置いて帰っている", "同僚:"),
        ("先輩いわく、家族会に来る父親が増えたらしい", "先輩いわく"),
        ("保健師の話。母親が息子の暴言に悩んでいる", "保健師の話"),
        ("居場所に来た若者が、すぐ帰ってしまう（NPOスタッフ）", "(npoすたっふ)"),
    ],
)
def test_a_case_reports_frame_is_found(query: str, frame: str) -> None:
    assert frame_of(normalize(query)) == frame


@pytest.mark.parametrize(
    "query",
    [
        "夫がリストラされてからずっと家にいて、人と話さなくなった",  # talking is the situation
        "親は介護が必要で、家は家賃も滞納している",  # 必要で is no setting
        "一度電話で相談があったきり、その家族と連絡が取れなくなってしまった",
        "仕事の話、そろそろしてもいいか",  # a topic, not who tells it
        "本人が(たまに)外出するようになった",  # an aside inside the situation
    ],
)
def test_words_of_the_situation_are_no_frame(query: str) -> None:
    assert frame_of(normalize(query)) == ""


def test_frame_words_weigh_less_and_are_no_evidence(searcher: Searcher) -> None:
    q = searcher.parse(
        "面談で、母親が「この子が家にいるのは私の育て方のせい」と自分を責め、涙ながらに話した。"
    )
    weight = {t.text: t.weight for t in q.terms}
    assert weight["面談"] < 0.5 * weight["母親"]
    assert "面談" not in q.units and "母親" in q.units


def test_a_colleague_is_the_staffs_topic_as_a_keyword_and_the_teller_in_a_report(
    searcher: Searcher,
) -> None:
    # 同僚 is not the report's word; as a keyword it is about the support workers' own care.
    top = searcher.search("同僚 燃え尽き", limit=1)
    assert top and "支援者のケア" in top[0].entry.themes
    # Telling a case (同僚：…) it weighs as little as any frame word.
    q = searcher.parse("同僚：訪問しても本人が出てこないので、手紙を置いて帰っている")
    weight = {t.text: t.weight for t in q.terms}
    assert weight["同僚"] < 0.5 * weight["手紙"]


def test_a_word_the_thesaurus_knows_whole_is_not_matched_by_another_words_fragment(
    searcher: Searcher,
) -> None:
    # 生活保護 is not in the report: 保護 is 保護者's; the thesaurus gives 生活困窮.
    top = searcher.search("生活保護", limit=1)
    assert top and "生活困窮" in normalize(top[0].entry.text)


def test_a_sentence_with_two_of_the_reports_words_is_in_its_field(searcher: Searcher) -> None:
    # No entry answers it strongly (発達の特性 and 他の利用者 are the thesaurus's), but 何度
    # and 受診 are the report's words: the nearest passages are shown, marked weak if so.
    q = "グループ活動で他の利用者と何度もぶつかる子がいる。発達の特性がありそうだが受診はしていない"
    assert searcher.search(q)
    # Two everyday words the report happens to have once are not enough.
    assert not searcher.search("明日の天気予報")


def test_a_topic_the_report_does_not_treat_is_named_even_when_another_word_brought_its_report_words(
    searcher: Searcher,
) -> None:
    # 親が亡くな brings 経済的基盤 and 親が高齢, which the near entry of 相続 gives too.
    a = searcher.answer("親が亡くなった後の相続や財産管理")
    assert "相続" in a.unknown
    assert not a.covered  # 相続 weighs in the query and nothing covers it


def test_a_sentence_naming_a_topic_the_report_does_not_treat_is_not_covered(searcher: Searcher) -> None:
    a = searcher.answer("学校でいじめを受けた経験がある本人")
    assert a.results and not a.covered and "いじめ" in a.unknown


def test_a_word_holding_a_topic_the_report_does_not_treat_is_not_covered_by_its_other_half(
    searcher: Searcher,
) -> None:
    # 成年後見 is a `near` topic; 成年後見制度 holds it, and the thesaurus links 後見制度 to
    # passages about aging parents. The unit is the near topic: nothing covers it.
    q = searcher.parse("成年後見制度の利用")
    assert "成年後見" in q.near and "成年後見制度" in q.units
    assert searcher.near_unit("成年後見制度", q) and not searcher.is_known("成年後見制度", q)
    a = searcher.answer("成年後見制度の利用")
    assert a.results and not a.covered and any("成年後見" in w for w in a.unknown)
    # A report word that holds no near topic is still known.
    assert not searcher.near_unit("制度の利用", q)


def test_a_latin_word_is_not_offered_a_name_that_shares_three_letters(searcher: Searcher) -> None:
    # family and FAX share "fa": no 「もしかして」 テーマ「手紙・電話・メール」 for family.
    assert all("FAX" not in s.name and "メール" not in s.name for s in searcher.answer("family").suggestions)
    assert searcher.answer("family").results == [] or all(
        "家族" in r.entry.text for r in searcher.answer("family").results[:3]
    )


@pytest.mark.parametrize(
    ("run", "words"),
    [
        ("30代男性", ["30代", "男性"]),
        ("11年続いている支援", ["11年", "続", "いている", "支援"]),
        ("2回来て", ["2回", "来", "て"]),
        ("年金", ["年金"]),  # no number before it: 年 is no counter here
        ("10人", ["10人"]),
    ],
)
def test_a_counter_goes_with_its_number_not_with_the_next_word(run: str, words: list[str]) -> None:
    assert [w for w, _, _ in words_of(run)] == words


@given(st.text(alphabet="0123456789年代回人男性続支援いてる", max_size=12))
def test_words_of_keeps_every_character_in_order(run: str) -> None:
    cut = words_of(run)
    assert "".join(w for w, _, _ in cut) == run
    assert all(run[end - len(w) : end] == w for w, _, end in cut)


def test_a_sentence_with_a_number_and_a_counter_is_still_searched(searcher: Searcher) -> None:
    # 11年続いて once made the unknown unit 年続, and the query was judged off-topic.
    assert searcher.search("11年続いている支援")


@pytest.mark.parametrize("query", ["5月の面談で本人が話した", "二十歳の本人", "3割の家族"])
def test_a_count_or_a_date_is_no_unit_of_evidence(searcher: Searcher, query: str) -> None:
    units = searcher.parse(query).units
    assert units and not any(c.isdigit() or c in "二十三" for u in units for c in u), units


def test_report_words_of_an_entry_stand_for_each_of_its_words_in_the_query(searcher: Searcher) -> None:
    # インテーク and 受理会議 are words of one thesaurus entry; its report words come once,
    # for インテーク, and they are the evidence for 受理会議 too (it found nothing before).
    alone = searcher.answer("受理会議")
    both = searcher.answer("インテーク後の受理会議")
    assert both.results and both.covered and both.unknown == ()
    assert both.results[0].entry.id == alone.results[0].entry.id


def test_katakana_words_keep_the_order_typed(searcher: Searcher) -> None:
    # They were taken from a set: the words the report lacks came out in hash order.
    assert searcher.answer("ハワイのおすすめホテル").unknown == ("ハワイ", "ホテル")
    assert searcher.parse("スマホのバッテリー").words[:2] == ("すまほ", "ばってり")
