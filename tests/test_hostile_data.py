"""A data file with terminal controls in every kind of text: nothing of them reaches any output.

The data is the report's, copied, with ESC sequences, NUL, BEL, DEL and C1 controls put into entry
texts, hint headings, scene titles, theme descriptions, story and section titles and about.toml;
every command is run in-process (human output) and must print none of them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import Invoke, replace_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
PAYLOADS = ["\x1b[2J", "\x1b]0;title\x07", "\x1b]8;;http://x\x1b\\", "\x00", "\x7f", "\x9b31m", "\x85", "\r"]


def toml_escaped(payload: str) -> str:
    return "".join(ch if ch.isprintable() else f"\\u{ord(ch):04x}" for ch in payload)


def plant(data: Path, payload: str) -> None:
    p = toml_escaped(payload)
    replace_in(data / "report" / "scene1.toml", 'title = "', f'title = "{p}')
    replace_in(data / "report" / "scene1.toml", 'heading = "', f'heading = "{p}', count=99)
    replace_in(data / "report" / "scene1.toml", 'text = "', f'text = "{p}', count=99)
    replace_in(data / "report" / "practices.toml", 'text = "', f'text = "{p}', count=5)
    replace_in(data / "report" / "stories.toml", 'title = "', f'title = "{p}', count=2)
    replace_in(data / "report" / "stories.toml", 'section = "', f'section = "{p}', count=3)
    replace_in(data / "themes.toml", 'description = "', f'description = "{p}', count=99)
    replace_in(data / "report" / "about.toml", 'citation = "', f'citation = "{p}')
    replace_in(data / "report" / "about.toml", 'heading = "', f'heading = "{p}', count=3)


COMMANDS = [
    ["scene", "1"],
    ["show", "s1-h1"],
    ["list"],
    ["list", "-c", "家族支援"],
    ["list", "-s", "1"],
    ["search", "本人に会えない"],
    ["search", "本人に会えない", "--explain"],
    ["practices"],
    ["practices", "1"],
    ["story", "1"],
    ["about", "--full"],
]


@pytest.mark.parametrize("color", ["never", "always"])
def test_no_control_from_a_data_file_reaches_the_output(data_copy: Path, invoke: Invoke, color: str) -> None:
    plant(data_copy, "".join(PAYLOADS))
    for args in COMMANDS:
        result = invoke(*args, "--color", color, env={"COLUMNS": "100"})
        assert result.exit_code == 0, (args, result.output)
        out = result.output
        if color == "always":  # Rich's own colour codes are ours; strip them, then nothing may remain
            out = re.sub(r"\x1b\[[0-9;]*m", "", out)
        assert not CONTROL.search(out.replace("\n", "").replace("\t", "")), (args, repr(out[:300]))
        assert "title" not in out or "title =" in out  # no window title was set


def test_json_output_escapes_every_control(data_copy: Path, invoke: Invoke) -> None:
    plant(data_copy, "".join(PAYLOADS))
    for args in (["show", "s1-h1", "--json"], ["scene", "1", "--json"], ["about", "--json"]):
        result = invoke(*args)
        assert result.exit_code == 0
        assert not CONTROL.search(result.output.replace("\n", "")), args
        assert "\x1b[2J" in json.dumps(json.loads(result.output)) or "\\u001b[2J" in result.output


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.text(
        alphabet=st.sampled_from([*map(chr, range(0x00, 0x20)), *map(chr, range(0x7F, 0xA0)), "a", "[", "]"]),
        min_size=1,
        max_size=12,
    )
)
def test_any_controls_in_an_entry_stay_out_of_the_terminal(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch_module: pytest.MonkeyPatch, payload: str
) -> None:
    import shutil

    from conftest import DATA
    from typer.testing import CliRunner

    from hintcli import store
    from hintcli.cli import app

    data = tmp_path_factory.mktemp("data")
    shutil.copytree(DATA, data, dirs_exist_ok=True)
    replace_in(data / "report" / "scene1.toml", 'text = "', f'text = "{toml_escaped(payload)}', count=99)
    replace_in(
        data / "report" / "scene1.toml", 'heading = "', f'heading = "{toml_escaped(payload)}x', count=99
    )
    monkeypatch_module.setenv("HINT_DATA_DIR", str(data))
    store.clear()
    try:
        for args in (["scene", "1"], ["show", "s1-h1"]):
            result = CliRunner().invoke(app, [*args, "--color", "never"])
            assert result.exit_code == 0, result.output
            assert not CONTROL.search(result.output.replace("\n", "").replace("\t", "")), repr(
                result.output[:200]
            )
    finally:
        store.clear()


@pytest.fixture(scope="module")
def monkeypatch_module() -> pytest.MonkeyPatch:
    mp = pytest.MonkeyPatch()
    yield mp  # type: ignore[misc]
    mp.undo()
