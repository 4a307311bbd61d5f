"""hintcli's own index of the report: how support workers say the situations each passage answers.

``data/cues.toml`` maps an entry's id to a few short phrases (索引語) written for
hintcli, not taken from the report: 「本人がしゃべらない」, 「担当を降りたい」. The
report says 「支援者自身のセルフケア」 where a worker types 「休みの日も頭から離れない」;
the phrases bridge the two. Search reads them as one more field of the entry,
weighed below the report's own text (search.py, `CUE_WEIGHT`), that ranks it but
never vouches for it; nothing shows them as the report's words, and --explain
shows the phrases that matched as hintcli's.

The file is data a team may edit: every key must be the id of a passage of the
report, every value a list of non-empty strings.
"""

# No `from __future__ import annotations` (see corpus.py).
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .corpus import _read_toml, _Table

if TYPE_CHECKING:
    from .corpus import Corpus
    from .thesaurus import Thesaurus

# Entry id → its phrases, each as written and normalized (what search and the cache hold).
Cues = dict[str, tuple[tuple[str, str], ...]]
SHORTEST, LONGEST = 3, 24  # characters of a phrase
MOST_ENTRIES = 3  # a phrase on more passages than this does not tell them apart
COPY_CHARS = 10  # a phrase this long that the report has word for word copies it


def load_cues(path: Path, ids: Iterable[str]) -> Cues:
    """Entry id → its phrases, checked against the report's ids (DataError names a bad one)."""
    from .text import normalize

    root = _Table(path, _read_toml(path), "ファイル全体")
    known = set(ids)
    unknown = sorted(k for k in root.data if k not in known)
    if unknown:
        shown = "」「".join(unknown[:3]) + ("」ほか" if len(unknown) > 3 else "」")
        raise root.fail(f"報告書にない項目 ID「{shown}（綴りを確認してください）")
    out: Cues = {}
    for key in root.data:
        root.label = key
        out[key] = tuple((p, normalize(p)) for p in root.str_list(key))
    return out


def review(cues: Cues, corpus: "Corpus", thesaurus: "Thesaurus") -> list[str]:
    """What the loader does not check, one line each (for tests and tools/check_cues.py):
    a passage with fewer than two phrases, a phrase too short or too long, one on more than
    MOST_ENTRIES passages, one that copies the report (its words are searchable already), and
    one holding a word of a `near` thesaurus entry: a topic the report does not treat, which
    hintcli must go on saying it does not treat."""
    from .text import normalize

    report = "\x00".join(normalize(e.text) for e in corpus.entries if not e.own)
    near = [k for i in thesaurus.near for k in thesaurus.keys[i] if len(k) >= 2]
    used = Counter(n for phrases in cues.values() for n in {n for _, n in phrases})
    problems = []
    for entry_id, phrases in cues.items():
        if len(phrases) < 2:
            problems.append(f"{entry_id}: 句が {len(phrases)} つです（2 つ以上）")
        for written, n in phrases:
            where = f"{entry_id}: 「{written}」"
            if not SHORTEST <= len(written) <= LONGEST:
                problems.append(f"{where}は {len(written)} 字です（{SHORTEST}〜{LONGEST} 字）")
            if used[n] > MOST_ENTRIES:
                problems.append(f"{where}は {used[n]} 項目に付いています（{MOST_ENTRIES} 項目まで）")
            if len(n) >= COPY_CHARS and n in report:
                problems.append(f"{where}は報告書の文をそのまま写しています")
            problems += [f"{where}は報告書が扱わない話題の語「{k}」を含みます" for k in near if k in n]
    return problems
