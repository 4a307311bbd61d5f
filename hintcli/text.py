"""Japanese text normalization, shared by the corpus, search and themes.

Both sides of every comparison (the report and what the user types) go through
`normalize`, so that width, script and spelling variants do not decide whether
a passage is found:

* Unicode NFKC (full-width ASCII and digits, half-width katakana), lower case;
* katakana folded to hiragana, long-vowel marks dropped (サポーター = さぽた);
* spelling variants of the same word folded to one form (引きこもり = ひきこもり,
  繋がる = つながる, 子供 = 子ども, 話し合い = 話合い, 障がい = 障害 ...);
* white space removed; punctuation kept only as a boundary (see `runs`).

Also: `sanitize`, the one rule for text that did not come from this program
(a data file, a query) before it reaches a terminal or a human-readable file,
and `one_line`, which shows such text inside a one-line message.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Katakana ァ..ヶ (U+30A1..U+30F6) map to hiragana by a fixed offset.
_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}
_KATA_TO_HIRA[0x30FD] = 0x309D  # ヽ → ゝ
_KATA_TO_HIRA[0x30FE] = 0x309E  # ヾ → ゞ
# A long-vowel mark (or a dash standing in for one) inside a katakana word is
# kept, since メール is not める; at the end of a word it is an optional spelling
# (サポーター = サポータ) and is dropped. Applied before kana folding.
_DASHES = "ー―‐-"  # the long-vowel mark and what transcriptions put for it


def _is_katakana(ch: str) -> bool:
    return "ァ" <= ch <= "ヴ"


def _long_vowels(text: str) -> str:
    """Inside a katakana word a dash is a long-vowel mark; at its end it is dropped.

    (A loop, not a regular expression: compiling the lookarounds cost more at
    every start than the loop costs on any query.)
    """
    if not any(d in text for d in _DASHES):
        return text
    out = []
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch in _DASHES and i > 0 and _is_katakana(text[i - 1]):
            nxt = text[i + 1] if i < last else ""
            if _is_katakana(nxt):
                out.append("ー")
                continue
            if ch != "-" and (not nxt or nxt not in _DASHES[:3]):
                continue
        out.append(ch)
    return "".join(out)


# Variants folded after kana folding, so patterns are written in hiragana.
# Order matters: longer, more specific forms first.
_VARIANTS: tuple[tuple[str, str], ...] = (
    ("引き籠もり", "ひきこもり"),
    ("引き籠り", "ひきこもり"),
    ("引籠もり", "ひきこもり"),
    ("引籠り", "ひきこもり"),
    ("引きこもり", "ひきこもり"),
    ("引き篭もり", "ひきこもり"),
    ("引篭もり", "ひきこもり"),
    ("ひき籠もり", "ひきこもり"),
    ("ひきこもる", "ひきこもり"),
    ("引きこもる", "ひきこもり"),
    ("引き籠もる", "ひきこもり"),
    ("籠も", "こも"),
    ("籠", "こも"),
    ("篭も", "こも"),
    ("繋", "つな"),
    ("子供", "子ども"),
    ("こども", "子ども"),
    ("話し合", "話合"),
    ("打ち合わせ", "打合せ"),
    ("打ち合せ", "打合せ"),
    ("打合わせ", "打合せ"),
    ("問い合わせ", "問合せ"),
    ("問い合せ", "問合せ"),
    ("引き継", "引継"),
    ("引き受", "引受"),
    ("取り組", "取組"),
    ("受け入れ", "受入"),
    ("受入れ", "受入"),
    ("申し込", "申込"),
    ("障がい", "障害"),
    ("障碍", "障害"),
    ("燃えつき", "燃え尽き"),
    ("もえつき", "燃え尽き"),
    ("ねぎら", "労"),
    ("出会", "出合"),
    ("話しを", "話を"),
    ("わかる", "分かる"),
    ("わから", "分から"),
    ("わかっ", "分かっ"),
    # 出来る → できる, not the other way: folding to kanji would put a 来 into
    # 外出できなくなった that then matches 来なくなった.
    ("出来", "でき"),
)


_SPACE_RE = re.compile(r"\s+")
# Everything that is not a letter, digit or kana separates runs of text.

# C0/C1 controls (keeping tab and newline), and escape sequences: CSI, OSC, and
# two-character escapes. Applied before anything user-typed is echoed.
_ESCAPE_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI ... final
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC ... BEL or ST
    r"|\x1b[@-Z\\-_]"  # other two-character escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# What `sanitize` changes: controls but newline and tab, and lone surrogates. Renderers may test
# a piece of text with UNSAFE.search before calling sanitize (the report's text never matches).
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def normalize(text: str) -> str:
    """The one form in which the report and queries are compared."""
    # NFKC again after lower case and removing spaces: either can leave a
    # combining mark next to a new neighbour that NFKC would compose.
    text = _SPACE_RE.sub("", unicodedata.normalize("NFKC", text).lower())
    text = unicodedata.normalize("NFKC", text)
    text = _long_vowels(text)
    text = text.translate(_KATA_TO_HIRA)
    # Plain replacements in order, not one regular expression: compiling that
    # alternation cost 1 ms at every start, more than replacing on any query.
    for variant, folded in _VARIANTS:
        if variant in text:
            text = text.replace(variant, folded)
    return text


def runs(normalized: str) -> list[str]:
    """Split normalized text into runs of Latin letters and digits, kana and kanji.

    Everything else (punctuation, symbols, other scripts) separates runs.
    """
    out: list[str] = []
    start = -1
    for i, ch in enumerate(normalized):
        if _in_run(ch):
            if start < 0:
                start = i
        elif start >= 0:
            out.append(normalized[start:i])
            start = -1
    if start >= 0:
        out.append(normalized[start:])
    return out


def _in_run(ch: str) -> bool:
    return (
        "0" <= ch <= "9"
        or "a" <= ch <= "z"
        or "\u3040" <= ch <= "\u30ff"
        or "\u3400" <= ch <= "\u9fff"
        or "\uf900" <= ch <= "\ufaff"
        or ch == "々"
    )


def is_kanji(ch: str) -> bool:
    return "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"


def is_hiragana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u309f"


def sanitize(text: str) -> str:
    """Text from a file or a user made safe to print: nothing in it can drive a terminal.

    Every renderer of human output (terminal panels, plain text, and later
    Markdown and HTML) passes text it did not write through this. The rule:

    * escape sequences (CSI, OSC such as a window title or a hyperlink, and
      two-character escapes, 7-bit and 8-bit) are removed whole;
    * every other C0 control, DEL and C1 control is removed; newline and tab stay;
    * lone surrogates (undecodable bytes from the command line) become ``?``.

    Idempotent, and printable text (the report's) is returned unchanged.
    """
    if not UNSAFE.search(text):  # the common case (the report): nothing to do
        return text
    text = _ESCAPE_RE.sub("", text)
    text = _CONTROL_RE.sub("", text)
    return text.encode("utf-8", "replace").decode("utf-8")


def one_line(text: str) -> str:
    """``text`` for a one-line message: controls (newline and tab too) shown as escapes (``\\n``, ``\\x1b``)."""
    if text.isprintable():
        return text
    out = _VISIBLE_RE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return out.encode("utf-8", "replace").decode("utf-8")


_VISIBLE_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _fold_char(ch: str) -> str:
    """`normalize` for one character, without the multi-character variant folding."""
    out = unicodedata.normalize("NFKC", ch).lower()
    if out in ("ー", "-", "―", "‐"):
        return "ー"
    return _SPACE_RE.sub("", out.translate(_KATA_TO_HIRA))


@functools.lru_cache(maxsize=2048)
def _folded(text: str) -> tuple[str, tuple[int, ...]]:
    """``text`` folded character by character for `spans`, long-vowel marks left out,
    and for each folded character the offset in ``text`` it came from.

    Cached: a server highlights the same few hundred entry texts over and over.
    """
    plain: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        for c in _fold_char(ch):
            # Long-vowel marks are left out on both sides (normalize keeps some, drops others).
            if c != "ー":
                plain.append(c)
                where.append(i)
    return "".join(plain), tuple(where)


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where normalized `terms` occur in the original `text`: (start, end) offsets, merged.

    For highlighting. Each character is normalized on its own, so a term is
    found however the text spells it in width and script; word variants that
    normalize() folds across several characters (引き籠もり) are not.
    """
    plain, where = _folded(text)
    found: list[tuple[int, int]] = []
    for term in terms:
        term = term.replace("ー", "")
        if not term:
            continue
        start = plain.find(term)
        while start != -1:
            found.append((where[start], where[start + len(term) - 1] + 1))
            start = plain.find(term, start + 1)
    found.sort()
    merged: list[tuple[int, int]] = []
    for a, b in found:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged
