"""Finding what a user named: an entry by ID, a theme, a scene, a practice category, a story, a kind.

The core's one fuzzy matcher lives here (`closest`, `close_spellings`), with one
documented threshold, `CLOSE`. Every lookup returns the thing or raises one of
this module's exceptions, which carry the candidates as values; the doors word
them (the CLI in Japanese on stderr, the web server as a page).

* `NotFound`: a well-formed request the report has no answer for (an unknown ID).
* `OutOfRange`: a value outside what the data holds or not understood at all
  (場面7, 分類14, an unknown theme or kind, punctuation only).
* `Ambiguous`: the value fits several things equally well.
"""

import unicodedata
from collections.abc import Mapping, Sequence

from .corpus import KIND_LABELS, REPORT, Category, Corpus, Entry, Kind

CLOSE = 60  # rapidfuzz ratio (0-100) from which a spelling counts as close: every "did you mean"
MATCH_CHARS = 200  # characters of a name compared (a pasted page stays fast)
NUMBER_DIGITS = 6  # a "number" longer than this is not one the data could hold

KIND_WORDS: dict[Kind, tuple[str, ...]] = {
    Kind.EXAMPLE: ("example", "具体例", "例"),
    Kind.HINT: ("hint", "ヒント", "支援のヒント"),
    Kind.SUGGESTION: ("suggestion", "サジェスション", "サジェスチョン", "委員からのサジェスション", "委員"),
    Kind.PRACTICE: ("practice", "支援体制", "支援体制の具体例", "支援体制の整備に関する具体例", "実践"),
    Kind.STORY: ("story", "素材集", "歩みの例", "ストーリー"),
}


class LookupFailed(Exception):
    """``what`` (テーマ, 場面, ID …) named by ``raw`` could not be resolved; ``candidates`` may help."""

    def __init__(self, what: str, raw: str, candidates: Sequence[str] = ()) -> None:
        super().__init__(f"{what}: {raw!r}")
        self.what = what
        self.raw = raw
        self.candidates = tuple(candidates)


class NotFound(LookupFailed):
    """A valid request with no answer in the data (an ID no entry has)."""


class OutOfRange(LookupFailed):
    """A value the data cannot hold or that is not understood; ``candidates`` are the valid choices."""


class Ambiguous(LookupFailed):
    """Several things fit equally well; ``candidates`` are they."""


class Blank(LookupFailed):
    """Nothing was given (spaces only)."""


def _nfkc(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip()


def _require(what: str, raw: str, choices: Sequence[str] = ()) -> str:
    value = _nfkc(raw)
    if not value:
        raise Blank(what, raw, choices)
    return value


def _has_letters(value: str) -> bool:
    return any(ch.isalnum() for ch in value)


def limit(raw: str) -> int | None:
    """A number of results: an integer >= 1 in any width (５ too); None (all of them) when too
    long to mean a count. Raises ValueError for anything else (each door words it)."""
    value = unicodedata.normalize("NFKC", raw).strip()
    digits = value.lstrip("0")
    if value.isascii() and value.isdigit() and digits:
        return None if len(digits) > 9 else int(digits)
    raise ValueError(raw)


def whole_number(raw: str, low: int, high: int) -> int | None:
    """An integer from ``low`` to ``high`` written in any width (８７６５ too), or None."""
    value = unicodedata.normalize("NFKC", raw).strip()
    if value.isascii() and value.isdigit() and len(value) <= len(str(high)) and low <= int(value) <= high:
        return int(value)
    return None


def _number(value: str) -> int | None:
    digits = value.lstrip("0")
    if value.isascii() and value.isdigit() and len(digits) <= NUMBER_DIGITS:
        return int(value)
    return None


def closest(query: str, names: Mapping[str, Sequence[str]]) -> list[str]:
    """The keys of ``names`` whose words best match ``query``; several when it is ambiguous.

    Both sides are `text.normalize`d. Ranking: the exact word > a word starting with
    the query > a word containing it (or contained in it) > a close spelling
    (rapidfuzz ratio >= `CLOSE`); among equals, the word closest in length wins.
    """
    from rapidfuzz import fuzz

    from .text import normalize

    q = normalize(query[:MATCH_CHARS])
    if not q or not _has_letters(q):
        return []

    def rank(word: str) -> float:
        w = normalize(word)
        if not w:
            return 0.0
        if w == q:
            return 4.0
        if w.startswith(q):
            return 3.0 + len(q) / len(w)
        if q in w:
            return 2.0 + len(q) / len(w)
        if len(w) >= 2 and w in q:
            return 2.0 + len(w) / len(q)
        ratio = fuzz.ratio(q, w)
        return ratio / 100 if ratio >= CLOSE else 0.0

    scores = {key: max(map(rank, words), default=0.0) for key, words in names.items()}
    best = max(scores.values(), default=0.0)
    if best <= 0:
        return []
    return [key for key, score in scores.items() if score >= best - 1e-9]


def close_spellings(query: str, words: Sequence[str], limit: int = 3) -> list[str]:
    """Up to ``limit`` of ``words`` spelled close to ``query`` (ratio >= `CLOSE`), closest first."""
    from rapidfuzz import fuzz, process

    found = process.extract(
        query[:MATCH_CHARS], list(words), scorer=fuzz.ratio, limit=limit, score_cutoff=CLOSE
    )
    return [word for word, _, _ in found]


_DASHES = str.maketrans("ー−―‐–", "-----")


def entry(corpus: Corpus, raw: str) -> Entry:
    """An entry by its ID: case and width do not matter, and an IME's ー or − is a hyphen."""
    key = _require("ID", raw).lower().translate(_DASHES)
    if key in corpus.by_id:
        return corpus.by_id[key]
    raise NotFound("ID", raw, close_spellings(key, list(corpus.by_id)))


def theme(corpus: Corpus, raw: str) -> str:
    """A theme by its name or an alias, matched fuzzily (家族、かぞく)."""
    _require("テーマ", raw)
    found = closest(raw, {t.name: (t.name, *t.aliases) for t in corpus.themes})
    if len(found) == 1:
        return found[0]
    if found:
        raise Ambiguous("テーマ", raw, found)
    raise OutOfRange("テーマ", raw, [t.name for t in corpus.themes])


def scene(corpus: Corpus, raw: str) -> int:
    """A scene by its number, in any width, optionally prefixed 場面 (3, ３, 場面３)."""
    value = _require("場面", raw, [str(n) for n in corpus.scenes]).removeprefix("場面").strip()
    number = _number(value)
    if number is not None and number in corpus.scenes:
        return number
    raise OutOfRange("場面", raw, [str(n) for n in corpus.scenes])


def story(corpus: Corpus, raw: str) -> int:
    """A story (素材集) by its number."""
    number = _number(_require("素材集の例", raw))
    if number is not None and 1 <= number <= len(corpus.stories):
        return number
    raise OutOfRange("素材集の例", raw, [str(n) for n in range(1, len(corpus.stories) + 1)])


def kind(raw: str) -> Kind:
    """A kind by its English value or a Japanese name (hint, ヒント, 具体例 …)."""
    from .text import normalize

    key = normalize(_require("種類", raw))
    for k, words in KIND_WORDS.items():
        if any(normalize(w) == key for w in words):
            return k
    raise OutOfRange("種類", raw, [f"{k.value}（{KIND_LABELS[k]}）" for k in Kind])


def categories(corpus: Corpus, raw: str) -> list[Category]:
    """The practice categories meant by ``raw``: a number, a section (ハード面/ソフト面) or a category name."""
    value = _require("分類", raw)
    groups = corpus.categories()
    number = _number(value)
    if number is not None:
        if 1 <= number <= len(groups):
            return [groups[number - 1]]
        raise OutOfRange("分類", raw, [str(g.number) for g in groups])
    names: dict[str, list[str]] = {s.name: [s.name] for s in corpus.sections}
    names.update({g.name: [g.name] for g in groups})
    found = closest(raw, names)
    if len(found) == 1:
        return [g for g in groups if found[0] in (g.section.name, g.name)]
    if found:
        raise Ambiguous("分類", raw, found)
    raise OutOfRange("分類", raw, [g.name for g in groups])


def source(corpus: Corpus, raw: str) -> str:
    """--source: report (報告書), own (独自), or the name of one of the team's sources."""
    from .text import normalize

    value = _require("提供元", raw)
    key = normalize(value)
    if key in (normalize(REPORT), normalize("報告書")):
        return REPORT
    if key in (normalize("own"), normalize("独自"), normalize("独自のヒント")):
        return "own"
    names = sorted({e.source for e in corpus.entries if e.own})
    found = closest(value, {n: [n] for n in names})
    if len(found) == 1:
        return found[0]
    if found:
        raise Ambiguous("提供元", raw, found)
    raise OutOfRange("提供元", raw, [REPORT, "own", *names])
