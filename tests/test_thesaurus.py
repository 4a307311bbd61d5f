"""The thesaurus data (data/thesaurus.toml, data/readings.toml) and its loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hintcli import store
from hintcli.corpus import DataError
from hintcli.text import normalize
from hintcli.thesaurus import (
    FUZZY_MIN,
    PARTICLE_CLOSENESS,
    Thesaurus,
    _has_word,
    from_plain,
    kanji_core,
    load_thesaurus,
    review,
    to_plain,
)

FILES = [p for p in (DATA / "thesaurus.toml", DATA / "readings.toml") if p.exists()]


@pytest.fixture(scope="module")
def thesaurus() -> Thesaurus:
    return load_thesaurus(*FILES)


def test_it_is_wide(thesaurus: Thesaurus) -> None:
    assert len(thesaurus) >= 300
    assert sum(len(e.words) for e in thesaurus.entries) >= 1000


def test_every_entry_passes_review(thesaurus: Thesaurus) -> None:
    """Report words in the report, no word mapping to itself, none too short."""
    assert review(thesaurus.entries, store.load_corpus()) == []


def test_review_names_each_problem(tmp_path: Path) -> None:
    path = write(tmp_path, '[[entry]]\nwords = ["燃え尽き", "x"]\nreport = ["燃え尽き", "天ぷら"]\n')
    problems = review(load_thesaurus(path).entries, store.load_corpus())
    assert len(problems) == 3
    assert any("天ぷら" in p and "報告書にありません" in p for p in problems)
    assert any("燃え尽き" in p and "report にも" in p for p in problems)
    assert any("「x」は短すぎます" in p for p in problems)


def test_expansion_finds_words_inside_a_sentence(thesaurus: Thesaurus) -> None:
    got = {x.key for x in thesaurus.expand(normalize("最近しんどいと同僚がこぼしていた"))}
    assert normalize("燃え尽き") in got


def test_expansion_adds_each_report_word_once_and_never_the_querys_own(thesaurus: Thesaurus) -> None:
    q = normalize("しんどい、疲れた、限界で燃え尽き")
    keys = [x.key for x in thesaurus.expand(q)]
    assert len(keys) == len(set(keys))
    assert all(k not in q for k in keys)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "thesaurus.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[[entry]]\nwords = ["a1"]\ntopic = "t"\n', "report がありません"),
        ('[[entry]]\nwords = []\nreport = ["家族"]\n', "words が空です"),
        ('[[entry]]\nwords = ["しんどい"]\nreport = ["燃え尽き"]\nwrods = []\n', "不明な項目 wrods"),
        (
            '[[entry]]\nwords = ["しんどい"]\nreport = ["x"]\n[[entry]]\nwords = ["シンドイ"]\nreport = ["y"]\n',
            "にもあります",
        ),
        ('[[entry]]\nwords = ["しんどい"\n', "TOML"),
    ],
)
def test_loader_names_the_problem(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(DataError) as e:
        load_thesaurus(write(tmp_path, text))
    assert problem in str(e.value)
    assert "thesaurus.toml" in str(e.value)


def test_a_word_may_not_repeat_across_files(tmp_path: Path) -> None:
    a = write(tmp_path, '[[entry]]\nwords = ["かぞく"]\nreport = ["家族"]\n')
    b = tmp_path / "readings.toml"
    b.write_text('[[entry]]\nwords = ["カゾク"]\nreport = ["家族"]\n', encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_thesaurus(a, b)
    assert "readings.toml" in e.value.path


def test_unless_keeps_a_word_from_firing_inside_a_phrase_of_another_sense(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[entry]]\nwords = ["疲れ"]\nreport = ["燃え尽き"]\nunless = ["お疲れ様"]\n',
    )
    thesaurus = load_thesaurus(path)
    assert thesaurus.expand(normalize("お疲れ様です")) == []
    # The word still counts where it stands outside the phrase, even in the same query.
    assert [x.key for x in thesaurus.expand(normalize("お疲れ様です。もう疲れた"))] == ["燃え尽き"]
    assert store_roundtrip(thesaurus).expand(normalize("お疲れ様です")) == []


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("洗濯を手伝ってくれる", True),
        ("洗濯物をたたむ", True),  # laundry: still the chore
        ("洗濯、掃除", True),
        ("洗濯機の黒カビ", False),  # a machine
        ("洗濯機", False),
        ("洗濯日", False),
        ("洗濯機能", True),  # two kanji more: another compound, not told apart here
    ],
)
def test_a_kanji_word_does_not_count_as_the_start_of_a_word_for_a_thing(
    tmp_path: Path, query: str, found: bool
) -> None:
    thesaurus = load_thesaurus(write(tmp_path, '[[entry]]\nwords = ["洗濯"]\nreport = ["家事"]\n'))
    assert bool(thesaurus.expand(normalize(query))) is found


@pytest.fixture(scope="module")
def visits(tmp_path_factory: pytest.TempPathFactory) -> Thesaurus:
    return load_thesaurus(
        write(tmp_path_factory.mktemp("t"), '[[entry]]\nwords = ["訪問"]\nreport = ["家庭訪問"]\n')
    )


@given(
    suffix=st.sampled_from(sorted("機器具品日税料費代券店屋車館地")),
    okurigana=st.sampled_from(list("わえいけきしる")),
)
def test_a_kanji_and_its_okurigana_after_a_word_are_a_verb_not_a_thing(
    visits: Thesaurus, suffix: str, okurigana: str
) -> None:
    # 十年以上関わる: 関 is a verb's, not a suffix making a thing of 十年以上.
    assert visits.expand(f"訪問{suffix}{okurigana}") != []
    assert visits.expand(f"訪問{suffix}の") == []


def store_roundtrip(thesaurus: Thesaurus) -> Thesaurus:
    """Through the JSON cache's shape and back."""
    return from_plain(json.loads(json.dumps(to_plain(thesaurus))))


def test_the_bundled_thesaurus_matches_alike_through_the_cache(thesaurus: Thesaurus) -> None:
    # Every query of the relevance sets: variants of a word (found through its kanji core)
    # included, which a loaded index once missed.
    queries = [
        normalize(line.split("\t")[0])
        for path in sorted(Path(__file__).parent.glob("queries*.tsv"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    again = store_roundtrip(thesaurus)
    assert [again.expand(q) for q in queries] == [thesaurus.expand(q) for q in queries]
    assert any(x.closeness < 1.0 for q in queries for x in thesaurus.expand(q))


def test_an_unless_phrase_must_contain_one_of_the_words(tmp_path: Path) -> None:
    path = write(tmp_path, '[[entry]]\nwords = ["疲れ"]\nreport = ["燃え尽き"]\nunless = ["家族会議"]\n')
    with pytest.raises(DataError) as e:
        load_thesaurus(path)
    assert "家族会議" in str(e.value)


def test_the_bundled_words_known_to_have_another_sense_do_not_fire_in_it(thesaurus: Thesaurus) -> None:
    def keys(q: str) -> set[str]:
        return {x.key for x in thesaurus.expand(normalize(q))}

    assert normalize("燃え尽き") not in keys("お疲れ様です")
    assert normalize("家族グループ") not in keys("家族会議を開いた")
    assert normalize("家族グループ") in keys("家族会に通っている")
    assert normalize("リストラ") not in keys("父親が定年退職した")
    assert normalize("リストラ") in keys("娘が仕事を辞めた")


def one_entry(tmp_path: Path, words: list[str]) -> Thesaurus:
    quoted = ", ".join(f'"{w}"' for w in words)
    return load_thesaurus(write(tmp_path, f'[[entry]]\nwords = [{quoted}]\nreport = ["連携"]\n'))


@pytest.mark.parametrize(
    ("word", "query"),
    [
        ("相談に来ない", "相談には来ないまま"),  # a particle added
        ("本人が来ないと意味", "本人が来なきゃ意味がないと父が言う"),  # another inflection
        ("家族の会", "家族会に通っている"),  # a particle left out
    ],
)
def test_a_close_variant_of_a_word_counts_with_its_closeness(tmp_path: Path, word: str, query: str) -> None:
    (x,) = one_entry(tmp_path, [word]).expand(normalize(query))
    assert FUZZY_MIN / 100 <= x.closeness < 1.0
    assert x.word in normalize(query)  # what the user wrote, for --explain


@pytest.mark.parametrize(
    ("word", "query"),
    [
        ("息子が怖", "息子が落ち込んでいる"),  # a kanji of the word (怖) is missing
        ("家族の会", "家族会議を開いた"),  # 家族会 would cut the word 家族会議
        ("家族みんな", "家族史"),  # the query is shorter than the word
        ("関係機関が多", "関係先が多くて困る"),  # 機関 is missing
    ],
)
def test_a_variant_keeps_every_kanji_and_whole_words(tmp_path: Path, word: str, query: str) -> None:
    assert one_entry(tmp_path, [word]).expand(normalize(query)) == []


def test_the_word_itself_beats_a_variant_of_another(tmp_path: Path) -> None:
    thesaurus = one_entry(tmp_path, ["家族の会", "家族会"])
    (x,) = thesaurus.expand(normalize("家族会に通っている"))
    assert x.closeness == 1.0


def test_kanji_core() -> None:
    assert kanji_core("どこが主導") == "主導"
    assert kanji_core("関係機関が多") == "関係機関"
    assert kanji_core("主導") == ""  # a kanji word alone has no variants
    assert kanji_core("しんど") == ""


@pytest.mark.parametrize(
    ("word", "query"), [("来所なし", "母親が来所した"), ("来所した", "本人は来所しない")]
)
def test_a_variant_never_flips_a_negation(tmp_path: Path, word: str, query: str) -> None:
    assert one_entry(tmp_path, [word]).expand(normalize(query)) == []


def scan(thesaurus: Thesaurus, q: str) -> set[tuple[str, str]]:
    """Which (word, report word) pairs a query brings, by looking at every entry (no index)."""
    found = set()
    for keys, targets, unless in zip(thesaurus.keys, thesaurus.targets, thesaurus.unless, strict=True):
        query = q
        for phrase in unless:
            query = query.replace(phrase, "\x00")
        # Word by word as the index does: 通院 is no word of 通院費, nor DV of advocacy.
        key = next((k for k in keys if _has_word(query, k)), None)
        if key:
            found.update((key, t) for t in targets if t not in q)
    return found


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_the_index_finds_what_a_scan_of_every_entry_finds(thesaurus: Thesaurus, data: st.DataObject) -> None:
    words = [k for keys in thesaurus.keys for k in keys]
    parts = data.draw(
        st.lists(st.sampled_from(words) | st.text("のがをにはで、。本人家族会えない", max_size=4), max_size=6)
    )
    assert_index_agrees_with_scan(thesaurus, normalize("".join(parts)))


# Examples hypothesis found failing, kept: 通院 is no word of 通院費 (a cost), for the scan too.
@pytest.mark.parametrize("query", ["通院費", "通院費が払えない", "洗濯機の使い方", "通院している"])
def test_the_index_agrees_with_a_scan_on_kept_examples(thesaurus: Thesaurus, query: str) -> None:
    assert_index_agrees_with_scan(thesaurus, normalize(query))


def assert_index_agrees_with_scan(thesaurus: Thesaurus, q: str) -> None:
    exact = {(x.word, x.key) for x in thesaurus.expand(q) if x.closeness == 1.0}
    # A report word that an earlier entry also brings keeps the earlier word; compare the report words.
    assert {key for _, key in exact} <= {key for _, key in scan(thesaurus, q)}
    assert {key for _, key in scan(thesaurus, q)} <= {x.key for x in thesaurus.expand(q)}


def test_a_latin_word_matches_only_on_its_own(tmp_path: Path) -> None:
    thesaurus = one_entry(tmp_path, ["DV"])
    assert thesaurus.expand(normalize("DVから避難した")) != []
    assert thesaurus.expand(normalize("夫のDV")) != []
    assert thesaurus.expand(normalize("self advocacy")) == []


@pytest.mark.parametrize(
    ("word", "query"),
    [
        ("ゴールが見えな", "どこがゴールか見えない"),  # another particle
        ("姉から電話", "遠方の姉からの電話相談"),  # a particle put in
    ],
)
def test_a_word_said_with_other_particles_counts_as_a_close_variant(
    tmp_path: Path, word: str, query: str
) -> None:
    found = one_entry(tmp_path, [word]).expand(normalize(query))
    assert found and found[0].closeness == PARTICLE_CLOSENESS


def test_particles_alone_do_not_make_a_variant(tmp_path: Path) -> None:
    # 家が → 家: too short once its particle is left out; kana alone are no word.
    assert one_entry(tmp_path, ["家が"]).expand(normalize("家にいる")) == []
    assert one_entry(tmp_path, ["ことが"]).expand(normalize("このことについて")) == []


def test_a_parents_leaving_work_is_not_a_young_persons_dismissal(thesaurus: Thesaurus) -> None:
    keys = {x.key for x in thesaurus.expand(normalize("母親が仕事を辞めた"))}
    assert normalize("リストラ") not in keys


def test_review_names_a_near_word_the_report_has(tmp_path: Path) -> None:
    path = write(
        tmp_path, '[[entry]]\nwords = ["ゲーム依存", "燃え尽き"]\nreport = ["興味関心"]\nnear = true\n'
    )
    problems = review(load_thesaurus(path).entries, store.load_corpus())
    assert problems == ["[[entry]]（ゲーム依存）: near = true ですが、words の「燃え尽き」は報告書にあります"]


def test_every_word_of_an_entry_the_query_has_is_known_not_only_the_first(tmp_path: Path) -> None:
    thesaurus = one_entry(tmp_path, ["お酒", "飲んでばかり"])
    q = normalize("お酒を飲んでばかりいる")
    # The report word comes once, for the first word found; both words are the thesaurus's.
    assert [x.word for x in thesaurus.expand(q)] == ["お酒"]
    assert thesaurus.words_in(q) == [("お酒", "飲んでばかり")]
    assert thesaurus.words_in(normalize("夕方のニュース")) == []


def test_a_near_entry_or_an_unless_phrase_is_no_known_word(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[entry]]\nwords = ["疲れ"]\nreport = ["連携"]\nunless = ["お疲れ様"]\n\n'
        '[[entry]]\nwords = ["ゲーム"]\nreport = ["興味"]\nnear = true\n',
    )
    thesaurus = load_thesaurus(path)
    assert thesaurus.words_in(normalize("お疲れ様です、ゲームの話")) == []
    assert thesaurus.words_in(normalize("もう疲れた")) == [("疲れ",)]
