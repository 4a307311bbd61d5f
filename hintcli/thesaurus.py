"""The thesaurus: everyday and professional words mapped to the report's vocabulary.

``data/thesaurus.toml`` holds ``[[entry]]`` tables of ``words`` (how people say
it), ``report`` (the report's words for it) and a ``topic``. When a normalized
query contains one of an entry's words, the entry's report words join the
query with a lower weight (see search.py).
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


class Thesaurus:
    """What matching needs: each entry's normalized words and normalized report words.

    Loaded from the data files it also keeps the entries whole (`entries`, for
    checking and editing); loaded from the cache it keeps only the matcher.
    """

    def __init__(
        self,
        entries: tuple[ThesaurusEntry, ...] = (),
        *,
        columns: tuple[list[list[str]], list[list[str]]] | None = None,
    ) -> None:
        self.entries = entries
        if columns is None:
            columns = ([list(e.keys) for e in entries], [list(e.targets) for e in entries])
        self.keys, self.targets = columns

    def __len__(self) -> int:
        return len(self.keys)

    def expand(self, normalized_query: str) -> list[Expansion]:
        """Report words for every thesaurus word the query contains, each once."""
        out: dict[str, Expansion] = {}
        for keys, targets in zip(self.keys, self.targets, strict=True):
            for key in keys:
                if key in normalized_query:
                    for target in targets:
                        if target not in out and target not in normalized_query:
                            out[target] = Expansion(key, target)
                    break
        return list(out.values())


def to_plain(thesaurus: Thesaurus) -> list[list[list[str]]]:
    return [thesaurus.keys, thesaurus.targets]


def from_plain(data: list[list[list[str]]]) -> Thesaurus:
    keys, targets = data
    return Thesaurus(columns=(keys, targets))


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
                topic=t.string("topic", required=False) or "",
                keys=keys,
                targets=tuple(normalize(r) for r in report),
            )
        )
    return entries
