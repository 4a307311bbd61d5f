"""Parse the transcribed report (shared/seed/hikikomori-hints-r3.md) into bullets.

Used twice: once to create the first version of data/report/*.toml
(tools/import_seed.py), and by tests/test_faithfulness.py to check that the
curated data still says, bullet for bullet, what the report says.

The transcription's Markdown is irregular (heading levels vary, bold markers
come and go, a bullet can be broken across a page), so this reads it by the
report's own landmarks: the 支援体制 part's sections and categories,
「場面N」, 【具体例】, hint headings in 「」, 委員からのサジェスション, and the
素材集 stories.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "hikikomori-hints-r3.md"


@dataclass
class Bullet:
    kind: str  # practice | example | hint | suggestion | story
    text: str
    scene: int | None = None
    heading: str | None = None  # hint heading, practice category, story section
    section: str | None = None  # ハード面/ソフト面; story subsection
    story: int | None = None


@dataclass
class Seed:
    bullets: list[Bullet] = field(default_factory=list)
    scene_titles: dict[int, str] = field(default_factory=dict)


_HEADING = re.compile(r"^#+\s*")
_BOLD = re.compile(r"\*\*")
_BULLET = re.compile(r"^-\s*(?:・\s*)?")
_EMPTY_MARKER = re.compile(r"\s*[（(]\s*[）)]\s*$")
_NAMED_MARKER = re.compile(r"\s*[（(]([^（）()]+?[県市町村])[）)]\s*$")
_SCENE = re.compile(r"場面\s*(\d)\s*[：:]\s*(.+)$")
_STORY = re.compile(r"歩みの例\s*[（(](\d)[）)]")
_QUOTED_HEADING = re.compile(r"^「(.+)」$")


def clean_heading(line: str) -> str:
    return _BOLD.sub("", _HEADING.sub("", line)).strip()


def split_marker(text: str) -> tuple[str, str | None]:
    """Drop the empty （ ） marker; return a named one (島根県) separately."""
    m = _NAMED_MARKER.search(text)
    if m:
        return text[: m.start()].rstrip(), m.group(1)
    return _EMPTY_MARKER.sub("", text).rstrip(), None


def parse(path: Path = SEED) -> Seed:
    lines = path.read_text(encoding="utf-8").splitlines()
    seed = Seed()
    part = "front"
    section: str | None = None
    heading: str | None = None
    subsection: str | None = None
    scene: int | None = None
    story: int | None = None
    block = ""  # within a scene: examples | hints | suggestions
    last: Bullet | None = None

    for raw in lines:
        line = raw.strip()
        if not line or line == "---":
            continue
        text = clean_heading(line) if line.startswith("#") else _BOLD.sub("", line).strip()

        # Part boundaries.
        if line.startswith("#") and text == "支援体制の整備に関する具体例":
            part, last = "practices", None
            continue
        if line.startswith("#") and text == "よく出会う場面での対応のヒント":
            part, last = "scenes", None
            continue
        if line.startswith("#") and text.endswith("おわりに"):
            part, last = "back", None
            continue
        if line.startswith("#") and text == "素材集":
            part, last = "stories", None
            continue

        if part == "practices":
            if line.startswith("#"):
                if "ハード面" in text:
                    section, heading = "ハード面", None
                elif "ソフト面" in text:
                    section, heading = "ソフト面", None
                else:
                    heading = text
                last = None
            elif line.startswith("-") and section and heading:
                body = _BULLET.sub("", line)
                body, agency = split_marker(body)
                last = Bullet("practice", body, heading=heading, section=section)
                if agency:
                    last.section = f"{section}|{agency}"
                seed.bullets.append(last)
            elif last is not None and not line.startswith(("（", "(", "*", "…", "また")):
                # A bullet broken across a page: the rest of it.
                body, agency = split_marker(line)
                last.text += body
            continue

        if part == "scenes":
            m = _SCENE.search(text) if line.startswith("#") else None
            if m:
                scene, block, heading, last = int(m.group(1)), "", None, None
                seed.scene_titles[scene] = m.group(2).strip()
                continue
            if text == "【具体例】":
                block = "examples"
                continue
            if text.startswith("支援のヒント"):
                block = "hints"
                continue
            if text.startswith("委員からの"):
                block = "suggestions"
                continue
            if text.startswith("サジェス"):
                continue
            q = _QUOTED_HEADING.match(text)
            if q and not line.startswith("-"):
                heading, last = q.group(1), None
                continue
            if line.startswith("-"):
                body = _BULLET.sub("", line)
                kind = {"examples": "example", "hints": "hint", "suggestions": "suggestion"}[block]
                last = Bullet(kind, body, scene=scene, heading=heading if kind == "hint" else None)
                seed.bullets.append(last)
            elif last is not None:
                last.text += line
            continue

        if part == "stories":
            m = _STORY.search(text)
            if line.startswith("#") and m:
                story, heading, subsection, last = int(m.group(1)), None, None, None
                continue
            if story is None:
                continue
            if line.startswith("###") and not line.startswith("####"):
                heading, subsection = text, None
                continue
            if line.startswith("####"):
                subsection = text
                continue
            if line.startswith("-"):
                last = Bullet(
                    "story", _BULLET.sub("", line), heading=heading, section=subsection, story=story
                )
                seed.bullets.append(last)
            continue

    return seed
