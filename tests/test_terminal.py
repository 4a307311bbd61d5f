"""The terminal door: console decisions, Japanese line breaking, tables, and golden files.

Golden files (tests/golden/): `hint scene 1` at 80 columns without and with colour
(scene1.txt, scene1.ansi) and at 40 (scene1-40.txt); the search view of a fixed
list of results (not a live search: ranking changes must not move it) at 80 and
40 columns (search-80.txt, search-40.txt); `hint --help` and `hint search --help`
at 80 and 40 columns (help-80.txt, help-40.txt). After an intended change to the
output, regenerate them and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_terminal.py
"""

from __future__ import annotations

import io
import itertools
import os
import re
from pathlib import Path

import pytest
from conftest import Invoke, fixed_results
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from hintcli import views
from hintcli.corpus import Corpus, Entry
from hintcli.search import Term
from hintcli.terminal import panels
from hintcli.terminal.console import make_console, message
from hintcli.terminal.style import FIX_MARK
from hintcli.terminal.width import Clamp, JText, break_offsets
from hintcli.terminal.width import say as say_wrapped

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


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"regenerate: UPDATE_GOLDEN=1 pytest {__file__}"


@pytest.mark.parametrize(
    ("name", "args", "columns"),
    [("scene1.txt", [], "80"), ("scene1.ansi", ["--color", "always"], "80"), ("scene1-40.txt", [], "40")],
)
def test_golden_scene_1(invoke: Invoke, name: str, args: list[str], columns: str) -> None:
    result = invoke(*args, "scene", "1", "--format", "text", env={"COLUMNS": columns})
    assert result.exit_code == 0
    golden(name, result.stdout)


@pytest.mark.parametrize("columns", ["80", "40"])
def test_golden_help(invoke: Invoke, columns: str) -> None:
    pages = [invoke(*args, env={"COLUMNS": columns}) for args in (["--help"], ["search", "--help"])]
    assert all(page.exit_code == 0 for page in pages)
    text = "".join(page.stdout for page in pages)
    assert max(cell_len(line) for line in text.splitlines()) <= int(columns)
    golden(f"help-{columns}.txt", text)


def search_view(corpus: Corpus, width: int, explain: bool = False) -> str:
    console, stream = styled("never", width=width)
    results = fixed_results(corpus)
    reading = [Term("本人", 1.0, "word"), Term("燃え尽き", 0.7, "thesaurus", via="しんど")]
    view = views.search_view(corpus, "本人に会えない", results, None, explain=explain, reading=reading)
    panels.search_results(console, view._replace(total=41), "本人に会えない")
    return stream.getvalue()


@pytest.mark.parametrize("width", [80, 40])
def test_golden_search(corpus: Corpus, width: int) -> None:
    golden(f"search-{width}.txt", search_view(corpus, width))


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
    console.print(
        panels.entry_text(views.EntryView(entry, "", "", "", views.Place("", None, ""), "", "", ""))
    )
    out = ANSI.sub("", stream.getvalue())
    assert "[bold]太字[/] [link=http://x]y[/link] :smile:" in out
    assert "\x1b]8" not in stream.getvalue()


def test_message_is_one_unwrapped_line() -> None:
    console, stream = styled("never", width=20)
    message(console, "とても長いメッセージは端末に折り返しを任せて一行で出す")
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
    panels.overview(console, views.overview(corpus))
    rows = [line for line in stream.getvalue().splitlines() if re.match(r"場面\d", line)]
    assert len(rows) == 6
    page_columns = {cell_len(row[: row.index("p.")]) for row in rows}
    assert len(page_columns) == 1, rows


@pytest.mark.parametrize("width", [20, 40, 59, 60, 100])
def test_every_view_fits_any_width(corpus: Corpus, width: int) -> None:
    console, stream = styled("never", width=width)
    panels.scene(console, views.scene_view(corpus, corpus.scenes[4]))
    panels.overview(console, views.overview(corpus))
    panels.entry_list(console, views.entry_list(corpus, corpus.entries[:30], "一覧"))
    panels.entry_detail(console, views.entry_detail(corpus, corpus.by_id["s2-h2"]))
    panels.practices_overview(console, views.practices_overview(corpus))
    panels.stories(console, [views.story_view(corpus, 1), views.story_view(corpus, 2)])
    out = stream.getvalue()
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert "s4-c1" in out


def test_entry_panel_is_ready_for_search_results(corpus: Corpus) -> None:
    entry = corpus.by_id["s1-h5"]
    console, stream = styled("always", tty=True, width=100)
    console.print(panels.entry_panel(views.entry_view(corpus, entry), spans=[(3, 5)]))
    out = stream.getvalue()
    plain = ANSI.sub("", out)
    assert "場面1" in plain and "s1-h5" in plain and f"「{entry.heading}」" in plain
    assert "\x1b[1;7m" + entry.text[3:5] in out  # highlighted span


def test_corrected_entries_are_marked_with_a_footnote(corpus: Corpus) -> None:
    console, stream = styled("never", width=100)
    panels.scene(console, views.scene_view(corpus, corpus.scenes[2]))
    out = stream.getvalue()
    assert FIX_MARK in out
    assert out.rstrip().splitlines()[-1].startswith(FIX_MARK)
    console, stream = styled("never", width=100)
    panels.scene(console, views.scene_view(corpus, corpus.scenes[3]))
    assert FIX_MARK not in stream.getvalue()


def test_pages() -> None:
    assert views.pages(8, 10) == "p.8-10"
    assert views.pages(24, None) == "p.24"
    assert views.pages(24, 24) == "p.24"
    assert views.pages(None) == ""


# --------------------------------------------------------------------------- search results


def test_search_view_order_suggestions_after_the_first_results(corpus: Corpus) -> None:
    out = search_view(corpus, 100)
    lines = out.splitlines()
    assert lines[0] == "「本人に会えない」の検索結果  6件／全41件（すべて: --limit 41）"
    panel = out.index("場面1の委員からのサジェスション")
    assert out.index("st1-6") < panel < out.index("ほかの結果（6件目）") < out.index("s1-h7")
    assert "全文: hint scene 1" in out
    assert "場面6の委員からのサジェスション" not in out  # one result of scene 6 is not enough
    assert "検索語の読み取り" not in out and "スコア" not in out


def test_search_view_labels(corpus: Corpus) -> None:
    out = search_view(corpus, 120)
    assert f"場面1「{corpus.scenes[1].title}」 p.8-10" in out
    assert "支援体制の具体例（ソフト面） p.4-7" in out
    assert "素材集（歩みの例1） p.24" in out
    assert "「会えない場合は手紙で伝える」" in out
    assert "委員からのサジェスション" in out


def test_search_view_explains_terms_expansions_typos_and_score(corpus: Corpus) -> None:
    out = search_view(corpus, 120, explain=True)
    assert "検索語の読み取り: 語 本人 ／ 言い換え しんど → 燃え尽き" in out
    for line in (
        "一致した語 会え 4.50、本人 0.90",
        "一致した語 会え 3.10、「本人に会えない」 0.90",
        "言い換え しんど → 燃え尽き 2.70・抱え込 3.80",
        "誤字補正 ぴあさぽたあ → ぴあさぽた 4.00",
        "スコア 12.00 = 語の一致 5.40 + 場面の一致 6.60",
    ):
        assert line in re.sub(r" {2,}", " ", out), line


def test_search_view_highlights_only_in_colour(corpus: Corpus) -> None:
    console, stream = styled("always", tty=True, width=200)
    results = fixed_results(corpus)[:1]
    panels.search_results(console, views.search_view(corpus, "q", results, None), "q")
    assert "\x1b[1;7m会え\x1b[0m" in stream.getvalue()
    plain = search_view(corpus, 400)
    assert corpus.by_id["s1-h8"].text in plain


@pytest.mark.parametrize("width", [20, 30, 40, 59, 60, 80, 100])
@pytest.mark.parametrize("explain", [False, True])
def test_search_view_fits_any_width(corpus: Corpus, width: int, explain: bool) -> None:
    out = search_view(corpus, width, explain)
    assert max(cell_len(line) for line in out.splitlines()) <= width
    assert all(f"s1-c{n}" in out for n in range(1, 6))
    assert "p.8-10" in out  # a shortened title keeps the pages


def test_place_shortens_a_long_scene_title_but_keeps_the_pages(corpus: Corpus) -> None:
    entry = corpus.by_id["s1-h8"]
    title = corpus.scenes[1].title
    place = views.place(corpus, entry)
    assert panels.place(place) == place.full() == f"場面1「{title}」 p.8-10"
    short = panels.place(place, 30)
    assert short.startswith("場面1「ひき") and short.endswith("…」 p.8-10") and cell_len(short) <= 30
    assert panels.place(place, 14) == "場面1 p.8-10"


def test_clamp_cuts_to_whole_lines_with_an_ellipsis() -> None:
    console = Console(file=io.StringIO(), width=20)
    long = JText("あいうえおかきくけこ" * 5)
    console.print(Clamp(long, 2))
    lines = console.file.getvalue().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 2
    assert lines[1].endswith("…") and cell_len(lines[1]) <= 20
    console = Console(file=io.StringIO(), width=20)
    console.print(Clamp(JText("みじかい"), 2))
    assert console.file.getvalue() == "みじかい\n"  # type: ignore[attr-defined]


def test_say_wraps_by_japanese_rules() -> None:
    console, stream = styled("never", width=20)
    say_wrapped(console, Text("あいうえお かきくけこ。さしすせそ"))
    assert stream.getvalue().splitlines() == ["あいうえお かきくけ", "こ。さしすせそ"]
