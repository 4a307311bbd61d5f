"""Check a candidate thesaurus file against the bundled data before merging it.

    python tools/check_thesaurus.py CANDIDATE.toml [MORE.toml ...]

Reports, per candidate entry: words already in data/ (or in another candidate),
report words the report does not contain, words that map to themselves, and
words too short to match safely. Exits 1 if anything is wrong.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hintcli import store
from hintcli.corpus import DataError
from hintcli.text import is_kanji, normalize
from hintcli.thesaurus import load_thesaurus

DATA = Path(__file__).resolve().parent.parent / "data"


def searchable() -> list[str]:
    corpus = store.load_corpus()
    fields = [e.text for e in corpus.entries] + [e.heading or "" for e in corpus.entries]
    fields += [s.title for s in corpus.scenes.values()] + [e.section or "" for e in corpus.entries]
    return [normalize(f) for f in fields]


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
    texts = searchable()
    n_bundled = len(load_thesaurus(*bundled))
    problems = 0
    for e in thesaurus.entries[n_bundled:]:
        for word, key in zip(e.report, e.targets, strict=True):
            if not any(key in s for s in texts):
                print(f"NG report word not in the report: {word}  (entry {e.words[0]})")
                problems += 1
        for word, key in zip(e.words, e.keys, strict=True):
            if key in e.targets:
                print(f"NG word maps to itself: {word}")
                problems += 1
            if len(key) < 2 and not is_kanji(key):
                print(f"NG word too short: {word}")
                problems += 1
    added = len(thesaurus.entries) - n_bundled
    print(f"{added} candidate entries, {problems} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
