"""Values for shell completion: what a Tab after ``-c``, ``scene``, ``show`` … offers.

Each function takes what has been typed so far (``incomplete``) and returns
(value, description) pairs; bash shows the values, zsh and fish the
descriptions too. They read the corpus (from its cache, ~20 ms) and never the
thesaurus or the search index, so that a Tab stays fast (README: each Tab
under 150 ms). Nothing here prints or raises: a broken data folder completes
nothing.
"""

import unicodedata
from collections.abc import Callable, Iterable

from .corpus import Corpus

Pairs = list[tuple[str, str]]


def _corpus() -> Corpus | None:
    from .store import load_corpus

    try:
        return load_corpus()
    except Exception:  # a Tab must never print a traceback into the command line
        return None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _starting(incomplete: str, pairs: Iterable[tuple[str, str]]) -> Pairs:
    typed = _fold(incomplete)
    seen: set[str] = set()
    out = []
    for value, help_ in pairs:
        if value not in seen and _fold(value).startswith(typed):
            seen.add(value)
            out.append((value, help_))
    return out


def _with_corpus(make: Callable[[Corpus], Iterable[tuple[str, str]]]) -> Callable[[str], Pairs]:
    def complete(incomplete: str) -> Pairs:
        corpus = _corpus()
        return [] if corpus is None else _starting(incomplete, make(corpus))

    return complete


def _themes(corpus: Corpus) -> Iterable[tuple[str, str]]:
    for theme in corpus.themes:
        yield theme.name, theme.description
    for theme in corpus.themes:
        for alias in theme.aliases:
            yield alias, f"→ {theme.name}"


def _scenes(corpus: Corpus) -> Iterable[tuple[str, str]]:
    return ((str(s.number), s.title) for s in corpus.scenes.values())


def _ids(corpus: Corpus) -> Iterable[tuple[str, str]]:
    for entry in corpus.entries:
        yield entry.id, (entry.heading or entry.text)[:40]


def _categories(corpus: Corpus) -> Iterable[tuple[str, str]]:
    groups = corpus.categories()
    for group in groups:
        yield str(group.number), f"{group.section.name}: {group.name}"
    for section in corpus.sections:
        yield section.name, section.subtitle
    for group in groups:
        yield group.name, group.section.name


def _stories(corpus: Corpus) -> Iterable[tuple[str, str]]:
    return ((str(n), story.name) for n, story in enumerate(corpus.stories, 1))


themes = _with_corpus(_themes)
scenes = _with_corpus(_scenes)
ids = _with_corpus(_ids)
categories = _with_corpus(_categories)
stories = _with_corpus(_stories)


def kinds(incomplete: str) -> Pairs:
    from .corpus import KIND_LABELS, Kind

    return _starting(incomplete, ((k.value, KIND_LABELS[k]) for k in Kind))


def commands(incomplete: str) -> Pairs:
    """For ``hint help``: the command names (the list lives in the CLI; this reads it there)."""
    from .cli import app

    names = [c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands]
    return _starting(incomplete, ((n.rstrip("_"), "") for n in names if n))
