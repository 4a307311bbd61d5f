"""Help screens, laid out for Japanese at any width.

Click and Typer's help cuts descriptions with 「…」, breaks Japanese lines at
spaces and shows English placeholders. Here the CLI hands over what a help
screen says (`HelpPage`) and this module lays it out: every description is
shown whole, wrapped by Japanese rules (`width.JText`); beside its name when
there is room, under it (indented) on a narrow terminal or after a long name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.text import Text

from .style import STYLE
from .width import JText, Rows, say, say_pieces

NAME_COLUMN = 26  # cells: a name wider than this puts its description on the next line
SIDE_BY_SIDE = 60  # below this width every description goes under its name


class HelpItem(NamedTuple):
    name: str  # -n, --limit N  /  search
    help: str


class HelpPage(NamedTuple):
    usage: str  # hint search [オプション] 検索語...
    paragraphs: tuple[str, ...]
    examples: tuple[str, ...]
    arguments: tuple[HelpItem, ...]
    options: tuple[HelpItem, ...]
    commands: tuple[HelpItem, ...]


def render(console: Console, page: HelpPage) -> None:
    # The usage line breaks only between its words: 「[引数]...」 stays whole.
    words = page.usage.split(" ")
    say_pieces(
        console, [Text("使い方: ", style=STYLE["label"]), Text(words[0]), *(Text(f" {w}") for w in words[1:])]
    )
    for paragraph in page.paragraphs:
        console.print()
        for line in paragraph.splitlines():
            say(console, JText(line))
    if page.examples:
        console.print()
        console.print(Text("例:", style=STYLE["label"]))
        for example in page.examples:
            say(console, JText.assemble("  ", example))
    for title, items in (("引数", page.arguments), ("オプション", page.options), ("コマンド", page.commands)):
        if items:
            console.print()
            console.print(Text(f"{title}:", style=STYLE["label"]))
            _items(console, items)


def _items(console: Console, items: Sequence[HelpItem]) -> None:
    wide = console.width >= SIDE_BY_SIDE
    fitting = [i for i in items if cell_len(i.name) <= NAME_COLUMN]
    lead_width = max((cell_len(i.name) for i in fitting), default=0)
    for item in items:
        name = Text(item.name, style=STYLE["title"])
        if wide and cell_len(item.name) <= NAME_COLUMN:
            console.print(
                Padding(Rows([(name, JText(item.help), Text())], gap=2, lead_width=lead_width), (0, 0, 0, 2))
            )
        else:
            console.print(Padding(name, (0, 0, 0, 2)))
            console.print(Padding(JText(item.help), (0, 0, 0, 6)))
