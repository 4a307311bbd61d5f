"""The thesaurus: everyday and professional words mapped to the report's vocabulary.

``data/thesaurus.toml`` holds ``[[entry]]`` tables of ``words`` (how people say
it), ``report`` (the report's words for it), a ``topic`` and, optionally,
``unless``: longer phrases in which a word means something else (疲れ in
お疲れ様, 家族会 in 家族会議), and, optionally, ``near = true``: the report has
no passage on the words' topic (自殺, 家庭内暴力, ゲーム) and its words are only the
nearest it has; search then marks such matches weak and names the word as one
the report does not cover. When a normalized query contains one of an
entry's words outside those phrases, or a close variant of one, the entry's
report words join the query with a lower weight (see search.py).
"""

# No `from __future__ import annotations`: NamedTuple turns string annotations
# into ForwardRefs by compiling each one, which every start paid for.
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from rapidfuzz import fuzz

from .corpus import Corpus, _read_toml, _Table
from .text import is_hiragana, is_kanji, normalize


class Expansion(NamedTuple):
    word: str  # what in the query matched: a thesaurus word, or the query's own variant of one
    key: str  # a report word, normalized
    closeness: float = 1.0  # 1.0: the query has the word itself; less: a variant of it (0.7-1.0)
    near: bool = False  # the entry is `near = true`: the report has no passage on the word's topic


# A variant of a thesaurus word (相談には来ない for 相談に来ない; 本人が来なきゃ意味
# for 本人が来ないと意味) counts when rapidfuzz aligns the word with the query at least
# this closely and the aligned stretch has every kanji of the word: the kana
# (particles, inflections) may differ, the content may not (父親が失業 is no variant
# of 父親が「本人…).
FUZZY_MIN = 70.0
# A word with a particle inside (ゴールが見えな) also counts, at this closeness, where the
# query has other particles there, or none (see `fold_particles`).
PARTICLE_CLOSENESS = 0.9
FOLDED_MIN = 3
RECENT_QUERIES = 8  # queries whose candidate entries are remembered (see `Thesaurus._candidates`)
_PARTICLE_CHARS = "がのをにはでとへもか"
_PARTICLES = str.maketrans("", "", _PARTICLE_CHARS)
_ANY = f"[{_PARTICLE_CHARS}]*"
_ONE_OR_MORE = f"[{_PARTICLE_CHARS}]+"


def fold_particles(text: str) -> str:
    """A normalized text with the kana that are particles left out (ゴールか見えな and
    ゴールが見えな are both ごーる見えな); kana words lose them too, on both sides alike."""
    return text.translate(_PARTICLES)


class ThesaurusEntry(NamedTuple):
    words: tuple[str, ...]
    report: tuple[str, ...]
    topic: str
    keys: tuple[str, ...]  # normalized words
    targets: tuple[str, ...]  # normalized report words
    unless: tuple[str, ...] = ()  # normalized phrases in which the words do not count
    near: bool = False  # the report does not treat this topic; its words here are the nearest it has


class Thesaurus:
    """What matching needs: each entry's normalized words and normalized report words.

    Loaded from the data files it also keeps the entries whole (`entries`, for
    checking and editing); loaded from the cache it keeps only the matcher.
    """

    def __init__(
        self,
        entries: tuple[ThesaurusEntry, ...] = (),
        *,
        columns: list[list[list[str]]] | None = None,
        near: Iterable[int] | None = None,
    ) -> None:
        self.entries = entries
        # Entries marked `near = true` (by index): a query word they match is one the
        # report does not cover, and search says so (search.Answer.unknown).
        self.near = frozenset(near if near is not None else (i for i, e in enumerate(entries) if e.near))
        if columns is None:
            columns = [
                [list(e.keys) for e in entries],
                [list(e.targets) for e in entries],
                [list(e.unless) for e in entries],
                [[kanji_core(k) for k in e.keys] for e in entries],
            ]
        self.keys, self.targets, self.unless, self.cores = columns
        self._starts: dict[str, list[int]] | None = None
        self._cores_index: dict[str, list[int]] | None = None
        self._folded: dict[int, tuple[tuple[str, str], ...]] = {}
        self._recent: dict[str, frozenset[int]] = {}
        self._chars: frozenset[str] | None = None  # every character of its words (`knows_char`)
        self._longest_core = 0  # set by _index

    def __len__(self) -> int:
        return len(self.keys)

    def near_words(self, normalized_query: str) -> list[str]:
        """The words of `near` entries (topics the report does not treat) in the query,
        even where another entry already brought their report words."""
        return [key for i in sorted(self.near) for key in self._words_in_entry(i, normalized_query)]

    def expand(self, normalized_query: str) -> list[Expansion]:
        """Report words for every thesaurus word the query contains, each once.

        An entry none of whose words the query contains may still match a close
        variant of one (see FUZZY_MIN); its report words then come with that closeness.
        """
        out: dict[str, Expansion] = {}
        variants: list[tuple[Expansion, list[str]]] = []
        candidates = self._candidates(normalized_query)
        for i in sorted(candidates):
            keys, targets = self.keys[i], self.targets[i]
            query = self._masked(i, normalized_query)
            for key in keys:
                if _has_word(query, key):
                    for target in targets:
                        if target not in out and target not in normalized_query:
                            out[target] = Expansion(key, target, near=i in self.near)
                    break
            else:
                best = None
                for key, core in zip(keys, self.cores[i], strict=True):
                    if core and core in query:
                        found = _variant(key, query)
                        if found and i in self.near:
                            found = found._replace(near=True)
                        if found and (best is None or found.closeness > best.closeness):
                            best = found
                if best:
                    variants.append((best, targets))
        # A word said with other particles (姉からの電話 for 姉から電話, ゴールか見えない for
        # ゴールが見えない): compared with the particles left out of both.
        # Only the candidates: such a word starts like some part of the query too.
        folded_query = fold_particles(normalized_query)
        matched = {found.word for found, _ in variants} | {x.word for x in out.values()}
        for i in sorted(candidates):
            with_particles = self._with_particles(i)
            if not with_particles:
                continue
            if any(k in matched for k in self.keys[i]) or any(t in out for t in self.targets[i]):
                continue
            for key, folded in with_particles:
                if folded not in folded_query:
                    continue
                if _particle_pattern(key).search(self._masked(i, normalized_query)):
                    found = Expansion(key, "", PARTICLE_CLOSENESS, near=i in self.near)
                    variants.append((found, self.targets[i]))
                    break
        # The words themselves first: a report word both bring keeps full weight.
        for found, targets in variants:
            for target in targets:
                if target not in out and target not in normalized_query:
                    out[target] = found._replace(key=target)
        return list(out.values())

    def _candidates(self, q: str) -> frozenset[int]:
        """The entries that can match the normalized query ``q``: those with a word that
        starts like some part of it, or whose kanji core it has (looked up, not scanned).
        The last few are remembered: `expand` and `words_in` ask for the same query."""
        found = self._recent.get(q)
        if found is None:
            if len(self._recent) >= RECENT_QUERIES:
                self._recent.clear()  # atomic: a server's threads share this
            found = self._recent[q] = frozenset(self._find_candidates(q))
        return found

    def _find_candidates(self, q: str) -> set[int]:
        starts, cores = self._index()
        candidates = {i for k in range(len(q)) for i in starts.get(q[k : k + 2], ())}
        candidates.update(i for k in range(len(q)) for i in starts.get(q[k], ()))
        longest = self._longest_core
        candidates.update(i for core in _kanji_stretches(q, longest) for i in cores.get(core, ()))
        return candidates

    def knows_char(self, ch: str) -> bool:
        """Whether any of the thesaurus's words has the character ``ch``."""
        if self._chars is None:
            self._chars = frozenset("".join(k for keys in self.keys for k in keys))
        return ch in self._chars

    def words_in(self, normalized_query: str) -> list[tuple[str, ...]]:
        """The words of each (not `near`) entry that the query has as they are, entry by
        entry, in the query's order: `expand` takes an entry's report words once, for the
        first of its words it finds, but each of them is a word the thesaurus knows, and
        those report words stand for each of them."""
        found = []
        for i in self._candidates(normalized_query):
            if i in self.near:
                continue
            keys = self._words_in_entry(i, normalized_query)
            if keys:
                found.append(tuple(sorted(keys, key=normalized_query.find)))
        return sorted(set(found), key=lambda keys: (normalized_query.find(keys[0]), keys))

    def _masked(self, i: int, normalized_query: str) -> str:
        """The query with entry i's `unless` phrases blotted out: its words do not count there."""
        for phrase in self.unless[i]:
            normalized_query = normalized_query.replace(phrase, "\x00")
        return normalized_query

    def _words_in_entry(self, i: int, normalized_query: str) -> tuple[str, ...]:
        """Entry i's words that the query has as they are (see `_has_word`), outside its `unless` phrases."""
        query = self._masked(i, normalized_query)
        return tuple(key for key in self.keys[i] if _has_word(query, key))

    def _with_particles(self, i: int) -> tuple[tuple[str, str], ...]:
        """Entry i's words that have particles and a kanji, each with its particles left out
        (`fold_particles`) and at least FOLDED_MIN characters without them; remembered."""
        try:
            return self._folded[i]
        except KeyError:
            pairs = tuple(
                (k, f)
                for k in self.keys[i]
                if (f := fold_particles(k)) != k and len(f) >= FOLDED_MIN and any(is_kanji(c) for c in f)
            )
            self._folded[i] = pairs
            return pairs

    def _index(self) -> tuple[dict[str, list[int]], dict[str, list[int]]]:
        """Entries by the first two characters of each word (one, for a one-kanji
        word), and by each word's kanji core; built on first use (a few ms)."""
        if self._starts is None:
            starts: dict[str, list[int]] = {}
            cores: dict[str, list[int]] = {}
            for i, (keys, entry_cores) in enumerate(zip(self.keys, self.cores, strict=True)):
                for key in keys:
                    starts.setdefault(key[:2], []).append(i)
                for core in entry_cores:
                    if core:
                        cores.setdefault(core, []).append(i)
            self._set_index(starts, cores)
        assert self._starts is not None and self._cores_index is not None
        return self._starts, self._cores_index

    def _set_index(self, starts: dict[str, list[int]], cores: dict[str, list[int]]) -> None:
        """Take the lookup index, built or loaded; the one place that sets it."""
        # `_starts` last: it says the index is ready (a server's threads may ask meanwhile).
        self._longest_core = max(map(len, cores), default=0)
        self._cores_index = cores
        self._starts = starts


def _particle_pattern(key: str) -> re.Pattern[str]:
    """A word with its particles free: where it has one the text must have one or more
    (が or か, から or からの), and particles may come between its other characters
    (姉からの電話 for 姉から電話); never none where it has one (家族の会 is not in 家族会議,
    nor 手紙の返事 in the two keywords 手紙 返事)."""
    out: list[str] = []
    for ch in key:
        if ch in _PARTICLE_CHARS:
            if out and out[-1] == _ONE_OR_MORE:
                continue
            if out and out[-1] == _ANY:
                out.pop()
            out.append(_ONE_OR_MORE)
        else:
            if out and out[-1] != _ONE_OR_MORE:
                out.append(_ANY)
            out.append(re.escape(ch))
    return re.compile("".join(out))


def _has_word(query: str, key: str) -> bool:
    """Whether the query has a thesaurus word as it is (a Latin one standing on its own)."""
    if key not in query:
        return False
    if key.isascii():
        return _has_latin_word(query, key)
    if len(key) >= 2 and all(is_kanji(c) for c in key):
        return _has_kanji_word(query, key)
    return True


# One kanji that makes a word for a thing, a day or a cost of the word before it
# (洗濯機, 休館日, 記念品, 資産税, 観光地): that word is then not the query's topic.
_THING_SUFFIXES = frozenset("機器具品日税料費代券店屋車館地")


def _has_kanji_word(query: str, key: str) -> bool:
    """Whether the query has a kanji word as it is, not as the first part of a word for
    a thing (洗濯 in 洗濯機の: a one-kanji suffix from _THING_SUFFIXES, then no kanji nor
    okurigana; 地 of 観光地 is a suffix, 関 of 以上関わる a verb)."""
    start = query.find(key)
    while start != -1:
        end = start + len(key)
        suffix, after = query[end : end + 1], query[end + 1 : end + 2]
        thing = (
            suffix in _THING_SUFFIXES
            and not is_kanji(after)
            and (not is_hiragana(after) or after in _PARTICLE_CHARS)
        )
        if not thing:
            return True
        start = query.find(key, start + 1)
    return False


def _has_latin_word(query: str, key: str) -> bool:
    """Whether a Latin-letter word (DV, SNS) stands on its own in the query, not inside
    a longer one (advocacy)."""
    start = query.find(key)
    while start != -1:
        end = start + len(key)
        before = query[start - 1] if start else " "
        after = query[end] if end < len(query) else " "
        if not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha()):
            return True
        start = query.find(key, start + 1)
    return False


def _kanji_stretches(text: str, longest: int) -> set[str]:
    """Every stretch of 2 to `longest` kanji inside the text's kanji runs (where a core may be)."""
    out: set[str] = set()
    run_start = None
    for k, ch in enumerate(text + " "):
        if is_kanji(ch):
            if run_start is None:
                run_start = k
            continue
        if run_start is not None:
            run = text[run_start:k]
            out.update(
                run[a:b] for a in range(len(run)) for b in range(a + 2, min(len(run), a + longest) + 1)
            )
            run_start = None
    return out


def _variant(key: str, query: str) -> Expansion | None:
    if len(query) < len(key):
        return None  # rapidfuzz would align the query within the word: 家族史 is no variant of 家族みんな
    a = fuzz.partial_ratio_alignment(key, query, score_cutoff=FUZZY_MIN)
    if a is None:
        return None
    start, end = a.dest_start, a.dest_end
    window = query[start:end]
    if not all(c in window for c in key if is_kanji(c)):
        return None
    # Kana may differ, but not a negation: 来所し is the opposite of 来所なし.
    if _negates(key) != _negates(window):
        return None
    # Nor may it cut a kanji word: 家族会 in 家族会議 is another word.
    if (start > 0 and is_kanji(query[start - 1]) and is_kanji(query[start])) or (
        end < len(query) and is_kanji(query[end - 1]) and is_kanji(query[end])
    ):
        return None
    return Expansion(window, "", a.score / 100)


def _negates(text: str) -> bool:
    """Whether a stretch has a negation's kana (ない, なし, なく, ず): a rough test, but
    it only keeps a variant from counting."""
    return "な" in text or "ず" in text


def kanji_core(key: str) -> str:
    """A word's longest kanji run (主導 in どこが主導), where a variant of it must be
    anchored; empty when the word has no run of two kanji or is little more than it
    (a two-kanji word has no variants, only itself)."""
    best = run = ""
    for ch in key + " ":
        if is_kanji(ch):
            run += ch
            continue
        if len(run) > len(best):
            best = run
        run = ""
    return best if len(best) >= 2 and len(key) >= len(best) + 2 else ""


def review(entries: Iterable[ThesaurusEntry], corpus: Corpus) -> list[str]:
    """What the loader does not check, one line each: report words the report does not
    contain, words that map to themselves, words too short to match safely, and words
    of a `near` entry (a topic the report does not treat) that the report has.
    (For tests and tools/check_thesaurus.py; too slow for every start.)"""
    fields = [e.text for e in corpus.entries] + [e.heading or "" for e in corpus.entries]
    fields += [e.subheading or "" for e in corpus.entries] + [s.name for s in corpus.stories]
    fields += [s.title for s in corpus.scenes.values()] + [e.section or "" for e in corpus.entries]
    report = "\x00".join(normalize(f) for f in fields)
    problems = []
    for e in entries:
        where = f"[[entry]]（{e.words[0]}）"
        problems += [
            f"{where}: report の「{w}」が報告書にありません"
            for w, k in zip(e.report, e.targets, strict=True)
            if k not in report
        ]
        problems += [
            f"{where}: words の「{w}」が report にもあります"
            for w, k in zip(e.words, e.keys, strict=True)
            if k in e.targets
        ]
        problems += [
            f"{where}: words の「{w}」は短すぎます"
            for w, k in zip(e.words, e.keys, strict=True)
            if len(k) < 2 and not is_kanji(k)
        ]
        # `near`: the report does not treat the topic, so it must not have the words.
        problems += [
            f"{where}: near = true ですが、words の「{w}」は報告書にあります"
            for w, k in zip(e.words, e.keys, strict=True)
            if e.near and k in report
        ]
    return problems


def to_plain(thesaurus: Thesaurus) -> dict[str, Any]:
    """For the JSON cache: the columns, and the lookup index (cheaper to load than to build)."""
    starts, cores = thesaurus._index()
    columns = [thesaurus.keys, thesaurus.targets, thesaurus.unless, thesaurus.cores]
    return {"columns": columns, "starts": starts, "cores": cores, "near": sorted(thesaurus.near)}


def from_plain(data: dict[str, Any]) -> Thesaurus:
    thesaurus = Thesaurus(columns=data["columns"], near=data.get("near", ()))
    thesaurus._set_index(data["starts"], data["cores"])
    return thesaurus


def load_thesaurus(*paths: Path) -> Thesaurus:
    """Load thesaurus files (``thesaurus.toml``, ``readings.toml``) as one thesaurus.

    A word may appear only once across all of them.
    """
    entries: list[ThesaurusEntry] = []
    seen: dict[str, str] = {}
    for path in paths:
        entries += _load_file(path, seen)
    return Thesaurus(tuple(entries))


def _near(t: _Table) -> bool:
    value = t.data.get("near", False)
    if not isinstance(value, bool):
        raise t.fail("near は true か false でなければなりません")
    return value


def _load_file(path: Path, seen: dict[str, str]) -> list[ThesaurusEntry]:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"entry"})
    entries = []
    for i, raw in enumerate(root.tables("entry")):
        t = _Table(path, raw, f"{i + 1} 番目の [[entry]]")
        t.check_keys({"words", "report", "topic", "unless", "near"})
        words = t.str_list("words")
        t.label = f"{i + 1} 番目の [[entry]]（{words[0]}）"
        report = t.str_list("report")
        keys = tuple(normalize(w) for w in words)
        unless = tuple(normalize(u) for u in t.str_list("unless", required=False))
        for phrase, raw_phrase in zip(unless, t.str_list("unless", required=False), strict=True):
            if not any(k in phrase for k in keys):
                raise t.fail(f"unless の「{raw_phrase}」は words のどの語も含みません")
        for word, key in zip(words, keys, strict=True):
            if not key:
                raise t.fail(f"words の「{word}」は正規化すると空になります")
            where = f"{path.name} の {i + 1} 番目"
            if key in seen and seen[key] != where:
                raise t.fail(f"words の「{word}」は {seen[key]} の [[entry]] にもあります")
            seen[key] = where
        entries.append(
            ThesaurusEntry(
                words=words,
                report=report,
                topic=t.string("topic", required=False) or "",
                keys=keys,
                targets=tuple(normalize(r) for r in report),
                unless=unless,
                near=_near(t),
            )
        )
    return entries
