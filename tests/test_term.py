"""The terminal for people who are not programmers (issue 16): the first screen, the pager,
a bare query, help, exit codes for every command, and completion of values.

The real-terminal tests (tmux at 80x30) are at the end; they are skipped without tmux,
except under CI=true, where .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import IN_CI, REPO, Invoke, hint_command, run_hint
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from hintcli import store, views
from hintcli.cli import app
from hintcli.corpus import Corpus
from hintcli.terminal import pager

pytestmark = pytest.mark.usefixtures("clean_env")

SCREEN = 30  # lines of the terminal the issue was filed from (80x30)


# --------------------------------------------------------------------------- the first screen


def test_first_screen_holds_the_header_and_the_best_results(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("search", "本人に会えない", "--format", "text", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("「本人に会えない」の検索結果  5件／全")
    assert lines[0].endswith("）")  # the count and --limit are on the header line, whole
    screen = "\n".join(lines[: SCREEN - 1])  # the last line belongs to the prompt
    found = invoke("search", "本人に会えない", "--json").stdout
    ids = [item["id"] for item in __import__("json").loads(found)]
    for entry_id in ids:  # all five results, each with its heading and whole text
        assert entry_id in screen
        entry = corpus.by_id[entry_id]
        assert entry.text.replace("\n", "") in screen.replace("\n", "").replace("  ", "")


def test_results_are_grouped_under_one_line_per_scene(invoke: Invoke, corpus: Corpus) -> None:
    out = invoke("search", "本人に会えない", "--format", "text", env={"COLUMNS": "200"}).stdout
    title = f"場面1「{corpus.scenes[1].title}」 p.8-10"
    assert out.count(title) == 1


def test_suggestions_do_not_repeat_results(invoke: Invoke) -> None:
    out = invoke("search", "本人に会えない", "--format", "text", env={"COLUMNS": "200"}).stdout
    for entry_id in ("s1-c1", "s1-c2", "s1-c3", "s1-c4", "s1-c5"):
        assert out.split().count(entry_id) <= 1, entry_id
    assert "場面1の委員からのサジェスション（ほか" in out


def test_header_pieces_never_break_inside(invoke: Invoke) -> None:
    for columns in ("40", "50", "60"):
        out = invoke("search", "本人に会えない", "--format", "text", env={"COLUMNS": columns}).stdout
        assert "（すべて: --limit" in out and not any(
            line.endswith("（すべて: --limit") for line in out.splitlines()
        )


@given(st.text(alphabet="あいう漢字。、！？」）a ", max_size=80))
def test_sentences_give_the_text_back(text: str) -> None:
    assert "".join(views.sentences(text)) == text


def test_excerpts_end_at_a_sentence_end_or_are_whole(corpus: Corpus) -> None:
    for entry in corpus.entries:
        part = views.excerpt(views.entry_view(corpus, entry))
        assert entry.text.startswith(part.text)
        assert part.cut == (part.text != entry.text)
        if part.cut:
            assert part.text.rstrip("」』）)】〕")[-1] in "。！？!?", part.text


# --------------------------------------------------------------------------- a bare query, help


def test_a_first_word_that_is_no_command_searches(invoke: Invoke) -> None:
    bare = invoke("本人に会えない", "--format", "text", env={"COLUMNS": "80"})
    search = invoke("search", "本人に会えない", "--format", "text", env={"COLUMNS": "80"})
    assert bare.exit_code == search.exit_code == 0
    assert bare.stdout == search.stdout
    assert (
        invoke("本人に会えない", "-n", "2", "--json").stdout
        == invoke("search", "本人に会えない", "-n", "2", "--json").stdout
    )


def test_a_word_close_to_a_command_is_a_typo(invoke: Invoke) -> None:
    result = invoke("serch", "本人")
    assert result.exit_code == 2
    assert "もしかして: search" in result.stderr


def test_an_empty_first_word_is_a_japanese_usage_error(invoke: Invoke) -> None:
    result = invoke("")
    assert result.exit_code == 2
    assert "No such command" not in result.stderr and "検索語を指定してください" in result.stderr


def test_option_typos_suggest_only_close_options(invoke: Invoke) -> None:
    assert "もしかして" not in invoke("search", "x", "--foo").stderr
    assert "もしかして: --limit" in invoke("search", "x", "--limt", "3").stderr


@pytest.mark.parametrize("name", ["search", "scene", "list", "show", "practices", "story", "about"])
def test_help_command_is_the_help_option(invoke: Invoke, name: str) -> None:
    assert invoke("help", name).stdout == invoke(name, "--help").stdout
    assert invoke("help").stdout == invoke("--help").stdout


def test_help_for_an_unknown_command(invoke: Invoke) -> None:
    result = invoke("help", "serch")
    assert result.exit_code == 2 and "もしかして: search" in result.stderr


@pytest.mark.parametrize("columns", ["80", "40"])
@pytest.mark.parametrize(
    "name", ["", *(c.name or c.callback.__name__ for c in app.registered_commands if c.callback)]
)
def test_help_reads_well(invoke: Invoke, columns: str, name: str) -> None:
    result = invoke(*([name] if name else []), "--help", env={"COLUMNS": columns})
    assert result.exit_code == 0
    out = result.stdout
    assert "…" not in out and "{" not in out and "<str>" not in out
    assert not any(ch.isascii() and ch.isupper() for ch in out.split("\n")[0].replace("ID", ""))
    assert max(cell_len(line) for line in out.splitlines()) <= int(columns)
    lines = out.splitlines()
    assert not any(line.strip() in ("。", "）", "、") for line in lines)  # no mark alone on a line
    examples = [line for line in lines if line.startswith("  hint ")]
    assert 1 <= len(examples) <= 3, examples


# --------------------------------------------------------------------------- exit codes


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["search", "本人に会えない"], 0),
        (["本人に会えない"], 0),
        (["search", "天ぷらの揚げ方"], 1),
        (["search", "、、"], 2),
        (["search", "訪問", "-c", "xyz"], 2),
        (["search", "訪問", "-s", "7"], 2),
        (["search", "訪問", "-k", "foo"], 2),
        (["scene", "3"], 0),
        (["scene", "7"], 2),
        (["scene", "、"], 2),
        (["list"], 0),
        (["list", "-c", "xyz"], 2),
        (["list", "-c", "、"], 2),
        (["list", "-k", "foo"], 2),
        (["list", "-s", "7"], 2),
        (["show", "s1-h5"], 0),
        (["show", "zz-9"], 1),
        (["show", "、"], 1),
        (["practices"], 0),
        (["practices", "3"], 0),
        (["practices", "14"], 2),
        (["practices", "、"], 2),
        (["story"], 0),
        (["story", "1"], 0),
        (["story", "3"], 2),
        (["story", "、"], 2),
        (["about"], 0),
        (["help"], 0),
        (["help", "search"], 0),
        (["help", "serch"], 2),
    ],
)
def test_exit_codes_follow_one_rule(invoke: Invoke, args: list[str], code: int) -> None:
    result = invoke(*args)
    assert result.exit_code == code, (args, result.stderr)
    if code:
        assert result.stderr.startswith("hint: ") and result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- labels


def test_show_names_the_kind_once(invoke: Invoke) -> None:
    out = invoke("show", "st1-3", "--format", "text", env={"COLUMNS": "120"}).stdout
    assert "素材集（素材集）" not in out


def test_scene_titles_are_quoted_everywhere(invoke: Invoke, corpus: Corpus) -> None:
    title = f"「{corpus.scenes[1].title}」"
    for args in (["show", "s1-h5"], ["search", "本人に会えない"]):
        assert title in invoke(*args, "--format", "text", env={"COLUMNS": "200"}).stdout, args


# --------------------------------------------------------------------------- the pager


def test_pager_command_respects_the_environment(tmp_path: Path) -> None:
    assert pager.command({"HINT_PAGER": ""}) is None
    assert pager.command({"HINT_PAGER": "cat", "PAGER": "less"}) is None
    assert pager.command({"PAGER": "no-such-pager-here"}) is None  # missing: print, never wait
    found = pager.command({"PAGER": f"{sys.executable} -u"})
    assert found is not None and found[1:] == ["-u"]


def test_pager_falls_back_to_printing_when_it_cannot_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HINT_PAGER", "no-such-pager-here")
    assert pager.run("x\n" * 100) is False


def test_pager_receives_tall_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "paged.txt"
    script = tmp_path / "pager.py"
    script.write_text(f"import sys; open({str(out)!r}, 'wb').write(sys.stdin.buffer.read())\n")
    monkeypatch.setenv("HINT_PAGER", f"{sys.executable} {script}")
    assert pager.run("一行目\n" * 100)
    assert out.read_text(encoding="utf-8") == "一行目\n" * 100


def test_no_pager_anywhere_on_the_line(invoke: Invoke) -> None:
    for args in (["--no-pager", "scene", "3"], ["scene", "3", "--no-pager"]):
        result = invoke(*args)
        assert result.exit_code == 0, result.stderr


def test_piped_output_is_never_paged(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    env = {"HINT_PAGER": f"{sys.executable} -c \"open({str(marker)!r}, 'w')\""}
    proc = run_hint("scene", "3", env=env)
    assert proc.returncode == 0 and b"s3-h1" in proc.stdout
    assert not marker.exists()


# --------------------------------------------------------------------------- completion


def complete(words: str, shell: str = "bash") -> list[str]:
    cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    env = {"COMP_WORDS": words, "COMP_CWORD": cword, "_HINT_COMPLETE": f"complete_{shell}"}
    if shell in ("zsh", "fish"):
        env = {
            "_HINT_COMPLETE": f"complete_{shell}",
            "_TYPER_COMPLETE_ARGS": words,
            "_TYPER_COMPLETE_FISH_ACTION": "get-args",
        }
    proc = run_hint(env=env)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.decode("utf-8").split()


def test_completion_of_values(corpus: Corpus) -> None:
    themes = complete("hint list -c ")
    assert all(t.name in themes for t in corpus.themes)
    assert "かぞく" in complete("hint list -c か")
    assert complete("hint scene ") == [str(n) for n in corpus.scenes]
    shown = complete("hint show s1-h")
    assert shown and all(i.startswith("s1-h") for i in shown) and "s1-h8" in shown
    assert complete("hint search 訪問 -k ") == ["example", "hint", "suggestion", "practice", "story"]
    assert complete("hint search 訪問 -s ") == [str(n) for n in corpus.scenes]
    assert complete("hint practices 1")[:5] == ["1", "10", "11", "12", "13"]
    assert complete("hint story ") == ["1", "2"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_completion_in_zsh_and_fish_carries_descriptions(shell: str, corpus: Corpus) -> None:
    words = " ".join(complete("hint scene ", shell))
    assert corpus.scenes[1].title in words  # the title beside the number


def test_completion_loads_neither_search_nor_rich() -> None:
    code = (
        "import os, sys\n"
        "from hintcli.cli import app, main\n"
        "try:\n    main([])\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write(' '.join(sorted(sys.modules)))\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "COMP_WORDS": "hint show s1-h",
        "COMP_CWORD": "2",
        "_HINT_COMPLETE": "complete_bash",
    }
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    modules = set(proc.stderr.decode().split())
    assert "hintcli.completion" in modules
    assert not modules & {"hintcli.search", "hintcli.thesaurus", "rapidfuzz", "rich.console"}


# --------------------------------------------------------------------------- a real terminal (tmux)

TMUX = shutil.which("tmux")
needs_tmux = pytest.mark.skipif(
    TMUX is None and not IN_CI, reason="tmux is not installed (CI installs it: apt-get install -y tmux less)"
)


class Tmux:
    """One tmux session of 80x30 running a shell; `screen` is what a person would see."""

    def __init__(self, tmp: Path, env: dict[str, str]) -> None:
        assert TMUX is not None, "CI: tmux must be installed (apt-get install -y tmux less)"
        self.name = f"hint-{os.getpid()}-{time.monotonic_ns()}"
        self.socket = str(tmp / "tmux.sock")
        command = " ".join(f"'{part}'" for part in hint_command())
        (tmp / "hint").write_text(f'#!/bin/sh\nexec {command} "$@"\n')
        (tmp / "hint").chmod(0o755)
        exports = {**env, "PATH": f"{tmp}:{os.environ['PATH']}", "PYTHONPATH": str(REPO), "PS1": "$ "}
        setup = " ".join(f"{k}='{v}'" for k, v in exports.items())
        self.tmux("new-session", "-d", "-s", self.name, "-x", "80", "-y", "30", f"env {setup} sh")

    def tmux(self, *args: str) -> str:
        assert TMUX is not None
        return subprocess.run(
            [TMUX, "-S", self.socket, *args], capture_output=True, text=True, timeout=30, check=True
        ).stdout

    def type(self, keys: str, enter: bool = True) -> None:
        self.tmux("send-keys", "-t", self.name, keys, *(["Enter"] if enter else []))

    def screen(self) -> list[str]:
        return self.tmux("capture-pane", "-p", "-t", self.name).splitlines()

    def wait_for(self, text: str, timeout: float = 30) -> list[str]:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            lines = self.screen()
            if any(text in line for line in lines):
                return lines
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on the screen:\n" + "\n".join(self.screen()))

    def close(self) -> None:
        subprocess.run([TMUX or "tmux", "-S", self.socket, "kill-server"], capture_output=True, timeout=30)


@pytest.fixture
def terminal(tmp_path: Path) -> object:
    env = {
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "HINT_CACHE_DIR": os.environ["HINT_CACHE_DIR"],
    }
    if shutil.which("less") is None and not IN_CI:
        pytest.skip("less is not installed")
    session = Tmux(tmp_path, {**env, "PAGER": "less"})
    yield session
    session.close()


@needs_tmux
def test_real_terminal_first_screen_shows_header_and_first_result(terminal: Tmux) -> None:
    ids = [r.entry.id for r in store.load_searcher().search("本人に会えない", limit=5)]
    terminal.type("clear; hint search 本人に会えない")
    lines = terminal.wait_for("検索結果")
    lines = terminal.wait_for(ids[-1])  # the fifth result: all five are on the screen
    assert lines[0].startswith("「本人に会えない」の検索結果")
    assert any(ids[0] in line for line in lines[:4])  # the first result, right under its scene
    terminal.type("q", enter=False)


@needs_tmux
def test_real_terminal_pages_a_long_scene_and_quits(terminal: Tmux) -> None:
    terminal.type("clear; hint scene 3; echo done-$?")
    lines = terminal.wait_for("場面3")
    assert lines[0].startswith("場面3")  # the top of the text, not its end
    assert not any("done-" in line for line in lines)  # waiting in the pager
    terminal.type("q", enter=False)
    terminal.wait_for("done-0")


@needs_tmux
def test_real_terminal_no_pager_prints_everything(terminal: Tmux) -> None:
    terminal.type(
        "clear; hint --no-pager scene 3 | tail -1; hint scene 3 --no-pager > /dev/null; echo done-$?"
    )
    terminal.wait_for("done-0")
