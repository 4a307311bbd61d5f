"""Views: for each command, what its output shows, as plain typed values.

A view decides *what* is shown (titles, places, page labels, headings, entries,
citations, notes, counts); a door decides *how* (Rich panels, plain text, JSON,
Markdown, CSV, HTML, the web server). So a new output format is one module that
renders these values and never re-decides what belongs on the page.

Views hold the report's text as it is; every door escapes or sanitizes it for
its medium. Nothing here prints, and nothing here imports Rich, Typer or Click.
"""

import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .corpus import KIND_LABELS, Corpus, Entry, Kind, Scene, Section

if TYPE_CHECKING:
    from .corpus import Category
    from .search import Answer, Result, Term

T = TypeVar("T")

PART_PRACTICES = "支援体制の整備に関する具体例"
PART_SCENES = "よく出会う場面での対応のヒント"
PART_STORIES = "素材集"

FIRST_RESULTS = 5  # results before the committee's suggestions: what the first screen holds
SUGGESTED_SCENES = 2  # at most this many scenes' suggestions under the results
EXPLAIN_TERMS = 8  # matched terms listed per group in an explanation

# What a search says when the report does not answer it directly (`search.Answer.covered`).
NOT_COVERED = "報告書にはこの状況を直接扱った箇所は見つかりませんでした。関係がありそうな箇所:"
UNKNOWN_WORDS = "報告書に出てこない語"
WEAK_MATCH = "関連は弱め"
# Hit roles (search.py) of terms that are not the user's own words.
_THESAURUS, _TYPO, _PHRASE = "thesaurus", "typo", "phrase"
_WHOLE_WORDS = ("word", "phrase", "stem")  # roles shown when explaining how a query was read


ECHO_LIMIT = 40  # characters of user input echoed back (a pasted page stays one line)


def echo(value: str, limit: int = ECHO_LIMIT) -> str:
    """User input as it is shown back: no control characters or escapes, one line, cut to ``limit``."""
    from .text import sanitize

    clean = sanitize(value).replace("\n", " ").replace("\t", " ")
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def dispatch(view: Any, handlers: "Mapping[type, Callable[[Any], T]]") -> T:
    """Call the handler registered for ``view``'s type: how a door renders any view.

    One story view or a list of them (`hint story` with or without a number) goes to
    the ``list`` handler as a list of `StoryView`.
    """
    if isinstance(view, StoryView):
        view = [view]
    if isinstance(view, list | tuple) and view and all(isinstance(s, StoryView) for s in view):
        return handlers[list](list(view))
    for cls, handler in handlers.items():
        if cls is not list and isinstance(view, cls):
            return handler(view)
    raise TypeError(f"no handler for {type(view).__name__}")


# --------------------------------------------------------------------------- labels


def pages(page: int | None, page_end: int | None = None) -> str:
    """p.8-10 (an ASCII hyphen: it survives every console encoding, cp932 too)."""
    if page is None:
        return ""
    if page_end and page_end != page:
        return f"p.{page}-{page_end}"
    return f"p.{page}"


OWN_LABEL = "独自のヒント"  # what a team's own entry is called everywhere, never the report's names
NOTE_LABEL = "メモ"


def own_label(entry: Entry) -> str:
    """独自のヒント（○○市ひきこもり地域支援センター）: an own entry's label, in words in every door."""
    return f"{OWN_LABEL}（{entry.source}）"


def heading_label(entry: Entry) -> str:
    """How an entry's heading is shown: 「…」 for a hint, the category or section otherwise."""
    if entry.own:
        return f"「{entry.heading}」" if entry.heading else OWN_LABEL
    if entry.kind == Kind.HINT and entry.heading:
        return f"「{entry.heading}」"
    if entry.kind == Kind.STORY and entry.heading:
        return f"{entry.heading}／{entry.subheading}" if entry.subheading else entry.heading
    return entry.heading or KIND_LABELS[entry.kind]


def part_of(entry: Entry) -> str:
    """The part of the report an entry belongs to."""
    if entry.kind == Kind.PRACTICE:
        return PART_PRACTICES
    if entry.kind == Kind.STORY:
        return PART_STORIES
    return PART_SCENES


def story_title(corpus: Corpus, entry: Entry) -> str:
    return corpus.stories[entry.story - 1].name if entry.story else ""


def location(corpus: Corpus, entry: Entry) -> str:
    """Where an entry sits in the report, in one line: the part and its page (an own entry: its source)."""
    where = pages(entry.page, entry.page_end)
    if entry.own:
        in_scene = f"・場面{entry.scene}" if entry.scene is not None else ""
        return f"{own_label(entry)}{in_scene}"
    if entry.scene is not None:
        scene = corpus.scenes[entry.scene]
        return f"場面{scene.number}「{scene.title}」 {where}"
    if entry.kind == Kind.PRACTICE:
        return f"{PART_PRACTICES}・{entry.section}  {where}"
    if entry.kind == Kind.STORY:
        return f"{PART_STORIES}・{story_title(corpus, entry)}  {where}"
    return where


def short_location(entry: Entry) -> str:
    """Where an entry sits, briefly: 場面2 p.11-13, ハード面 p.1-3, 素材集1 p.24."""
    where = pages(entry.page, entry.page_end)
    if entry.scene is not None:
        return f"場面{entry.scene} {where}"
    if entry.kind == Kind.PRACTICE:
        return f"{entry.section} {where}"
    if entry.kind == Kind.STORY:
        return f"{PART_STORIES}{entry.story} {where}"
    return where


class Place(NamedTuple):
    """Where a search result sits, named in full: 場面1「…」 p.8-10, 支援体制の具体例（ハード面） p.1-3.

    ``scene_title`` is set for a scene's entries, so that a narrow door can shorten it
    and keep the pages.
    """

    lead: str  # 場面1, or the whole label of a practice or story
    scene_title: str | None
    pages: str

    def full(self) -> str:
        if self.scene_title is None:
            return f"{self.lead} {self.pages}".rstrip()
        return f"{self.lead}「{self.scene_title}」 {self.pages}".rstrip()


def place(corpus: Corpus, entry: Entry) -> Place:
    where = pages(entry.page, entry.page_end)
    if entry.own:  # grouped apart from the report's pages, named by its source
        return Place(location(corpus, entry), None, "")
    if entry.scene is not None:
        return Place(f"場面{entry.scene}", corpus.scenes[entry.scene].title, where)
    if entry.kind == Kind.PRACTICE:
        return Place(f"{KIND_LABELS[Kind.PRACTICE]}（{entry.section}）", None, where)
    return Place(f"{PART_STORIES}（歩みの例{entry.story}）", None, where)


# --------------------------------------------------------------------------- entries


class EntryView(NamedTuple):
    """One entry with everything a door shows about it."""

    entry: Entry
    kind_label: str  # 具体例, 支援のヒント …
    heading: str  # `heading_label`
    location: str  # `location`
    place: Place
    pages: str
    story_title: str  # the story's title for a story's line, else ""
    citation: str  # the report's citation with the entry's pages ("" for text the report does not contain)
    notes: tuple["Note", ...] = ()  # a team's notes on this report entry, shown under it

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def own(self) -> bool:
        """A team's own entry, not the report's text."""
        return self.entry.own

    @property
    def text(self) -> str:
        return self.entry.text


class Note(NamedTuple):
    """A team's note on a report entry: its own ID, source, text, and who wrote it when."""

    id: str
    source: str
    text: str
    byline: str  # 山田 2026-12-03, or ""

    def label(self) -> str:
        return f"{NOTE_LABEL}（{self.source}）"


def byline(entry: Entry) -> str:
    return " ".join(x for x in (entry.author, entry.date) if x)


def entry_view(corpus: Corpus, entry: Entry) -> EntryView:
    where = pages(entry.page, entry.page_end)
    own = entry.own
    return EntryView(
        entry,
        own_label(entry) if own else KIND_LABELS[entry.kind],
        heading_label(entry),
        location(corpus, entry),
        place(corpus, entry),
        where,
        story_title(corpus, entry),
        f"{citation(corpus)} {where}".strip() if not own else "",
        tuple(Note(n.id, n.source, n.text, byline(n)) for n in corpus.notes_on(entry.id)),
    )


def _views(corpus: Corpus, entries: Iterable[Entry]) -> tuple[EntryView, ...]:
    return tuple(entry_view(corpus, e) for e in entries)


def has_fixes(items: Iterable[EntryView]) -> bool:
    """Whether a footnote for corrected entries belongs under a view showing ``items``."""
    return any(v.entry.fixes for v in items)


# --------------------------------------------------------------------------- scene


class HeadingGroup(NamedTuple):
    heading: str  # as shown: 「…」 for hints
    entries: tuple[EntryView, ...]


class SceneView(NamedTuple):
    number: int
    title: str
    pages: str
    page: int
    page_end: int | None
    examples: tuple[EntryView, ...]
    hints: tuple[HeadingGroup, ...]
    suggestions: tuple[EntryView, ...]
    citation: str
    own: tuple[EntryView, ...] = ()  # a team's own entries on this scene, in a section after the report's

    def items(self) -> tuple[EntryView, ...]:
        return (*self.examples, *(v for g in self.hints for v in g.entries), *self.suggestions, *self.own)


def scene_view(corpus: Corpus, scene: Scene) -> SceneView:
    return SceneView(
        scene.number,
        scene.title,
        pages(scene.page, scene.page_end),
        scene.page,
        scene.page_end,
        _views(corpus, scene.of_kind(Kind.EXAMPLE)),
        tuple(HeadingGroup(f"「{h}」", _views(corpus, es)) for h, es in scene.headings()),
        _views(corpus, scene.of_kind(Kind.SUGGESTION)),
        citation(corpus),
        _views(corpus, (e for e in corpus.entries if e.own and e.scene == scene.number)),
    )


def citation(corpus: Corpus) -> str:
    return str(corpus.about.get("citation", ""))


# --------------------------------------------------------------------------- show


class DetailRow(NamedTuple):
    label: str
    value: str


class EntryDetail(NamedTuple):
    """`hint show`: the entry, then its context as labelled rows (the last 出典 is the citation line)."""

    item: EntryView
    scene_title: str | None
    rows: tuple[DetailRow, ...]
    citation: str  # the report's citation with the entry's pages: one line to paste
    report_citation: str  # the report's citation alone


def entry_detail(corpus: Corpus, entry: Entry) -> EntryDetail:
    item = entry_view(corpus, entry)
    scene_title = corpus.scenes[entry.scene].title if entry.scene is not None else None
    if item.own:
        return _own_detail(item, scene_title)
    cite = f"{citation(corpus)} {item.pages}".strip()
    part = part_of(entry)
    # 素材集 is both the kind and the part: named once, never 「素材集（素材集）」.
    rows = [DetailRow("種類", item.kind_label if part == item.kind_label else f"{item.kind_label}（{part}）")]
    if entry.kind == Kind.PRACTICE:
        rows.append(DetailRow("区分", f"{entry.section}（{entry.heading}）"))
    rows.append(DetailRow("テーマ", "、".join(entry.themes)))
    rows.append(DetailRow("出典", cite))
    rows += [DetailRow("訂正", f"原文「{f.original}」→「{f.corrected}」") for f in entry.fixes]
    rows += [
        DetailRow(n.label(), f"{n.text}（{n.id}{'、' + n.byline if n.byline else ''}）") for n in item.notes
    ]
    return EntryDetail(item, scene_title, tuple(rows), cite, citation(corpus))


def _own_detail(item: EntryView, scene_title: str | None) -> EntryDetail:
    """An own entry: its source, file and author instead of a report page, and no report citation."""
    e = item.entry
    rows = [DetailRow("種類", f"{OWN_LABEL}（報告書の本文ではありません）"), DetailRow("提供元", e.source)]
    if e.scene is not None:
        rows.append(DetailRow("場面", f"場面{e.scene}「{scene_title}」"))
    if e.category:
        rows.append(DetailRow("分類", e.category))
    if e.note_on:
        rows.append(DetailRow("対象", f"報告書の {e.note_on} へのメモ"))
    if e.themes:
        rows.append(DetailRow("テーマ", "、".join(e.themes)))
    if byline(e):
        rows.append(DetailRow("作成", byline(e)))
    rows.append(DetailRow("ファイル", e.file))
    return EntryDetail(item, scene_title, tuple(rows), "", "")


# --------------------------------------------------------------------------- list


class SceneRow(NamedTuple):
    number: int
    title: str
    pages: str
    size: int  # entries


class ThemeRow(NamedTuple):
    name: str
    description: str
    size: int  # entries


class CategoryRow(NamedTuple):
    number: int
    section: str
    section_pages: str
    name: str
    size: int  # entries


class StoryRow(NamedTuple):
    number: int
    title: str
    pages: str
    size: int  # entries


class Overview(NamedTuple):
    """`hint list` without filters: what the report holds, part by part."""

    title: str
    date: str
    total: int
    scenes: tuple[SceneRow, ...]
    themes: tuple[ThemeRow, ...]
    categories: tuple[CategoryRow, ...]
    stories: tuple[StoryRow, ...]


def overview(corpus: Corpus) -> Overview:
    counts = corpus.theme_counts()
    return Overview(
        str(corpus.about.get("title", "")),
        str(corpus.about.get("date", "")),
        len(corpus.entries),
        tuple(
            SceneRow(s.number, s.title, pages(s.page, s.page_end), len(s.entries))
            for s in corpus.scenes.values()
        ),
        tuple(ThemeRow(t.name, t.description, counts.get(t.name, 0)) for t in corpus.themes),
        _category_rows(corpus.categories()),
        tuple(
            StoryRow(n, st.name, pages(st.page, st.page_end), len(corpus.story_lines(n)))
            for n, st in enumerate(corpus.stories, 1)
        ),
    )


def _category_rows(groups: Sequence["Category"]) -> tuple[CategoryRow, ...]:
    return tuple(
        CategoryRow(
            g.number, g.section.name, pages(g.section.page, g.section.page_end), g.name, len(g.entries)
        )
        for g in groups
    )


class ListGroup(NamedTuple):
    part: str  # 場面1 title  p.8-10, or an entry's location
    heading: str
    entries: tuple[EntryView, ...]


class EntryList(NamedTuple):
    """`hint list` with filters: the entries, grouped by part and heading."""

    title: str  # the filters: テーマ「家族支援」・場面1
    note: str  # the theme's description
    size: int  # entries
    groups: tuple[ListGroup, ...]

    def items(self) -> tuple[EntryView, ...]:
        return tuple(v for g in self.groups for v in g.entries)


def entry_list(corpus: Corpus, entries: Sequence[Entry], title: str, note: str = "") -> EntryList:
    groups: dict[tuple[str, str], list[EntryView]] = {}
    for e in entries:
        v = entry_view(corpus, e)
        if e.scene is not None:
            s = corpus.scenes[e.scene]
            part = f"場面{s.number}「{s.title}」 {pages(s.page, s.page_end)}"
        else:
            part = v.location
        groups.setdefault((part, v.heading), []).append(v)
    return EntryList(
        title, note, len(entries), tuple(ListGroup(p, h, tuple(vs)) for (p, h), vs in groups.items())
    )


def describe_filters(
    theme: str | None, scene: int | None, kind: str | None, source: str | None = None
) -> str:
    """テーマ「家族支援」・場面1・支援のヒント・報告書のみ; empty without filters."""
    parts = (
        f"テーマ「{theme}」" if theme else "",
        f"場面{scene}" if scene else "",
        KIND_LABELS[kind] if kind else "",
        {"report": "報告書のみ", "own": OWN_LABEL, None: ""}.get(source, f"提供元「{source}」"),
    )
    return "・".join(p for p in parts if p)


# --------------------------------------------------------------------------- practices


class SectionView(NamedTuple):
    name: str
    subtitle: str
    pages: str
    page: int
    page_end: int | None
    categories: tuple[CategoryRow, ...]


class PracticesOverview(NamedTuple):
    sections: tuple[SectionView, ...]


def _section_view(section: Section, rows: Iterable[CategoryRow]) -> SectionView:
    return SectionView(
        section.name,
        section.subtitle,
        pages(section.page, section.page_end),
        section.page,
        section.page_end,
        tuple(r for r in rows if r.section == section.name),
    )


def practices_overview(corpus: Corpus) -> PracticesOverview:
    rows = _category_rows(corpus.categories())
    return PracticesOverview(tuple(_section_view(s, rows) for s in corpus.sections))


class PracticeGroup(NamedTuple):
    number: int
    section: SectionView
    category: str
    entries: tuple[EntryView, ...]


class Practices(NamedTuple):
    groups: tuple[PracticeGroup, ...]

    def items(self) -> tuple[EntryView, ...]:
        return tuple(v for g in self.groups for v in g.entries)


def practices(corpus: Corpus, groups: Sequence["Category"]) -> Practices:
    return Practices(
        tuple(
            PracticeGroup(g.number, _section_view(g.section, ()), g.name, _views(corpus, g.entries))
            for g in groups
        )
    )


# --------------------------------------------------------------------------- stories


class StorySubsection(NamedTuple):
    name: str  # "" for lines directly under the section
    entries: tuple[EntryView, ...]


class StorySection(NamedTuple):
    name: str
    subsections: tuple[StorySubsection, ...]


class StoryView(NamedTuple):
    number: int
    title: str
    pages: str
    page: int
    page_end: int | None
    sections: tuple[StorySection, ...]

    def items(self) -> tuple[EntryView, ...]:
        return tuple(v for s in self.sections for sub in s.subsections for v in sub.entries)


def story_view(corpus: Corpus, number: int) -> StoryView:
    story = corpus.stories[number - 1]
    sections: list[tuple[str, list[tuple[str, list[EntryView]]]]] = []
    for e in corpus.story_lines(number):
        section, sub = e.heading or "", e.subheading or ""
        if not sections or sections[-1][0] != section:
            sections.append((section, []))
        subs = sections[-1][1]
        if not subs or subs[-1][0] != sub:
            subs.append((sub, []))
        subs[-1][1].append(entry_view(corpus, e))
    return StoryView(
        number,
        story.name,
        pages(story.page),
        story.page,
        story.page_end,
        tuple(
            StorySection(s, tuple(StorySubsection(n, tuple(es)) for n, es in subs)) for s, subs in sections
        ),
    )


# --------------------------------------------------------------------------- about


class Correction(NamedTuple):
    where: str  # an ID, or 場面N タイトル
    location: str
    original: str
    corrected: str


class CommitteeMember(NamedTuple):
    name: str
    affiliation: str


class AboutPart(NamedTuple):
    heading: str
    page: int | None
    paragraphs: tuple[str, ...]


class About(NamedTuple):
    """`hint about`: the report, how to cite it, its committee, our corrections, where the data is."""

    title: str
    series: str
    commissioned_by: str
    date: str
    year: int | None
    citation: str
    committee_name: str
    committee: tuple[CommitteeMember, ...]
    corrections: tuple[Correction, ...]
    counts: dict[str, int]
    data_dir: str
    version: str
    preface: tuple[AboutPart, ...]
    afterword: AboutPart | None


def _part(raw: Any) -> AboutPart:
    return AboutPart(
        str(raw.get("heading", "")), raw.get("page"), tuple(str(p) for p in raw.get("paragraphs", []))
    )


def about(corpus: Corpus, data_dir: str, version: str) -> About:
    a = corpus.about
    counts: dict[str, int] = {k.value: 0 for k in Kind}
    for e in corpus.entries:
        counts[e.kind] += 1
    counts.update(entries=len(corpus.entries), scenes=len(corpus.scenes), themes=len(corpus.themes))
    return About(
        str(a.get("title", "")),
        str(a.get("series", "")),
        str(a.get("commissioned_by", "")),
        str(a.get("date", "")),
        a.get("year"),
        str(a.get("citation", "")),
        str(a.get("committee_name", "")),
        tuple(
            CommitteeMember(str(m.get("name", "")), str(m.get("affiliation", "")))
            for m in a.get("committee", [])
        ),
        tuple(
            Correction(
                where,
                short_location(corpus.by_id[where]) if where in corpus.by_id else "",
                fix.original,
                fix.corrected,
            )
            for where, fix in corpus.corrections()
        ),
        counts,
        data_dir,
        version,
        tuple(_part(p) for p in a.get("preface", [])),
        _part(a["afterword"]) if a.get("afterword") else None,
    )


# --------------------------------------------------------------------------- search


class Explanation(NamedTuple):
    """Why a result ranks where it does, in labelled rows (一致した語, 言い換え, 誤字補正, スコア)."""

    rows: tuple[DetailRow, ...]


class ResultView(NamedTuple):
    item: EntryView
    result: "Result"
    spans: tuple[tuple[int, int], ...]  # matched stretches of the entry's text
    explanation: Explanation | None

    @property
    def weak(self) -> bool:
        """Whether the evidence for this result is thin (`search.Match.WEAK`): doors label it."""
        return str(getattr(self.result, "match", "strong")) == "weak"


class Excerpt(NamedTuple):
    """The start of an entry's text, cut only where a sentence ends (`excerpt`)."""

    item: EntryView
    text: str  # whole sentences of the entry's text, from its start
    cut: bool  # sentences follow that are not shown


class SuggestionBlock(NamedTuple):
    """A scene's committee suggestions, shown under the results when the scene ranks high.

    ``entries`` leaves out the suggestions already among the results; ``excerpts``
    are their openings (whole sentences), for a view that shows many at once.
    """

    scene: int
    title: str  # 場面Nの委員からのサジェスション
    entries: tuple[EntryView, ...]
    excerpts: tuple[Excerpt, ...] = ()
    left_out: int = 0  # suggestions of the scene not repeated because they are among the results


class ResultGroup(NamedTuple):
    """Results in one place of the report (a scene, a practice section, a story): its name once."""

    place: Place
    ranks: tuple[int, ...]  # 1-based ranks of ``results``
    results: tuple["ResultView", ...]


class SearchView(NamedTuple):
    query: str  # as echoed (`echo`)
    filters: str
    results: tuple[ResultView, ...]
    total: int  # results before --limit
    suggestions: tuple[SuggestionBlock, ...]
    reading: tuple[DetailRow, ...]  # how the query was read (with --explain)
    explain: bool
    citation: str
    covered: bool = True  # False: no result is a strong match; doors say so first (`NOT_COVERED`)
    unknown: tuple[str, ...] = ()  # query words neither the report nor the thesaurus knows (echoed)
    correction: str | None = None  # the spelling searched instead of the query's (echoed)
    named_kind: str | None = None  # a kind the query named (素材集), searched within
    listed: bool = False  # the query named only the kind: its entries are listed, not ranked

    def notices(self) -> tuple[str, ...]:
        """The lines every door shows above the results: a kind the query named, a correction,
        and how honestly they answer."""
        out = []
        if self.named_kind is not None:
            label = KIND_LABELS[self.named_kind]
            out.append(
                f"{label}をすべて報告書の順に示します" if self.listed else f"{label}の中から探しました"
            )
        if self.correction is not None:
            out.append(f"「{self.query}」を「{self.correction}」として検索しました")
        if not self.covered and self.results:
            out.append(NOT_COVERED)
        if self.unknown and (not self.covered or not self.results):
            out.append(f"{UNKNOWN_WORDS}: {'、'.join(self.unknown)}")
        return tuple(out)

    def items(self) -> tuple[EntryView, ...]:
        return tuple(r.item for r in self.results)

    def groups(self, start: int = 0, stop: int | None = None) -> tuple[ResultGroup, ...]:
        """Results ``start:stop`` under one line per place, places in the order of their best result.

        Within a place the results keep their rank order; the ranks go with them.
        """
        grouped: dict[Place, list[tuple[int, ResultView]]] = {}
        for rank, result in enumerate(self.results[start:stop], start + 1):
            grouped.setdefault(result.item.place, []).append((rank, result))
        return tuple(
            ResultGroup(p, tuple(r for r, _ in rs), tuple(res for _, res in rs)) for p, rs in grouped.items()
        )


# Where a sentence ends: 。！？ (and their ASCII forms), with the closing brackets that follow.
_SENTENCE_END = frozenset("。！？!?")
_CLOSERS = frozenset("」』）)】〕")
EXCERPT_CHARS = 70  # about two lines at 80 columns


def sentences(text: str) -> list[str]:
    """``text`` split after each sentence end (。 and the closing brackets right after it).

    The pieces joined give ``text`` back exactly.
    """
    out: list[str] = []
    start = i = 0
    while i < len(text):
        if text[i] in _SENTENCE_END:
            i += 1
            while i < len(text) and text[i] in _CLOSERS:
                i += 1
            out.append(text[start:i])
            start = i
        else:
            i += 1
    if start < len(text):
        out.append(text[start:])
    return out


def excerpt(item: EntryView, limit: int = EXCERPT_CHARS) -> Excerpt:
    """The first sentences of an entry that fit in ``limit`` characters; at least one, never a part of one.

    A sentence is never cut: cutting one can change what it says (「…ではなく、」).
    """
    shown = _first_sentences(item.text, limit)
    return Excerpt(item, shown, len(shown) < len(item.text))


@functools.lru_cache(maxsize=1024)
def _first_sentences(text: str, limit: int) -> str:
    """`excerpt`'s text; remembered, as a server shows the same suggestions again and again."""
    parts = sentences(text)
    shown = parts[0] if parts else ""
    for part in parts[1:]:
        if len(shown) + len(part) > limit:
            break
        shown += part
    return shown


def _listing(items: Sequence[str], limit: int = EXPLAIN_TERMS) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" ほか{len(items) - limit}件" if len(items) > limit else "")


def _by_word(pairs: Iterable[tuple[str | None, str]]) -> list[str]:
    """(user word, report word) pairs as 「しんど → 燃え尽き・疲弊」, one item per user word."""
    groups: dict[str, list[str]] = {}
    for via, term in pairs:
        groups.setdefault(via or "", []).append(term)
    return [f"{via} → {'・'.join(terms)}" for via, terms in groups.items()]


def _own_words(
    result: "Result", terms: Sequence["Term"], spell: Callable[[str], str]
) -> list[tuple[str, float, list[str]]]:
    """The result's matches of the user's own words: (query word, summed score, its fragments).

    A query word is matched through its parts (家庭内 through 家庭, 庭内, 家 …); a
    worker reads one word with one score, not five fragments. ``terms`` (the parsed
    query) say which word each fragment came from; without them a fragment stands alone.
    """
    by_text = {t.text: t for t in terms}
    words: dict[int, str] = {}
    for t in terms:
        if t.role == "word" and t.word >= 0:
            words.setdefault(t.word, t.text)
    found: dict[str, tuple[float, list[str]]] = {}
    for h in result.hits:
        if h.role in (_THESAURUS, _TYPO):
            continue
        term = by_text.get(h.term)
        if h.role == _PHRASE:
            key = f"「{spell(h.term)}」"
        elif term is not None and term.word in words and term.text in words[term.word]:
            key = spell(words[term.word])
        else:
            key = spell(h.term)
        score, fragments = found.get(key, (0.0, []))
        found[key] = (score + h.score, [*fragments, h.term])
    ranked = sorted(found.items(), key=lambda kv: -kv[1][0])
    return [(key, score, fragments) for key, (score, fragments) in ranked]


def _in_text(text: str, fragments: list[str]) -> list[str]:
    """The stretches of ``text`` where ``fragments`` matched, whole (merged), each once."""
    from .text import spans

    out: list[str] = []
    for start, end in spans(text, [f for f in fragments if len(f) >= 2] or fragments):
        if text[start:end] not in out:
            out.append(text[start:end])
    return out


def explanation(result: "Result", spell: Callable[[str], str], terms: Sequence["Term"] = ()) -> Explanation:
    """Why a result ranks where it does, in a worker's words.

    一致した語: each word of the query with its summed score, and how the entry's
    text writes it where that differs (本文「会えなくても」); 言い換え and 誤字補正:
    the query word, what the thesaurus or the typo correction turned it into, and
    the score; スコア: the parts of the score. ``spell`` writes a normalized term as
    the report does (`Searcher.spelling`); ``terms`` are the parsed query's terms.
    """
    from .text import normalize

    # A match found only in hintcli's index phrases for the entry (cues.py) is named apart:
    # the other rows speak of the report's text.
    cued = sum(h.score for h in result.hits if h.indexed)
    indexed = [f"「{p}」" for p in result.cues]
    result = result._replace(hits=tuple(h for h in result.hits if not h.indexed))
    own = []
    for word, score, fragments in _own_words(result, terms, spell):
        # The text's own spellings of the word; a piece of the word as shown says nothing more.
        typed = word.strip("「」")
        shown = normalize(typed)
        written = [
            w
            for w in _in_text(result.entry.text, fragments)
            if w != typed and not (normalize(w) in shown and normalize(w) != shown)
        ]
        where = f"（本文: {'、'.join(written[:3])}）" if written else ""
        own.append(f"{word} {score:.2f}{where}")
    thesaurus = _by_word(
        (h.via, f"{spell(h.term)} {h.score:.2f}") for h in result.hits if h.role == _THESAURUS
    )
    typos = _by_word((h.via, f"{spell(h.term)} {h.score:.2f}") for h in result.hits if h.role == _TYPO)
    from .search import PART_LABELS

    parts = " + ".join(
        f"{PART_LABELS.get(key, key)} {value:.2f}"
        for key, value in result.parts.items()
        if abs(value) >= 0.005
    )
    rows = [
        DetailRow(label, _listing(items))
        for label, items in (("一致した語", own), ("言い換え", thesaurus), ("誤字補正", typos))
        if items
    ]
    if cued:
        phrases = _listing(indexed, 3) + " " if indexed else ""
        note = "hintcli の索引の句。報告書の本文ではありません"
        rows.append(DetailRow("索引語", f"{phrases}{cued:.2f}（{note}）"))
    rows.append(DetailRow("スコア", f"{result.score:.2f}" + (f" = {parts}" if parts else "")))
    return Explanation(tuple(rows))


def query_reading(terms: Sequence["Term"], spell: Callable[[str], str]) -> tuple[DetailRow, ...]:
    """How the query was read: its words and phrases, what they were expanded to."""
    words = [
        f"「{spell(t.text)}」" if t.role == _PHRASE else spell(t.text)
        for t in terms
        if t.role in _WHOLE_WORDS
    ]
    groups = (
        ("語", words),
        ("言い換え", _by_word((t.via, spell(t.text)) for t in terms if t.role == _THESAURUS)),
        ("誤字補正", _by_word((t.via, spell(t.text)) for t in terms if t.role == _TYPO)),
    )
    return tuple(DetailRow(label, _listing(items, 12)) for label, items in groups if items)


def search_view(
    corpus: Corpus,
    query: str,
    found: Sequence["Result"],
    limit: int | None,
    *,
    filters: str = "",
    kind: str | None = None,
    explain: bool = False,
    reading: Sequence["Term"] = (),
    spell: Callable[[str], str] = str,
    answer: "Answer | None" = None,
) -> SearchView:
    """A search's results (the first ``limit`` of ``found``) and the suggestions of the scenes they rank.

    With ``answer`` (`Searcher.answer`), the view also says whether the report covers the
    query, which of its words the report does not know, and a spelling searched instead.
    """
    from .search import suggestion_scenes
    from .text import spans

    shown = list(found[:limit] if limit is not None else found)
    results = tuple(
        ResultView(
            entry_view(corpus, r.entry),
            r,
            tuple(spans(r.entry.text, r.highlight_terms())),
            explanation(r, spell, reading) if explain else None,
        )
        for r in shown
    )
    named = answer.kind if answer is not None else None
    blocks = []
    if kind is None and named is None:
        among = {r.entry.id for r in shown}
        for n in suggestion_scenes(shown, FIRST_RESULTS, SUGGESTED_SCENES):
            suggestions = corpus.scenes[n].of_kind(Kind.SUGGESTION)
            rest = _views(corpus, (e for e in suggestions if e.id not in among))
            if rest:
                title = f"場面{n}の{KIND_LABELS[Kind.SUGGESTION]}"
                left_out = len(suggestions) - len(rest)
                blocks.append(
                    SuggestionBlock(n, title, rest, tuple(excerpt(item) for item in rest), left_out)
                )
    return SearchView(
        echo(query),
        filters,
        results,
        len(found),
        tuple(blocks),
        query_reading(reading, spell) if explain else (),
        explain,
        citation(corpus),
        answer.covered if answer is not None else True,
        tuple(echo(w) for w in answer.unknown) if answer is not None else (),
        echo(answer.correction) if answer is not None and answer.correction is not None else None,
        named,
        named is not None and not answer.searched.strip() if answer is not None else False,
    )
