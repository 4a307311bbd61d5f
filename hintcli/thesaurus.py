"""The thesaurus: everyday and professional words mapped to the report's vocabulary.

``data/thesaurus.toml`` holds ``[[entry]]`` tables of ``words`` (how people say
it), ``report`` (the report's words for it), a ``topic`` and, optionally,
``unless``: longer phrases in which a word means something else (疲れ in
お疲れ様, 家族会 in 家族会議). When a normalized query contains one of an
entry's words outside those phrases, the entry's report words join the query
with a lower weight (see search.py).
"""

# No `from __future__ import annotations`: NamedTuple turns string annotations
# into ForwardRefs by compiling each one, which every start paid for.
from pathlib import Path
from typing import NamedTuple

from .corpus import _read_toml, _Table
from .text import normalize


class Expansion(NamedTuple):
    word: str  # the thesaurus word found in the query, normalized
    key: str  # a report word, normalized


class ThesaurusEntry(NamedTuple):
    words: tuple[str, ...]
    report: tuple[str, ...]
    topic: str
    keys: tuple[str, ...]  # normalized words
    targets: tuple[str, ...]  # normalized report words
    unless: tuple[str, ...] = ()  # normalized phrases in which the words do not count


class Thesaurus:
    """What matching needs: each entry's normalized words and normalized report words.

    Loaded from the data files it also keeps the entries whole (`entries`, for
    checking and editing); loaded from the cache it keeps only the matcher.
    """

    def __init__(
        self,
        entries: tuple[ThesaurusEntry, ...] = (),
        *,
        columns: tuple[list[list[str]], list[list[str]], list[list[str]]] | None = None,
    ) -> None:
        self.entries = entries
        if columns is None:
            columns = (
                [list(e.keys) for e in entries],
                [list(e.targets) for e in entries],
                [list(e.unless) for e in entries],
            )
        self.keys, self.targets, self.unless = columns

    def __len__(self) -> int:
        return len(self.keys)

    def expand(self, normalized_query: str) -> list[Expansion]:
        """Report words for every thesaurus word the query contains, each once."""
        out: dict[str, Expansion] = {}
        for keys, targets, unless in zip(self.keys, self.targets, self.unless, strict=True):
            query = normalized_query
            for phrase in unless:
                query = query.replace(phrase, "\x00")
            for key in keys:
                if key in query:
                    for target in targets:
                        if target not in out and target not in normalized_query:
                            out[target] = Expansion(key, target)
                    break
        return list(out.values())


def to_plain(thesaurus: Thesaurus) -> list[list[list[str]]]:
    return [thesaurus.keys, thesaurus.targets, thesaurus.unless]


def from_plain(data: list[list[list[str]]]) -> Thesaurus:
    keys, targets, unless = data
    return Thesaurus(columns=(keys, targets, unless))


def load_thesaurus(*paths: Path) -> Thesaurus:
    """Load thesaurus files (``thesaurus.toml``, ``readings.toml``) as one thesaurus.

    A word may appear only once across all of them.
    """
    entries: list[ThesaurusEntry] = []
    seen: dict[str, str] = {}
    for path in paths:
        entries += _load_file(path, seen)
    return Thesaurus(tuple(entries))


def _load_file(path: Path, seen: dict[str, str]) -> list[ThesaurusEntry]:
    root = _Table(path, _read_toml(path), "ファイル全体")
    root.check_keys({"entry"})
    entries = []
    for i, raw in enumerate(root.tables("entry")):
        t = _Table(path, raw, f"{i + 1} 番目の [[entry]]")
        t.check_keys({"words", "report", "topic", "unless"})
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
            )
        )
    return entries
