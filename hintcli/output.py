"""Writing a finished document (JSON, Markdown, CSV, HTML, plain text) to stdout or a file.

Rich-free: every door that produces a whole document as a string ends here.
"""

import os
import sys
from pathlib import Path
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


def emit(text: str, file: TextIO | None = None, *, utf8: bool = True) -> None:
    """Write ``text`` to stdout (or ``file``).

    With ``utf8``, into a pipe or file it is always UTF-8, whatever the console
    encoding (cp932 on a Japanese Windows): a script reading JSON or CSV must
    not depend on the machine. On a terminal, or without ``utf8``, it goes
    through the stream's own encoding.
    """
    out = file if file is not None else sys.stdout
    buffer = getattr(out, "buffer", None)
    try:
        if utf8 and buffer is not None and not isatty(out):
            out.flush()
            buffer.write(text.encode("utf-8"))
            buffer.flush()
        else:
            out.write(text)
            out.flush()
    except BrokenPipeError:
        raise ReaderGone from None


class FileExists(Exception):
    """The output file is there already, and replacing it was not asked for."""


def write_new(target: str | os.PathLike[str], text: str, *, replace: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``target`` atomically: a temp file beside it, then a rename.

    Without ``replace`` an existing file is never touched (`FileExists`): the temp
    file is hard-linked to the name, which fails if anything has it. Readers see
    the old file or the whole new one, never a part. Returns the path written.
    """
    import tempfile

    path = Path(target)
    if not replace and (path.exists() or path.is_symlink()):
        raise FileExists(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent if str(path.parent) else ".", prefix=".hint-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExists(path) from None
            except OSError:  # a file system without hard links (FAT, some network drives)
                if path.exists():
                    raise FileExists(path) from None
                os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
