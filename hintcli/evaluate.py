"""Relevance evaluation: hit@1, hit@5 and MRR@10 of `hint search` on a query file.

    python -m hintcli.evaluate tests/queries.tsv [--misses] [--min-hit1 X ...]

A query file has one query per line, tab-separated: the query, the expected
scene or part (1-6, system, stories; informative only), and substrings of a
right passage separated by ``|``. A result is right when its heading + text
contains one of the substrings, both NFKC-normalized with white space removed
(the same rule as the team's shared scorer).

A query file's answers are what its writer listed, and writers list more or fewer
passages. With ``--judged``, a passage a second reader graded 2 (answers it) in the
file's ``judged-N.tsv`` (qid, entry id, grade; for ``queries-N.tsv``) counts as right
too. The judgements cover the top 5 of one version of search: a passage they do not
cover counts only by the writer's answers.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .search import Searcher, heading_path

K = 10


def _norm(s: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


@dataclass(frozen=True)
class Case:
    query: str
    part: str
    expected: tuple[str, ...]
    group: str  # the section of the file it came from (# keywords, # situations)
    judged: frozenset[str] = frozenset()  # entry ids a second reader judged to answer it


@dataclass(frozen=True)
class Scores:
    n: int
    hit1: float
    hit5: float
    mrr: float

    def __str__(self) -> str:
        return f"hit@1 {self.hit1:.2f}  hit@5 {self.hit5:.2f}  MRR@{K} {self.mrr:.2f}  ({self.n} queries)"


def judged_file(path: Path) -> Path | None:
    """The judgements for a query file (queries-20.tsv → judged-20.tsv), if there are any."""
    other = path.with_name(path.name.replace("queries", "judged", 1))
    return other if other != path and other.exists() else None


def read_judged(path: Path) -> dict[int, frozenset[str]]:
    """qid (1-based line of the query file) → the entry ids graded 2."""
    out: dict[int, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            qid, entry_id, grade = line.split("\t")
            if grade.strip() == "2":
                out.setdefault(int(qid), set()).add(entry_id.strip())
    return {q: frozenset(ids) for q, ids in out.items()}


def read_cases(path: Path, judged: Path | None = None) -> list[Case]:
    right = read_judged(judged) if judged else {}
    cases: list[Case] = []
    group = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            label = line.lstrip("# ").split()[0] if line.strip("# ") else ""
            if label in ("keywords", "situations"):
                group = label
            continue
        if not line.strip():
            continue
        query, part, subs = line.split("\t")
        judged_ids = right.get(len(cases) + 1, frozenset())
        cases.append(Case(query, part, tuple(_norm(s) for s in subs.split("|")), group, judged_ids))
    return cases


def rank_of(searcher: Searcher, case: Case) -> int | None:
    for i, r in enumerate(searcher.search(case.query, limit=K)):
        text = _norm(heading_path(r.entry) + r.entry.text)
        if r.entry.id in case.judged or any(s in text for s in case.expected):
            return i + 1
    return None


def score(ranks: list[int | None]) -> Scores:
    n = len(ranks) or 1
    return Scores(
        len(ranks),
        sum(r == 1 for r in ranks) / n,
        sum(r is not None and r <= 5 for r in ranks) / n,
        sum(1 / r for r in ranks if r) / n,
    )


def evaluate(searcher: Searcher, cases: list[Case]) -> tuple[Scores, list[tuple[Case, int | None]]]:
    ranked = [(c, rank_of(searcher, c)) for c in cases]
    return score([r for _, r in ranked]), ranked


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hintcli.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("queries", nargs="+", type=Path)
    ap.add_argument("--misses", action="store_true", help="print each query not found at rank 1")
    ap.add_argument("--judged", action="store_true", help="also count passages judged right (judged-N.tsv)")
    ap.add_argument("--min-hit1", type=float, default=0.0)
    ap.add_argument("--min-hit5", type=float, default=0.0)
    ap.add_argument("--min-mrr", type=float, default=0.0)
    a = ap.parse_args(argv)

    from .store import load_searcher

    searcher = load_searcher()
    ok = True
    for path in a.queries:
        judged = judged_file(path) if a.judged else None
        cases = read_cases(path, judged)
        total, ranked = evaluate(searcher, cases)
        print(f"{path}{' (+ ' + judged.name + ')' if judged else ''}: {total}")
        for group in sorted({c.group for c in cases if c.group}):
            print(f"  {group:<11} {score([r for c, r in ranked if c.group == group])}")
        if a.misses:
            for c, r in ranked:
                if r != 1:
                    top = searcher.search(c.query, limit=1)
                    shown = top[0].entry.text[:40] if top else "(なし)"
                    print(f"  rank {r or '-':>2}  {c.query}  | top: {shown}")
        ok = ok and total.hit1 >= a.min_hit1 and total.hit5 >= a.min_hit5 and total.mrr >= a.min_mrr
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
