"""Shared fixtures and test-data builders.

Tests use the bundled data in the repository's ``data/`` (never anything
outside the repository). Tests that need other data copy it with
`data_copy`, edit the copy, and point the tool at it with ``HINT_DATA_DIR``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner
from typer.testing import Result as RunResult

from hintcli import store
from hintcli.cli import app
from hintcli.corpus import Corpus
from hintcli.search import Hit, Result

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
SHARED = REPO.parent / "shared"
IN_CI = os.environ.get("CI") == "true"
# The console script next to this Python (the README's test command installs it).
HINT = Path(sys.executable).with_name("hint.exe" if os.name == "nt" else "hint")

# Variables that change what the CLI prints; each test sets the ones it means.
OUTPUT_ENV = (
    "NO_COLOR",
    "FORCE_COLOR",
    "COLUMNS",
    "LINES",
    "HINT_DEBUG",
    "HINT_DATA_DIR",
    "TERM",
    "COLORTERM",
)


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read or write the developer's own cache (~/.cache/hintcli)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HINT_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
        # ... nor the developer's own hints: no user folder unless a test names one.
        mp.setenv("HINT_USER_DIR", "")
        yield


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No colour, width or data overrides inherited from the developer's shell; a fresh corpus cache."""
    for name in OUTPUT_ENV:
        monkeypatch.delenv(name, raising=False)
    store.clear()  # forget data loaded under another HINT_DATA_DIR
    yield
    store.clear()


@pytest.fixture
def corpus(clean_env: None) -> Corpus:
    return store.load_corpus()


Invoke = Callable[..., RunResult]


@pytest.fixture
def invoke(clean_env: None) -> Invoke:
    """Run `hint` in-process: ``invoke("scene", "1", env={"COLUMNS": "80"})``."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> RunResult:
        return runner.invoke(app, list(args), env=env)

    return run


@pytest.fixture
def data_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_env: None) -> Path:
    """A copy of the bundled data the tool is pointed at (``HINT_DATA_DIR``); edit it freely."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    monkeypatch.setenv("HINT_DATA_DIR", str(target))
    return target


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    """Edit a data file in place: replace the first ``count`` occurrences of ``old``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def japanese(text: str) -> bool:
    """Whether ``text`` contains kana or kanji."""
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def lines_of(text: str) -> Sequence[str]:
    return text.splitlines()


def hint_command() -> list[str]:
    """How to start `hint` in a subprocess: the installed console script.

    Without one (pytest run from a checkout that was never installed) the same entry
    point is imported from this checkout; under CI the script must be there.
    """
    if HINT.exists():
        return [str(HINT)]
    if IN_CI:
        pytest.fail(f"CI: hint is not installed next to {sys.executable}")
    return [sys.executable, "-c", "import sys; from hintcli.cli import main; sys.argv[0] = 'hint'; main()"]


def run_hint(
    *args: str | bytes, env: dict[str, str] | None = None, timeout: float = 60, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    """`hint ARGS` in a subprocess, without the caller's colour, width and debug settings."""
    base = {
        k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "COLUMNS", "HINT_DEBUG")
    }
    base["PYTHONPATH"] = str(REPO)
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [*hint_command(), *args], env={**base, **(env or {})}, capture_output=True, timeout=timeout, **kwargs
    )


def require_shared(path: Path) -> bool:
    """Whether ../shared/PATH is here: tests that need it skip without it, but fail under CI."""
    if path.exists():
        return True
    if IN_CI:
        pytest.fail(f"CI: {path} is missing (../shared must sit beside the project)")
    return False


def fixed_results(corpus: Corpus) -> list[Result]:
    """Search results as the renderer gets them, fixed: a live search may rank differently tomorrow."""

    def result(entry_id: str, score: float, *hits: Hit) -> Result:
        bm25 = sum(h.score for h in hits)
        parts = {"bm25": bm25, "heading": 0.0, "part": score - bm25}
        return Result(corpus.by_id[entry_id], score, hits, parts)

    return [
        result("s1-h8", 12.0, Hit("会え", "stem", None, 4.5), Hit("本人", "word", None, 0.9)),
        result("s1-c3", 10.7, Hit("本人に会えない", "phrase", None, 0.9), Hit("会え", "stem", None, 3.1)),
        result(
            "s6-c2",
            9.2,
            Hit("燃え尽き", "thesaurus", "しんど", 2.7),
            Hit("抱え込", "thesaurus", "しんど", 3.8),
        ),
        result("pr60", 6.0, Hit("ぴあさぽた", "typo", "ぴあさぽたあ", 4.0)),
        result("st1-6", 5.0, Hit("おぷんすぺす", "word", None, 4.0)),
        result("s1-h7", 4.0, Hit("会え", "stem", None, 3.0)),
    ]


class HtmlTags(HTMLParser):
    """Every start tag of a page with its attributes, and its text (HTML tests)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse_html(page: str) -> HtmlTags:
    parsed = HtmlTags()
    parsed.feed(page)
    return parsed
