"""The HTML handout (`--format html`, and the web pages' downloads): one self-contained, escaped file.

Golden files (tests/golden/search.html, scene1.html): one fixed search and one scene.
Regenerate after an intended change and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_htmlpage.py
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import DATA, Invoke, fixed_results, parse_html, replace_in

from hintcli import formats, store, views
from hintcli.corpus import Corpus
from hintcli.formats import htmlpage

pytestmark = pytest.mark.usefixtures("clean_env")

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 12, 3)
EXTERNAL = re.compile(r"https?:|//|@import|url\(", re.I)


elements = parse_html


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"regenerate: UPDATE_GOLDEN=1 pytest {__file__}"


def test_golden_search_and_scene(corpus: Corpus) -> None:
    search = views.search_view(corpus, "本人に会えない", fixed_results(corpus), None)._replace(total=41)
    golden("search.html", formats.render(search, "html", today=TODAY))
    golden("scene1.html", formats.render(views.scene_view(corpus, corpus.scenes[1]), "html", today=TODAY))


def assert_self_contained(page: str) -> None:
    parsed = elements(page)
    names = [t for t, _ in parsed.tags]
    assert not {"script", "link", "img", "iframe", "a", "object", "embed", "form"} & set(names), names
    assert not any(k.startswith("on") or k in ("href", "src") for _, a in parsed.tags for k in a)
    assert not EXTERNAL.search(page), EXTERNAL.search(page)
    assert names.count("style") == 1 and "@page" in page and "size: A4" in page


@pytest.mark.parametrize(
    "args",
    [
        ("scene", "3"),
        ("search", "本人に会えない"),
        ("show", "s1-h8"),
        ("list",),
        ("list", "-c", "家族支援"),
        ("practices",),
        ("practices", "3"),
        ("story",),
        ("story", "2"),
        ("about",),
    ],
)
def test_every_command_prints_a_self_contained_printable_html_file(
    invoke: Invoke, corpus: Corpus, args: tuple[str, ...]
) -> None:
    result = invoke(*args, "--format", "html")
    assert result.exit_code == 0, result.output
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ja">' in page
    assert_self_contained(page)
    # The overviews' views carry no citation (views.Overview, PracticesOverview): no empty line either.
    cited = args not in (("list",), ("practices",))
    assert (f"出典: {corpus.about['citation']}" in page) == cited
    assert "出典: <" not in page


def test_output_file_by_extension(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "s1.html"
    assert invoke("scene", "1", "-o", str(target)).exit_code == 0
    first = target.read_bytes()
    assert first.startswith(b"<!DOCTYPE html>")
    assert invoke("scene", "1", "-o", str(target)).exit_code == 2
    assert target.read_bytes() == first


def test_markup_in_a_query_and_in_the_data_is_escaped(invoke: Invoke, data_copy: Path) -> None:
    evil = '<script>alert("x")</script> & "q" <b>'
    replace_in(
        data_copy / "report" / "scene1.toml",
        "手紙で支援者について知ってもらおう",
        "手紙で支援者について" + evil.replace('"', '\\"') + "知ってもらおう",
    )
    store.clear()
    for args in (("scene", "1"), ("show", "s1-h8"), ("search", "手紙", "-n", "50")):
        page = invoke(*args, "--format", "html").stdout
        assert_self_contained(page)
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;q&quot; &lt;b&gt;" in page, args
        assert not any(t == "b" for t, _ in elements(page).tags)
    assert "「手紙 &lt;script&gt;」の検索結果" in invoke("search", "手紙 <script>", "--format", "html").stdout


def test_the_stylesheet_is_the_web_pages_own() -> None:
    css = (Path(htmlpage.__file__).parent.parent / "static" / "page.css").read_text(encoding="utf-8")
    assert css in htmlpage.handout(views.about(store.load_corpus(), "", "0"))
    assert DATA.is_dir()
