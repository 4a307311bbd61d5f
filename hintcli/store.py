"""Where the data lives, and loading it: the one door the CLI uses to get a corpus.

The bundled data is ``hintcli/data`` in an installed wheel and ``data/`` in a
source checkout (editable install, tests). ``HINT_DATA_DIR`` points the tool
at another folder of the same shape (tests, an agency's edited copy).
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .corpus import Corpus, DataError, load

if TYPE_CHECKING:
    from .search import Searcher

_PACKAGE = Path(__file__).resolve().parent


def data_dir() -> Path:
    env = os.environ.get("HINT_DATA_DIR")
    if env:
        return Path(env).expanduser()
    for candidate in (_PACKAGE / "data", _PACKAGE.parent / "data"):
        if (candidate / "report").is_dir():
            return candidate
    raise DataError(_PACKAGE / "data", "同梱データが見つかりません（インストールをやり直してください）")


@lru_cache(maxsize=1)
def load_corpus() -> Corpus:
    return load(data_dir())


@lru_cache(maxsize=1)
def load_searcher() -> Searcher:
    from .search import Searcher
    from .thesaurus import load_thesaurus

    files = [data_dir() / name for name in ("thesaurus.toml", "readings.toml")]
    return Searcher(load_corpus(), load_thesaurus(*(f for f in files if f.exists())))
