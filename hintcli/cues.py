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
from collections.abc import Iterable
from pathlib import Path

from .corpus import _read_toml, _Table

# Entry id → its phrases, each as written and normalized (what search and the cache hold).
Cues = dict[str, tuple[tuple[str, str], ...]]


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
