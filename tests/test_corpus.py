"""The corpus: complete and well-formed, and a broken data file is named precisely."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, replace_in

from hintcli.corpus import ID_RE, KINDS, Corpus, DataError, Source, load

# The report's structure: 場面 → (具体例, hints per heading in order, suggestions).
SCENES = {
    1: (2, [4, 4, 7, 2, 2, 2], 5),
    2: (3, [2, 1, 3, 2, 1, 1, 4, 1, 1, 1], 4),
    3: (3, [4, 7, 6, 2], 5),
    4: (2, [2, 1, 6], 6),
    5: (2, [5, 2, 1, 2], 4),
    6: (3, [1, 3, 3], 5),
}
PAGES = {1: 8, 2: 11, 3: 14, 4: 17, 5: 19, 6: 21}
PRACTICES = {  # category → count, in report order
    "EメールやSNS相談": 2,
    "訪問や同行の支援": 2,
    "居場所づくり/当事者グループや家族グループにかかる取組": 7,
    "多様な職種や専門性に基づく支援のための体制づくり": 6,
    "支援者等の育成・支援": 5,
    "地域の連携体制やネットワークを生かした支援": 10,
    "広報・情報発信": 2,
    "本人を中心にした支援や伴走型支援": 12,
    "家族へのアプローチに重点を置いた支援": 4,
    "支援者のエンパワメント、職場内サポート、事例検討・スーパーバイズなど": 9,
    "ピアサポーターの活用": 2,
    "マニュアルやチェックリストの活用": 2,
    "引継ぎや情報共有": 4,
}


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load(DATA)


def test_221_bullets_by_kind(corpus: Corpus) -> None:
    counts = Counter(e.kind for e in corpus.entries)
    assert counts == {"practice": 67, "example": 15, "hint": 83, "suggestion": 29, "story": 27}


@pytest.mark.parametrize("number", sorted(SCENES))
def test_scene_structure(corpus: Corpus, number: int) -> None:
    examples, per_heading, suggestions = SCENES[number]
    scene = corpus.scenes[number]
    assert scene.page == PAGES[number]
    assert len(scene.of_kind("example")) == examples
    assert [len(hints) for _, hints in scene.headings()] == per_heading
    assert len(scene.of_kind("suggestion")) == suggestions
    assert all(e.scene == number and e.page == PAGES[number] for e in scene.entries)


def test_practices_by_category_and_section(corpus: Corpus) -> None:
    practices = [e for e in corpus.entries if e.kind == "practice"]
    assert Counter(e.heading for e in practices) == PRACTICES
    assert list(dict.fromkeys(e.heading for e in practices)) == list(PRACTICES)
    assert {e.section: e.page for e in practices} == {"ハード面": 1, "ソフト面": 4}
    assert {e.agency for e in practices if e.agency} == {"島根県", "守山市"}
    assert not any("（ ）" in e.text or "( )" in e.text for e in practices)


def test_stories(corpus: Corpus) -> None:
    stories = [e for e in corpus.entries if e.kind == "story"]
    assert Counter(e.story for e in stories) == {1: 15, 2: 12}
    assert all(e.page == 24 and e.heading for e in stories)


def test_every_entry_is_complete(corpus: Corpus) -> None:
    themes = {t.name for t in corpus.themes}
    for e in corpus.entries:
        assert e.kind in KINDS
        assert e.text.strip() and e.page, e.id
        assert e.themes and set(e.themes) <= themes, e.id
        assert ID_RE.match(e.id), e.id
        assert e.source == "report"
    assert len({e.id for e in corpus.entries}) == len(corpus.entries)


def test_ids_follow_the_scheme(corpus: Corpus) -> None:
    prefix = {"practice": r"pr\d+", "example": r"s\d-e\d+", "hint": r"s\d-h\d+", "suggestion": r"s\d-c\d+"}
    prefix["story"] = r"st\d-\d+"
    for e in corpus.entries:
        assert re.fullmatch(prefix[e.kind], e.id), e.id


def test_every_theme_is_used_and_category_headings_are_aliases(corpus: Corpus) -> None:
    counts = corpus.theme_counts()
    assert 10 <= len(corpus.themes) <= 16
    assert all(counts[t.name] >= 3 for t in corpus.themes)
    aliases = {a for t in corpus.themes for a in t.aliases}
    assert set(PRACTICES) <= aliases


def test_corrections_are_recorded_and_applied(corpus: Corpus) -> None:
    fixes = corpus.corrections()
    assert {f.original for _, f in fixes} == {
        "本人につながるものが難しかった",
        "やりたいいこと",
        "一步",
        "スーパーバイザ を",
        "相談支援を。生活支援",
        "やっとな信頼関係",
    }
    for where, f in fixes:
        text = corpus.scenes[1].title if where.startswith("場面") else corpus.by_id[where].text
        assert f.corrected in text and f.original not in text


# --------------------------------------------------------------------------- loader errors


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def error_of(data: Path) -> DataError:
    with pytest.raises(DataError) as e:
        load(data)
    return e.value


def test_toml_syntax_error_names_file_and_line(data: Path) -> None:
    replace_in(data / "report" / "scene2.toml", 'id = "s2-h3"', 'id = "s2-h3')
    err = error_of(data)
    assert err.path.endswith("scene2.toml")
    assert "TOML" in str(err) and "line" in str(err)


def test_missing_text_names_the_entry(data: Path) -> None:
    replace_in(data / "report" / "scene3.toml", 'id = "s3-h4"\nheading', 'id = "s3-h4"\nxheading')
    err = error_of(data)
    assert err.entry == "s3-h4" and err.path.endswith("scene3.toml")
    assert "不明な項目 xheading" in err.problem


def test_duplicate_id_names_both_places(data: Path) -> None:
    replace_in(data / "report" / "scene1.toml", 'id = "s1-h2"', 'id = "s1-h1"')
    err = error_of(data)
    assert err.entry == "s1-h1" and "重複" in err.problem


def test_unknown_theme_is_named(data: Path) -> None:
    path = data / "report" / "practices.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('themes = ["', 'themes = ["存在しないテーマ", "', 1), encoding="utf-8")
    err = error_of(data)
    assert err.entry == "pr1" and "存在しないテーマ" in err.problem


def test_empty_text_and_wrong_types(data: Path) -> None:
    path = data / "report" / "stories.toml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r'id = "st1-1"\nstory = 1\nsection = "[^"]+"\ntext = "[^"]+"', text)
    assert first
    path.write_text(
        text.replace(first.group(0), first.group(0).split("\ntext")[0] + '\ntext = ""'), encoding="utf-8"
    )
    assert "text" in error_of(data).problem


def test_missing_file_is_named(data: Path) -> None:
    (data / "report" / "scene4.toml").unlink()
    err = error_of(data)
    assert err.path.endswith("scene4.toml") and "ありません" in err.problem


def test_correction_must_match_the_text(data: Path) -> None:
    replace_in(
        data / "report" / "scene2.toml", 'corrected = "やりたいこと"', 'corrected = "やりたくないこと"'
    )
    assert "訂正後" in error_of(data).problem


def test_non_utf8_file_is_named(data: Path) -> None:
    (data / "themes.toml").write_bytes("[[theme]]\nname = '家族'".encode("cp932"))
    err = error_of(data)
    assert err.path.endswith("themes.toml") and "UTF-8" in err.problem


def test_a_second_source_is_merged_and_keeps_its_name(data: Path, tmp_path: Path) -> None:
    extra = tmp_path / "agency"
    extra.mkdir()
    (extra / "scene1.toml").write_text(
        'number = 1\ntitle = "x"\npage = 1\n[[hint]]\nid = "x-1"\nheading = "当機関の工夫"\n'
        'text = "訪問の前に手紙で自己紹介する。"\nthemes = ["手紙・電話・メール"]\n',
        encoding="utf-8",
    )
    corpus = load(data, extra=[Source("当機関", extra)])
    entry = corpus.by_id["x-1"]
    assert entry.source == "当機関" and entry.scene == 1
    assert entry in corpus.scenes[1].entries
    assert len(corpus.entries) == 222


def test_a_second_source_cannot_reuse_a_report_id(data: Path, tmp_path: Path) -> None:
    extra = tmp_path / "agency"
    extra.mkdir()
    (extra / "stories.toml").write_text(
        '[[story]]\nnumber = 1\ntitle = "t"\npage = 1\n'
        '[[line]]\nid = "pr1"\nstory = 1\nsection = "s"\ntext = "t"\nthemes = ["広報"]\n',
        encoding="utf-8",
    )
    err = error_of_extra(data, extra)
    assert err.entry == "pr1" and "重複" in err.problem


def error_of_extra(data: Path, extra: Path) -> DataError:
    with pytest.raises(DataError) as e:
        load(data, extra=[Source("当機関", extra)])
    return e.value
