"""The data says what the report says: every bullet once, verbatim but for recorded corrections.

Checked against the transcription the data was made from (../shared/seed), which
sits beside the project in development and CI; elsewhere (an sdist, a user's
machine) these tests are skipped, since the data itself is what ships.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from conftest import DATA, REPO, require_shared

from hintcli.corpus import Corpus, load

sys.path.insert(0, str(REPO / "tools"))
import seedparse

pytestmark = pytest.mark.skipif(
    not require_shared(seedparse.SEED), reason="the report's transcription is not here"
)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load(DATA)


@pytest.fixture(scope="module")
def seed() -> seedparse.Seed:
    return seedparse.parse()


def as_in_source(corpus: Corpus) -> list[tuple[str, str, str]]:
    """(id, kind, text with its corrections undone), whitespace ignored."""
    out = []
    for e in corpus.entries:
        text = e.text
        for fix in e.fixes:
            text = text.replace(fix.corrected, fix.original)
        out.append((e.id, e.kind, squeeze(text)))
    return out


def test_every_bullet_exactly_once_in_order(corpus: Corpus, seed: seedparse.Seed) -> None:
    source = [(b.kind, squeeze(seedparse.split_marker(b.text)[0])) for b in seed.bullets]
    ours = [(kind, text) for _, kind, text in as_in_source(corpus)]
    assert len(ours) == len(source) == 221
    assert ours == source  # in order: two swapped texts fail


def test_at_least_95_percent_verbatim_and_the_rest_recorded(corpus: Corpus, seed: seedparse.Seed) -> None:
    source = {squeeze(seedparse.split_marker(b.text)[0]) for b in seed.bullets}
    verbatim = [e for e in corpus.entries if squeeze(e.text) in source]
    changed = [e for e in corpus.entries if squeeze(e.text) not in source]
    assert len(verbatim) / len(corpus.entries) >= 0.95
    assert all(e.fixes for e in changed), [e.id for e in changed if not e.fixes]


def test_headings_and_titles_match_the_report(corpus: Corpus, seed: seedparse.Seed) -> None:
    for number, scene in corpus.scenes.items():
        title = scene.title
        for fix in scene.title_fixes:
            title = title.replace(fix.corrected, fix.original)
        assert squeeze(title) == squeeze(seed.scene_titles[number])
    seed_headings = {squeeze(b.heading) for b in seed.bullets if b.heading}
    ours = {squeeze(e.heading) for e in corpus.entries if e.heading}
    assert ours <= seed_headings


def test_named_implementing_bodies_are_kept(corpus: Corpus, seed: seedparse.Seed) -> None:
    named = {b.section.split("|")[1] for b in seed.bullets if b.section and "|" in b.section}
    assert named
    assert named == {e.agency for e in corpus.entries if e.agency}
