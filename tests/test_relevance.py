"""Search quality on the project's own queries must not drop below its floor.

tests/queries.tsv holds 94 realistic queries (keywords and situation sentences)
written without looking at the search code's tuning. The floors sit a little
under what the search achieves today (see the README), so that a change that
makes search worse fails here; raise them when search gets better.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hintcli import store
from hintcli.evaluate import Case, evaluate, read_cases, score

QUERIES = Path(__file__).parent / "queries.tsv"

# (group, hit@1, hit@5, MRR@10) floors.
FLOORS = [
    ("all", 0.68, 0.82, 0.73),
    ("keywords", 0.88, 0.90, 0.88),
    ("situations", 0.48, 0.72, 0.57),
]


@pytest.fixture(scope="module")
def ranked() -> list[tuple[Case, int | None]]:
    store.clear()
    return evaluate(store.load_searcher(), read_cases(QUERIES))[1]


def test_the_query_file_is_well_formed() -> None:
    cases = read_cases(QUERIES)
    assert len(cases) >= 90
    assert {c.group for c in cases} == {"keywords", "situations"}
    assert all(c.expected and all(c.expected) for c in cases)


@pytest.mark.parametrize(("group", "hit1", "hit5", "mrr"), FLOORS)
def test_quality_stays_above_the_floor(
    ranked: list[tuple[Case, int | None]], group: str, hit1: float, hit5: float, mrr: float
) -> None:
    got = score([r for c, r in ranked if group in ("all", c.group)])
    assert got.hit1 >= hit1 and got.hit5 >= hit5 and got.mrr >= mrr, f"{group}: {got}"


def test_every_expected_passage_exists_in_the_corpus() -> None:
    from hintcli.evaluate import _norm

    texts = [_norm((e.heading or "") + e.text) for e in store.load_corpus().entries]
    missing = [s for c in read_cases(QUERIES) for s in c.expected if not any(s in t for t in texts)]
    assert missing == []


def test_the_evaluation_command_prints_the_scores() -> None:
    p = subprocess.run(
        [sys.executable, "-m", "hintcli.evaluate", str(QUERIES), "--min-hit5", "0.5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "hit@1" in p.stdout and "hit@5" in p.stdout and "MRR@10" in p.stdout
    assert "keywords" in p.stdout and "situations" in p.stdout
    failing = subprocess.run(
        [sys.executable, "-m", "hintcli.evaluate", str(QUERIES), "--min-hit1", "1.01"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failing.returncode == 1
