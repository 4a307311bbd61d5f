"""The corpus: complete and well-formed, and a broken data file is named precisely."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, replace_in

from hintcli import corpus as corpus_module
from hintcli.corpus import ID_RE, KINDS, Corpus, DataError, Entry, from_plain, load, to_plain

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


# --------------------------------------------------------------------------- every file validated


def one_line_error(data: Path, file: str) -> DataError:
    err = error_of(data)
    assert err.path.endswith(file), err
    assert "\n" not in str(err) and "\r" not in str(err), str(err)
    return err


@pytest.mark.parametrize(
    "name",
    [
        "report/about.toml",
        "report/practices.toml",
        "report/stories.toml",
        "report/scene2.toml",
        "themes.toml",
        "thesaurus.toml",
        "readings.toml",
        "cues.toml",
    ],
)
@pytest.mark.parametrize("content", ["", "\n\n# only a comment\n"])
def test_an_empty_file_is_refused(data: Path, name: str, content: str) -> None:
    (data / name).write_text(content, encoding="utf-8")
    with pytest.raises(DataError) as e:
        load_everything(data)
    assert e.value.path.endswith(name.split("/")[-1]) and "空" in e.value.problem


@pytest.mark.parametrize("name", ["thesaurus.toml", "readings.toml", "cues.toml", "report/about.toml"])
def test_a_missing_file_is_refused(data: Path, name: str) -> None:
    (data / name).unlink()
    with pytest.raises(DataError) as e:
        load_everything(data)
    assert e.value.path.endswith(name.split("/")[-1]) and "ありません" in e.value.problem


def load_everything(data: Path) -> None:
    """What `hint search` loads: the corpus and the thesaurus, through the cache's reader."""
    from hintcli import store

    store._build(data, store.read_snapshot(data))


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            'committee_name = "企画・検証委員会委員（敬称略、五十音順）"',
            "committee_name = 3",
            "committee_name",
        ),
        ("year = 2021", 'year = "2021"', "year"),
        ('committee = [\n  { name = "朝日', 'committee = ["朝日", { name = "朝日', "committee"),
        (
            'affiliation = "埼玉県立大学 保健医療福祉学部 社会福祉子ども学科 教授"',
            "affiliation = []",
            "committee",
        ),
        ('heading = "本誌作成の目的"', 'heading = ""', "preface"),
        ('[afterword]\nheading = "おわりに"', '[afterword]\nheading = "おわりに"\nnote = "x"', "afterword"),
        ('title = "ひきこもり', 'titel = "ひきこもり', "titel"),
    ],
)
def test_about_is_validated(data: Path, old: str, new: str, where: str) -> None:
    replace_in(data / "report" / "about.toml", old, new)
    err = one_line_error(data, "about.toml")
    assert where in str(err)


def test_about_is_loaded_as_written(corpus: Corpus) -> None:
    about = corpus.about
    assert about["year"] == 2021 and about["date"] == "令和3年3月"
    assert about["committee"][0]["name"] == "朝日 雅也（委員長）"
    assert [p["heading"] for p in about["preface"]] == ["本誌作成の目的", "本誌の構成について"]
    assert about["afterword"]["page"] == 23


def test_a_theme_defined_twice_is_refused(data: Path) -> None:
    path = data / "themes.toml"
    text = path.read_text(encoding="utf-8")
    name = re.search(r'\[\[theme\]\]\nname = "([^"]+)"', text)
    assert name
    path.write_text(
        f'{text}\n[[theme]]\nname = "{name.group(1)}"\ndescription = "二つ目"\n', encoding="utf-8"
    )
    err = one_line_error(data, "themes.toml")
    assert "二度" in err.problem


@pytest.mark.parametrize(
    ("file", "old", "new"),
    [
        ("scene1.toml", "page_end = 10", "page_end = 2"),
        ("practices.toml", "page_end = 3", "page_end = 0"),
        ("stories.toml", "page = 24", "page = 24\npage_end = 20"),
    ],
)
def test_a_page_range_that_ends_before_it_starts_is_refused(
    data: Path, file: str, old: str, new: str
) -> None:
    replace_in(data / "report" / file, old, new)
    err = one_line_error(data, file)
    assert "page_end" in err.problem


def test_a_section_or_story_defined_twice_is_refused(data: Path) -> None:
    path = data / "report" / "stories.toml"
    text = path.read_text(encoding="utf-8")
    replace_in(path, "[[story]]\nnumber = 2", "[[story]]\nnumber = 1")
    assert "二つ" in one_line_error(data, "stories.toml").problem
    path.write_text(text, encoding="utf-8")
    replace_in(data / "report" / "practices.toml", 'name = "ソフト面"', 'name = "ハード面"')
    assert "二度" in one_line_error(data, "practices.toml").problem


def test_a_newline_in_a_bad_value_stays_on_one_line(data: Path) -> None:
    replace_in(data / "report" / "scene1.toml", 'id = "s1-h2"', 'id = "s1-h2"\n"bad\\nkey\\u001b[2J" = 1')
    err = one_line_error(data, "scene1.toml")
    assert "bad\\nkey\\x1b[2J" in str(err)  # shown as escapes, not obeyed


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_without_blocking(data: Path) -> None:
    import os
    import threading

    path = data / "report" / "scene3.toml"
    path.unlink()
    os.mkfifo(path)
    result: list[BaseException] = []
    worker = threading.Thread(target=lambda: result.append(error_of(data)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "reading a FIFO blocked"
    [err] = result
    assert isinstance(err, DataError) and err.path.endswith("scene3.toml") and "FIFO" in err.problem


def test_a_folder_in_place_of_a_file_is_refused(data: Path) -> None:
    path = data / "report" / "stories.toml"
    path.unlink()
    path.mkdir()
    assert "通常のファイル" in one_line_error(data, "stories.toml").problem


def test_a_huge_file_is_refused_unread(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus_module, "MAX_DATA_BYTES", 1000)
    assert "大きすぎ" in one_line_error(data, "themes.toml").problem


# --------------------------------------------------------------------------- plain data (the cache's form)


def test_plain_data_round_trips_every_field(corpus: Corpus) -> None:
    import json

    again = from_plain(json.loads(json.dumps(to_plain(corpus), ensure_ascii=False)))
    assert again.entries == corpus.entries  # every field of every entry, fixes included
    assert dict(again.scenes) == dict(corpus.scenes)
    assert (again.themes, again.sections, again.stories) == (corpus.themes, corpus.sections, corpus.stories)
    assert again.about == corpus.about


def test_plain_data_is_keyed_by_field_names(corpus: Corpus) -> None:
    plain = to_plain(corpus)
    assert plain["schema"]["Entry"] == list(Entry._fields)
    plain["schema"] = {**plain["schema"], "Entry": list(reversed(Entry._fields))}
    with pytest.raises(ValueError):
        from_plain(plain)  # written for other fields: refused, never shifted into the wrong ones


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p["entries"][0].__setitem__(2, 7),  # text not a string
        lambda p: p["entries"][0].__setitem__(3, "家族支援"),  # themes not a list
        lambda p: p["entries"][0].pop(),  # a value missing
        lambda p: p["scenes"].pop(2),  # scene 3 missing: `hint scene 3` would fail
        lambda p: p["entries"].append(p["entries"][0]),  # an ID twice
        lambda p: p.__setitem__("about", []),
        lambda p: p["themes"][0].__setitem__(2, [1]),
    ],
)
def test_plain_data_of_the_wrong_shape_is_refused(corpus: Corpus, damage: object) -> None:
    import json

    plain = json.loads(json.dumps(to_plain(corpus), ensure_ascii=False))
    damage(plain)  # type: ignore[operator]
    with pytest.raises((ValueError, TypeError, KeyError)):
        from_plain(plain)


def test_every_record_field_has_a_cache_decoder() -> None:
    from hintcli.corpus import Fix, Scene, Section, Theme, _decoder

    for cls in (Entry, Scene, Theme, Section, Fix):
        for name, annotation in cls.__annotations__.items():
            if name != "entries":
                assert callable(_decoder(annotation)), (cls, name)
