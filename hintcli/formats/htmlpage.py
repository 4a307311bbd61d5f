"""The HTML door: views as a self-contained A4 handout, and as the page bodies of `hint serve`.

**One escaping layer.** Every value reaches the page through `esc` (directly,
or through `tag`, which escapes every value it fills in). Only strings this
module built are `Markup`; a `Markup` is never made from data. So a query or an
entry containing ``<script>``, ``"`` or ``&`` is shown as typed, by
construction, not by care at each call site. Control characters and terminal
escapes are dropped on the way (`text.sanitize`).

No template engine: the pages are a few dozen small fragments, and a
``str.format`` whose values are escaped keeps the guarantee without a
dependency (Jinja2 costs ~40 ms of import and a package).

**Self-contained.** A handout inlines ``static/page.css`` and has no script, no
link and no reference to any host: it is read offline, mailed, printed. The web
pages link the same stylesheet plus ``site.css`` and ``search.js``, served by
`hintcli.web` from the package.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from .. import views as v
from ..corpus import KIND_LABELS, KINDS, Kind
from ..text import sanitize

STATIC = Path(__file__).resolve().parent.parent / "static"
FIX_MARK = "†"
FIX_NOTE = f"{FIX_MARK} 報告書の表記を訂正した箇所（原文は項目のページで）"
OWN_NOTE = "報告書の本文ではありません"


class Markup(str):
    """HTML built by this module. Anything that is not a Markup is text and gets escaped."""

    __slots__ = ()


NOTHING = Markup()


def esc(value: object) -> Markup:
    """The one escaping function: text (or a number) as HTML text or attribute value."""
    if isinstance(value, Markup):
        return value
    return Markup(html.escape(sanitize(str(value)), quote=True))


def tag(template: str, /, **values: object) -> Markup:
    """``template`` (a constant of this module) with every value escaped (`esc`)."""
    return Markup(template.format(**{k: esc(val) for k, val in values.items()}))


def join(parts: Iterable[object], sep: str = "") -> Markup:
    return Markup(sep.join(esc(p) for p in parts))


def href(path: str, /, **params: object) -> str:
    """A same-site URL: the path percent-encoded, parameters that are set in the query (escaped later, by `esc`)."""
    query = urlencode({k: str(val) for k, val in params.items() if val not in (None, "")})
    return quote(path, safe="/") + (f"?{query}" if query else "")


# --------------------------------------------------------------------------- pieces


def marked(text: str, spans: Sequence[tuple[int, int]] = ()) -> Markup:
    """``text`` with the matched stretches in <mark>: split on the spans first, then each piece escaped."""
    parts: list[Markup] = []
    at = 0
    for start, end in spans:
        if start < at:
            continue
        parts.append(esc(text[at:start]))
        parts.append(tag("<mark>{t}</mark>", t=text[start:end]))
        at = end
    parts.append(esc(text[at:]))
    return join(parts)


def _id(item: v.EntryView, links: bool) -> Markup:
    if links:
        return tag('<a class="id" href="{h}">{id}</a>', h=href(f"/entry/{item.id}"), id=item.id)
    return tag('<span class="id">{id}</span>', id=item.id)


def entry_text(item: v.EntryView, spans: Sequence[tuple[int, int]] = ()) -> Markup:
    """The entry's words, its agency, the correction mark, and the source of an own hint."""
    e = item.entry
    parts = [marked(e.text, spans)]
    if e.agency:
        parts.append(tag('<span class="agency">（{a}）</span>', a=e.agency))
    if e.fixes:
        parts.append(tag('<span class="fix" title="{n}">{m}</span>', n=FIX_NOTE, m=FIX_MARK))
    if e.own:
        parts.append(tag('<span class="source">提供元: {s}（{n}）</span>', s=e.source, n=OWN_NOTE))
    parts += [
        tag(
            '<span class="note-on"><b>{l}:</b> {t}（{id}{b}）</span>',
            l=n.label(),
            t=n.text,
            id=n.id,
            b=f"、{n.byline}" if n.byline else "",
        )
        for n in item.notes
    ]
    return join(parts)


def bullets(items: Iterable[v.EntryView], links: bool, cls: str = "entries") -> Markup:
    rows = [
        tag(
            '<li class="entry kind-{k}" id="{id}"><span class="text">{t}</span> {i}</li>',
            k=item.entry.kind,
            id=item.id,
            t=entry_text(item),
            i=_id(item, links),
        )
        for item in items
    ]
    return tag('<ul class="{c}">{r}</ul>', c=cls, r=join(rows))


def _box(title: object, body: Markup, kind: str, extra: Markup | str = "") -> Markup:
    return tag('<section class="box kind-{k}"><h2>{t}</h2>{b}{x}</section>', k=kind, t=title, b=body, x=extra)


def fixes_note(items: Iterable[v.EntryView]) -> Markup:
    return tag('<p class="note">{n}</p>', n=FIX_NOTE) if v.has_fixes(items) else Markup()


def _rows(rows: Iterable[v.DetailRow]) -> Markup:
    return tag(
        '<dl class="rows">{r}</dl>',
        r=join(tag("<dt>{l}</dt><dd>{v}</dd>", l=r.label, v=r.value) for r in rows),
    )


def _link_or_text(text: object, url: str, links: bool) -> Markup:
    return tag('<a href="{h}">{t}</a>', h=url, t=text) if links else esc(text)


# --------------------------------------------------------------------------- views


def scene_body(view: v.SceneView, links: bool = True) -> Markup:
    parts = [
        tag('<h1>場面{n}　{t} <span class="pages">{p}</span></h1>', n=view.number, t=view.title, p=view.pages)
    ]
    if view.examples:
        parts.append(_box(KIND_LABELS[Kind.EXAMPLE], bullets(view.examples, links), Kind.EXAMPLE))
    parts += [_box(g.heading, bullets(g.entries, links), Kind.HINT) for g in view.hints]
    if view.suggestions:
        parts.append(_box(KIND_LABELS[Kind.SUGGESTION], bullets(view.suggestions, links), Kind.SUGGESTION))
    if view.own:
        parts.append(_box(f"{v.OWN_LABEL}（{OWN_NOTE}）", bullets(view.own, links), "own"))
    parts.append(fixes_note(view.items()))
    return join(parts)


def detail_body(view: v.EntryDetail, links: bool = True) -> Markup:
    item = view.item
    where = item.location
    if links and item.entry.scene is not None:
        where_html = _link_or_text(where, href(f"/scene/{item.entry.scene}"), True)
    elif links and item.entry.story:
        where_html = _link_or_text(where, href(f"/story/{item.entry.story}"), True)
    else:
        where_html = esc(where)
    return tag(
        '<article class="box kind-{k} detail"><p class="place">{w}</p><h1>{h}</h1>'
        '<p class="text">{t}</p><p class="meta">{i}</p></article>{r}',
        k=item.entry.kind,
        w=where_html,
        h=item.heading,
        t=entry_text(item),
        i=_id(item, False),
        r=_rows(view.rows),
    )


def overview_body(view: v.Overview, links: bool = True) -> Markup:
    def table(head: Sequence[str], rows: Iterable[Sequence[object]]) -> Markup:
        return tag(
            '<table class="overview"><thead><tr>{h}</tr></thead><tbody>{b}</tbody></table>',
            h=join(tag("<th>{c}</th>", c=c) for c in head),
            b=join(tag("<tr>{c}</tr>", c=join(tag("<td>{c}</td>", c=c) for c in row)) for row in rows),
        )

    scenes = table(
        ("場面", "タイトル", "ページ", "項目"),
        (
            (f"場面{s.number}", _link_or_text(s.title, href(f"/scene/{s.number}"), links), s.pages, s.size)
            for s in view.scenes
        ),
    )
    themes = table(
        ("テーマ", "項目", "説明"),
        (
            (_link_or_text(t.name, href("/list", category=t.name), links), t.size, t.description)
            for t in view.themes
        ),
    )
    categories = table(
        ("番号", "区分", "分類", "項目"),
        (
            (
                c.number,
                f"{c.section} {c.section_pages}",
                _link_or_text(c.name, href("/practices", category=c.number), links),
                c.size,
            )
            for c in view.categories
        ),
    )
    stories = table(
        ("番号", "タイトル", "ページ", "項目"),
        (
            (s.number, _link_or_text(s.title, href(f"/story/{s.number}"), links), s.pages, s.size)
            for s in view.stories
        ),
    )
    return tag(
        '<h1>{t}<span class="date">{d}</span> <span class="count">全{n}項目</span></h1>'
        "<h2>{ps}</h2>{s}<h2>テーマ</h2>{th}<h2>{pp}</h2>{c}<h2>{pt}</h2>{st}",
        t=view.title,
        d=f"（{view.date}）" if view.date else "",
        n=view.total,
        ps=v.PART_SCENES,
        s=scenes,
        th=themes,
        pp=v.PART_PRACTICES,
        c=categories,
        pt=v.PART_STORIES,
        st=stories,
    )


def entry_list_body(view: v.EntryList, links: bool = True) -> Markup:
    parts = [tag('<h1>{t} <span class="count">{n}項目</span></h1>', t=view.title, n=view.size)]
    if view.note:
        parts.append(tag('<p class="lead">{n}</p>', n=view.note))
    part = None
    for group in view.groups:
        if group.part != part:
            parts.append(tag('<h2 class="part">{p}</h2>', p=group.part))
            part = group.part
        parts.append(
            tag(
                '<section class="group"><h3>{h}</h3>{b}</section>',
                h=group.heading,
                b=bullets(group.entries, links),
            )
        )
    parts.append(fixes_note(view.items()))
    return join(parts)


def practices_overview_body(view: v.PracticesOverview, links: bool = True) -> Markup:
    parts = [tag("<h1>{t}</h1>", t=v.PART_PRACTICES)]
    for s in view.sections:
        rows = join(
            tag(
                '<li><span class="num">{n}</span> {c} <span class="count">{k}項目</span></li>',
                n=c.number,
                c=_link_or_text(c.name, href("/practices", category=c.number), links),
                k=c.size,
            )
            for c in s.categories
        )
        parts.append(
            tag(
                '<section class="box kind-practice"><h2>{n} <span class="pages">{p}</span></h2>'
                '<p class="lead">{s}</p><ul class="categories">{r}</ul></section>',
                n=s.name,
                p=s.pages,
                s=s.subtitle,
                r=rows,
            )
        )
    return join(parts)


def practices_body(view: v.Practices, links: bool = True) -> Markup:
    parts = [tag("<h1>{t}</h1>", t=v.PART_PRACTICES)]
    section = None
    for g in view.groups:
        if g.section.name != section:
            section = g.section.name
            parts.append(
                tag('<h2 class="part">{n} <span class="pages">{p}</span></h2>', n=section, p=g.section.pages)
            )
        parts.append(_box(f"{g.number} {g.category}", bullets(g.entries, links), Kind.PRACTICE))
    parts.append(fixes_note(view.items()))
    return join(parts)


def story_body(view: v.StoryView, links: bool = True) -> Markup:
    parts = [
        tag('<h1>{p}　{t} <span class="pages">{g}</span></h1>', p=v.PART_STORIES, t=view.title, g=view.pages)
    ]
    for section in view.sections:
        inner = join(
            (tag("<h3>{n}</h3>", n=sub.name) if sub.name else Markup()) + bullets(sub.entries, links)
            for sub in section.subsections
        )
        parts.append(_box(section.name, Markup(inner), Kind.STORY))
    parts.append(fixes_note(view.items()))
    return join(parts)


def about_body(view: v.About, links: bool = True) -> Markup:
    counts = view.counts
    facts = [
        v.DetailRow(
            "収録",
            "、".join(f"{KIND_LABELS[k]} {counts.get(k, 0)}" for k in KINDS)
            + f"（計 {counts.get('entries', 0)} 項目、場面 {counts.get('scenes', 0)}、"
            f"テーマ {counts.get('themes', 0)}）",
        ),
        v.DetailRow("バージョン", f"hintcli {view.version}"),
    ]
    committee = join(tag("<dt>{n}</dt><dd>{a}</dd>", n=m.name, a=m.affiliation) for m in view.committee)
    fixes = join(
        tag(
            "<tr><td>{w}</td><td>{l}</td><td>{o} → {c}</td></tr>",
            w=c.where,
            l=c.location,
            o=c.original,
            c=c.corrected,
        )
        for c in view.corrections
    )
    texts = join(
        tag(
            '<section class="prose"><h2>{h} <span class="pages">{p}</span></h2>{b}</section>',
            h=part.heading,
            p=v.pages(part.page),
            b=join(tag("<p>{t}</p>", t=t) for t in part.paragraphs),
        )
        for part in [*view.preface, *([view.afterword] if view.afterword else [])]
    )
    return tag(
        '<h1>{t}</h1><p class="lead">{s}　{d}</p><h2>引用するとき</h2><p class="cite">{c}</p>'
        '<h2>{cn}</h2><dl class="rows">{m}</dl><h2>表記の訂正（原文 → 本ツールの表記）</h2>'
        '<table class="overview"><tbody>{f}</tbody></table>{r}{x}',
        t=view.title,
        s=view.series,
        d=view.date,
        c=view.citation,
        cn=view.committee_name or "委員会",
        m=committee,
        f=fixes,
        r=_rows(facts),
        x=texts,
    )


def search_header(view: v.SearchView, links: bool = True, all_url: str = "") -> Markup:
    where = f"（{view.filters}）" if view.filters else ""
    count = len(view.results)
    if count < view.total:
        more = tag("{c}件／全{t}件", c=count, t=view.total)
        if links and all_url:
            more = tag('{m} <a href="{h}">すべて表示</a>', m=more, h=all_url)
    else:
        more = tag("{c}件", c=count)
    return tag('<h1>「{q}」の検索結果{w} <span class="count">{m}</span></h1>', q=view.query, w=where, m=more)


def result_item(rank: int, r: v.ResultView, links: bool) -> Markup:
    item = r.item
    explain = _rows(r.explanation.rows) if r.explanation else NOTHING
    return tag(
        '<li class="result box kind-{k}" value="{n}"><h3><span class="rank">{n}</span> {h}{w}</h3>'
        '<p class="text">{t}</p>{x}<p class="meta">{i}</p></li>',
        k=item.entry.kind,
        n=rank,
        h=item.heading,
        w=tag('<span class="weak">（{w}）</span>', w=v.WEAK_MATCH) if r.weak else NOTHING,
        t=entry_text(item, r.spans),
        x=explain,
        i=_id(item, links),
    )


def result_groups(groups: Sequence[v.ResultGroup], links: bool) -> Markup:
    """Results under one heading per place (scene title and pages once), as the terminal shows them."""
    return join(
        tag(
            '<section class="place-group"><h2 class="place">{p}</h2><ol class="results">{r}</ol></section>',
            p=g.place.full(),
            r=join(result_item(rank, r, links) for rank, r in zip(g.ranks, g.results, strict=True)),
        )
        for g in groups
    )


def suggestion_blocks(blocks: Sequence[v.SuggestionBlock], links: bool) -> Markup:
    """Each scene's suggestions not already among the results: on a page their first sentences
    (the ID leads to the whole text), in a handout the whole text."""
    out = []
    for b in blocks:
        if links and b.excerpts:
            rows = join(
                tag(
                    '<li class="entry kind-suggestion"><span class="text">{t}{c}</span> {i}</li>',
                    t=x.text,
                    c="…" if x.cut else "",
                    i=_id(x.item, True),
                )
                for x in b.excerpts
            )
            listing = tag('<ul class="entries">{r}</ul>', r=rows)
        else:
            listing = bullets(b.entries, links)
        also = (
            tag('<span class="count">（ほか{n}件は上の結果に）</span>', n=b.left_out)
            if b.left_out
            else NOTHING
        )
        more = (
            tag(
                '<p class="more"><a href="{h}">場面{n}をすべて読む</a></p>',
                h=href(f"/scene/{b.scene}"),
                n=b.scene,
            )
            if links
            else NOTHING
        )
        out.append(
            tag(
                '<section class="box kind-suggestion"><h2>{t}{a}</h2>{b}{m}</section>',
                t=b.title,
                a=also,
                b=listing,
                m=more,
            )
        )
    return join(out)


def search_body(view: v.SearchView, links: bool = True, all_url: str = "") -> Markup:
    """The results grouped by place, the committee's suggestions after the first `views.FIRST_RESULTS`
    (as in the terminal), then the other results."""
    first = v.FIRST_RESULTS
    parts = [search_header(view, links, all_url)]
    parts += [tag('<p class="notice">{n}</p>', n=n) for n in view.notices()]
    if view.explain and view.reading:
        parts.append(
            tag(
                '<p class="reading">検索語の読み取り: {r}</p>',
                r=" ／ ".join(f"{r.label} {r.value}" for r in view.reading),
            )
        )
    parts.append(result_groups(view.groups(0, first), links))
    parts.append(suggestion_blocks(view.suggestions, links))
    if len(view.results) > first:
        parts.append(tag('<p class="note">ほかの結果（{a}～{b}件目）</p>', a=first + 1, b=len(view.results)))
        parts.append(result_groups(view.groups(first), links))
    parts.append(fixes_note([*view.items(), *(e for b in view.suggestions for e in b.entries)]))
    return join(parts)


# --------------------------------------------------------------------------- dispatch

View = (
    v.SearchView
    | v.SceneView
    | v.EntryDetail
    | v.Overview
    | v.EntryList
    | v.PracticesOverview
    | v.Practices
    | v.StoryView
    | v.About
)


def _stories(view: object) -> tuple[v.StoryView, ...] | None:
    """A list of story views (`hint story` without a number), else None."""
    if isinstance(view, list | tuple) and view and all(isinstance(s, v.StoryView) for s in view):
        return tuple(view)
    return None


def title(view: View | Sequence[v.StoryView]) -> str:
    """The page's title, in Japanese."""
    if _stories(view) is not None:
        return v.PART_STORIES
    if isinstance(view, v.SearchView):
        return f"「{view.query}」の検索結果"
    if isinstance(view, v.SceneView):
        return f"場面{view.number} {view.title}"
    if isinstance(view, v.EntryDetail):
        return f"{view.item.id} {view.item.heading}"
    if isinstance(view, v.EntryList):
        return view.title
    if isinstance(view, v.Practices):
        return "・".join(g.category for g in view.groups) or v.PART_PRACTICES
    if isinstance(view, v.PracticesOverview):
        return v.PART_PRACTICES
    if isinstance(view, v.StoryView):
        return f"{v.PART_STORIES} {view.title}"
    if isinstance(view, v.About):
        return "この報告書について"
    return "一覧"


def body(view: View | Sequence[v.StoryView], links: bool = True) -> Markup:
    """The view as the inside of <main>: links to the site's pages only when ``links``."""
    handlers: dict[type, Callable[[Any], Markup]] = {
        v.SearchView: lambda x: search_body(x, links),
        v.SceneView: lambda x: scene_body(x, links),
        v.EntryDetail: lambda x: detail_body(x, links),
        v.Overview: lambda x: overview_body(x, links),
        v.EntryList: lambda x: entry_list_body(x, links),
        v.PracticesOverview: lambda x: practices_overview_body(x, links),
        v.Practices: lambda x: practices_body(x, links),
        v.About: lambda x: about_body(x, links),
        list: lambda stories: join(story_body(s, links) for s in stories),
    }
    return v.dispatch(view, handlers)


def citation_of(view: View | Sequence[v.StoryView]) -> str:
    """The report's citation for the footer: the view's own, else (stories, lists) an entry's without its pages."""
    if isinstance(view, v.About | v.EntryDetail | v.SceneView | v.SearchView):
        return view.report_citation if isinstance(view, v.EntryDetail) else view.citation
    stories = _stories(view)
    items: Sequence[v.EntryView] = ()
    if stories is not None:
        items = [i for s in stories for i in s.items()]
    elif isinstance(view, v.EntryList | v.Practices | v.StoryView):
        items = view.items()
    cited = next((i.citation for i in items if i.citation), "")
    return cited.rpartition(" p.")[0] if " p." in cited else cited


@lru_cache(maxsize=4)
def stylesheet(name: str) -> str:
    """A stylesheet of the package (`STATIC`), for inlining in a handout."""
    return (STATIC / name).read_text(encoding="utf-8")


HANDOUT = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
{css}
</style>
</head>
<body class="handout">
<main>
{body}
</main>
<footer>{cite}{made}</footer>
</body>
</html>
"""


def handout(view: View | Sequence[v.StoryView], *, citation: str = "", made: str = "") -> str:
    """One self-contained HTML file: inline CSS, no script, no link, no reference to any host.

    ``citation`` defaults to the view's own; ``made`` (e.g. a date) is printed in the footer.
    """
    return tag(
        HANDOUT,
        title=title(view),
        css=Markup(stylesheet("page.css")),
        body=body(view, links=False),
        cite=_cite(citation or citation_of(view)),
        made=tag('<p class="made">作成: {m}</p>', m=made) if made else Markup(),
    )


def _cite(citation: str) -> Markup:
    return tag('<p class="cite">出典: {c}</p>', c=citation) if citation else NOTHING


def render(view: Any, *, today: date, citation: str = "") -> str:
    """`--format html`: the handout of ``view`` (or of a list of story views), dated ``today``."""
    return handout(view, citation=citation, made=today.isoformat())


SITE = """<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - ひきこもり支援のヒント集</title>
<link rel="stylesheet" href="/static/page.css">
<link rel="stylesheet" href="/static/site.css">
<script src="/static/search.js" defer></script>
</head>
<body>
<header class="site">
<nav><a href="/" class="home">ヒント集</a> <a href="/list">一覧</a> <a href="/practices">支援体制</a> <a href="/story/1">素材集</a> <a href="/about">この報告書について</a></nav>
<form class="search" action="/" method="get" role="search">
<input type="search" name="q" value="{query}" maxlength="{maxlength}" placeholder="状況や言葉（例: 本人に会えない）" aria-label="検索語" autocomplete="off" id="q">
{filters}<button type="submit">検索</button>
</form>
</header>
<main id="main">
{body}
</main>
<footer>{downloads}{cite}</footer>
</body>
</html>
"""


def site_page(
    page_title: str,
    content: Markup,
    *,
    query: str = "",
    maxlength: int = 500,
    filters: Markup = NOTHING,
    downloads: Sequence[tuple[str, str]] = (),
    citation: str = "",
    hide_downloads: bool = False,
) -> str:
    """A page of the web door: the nav, the search form (``filters`` inside it), ``content``, the downloads."""
    links = (
        tag(
            '<p class="downloads"{h}>この内容を保存: {d}</p>',
            h=Markup(" hidden") if hide_downloads else NOTHING,
            d=join((tag('<a href="{h}" download>{l}</a>', h=url, l=label) for label, url in downloads), " "),
        )
        if downloads
        else Markup()
    )
    return tag(
        SITE,
        title=page_title,
        query=query,
        maxlength=maxlength,
        filters=filters,
        body=content,
        downloads=links,
        cite=_cite(citation),
    )


def select(name: str, label: str, options: Sequence[tuple[str, str]], chosen: str) -> Markup:
    """A <select> for the search form's filters; the empty value means 'all'."""
    opts = [tag('<option value="">{l}: すべて</option>', l=label)]
    for value, text in options:
        template = (
            '<option value="{v}" selected>{t}</option>'
            if value == chosen
            else '<option value="{v}">{t}</option>'
        )
        opts.append(tag(template, v=value, t=text))
    return tag('<select name="{n}" aria-label="{l}">{o}</select>', n=name, l=label, o=join(opts))


def message_body(heading: str, text: str) -> Markup:
    return tag('<h1>{h}</h1><p class="lead">{t}</p><p><a href="/">検索に戻る</a></p>', h=heading, t=text)
