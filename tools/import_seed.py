"""Create the first version of data/report/*.toml from the transcribed report.

This was run once to start the corpus; since then the TOML files are the
source of truth and are curated by hand (themes, corrections). Running it
again overwrites that curation, so it refuses to unless given --force.

    python tools/import_seed.py --force
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import seedparse

OUT = Path(__file__).resolve().parents[1] / "data" / "report"

# Unmistakable transcription errors: (original, corrected). Nothing else is changed.
CORRECTIONS = [
    ("本人につながるものが難しかった", "本人につながることが難しかった"),
    ("やりたいいこと", "やりたいこと"),
    ("一步", "一歩"),
    ("スーパーバイザ を", "スーパーバイザーを"),
    ("相談支援を。生活支援", "相談支援を生活支援"),
    ("やっとな信頼関係", "やっと信頼関係"),
]

SCENE_PAGES = {1: (8, 10), 2: (11, 13), 3: (14, 16), 4: (17, 18), 5: (19, 20), 6: (21, 22)}
SECTION_PAGES = {"ハード面": (1, 3), "ソフト面": (4, 7)}
STORY_PAGE = 24

_CJK = re.compile(r"[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]")


def despace(text: str) -> str:
    """Remove the spaces that the PDF's line wrapping left between Japanese words.

    Only whitespace goes; no character of the report is changed.
    """

    def keep(m: re.Match[str]) -> str:
        a, b = m.group(1), m.group(3)
        if (_CJK.match(a) and (_CJK.match(b) or b.isalnum())) or (_CJK.match(b) and a.isalnum()):
            return a + b
        return a + " " + b

    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"(\S)([ \t]+)(\S)", keep, text)
    return text.strip()


def fix(text: str) -> tuple[str, list[tuple[str, str]]]:
    applied = []
    for original, corrected in CORRECTIONS:
        if original in text:
            text = text.replace(original, corrected)
            applied.append((original, corrected))
    return text, applied


def fix_then_despace(text: str) -> tuple[str, list[tuple[str, str]]]:
    text, applied = fix(text)
    return despace(text), applied


def q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def entry_toml(table: str, fields: list[tuple[str, object]], fixes: list[tuple[str, str]]) -> str:
    out = [f"[[{table}]]"]
    for key, value in fields:
        if value is None:
            continue
        if isinstance(value, int):
            out.append(f"{key} = {value}")
        elif isinstance(value, list):
            out.append(f"{key} = [" + ", ".join(q(v) for v in value) + "]")
        else:
            out.append(f"{key} = {q(str(value))}")
    if fixes:
        inner = ", ".join(f"{{ original = {q(o)}, corrected = {q(c)} }}" for o, c in fixes)
        out.append(f"fixes = [{inner}]")
    return "\n".join(out) + "\n"


def main() -> None:
    if "--force" not in sys.argv and any(OUT.glob("*.toml")):
        sys.exit("data/report/*.toml exists and is curated by hand; use --force to overwrite")
    seed = seedparse.parse()
    OUT.mkdir(parents=True, exist_ok=True)

    # Practices.
    parts = [
        "# 支援体制の整備に関する具体例 (p.1–7)\n"
        "# One [[practice]] per bullet of the report, in the report's order.\n"
        "# id: stable, never reused. category: the report's category heading.\n",
        '[[section]]\nname = "ハード面"\n'
        'subtitle = "支援体制や支援メニュー等、財源を活用して取り組んでいること"\npage = 1\npage_end = 3\n',
        '[[section]]\nname = "ソフト面"\n'
        'subtitle = "支援において大切にしていることや、人材育成・引き継ぎ等で工夫していること"\n'
        "page = 4\npage_end = 7\n",
    ]
    n = 0
    for b in seed.bullets:
        if b.kind != "practice":
            continue
        n += 1
        section, _, agency = (b.section or "").partition("|")
        text, fixes = fix_then_despace(b.text)
        parts.append(
            entry_toml(
                "practice",
                [
                    ("id", f"pr{n}"),
                    ("section", section),
                    ("category", despace(b.heading or "")),
                    ("text", text),
                    ("agency", agency or None),
                    ("themes", []),
                ],
                fixes,
            )
        )
    (OUT / "practices.toml").write_text("\n".join(parts), encoding="utf-8")

    # Scenes.
    counters: dict[tuple[int, str], int] = defaultdict(int)
    for number, raw_title in seed.scene_titles.items():
        title, title_fixes = fix_then_despace(raw_title)
        page, page_end = SCENE_PAGES[number]
        head = [
            f"# 場面{number} (p.{page}–{page_end})\n"
            "# [[example]] 【具体例】, [[hint]] 支援のヒント under its 「」 heading,\n"
            "# [[suggestion]] 委員からのサジェスション. ids are stable, never reused.\n",
            f"number = {number}\ntitle = {q(title)}\npage = {page}\npage_end = {page_end}",
        ]
        if title_fixes:
            inner = ", ".join(f"{{ original = {q(o)}, corrected = {q(c)} }}" for o, c in title_fixes)
            head.append(f"title_fixes = [{inner}]")
        parts = ["\n".join(head) + "\n"]
        for b in seed.bullets:
            if b.scene != number:
                continue
            letter = {"example": "e", "hint": "h", "suggestion": "c"}[b.kind]
            counters[(number, letter)] += 1
            text, fixes = fix_then_despace(b.text)
            fields: list[tuple[str, object]] = [("id", f"s{number}-{letter}{counters[(number, letter)]}")]
            if b.kind == "hint":
                fields.append(("heading", despace(b.heading or "")))
            fields += [("text", text), ("themes", [])]
            parts.append(entry_toml(b.kind, fields, fixes))
        (OUT / f"scene{number}.toml").write_text("\n".join(parts), encoding="utf-8")

    # Stories.
    parts = [
        "# 素材集: ひきこもり状態を経験された方の歩みの例 (p.24–)\n"
        "# One [[line]] per bullet; section and subsection are the report's headings.\n",
        '[[story]]\nnumber = 1\ntitle = "ひきこもり状態を経験された方の歩みの例（１）"\npage = 24\n',
        '[[story]]\nnumber = 2\ntitle = "ひきこもり状態を経験された方の歩みの例（２）"\npage = 24\n',
    ]
    counts: dict[int, int] = defaultdict(int)
    for b in seed.bullets:
        if b.kind != "story" or b.story is None:
            continue
        counts[b.story] += 1
        text, fixes = fix_then_despace(b.text)
        parts.append(
            entry_toml(
                "line",
                [
                    ("id", f"st{b.story}-{counts[b.story]}"),
                    ("story", b.story),
                    ("section", despace(b.heading or "")),
                    ("subsection", despace(b.section) if b.section else None),
                    ("text", text),
                    ("themes", []),
                ],
                fixes,
            )
        )
    (OUT / "stories.toml").write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    main()
