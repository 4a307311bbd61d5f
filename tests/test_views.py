"""The view layer: what each command shows, decided once for every door."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import REPO

from hintcli import views
from hintcli.cli import LONG_LIVED, _command_named
from hintcli.corpus import Corpus, Kind

pytestmark = pytest.mark.usefixtures("clean_env")


def test_the_core_and_the_views_import_no_terminal_or_cli_library() -> None:
    code = (
        "import hintcli.views, hintcli.search, hintcli.store, hintcli.lookup, hintcli.formats.jsondata, sys;"
        "print(sorted(m for m in ('rich', 'typer', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip() == "[]"


def test_every_score_part_search_emits_has_a_japanese_label(corpus: Corpus) -> None:
    from hintcli import store
    from hintcli.search import PART_LABELS

    searcher = store.load_searcher()
    seen: set[str] = set()
    for query in ("本人に会えない", "しんどい", "家族 訪問", "支援者が燃え尽きそう", "ぴあさぽーと", "手紙"):
        for r in searcher.search(query, limit=None):
            seen |= set(r.parts)
    assert seen  # the searches did score something
    assert seen <= set(PART_LABELS), seen - set(PART_LABELS)
    assert all(label and not label.isascii() for label in PART_LABELS.values())


def test_a_search_the_report_does_not_cover_says_so_first(corpus: Corpus) -> None:
    from hintcli import store

    searcher = store.load_searcher()
    answer = searcher.answer("家庭内暴力")
    view = views.search_view(corpus, "家庭内暴力", answer.results, 5, answer=answer)
    if view.results:
        assert view.notices()[0] == views.NOT_COVERED
        assert all(r.weak for r in view.results)
    assert any("家庭内暴力" in line for line in view.notices())
    covered = searcher.answer("本人に会えない")
    assert views.search_view(corpus, "本人に会えない", covered.results, 5, answer=covered).notices() == ()


def test_every_kind_has_a_label_and_a_style() -> None:
    from hintcli.corpus import KIND_LABELS
    from hintcli.terminal.style import STYLE

    assert set(KIND_LABELS) == set(Kind)
    assert all(k in STYLE for k in Kind)


def test_a_story_line_keeps_its_section_and_subsection_apart(corpus: Corpus) -> None:
    line = next(e for e in corpus.entries if e.kind == Kind.STORY and e.subheading)
    view = views.entry_view(corpus, line)
    assert "／" not in (line.heading or "") and "／" not in line.subheading  # type: ignore[operator]
    assert view.heading == f"{line.heading}／{line.subheading}"
    story = views.story_view(corpus, line.story or 0)
    assert any(sub.name == line.subheading for s in story.sections for sub in s.subsections)
    assert story.title == corpus.stories[(line.story or 0) - 1].name


def test_scene_view_holds_every_entry_of_the_scene_once(corpus: Corpus) -> None:
    for scene in corpus.scenes.values():
        view = views.scene_view(corpus, scene)
        assert sorted(v.id for v in view.items()) == sorted(e.id for e in scene.entries)


def test_show_cites_the_report_with_the_entry_pages_on_one_line(corpus: Corpus) -> None:
    detail = views.entry_detail(corpus, corpus.by_id["s1-h8"])
    assert detail.citation == f"{corpus.about['citation']} p.8-10"
    assert "\n" not in detail.citation


def test_practice_categories_are_numbered_in_report_order(corpus: Corpus) -> None:
    groups = corpus.categories()
    assert [g.number for g in groups] == list(range(1, len(groups) + 1))
    assert sum(len(g.entries) for g in groups) == len(corpus.filter(kind=Kind.PRACTICE))


def test_only_long_lived_commands_keep_the_garbage_collector() -> None:
    assert _command_named(["--color", "never", "serve", "--port", "1"]) == "serve" in LONG_LIVED
    assert _command_named(["search", "serve"]) not in LONG_LIVED
    assert _command_named([]) is None


def test_explain_names_only_spellings_the_word_shown_does_not_have() -> None:
    from hintcli import store

    # ケース is matched through けーす, けー and ーす; the text's ス, a piece of the word as
    # shown, is no other spelling of it (it read 「ケース 4.34（本文: す）」).
    searcher = store.load_searcher()
    query = "大きな地震のあと連絡が取れなくなったケース"
    result = next(r for r in searcher.search(query, limit=None) if r.entry.id == "s6-h4")
    rows = dict(views.explanation(result, searcher.spelling, searcher.parse(query).terms).rows)
    assert rows["一致した語"].startswith("ケース ") and "本文" not in rows["一致した語"].split("、")[0]
    # The report's own spelling of the word typed is still named (障がい: the text's 障害).
    result = next(r for r in searcher.search("障がい", limit=None) if "障害" in r.entry.text)
    rows = dict(views.explanation(result, searcher.spelling, searcher.parse("障がい").terms).rows)
    assert "（本文: 障害" in rows["一致した語"]
