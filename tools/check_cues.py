"""Check hintcli's index phrases (data/cues.toml, or an edited copy) before using them.

    python tools/check_cues.py [CUES.toml]

Loads the file as search does (ids of the report's passages, lists of non-empty
strings), then reports what `hintcli.cues.review` finds: passages with fewer than
two phrases, phrases too short or too long, phrases on more than three passages,
phrases copied from the report, and words of topics the report does not treat.
Exits 1 if anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hintcli import store
from hintcli.corpus import DataError
from hintcli.cues import load_cues, review

DATA = Path(__file__).resolve().parent.parent / "data"


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv else DATA / "cues.toml"
    searcher = store.load_searcher()
    try:
        cues = load_cues(path, (e.id for e in searcher.corpus.entries if not e.own))
    except DataError as e:
        print(f"NG: {e}", file=sys.stderr)
        return 1
    problems = review(cues, searcher.corpus, searcher.thesaurus)
    for problem in problems:
        print(f"NG {problem}")
    phrases = sum(len(p) for p in cues.values())
    print(f"{len(cues)} passages, {phrases} phrases, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
