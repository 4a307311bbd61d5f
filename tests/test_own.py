"""A team's own hints beside the report: user folders, `hint add`, `check`, `paths`, labels, the cache.

Golden files (tests/golden/own-scene2.txt, own-search.txt) are a scene and a search with own
entries and a note, at 80 columns; regenerate after an intended change and review the diff:

    UPDATE_GOLDEN=1 pytest tests/test_own.py
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, Invoke, run_hint
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hintcli import own, store, views
from hintcli.corpus import ID_RE, Corpus, load

GOLDEN = Path(__file__).parent / "golden"

TEAM = """\
[[hint]]
id = "letter"
text = "初回の手紙は短くし、返事を求めない書き方にした。"
heading = "手紙の工夫"
scene = 2
themes = ["手紙・電話・メール", "かぞく"]
author = "山田"
date = 2026-12-01

[[hint]]
text = "父親の退職後に相談に来た家族には、まず父親の話を聞いた。"
about = "s1-h8"
"""


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> Iterator[Path]:
    """A user folder named by source.toml, with two entries (one a note on s1-h8)."""
    folder = tmp_path / "team"
    folder.mkdir()
    (folder / "source.toml").write_text('name = "○○市ひきこもり地域支援センター"\n', encoding="utf-8")
    (folder / "hints.toml").write_text(TEAM, encoding="utf-8")
    monkeypatch.setenv("HINT_USER_DIR", str(folder))
    store.clear()
    yield folder
    store.clear()


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"regenerate: UPDATE_GOLDEN=1 pytest {__file__}"


# --------------------------------------------------------------------------- labelled, added, never replacing


def test_golden_scene_and_search_with_own_entries_and_a_note(team: Path, invoke: Invoke) -> None:
    scene = invoke("scene", "2", "--format", "text", "--no-pager", env={"COLUMNS": "80"})
    assert scene.exit_code == 0, scene.stderr
    golden("own-scene2.txt", scene.stdout)
    found = invoke(
        "search", "手紙", "返事", "-n", "5", "--format", "text", "--no-pager", env={"COLUMNS": "80"}
    )
    assert found.exit_code == 0, found.stderr
    golden("own-search.txt", found.stdout)


def test_an_own_entry_of_a_scene_shares_the_scene_s_lift(team: Path) -> None:
    """It stands beside the report's entries of its scene (u_letter: 場面2)."""
    from hintcli.search import Part

    found = {r.entry.id: r for r in store.load_searcher().search("手紙 返事", limit=None)}
    scene2 = [r for r in found.values() if r.entry.scene == 2 and not r.entry.own]
    assert scene2 and found["u_letter"].parts[Part.PART] == pytest.approx(scene2[0].parts[Part.PART])
    assert found["u_letter"].parts[Part.PART] > 0


def test_own_entries_are_labelled_in_every_format(team: Path, invoke: Invoke) -> None:
    source = "○○市ひきこもり地域支援センター"
    for fmt in ("text", "plain", "md", "csv", "html"):
        out = invoke("show", "u_letter", "--format", fmt, "--no-pager").stdout
        assert (source in out and "独自のヒント" in out) or (fmt == "csv" and source in out), fmt
        assert "令和3年3月）" not in out, (
            fmt
        )  # never the report's citation for text the report does not contain
    data = json.loads(invoke("show", "u_letter", "--json").stdout)
    assert data["source"] == source and data["author"] == "山田" and data["date"] == "2026-12-01"
    assert data["citation"] == "" and data["themes"] == ["手紙・電話・メール", "家族支援"]


def test_a_note_is_shown_under_the_entry_it_is_about(team: Path, invoke: Invoke, corpus: Corpus) -> None:
    shown = invoke("show", "s1-h8")
    assert "メモ（○○市ひきこもり地域支援センター）: 父親の退職後" in shown.stdout
    assert corpus.by_id["s1-h8"].text in shown.stdout  # the report's text stays as it is
    data = json.loads(invoke("show", "s1-h8", "--json").stdout)
    assert data["notes"][0]["id"] == "u_hints-2"


def test_list_and_source_filters_count_own_and_report_entries(team: Path, invoke: Invoke) -> None:
    everything = json.loads(invoke("list", "--json").stdout)
    report = json.loads(invoke("list", "--json", "--source", "report").stdout)
    mine = json.loads(invoke("list", "--json", "--source", "own").stdout)
    named = json.loads(invoke("list", "--json", "--source", "○○市").stdout)
    assert len(everything) == 223 and len(report) == 221 and len(mine) == len(named) == 2
    assert {e["source"] for e in report} == {"report"}
    assert invoke("list", "--source", "どこにもない").exit_code == 2
    scene = json.loads(invoke("scene", "2", "--json").stdout)
    assert "u_letter" in [e["id"] for e in scene["entries"]]


def test_own_ids_can_never_be_the_reports() -> None:
    assert not ID_RE.match(own.ID_PREFIX + "s1-h1")
    assert not ID_RE.match(own.ID_PREFIX + "letter")


def test_an_empty_user_folder_changes_no_output(tmp_path: Path, clean_env: None) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    commands = [
        ["scene", "3"],
        ["list", "--json"],
        ["search", "本人に会えない"],
        ["show", "s1-h8", "--format", "md"],
    ]
    for args in commands:
        without = run_hint(*args, env={"HINT_USER_DIR": "", "HINT_CACHE_DIR": str(tmp_path / "c1")})
        with_empty = run_hint(
            *args, env={"HINT_USER_DIR": str(empty), "HINT_CACHE_DIR": str(tmp_path / "c2")}
        )
        assert without.returncode == with_empty.returncode == 0
        assert without.stdout == with_empty.stdout and with_empty.stderr == b"", args


# --------------------------------------------------------------------------- files people write by hand


def test_a_broken_file_is_one_warning_and_the_report_stays(team: Path, invoke: Invoke) -> None:
    (team / "broken.toml").write_text('[[hint]]\ntext = "閉じていない\n', encoding="utf-8")
    store.clear()
    found = invoke("search", "本人に会えない")
    assert found.exit_code == 0
    warnings = found.stderr.strip().splitlines()
    assert len(warnings) == 1 and "broken.toml:2" in warnings[0]
    assert "u_letter" in invoke("list", "--json", "--source", "own").stdout  # the good file still loads
    checked = invoke("check")
    assert checked.exit_code == 3
    assert next(line for line in checked.stdout.splitlines() if "broken.toml" in line).startswith(str(team))


def test_bom_and_crlf_load_and_cp932_is_named(team: Path, invoke: Invoke) -> None:
    (team / "hints.toml").write_bytes(b"\xef\xbb\xbf" + TEAM.replace("\n", "\r\n").encode("utf-8"))
    store.clear()
    assert invoke("check").exit_code == 0
    assert "u_letter" in invoke("list", "--json", "--source", "own").stdout
    (team / "sjis.toml").write_bytes('[[hint]]\ntext = "シフトJIS"\n'.encode("cp932"))
    store.clear()
    checked = invoke("check")
    assert (
        checked.exit_code == 3
        and "sjis.toml" in checked.stdout
        and "UTF-8 にして保存し直して" in checked.stdout
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('text = "x"\nscene = 9', "scene"),
        ('text = "x"\nthemes = ["ない"]', "テーマ"),
        ('text = "x"\nabout = "zz-9"', "about"),
        ('heading = "本文なし"', "text"),
        ('text = "x"\ncolour = 1', "不明な項目"),
        ('text = "x"\nid = "S1 H1"', "id"),
    ],
)
def test_each_problem_names_file_line_and_field(team: Path, invoke: Invoke, entry: str, problem: str) -> None:
    (team / "bad.toml").write_text(f"# comment\n\n[[hint]]\n{entry}\n", encoding="utf-8")
    checked = invoke("check")
    line = next(line for line in checked.stdout.splitlines() if "bad.toml" in line)
    assert "bad.toml:3: " in line and problem in line, line


def test_edits_show_up_at_once(team: Path, tmp_path: Path) -> None:
    env = {"HINT_USER_DIR": str(team), "HINT_CACHE_DIR": str(tmp_path / "cache")}

    def ids() -> list[str]:
        p = run_hint("list", "--json", "--source", "own", env=env)
        return [e["id"] for e in json.loads(p.stdout)] if p.returncode == 0 else []

    assert ids() == ["u_letter", "u_hints-2"]
    (team / "more.toml").write_text('[[hint]]\ntext = "追加した"\n', encoding="utf-8")
    assert "u_more-1" in ids()
    (team / "more.toml").write_text('[[hint]]\nid = "renamed"\ntext = "直した"\n', encoding="utf-8")
    assert "u_renamed" in ids() and "u_more-1" not in ids()
    (team / "more.toml").unlink()
    assert ids() == ["u_letter", "u_hints-2"]


# --------------------------------------------------------------------------- hint add, paths


def test_hint_add_in_a_process_of_its_own(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    env = {
        "HOME": str(tmp_path / "home"),
        "HINT_USER_DIR": str(mine),
        "HINT_CACHE_DIR": str(tmp_path / "cache"),
    }
    added = run_hint(
        "add",
        "返事を急がせない手紙を月に一度送った",
        "--scene",
        "2",
        "--heading",
        "手紙の間隔",
        "--theme",
        "家族支援",
        env=env,
    )
    assert added.returncode == 0, added.stderr
    new_id = added.stdout.decode().strip()
    assert new_id.startswith(own.ID_PREFIX) and len(added.stdout.decode().splitlines()) == 1
    files = list(mine.glob("*.toml"))
    assert len(files) == 1 and not list(mine.glob(".*"))  # one new file, no temp file left
    found = json.loads(run_hint("search", "返事を急がせない手紙", "--json", env=env).stdout)
    assert new_id in [e["id"] for e in found[:5]]
    assert next(e for e in found if e["id"] == new_id)["source"] == "mine"
    note = run_hint("add", "この家族には手紙より電話が合った", "--about", "S1-H8", env=env)
    assert note.returncode == 0
    assert "この家族には手紙より電話が合った" in run_hint("show", "s1-h8", env=env).stdout.decode()
    before = {p: p.read_bytes() for p in mine.glob("*.toml")}
    bad = run_hint("add", "x", "--scene", "9", env=env)
    assert (
        bad.returncode == 2 and {p: p.read_bytes() for p in mine.glob("*.toml")} == before
    )  # nothing written
    nowhere = run_hint("add", "x", env={**env, "HINT_USER_DIR": ""})
    assert nowhere.returncode == 2 and "HINT_USER_DIR" in nowhere.stderr.decode()


def test_paths_names_every_folder_and_whether_it_is_writable(team: Path, invoke: Invoke) -> None:
    out = invoke("paths").stdout
    assert str(DATA.resolve()) in out and str(team.resolve()) in out and "書き込み可" in out
    assert "○○市ひきこもり地域支援センター" in out and "hintcli-cache-v1" in out


# --------------------------------------------------------------------------- ranking


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=st.lists(
        st.sampled_from(
            [
                "本人に会えない",
                "家族が疲れている",
                "手紙を送った",
                "訪問を続けた",
                "就労の相談",
                "支援者が燃え尽きそう",
                "ゲームばかり",
                "天ぷら",
            ]
        ),
        min_size=1,
        max_size=6,
    ),
    query=st.sampled_from(["本人に会えない", "家族 疲れ", "手紙", "燃え尽き", "就労", "訪問 手紙"]),
)
def test_own_entries_never_reorder_the_reports_results(texts: list[str], query: str) -> None:
    from hintcli.search import Searcher

    loaded = store.load_all()
    report = load(DATA)
    source = own.Source("team", Path("/team"), False)
    ctx = own._context(report)
    added = [
        own._entry(source, Path("/team/t.toml"), {"text": t, "id": f"t{i}"}, i, ctx)
        for i, t in enumerate(texts)
    ]
    r = report
    with_own = Corpus(r.entries + tuple(added), r.scenes, r.themes, r.sections, r.stories, r.about)
    alone = [r.entry.id for r in Searcher(report, loaded.thesaurus).search(query, limit=None)]
    mixed = [r.entry.id for r in Searcher(with_own, loaded.thesaurus).search(query, limit=None)]
    assert [d for d in mixed if not d.startswith(own.ID_PREFIX)] == alone


def test_views_label_an_own_entry_as_the_teams(team: Path, corpus: Corpus) -> None:
    item = views.entry_view(corpus, corpus.by_id["u_letter"])
    assert item.own and item.citation == "" and "独自のヒント" in item.location


def test_the_readme_example_file_loads_without_a_problem(corpus: Corpus, tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, re.S)
    assert example is not None
    path = tmp_path / "example.toml"
    source = own.Source("例", tmp_path, True)
    entries, problems = own.parse_file(source, path, example.group(1).encode(), own._context(corpus))
    assert problems == [] and len(entries) == 2
    assert entries[1].note_on == "s1-h8" and entries[0].id == "u_letter-1"
