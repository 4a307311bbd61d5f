"""Ranking the report's entries for a free-text situation.

How a query is matched (every step on `text.normalize`d strings):

1. **Terms.** The query is cut at punctuation into runs; each run yields its
   character bigrams and trigrams, and its kanji and Latin unigrams. Japanese
   has no spaces, so n-grams stand in for words: 「会えない」 shares 会え/えな/ない
   with 「会えなくても」, and a typo (燃え付き) still shares 燃え with 燃え尽き.
2. **Thesaurus.** Everyday words in the query add the report's words for
   them (しんどい → 燃え尽き, 疲弊 ...), as whole phrases with a lower weight.
3. **BM25.** Each term is weighted by its rarity in the corpus, so that words
   found everywhere here (本人, 支援, 相談, 家族) count little and a two-character
   keyword and a long sentence are scored alike. An entry's heading and its
   scene's title count too, with lower weight than its own text.
4. **Lifts.** rapidfuzz compares the query with hint headings, practice
   categories, story sections and scene titles: an entry under a heading the
   query closely matches is lifted. A scene whose 具体例 the query resembles
   lifts that scene's hints and suggestions a little.
5. **Floor.** An entry is shown only if it matches at least one distinctive
   term of the query and scores above a fraction of the best; an off-topic
   query finds nothing rather than noise.

There is no index to build: the normalized corpus is one string, and each
query term's occurrences are found with `str.find`, which for a corpus this
size (and ten times it) is faster than loading a prebuilt index.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .corpus import Corpus, Entry
from .text import is_hiragana, is_kanji, normalize, runs
from .thesaurus import Thesaurus

# Field weights: an entry's own text, its heading, its scene/part title.
BODY, HEADING, CONTEXT = 0, 1, 2
FIELD_WEIGHT = (1.0, 0.6, 0.25)

K1, B = 1.2, 0.5
MAX_QUERY_CHARS = 1000  # a pasted case note longer than this is matched on its start

W_UNIGRAM = 0.25  # a kanji or Latin character alone
W_BIGRAM = 1.0
W_TRIGRAM = 0.5  # on top of its bigrams: rewards contiguous matches
HIRAGANA_FACTOR = 0.45  # all-hiragana n-grams are mostly grammar (して, こと)
# A kanji next to a particle (人が, に会) straddles two words: little signal.
PARTICLES = frozenset("がのをにはでとへもや")
PARTICLE_FACTOR = 0.25
W_EXPANSION = 0.7  # a thesaurus expansion, relative to a bigram

HEADING_LIFT = 0.9  # × best score, for a heading the query matches exactly
HEADING_SIM_FLOOR = 0.6
SCENE_LIFT = 0.25  # × best score, for the scene whose 具体例 the query resembles

STRONG_IDF = 1.2  # a term this rare counts as distinctive (df < ~30% of entries)
RELATIVE_FLOOR = 0.12  # an entry must score this fraction of the best one


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # normalized
    weight: float
    via: str | None = None  # the thesaurus word that added it
    shown: str | None = None  # the report word as the thesaurus writes it


@dataclass(frozen=True, slots=True)
class Hit:
    """One query term found in an entry, and what it added to the score."""

    term: str
    via: str | None
    score: float


@dataclass(frozen=True, slots=True)
class Result:
    entry: Entry
    score: float
    hits: tuple[Hit, ...]
    parts: dict[str, float] = field(default_factory=dict)  # bm25, heading, scene

    def highlight_terms(self) -> list[str]:
        """Normalized terms worth highlighting in the entry's text (longest first)."""
        terms = {h.term for h in self.hits if len(h.term) >= 2}
        return sorted(terms, key=len, reverse=True)


@dataclass
class Query:
    raw: str
    normalized: str
    terms: list[Term]


class Searcher:
    def __init__(self, corpus: Corpus, thesaurus: Thesaurus) -> None:
        self.corpus = corpus
        self.thesaurus = thesaurus
        self.entries = corpus.entries
        self.n = len(self.entries)

        segments: list[str] = []
        self._seg_doc: list[int] = []
        self._seg_field: list[int] = []
        self._doc_len: list[float] = []
        for i, e in enumerate(self.entries):
            fields = (normalize(e.text), normalize(e.heading or ""), normalize(self._context(e)))
            for f, s in enumerate(fields):
                if s:
                    segments.append(s)
                    self._seg_doc.append(i)
                    self._seg_field.append(f)
            self._doc_len.append(sum(len(s) * w for s, w in zip(fields, FIELD_WEIGHT, strict=True)))
        self._avg_len = sum(self._doc_len) / max(1, self.n)
        self._seg_start: list[int] = []
        pos = 0
        for s in segments:
            self._seg_start.append(pos)
            pos += len(s) + 1
        self._blob = "\x00".join(segments)

        # Anchors for the fuzzy lifts: each distinct heading and the entries under it.
        self._anchors: dict[str, list[int]] = {}
        for i, e in enumerate(self.entries):
            if e.heading:
                self._anchors.setdefault(normalize(e.heading), []).append(i)
        self._scene_of = [e.scene for e in self.entries]
        self._examples_by_scene: dict[int, list[int]] = {}
        for i, e in enumerate(self.entries):
            if e.kind == "example" and e.scene:
                self._examples_by_scene.setdefault(e.scene, []).append(i)
        self._titles = {n: normalize(s.title) for n, s in corpus.scenes.items()}

    def _context(self, e: Entry) -> str:
        if e.scene and e.scene in self.corpus.scenes:
            return self.corpus.scenes[e.scene].title
        return e.section or ""

    # ------------------------------------------------------------------ terms

    def postings(self, term: str) -> dict[int, float]:
        """Entry index → field-weighted count of `term` in that entry."""
        out: dict[int, float] = {}
        find, starts = self._blob.find, self._seg_start
        i = find(term)
        while i != -1:
            seg = bisect_right(starts, i) - 1
            d = self._seg_doc[seg]
            out[d] = out.get(d, 0.0) + FIELD_WEIGHT[self._seg_field[seg]]
            i = find(term, i + 1)
        return out

    def idf(self, df: int) -> float:
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def parse(self, query: str) -> Query:
        qn = normalize(query)[:MAX_QUERY_CHARS]
        weights: dict[str, float] = {}
        for run in runs(qn):
            for ch in run:
                if is_kanji(ch) or ch.isascii() and ch.isalnum():
                    weights[ch] = max(weights.get(ch, 0.0), W_UNIGRAM)
            for n, w in ((2, W_BIGRAM), (3, W_TRIGRAM)):
                for k in range(len(run) - n + 1):
                    gram = run[k : k + n]
                    weights[gram] = max(weights.get(gram, 0.0), w * gram_factor(gram))
        terms = [Term(t, w) for t, w in weights.items()]
        for x in self.thesaurus.expand(qn):
            if x.key not in weights:
                weights[x.key] = W_EXPANSION
                terms.append(Term(x.key, W_EXPANSION, via=x.word, shown=x.term))
        return Query(query, qn, terms)

    # ---------------------------------------------------------------- ranking

    def search(
        self,
        query: str,
        *,
        limit: int | None = 10,
        scene: int | None = None,
        themes: Iterable[str] | None = None,
        kind: str | None = None,
    ) -> list[Result]:
        q = self.parse(query)
        if not q.terms:
            return []
        scores = [0.0] * self.n
        hits: list[list[Hit]] = [[] for _ in range(self.n)]
        strong = [False] * self.n
        for term in q.terms:
            post = self.postings(term.text)
            if not post:
                continue
            idf = self.idf(len(post))
            is_strong = idf >= STRONG_IDF and (len(term.text) >= 2 or term.via is not None)
            for d, tf in post.items():
                norm = K1 * (1 - B + B * self._doc_len[d] / self._avg_len)
                s = term.weight * idf * tf * (K1 + 1) / (tf + norm)
                scores[d] += s
                hits[d].append(Hit(term.text, term.via, s))
                if is_strong:
                    strong[d] = True

        best = max(scores)
        if best <= 0:
            return []
        bm25 = list(scores)
        heading_part = self._heading_lift(q.normalized, best)
        scene_part = self._scene_lift(q.normalized, bm25, best)
        for d in range(self.n):
            scores[d] += heading_part.get(d, 0.0) + scene_part.get(d, 0.0)

        top = max(scores[d] for d in range(self.n) if strong[d]) if any(strong) else 0.0
        wanted = set(themes) if themes is not None else None
        results = []
        for d in sorted(range(self.n), key=lambda d: (-scores[d], d)):
            if not strong[d] or scores[d] < RELATIVE_FLOOR * top:
                continue
            e = self.entries[d]
            if scene is not None and e.scene != scene:
                continue
            if kind is not None and e.kind != kind:
                continue
            if wanted is not None and not wanted.intersection(e.themes):
                continue
            parts = {"bm25": bm25[d], "heading": heading_part.get(d, 0.0), "scene": scene_part.get(d, 0.0)}
            ordered = tuple(sorted(hits[d], key=lambda h: -h.score))
            results.append(Result(e, round(scores[d], 6), ordered, parts))
            if limit is not None and len(results) >= limit:
                break
        return results

    def _heading_lift(self, qn: str, best: float) -> dict[int, float]:
        """Lift the entries under a heading the query closely matches."""
        out: dict[int, float] = {}
        if len(qn) < 3:
            return out
        for anchor, docs in self._anchors.items():
            sim = heading_similarity(qn, anchor)
            if sim <= HEADING_SIM_FLOOR:
                continue
            lift = HEADING_LIFT * best * (sim - HEADING_SIM_FLOOR) / (1 - HEADING_SIM_FLOOR)
            for d in docs:
                out[d] = max(out.get(d, 0.0), lift)
        return out

    def _scene_lift(self, qn: str, bm25: list[float], best: float) -> dict[int, float]:
        """Lift a scene's entries when the query resembles its 具体例 or title."""
        strength: dict[int, float] = {}
        for n, docs in self._examples_by_scene.items():
            s = max(bm25[d] for d in docs) / best
            title = heading_similarity(qn, self._titles.get(n, "")) if len(qn) >= 3 else 0.0
            strength[n] = max(s, title)
        out: dict[int, float] = {}
        for d, n in enumerate(self._scene_of):
            if n and strength.get(n, 0.0) > 0.5:
                out[d] = SCENE_LIFT * best * (strength[n] - 0.5) / 0.5
        return out


def gram_factor(gram: str) -> float:
    """How much an n-gram's own shape says it is a word rather than grammar."""
    if all(is_hiragana(c) for c in gram):
        return HIRAGANA_FACTOR
    if any(is_kanji(c) for c in gram) and (gram[0] in PARTICLES or gram[-1] in PARTICLES):
        return PARTICLE_FACTOR
    return 1.0


def heading_similarity(qn: str, anchor: str) -> float:
    """How closely a normalized query matches a heading, 0..1.

    partial_ratio finds the best alignment of the shorter string in the longer;
    a query much shorter than the heading only partly matches it.
    """
    if not qn or not anchor:
        return 0.0
    sim = fuzz.partial_ratio(qn, anchor) / 100.0
    coverage = min(1.0, len(qn) / len(anchor))
    return sim * math.sqrt(coverage)
