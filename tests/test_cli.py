"""The `hint` commands, as a user runs them: content, exit code, and where the message went.

In-process through Typer's CliRunner for the commands; in a subprocess for what only
a real process shows (closed pipes, console encodings, the console-script entry).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, Invoke, japanese, replace_in, run_hint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hintcli import __version__, store, views
from hintcli.cli import EXIT_DATA, EXIT_NOT_FOUND, EXIT_SOFTWARE, EXIT_USAGE, app
from hintcli.corpus import KINDS, Corpus
from hintcli.formats import jsondata

pytestmark = pytest.mark.usefixtures("clean_env")

MARKUP = "[bold]x[/]"
LINK = "[link=http://x]y[/link]"
ESCAPE = "\x1b[31mred\x1b]8;;http://x\x07"


def data(result_stdout: str) -> object:
    return json.loads(result_stdout)


# --------------------------------------------------------------------------- search

SCREEN = 40  # lines of a terminal's first screen


def search_json(invoke: Invoke, *args: str) -> list[dict[str, object]]:
    result = invoke("search", *args, "--json")
    assert result.exit_code == 0, result.output
    found = data(result.stdout)
    assert isinstance(found, list)
    return found


@pytest.mark.parametrize("columns", ["80", "100"])
def test_search_first_screen_has_the_letter_hints_and_scene_1_suggestions(
    invoke: Invoke, columns: str
) -> None:
    result = invoke("search", "本人に会えない", env={"COLUMNS": columns})
    assert result.exit_code == 0, result.output
    screen = "\n".join(result.stdout.splitlines()[:SCREEN])
    assert screen.startswith("「本人に会えない」の検索結果")
    assert "「会えない場合は手紙で伝える」" in screen
    assert "場面1の委員からのサジェスション" in screen
    assert all(f"s1-c{n}" in screen for n in range(1, 6))
    assert result.stdout.count("場面1の委員からのサジェスション") == 1


def test_search_words_are_joined_into_one_query(invoke: Invoke) -> None:
    joined = invoke("search", "本人に", "会えない", "--json")
    whole = invoke("search", "本人に 会えない", "--json")
    assert joined.exit_code == 0
    assert joined.stdout == whole.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["本人に会えない"], 0),
        (["訪問", "-n", "1"], 0),
        (["天ぷらの揚げ方"], EXIT_NOT_FOUND),
        (["xyz"], EXIT_NOT_FOUND),
        ([""], EXIT_USAGE),
        (["　"], EXIT_USAGE),
        (["・・・"], EXIT_USAGE),
        ([], EXIT_USAGE),
    ],
)
def test_search_exit_codes(invoke: Invoke, args: list[str], code: int) -> None:
    result = invoke("search", *args)
    assert result.exit_code == code, result.output
    if code:
        assert result.stderr.startswith("hint: ")
        assert len(result.stderr.strip().splitlines()) == 1
        assert japanese(result.stderr)
        assert result.stdout == ""
    else:
        assert result.stderr == ""


def test_search_json_contract(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("search", "本人に会えない", "--json", "--limit", "10")
    assert result.exit_code == 0
    assert result.stderr == ""
    found = data(result.stdout)  # stdout is the JSON array and nothing else
    assert isinstance(found, list)
    assert 1 <= len(found) <= 10
    listed = {e.id: jsondata.entry(views.entry_view(corpus, e)) for e in corpus.entries}
    for item in found:
        assert isinstance(item, dict)
        assert {"id", "kind", "scene", "heading", "text", "page", "themes", "score"} <= set(item)
        assert isinstance(item["score"], float)
        assert item["match"] in ("strong", "weak")
        assert {k: v for k, v in item.items() if k not in ("score", "match")} == listed[str(item["id"])]
    scores = [item["score"] for item in found]
    assert scores == sorted(scores, reverse=True)  # type: ignore[type-var]
    assert len({item["id"] for item in found}) == len(found)
    assert found[0]["heading"] == "会えない場合は手紙で伝える" or found[0]["scene"] == 1


def test_search_json_finding_nothing_is_an_empty_array_and_exit_1(invoke: Invoke) -> None:
    result = invoke("search", "天ぷらの揚げ方", "--json")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stdout == "[]\n"
    assert "天ぷらの揚げ方" in result.stderr


@pytest.mark.parametrize(
    "query",
    ["父親から、娘が仕事を辞めて半年ほど家にこもっていると電話があった", "しんどい", "訪問 手紙 家族"],
)
def test_search_is_deterministic_across_hash_seeds(query: str, tmp_path: Path) -> None:
    """Set and dict order of strings changes with PYTHONHASHSEED: only a new process shows it.
    Each run builds its own cache, so the index too is built under each seed."""
    runs = [
        run_hint(
            "search",
            query,
            "--explain",
            "--json",
            "-n",
            "20",
            env={"PYTHONHASHSEED": seed, "HINT_CACHE_DIR": str(tmp_path / seed)},
        )
        for seed in ("1", "2")
    ]
    assert all(p.returncode == 0 for p in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    words=st.lists(
        st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60), max_size=3
    ),
    explain=st.booleans(),
)
def test_search_on_any_text_never_fails(words: list[str], explain: bool) -> None:
    result = CliRunner().invoke(
        app, ["--color", "always", "search", "--", *words, *(["--explain"] * explain)]
    )
    assert result.exit_code in (0, EXIT_NOT_FOUND, EXIT_USAGE), result.output
    assert "Traceback" not in result.output
    assert result.stderr == "" or re.sub(r"\x1b\[[0-9;]*m", "", result.stderr).startswith("hint: ")


# --------------------------------------------------------------------------- search: --limit and filters


def test_search_limit(invoke: Invoke) -> None:
    everything = search_json(invoke, "家族", "--limit", "1000000")
    assert len(everything) > 10
    assert len(search_json(invoke, "家族")) == 5  # the default: one screen
    assert search_json(invoke, "家族", "-n", "1") == everything[:1]
    assert search_json(invoke, "家族", "--limit", "３") == everything[:3]
    assert search_json(invoke, "家族", "--limit", "9" * 5000) == everything
    assert search_json(invoke, "家族", "--limit", "0" * 20 + "2") == everything[:2]


@pytest.mark.parametrize("value", ["0", "-3", "abc", "2.5", "", "０", "000", "1e3", "+5"])
def test_search_bad_limit_is_usage_error(invoke: Invoke, value: str) -> None:
    result = invoke("search", "家族", "--limit", value)
    assert result.exit_code == EXIT_USAGE
    assert "1 以上" in result.stderr
    assert result.stdout == ""


def test_search_header_says_how_many_and_how_to_see_all(invoke: Invoke) -> None:
    total = len(search_json(invoke, "家族", "--limit", "1000"))
    some = invoke("search", "家族", "-n", "2")
    assert some.stdout.splitlines()[0] == f"「家族」の検索結果  2件／全{total}件（すべて: --limit {total}）"
    every = invoke("search", "家族", "-n", "1000", env={"COLUMNS": "200"})
    assert every.stdout.splitlines()[0] == f"「家族」の検索結果  {total}件"


def test_search_filters_restrict_the_results(invoke: Invoke) -> None:
    everything = search_json(invoke, "家族", "-n", "1000")
    assert {e["scene"] for e in everything} > {1}
    in_scene = search_json(invoke, "家族", "-n", "1000", "--scene", "場面１")
    assert in_scene and all(e["scene"] == 1 for e in in_scene)
    hints = search_json(invoke, "家族", "-n", "1000", "-k", "ヒント")
    assert hints and all(e["kind"] == "hint" for e in hints)
    themed = search_json(invoke, "家族", "-n", "1000", "--category", "ほうもん")
    assert themed and all("訪問・アウトリーチ" in e["themes"] for e in themed)  # type: ignore[operator]
    # A filter keeps the ranking: the filtered results in the same order as unfiltered.
    order = [e["id"] for e in everything]
    assert [e["id"] for e in hints] == [i for i in order if i in {e["id"] for e in hints}]


def test_search_filters_that_leave_nothing_say_so(invoke: Invoke) -> None:
    result = invoke("search", "訪問", "--scene", "1", "--kind", "story")
    assert result.exit_code == EXIT_NOT_FOUND
    assert "「訪問」（場面1・素材集）に当てはまる項目はありません" in result.stderr
    assert "絞り込みを外すと見つかります" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--scene", "7"], "1～6"),
        (["--kind", "recipe"], "使える種類"),
    ],
)
def test_search_bad_filters_are_usage_errors(invoke: Invoke, args: list[str], expected: str) -> None:
    result = invoke("search", "訪問", *args)
    assert result.exit_code == EXIT_USAGE
    assert expected in result.stderr


def test_search_unknown_category_lists_the_themes(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("search", "訪問", "--category", "天ぷら")
    assert result.exit_code == EXIT_USAGE
    assert all(t.name in result.stderr for t in corpus.themes)


def test_search_suggestions_only_without_a_kind_filter(invoke: Invoke) -> None:
    plain = invoke("search", "燃え尽き", env={"COLUMNS": "100"})
    assert "場面6の委員からのサジェスション" in plain.stdout
    hints = invoke("search", "燃え尽き", "--kind", "hint", env={"COLUMNS": "100"})
    assert hints.exit_code == 0
    assert "の委員からのサジェスション" not in hints.stdout


# --------------------------------------------------------------------------- search: output


def test_search_result_panels_name_place_heading_and_id(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("search", "本人に会えない", "-n", "3", env={"COLUMNS": "120"})
    scene = corpus.scenes[1]
    assert f"場面1「{scene.title}」 p.8-10" in result.stdout
    for item in search_json(invoke, "本人に会えない", "-n", "3"):
        assert str(item["id"]) in result.stdout


def test_search_labels_practices_and_stories(invoke: Invoke) -> None:
    result = invoke("search", "ピアサポーター", "-k", "practice", "-n", "1", env={"COLUMNS": "120"})
    assert "支援体制の具体例（ソフト面） p.4-7" in result.stdout
    result = invoke("search", "オープンスペース", "-k", "story", "-n", "1", env={"COLUMNS": "120"})
    assert "素材集（歩みの例1） p.24" in result.stdout


def test_plain_search_output_holds_the_exact_entry_text(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("search", "本人に会えない", env={"COLUMNS": "400"})
    assert "\x1b" not in result.stdout
    for item in search_json(invoke, "本人に会えない"):
        assert corpus.by_id[str(item["id"])].text in result.stdout


def test_search_highlights_matched_words_in_colour(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("--color", "always", "search", "手紙", "-n", "1", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "\x1b[1;7m手紙\x1b[0m" in result.stdout
    never = invoke("search", "手紙", "-n", "1", "--color", "never", env={"COLUMNS": "200"})
    assert "\x1b" not in never.stdout
    top = corpus.by_id[str(search_json(invoke, "手紙", "-n", "1")[0]["id"])]
    assert top.text in never.stdout


def test_search_echoes_markup_in_the_query_as_typed(invoke: Invoke) -> None:
    result = invoke("--color", "always", "search", "[bold]本人に会えない[/]", "-n", "1")
    assert result.exit_code == 0
    assert "[bold]本人に会えない[/]" in result.stdout
    escaped = invoke(
        "search", "\x1b[31m訪問\x1b]8;;http://x\x07", "-n", "1", "--color", "always", "--explain"
    )
    assert escaped.exit_code == 0
    assert "\x1b[31m訪問" not in escaped.stdout and "\x1b]8" not in escaped.stdout
    assert "「訪問」の検索結果" in re.sub(r"\x1b\[[0-9;]*m", "", escaped.stdout)


def test_a_huge_query_is_answered_and_echoed_short(invoke: Invoke) -> None:
    # How fast is measured in bench/ and the README, not asserted here (machines are noisy).
    result = invoke("search", "本人に会えない" * 15_000)
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()[0]) < 120
    nothing = invoke("search", "天ぷら" * 34_000, "--explain")
    assert nothing.exit_code == EXIT_NOT_FOUND
    assert len(nothing.stderr) < 1000


# --------------------------------------------------------------------------- search: --explain, did you mean


def test_explain_shows_a_thesaurus_expansion(invoke: Invoke) -> None:
    result = invoke("search", "しんどい", "--explain", "-n", "3", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    out = result.stdout
    assert "検索語の読み取り" in out
    expansions = [
        line for line in out.splitlines() if "言い換え" in line and "しんど" in line and "→" in line
    ]
    assert any("燃え尽き" in line for line in expansions), out
    assert "スコア" in out and "語の一致" in out and "場面の一致" in out


def test_explain_writes_terms_as_the_report_does(invoke: Invoke) -> None:
    # Matching folds katakana into hiragana; people read the report's own spelling.
    result = invoke("search", "アセスメントシート", "--explain", "-n", "3", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "アセスメント" in result.stdout
    assert "あせすめんと" not in result.stdout


def test_explain_shows_a_typo_correction(invoke: Invoke) -> None:
    result = invoke("search", "燃え付き", "--explain", "-n", "1", env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "誤字補正" in result.stdout
    assert "燃え付き → 燃え尽き" in result.stdout


def test_a_kind_named_in_the_query_is_said_and_searched_within(invoke: Invoke) -> None:
    listed = invoke("search", "素材集", "-n", "30", "--format", "plain")
    assert listed.exit_code == 0 and "素材集をすべて報告書の順に示します" in listed.stdout
    assert "st2-12" in listed.stdout
    within = invoke("search", "サジェスション", "家族", "--format", "plain")
    assert within.exit_code == 0 and "委員からのサジェスションの中から探しました" in within.stdout
    found = search_json(invoke, "サジェスション", "家族")
    assert found and {item["kind"] for item in found} == {"suggestion"}


def test_explain_in_json(invoke: Invoke) -> None:
    found = search_json(invoke, "しんどい", "--explain", "-n", "5")
    for item in found:
        explain = item["explain"]
        assert isinstance(explain, dict) and set(explain) == {"terms", "parts"}
        assert sum(explain["parts"].values()) == pytest.approx(item["score"], abs=1e-3)
        for term in explain["terms"]:
            assert set(term) == {"term", "role", "via", "score", "indexed"}
    roles = {(t["role"], t["via"]) for item in found for t in item["explain"]["terms"]}  # type: ignore[index]
    assert any(role == "thesaurus" and via for role, via in roles)
    assert "explain" not in search_json(invoke, "しんどい", "-n", "1")[0]


def test_nothing_found_suggests_close_themes_and_headings(invoke: Invoke) -> None:
    # 家族史 is close to 家族支援 but not in the report (change the word if search learns it).
    result = invoke("search", "家族史")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stdout == ""
    assert "「家族史」に当てはまる項目はありません" in result.stderr
    assert "もしかして: テーマ「家族支援」（hint list -c 家族支援）" in result.stderr
    assert "hint list" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_did_you_mean_names_scenes_and_words_with_their_command(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hintcli.search import Answer, Searcher, Suggestion

    offers = [
        Suggestion("theme", "家族支援", None),
        Suggestion("heading", "焦らない", 2),
        Suggestion("scene", "支援を担当する者が燃え尽きそうになった", 6),
        Suggestion("word", "訪問", None),
    ]
    monkeypatch.setattr(
        Searcher, "answer", lambda self, query, **kw: Answer(query, query, [], False, (), None, offers)
    )
    result = invoke("search", "なにか")
    assert result.exit_code == EXIT_NOT_FOUND
    assert (
        "もしかして: テーマ「家族支援」（hint list -c 家族支援）、見出し「焦らない」、"
        "場面6「支援を担当する者が燃え尽きそうになった」（hint scene 6）、「訪問」（hint search 訪問）。"
        "全体の一覧: hint list"
    ) in result.stderr


# --------------------------------------------------------------------------- scene


def test_scene_shows_title_pages_examples_headings_and_suggestions(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("scene", "3")
    assert result.exit_code == 0, result.output
    scene = corpus.scenes[3]
    out = result.stdout
    assert scene.title in out
    assert "p.14-16" in out
    assert "具体例" in out
    assert "委員からのサジェスション" in out
    for heading, hints in scene.headings():
        assert f"「{heading}」" in out
        assert all(h.id in out for h in hints)
    assert all(e.id in out for e in scene.entries)


@pytest.mark.parametrize("arg", ["６", "場面6", "場面６", " 6 ", "　６　"])
def test_scene_accepts_full_width_and_prefixed_numbers(invoke: Invoke, corpus: Corpus, arg: str) -> None:
    result = invoke("scene", arg)
    assert result.exit_code == 0, result.output
    assert corpus.scenes[6].title in result.stdout


@pytest.mark.parametrize("arg", ["0", "7", "-1", "abc", "2.5", "", "場面", "１２", "六"])
def test_bad_scene_is_usage_error_naming_the_valid_scenes(invoke: Invoke, arg: str) -> None:
    result = invoke("scene", arg)
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert "1～6" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_scene_without_number_is_usage_error_in_japanese(invoke: Invoke) -> None:
    result = invoke("scene")
    assert result.exit_code == EXIT_USAGE
    assert "番号を指定してください" in result.stderr


def test_scene_json_structure(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("scene", "2", "--json")
    assert result.exit_code == 0
    obj = data(result.stdout)
    assert isinstance(obj, dict)
    assert set(obj) >= {"number", "title", "page", "page_end", "entries"}
    assert (obj["number"], obj["title"], obj["page"]) == (2, corpus.scenes[2].title, 11)
    assert [e["id"] for e in obj["entries"]] == [e.id for e in corpus.scenes[2].entries]
    assert all(e["scene"] == 2 for e in obj["entries"])


# --------------------------------------------------------------------------- list


def test_list_overview_names_every_part(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("list", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    out = result.stdout
    assert all(s.title in out for s in corpus.scenes.values())
    counts = corpus.theme_counts()
    for theme in corpus.themes:
        assert theme.name in out
        assert f"{counts[theme.name]}項目" in out
    categories = {e.heading for e in corpus.entries if e.kind == "practice"}
    assert len(categories) == 13
    assert all(c in out for c in categories)
    assert "ハード面" in out and "ソフト面" in out
    assert all(s.name in out for s in corpus.stories)


@pytest.mark.parametrize("word", ["家族支援", "家族", "かぞく", "カゾク", "家族へのアプローチ", "ｶｿﾞｸ"])
def test_list_category_resolves_fuzzily(invoke: Invoke, corpus: Corpus, word: str) -> None:
    result = invoke("list", "--category", word)
    assert result.exit_code == 0, result.output
    family = [e for e in corpus.entries if "家族支援" in e.themes]
    assert "テーマ「家族支援」" in result.stdout
    assert f"{len(family)}項目" in result.stdout
    assert all(e.id in result.stdout for e in family)


def test_list_category_json_holds_only_that_theme(invoke: Invoke) -> None:
    result = invoke("list", "-c", "かぞく", "--json")
    assert result.exit_code == 0
    entries = data(result.stdout)
    assert isinstance(entries, list) and entries
    assert all("家族支援" in e["themes"] for e in entries)


def test_unknown_category_exits_2_and_lists_the_themes(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("list", "--category", "天ぷら")
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert "天ぷら" in result.stderr
    assert all(t.name in result.stderr for t in corpus.themes)


def test_list_scene_and_kind_filters_combine(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("list", "--scene", "３", "--kind", "ヒント")
    assert result.exit_code == 0
    hints = [e for e in corpus.scenes[3].entries if e.kind == "hint"]
    assert f"{len(hints)}項目" in result.stdout
    assert all(e.id in result.stdout for e in hints)
    assert not any(e.id in result.stdout.split() for e in corpus.scenes[3].of_kind("suggestion"))


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        ("example", "example"),
        ("具体例", "example"),
        ("HINT", "hint"),
        ("サジェスション", "suggestion"),
        ("支援体制", "practice"),
        ("素材集", "story"),
    ],
)
def test_list_kind_accepts_english_and_japanese(invoke: Invoke, word: str, kind: str) -> None:
    result = invoke("list", "--kind", word, "--json")
    assert result.exit_code == 0
    kinds = {e["kind"] for e in data(result.stdout)}  # type: ignore[union-attr]
    assert kinds == {kind}


def test_list_bad_kind_and_bad_scene_are_usage_errors(invoke: Invoke) -> None:
    bad_kind = invoke("list", "--kind", "recipe")
    assert bad_kind.exit_code == EXIT_USAGE
    assert "example" in bad_kind.stderr and "具体例" in bad_kind.stderr
    bad_scene = invoke("list", "--scene", "9")
    assert bad_scene.exit_code == EXIT_USAGE
    assert "1～6" in bad_scene.stderr


def test_list_filters_matching_nothing_exit_1_with_empty_json(invoke: Invoke, corpus: Corpus) -> None:
    kinds_in_scene_1 = {e.kind for e in corpus.scenes[1].entries}
    assert "story" not in kinds_in_scene_1
    result = invoke("list", "--scene", "1", "--kind", "story", "--json")
    assert result.exit_code == EXIT_NOT_FOUND
    assert data(result.stdout) == []
    assert "場面1・素材集に当てはまる項目はありません" in result.stderr


def test_list_json_contract_every_entry(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("list", "--json")
    assert result.exit_code == 0
    entries = data(result.stdout)
    assert isinstance(entries, list)
    assert len(entries) == 221 == len(corpus.entries)
    for e in entries:
        assert isinstance(e["id"], str) and e["id"]
        assert e["kind"] in KINDS
        assert e["scene"] is None or (isinstance(e["scene"], int) and 1 <= e["scene"] <= 6)
        assert e["heading"] is None or isinstance(e["heading"], str)
        assert isinstance(e["text"], str) and e["text"]
        assert e["page"] is None or isinstance(e["page"], int)
        assert isinstance(e["themes"], list) and all(isinstance(t, str) for t in e["themes"])
    assert len({e["id"] for e in entries}) == 221
    assert [e["id"] for e in entries] == [e.id for e in corpus.entries]


def test_json_is_utf8_not_escaped(invoke: Invoke) -> None:
    result = invoke("scene", "1", "--json")
    assert "\\u" not in result.stdout
    assert "ひきこもり" in result.stdout
    assert result.stdout.startswith("{\n  ")


# --------------------------------------------------------------------------- show


def test_show_entry_with_context(invoke: Invoke, corpus: Corpus) -> None:
    entry = corpus.by_id["s1-h5"]
    result = invoke("show", "s1-h5")
    assert result.exit_code == 0
    out = result.stdout
    assert entry.text in out
    assert f"「{entry.heading}」" in out
    assert corpus.scenes[1].title in out
    assert "p.8-10" in out
    assert all(t in out for t in entry.themes)
    assert "出典" in out and "令和3年3月" in out


@pytest.mark.parametrize("raw", ["S1-H5", "ｓ１－ｈ５", "s1ーh5", " s1-h5 "])
def test_show_ids_ignore_case_and_width(invoke: Invoke, raw: str) -> None:
    result = invoke("show", raw, "--json")
    assert result.exit_code == 0, result.output
    assert data(result.stdout)["id"] == "s1-h5"  # type: ignore[index]


def test_show_practice_and_story_context(invoke: Invoke, corpus: Corpus) -> None:
    practice = next(e for e in corpus.entries if e.kind == "practice" and e.agency)
    result = invoke("show", practice.id)
    assert result.exit_code == 0
    assert practice.agency in result.stdout and str(practice.section) in result.stdout
    story = next(e for e in corpus.entries if e.kind == "story")
    result = invoke("show", story.id)
    assert result.exit_code == 0
    assert "素材集" in result.stdout and story.text[:10] in result.stdout


def test_show_corrected_entry_names_the_correction(invoke: Invoke, corpus: Corpus) -> None:
    entry = next(e for e in corpus.entries if e.fixes)
    result = invoke("show", entry.id)
    assert result.exit_code == 0
    assert "訂正" in result.stdout
    assert entry.fixes[0].original in result.stdout
    obj = data(invoke("show", entry.id, "--json").stdout)
    assert obj["fixes"][0]["original"] == entry.fixes[0].original  # type: ignore[index]


def test_show_json_has_list_fields_and_context(invoke: Invoke) -> None:
    obj = data(invoke("show", "s2-h1", "--json").stdout)
    assert isinstance(obj, dict)
    assert {"id", "kind", "scene", "heading", "text", "page", "themes", "citation", "scene_title"} <= set(obj)


def test_unknown_id_suggests_the_closest(invoke: Invoke) -> None:
    result = invoke("show", "s1-h99")
    assert result.exit_code == EXIT_NOT_FOUND
    assert result.stdout == ""
    assert "もしかして" in result.stderr
    assert "s1-h9" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- practices, story


def test_practices_overview_has_the_13_categories(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("practices")
    assert result.exit_code == 0
    categories = {e.heading for e in corpus.entries if e.kind == "practice"}
    assert all(c in result.stdout for c in categories)
    assert "13" in result.stdout


@pytest.mark.parametrize("arg", ["9", "９", "家族へのアプローチ", "家族へのアプローチに重点を置いた支援"])
def test_practices_one_category(invoke: Invoke, corpus: Corpus, arg: str) -> None:
    result = invoke("practices", arg)
    assert result.exit_code == 0, result.output
    entries = [e for e in corpus.entries if e.heading == "家族へのアプローチに重点を置いた支援"]
    assert all(e.id in result.stdout for e in entries)
    assert "ピアサポーターの活用" not in result.stdout


def test_practices_section_shows_all_its_categories(invoke: Invoke, corpus: Corpus) -> None:
    obj = data(invoke("practices", "ハード面", "--json").stdout)
    assert isinstance(obj, list)
    ids = {e["id"] for group in obj for e in group["entries"]}
    assert ids == {e.id for e in corpus.entries if e.section == "ハード面"}


def test_practices_json_overview(invoke: Invoke) -> None:
    obj = data(invoke("practices", "--json").stdout)
    assert isinstance(obj, dict)
    categories = [c for s in obj["sections"] for c in s["categories"]]
    assert [c["number"] for c in categories] == list(range(1, 14))
    assert sum(c["count"] for c in categories) == 67


def test_practices_unknown_category_exits_2(invoke: Invoke) -> None:
    result = invoke("practices", "天ぷら")
    assert result.exit_code == EXIT_USAGE
    assert "hint practices" in result.stderr


def test_story_shows_sections_in_order(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("story", "2")
    assert result.exit_code == 0
    lines = [e for e in corpus.entries if e.story == 2]
    positions = [result.stdout.index(e.id) for e in lines]
    assert positions == sorted(positions)
    assert "支援機関につながる前の支援機関の印象等" in result.stdout
    assert not any(e.story == 1 and e.id in result.stdout.split() for e in corpus.entries)


def test_story_without_number_shows_both_and_json(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("story")
    assert result.exit_code == 0
    assert all(s.name in result.stdout for s in corpus.stories)
    obj = data(invoke("story", "--json").stdout)
    assert isinstance(obj, list) and len(obj) == 2
    assert sum(len(s["entries"]) for s in obj) == 27


@pytest.mark.parametrize("arg", ["0", "3", "x"])
def test_bad_story_number_is_usage_error(invoke: Invoke, arg: str) -> None:
    result = invoke("story", arg)
    assert result.exit_code == EXIT_USAGE
    assert "1～2" in result.stderr


# --------------------------------------------------------------------------- about, version, help


def test_about_has_citation_committee_corrections_data_and_version(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("about", env={"COLUMNS": "200"})
    assert result.exit_code == 0
    out = result.stdout
    assert str(corpus.about["citation"]) in out
    assert "本人につながるものが難しかった → 本人につながることが難しかった" in out
    assert "一步 → 一歩" in out
    assert all(m["name"] in out for m in corpus.about["committee"])
    assert str(store.data_dir()) in out
    assert __version__ in out
    assert "221" in out


def test_about_full_and_json(invoke: Invoke, corpus: Corpus) -> None:
    full = invoke("about", "--full")
    assert full.exit_code == 0
    assert "おわりに" in full.stdout and "本誌作成の目的" in full.stdout
    obj = data(invoke("about", "--json").stdout)
    assert isinstance(obj, dict)
    assert obj["citation"] == corpus.about["citation"]
    assert obj["counts"]["entries"] == 221
    assert len(obj["corrections"]) == len(corpus.corrections())
    assert obj["version"] == __version__


def test_version(invoke: Invoke) -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"hintcli {__version__}"


def test_no_command_prints_help(invoke: Invoke) -> None:
    result = invoke()
    assert result.exit_code == 0
    assert "コマンド" in result.stdout


COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]


def test_every_command_is_listed() -> None:
    assert set(COMMANDS) == {
        "search",
        "scene",
        "list",
        "show",
        "practices",
        "story",
        "about",
        "add",
        "check",
        "paths",
        "serve",
        "help",
    }


@pytest.mark.parametrize("args", [["--help"], *[[c, "--help"] for c in COMMANDS]])
def test_every_command_has_japanese_help(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    assert japanese(result.stdout)
    assert "使い方" in result.stdout


def test_every_command_has_json(invoke: Invoke) -> None:
    for args in (
        ["search", "訪問"],
        ["scene", "1"],
        ["list"],
        ["show", "pr1"],
        ["practices"],
        ["story"],
        ["about"],
    ):
        result = invoke(*args, "--json")
        assert result.exit_code == 0, args
        json.loads(result.stdout)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["sceen", "1"], "もしかして: scene"),
        (["list", "--foo"], "--foo"),
        (["list", "--scene"], "値が必要"),
        (["scene", "1", "2"], "余分な引数"),
        (["show"], "IDを指定してください"),
        (["--color", "rainbow", "list"], "auto、always、never"),
        (["list", "--color", "rainbow"], "auto、always、never"),
    ],
)
def test_usage_errors_are_one_japanese_line_exit_2(invoke: Invoke, args: list[str], expected: str) -> None:
    result = invoke(*args)
    assert result.exit_code == EXIT_USAGE
    assert expected in result.stderr
    assert result.stderr.startswith("hint: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert japanese(result.stderr)


@pytest.mark.parametrize("typed", [MARKUP, LINK, ESCAPE])
@pytest.mark.parametrize(
    "args",
    [
        ["show", "{}"],
        ["list", "--category", "{}"],
        ["scene", "{}"],
        ["practices", "{}"],
        ["list", "--kind", "{}"],
        ["search", "{}"],
        ["search", "訪問", "--limit", "{}"],
        ["search", "訪問", "-c", "{}"],
    ],
)
def test_user_text_is_echoed_as_text_never_markup_or_escapes(
    invoke: Invoke, args: list[str], typed: str
) -> None:
    argv = [a.replace("{}", typed) for a in args]
    result = invoke("--color", "always", *argv)
    assert result.exit_code in (EXIT_NOT_FOUND, EXIT_USAGE)
    if typed == ESCAPE:
        assert (
            "\x1b[31m" not in result.stderr and "\x1b]8" not in result.stderr and "\x07" not in result.stderr
        )
        assert "red" in result.stderr
    else:
        assert typed in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "-c", "　"],
        ["show", ""],
        ["practices", " "],
        ["scene", "　"],
        ["search", ""],
        ["search", "　"],
        ["search", " ", "　", "\t"],
        ["search", "。、！？"],
        ["search", "訪問", "-c", "　"],
    ],
)
def test_blank_input_is_usage_error(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("hint: ")


@pytest.mark.parametrize(
    "args", [["list", "-c"], ["show"], ["practices"], ["scene"], ["list", "--kind"], ["search"]]
)
def test_huge_input_is_answered_and_echoed_short(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args, "あ" * 100_000)
    assert result.exit_code in (EXIT_NOT_FOUND, EXIT_USAGE)
    assert len(result.stderr) < 1000


def test_broken_data_file_exits_3_naming_file_and_entry(invoke: Invoke, data_copy: Path) -> None:
    replace_in(data_copy / "report" / "scene3.toml", 'id = "s3-h2"\nheading', 'id = "s3-h2"\nheadin')
    result = invoke("scene", "1")
    assert result.exit_code == EXIT_DATA
    assert "scene3.toml" in result.stderr and "s3-h2" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_missing_data_file_exits_3(invoke: Invoke, data_copy: Path) -> None:
    (data_copy / "themes.toml").unlink()
    result = invoke("list")
    assert result.exit_code == EXIT_DATA
    assert "themes.toml" in result.stderr and "ありません" in result.stderr


def test_unexpected_error_exits_70_with_traceback_only_in_debug(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom() -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(store, "load_corpus", boom)
    quiet = invoke("list")
    assert quiet.exit_code == EXIT_SOFTWARE
    assert "予期しないエラー" in quiet.stderr and "HINT_DEBUG=1" in quiet.stderr
    assert "Traceback" not in quiet.output
    loud = invoke("list", env={"HINT_DEBUG": "1"})
    assert loud.exit_code == EXIT_SOFTWARE
    assert "Traceback" in loud.stderr and "boom" in loud.stderr


# --------------------------------------------------------------------------- a real process


hint = run_hint


def test_a_reader_closing_the_pipe_ends_quietly() -> None:
    code = "import sys; from hintcli.cli import main; sys.argv[0] = 'hint'; main()"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (["list", "-c", "家族"], ["list", "--json"], ["--help"], ["search", "本人に会えない"]):
        producer = subprocess.Popen(
            [sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
        )
        assert producer.stdout is not None
        producer.stdout.readline()
        producer.stdout.close()  # like `| head -1`
        _, err = producer.communicate(timeout=60)
        assert producer.returncode == 0, (args, err)
        assert err == b"", (args, err)


@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "cp932"}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C"}]
)
def test_narrow_console_encodings_replace_never_fail(env: dict[str, str]) -> None:
    for args in (
        ["scene", "1"],
        ["about"],
        ["show", "zz[bold]\U0001f600"],
        ["search", "本人に会えない\U0001f600", "--explain"],
    ):
        result = hint(*args, env=env)
        assert result.returncode in (0, EXIT_NOT_FOUND), result.stderr
        assert b"Traceback" not in result.stderr
        assert b"Error" not in result.stderr


@pytest.mark.skipif(os.name == "nt", reason="POSIX passes arguments as bytes")
def test_undecodable_bytes_in_arguments_are_replaced() -> None:
    for args in (
        ["show", "\udcff\udcfe"],
        ["list", "-c", "\udcff"],
        ["scene", "\udcff"],
        ["search", "\udcff\udcfe"],
    ):
        result = hint(*args)
        assert result.returncode in (EXIT_NOT_FOUND, EXIT_USAGE)
        assert result.stderr.decode().startswith("hint: ")
        assert b"Traceback" not in result.stderr


def test_json_is_utf8_even_on_a_cp932_console() -> None:
    result = hint("list", "--json", env={"PYTHONIOENCODING": "cp932"})
    assert result.returncode == 0
    assert len(json.loads(result.stdout.decode("utf-8"))) == 221


def test_cp932_output_is_cp932() -> None:
    result = hint("scene", "1", env={"PYTHONIOENCODING": "cp932"})
    assert result.returncode == 0
    assert "ひきこもり状態である本人" in result.stdout.decode("cp932")


def test_piped_output_has_no_escape_codes_and_force_color_adds_them() -> None:
    plain = hint("scene", "1")
    assert plain.returncode == 0 and b"\x1b" not in plain.stdout
    forced = hint("scene", "1", env={"FORCE_COLOR": "1"})
    assert b"\x1b[" in forced.stdout
    never = hint("--color", "never", "scene", "1", env={"FORCE_COLOR": "1"})
    assert b"\x1b" not in never.stdout


def test_search_json_in_a_process_is_only_the_array_in_utf8() -> None:
    """What the evaluation script runs: `hint search QUERY --json --limit 10`."""
    for env in ({}, {"PYTHONIOENCODING": "cp932"}, {"FORCE_COLOR": "1", "COLUMNS": "20"}):
        result = hint("search", "しんどい", "--json", "--limit", "10", env=env)
        assert result.returncode == 0, result.stderr
        assert result.stderr == b""
        found = json.loads(result.stdout.decode("utf-8"))
        assert isinstance(found, list) and 1 <= len(found) <= 10
        assert all(isinstance(item["score"], float) for item in found)


def test_search_piped_is_plain_and_forced_colour_is_not() -> None:
    plain = hint("search", "本人に会えない")
    assert plain.returncode == 0 and b"\x1b" not in plain.stdout
    assert "「会えない場合は手紙で伝える」" in plain.stdout.decode()
    forced = hint("search", "本人に会えない", env={"FORCE_COLOR": "1"})
    assert b"\x1b[1;7m" in forced.stdout  # the highlighted words
    no_color = hint("search", "本人に会えない", env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert b"\x1b[1;7m" in no_color.stdout and b"\x1b[36m" not in no_color.stdout


def test_module_entry_point_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hintcli", "--version"],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0
    assert result.stdout.decode().strip() == f"hintcli {__version__}"


def test_a_named_command_is_built_alone_and_help_still_lists_all(invoke: Invoke) -> None:
    from hintcli.cli import _only_the_named_command

    assert [c.callback.__name__ for c in _only_the_named_command(["search", "x"]).registered_commands] == [
        "search"
    ]
    assert len(_only_the_named_command(["--color", "never", "scene", "1"]).registered_commands) == 1
    for args in (["--help", "search"], ["serch", "x"], [], ["--version"]):
        assert _only_the_named_command(args) is app
    result = invoke("--help")
    assert all(name in result.stdout for name in ("search", "scene", "list", "show", "about"))
