"""Handout formats: plain text, Markdown and CSV rendered from the views, and `-o FILE`.

Golden files (tests/golden/*.plain.txt, *.md, *.csv) are one search (a fixed list of
results, not a live search) and one scene; regenerate after an intended change and
review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_formats.py
"""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest
from conftest import Invoke, fixed_results
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from hintcli import formats, views
from hintcli.corpus import Corpus, Entry
from hintcli.formats import markdown, table

pytestmark = pytest.mark.usefixtures("clean_env")

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 12, 3)
BOXES = set("╭╮╰╯│─║═╔╗╚╝")


def search_view(corpus: Corpus) -> views.SearchView:
    return views.search_view(corpus, "本人に会えない", fixed_results(corpus), None)._replace(total=41)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"regenerate: UPDATE_GOLDEN=1 pytest {__file__}"


@pytest.mark.parametrize(("fmt", "suffix"), [("plain", "plain.txt"), ("md", "md"), ("csv", "csv")])
def test_golden_search_and_scene(corpus: Corpus, fmt: str, suffix: str) -> None:
    golden(f"search.{suffix}", formats.render(search_view(corpus), fmt, today=TODAY))
    golden(f"scene1.{suffix}", formats.render(views.scene_view(corpus, corpus.scenes[1]), fmt, today=TODAY))


# --------------------------------------------------------------------------- plain


def test_piped_search_has_no_box_drawing_and_show_cites_on_one_line(invoke: Invoke, corpus: Corpus) -> None:
    found = invoke("search", "本人に会えない", env={"COLUMNS": "80"})
    assert found.exit_code == 0
    assert not BOXES & set(found.stdout)
    shown = invoke("show", "s1-h8", env={"COLUMNS": "80"})
    cite = [line for line in shown.stdout.splitlines() if line.startswith("出典")]
    assert cite == [f"出典: {corpus.about['citation']} p.8-10"]


def test_text_format_keeps_the_panels(invoke: Invoke) -> None:
    # Search results are grouped under scene lines (no boxes: the first screen holds more).
    assert BOXES & set(invoke("scene", "1", "--format", "text").stdout)


# --------------------------------------------------------------------------- CSV


def test_csv_opens_in_excel_and_reads_back(invoke: Invoke) -> None:
    result = invoke("search", "本人に会えない", "--format", "csv", "-n", "7")
    raw = result.stdout_bytes
    assert raw.startswith("\ufeff".encode())
    assert b"\r\n" in raw and raw.count(b"\n") == raw.count(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, body = rows[0], rows[1:]
    assert header[:9] == [
        "ID",
        "種類",
        "場面",
        "見出し",
        "本文",
        "テーマ",
        "開始ページ",
        "終了ページ",
        "出典",
    ]
    ids = [item["id"] for item in json.loads(invoke("search", "本人に会えない", "--json", "-n", "7").stdout)]
    assert [row[0] for row in body] == ids
    assert all(row[6].isdigit() and row[7].isdigit() for row in body)  # pages as numbers, not "8-10"


@given(st.text(alphabet="=+-@\t\r a1あ", min_size=1, max_size=8))
def test_no_csv_cell_is_a_formula(value: str) -> None:
    from hintcli.text import sanitize

    cell = table.cell(value)
    assert not cell.startswith(table.FORMULA_STARTS)
    assert cell.removeprefix("'") == sanitize(value)  # a CR is a control character: removed


def test_a_formula_in_the_data_is_quoted_in_csv(corpus: Corpus) -> None:
    entry = corpus.by_id["s1-h8"]._replace(text='=HYPERLINK("http://x","y")')
    document = table.render(views.entry_list(corpus, [entry], "x"))
    rows = list(csv.reader(io.StringIO(document.removeprefix(table.BOM), newline="")))
    assert rows[1][4] == "'" + entry.text


# --------------------------------------------------------------------------- Markdown


def md_texts(document: str) -> list[str]:
    """The text a Markdown renderer shows, token by token (inline content only)."""
    tokens = MarkdownIt("commonmark").parse(document)
    out = []
    for token in tokens:
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
    return out


def test_markdown_handout_has_title_entries_quotes_and_citation(corpus: Corpus) -> None:
    document = formats.render(search_view(corpus), "md", today=TODAY)
    tokens = MarkdownIt("commonmark").parse(document)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert headings[0].tag == "h1" and "2026-12-03" in document
    assert sum(t.type == "blockquote_open" for t in tokens) == len(fixed_results(corpus))
    assert "".join(md_texts(document)).count(corpus.by_id["s1-h8"].text) == 1
    assert document.rstrip().endswith(str(corpus.about["citation"]))


def test_show_as_markdown_is_a_quote_and_one_citation_line(invoke: Invoke, corpus: Corpus) -> None:
    result = invoke("show", "s1-h8", "--format", "md")
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("> ") and lines[-1].startswith("出典: ")
    assert sum(line.startswith("出典") for line in lines) == 1
    assert corpus.by_id["s1-h8"].text in result.stdout


PIECES = [*"*_`#>-+=[]()<>&|~!\\.1 あ漢\n", "<script>", "&amp;", "**", "1. ", "- ", "[x](y)", "http://a.b"]
MARKUP = st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=MARKUP)
def test_markdown_renders_report_text_exactly_as_written(corpus: Corpus, text: str) -> None:
    entry: Entry = corpus.by_id["s1-h8"]._replace(text=text.strip() or "x", agency=None)
    item = views.entry_view(corpus, entry)
    document = f"> {markdown.escape(entry.text)}\n"
    html = MarkdownIt("commonmark").render(document)
    tokens = MarkdownIt("commonmark").parse(document)
    assert [t.type for t in tokens] == [
        "blockquote_open",
        "paragraph_open",
        "inline",
        "paragraph_close",
        "blockquote_close",
    ]
    assert "".join(md_texts(document)) == " ".join(entry.text.split("\n"))
    assert "<script>" not in html
    assert item.id == "s1-h8"


# --------------------------------------------------------------------------- -o FILE


def test_output_file_is_written_once_and_replaced_only_with_force(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "s1.html"
    target_md = tmp_path / "s1.md"
    first = invoke("scene", "1", "-o", str(target_md))
    assert first.exit_code == 0 and "s1.md" in first.stdout
    written = target_md.read_bytes()
    assert written.startswith("# 場面1".encode())
    target_md.write_text("mine", encoding="utf-8")
    again = invoke("scene", "1", "-o", str(target_md))
    assert again.exit_code == 2 and "--force" in again.stderr
    assert target_md.read_text(encoding="utf-8") == "mine"  # untouched
    forced = invoke("scene", "1", "-o", str(target_md), "--force")
    assert forced.exit_code == 0 and target_md.read_bytes() == written
    assert not list(tmp_path.glob(".hint-*"))  # no temp file left behind
    assert not target.exists()


@pytest.mark.parametrize(
    ("name", "start"), [("a.csv", b"\xef\xbb\xbfID,"), ("a.json", b"{"), ("a.txt", "場面".encode())]
)
def test_output_format_follows_the_extension(invoke: Invoke, tmp_path: Path, name: str, start: bytes) -> None:
    result = invoke("scene", "1", "-o", str(tmp_path / name))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / name).read_bytes().startswith(start)


def test_output_with_an_unknown_extension_or_text_format_is_refused(invoke: Invoke, tmp_path: Path) -> None:
    unknown = invoke("scene", "1", "-o", str(tmp_path / "a.docx"))
    assert unknown.exit_code == 2 and "--format" in unknown.stderr
    text = invoke("scene", "1", "-o", str(tmp_path / "a.txt"), "--format", "text")
    assert text.exit_code == 2
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("fmt", ["plain", "md", "csv", "json"])
@pytest.mark.parametrize(
    "args",
    [
        ["search", "本人に会えない"],
        ["scene", "2"],
        ["list", "-c", "家族支援"],
        ["show", "pr3"],
        ["practices"],
        ["practices", "3"],
        ["story", "1"],
        ["story"],
        ["about"],
        ["list"],
    ],
)
def test_every_command_renders_every_format(invoke: Invoke, args: list[str], fmt: str) -> None:
    result = invoke(*args, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip()
    assert "\x1b" not in result.stdout
