"""The `hint` commands, as a user runs them: content, exit code, and where the message went.

In-process through Typer's CliRunner for the commands; in a subprocess for what only
a real process shows (closed pipes, console encodings, the console-script entry).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO, Invoke, japanese, replace_in

from hintcli import __version__, store
from hintcli.cli import EXIT_DATA, EXIT_NOT_FOUND, EXIT_SOFTWARE, EXIT_USAGE, app
from hintcli.corpus import KINDS, Corpus

pytestmark = pytest.mark.usefixtures("clean_env")

MARKUP = "[bold]x[/]"
LINK = "[link=http://x]y[/link]"
ESCAPE = "\x1b[31mred\x1b]8;;http://x\x07"


def data(result_stdout: str) -> object:
    return json.loads(result_stdout)


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
    assert "N を指定してください" in result.stderr


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


def test_unknown_category_exits_1_and_lists_the_themes(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("list", "--category", "天ぷら")
    assert result.exit_code == EXIT_NOT_FOUND
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


def test_practices_unknown_category_exits_1(invoke: Invoke) -> None:
    result = invoke("practices", "天ぷら")
    assert result.exit_code == EXIT_NOT_FOUND
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
    assert set(COMMANDS) == {"scene", "list", "show", "practices", "story", "about"}


@pytest.mark.parametrize("args", [["--help"], *[[c, "--help"] for c in COMMANDS]])
def test_every_command_has_japanese_help(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == 0
    assert japanese(result.stdout)
    assert "使い方" in result.stdout


def test_every_command_has_json(invoke: Invoke) -> None:
    for args in (["scene", "1"], ["list"], ["show", "pr1"], ["practices"], ["story"], ["about"]):
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
        (["show"], "ID を指定してください"),
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


@pytest.mark.parametrize("args", [["list", "-c", "　"], ["show", ""], ["practices", " "], ["scene", "　"]])
def test_blank_input_is_usage_error(invoke: Invoke, args: list[str]) -> None:
    result = invoke(*args)
    assert result.exit_code == EXIT_USAGE
    assert result.stderr.startswith("hint: ")


@pytest.mark.parametrize("args", [["list", "-c"], ["show"], ["practices"], ["scene"], ["list", "--kind"]])
def test_huge_input_is_answered_quickly_and_echoed_short(invoke: Invoke, args: list[str]) -> None:
    started = time.perf_counter()
    result = invoke(*args, "あ" * 100_000)
    assert time.perf_counter() - started < 1.0
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


def hint(
    *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    """The console entry point in a subprocess, importing this checkout (no install needed)."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "HINT_DEBUG")
    }
    base["PYTHONPATH"] = str(REPO)
    code = "import sys; from hintcli.cli import main; sys.argv[0] = 'hint'; main()"
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", code, *args],
        env={**base, **(env or {})},
        capture_output=True,
        timeout=60,
        **kwargs,
    )


def test_a_reader_closing_the_pipe_ends_quietly() -> None:
    code = "import sys; from hintcli.cli import main; sys.argv[0] = 'hint'; main()"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for args in (["list", "-c", "家族"], ["list", "--json"], ["--help"]):
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
    for args in (["scene", "1"], ["about"], ["show", "zz[bold]\U0001f600"]):
        result = hint(*args, env=env)
        assert result.returncode in (0, EXIT_NOT_FOUND), result.stderr
        assert b"Traceback" not in result.stderr
        assert b"Error" not in result.stderr


@pytest.mark.skipif(os.name == "nt", reason="POSIX passes arguments as bytes")
def test_undecodable_bytes_in_arguments_are_replaced() -> None:
    for args in (["show", "\udcff\udcfe"], ["list", "-c", "\udcff"], ["scene", "\udcff"]):
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
