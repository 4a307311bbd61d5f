"""The thesaurus: everyday and professional words mapped to the report's vocabulary.

``data/thesaurus.toml`` holds ``[[entry]]`` tables of ``words`` (how people say
it), ``report`` (the report's words for it) and a ``topic``. When a normalized
query contains one of an entry's words, the entry's report words join the
query with a lower weight (see search.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from .corpus import _read_toml, _Table
from .text import normalize


class Expansion(NamedTuple):
    word: str  # the user's word, as written in the thesaurus
    term: str  # a report word, as written in the thesaurus
    key: str  # normalized `term`


class ThesaurusEntry(NamedTuple):
    words: tuple[str, ...]
    report: tuple[str, ...]
    topic: str
    keys: tuple[str, ...]  # normalized words
    targets: tuple[str, ...]  # normalized report words


class Thesaurus:
    def __init__(self, entries: tuple[ThesaurusEntry, ...]) -> None:
        self.entries = entries

    def __len__(self) -> int:
        return len(self.entries)

    def expand(self, normalized_query: str) -> list[Expansion]:
        """Report words for every thesaurus word the query contains, each once."""
        out: dict[str, Expansion] = {}
        for e in self.entries:
            for word, key in zip(e.words, e.keys, strict=True):
                if key in normalized_query:
                    for term, target in zip(e.report, e.targets, strict=True):
                        if target not in out and target not in normalized_query:
                            out[target] = Expansion(word, term, target)
                    break
        return list(out.values())


def to_plain(thesaurus: Thesaurus) -> list[list[Any]]:
    return [
        [list(e.words), list(e.report), e.topic, list(e.keys), list(e.targets)] for e in thesaurus.entries
    ]


def from_plain(data: list[list[Any]]) -> Thesaurus:
    return Thesaurus(
        tuple(ThesaurusEntry(*(tuple(x) if isinstance(x, list) else x for x in e)) for e in data)
    )


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
        t.check_keys({"words", "report", "topic"})
        words = t.str_list("words")
        t.label = f"{i + 1} 番目の [[entry]]（{words[0]}）"
        report = t.str_list("report")
        keys = tuple(normalize(w) for w in words)
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
                topic=t.str("topic", required=False) or "",
                keys=keys,
                targets=tuple(normalize(r) for r in report),
            )
        )
    return entries
