"""Rendering: console decisions, Japanese line breaking, tables, and golden files.

Golden files (tests/golden/scene1.txt and scene1.ansi) are `hint scene 1` at 80
columns, without and with colour. After an intended change to the output,
regenerate them and review the diff:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_render.py
"""

from __future__ import annotations

import io
import itertools
import os
import re
from pathlib import Path

import pytest
from conftest import Invoke
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from hintcli import render
from hintcli.corpus import Corpus, Entry
from hintcli.render import JText, break_offsets, make_console

pytestmark = pytest.mark.usefixtures("clean_env")

GOLDEN = Path(__file__).parent / "golden"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Terminal(io.StringIO):
    """A captured stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def printed(console: Console) -> str:
    file = console.file
    assert isinstance(file, io.StringIO) or hasattr(file, "_stream")
    stream = getattr(file, "_stream", file)
    return stream.getvalue()


def styled(color: str = "auto", tty: bool = False, width: int = 80) -> tuple[Console, io.StringIO]:
    stream: io.StringIO = Terminal() if tty else io.StringIO()
    return make_console(color, file=stream, width=width), stream  # type: ignore[arg-type]


def say(console: Console, stream: io.StringIO) -> str:
    console.print(JText("場面", style="bold red"))
    return stream.getvalue()


# --------------------------------------------------------------------------- golden files


@pytest.mark.parametrize(("name", "args"), [("scene1.txt", []), ("scene1.ansi", ["--color", "always"])])
def test_golden_scene_1(invoke: Invoke, name: str, args: list[str]) -> None:
    result = invoke(*args, "scene", "1", env={"COLUMNS": "80"})
    assert result.exit_code == 0
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8"), f"regenerate: UPDATE_GOLDEN=1 pytest {__file__}"


def test_golden_files_differ_only_in_escape_codes() -> None:
    plain = (GOLDEN / "scene1.txt").read_text(encoding="utf-8")
    ansi = (GOLDEN / "scene1.ansi").read_text(encoding="utf-8")
    assert "\x1b[" not in plain and "\x1b[" in ansi
    # Colour output keeps the padding Rich writes; plain output drops trailing spaces.
    assert [line.rstrip() for line in ANSI.sub("", ansi).splitlines()] == plain.splitlines()


def test_golden_plain_fits_80_columns_with_ids_and_distinct_suggestions() -> None:
    plain = (GOLDEN / "scene1.txt").read_text(encoding="utf-8")
    assert max(cell_len(line) for line in plain.splitlines()) == 80
    assert "╔═ 委員からのサジェスション" in plain  # double border: distinct without colour too
    assert "╭─ 具体例" in plain
    assert not any(line.endswith(" ") for line in plain.splitlines())


# --------------------------------------------------------------------------- console decisions


def test_piped_output_is_plain(monkeypatch: pytest.MonkeyPatch) -> None:
    console, stream = styled("auto", tty=False)
    assert "\x1b" not in say(console, stream)


def test_terminal_gets_colour() -> None:
    console, stream = styled("auto", tty=True)
    assert "\x1b[1;31m" in say(console, stream)


def test_no_color_keeps_bold_drops_colour(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    console, stream = styled("auto", tty=True)
    out = say(console, stream)
    assert "\x1b[1m" in out and "31" not in out


def test_empty_no_color_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "")
    console, stream = styled("auto", tty=True)
    assert "\x1b[1;31m" in say(console, stream)


def test_force_color_colours_a_pipe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    console, stream = styled("auto", tty=False)
    assert "\x1b[1;31m" in say(console, stream)


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}, {"FORCE_COLOR": "1"}])
def test_color_option_overrides_the_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    always, stream = styled("always", tty=False)
    assert "\x1b[1;31m" in say(always, stream)
    never, stream = styled("never", tty=True)
    assert "\x1b" not in say(never, stream)


def test_columns_sets_the_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "33")
    assert make_console("never", file=io.StringIO()).width == 33


def test_plain_writer_drops_trailing_spaces_across_writes() -> None:
    stream = io.StringIO()
    console = make_console("never", file=stream)
    console.file.write("a  ")
    console.file.write("  \nb ")
    console.file.write("c\n")
    assert stream.getvalue() == "a\nb c\n"


# --------------------------------------------------------------------------- text is text


def test_markup_and_escapes_in_data_are_printed_literally() -> None:
    entry = Entry(
        id="x1", kind="hint", text="[bold]太字[/] [link=http://x]y[/link] :smile:", themes=("t",), page=1
    )
    console, stream = styled("always", tty=True)
    console.print(render.entry_text(entry))
    out = ANSI.sub("", stream.getvalue())
    assert "[bold]太字[/] [link=http://x]y[/link] :smile:" in out
    assert "\x1b]8" not in stream.getvalue()


def test_message_is_one_unwrapped_line() -> None:
    console, stream = styled("never", width=20)
    render.message(console, "とても長いメッセージは端末に折り返しを任せて一行で出す")
    assert stream.getvalue().count("\n") == 1
    assert stream.getvalue().startswith("hint: ")


# --------------------------------------------------------------------------- Japanese line breaking


def wrapped(text: str, width: int) -> list[str]:
    console = Console(file=io.StringIO(), width=width)
    return [line.plain for line in JText(text).wrap(console, width)]


def test_no_line_starts_with_closing_punctuation() -> None:
    lines = wrapped("あいうえおかきくけこ。さしすせそ", 20)
    assert lines == ["あいうえおかきくけ", "こ。さしすせそ"]


def test_no_line_ends_with_an_opening_bracket() -> None:
    lines = wrapped("あいうえおかきくけ「こさしすせそ」", 20)
    assert lines[0] == "あいうえおかきくけ"
    assert lines[1].startswith("「")


def test_last_line_is_not_a_single_character() -> None:
    assert wrapped("あいうえおかきくけこさ", 20) == ["あいうえおかきくけ", "こさ"]


def test_ascii_runs_stay_whole() -> None:
    lines = wrapped("あいうえおかきく p.11-13 です", 20)
    assert "p.11-13" in "".join(line for line in lines if "p." in line)
    assert not any(line.endswith("p.") for line in lines)


@given(
    st.text(alphabet="あいう漢字。、「」（）ーっabc 1", max_size=60), st.integers(min_value=1, max_value=30)
)
def test_break_offsets_cover_the_text_and_fit_the_width(text: str, width: int) -> None:
    offsets = break_offsets(text, width)
    assert offsets == sorted(set(offsets))
    assert all(0 < o < len(text) for o in offsets)
    bounds = [0, *offsets, len(text)]
    pieces = [text[a:b] for a, b in itertools.pairwise(bounds)]
    assert "".join(pieces) == text
    for piece in pieces:
        assert cell_len(piece) <= width or len(piece) == 1 or piece.isascii()


# --------------------------------------------------------------------------- tables and narrow terminals


def test_wide_characters_align_in_tables(corpus: Corpus) -> None:
    console, stream = styled("never", width=120)
    render.overview(console, corpus)
    rows = [line for line in stream.getvalue().splitlines() if re.match(r"場面\d", line)]
    assert len(rows) == 6
    page_columns = {cell_len(row[: row.index("p.")]) for row in rows}
    assert len(page_columns) == 1, rows


@pytest.mark.parametrize("width", [20, 40, 59, 60, 100])
def test_every_view_fits_any_width(corpus: Corpus, width: int) -> None:
    console, stream = styled("never", width=width)
    render.scene(console, corpus.scenes[4])
    render.overview(console, corpus)
    render.entry_list(console, corpus, corpus.entries[:30], "一覧")
    render.entry_detail(console, corpus, corpus.by_id["s2-h2"], "出典")
    render.practices_overview(console, corpus)
    render.stories(console, corpus, [1, 2])
    out = stream.getvalue()
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert "s4-c1" in out


def test_entry_panel_is_ready_for_search_results(corpus: Corpus) -> None:
    entry = corpus.by_id["s1-h5"]
    console, stream = styled("always", tty=True, width=100)
    console.print(render.entry_panel(corpus, entry, spans=[(3, 5)]))
    out = stream.getvalue()
    plain = ANSI.sub("", out)
    assert "場面1" in plain and "s1-h5" in plain and f"「{entry.heading}」" in plain
    assert "\x1b[1;7m" + entry.text[3:5] in out  # highlighted span


def test_corrected_entries_are_marked_with_a_footnote(corpus: Corpus) -> None:
    console, stream = styled("never", width=100)
    render.scene(console, corpus.scenes[2])
    out = stream.getvalue()
    assert render.FIX_MARK in out
    assert out.rstrip().splitlines()[-1].startswith(render.FIX_MARK)
    console, stream = styled("never", width=100)
    render.scene(console, corpus.scenes[3])
    assert render.FIX_MARK not in stream.getvalue()


def test_pages() -> None:
    assert render.pages(8, 10) == "p.8-10"
    assert render.pages(24, None) == "p.24"
    assert render.pages(24, 24) == "p.24"
    assert render.pages(None) == ""
