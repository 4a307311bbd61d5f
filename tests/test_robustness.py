"""Bad input, as a user gives it, to the real console script in a subprocess.

Every case runs the installed ``hint`` (the entry point next to this Python; the
README's test command installs it) and checks the exit code, that the message
is one Japanese line on stderr, that nothing the user typed is interpreted as
markup or escape codes, and that no traceback reaches the user.
(The in-process CliRunner tests are in test_cli.py; the hypothesis test that
any search text is answered is there too.)
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, hint_command, japanese, run_hint

ESC = "\x1b"


run = run_hint


def err(p: subprocess.CompletedProcess[bytes]) -> str:
    return p.stderr.decode("utf-8", "replace")


def out(p: subprocess.CompletedProcess[bytes]) -> str:
    return p.stdout.decode("utf-8", "replace")


def assert_one_japanese_line(p: subprocess.CompletedProcess[bytes]) -> None:
    message = err(p).strip()
    assert "Traceback" not in message
    assert message and "\n" not in message and japanese(message), message


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["search", ""], 2),
        (["search", "   "], 2),
        (["search", "　"], 2),  # the ideographic space
        (["search", "、。！"], 2),
        (["search"], 2),
        (["scene", "0"], 2),
        (["scene", "7"], 2),
        (["scene", "-1"], 2),
        (["scene", "abc"], 2),
        (["scene", "2.5"], 2),
        (["scene", ""], 2),
        (["search", "本人に会えない", "--limit", "0"], 2),
        (["search", "本人に会えない", "--limit", "-3"], 2),
        (["search", "本人に会えない", "--limit", "x"], 2),
        (["list", "--kind", "nonsense"], 2),
        (["show", ""], 2),
        (["serch", "本人"], 2),  # close to a command: a typo, not a search
        (["search", "本人", "--no-such-option"], 2),
        (["search", "天ぷらの揚げ方"], 1),
        (["search", "xyz"], 1),
        (["list", "--category", "天ぷら"], 2),
        (["show", "zz-99"], 1),
    ],
)
def test_bad_input_exits_with_its_code_and_one_line(args: list[str], code: int) -> None:
    p = run(*args)
    assert p.returncode == code, err(p)
    assert_one_japanese_line(p)


def test_did_you_mean_for_an_unknown_id_and_a_near_category() -> None:
    p = run("show", "s1-h99")
    assert p.returncode == 1 and "s1-h" in err(p)
    p = run("list", "--category", "家族支縁")  # a typo of 家族支援: found, not an error
    assert p.returncode == 0 and "家族支援" in out(p)


def test_a_huge_query_is_answered() -> None:
    ascii_query = "x" * 100_000  # one argument (Linux caps one at 128 KiB)
    japanese_words = ["本人に会えない家族" * 1_100] * 10  # 99,000 characters in ten words
    for args in (["search", ascii_query], ["search", *japanese_words]):
        p = run(*args)
        assert p.returncode in (0, 1), err(p)
        assert "Traceback" not in err(p)
        assert len(p.stderr) < 1000  # the query is not echoed whole


def test_undecodable_bytes_are_replaced_not_fatal() -> None:
    p = run(b"search", b"\xff\xfe\x81\x82", b"\xe6\x9c\xac\xe4\xba\xba")  # garbage, then 本人 in UTF-8
    assert p.returncode in (0, 1)
    assert "Traceback" not in err(p)


@pytest.mark.parametrize("query", ["[bold]x[/]", "[link=http://example.com]y[/link]", "[red]本人[/red]"])
def test_markup_in_a_query_is_echoed_as_typed(query: str) -> None:
    p = run("search", query)
    assert query in out(p) + err(p)  # in the header, or in the nothing-found message
    assert ESC not in out(p) + err(p)


@pytest.mark.parametrize(
    "query",
    [
        "\x1b[31m本人\x1b[0m",
        "\x1b]0;title\x07本人",
        "\x1b]8;;http://x\x1b\\本人",
        "本人\x9b2J",
        "\x07\x08本人",
    ],
)
def test_escape_sequences_in_a_query_never_reach_the_terminal(query: str) -> None:
    for args in (["search", query], ["search", query, "--json"], ["show", query], ["list", "-c", query]):
        p = run(*args)
        assert ESC not in out(p) + err(p) and "\x9b" not in out(p) + err(p) and "\x07" not in err(p), args
        assert "Traceback" not in err(p)


@pytest.mark.parametrize(
    "env", [{"PYTHONIOENCODING": "cp932"}, {"PYTHONIOENCODING": "ascii"}, {"LC_ALL": "C", "LANG": "C"}]
)
def test_narrow_encodings_replace_what_they_cannot_show(env: dict[str, str]) -> None:
    for args in (["search", "本人に会えない"], ["scene", "1"], ["search", "𠮷野家の😀"], ["about"]):
        p = run(*args, env=env)
        assert p.returncode in (0, 1), (args, err(p))
        assert "Traceback" not in err(p) and "UnicodeEncodeError" not in err(p)


def test_twenty_columns_wrap_without_crashing() -> None:
    from rich.cells import cell_len

    for args in (["search", "本人に会えない"], ["scene", "3"], ["list"], ["show", "s1-h1"], ["about"]):
        p = run(*args, "--format", "text", env={"COLUMNS": "20"})
        assert p.returncode == 0, err(p)
        # Every line fits in 20 cells (a wide character is two), except the citation,
        # which `about` prints unbroken on purpose so that it can be copied whole.
        long = [line for line in out(p).splitlines() if cell_len(line) > 20 and "』（" not in line]
        assert long == [], args


COLOUR = re.compile(r"\x1b\[[0-9;]*?(?:3[0-9]|9[0-7]|4[0-9]|10[0-7])(?:;[0-9;]*)?m")


def test_piped_output_is_plain_and_no_color_is_honoured() -> None:
    assert ESC not in out(run("search", "本人に会えない"))
    assert COLOUR.search(out(run("search", "本人に会えない", env={"FORCE_COLOR": "1"})))
    # NO_COLOR: no colour (bold and reverse may stay: https://no-color.org).
    assert not COLOUR.search(out(run("search", "本人に会えない", env={"NO_COLOR": "1", "FORCE_COLOR": "1"})))
    assert ESC not in out(run("search", "本人に会えない", "--color", "never", env={"FORCE_COLOR": "1"}))


def test_a_reader_that_closes_early_ends_it_quietly() -> None:
    for args in (["list"], ["list", "--json"], ["search", "家族", "-n", "50"]):
        producer = subprocess.Popen([*hint_command(), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert producer.stdout is not None and producer.stderr is not None
        producer.stdout.readline()
        producer.stdout.close()  # like `| head -1`
        stderr = producer.stderr.read().decode("utf-8", "replace")
        assert producer.wait(timeout=60) in (0, 141)
        assert "Traceback" not in stderr and "Exception ignored" not in stderr, stderr


@pytest.fixture
def broken_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def test_a_malformed_data_file_is_named_with_its_line(broken_data: Path) -> None:
    path = broken_data / "report" / "scene3.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('id = "s3-h2"', 'id = "s3-h2', 1), encoding="utf-8"
    )
    p = run("search", "本人", env={"HINT_DATA_DIR": str(broken_data), "HINT_CACHE_DIR": "off"})
    assert p.returncode == 3
    assert_one_japanese_line(p)
    assert "scene3.toml" in err(p) and "line" in err(p)


def test_a_missing_data_file_is_named(broken_data: Path) -> None:
    (broken_data / "themes.toml").unlink()
    p = run("scene", "1", env={"HINT_DATA_DIR": str(broken_data), "HINT_CACHE_DIR": "off"})
    assert p.returncode == 3
    assert_one_japanese_line(p)
    assert "themes.toml" in err(p)


def test_an_entry_with_a_problem_is_named(broken_data: Path) -> None:
    path = broken_data / "report" / "scene5.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace('id = "s5-h2"\nheading', 'id = "s5-h2"\nheadline', 1),
        encoding="utf-8",
    )
    p = run("list", env={"HINT_DATA_DIR": str(broken_data), "HINT_CACHE_DIR": "off"})
    assert p.returncode == 3
    assert_one_japanese_line(p)
    assert "scene5.toml" in err(p) and "s5-h2" in err(p) and "headline" in err(p)


def test_debug_mode_still_reports_broken_data_as_broken_data(broken_data: Path) -> None:
    (broken_data / "report").rename(broken_data / "moved")
    p = run("scene", "1", env={"HINT_DATA_DIR": str(broken_data), "HINT_CACHE_DIR": "off", "HINT_DEBUG": "1"})
    assert p.returncode == 3
    assert "about.toml" in err(p)


def test_shell_completion_answers_commands_and_options() -> None:
    env = {"_HINT_COMPLETE": "complete_bash", "COMP_WORDS": "hint sc", "COMP_CWORD": "1"}
    assert out(run(env=env)).split() == ["scene"]
    env = {"_HINT_COMPLETE": "complete_bash", "COMP_WORDS": "hint search --li", "COMP_CWORD": "2"}
    assert "--limit" in out(run(env=env)).split()
    assert "complete -o default -F _hint_completion hint" in out(run(env={"_HINT_COMPLETE": "source_bash"}))
