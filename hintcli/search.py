"""Ranking the report's entries for a free-text situation.

How a query is matched (every string goes through `text.normalize` first):

1. **Terms.** Japanese has no spaces, so the query is cut into words by
   script (and where the user typed one): a run of kanji is a word (母親, 来所), so is a katakana word
   (セルフケア) or a run of Latin letters and digits (SNS). Each word and each
   of its bigrams is a term, so 「相談対応」 also finds 相談 and 対応. A single
   kanji with its first kana is a verb or adjective stem (会え, 休ま). Hiragana
   is mostly grammar and counts little; bigrams across a word and its
   particle (人が, 親か) are not made at all.
2. **Thesaurus.** Everyday words in the query add the report's words for
   them (しんどい → 燃え尽き, 疲弊 ...) as whole phrases with a lower weight;
   a close variant of a thesaurus word adds them lower still (thesaurus.py).
3. **Typos.** A short query word the report does not contain is aligned with
   rapidfuzz to the report's text; a close spelling (燃え付き → 燃え尽き) joins
   the query like a thesaurus word.
4. **BM25.** Each term is weighted by its rarity, so that words found
   everywhere here (本人, 支援, 相談, 家族) count little and a two-character
   keyword and a long sentence are scored alike. An entry's heading and its
   scene's title count too, less than its own text. In a query of a few
   words (情報共有 同意), an entry matching only some of them keeps only that
   share of its score: one asking for both wants both.
5. **Lifts.** rapidfuzz compares the query with every heading (hint headings,
   practice categories, story sections): the entries under a heading the
   query closely matches are lifted. The query is also scored against each
   part (場面1–6, the practices, the stories) as a whole; the entries of the
   part it describes best are lifted a little, so that a situation finds its
   scene's hints and not only the sentences that share its words.
6. **Floor.** An entry is shown only if it matches a distinctive word of the
   query (or the whole of a one-word query) and scores at least a fraction
   of the best entry: an off-topic query finds nothing rather than noise.
7. **Variety.** Each result ranked above from the same section (the bullets
   under one heading, a scene's examples, its suggestions) lowers a result's
   score a little, so the first screen holds several of the report's answers.

There is no index to build or load: the normalized corpus is one string, and
each query term's occurrences are found with `str.find`, which for this corpus
(and ten times it) takes a few milliseconds.
"""

# No `from __future__ import annotations`: NamedTuple turns string annotations
# into ForwardRefs by compiling each one, which every start paid for.
import heapq
import math
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from enum import StrEnum
from typing import Literal, NamedTuple

from rapidfuzz import fuzz, process

from .corpus import Corpus, Entry
from .cues import Cues
from .text import is_hiragana, is_kanji, normalize, runs, sanitize, spans
from .thesaurus import Thesaurus

FIELD_WEIGHT = (1.0, 0.6, 0.25)  # an entry's own text, its heading, its scene's title
CUE_WEIGHT = 0.5  # one of hintcli's index phrases for an entry (cues.py), counted as a field
Fields = tuple[str, str, str]  # an entry's fields, normalized, in FIELD_WEIGHT's order
K1, B = 1.2, 0.5
MAX_QUERY_CHARS = 1000  # a pasted case note longer than this is matched on its start
# Terms whose postings (and counts, spellings, group scores) a searcher remembers: the first
# ones it meets, which in a server are the common words; later ones are looked up each time.
# About +4 MiB per process once full.
POSTINGS_KEPT = 2_000
CORRECTION_MIN_DF = 5  # entries a spelling must be found in for a miss to be searched as it (訪問: 19)
# Report segments a typo is compared with at most: those sharing a two-character piece with it.
SPELLING_CANDIDATES = 200

# Term weights, relative to a bigram of a word.
W_BIGRAM = 1.0
W_WORD = 0.5  # a whole word of three or more characters, on top of its bigrams
W_SOLO = 0.6  # a word of one kanji (親, 母, 夫)
W_UNIGRAM = 0.25  # one kanji of a longer word
W_STEM = 1.0  # one kanji and its first kana: a verb or adjective stem (会え, 休ま)
W_EXPANSION = 1.0  # a thesaurus phrase
VARIANT_POWER = 4  # ... × closeness**this, for a variant of a thesaurus word (0.7 → 0.24, 0.9 → 0.66)
OWN_WORD_FACTOR = 0.5  # ... when the report also has the user's word itself
W_TYPO = 0.8  # the report's spelling of a mistyped word
W_PHRASE = 0.2  # a stretch of the query the report also has (燃え尽き, 本人に会えない)
PHRASE_FREE = 3  # a phrase weighs more for each character beyond this
# Hiragana is grammar, and a kanji with its first kana (言っ, 来な) is most often an
# everyday verb: rare in this small report (すぎる, 言って) is not a rare topic.
GRAMMAR_IDF_CAP = 2.0
PHRASE_CHARS = 300  # phrases are looked for in the query's start
HIRAGANA_FACTOR = 0.45  # hiragana n-grams are mostly grammar (して, こと)
PARTICLES = frozenset("がのをにはでとへもやかな")

HEADING_LIFT = 0.9  # × best score, for a heading the query matches exactly
HEADING_SIM_FLOOR = 0.6
PART_LIFT = 0.4  # × best score, for the entries of the part the query matches best
PART_FLOOR = 0.5  # parts scoring under this fraction of the best part are not lifted
SECTION_LIFT = 0.15  # × best score, for the entries under the heading the query matches best
SECTION_FLOOR = 0.5

# A situation told in a sentence wants advice: the hints and suggestions, more
# than the report's own example situations, the practices or the stories.
SENTENCE_WORDS = 4
KEYWORD_WORDS = 2  # a query of this many words or fewer is a keyword query
FRAGMENT_FACTOR = 0.5  # × a fragment of a word the thesaurus knows and the report lacks
FRAME_FACTOR = 0.15  # × the weight of a word of a sentence's frame (面談で、 と母親から連絡があった)
SENTENCE_KIND_PRIOR = {"example": 0.85, "story": 0.8, "practice": 0.9}
KEYWORD_KIND_PRIOR = {"example": 0.85}  # a keyword asks for the answer too, not the example situation

COMMON_SHARE = 1.0  # occurrences per entry above which a word (支援) is not scored
COMMON_CHAR_SHARE = 0.1  # ... and a single kanji of a longer word
COMMON_KANA_SHARE = 0.3  # ... and hiragana (して, から), which is grammar
# The query's own words and their parts, which a query with several words may skip when
# they are everywhere; thesaurus, typo and phrase terms are always looked up.
SKIPPABLE_ROLES = frozenset({"word", "gram", "kgram", "stem", "char", "kana"})

STRONG_IDF = 1.2  # a word part this rare is distinctive (in fewer than ~30% of entries)
RELATIVE_FLOOR = 0.12  # an entry must score this fraction of the best one
# Each entry ranked above from the same section (the bullets under one heading, a
# scene's examples, its suggestions) lowers an entry's score by this factor, so that
# the first screen shows several of the report's answers, not one heading's bullets.
VARIETY = 0.9
# Match strength (see `Searcher.answer`).
NEAR_WEIGHT = 1.5  # × the weight of a topic the report does not treat: the query is about it
STRONG_EVIDENCE = 0.5  # share of the query's known weight a strong result's matched words carry
SENTENCE_EVIDENCE = 0.25  # ... in a query of more than KEYWORD_WORDS units
KNOWN_MIN = 0.5  # share of the query's weight the report or thesaurus must know for any strong result
WEAK_KNOWN_MIN = 0.4  # ... for weak results to be shown when none is strong
FIELD_PAIR_DF = 2  # ... or two of its words each in this many entries or more
FIELD_SHARE = 0.05  # a word in this share of entries or more is the report's field (本人, 部屋)
TYPO_MIN_RATIO = 74.0  # rapidfuzz score for a spelling to count as a typo of a word
SUGGEST_MIN = 55.0  # closeness (0-100) for a did-you-mean suggestion

_KATAKANA_WORD_RE = re.compile(r"[ァ-ヴー]{2,}")
NUMERAL_KANJI = frozenset("〇一二三四五六七八九十百千万億")
COUNTERS = frozenset("年歳才代回人件日週月度割時分名")  # a kanji that counts what a number before it counts
HOW_WORDS = frozenset({"方法", "仕方", "手順", "こつ", "やりかた"})
_COUNT_RE = re.compile(
    r"[0-9〇一二三四五六七八九十百千]+(歳|才|代|年|回|人|名|件|日|月|か月|ヶ月|週|時間|時|分|度|割)?"
)


class Role(StrEnum):
    """What part of the query a term stands for (`Term.role`, `Hit.role`; JSON shows the value)."""

    WORD = "word"  # a whole word of the query (母親, せるふけあ)
    GRAM = "gram"  # two characters of a longer word (相談 in 相談対応)
    KGRAM = "kgram"  # three characters of a katakana word
    STEM = "stem"  # one kanji and its first kana: a verb or adjective stem (会え)
    CHAR = "char"  # one kanji of a longer word
    KANA = "kana"  # two hiragana (mostly grammar)
    PHRASE = "phrase"  # a stretch of the query the report has verbatim
    EXPANSION = "thesaurus"  # a report word the thesaurus gives for a query word
    NEAR = "near"  # ... from a `near` entry: the report's nearest words for a topic it does not treat
    TYPO = "typo"  # the report's spelling of a mistyped query word


class Part(StrEnum):
    """The parts of a result's score (`Result.parts`); they add up to the score."""

    BM25 = "bm25"
    HEADING = "heading"
    PART = "part"
    SECTION = "section"
    KIND = "kind"
    COVERAGE = "coverage"
    VARIETY = "variety"


class Match(StrEnum):
    """How well a result's evidence covers the query (see `Searcher.answer`)."""

    STRONG = "strong"  # it matches the query's words that carry it (or the report's words for them)
    WEAK = "weak"  # one incidental or generic word, a fragment, or only a nearby topic


# What --explain prints for each score part and term role.
PART_LABELS: dict[Part, str] = {
    Part.BM25: "語の一致",
    Part.HEADING: "見出しの一致",
    Part.PART: "場面の一致",
    Part.SECTION: "まとまりの一致",
    Part.KIND: "種類の補正",
    Part.COVERAGE: "語のそろい方の補正",
    Part.VARIETY: "重なりの補正",
}
ROLE_LABELS: dict[Role, str] = {
    Role.WORD: "語",
    Role.GRAM: "語の一部",
    Role.KGRAM: "カタカナ語の一部",
    Role.STEM: "語幹",
    Role.CHAR: "漢字一字",
    Role.KANA: "かな",
    Role.PHRASE: "語句",
    Role.EXPANSION: "言い換え",
    Role.NEAR: "近い話題の語",
    Role.TYPO: "誤字補正",
}

# Short names, used throughout this module.
WORD, GRAM, KGRAM, STEM, CHAR, KANA, PHRASE = (
    Role.WORD,
    Role.GRAM,
    Role.KGRAM,
    Role.STEM,
    Role.CHAR,
    Role.KANA,
    Role.PHRASE,
)
EXPANSION, NEAR, TYPO = Role.EXPANSION, Role.NEAR, Role.TYPO


class Term(NamedTuple):
    text: str  # normalized
    weight: float
    role: Role
    via: str | None = None  # for thesaurus and typo terms: the query word behind it
    word: int = -1  # for a word's bigrams: which word of the query


class Hit(NamedTuple):
    """One query term found in an entry, and what it added to the score."""

    term: str
    role: Role
    via: str | None
    score: float
    source: str = ""  # the query word (as typed) the term came from; see `explain_words`
    indexed: bool = False  # found only in hintcli's index phrases for the entry, not in its text


class Result(NamedTuple):
    entry: Entry
    score: float
    hits: tuple[Hit, ...]  # best first
    parts: dict[Part, float]  # they add up to score
    match: Match = Match.STRONG
    cues: tuple[str, ...] = ()  # hintcli's index phrases for the entry that matched (`Hit.indexed`)

    def highlight_terms(self) -> list[str]:
        """Normalized terms worth highlighting in the entry's text, longest first."""
        terms = {h.term for h in self.hits if len(h.term) >= 2 and h.role != KANA}
        return sorted(terms, key=len, reverse=True)


class Suggestion(NamedTuple):
    """A 「もしかして」 offer for a query that found nothing."""

    kind: Literal["theme", "scene", "heading", "word"]
    name: str  # the theme's name, the scene's title, the heading, the report's word
    scene: int | None = None  # the scene's number (for a scene; a heading's scene, if any)


class Answer(NamedTuple):
    """What a search found, and how honestly it answers the query (`Searcher.answer`)."""

    query: str  # what the user typed
    searched: str  # what was searched: the query, its typo-corrected form, or "" (a kind listed)
    results: list[Result]  # all results, best first
    covered: bool  # whether some result is strong: False → 「直接扱った箇所は見つかりませんでした」
    unknown: tuple[str, ...]  # query words neither the report nor the thesaurus knows (as typed)
    correction: str | None  # the corrected query, when a typo correction was searched
    suggestions: list[Suggestion]  # 「もしかして」, when results is empty
    kind: str | None = None  # a kind the query named as a word of its own (素材集), searched within


class Query(NamedTuple):
    raw: str
    normalized: str
    terms: tuple[Term, ...]
    words: tuple[str, ...]
    single_word: bool  # the whole query is one word: any match of it counts
    units: tuple[str, ...] = ()  # what a result's evidence is counted in (see `Searcher.answer`)
    near: tuple[str, ...] = ()  # thesaurus words of topics the report does not treat (`near` entries)
    known: tuple[tuple[str, ...], ...] = ()  # its thesaurus words, entry by entry (`Thesaurus.words_in`)


class Searcher:
    def __init__(
        self,
        corpus: Corpus,
        thesaurus: Thesaurus,
        normalized: list[Fields] | None = None,
        cues: Cues | None = None,
    ) -> None:
        """`normalized`: `normalized_fields(corpus)`, when the caller has it cached;
        `cues`: hintcli's index phrases for the report's entries (`cues.load_cues`)."""
        self.corpus = corpus
        self.thesaurus = thesaurus
        self.entries = corpus.entries
        # The report's statistics (document count, lengths, document frequencies, groups)
        # come from the report's entries alone, so that a team's own entries, which follow
        # them, are ranked alongside without moving the report's results among themselves.
        self.n = sum(1 for e in self.entries if not e.own)
        self.normalized = normalized if normalized is not None else normalized_fields(corpus)
        self.cues: Cues = cues or {}

        # One string holding every entry's fields, and where each field starts.
        segments: list[str] = []
        self._seg_doc: list[int] = []
        self._seg_field: list[int] = []
        self._doc_len: list[float] = []
        self._raw: list[str] = []  # each segment as the report writes it (for `spelling`)
        w_text, w_heading, w_context = FIELD_WEIGHT
        for i, ((text, heading, context), raw) in enumerate(
            zip(self.normalized, raw_fields(corpus), strict=True)
        ):
            for f, s in ((0, text), (1, heading), (2, context)):
                if s:
                    segments.append(s)
                    self._raw.append(raw[f])
                    self._seg_doc.append(i)
                    self._seg_field.append(f)
            self._doc_len.append(len(text) * w_text + len(heading) * w_heading + len(context) * w_context)
        self._avg_len = sum(self._doc_len[: self.n]) / max(1, self.n)
        self._norm = [K1 * (1 - B + B * length / self._avg_len) for length in self._doc_len]
        self._seg_start: list[int] = []
        pos = 0
        for s in segments:
            self._seg_start.append(pos)
            pos += len(s) + 1
        self._blob = "\x00".join(segments)
        # Whether a piece is in the text, and whether it may be (False: surely not); a server's
        # searcher answers both from sets of pieces (`prepare_for_many`), a command's scans.
        self._has: Callable[[str], bool] = self._blob.__contains__
        self._may_have: Callable[[str], bool] = _anything
        self._gram_segments: dict[str, list[int]] | None = None  # two-character piece → segments
        self._postings: dict[str, dict[int, float]] = {}
        self._counts: dict[str, int] = {}
        self._spelled: dict[str, list[tuple[float, str]]] = {}
        self._names: list[tuple[Suggestion, list[str]]] | None = None
        self._kind_names: dict[str, str] | None = None
        self._segments = segments
        # hintcli's index phrases (cues.py), one string apart from the report's: they add to
        # an entry's score (`_rank`), never to what the report is said to know (`_has`,
        # `unit_weight`, `known_share`, typos, suggestions), nor to an entry's length.
        by_id = {e.id: i for i, e in enumerate(self.entries[: self.n])}
        phrases = [(by_id[k], p) for k, ps in (cues or {}).items() if k in by_id for p in ps]
        self._cue_doc = [d for d, _ in phrases]
        self._cue_written = [written for _, (written, _) in phrases]
        self._cue_blob = "\x00".join(n for _, (_, n) in phrases)
        self._cue_start = [0]
        for _, (_, n) in phrases:
            self._cue_start.append(self._cue_start[-1] + len(n) + 1)
        self._cue_postings: dict[str, dict[int, float]] = {}
        self._cues_of: dict[int, list[int]] = {}  # entry → its phrases' positions in those lists
        for k, d in enumerate(self._cue_doc):
            self._cues_of.setdefault(d, []).append(k)
        own_first = next((k for k, d in enumerate(self._seg_doc) if d >= self.n), len(segments))
        self._report_end = self._seg_start[own_first] if own_first < len(segments) else len(self._blob)

        # Headings, each with the entries under it.
        self._headings: dict[str, list[int]] = {}
        for i, (_, heading, _) in enumerate(self.normalized):
            if heading:
                self._headings.setdefault(heading, []).append(i)
        self._heading_names = list(self._headings)
        self._heading_docs = list(self._headings.values())

        # Parts: each scene, the practices, the stories.
        # Sections: the entries under one heading (a scene's 「」 heading, its
        # examples, its suggestions; a practice category; a story section).
        self._part = Grouping([part_of(e) for e in self.entries[: self.n]], self._doc_len)
        self._section = Grouping([section_of(e) for e in self.entries[: self.n]], self._doc_len)
        # A team's own entry of a scene (or a practice) shares its part's lift: it stands beside
        # the report's entries there. It adds nothing to the part's score (`Grouping.score`).
        self._own_part = {
            d: g
            for d in range(self.n, len(self.entries))
            if (g := self._part.index.get(part_of(self.entries[d]))) is not None
        }

    def _part_of(self, d: int) -> int | None:
        """The part an entry's score is lifted with: its own; for a team's entry, its scene's."""
        return self._part.of[d] if d < self.n else self._own_part.get(d)

    def prepare_for_many(self) -> None:
        """Get ready to answer many queries (a server): whether a string is in the report's
        text is then first asked of the sets of its two- and three-character pieces.

        A string the report lacks (most of a new query's pieces) is otherwise a scan of
        all of it; building the sets takes ~10 ms, which one command's query never repays.
        """
        blob = self._blob
        pieces = frozenset(blob[i : i + n] for n in (2, 3) for i in range(len(blob) - n + 1))

        def may_have(piece: str) -> bool:
            if len(piece) <= 3:
                return len(piece) < 2 or piece in pieces  # exact from two characters up
            return all(piece[k : k + 3] in pieces for k in range(len(piece) - 2))

        def has(piece: str) -> bool:
            if len(piece) <= 3:
                return piece in pieces if len(piece) > 1 else piece in blob
            return may_have(piece) and piece in blob

        # Which segments hold each two-character piece, in order (for `_spellings`).
        where: dict[str, list[int]] = {}
        for seg, text in enumerate(self._segments):
            for gram in dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)):
                where.setdefault(gram, []).append(seg)
        self._gram_segments = where
        self._may_have = may_have
        self._has = has

    # ------------------------------------------------------------------ terms

    def postings(self, term: str) -> dict[int, float]:
        """Entry index → field-weighted count of `term` in that entry (do not change it).

        Remembered: a query looks a word up several times, and a server sees the same
        words in query after query. The first POSTINGS_KEPT terms are kept (a
        server meets its common words first), the rest are looked up each time.
        """
        try:
            return self._postings[term]
        except KeyError:
            pass
        out = self._find_postings(term)
        if len(self._postings) < POSTINGS_KEPT:
            self._postings[term] = out
        return out

    def cue_postings(self, term: str) -> dict[int, float]:
        """Entry index → weighted count of `term` in its index phrases (do not change it)."""
        try:
            return self._cue_postings[term]
        except KeyError:
            pass
        out: dict[int, float] = {}
        find, starts = self._cue_blob.find, self._cue_start
        i = find(term) if term else -1
        while i != -1:
            d = self._cue_doc[bisect_right(starts, i) - 1]
            out[d] = out.get(d, 0.0) + CUE_WEIGHT
            i = find(term, i + 1)
        if len(self._cue_postings) < POSTINGS_KEPT:
            self._cue_postings[term] = out
        return out

    def cue_phrases(self, d: int, hits: Iterable[Hit]) -> tuple[str, ...]:
        """Entry d's index phrases, as written, that its index-only `hits` were found in, the
        phrase holding the most of their score first; none holding under a quarter of that."""
        found = [(h.term, h.score) for h in hits if h.indexed and h.term]
        scored = []
        for k in self._cues_of.get(d, ()) if found else ():
            phrase = self._cue_blob[self._cue_start[k] : self._cue_start[k + 1] - 1]
            score = sum(s for term, s in found if term in phrase)
            if score > 0:
                scored.append((score, self._cue_written[k]))
        scored.sort(key=lambda x: -x[0])
        return tuple(p for score, p in scored if score >= 0.25 * scored[0][0])

    def _report_count(self, term: str) -> int:
        """How often `term` occurs in the report's entries (remembered like `postings`)."""
        try:
            return self._counts[term]
        except KeyError:
            pass
        n = self._blob.count(term, 0, self._report_end) if self._may_have(term) else 0
        if len(self._counts) < POSTINGS_KEPT:
            self._counts[term] = n
        return n

    def _find_postings(self, term: str) -> dict[int, float]:
        out: dict[int, float] = {}
        if not self._may_have(term):
            return out
        find, starts = self._blob.find, self._seg_start
        i = find(term)
        while i != -1:
            seg = bisect_right(starts, i) - 1
            d = self._seg_doc[seg]
            out[d] = out.get(d, 0.0) + FIELD_WEIGHT[self._seg_field[seg]]
            i = find(term, i + 1)
        return out

    def spelling(self, term: str) -> str:
        """A normalized term as the report writes it (にーず → ニーズ), for people to read."""
        i = self._blob.find(term)
        if i == -1:
            return term
        raw = self._raw[bisect_right(self._seg_start, i) - 1]
        found = spans(raw, [term])
        if found:
            return raw[found[0][0] : found[0][1]]
        # A spelling variant that normalize folds across characters (障がい → 障害):
        # the shortest stretch of the text that normalizes to the term.
        for a in range(len(raw)):
            if normalize(raw[a : a + 4])[:1] != term[:1]:
                continue
            for b in range(a + 1, min(len(raw), a + 2 * len(term) + 2) + 1):
                if normalize(raw[a:b]) == term:
                    return raw[a:b]
        return term

    def df(self, post: dict[int, float]) -> int:
        """How many of the report's entries a term's postings hold (own entries are not counted)."""
        return sum(1 for d in post if d < self.n)

    def idf(self, df: int) -> float:
        return math.log(1.0 + (self.n - df + 0.5) / (df + 0.5))

    def parse(self, query: str) -> Query:
        # A pasted escape sequence (\x1b[31m, a hyperlink's URL) is no word of the query.
        query = sanitize(query)
        qn = normalize(query[: MAX_QUERY_CHARS * 2])[:MAX_QUERY_CHARS]
        # The spaces a user types part words (家族 ねぎらい is 家族 and 労い, not 家族労);
        # normalize drops them, for the thesaurus and headings, which span them.
        parted = "、".join(normalize(part) for part in query[: MAX_QUERY_CHARS * 2].split())[:MAX_QUERY_CHARS]
        katakana = katakana_words(query[: MAX_QUERY_CHARS * 2])
        terms, words = query_terms(parted, katakana)
        # A situation told as a case report has a frame: where it was told (面談で、) and
        # who told it (と母親から連絡があった). The frame's words are scored lower, so the
        # situation inside it decides the ranking; they are no evidence of a match.
        frame = frame_of(parted) if len(words) >= SENTENCE_WORDS else ""
        framed: list[str] = []
        core = parted
        if frame:
            for span in frame.split("、"):
                core = core.replace(span, "、", 1)
            terms, words = query_terms(core, katakana)
            more, framed = query_terms(frame, katakana)
            have = {t.text for t in terms}
            terms += [
                t._replace(weight=t.weight * FRAME_FACTOR, word=t.word + len(words))
                for t in more
                if t.text not in have
            ]
            words += framed
        seen = {t.text for t in terms}
        for phrase in self._phrases(parted[:PHRASE_CHARS]):
            if phrase not in seen:
                seen.add(phrase)
                weight = W_PHRASE * max(1, len(phrase) - PHRASE_FREE)
                terms.append(Term(phrase, weight * (FRAME_FACTOR if phrase in frame else 1.0), PHRASE))
        expansions = self.thesaurus.expand(qn)
        framed_only = {x.word for x in expansions if frame and x.word in frame and x.word not in core}
        # A word the report lacks but the thesaurus knows whole (生活保護) is matched by the
        # report's words for it; its fragments are mostly other words' (保護 of 保護者).
        known_whole = {
            i
            for x in expansions
            if x.closeness == 1.0 and not self._has(x.word)
            for i, w in enumerate(words)
            if len(w) >= 2 and w in x.word and not self._has(w)
        }
        if known_whole:
            terms = [
                t._replace(weight=t.weight * FRAGMENT_FACTOR)
                if t.word in known_whole and t.role in (GRAM, CHAR, KGRAM)
                else t
                for t in terms
            ]
        for x in expansions:
            if x.key not in seen:
                seen.add(x.key)
                # The thesaurus is for words the report does not use; where it
                # also uses the user's own word (講演), that word's match should lead.
                own = self._has(x.word)
                in_frame = x.word in framed_only
                terms.append(
                    Term(
                        x.key,
                        W_EXPANSION
                        * (OWN_WORD_FACTOR if own else 1.0)
                        * (FRAME_FACTOR if in_frame else 1.0)
                        * x.closeness**VARIANT_POWER,
                        NEAR if x.near else EXPANSION,
                        via=as_typed(query, x.word),
                    )
                )
        known = {x.word for x in expansions}
        for word, fix in self._typos(runs(parted), known):
            if fix not in seen:
                seen.add(fix)
                terms.append(Term(fix, W_TYPO, TYPO, via=as_typed(query, word)))
        # The units of evidence: the query's words of two characters or more (any word of a
        # one-word query), and the thesaurus words it has outside them (死にたい, 手をあげ).
        # A one-kanji word with its kana (天ぷら, 焦らない) is counted as its stem (天ぷ, 焦ら).
        # A count (二十歳, 40代, 100) is no topic, and a two-kana word (あら) too common to weigh.
        units = [
            w
            for w in words
            if len(w) >= 2
            and not _COUNT_RE.fullmatch(w)
            and not (len(w) == 2 and w.isalpha() and all(is_hiragana(c) for c in w))
        ]
        # A question's frame (…する方法, …のコツ) asks how, about the other words: no topic.
        units = [u for u in units if u not in HOW_WORDS] or units
        if not units:
            stems = {t.word: t.text for t in terms if t.role == STEM}
            units = [stems.get(i, w) for i, w in enumerate(words) if len(words) == 1 or i in stems]
        if not units:
            # Words of one kanji with kana or particles between them (親の声かけ): the
            # stretches of a kanji and kana that the report has (声かけ) are the topic.
            for phrase in self._phrases(parted[:PHRASE_CHARS], any_kanji=True):
                units.append(phrase)
                if phrase not in seen:
                    seen.add(phrase)
                    terms.append(Term(phrase, W_PHRASE * max(1, len(phrase) - PHRASE_FREE), PHRASE))
        if framed:
            core_words = set(words[: len(words) - len(framed)])
            units = [u for u in units if u in core_words] or units
        for x in expansions:
            if (
                x.closeness < 1.0
                or x.word not in parted
                or x.word in framed_only
                or any(x.word in u for u in units)
            ):
                continue
            units = [u for u in units if u not in x.word] + [x.word]  # 死 → 死にたい
        near = tuple(sorted({x.word for x in expansions if x.near} | set(self.thesaurus.near_words(qn))))
        known_words = tuple(self.thesaurus.words_in(qn))
        return Query(query, qn, tuple(terms), tuple(words), len(words) == 1, tuple(units), near, known_words)

    def _phrases(self, qn: str, any_kanji: bool = False) -> list[str]:
        """The longest stretches of the query that the report also has.

        Words written with okurigana (燃え尽き, 寄り添う, 抱え込む) are kanji and kana
        mixed, so cutting by script breaks them up; a stretch the report has
        verbatim is found whole. Kept if it has two kanji, or one and five characters
        (a single kanji verb, 行きたい, is too common to tell a topic by); with
        ``any_kanji``, any kanji at all.
        """
        found: list[str] = []
        for run in runs(qn):
            end_before = 0
            for i in range(len(run) - 2):
                j = i + 3
                if not self._has(run[i:j]):
                    continue
                while j < len(run) and self._has(run[i : j + 1]):
                    j += 1
                if j <= end_before:
                    continue  # inside the previous stretch
                end_before = j
                phrase = run[i:j].lstrip("".join(PARTICLES))
                kanji = sum(1 for c in phrase if is_kanji(c))
                if kanji >= 2 or (kanji and (len(phrase) >= 5 or any_kanji)):
                    found.append(phrase)
        return found

    def _typos(self, words: list[str], known: set[str]) -> list[tuple[str, str]]:
        """Close spellings, in the report, of short query words it does not contain.

        Also catches inflections (つなぐ → つなぎ). A word the thesaurus knows
        (父親) must survive the correction: 父親から is not a typo of 母親から.
        """
        out = []
        for word in words:
            # Only kana and kanji are mistyped into another word of the report
            # (燃え付き); digits and Latin letters are what they are (8050).
            if not 3 <= len(word) <= 10 or word.isascii() or self._has(word):
                continue
            best: tuple[float, str] | None = None
            for score, fix in self._spellings(word):
                if any(k in word and k not in fix for k in known):
                    continue
                if best is None or score > best[0]:
                    best = (score, fix)
            if best:
                out.append((word, best[1]))
        return out

    def _spellings(self, word: str) -> list[tuple[float, str]]:
        """The report's stretches that `_typos` may take for ``word``: (score, spelling),
        within one character of its length; remembered like `postings`."""
        try:
            return self._spelled[word]
        except KeyError:
            pass
        candidates: set[int] = set()
        for k in range(len(word) - 1):
            gram = word[k : k + 2]
            if self._gram_segments is not None:
                for seg in self._gram_segments.get(gram, ()):
                    if len(candidates) >= SPELLING_CANDIDATES:
                        break
                    candidates.add(seg)
                continue
            i = self._blob.find(gram)
            while i != -1 and len(candidates) < SPELLING_CANDIDATES:
                candidates.add(bisect_right(self._seg_start, i) - 1)
                i = self._blob.find(gram, i + 1)
        found = []
        for seg in sorted(candidates):
            a = fuzz.partial_ratio_alignment(word, self._segments[seg])
            if a is None or a.score < TYPO_MIN_RATIO:
                continue
            fix = "".join(runs(self._segments[seg][a.dest_start : a.dest_end]))
            if abs(len(fix) - len(word)) <= 1:
                found.append((a.score, fix))
        if len(self._spelled) < POSTINGS_KEPT:
            self._spelled[word] = found
        return found

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
        """Entries for `query`, best first, filtered: `answer(...).results`, cut to `limit`."""
        results = self.answer(query, scene=scene, themes=themes, kind=kind).results
        return results if limit is None else results[:limit]

    def answer(
        self,
        query: str,
        *,
        scene: int | None = None,
        themes: Iterable[str] | None = None,
        kind: str | None = None,
    ) -> Answer:
        """Search `query` and say how well the report answers it.

        Each result is `Match.STRONG` when the query words it matches (itself, by a
        part that covers the word, or by the thesaurus's word for it) carry at least
        STRONG_EVIDENCE of the query's weight, each word weighing its rarity in the
        report (a word the report lacks weighs the most: it is what the query is
        about). When no result is strong, the weak ones are kept only if the query is
        in the report's field: it has one of the report's common words (本人, 家族,
        部屋) or a word of a topic the thesaurus marks `near` (自殺, ゲーム). Otherwise
        (天ぷら, 明日の天気予報) nothing is returned. A keyword that finds nothing, with no
        word of another topic beside it (`foreign_kanji`), is tried once more with its mistyped
        words corrected (`correction`); if that finds nothing either, or it is not tried,
        `suggestions` offers what is close. A kind named as a word of its own (サジェスション
        家族) is searched within, as ``kind`` would be (`named_kind`); named alone (素材集),
        all its entries are the answer, in the report's order.
        """
        wanted = frozenset(themes) if themes is not None else None
        named, rest = (None, query) if kind is not None else self.named_kind(query)
        if named is not None and not rest.strip():
            return Answer(query, "", self._of_kind(named, scene, wanted), True, (), None, [], named)
        kind = kind or named
        q = self.parse(rest)
        results = self._rank(q, scene, wanted, kind)
        correction = None
        if not results and len(q.units) == 1 and not self.foreign_kanji(q):
            # A keyword; in a sentence a "typo" is another word, and so it is beside a word
            # of another topic (猫の爪切り: 爪切 is no slip for 大切).
            fixed = self._corrected(q)
            if fixed is not None:
                q2 = self.parse(fixed)
                again = self._rank(q2, scene, wanted, kind)
                if again:
                    q, results, correction = q2, again, fixed
        suggestions = [] if results else self.suggestions(rest, parsed=q)
        return Answer(
            query=query,
            searched=correction or rest,
            results=results,
            covered=any(r.match == Match.STRONG for r in results),
            unknown=self.unknown(q),
            correction=correction,
            suggestions=suggestions,
            kind=named,
        )

    def named_kind(self, query: str) -> tuple[str | None, str]:
        """The kind a query names as a word of its own (素材集, サジェスション 家族), and the
        rest of the query; (None, query) if it names none, or more than one. Only a name
        the report's text lacks is read so (not 例 or 支援体制, which the report uses)."""
        names = self.kind_names()
        words = query.split()
        kinds = {names.get(normalize(w)) for w in words} - {None}
        if len(kinds) != 1:
            return None, query
        return kinds.pop(), " ".join(w for w in words if normalize(w) not in names)

    def kind_names(self) -> dict[str, str]:
        """The kinds' Japanese names (`lookup.KIND_WORDS`: 素材集, サジェスション …), normalized,
        that the report's text does not have, each with its kind."""
        if self._kind_names is None:
            from .lookup import KIND_WORDS

            self._kind_names = {
                normalize(name): str(kind)
                for kind, names in KIND_WORDS.items()
                for name in names
                if not name.isascii() and not self._has(normalize(name))
            }
        return self._kind_names

    def _of_kind(self, kind: str, scene: int | None, wanted: frozenset[str] | None) -> list[Result]:
        """Every entry of a kind, in the report's order (then the team's): what a query
        naming only the kind (素材集) asks for."""
        return [
            Result(e, 0.0, (), {})
            for e in self.entries
            if e.kind == kind
            and (scene is None or e.scene == scene)
            and (wanted is None or wanted.intersection(e.themes))
        ]

    def unknown(self, q: Query) -> tuple[str, ...]:
        """The query's words (as typed) that neither the report nor the thesaurus knows,
        and those only a `near` thesaurus entry knows (the report does not treat them)."""
        expansions = {normalize(t.via or "") for t in q.terms if t.role in (EXPANSION, TYPO)}
        out = [
            u
            for u in q.units
            if self.near_unit(u, q)
            or (
                not self._has(u)
                and not any(u in v or v in u for v in expansions if v)
                and not any(u in w or w in u for keys in q.known for w in keys)
            )
        ]
        out += [n for n in q.near if not any(n in u for u in out)]
        out += [c for c in self.foreign_kanji(q) if c not in out]
        if q.single_word and out == [q.units[0]] and q.units[0] not in q.words:
            return (q.raw.strip(),)  # a stem stands for the whole word typed (天ぷら)
        return tuple(as_typed(q.raw, u) for u in out)

    def _rank(
        self, q: Query, scene: int | None, wanted: frozenset[str] | None, kind: str | None
    ) -> list[Result]:
        # Sparse: only entries that match a term are touched (the corpus may be ten times this).
        scores: dict[int, float] = {}
        hits: dict[int, list[tuple[int, float]]] = {}  # entry → (term index, score)
        eligible: set[int] = set()
        grams_of_word = [0] * len(q.words)
        for t in q.terms:
            if t.role == KGRAM:
                grams_of_word[t.word] += 1
        matched_grams: dict[tuple[int, int], list[float]] = {}
        part_scores = [0.0] * self._part.size
        section_scores = [0.0] * self._section.size
        common = COMMON_SHARE * self.n
        common_char = COMMON_CHAR_SHARE * self.n
        common_kana = COMMON_KANA_SHARE * self.n
        skipped: set[str] = set()
        indexed: set[tuple[int, int]] = set()  # (entry, term) matched in the entry's index phrases only
        for k, term in enumerate(q.terms):
            # A word or part found all over the report (支援, ない, して) barely ranks
            # and costs the most to look up: counted in C, it is skipped (unless it
            # is the whole query).
            if (
                term.role in SKIPPABLE_ROLES
                and not q.single_word
                and self._report_count(term.text)
                > (common_char if term.role == CHAR else common_kana if term.role == KANA else common)
            ):
                if term.role in (WORD, GRAM):
                    skipped.add(term.text)
                continue
            post = self.postings(term.text)
            idf = self.idf(self.df(post))  # the report's statistics: the index only adds matches
            cue = self.cue_postings(term.text)
            if cue:
                indexed.update((d, k) for d in cue.keys() - post.keys())
                post = {d: post.get(d, 0.0) + cue.get(d, 0.0) for d in post.keys() | cue.keys()}
            if not post:
                continue
            if term.role in (KANA, STEM):
                idf = min(idf, GRAMMAR_IDF_CAP)
            is_strong = distinctive(term, idf, len(q.words))
            w, norm = term.weight * idf * (K1 + 1), self._norm
            for d, tf in post.items():
                s = w * tf / (tf + norm[d])  # BM25
                scores[d] = scores.get(d, 0.0) + s
                hits.setdefault(d, []).append((k, s))
                if term.role == KGRAM and (d, k) not in indexed:
                    matched_grams.setdefault((d, term.word), []).append(idf)
            if is_strong:
                eligible.update(post)
            self._part.score(term.weight, term.text, post, part_scores)
            self._section.score(term.weight, term.text, post, section_scores)
        # An entry with most of a katakana word's trigrams, one of them rare, has the word
        # (スーパーバイサー); one or two of them (プログラミング ~ タイミング) is chance.
        has_word: set[tuple[int, int]] = set()
        for (d, w), idfs in matched_grams.items():
            if 2 * len(idfs) >= grams_of_word[w] and max(idfs) >= STRONG_IDF:
                eligible.add(d)
                has_word.add((d, w))
        if not eligible:
            return []
        sentence = len(q.words) >= SENTENCE_WORDS
        coverage = {} if sentence else word_coverage(q, hits, self._contains(skipped))

        # The best of the report's entries sets the lifts and the floor (an own entry never moves them).
        report = [scores[d] * coverage.get(d, 1.0) for d in scores if d < self.n]
        best = max(report or [scores[d] * coverage.get(d, 1.0) for d in scores])
        heading_part = self._heading_lift(q.normalized, best)
        part_part = self._part.lift(part_scores, PART_LIFT * best, PART_FLOOR)
        section_part = self._section.lift(section_scores, SECTION_LIFT * best, SECTION_FLOOR)
        final: dict[int, float] = {}
        parts: dict[int, dict[Part, float]] = {}
        for d in eligible:
            p = {
                Part.BM25: scores[d],
                Part.COVERAGE: scores[d] * (coverage.get(d, 1.0) - 1.0),
                Part.HEADING: heading_part.get(d, 0.0),
                Part.PART: part_part[g] if (g := self._part_of(d)) is not None else 0.0,
                Part.SECTION: section_part[self._section.of[d]] if d < self.n else 0.0,
            }
            prior = SENTENCE_KIND_PRIOR if sentence else KEYWORD_KIND_PRIOR
            p[Part.KIND] = sum(p.values()) * (prior.get(self.entries[d].kind, 1.0) - 1.0)
            parts[d] = p
            final[d] = sum(p.values())
        top = max([v for d, v in final.items() if d < self.n] or final.values())

        known = self.known_share(q)
        ev = self._evidence(q, hits, has_word, skipped, eligible, indexed)
        # A query naming a topic the report does not treat (`near`) needs most of its weight
        # matched (more than half), sentence or not: the rest is only the setting of that topic.
        least = STRONG_EVIDENCE if len(q.units) <= KEYWORD_WORDS or q.near else SENTENCE_EVIDENCE
        strong = {
            d
            for d in eligible
            if known >= KNOWN_MIN and (ev.get(d, 0.0) > least if q.near else ev.get(d, 0.0) >= least)
        }
        if not strong and not (q.near or (known >= WEAK_KNOWN_MIN and self._in_field(q))):
            return []

        shown = {
            d: v
            for d, v in final.items()
            if (scene is None or self.entries[d].scene == scene)
            and (kind is None or self.entries[d].kind == kind)
            and (wanted is None or wanted.intersection(self.entries[d].themes))
        }
        results = []
        sources = [source_of(t, q) for t in q.terms]
        heading_lift = {d: parts[d][Part.HEADING] for d in shown}
        for d, varied in self._varied(shown, heading_lift, RELATIVE_FLOOR * top):
            ordered = sorted(hits[d], key=lambda h: -h[1])
            found = tuple(
                Hit(q.terms[k].text, q.terms[k].role, q.terms[k].via, s, sources[k], (d, k) in indexed)
                for k, s in ordered
            )
            if varied != final[d]:
                parts[d][Part.VARIETY] = varied - final[d]
            match = Match.STRONG if d in strong else Match.WEAK
            cued = self.cue_phrases(d, found)
            results.append(Result(self.entries[d], round(varied, 6), found, parts[d], match, cued))
        return results

    def _contains(self, words: set[str]) -> Callable[[int], set[str]]:
        """Entry → which of `words` its fields contain (for words too common to look up)."""

        def has(d: int) -> set[str]:
            return {w for w in words if any(w in f for f in self.normalized[d])} if words else set()

        return has

    def unit_weight(self, unit: str) -> float:
        """How much a unit of the query weighs as evidence: its rarity in the report
        (a word the report does not have weighs the most)."""
        return self.idf(self.df(self.postings(unit)) if len(unit) > 1 or self._has(unit) else 0)

    def _evidence(
        self,
        q: Query,
        hits: dict[int, list[tuple[int, float]]],
        has_word: set[tuple[int, int]],
        skipped: set[str],
        eligible: set[int],
        indexed: set[tuple[int, int]],
    ) -> dict[int, float]:
        """Entry → the share of the query's weight (`Query.units`, each weighing
        `unit_weight`) that its matched terms cover.

        A unit is covered by its own word, a stem or most of its katakana trigrams, by
        bigrams that together cover all its characters (支援対象 in 支援対象年齢 and 年齢
        too; not 天気 alone for 天気予報), by a phrase holding it, or by a thesaurus or
        typo term for it; a `near` thesaurus term covers nothing, and nor does a match found
        only in hintcli's index phrases (cues.py).
        """
        units = list(q.units)
        if not units:
            return {}
        # A topic the report does not treat (a `near` word: 相続, いじめ) weighs in the query's
        # whole and is covered by nothing: what the report has beside it is only nearby.
        near = {i for i, u in enumerate(units) if self.near_unit(u, q)}
        weights = [
            self.unit_weight(u) * (NEAR_WEIGHT if i in near else 1.0)
            if i in near or self.is_known(u, q)
            else 0.0
            for i, u in enumerate(units)
        ]
        total = sum(weights)
        unit_of_word = {i: units.index(w) for i, w in enumerate(q.words) if w in units}
        has = self._contains(skipped)
        out: dict[int, float] = {}
        common_grams = [
            (i, g) for i, w in enumerate(q.words) if i in unit_of_word for g in _grams(w) if g in skipped
        ]
        # A thesaurus term stands for its word and for the other words of its entry in the query.
        vias: dict[int, set[str]] = {}
        for k, t in enumerate(q.terms):
            if t.role in (EXPANSION, TYPO):
                via = normalize(t.via or "")
                vias[k] = {via, *(w for keys in q.known if via in keys for w in keys)} - {""}
        for d in eligible:
            present = has(d)
            covered: set[int] = {units.index(w) for w in present if w in units}
            grams: dict[int, set[int]] = {}
            for i, g in common_grams:
                if g in present:
                    word = q.words[i]
                    at = grams.setdefault(i, set())
                    at.update(k for j in range(len(word) - 1) if word[j : j + 2] == g for k in (j, j + 1))
            for k, _ in hits.get(d, ()):
                if (d, k) in indexed:
                    continue  # hintcli's index phrases rank an entry; only the report's text vouches for it
                t = q.terms[k]
                if t.role in (WORD, STEM, KANA) and t.text in units:
                    covered.add(units.index(t.text))
                elif t.role == GRAM and t.word in unit_of_word:
                    word = q.words[t.word]
                    at = grams.setdefault(t.word, set())
                    for i in range(len(word) - 1):
                        if word[i : i + 2] == t.text:
                            at.update((i, i + 1))
                elif t.role in (EXPANSION, TYPO):
                    covered.update(i for i, u in enumerate(units) if any(u in v or v in u for v in vias[k]))
                elif t.role == PHRASE:
                    covered.update(i for i, u in enumerate(units) if u in t.text)
            for w in unit_of_word:
                if (d, w) in has_word:
                    covered.add(unit_of_word[w])
            covered -= near
            # Bigrams covering part of a word the report lacks whole (就職 of 就職以外) count
            # for that share of it; the report's own words must match whole.
            partial = sum(
                weights[unit_of_word[w]] * len(at) / len(q.words[w])
                for w, at in grams.items()
                if unit_of_word[w] not in covered
                and unit_of_word[w] not in near
                and (len(at) == len(q.words[w]) or not self._has(q.words[w]))
            )
            out[d] = (sum(weights[i] for i in covered) + partial) / total if total else 0.0
        return out

    def is_known(self, unit: str, q: Query) -> bool:
        """Whether the report or the thesaurus knows a unit of the query: the report has
        it, a (not `near`) thesaurus or typo term stands for it, or it is made of the
        report's words (何度家: 何度 + 家; not 天気予報: 予報 is not the report's)."""
        if self.near_unit(unit, q):
            return False
        if self._has(unit):
            return True
        if any(unit in w or w in unit for keys in q.known for w in keys):
            return True
        for t in q.terms:
            if t.role in (EXPANSION, TYPO) and t.via:
                via = normalize(t.via)
                if unit in via or via in unit:
                    return True
        return _made_of(unit, self._has)

    def near_unit(self, unit: str, q: Query) -> bool:
        """Whether a unit of the query is a topic the report does not treat: a `near`
        thesaurus word, or a word the report lacks that holds one (成年後見制度 holds
        成年後見): whatever the thesaurus links to the rest of it is only nearby."""
        return unit in q.near or (not self._has(unit) and any(n in unit for n in q.near))

    def known_share(self, q: Query) -> float:
        """The share of the query's weight in units the report or thesaurus knows.

        A Latin word that is markup beside Japanese words ([bold], <b>) is left out: the
        Japanese says what the query is about. Any other Latin word counts: the
        thesaurus knows the field's (LINE, Zoom, DV), so Python or iPhone is another topic.
        So does a word of one kanji that neither knows (`foreign_kanji`: 猫, 冬), as a word
        the report lacks.
        """
        japanese = any(not u.isascii() for u in q.units)
        weights = [
            (self.unit_weight(u), known)
            for u in q.units
            if (known := self.is_known(u, q))
            or not (japanese and u.isascii() and _is_markup(u, q.normalized))
        ]
        weights += [(self.idf(0), False) for _ in self.foreign_kanji(q)]
        total = sum(w for w, _ in weights)
        return sum(w for w, k in weights if k) / total if total else 0.0

    def _in_field(self, q: Query) -> bool:
        """Whether a query no entry answers strongly is still in the report's field: it
        names a topic the thesaurus marks `near`, or has a word the report uses often."""
        if q.near:
            return True
        dfs = [self.df(self.postings(u)) for u in q.units if len(u) >= 2]
        return any(df >= FIELD_SHARE * self.n for df in dfs) or sum(df >= FIELD_PAIR_DF for df in dfs) >= 2

    def foreign_kanji(self, q: Query) -> tuple[str, ...]:
        """The query's kanji, outside its units, that stand as words of their own (猫が,
        冬に, 袴レンタル; not a verb's or adjective's stem, 泣いて) and that neither the
        report nor the thesaurus ever uses: words of another topic, which the units (of
        two characters or more) leave out. Numerals (三年) are no topic."""
        inside = set("".join(q.units))
        qn = q.normalized
        katakana = katakana_words(q.raw)
        out = []
        for i, c in enumerate(qn):
            if (
                not is_kanji(c)
                or c in inside
                or c in NUMERAL_KANJI
                or self._has(c)
                or self.thesaurus.knows_char(c)
            ):
                continue
            after = qn[i + 1 :]
            stem = after[:1] and is_hiragana(after[0]) and after[0] not in PARTICLES
            if stem and not any(after.startswith(w) for w in katakana):  # 袴れんたる is 袴 + レンタル
                continue
            out.append(c)
        return tuple(dict.fromkeys(out))

    def _corrected(self, q: Query) -> str | None:
        """The query with its unknown words replaced by their closest spellings in the
        report (訪門 → 訪問), if any word has one that the report uses often: an input
        method's slip lands on a common word. A rare one (株価 → 評価, 仕掛け → 心掛け) is
        more likely another word that looks alike, and is only offered (`suggestions`)."""
        text = q.normalized
        changed = False
        for u in q.units:
            if not u or self._has(u):
                continue
            fix = self.closest_word(u)
            if fix and self.df(self.postings(fix)) >= CORRECTION_MIN_DF:
                text = text.replace(u, fix)
                changed = True
        return text if changed else None

    def _varied(
        self, scores: dict[int, float], kept: dict[int, float], floor: float
    ) -> Iterator[tuple[int, float]]:
        """Entries scoring at least `floor`, best first, each score lowered by VARIETY
        for every entry of its section ranked above it; the scores stay in descending order.

        The part of a score in `kept` is not lowered: a heading the query names is
        wanted whole.
        """
        # A heap entry remembers how many of its section had been ranked when it was
        # pushed; if more have been since, it goes back with its lowered score.
        heap = [(-v, d, 0) for d, v in scores.items() if v >= floor]
        heapq.heapify(heap)
        taken: dict[int, int] = {}
        while heap:
            negv, d, seen = heapq.heappop(heap)
            # An own entry (past the report's) is a section of its own.
            group = self._section.of[d] if d < self.n else -1 - d
            n = taken.get(group, 0)
            if n != seen:
                heapq.heappush(heap, (-(kept[d] + (scores[d] - kept[d]) * VARIETY**n), d, n))
                continue
            taken[group] = n + 1
            yield d, -negv

    def closest_word(self, word: str) -> str | None:
        """The report's spelling closest to a word it does not have, or None.

        A word of three characters or more is aligned with the report's text (see
        `_typos`). A two-kanji word (訪門, 方問: an input method's wrong kanji) is
        compared with the report's two-kanji words that share one of its kanji in the
        same place; the commonest wins if it is found in at least twice as many entries
        as the next (else `word_suggestions` offers them).
        """
        if len(word) >= 3:
            # Of the same length: 家族史 is no typo of 家族.
            found = [fix for _, fix in self._typos([word], set()) if len(fix) == len(word)]
            return found[0] if found else None
        ranked = self.word_suggestions(word)
        if not ranked:
            return None
        if len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1]:
            return ranked[0][0]
        return None

    def word_suggestions(self, word: str, limit: int = 3) -> list[tuple[str, int]]:
        """The report's two-kanji words one kanji away from a two-kanji `word`, with
        the number of entries each is found in, commonest first."""
        if len(word) != 2 or not all(is_kanji(c) for c in word) or self._has(word):
            return []
        # Only a word of its own somewhere, between non-kanji: 他機 and 係機 are only ever
        # inside 関係機関.
        blob = self._blob
        found: set[str] = set()
        for pos, ch in enumerate(word):
            i = blob.find(ch)
            while i != -1:
                start = i - pos
                cand = blob[start : start + 2] if start >= 0 else ""
                if (
                    len(cand) == 2
                    and all(is_kanji(c) for c in cand)
                    and not is_kanji(blob[start - 1 : start])
                    and not is_kanji(blob[start + 2 : start + 3])
                ):
                    found.add(cand)
                i = blob.find(ch, i + 1)
        ranked = sorted(((c, len(self.postings(c))) for c in found), key=lambda x: (-x[1], x[0]))
        return [(c, n) for c, n in ranked if n >= 2][:limit]

    def suggestions(self, query: str, limit: int = 3, parsed: Query | None = None) -> list[Suggestion]:
        """Did you mean: the report's words, themes, headings and scenes closest to a
        query that found nothing (a word one kanji away first: 訪門 → 訪問).
        ``parsed`` is `parse(query)`, when the caller has it."""
        qn = normalize(query[:MAX_QUERY_CHARS])
        if not qn:
            return []
        q = parsed or self.parse(query)
        if self.foreign_kanji(q):
            # A query with a word of another topic (猫の爪切り, 袴レンタル) made no slip, and
            # a theme that looks alike (メンタル for レンタル) is chance: its unknown words are named.
            return []
        out: list[Suggestion] = []
        for u in q.units:
            fix = self.closest_word(u) if len(u) >= 3 else None
            words = [fix] if fix else [w for w, _ in self.word_suggestions(u)]
            out += [Suggestion("word", self.spelling(w)) for w in words]
        scored = []
        for key, names in self._suggestion_names():
            best = max(_closeness(qn, name) for name in names)
            if best >= SUGGEST_MIN:
                scored.append((best, key))
        scored.sort(key=lambda x: -x[0])
        out += [key for _, key in scored]
        unique = list(dict.fromkeys(out))
        return unique[:limit]

    def _suggestion_names(self) -> list[tuple[Suggestion, list[str]]]:
        """What a miss may be offered (themes, hint headings, scenes), each with its
        normalized names; made on the first miss."""
        if self._names is None:
            candidates: dict[Suggestion, list[str]] = {}
            for t in self.corpus.themes:
                candidates[Suggestion("theme", t.name)] = [t.name, *t.aliases]
            for e in self.entries:
                if e.kind == "hint" and e.heading:
                    candidates.setdefault(Suggestion("heading", e.heading, e.scene), [e.heading])
            for n, scene in self.corpus.scenes.items():
                candidates[Suggestion("scene", scene.title, n)] = [scene.title]
            self._names = [(key, [normalize(name) for name in names]) for key, names in candidates.items()]
        return self._names

    def _heading_lift(self, qn: str, best: float) -> dict[int, float]:
        """Lift the entries under a heading the query closely matches."""
        out: dict[int, float] = {}
        if len(qn) < 3:
            return out
        for k, sim in heading_similarities(qn, self._heading_names):
            docs = self._heading_docs[k]
            # Cubed: a near miss of a long heading (one of two story
            # sections with the same first half) lifts much less than the heading itself.
            lift = HEADING_LIFT * best * ((sim - HEADING_SIM_FLOOR) / (1 - HEADING_SIM_FLOOR)) ** 3
            for d in docs:
                out[d] = max(out.get(d, 0.0), lift)
        return out


def _is_markup(word: str, normalized_query: str) -> bool:
    """Whether a Latin word of the query is a tag's name: right after [ or < (or [/, </)."""
    return any(f"{opening}{word}" in normalized_query for opening in ("[", "[/", "<", "</"))


def _anything(piece: str) -> bool:
    return True


def _grams(word: str) -> list[str]:
    return [word[i : i + 2] for i in range(len(word) - 1)]


def _made_of(word: str, has: Callable[[str], bool]) -> bool:
    """Whether a word the report lacks is made of its words: pieces of two characters
    or more that it has, and at most one single kanji that it has (何度家, 年以上家)."""
    if len(word) < 3 or not all(is_kanji(c) for c in word):
        return False
    i, singles = 0, 0
    while i < len(word):
        j = next((j for j in range(len(word), i + 1, -1) if has(word[i:j])), None)
        if j is None:
            if singles or not has(word[i]):
                return False
            singles, j = 1, i + 1
        i = j
    return True


def source_of(t: Term, q: Query) -> str:
    """The query word a term came from, as the user typed it: a word for its parts,
    the user's word for a thesaurus or typo term, the phrase itself."""
    if t.role in (EXPANSION, NEAR, TYPO):
        return t.via or t.text
    if t.role == PHRASE or not 0 <= t.word < len(q.words):
        return as_typed(q.raw, t.text)
    word = q.words[t.word]
    if t.role == KANA and t.text not in word:
        return as_typed(q.raw, t.text)  # grammar after a word, not part of it
    return as_typed(q.raw, word)


def explain_words(result: Result) -> list[tuple[str, float]]:
    """--explain in a worker's words: what each word of the query added to the
    result's word score (`Part.BM25`), best first.

    A word's own match and its fragments (the bigrams of 支援対象年齢, the kanji of 母親,
    a stem, the trigrams of a katakana word) are summed under the word as typed; a
    thesaurus or typo term is summed under the user's word it stands for (しんどい:
    燃え尽き + 疲弊); a phrase stands for itself. The sums add up to the word score.
    """
    totals: dict[str, float] = {}
    for h in result.hits:
        key = h.source or h.via or h.term
        totals[key] = totals.get(key, 0.0) + h.score
    return sorted(totals.items(), key=lambda kv: -kv[1])


def suggestion_scenes(results: Sequence[Result], top: int = 5, most: int = 2) -> list[int]:
    """The scenes whose committee suggestions follow a search: the first result's
    scene, then any scene with two or more of the first `top` results; at most `most`."""
    first = [r.entry.scene for r in results[:top]]
    counts: dict[int, int] = {}
    for n in first:
        if n is not None:
            counts[n] = counts.get(n, 0) + 1
    scenes = [first[0]] if first and first[0] is not None else []
    scenes += [n for n in counts if counts[n] >= 2 and n not in scenes]
    return scenes[:most]


class Grouping:
    """Entries pooled into groups (scenes; sections) that a query is also scored against.

    A situation rarely shares many words with the one hint that answers it, but
    often with the scene or the heading's hints taken together.
    """

    def __init__(self, keys: list[str], doc_len: list[float]) -> None:
        index = {k: i for i, k in enumerate(sorted(set(keys)))}
        self.index = index  # group name → number
        self.of = [index[k] for k in keys]
        self.size = len(index)
        self.length = [0.0] * self.size
        for d, g in enumerate(self.of):
            self.length[g] += doc_len[d]
        self.avg = sum(self.length) / max(1, self.size)
        self._scores: dict[str, tuple[tuple[int, float], ...]] = {}

    def score(self, weight: float, term: str, post: dict[int, float], scores: list[float]) -> None:
        """Add one term's BM25 over the groups, each group taken as one document
        (``post``: the term's postings; what they give each group is remembered by term)."""
        found = self._scores.get(term)
        if found is None:
            found = self._group_scores(post)
            if len(self._scores) < POSTINGS_KEPT:
                self._scores[term] = found
        for g, s in found:
            scores[g] += weight * s

    def _group_scores(self, post: dict[int, float]) -> tuple[tuple[int, float], ...]:
        tf = [0.0] * self.size
        grouped = len(self.of)  # entries past the grouped ones (a team's own) belong to no group
        for d, x in post.items():
            if d < grouped:
                tf[self.of[d]] += x
        df = sum(1 for x in tf if x)
        idf = math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
        return tuple(
            (g, idf * x * (K1 + 1) / (x + K1 * (1 - B + B * self.length[g] / self.avg)))
            for g, x in enumerate(tf)
            if x
        )

    @staticmethod
    def lift(scores: list[float], most: float, floor: float) -> list[float]:
        """Per group: up to `most` for the best group, nothing under `floor` of the best."""
        top = max(scores)
        if top <= 0:
            return [0.0] * len(scores)
        return [most * (s / top - floor) / (1 - floor) if s / top > floor else 0.0 for s in scores]


def raw_fields(corpus: Corpus) -> list[tuple[str, str, str]]:
    """Each entry's text, heading and context (its scene's title, or its section)."""
    out = []
    for e in corpus.entries:
        scene = corpus.scenes.get(e.scene) if e.scene else None
        story = corpus.stories[e.story - 1] if e.story else None
        context = scene.title if scene else story.name if story else e.section or ""
        out.append((e.text, heading_path(e), context))
    return out


def heading_path(e: Entry) -> str:
    """An entry's heading, and a story's subsection under it (素材集: 「節／小見出し」)."""
    return f"{e.heading}／{e.subheading}" if e.heading and e.subheading else e.heading or ""


def normalized_fields(corpus: Corpus) -> list[Fields]:
    """`raw_fields`, normalized."""
    return [(normalize(t), normalize(h), normalize(c)) for t, h, c in raw_fields(corpus)]


def part_of(e: Entry) -> str:
    return f"scene{e.scene}" if e.scene else e.kind


def section_of(e: Entry) -> str:
    return f"{part_of(e)}/{heading_path(e) if e.kind != 'suggestion' else 'suggestion'}/{e.kind}"


def distinctive(term: Term, idf: float, n_words: int) -> bool:
    """Whether matching `term` alone makes an entry worth showing, in a query of `n_words` words.

    (Matching most of a katakana word's trigrams does too; see `Searcher.search`.)
    """
    single = n_words == 1  # the whole query is one word: any match of it counts
    if term.role in (EXPANSION, NEAR, TYPO, PHRASE):
        return True
    if term.role == WORD:
        # One kanji is a word (親); one digit or letter (1, ①) is not.
        return len(term.text) >= 2 or (single and is_kanji(term.text))
    if term.role == GRAM:  # a kanji bigram is usually a word of its own (受診 in 受診勧奨)
        return idf >= STRONG_IDF
    if term.role == STEM:
        # In a keyword query a rare verb is the topic (待つ支援, 焦らない 対応); in a
        # sentence it is too often an everyday one (行きたい, 作り方).
        return single or (n_words <= KEYWORD_WORDS and idf >= STRONG_IDF)
    return single and term.role == KANA and len(term.text) >= 2


# Where a case was told (面談で、 家族会で、 家族教室の後、), a self-introduction (母親です。),
# and who told it how (…と母親から連絡があった。 …と話していた。). A leading 「Xから、」 is
# not a frame: who brought a case (近所の人から、民生委員から、) is often the situation.
_SETTING_RE = re.compile(r"^[^、。「」はを]{1,14}?[\u3400-\u9fffー](で|では|の後|のあと|後)、")
_INTRO_RE = re.compile(r"^[^、。「」]{1,8}です[。、]")
# Who is telling, said aside (同僚:…, 先輩いわく、…, 同僚の話。…, …(相談員)).
_SPEAKER_RE = re.compile(r"^[^、。「」:()]{1,12}?(?::|いわく|の話(?=。))")
_ASIDE_RE = re.compile(r"\([^()、。]{1,12}\)$")
_TOLD_RE = re.compile(
    r"と(?:[^「」、。と]{0,10}?(?:から|より|で|に))?"
    r"(?:話し(?:た|ていた|ている)|話す|言(?:った|う|っている|ってきた|われた)|報告(?:があった|を受けた|された)"
    r"|連絡(?:があった|がきた|が来た)|相談(?:があった|された|を受けた)|指摘された|聞(?:いた|かれた)"
    r"|電話があった|話が出た|意見が出た)$"
)


def frame_of(parted: str) -> str:
    """The frame of a normalized sentence, its spans joined by 、 ("" if it has none)."""
    spans = []
    for rx in (_SETTING_RE, _INTRO_RE, _SPEAKER_RE):
        m = rx.match(parted)
        if m:
            spans.append(m.group(0).rstrip("、。"))
    m = _TOLD_RE.search(parted.rstrip("。"))
    if m and m.start() > len(parted) // 3:
        spans.append(m.group(0).rstrip("。"))
    m = _ASIDE_RE.search(parted.rstrip("。"))
    if m:
        spans.append(m.group(0))
    return "、".join(spans)


def katakana_words(raw: str) -> set[str]:
    """The query's katakana words, normalized: folded to hiragana they look like
    grammar (セルフケア → せるふけあ), but they are words."""
    return {normalize(w) for w in _KATAKANA_WORD_RE.findall(unicodedata.normalize("NFKC", raw))}


def query_terms(qn: str, katakana: set[str]) -> tuple[list[Term], list[str]]:
    """The weighted terms of a normalized query, and its words."""
    terms: dict[str, Term] = {}
    words: list[str] = []

    def add(text: str, weight: float, role: Role) -> None:
        old = terms.get(text)
        if old is None or weight > old.weight:
            terms[text] = Term(text, weight, role, word=len(words) - 1)

    for run in runs(qn):
        for word, script, end in words_of(run):
            if not word.strip("ー"):
                continue  # a long-vowel mark alone
            if script == "kana":
                inside = sorted((k for k in katakana if k in word), key=word.find)  # in the order typed
                for k in inside:
                    words.append(k)
                    # Two kana (ケア, タワー → たわ) hide too easily inside other words,
                    # and so do bigrams of kana (パソコン → そこ): a katakana word's parts
                    # are its trigrams.
                    add(k, W_WORD if len(k) > 2 else W_BIGRAM, WORD if len(k) > 2 else KANA)
                    # The trigrams share one bigram's weight: they are evidence of one
                    # word (フリースペース), which would otherwise count five times.
                    n3 = len(k) - 2 if len(k) > 3 else 0
                    for i in range(n3):
                        add(k[i : i + 3], W_BIGRAM / n3, KGRAM)
                if not inside and len(run) == len(word):
                    words.append(word)  # a query of hiragana only: ひきこもり, しんどい
                    add(word, W_WORD, WORD)
                if word not in inside:
                    for i in range(len(word) - 1):
                        add(word[i : i + 2], W_BIGRAM * HIRAGANA_FACTOR, KANA)
                continue
            words.append(word)
            if len(word) == 1:
                add(word, W_SOLO, WORD)
            else:
                add(word, W_WORD if len(word) > 2 else W_BIGRAM, WORD)
                for i in range(len(word) - 2 + (len(word) > 2)):
                    add(word[i : i + 2], W_BIGRAM, GRAM)
                if script == "kanji":
                    for ch in word:
                        add(ch, W_UNIGRAM, CHAR)
            nxt = run[end : end + 1]
            if script == "kanji" and len(word) == 1 and nxt and is_hiragana(nxt) and nxt not in PARTICLES:
                add(word + nxt, W_STEM, STEM)
    return list(terms.values()), words


def word_coverage(
    q: Query,
    hits: dict[int, list[tuple[int, float]]],
    has: Callable[[int], set[str]] | None = None,
) -> dict[int, float]:
    """For a query of a few words: entry → the share of its words (of two characters
    or more) that the entry matches, by itself, its parts, or a word for it.

    `has(entry)`: the query's words too common to be looked up (支援) that the entry
    contains; they count as matched (an entry with every word is never lowered).
    """
    words = [i for i, w in enumerate(q.words) if len(w) >= 2]
    if len(words) < 2:
        return {}
    covers = [_covered_words(t, q.words) for t in q.terms]
    out = {}
    for d, found in hits.items():
        got = set().union(*(covers[k] for k, _ in found)).intersection(words)
        if has is not None:
            common = has(d)
            got.update(i for i in words if q.words[i] in common)
        out[d] = max(1, len(got)) / len(words)
    return out


def _covered_words(t: Term, words: tuple[str, ...]) -> set[int]:
    """Which of the query's words a term stands for: its own word for a word and
    its parts, the words behind a thesaurus or typo term, the words inside a phrase.
    A single kanji or kana bigram stands for none: it is too weak a trace of a word."""
    if t.role in (WORD, GRAM, KGRAM, STEM):
        return {t.word}
    if t.role in (EXPANSION, NEAR, TYPO):
        via = normalize(t.via or "")
        return {i for i, w in enumerate(words) if w in via or via in w}
    if t.role == PHRASE:
        return {i for i, w in enumerate(words) if w in t.text}
    return set()


def as_typed(query: str, normalized: str) -> str:
    """How the user spelled a normalized part of their query (for --explain)."""
    found = spans(query[: MAX_QUERY_CHARS * 2], [normalized])
    return query[found[0][0] : found[0][1]] if found else normalized


def _script(ch: str) -> str:
    if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or ch == "々":
        return "kanji"
    if "a" <= ch <= "z" or "0" <= ch <= "9":
        return "latin"
    if "\u3040" <= ch <= "\u309f" or ch == "ー":
        return "kana"
    return ""


def words_of(run: str) -> list[tuple[str, str, int]]:
    """A run cut where the script changes: (word, script, end offset), in order.

    A kanji run is a word (母親), and so is a run of Latin letters and digits;
    a kana run is usually grammar, sometimes a katakana word folded to hiragana.
    A counter after a number goes with the number, not with the kanji after it
    (30代男性 is 30代 and 男性; 11年続いて is 11年 and 続いて).
    """
    out: list[tuple[str, str, int]] = []
    start, current = 0, ""
    for i, ch in enumerate(run + " "):
        script = _script(ch) if i < len(run) else ""
        if script != current:
            if current:
                word = run[start:i]
                if (
                    current == "kanji"
                    and out
                    and out[-1][0].isdigit()
                    and out[-1][2] == start
                    and word[0] in COUNTERS
                ):
                    number = out.pop()
                    out.append((number[0] + word[0], number[1], start + 1))
                    word = word[1:]
                if word:
                    out.append((word, current, i))
            start, current = i, script
    return out


def _closeness(qn: str, name: str) -> float:
    if not qn or not name:
        return 0.0
    whole = fuzz.ratio(qn, name)
    # A short name (HP) is found somewhere in most long queries: compared whole only.
    # So is a Latin word: it is spelled, not written in characters that carry meaning,
    # and three letters of it (fam in family ~ FAX) say nothing.
    partial = min(len(qn), len(name)) >= 3 and not (qn.isascii() or name.isascii())
    part = fuzz.partial_ratio(qn, name) if partial else 0.0
    return max(whole, part * 0.9)


def heading_similarities(qn: str, headings: Sequence[str]) -> list[tuple[int, float]]:
    """How closely a normalized query matches each heading, 0..1: (index, similarity) of
    those above HEADING_SIM_FLOOR (the rest lift nothing), all in one call.

    partial_ratio finds the best alignment of the shorter string in the longer;
    a query much shorter than the heading only partly matches it.
    """
    if not qn:
        return []
    found = process.extract(
        qn, headings, scorer=fuzz.partial_ratio, score_cutoff=HEADING_SIM_FLOOR * 100, limit=None
    )
    out = []
    for heading, score, k in found:
        sim = score / 100.0 * math.sqrt(min(1.0, len(qn) / len(heading)))
        if sim > HEADING_SIM_FLOOR:
            out.append((k, sim))
    return out
