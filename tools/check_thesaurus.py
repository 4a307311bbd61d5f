"""Check a candidate thesaurus file against the bundled data before merging it.

    python tools/check_thesaurus.py CANDIDATE.toml [MORE.toml ...]

Reports words already in data/ (or in another candidate), and, per candidate
entry, what `hintcli.thesaurus.review` finds: report words the report does not
contain, words that map to themselves, words too short to match safely, and
words of a `near = true` entry (a topic the report does not treat) that the
report has after all.
Exits 1 if anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hintcli import store
from hintcli.corpus import DataError
from hintcli.thesaurus import load_thesaurus, review

DATA = Path(__file__).resolve().parent.parent / "data"


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    bundled = [DATA / "thesaurus.toml", DATA / "readings.toml"]
    try:
        thesaurus = load_thesaurus(*bundled, *(Path(a) for a in argv))
    except DataError as e:
        print(f"NG: {e}", file=sys.stderr)
        return 1
    candidates = thesaurus.entries[len(load_thesaurus(*bundled)) :]
    problems = review(candidates, store.load_corpus())
    for problem in problems:
        print(f"NG {problem}")
    near = sum(1 for e in candidates if e.near)
    print(f"{len(candidates)} candidate entries ({near} near = true), {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
