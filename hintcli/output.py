"""Writing a finished document (JSON, Markdown, CSV, HTML, plain text) to stdout or a file.

Rich-free: every door that produces a whole document as a string ends here.
"""

import sys
from typing import TextIO


class ReaderGone(Exception):
    """The reader of stdout closed the pipe (``hint list | head``); the CLI ends quietly.

    Deliberately not an OSError, so that Click does not turn it into exit 1.
    """


def isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):
        return False


def emit(text: str, file: TextIO | None = None) -> None:
    """Write ``text`` to stdout (or ``file``).

    Into a pipe or file it is always UTF-8, whatever the console encoding
    (cp932 on a Japanese Windows): a script reading it must not depend on the
    machine. On a terminal it goes through the console's encoding.
    """
    out = file if file is not None else sys.stdout
    buffer = getattr(out, "buffer", None)
    try:
        if buffer is not None and not isatty(out):
            out.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            out.write(text)
            out.flush()
    except BrokenPipeError:
        raise ReaderGone from None
