"""The terminal's styles, and the marks every human format shares."""

# The eight standard colours only: they render identically on every colour
# system (standard, 256, truecolor), which keeps golden files stable.
STYLE = {
    "title": "bold",
    "dim": "dim",
    "id": "dim",
    "page": "dim",
    "label": "bold",
    "example": "blue",
    "hint": "cyan",
    "suggestion": "magenta",
    "practice": "green",
    "story": "yellow",
    "highlight": "bold reverse",
    "note": "dim",
    "error": "bold red",
    "warning": "bold yellow",
}

# Below this width the ID column would squeeze the text to a few characters:
# the ID follows the text instead.
NARROW = 60

# Marks a corrected entry, like a footnote in print; one character so that it
# never splits across lines, and one that cp932 can encode.
FIX_MARK = "†"
FIX_NOTE = f"{FIX_MARK} 報告書の表記を訂正した箇所（原文は hint show ID で）"
