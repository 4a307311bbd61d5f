"""The web door: `hint serve`, the report in a browser on this PC.

The standard library's `BaseHTTPRequestHandler` (no framework: the pages are a
handful of routes over the views, and it needs no new package), served from one
thread per process by `serverloop`, so that nobody waits for the interpreter
lock and a client that connects and sends nothing is only an idle socket until
`IDLE_TIMEOUT` closes it; HTTP/1.1, so a browser keeps its connection. Where
the system can fork (not Windows), one process per CPU answers (`serve`,
`default_workers`): the data is loaded once, before the fork.
The loaded corpus and searcher are kept for the process's life; the garbage
collector stays on (the CLI's one-shot runs turn it off, a server must not).

Safe by default:

* binds 127.0.0.1; another address only when asked (`serve` prints a warning);
* the ``Host`` header must name the bound address or localhost with the port
  (a page on another site cannot reach the server through DNS rebinding):
  otherwise 400;
* GET and HEAD only (405 otherwise); a search query longer than
  `MAX_QUERY_CHARS` characters or a request target longer than `MAX_TARGET`
  bytes: 400;
* every response carries a Content-Security-Policy that allows only this
  server's own files (no inline script or style), ``nosniff`` and
  ``no-referrer``; static files come from an allow-list read at start-up;
* nothing is ever written: the server only reads what it loaded at start.

Pages: ``/`` and ``/?q=`` (search), ``/scene/N``, ``/entry/ID``, ``/list``
(``?category=&scene=&kind=``), ``/practices`` (``?category=``), ``/story/N``,
``/about``; any page with ``format=html`` downloads its handout. APIs:
``/api/search`` (exactly ``hint search --json``) and ``/api/results`` (the
search page's data, for search-as-you-type).
"""

from __future__ import annotations

import contextlib
import errno
import ipaddress
import os
import socket
import sys
import threading
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from . import lookup
from . import views as v
from .formats import htmlpage as hp
from .formats import jsondata
from .serverloop import Loads, LoopServer

if TYPE_CHECKING:
    from .corpus import Corpus
    from .search import Answer, Searcher

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
MAX_QUERY_CHARS = 500  # a search query's length in characters; longer is refused (400)
MAX_TARGET = 8192  # bytes of the request target (path and query, percent-encoded): 500 kanji take ~4.5 KB
MAX_WORKERS = 4  # processes answering at once (`default_workers`)
DEFAULT_LIMIT = 5  # results, as `hint search`
# Searches remembered (query and filters -> ranked results; the data never changes while serving):
# search-as-you-type asks for the results, then the page or the API asks again. A broad query's
# results take ~150 KiB, so 32 of them stay within a few MiB.
SEARCH_CACHE = 32
STATIC_FILES = {  # the only files ever served from disk, read once at start-up
    "page.css": "text/css; charset=utf-8",
    "site.css": "text/css; charset=utf-8",
    "search.js": "text/javascript; charset=utf-8",
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Frame-Options", "DENY"),
    ("Cache-Control", "no-store"),
)
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"
DOWNLOADS = {  # ?format= on any page: the handout of what is on screen, by the modules of --format
    "html": ("HTML（印刷用）", HTML),
    "md": ("Markdown", "text/markdown; charset=utf-8"),
    "csv": ("CSV（Excel 用）", "text/csv; charset=utf-8"),
}


class PortInUse(Exception):
    """The address is taken (another `hint serve`?) or cannot be bound; the CLI words it."""

    def __init__(self, host: str, port: int, reason: str = "") -> None:
        super().__init__(f"{host}:{port} {reason}".strip())
        self.host = host
        self.port = port
        self.reason = reason

    @property
    def message(self) -> str:
        if self.reason:
            return f"{self.host}:{self.port} で待ち受けできません（{self.reason}）。--host か --port を変えてください"
        return f"ポート {self.port} は使用中です。別のポートを --port で指定してください（例: --port {self.port + 1}）"


class Reply(NamedTuple):
    status: int
    body: bytes
    content_type: str = HTML
    extra: tuple[tuple[str, str], ...] = ()


class Refused(Exception):
    """A request answered with an error page (``status``, a Japanese heading and line)."""

    def __init__(self, status: int, heading: str, text: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(heading)
        self.status = status
        self.heading = heading
        self.text = text
        self.extra = extra


def _not_found(text: str = "このアドレスのページはありません。") -> Refused:
    return Refused(404, "ページが見つかりません", text)


def _bad(text: str) -> Refused:
    return Refused(400, "リクエストを受け付けられません", text)


# --------------------------------------------------------------------------- reading requests


def _single(params: Mapping[str, list[str]], name: str) -> str:
    values = params.get(name)
    return values[-1] if values else ""


def read_limit(raw: str) -> int | None:
    """As `hint search --limit`: an integer >= 1 in any width; a huge number means all; empty: 5."""
    if not raw.strip():
        return DEFAULT_LIMIT
    try:
        return lookup.limit(raw)
    except ValueError:
        raise _bad("件数（limit）には 1 以上の整数を指定してください。") from None


def read_query(raw: str) -> str:
    """The search query: at most `MAX_QUERY_CHARS` characters, with a letter, digit or kana in it."""
    if len(raw) > MAX_QUERY_CHARS:
        raise _bad(f"検索語が長すぎます（{len(raw)}文字）。{MAX_QUERY_CHARS}文字までにしてください。")
    if not any(ch.isalnum() for ch in unicodedata.normalize("NFKC", raw)):
        raise _bad("検索語に文字がありません（記号だけでは検索できません）。")
    return raw


def _lookup_text(exc: lookup.LookupFailed) -> str:
    choices = f" 使えるもの: {'、'.join(exc.candidates[:20])}" if exc.candidates else ""
    if isinstance(exc, lookup.NotFound):
        return f"{exc.what}「{exc.raw[:40]}」の項目はありません。{choices}".strip()
    if isinstance(exc, lookup.Ambiguous):
        return f"{exc.what}「{exc.raw[:40]}」に当てはまるものが複数あります:{choices}"
    return f"{exc.what}「{exc.raw[:40]}」はありません。{choices}".strip()


# --------------------------------------------------------------------------- the site


class Filters(NamedTuple):
    scene: int | None
    theme: str | None
    kind: str | None
    raw: dict[str, str]  # as given, for the form and links

    def text(self) -> str:
        return v.describe_filters(self.theme, self.scene, self.kind)


class Site:
    """Everything the server answers, as functions of the path and parameters (no sockets: testable)."""

    def __init__(self, searcher: Searcher) -> None:
        searcher.prepare_for_many()  # a site answers query after query
        self.searcher = searcher
        self.corpus: Corpus = searcher.corpus
        self.static = {
            name: (hp.STATIC.joinpath(name).read_bytes(), kind) for name, kind in STATIC_FILES.items()
        }
        self.citation = v.citation(self.corpus)
        self.ranked = lru_cache(maxsize=SEARCH_CACHE)(self._ranked)
        self.filter_form = lru_cache(maxsize=64)(self._filter_form)
        self.routes: dict[str, Callable[[str, dict[str, list[str]]], Reply]] = {
            "": self.home,
            "scene": self.scene,
            "entry": self.entry,
            "list": self.listing,
            "practices": self.practices,
            "story": self.story,
            "about": self.about,
            "static": self.static_file,
            "api": self.api,
        }

    # ----------------------------------------------------------------- plumbing

    def answer(self, target: str) -> Reply:
        """The reply to a GET of ``target`` (path and query as sent)."""
        try:
            if not target.isascii():  # raw UTF-8 in the request line (browsers percent-encode; curl may not)
                target = target.encode("latin-1", "replace").decode("utf-8", "replace")
            if len(target.encode("utf-8")) > MAX_TARGET:
                raise _bad(f"アドレスが長すぎます（{MAX_TARGET}バイトまで）。検索語を短くしてください。")
            parts = urlsplit(target)
            params = parse_qs(parts.query, keep_blank_values=True, max_num_fields=20, errors="replace")
            head, _, rest = unquote(parts.path, errors="replace").lstrip("/").partition("/")
            route = self.routes.get(head)
            if route is None:
                raise _not_found()
            return route(rest, params)
        except Refused as exc:
            return self.error_page(exc)
        except lookup.LookupFailed as exc:
            status = 404 if isinstance(exc, lookup.NotFound) else 400
            return self.error_page(
                Refused(
                    status,
                    "見つかりませんでした" if status == 404 else "指定を読み取れません",
                    _lookup_text(exc),
                )
            )
        except ValueError:  # parse_qs: too many fields
            return self.error_page(_bad("パラメータが多すぎます。"))

    def error_page(self, exc: Refused) -> Reply:
        page = hp.site_page(
            exc.heading,
            hp.message_body(exc.heading, exc.text),
            maxlength=MAX_QUERY_CHARS,
            citation=self.citation,
        )
        return Reply(exc.status, page.encode("utf-8"), HTML, exc.extra)

    def page(self, view: hp.View, params: dict[str, list[str]], path: str, **extra: Any) -> Reply:
        """A view as a page; with ``format=html|md|csv`` its handout, rendered by the `--format` modules."""
        fmt = _single(params, "format")
        name = extra.pop("filename", "hint")
        if fmt:
            if fmt not in DOWNLOADS:
                raise _bad(f"保存できる形式は {'、'.join(DOWNLOADS)} です。")
            from datetime import date

            from . import formats

            if fmt == "html":
                document = hp.render(view, today=date.today(), citation=hp.citation_of(view) or self.citation)
            else:
                document = formats.render(view, fmt, today=date.today())
            disposition = f'attachment; filename="{name}.{fmt}"'
            return Reply(
                200, document.encode("utf-8"), DOWNLOADS[fmt][1], (("Content-Disposition", disposition),)
            )
        query = {k: vals[-1] for k, vals in params.items() if vals and k != "format"}
        downloads = [(label, hp.href(path, **query, format=f)) for f, (label, _) in DOWNLOADS.items()]
        content = extra.pop("content", None) or hp.body(view)
        html = hp.site_page(
            hp.title(view),
            content,
            maxlength=MAX_QUERY_CHARS,
            downloads=downloads,
            citation=hp.citation_of(view) or self.citation,
            **extra,
        )
        return Reply(200, html.encode("utf-8"))

    # ----------------------------------------------------------------- search

    def filters(self, params: dict[str, list[str]]) -> Filters:
        raw = {k: _single(params, k).strip() for k in ("scene", "category", "kind")}
        scene = lookup.scene(self.corpus, raw["scene"]) if raw["scene"] else None
        theme = lookup.theme(self.corpus, raw["category"]) if raw["category"] else None
        kind = lookup.kind(raw["kind"]) if raw["kind"] else None
        return Filters(scene, theme, kind, raw)

    def _filter_form(self, scene: int | None, theme: str | None, kind: str | None) -> hp.Markup:
        scenes = [(str(n), f"場面{n}") for n in self.corpus.scenes]
        themes = [(t.name, t.name) for t in self.corpus.themes]
        from .corpus import KIND_LABELS, Kind

        kinds = [(k.value, KIND_LABELS[k]) for k in Kind]
        return hp.join(
            [
                hp.select("scene", "場面", scenes, str(scene or "")),
                hp.select("category", "テーマ", themes, theme or ""),
                hp.select("kind", "種類", kinds, kind or ""),
            ]
        )

    def _ranked(self, query: str, scene: int | None, theme: str | None, kind: str | None) -> Answer:
        return self.searcher.answer(query, scene=scene, themes={theme} if theme else None, kind=kind)

    def search_view(self, query: str, f: Filters, limit: int | None) -> v.SearchView:
        """As `hint search` builds it (the same answer, view and --json)."""
        answer = self.ranked(query, f.scene, f.theme, f.kind)
        return v.search_view(
            self.corpus,
            query,
            answer.results,
            limit,
            filters=f.text(),
            kind=f.kind,
            spell=self.searcher.spelling,
            answer=answer,
        )

    def home(self, rest: str, params: dict[str, list[str]]) -> Reply:
        if rest:
            raise _not_found()
        raw = _single(params, "q")
        f = self.filters(params)
        form = self.filter_form(f.scene, f.theme, f.kind)
        if not raw.strip():  # the download links appear when search.js shows results
            downloads = [(label, hp.href("/", format=f)) for f, (label, _) in DOWNLOADS.items()]
            html = hp.site_page(
                "検索",
                self.welcome(),
                filters=form,
                maxlength=MAX_QUERY_CHARS,
                citation=self.citation,
                downloads=downloads,
                hide_downloads=True,
            )
            return Reply(200, html.encode("utf-8"))
        query = read_query(raw)
        limit = read_limit(_single(params, "limit"))
        view = self.search_view(query, f, limit)
        all_url = hp.href("/", q=query, **f.raw, limit=view.total)
        content = hp.search_body(view, True, all_url)
        if not view.results:
            content = hp.join([content, self.nothing_found(query, f)])
        return self.page(
            view, params, "/", content=content, query=query, filters=form, filename="hint-search"
        )

    def nothing_found(self, query: str, f: Filters) -> hp.Markup:
        """What the query comes close to (search's 「もしかして」), as links, or where to look instead."""
        if f.text() and self.ranked(query, None, None, None).results:
            return hp.tag(
                '<p class="lead">絞り込みを外すと見つかります: <a href="{h}">すべてから探す</a></p>',
                h=hp.href("/", q=query),
            )
        answer = self.ranked(query, f.scene, f.theme, f.kind)
        close = []
        for s in answer.suggestions:
            if s.kind == "theme":
                close.append((f"テーマ「{s.name}」", hp.href("/list", category=s.name)))
            elif s.kind == "scene" and s.scene is not None:
                close.append((f"場面{s.scene}「{s.name}」", hp.href(f"/scene/{s.scene}")))
            elif s.kind == "heading":
                close.append((f"見出し「{s.name}」", hp.href("/", q=s.name)))
            else:
                close.append((f"「{s.name}」", hp.href("/", q=s.name)))
        links = hp.join((hp.tag('<a href="{h}">{t}</a>', h=url, t=text) for text, url in close), "、")
        maybe = hp.tag("もしかして: {l}。", l=links) if close else hp.NOTHING
        if not close and answer.unknown:
            maybe = hp.tag(
                "報告書にも言い換え辞書にも近い語がありません（{w}）。", w="、".join(answer.unknown)
            )
        return hp.tag(
            '<p class="lead">当てはまる項目はありません。{m}<a href="/list">全体の一覧</a>から探すこともできます。</p>',
            m=maybe,
        )

    def welcome(self) -> hp.Markup:
        examples = (
            "本人に会えない",
            "しんどい",
            "父親から娘がこもっていると電話があった",
            "家族支援",
            "訪問",
        )
        items = hp.join(hp.tag('<li><a href="{h}">{q}</a></li>', h=hp.href("/", q=q), q=q) for q in examples)
        return hp.tag(
            '<h1>{t}</h1><p class="lead">状況や言葉を入力すると、報告書のヒントと委員からのサジェスションを関連の高い順に表示します。'
            '日本語入力の変換中は検索しません。</p><h2>例</h2><ul class="examples">{e}</ul>'
            '<p><a href="/list">一覧（場面・テーマ・支援体制・素材集）</a></p>',
            t=str(self.corpus.about.get("title", "ひきこもり支援のヒント集")),
            e=items,
        )

    # ----------------------------------------------------------------- pages

    def scene(self, rest: str, params: dict[str, list[str]]) -> Reply:
        try:
            number = lookup.scene(self.corpus, rest)
        except lookup.LookupFailed:
            raise _not_found(
                f"場面「{rest[:20]}」はありません。場面は 1～{len(self.corpus.scenes)} です。"
            ) from None
        view = v.scene_view(self.corpus, self.corpus.scenes[number])
        return self.page(view, params, f"/scene/{number}", filename=f"hint-scene{number}")

    def entry(self, rest: str, params: dict[str, list[str]]) -> Reply:
        entry = lookup.entry(self.corpus, rest)
        return self.page(
            v.entry_detail(self.corpus, entry), params, f"/entry/{entry.id}", filename=f"hint-{entry.id}"
        )

    def listing(self, rest: str, params: dict[str, list[str]]) -> Reply:
        if rest:
            raise _not_found()
        f = self.filters(params)
        if not f.text():
            return self.page(v.overview(self.corpus), params, "/list", filename="hint-list")
        entries = self.corpus.filter(theme=f.theme, scene=f.scene, kind=f.kind)
        note = next((t.description for t in self.corpus.themes if t.name == f.theme), "")
        view = v.entry_list(self.corpus, entries, f.text(), note)
        return self.page(view, params, "/list", filename="hint-list")

    def practices(self, rest: str, params: dict[str, list[str]]) -> Reply:
        if rest:
            raise _not_found()
        raw = _single(params, "category").strip()
        if not raw:
            return self.page(
                v.practices_overview(self.corpus), params, "/practices", filename="hint-practices"
            )
        view = v.practices(self.corpus, lookup.categories(self.corpus, raw))
        return self.page(view, params, "/practices", filename="hint-practices")

    def story(self, rest: str, params: dict[str, list[str]]) -> Reply:
        try:
            number = lookup.story(self.corpus, rest or "1")
        except lookup.LookupFailed:
            raise _not_found(
                f"素材集の例「{rest[:20]}」はありません。1～{len(self.corpus.stories)} です。"
            ) from None
        view = v.story_view(self.corpus, number)
        others = hp.join(
            hp.tag('<a href="{h}">{n}. {t}</a>', h=f"/story/{n}", n=n, t=st.name)
            if n != number
            else hp.tag("<strong>{n}. {t}</strong>", n=n, t=st.name)
            for n, st in enumerate(self.corpus.stories, 1)
        )
        content = hp.join(
            [
                hp.tag('<nav class="stories">{o}</nav>', o=hp.Markup(others.replace("</a><", "</a> ／ <"))),
                hp.body(view),
            ]
        )
        return self.page(view, params, f"/story/{number}", content=content, filename=f"hint-story{number}")

    def about(self, rest: str, params: dict[str, list[str]]) -> Reply:
        if rest:
            raise _not_found()
        from . import __version__

        return self.page(v.about(self.corpus, "", __version__), params, "/about", filename="hint-about")

    def static_file(self, rest: str, params: dict[str, list[str]]) -> Reply:
        found = self.static.get(rest)  # an allow-list: no path is ever joined to a folder
        if found is None:
            raise _not_found()
        data, kind = found
        return Reply(200, data, kind)

    # ----------------------------------------------------------------- APIs

    def api(self, rest: str, params: dict[str, list[str]]) -> Reply:
        try:
            if rest not in ("search", "results"):
                raise _not_found()
            query = read_query(_single(params, "q"))
            view = self.search_view(query, self.filters(params), read_limit(_single(params, "limit")))
        except Refused as exc:
            return Reply(exc.status, jsondata.dumps({"error": exc.text}).encode("utf-8"), JSON)
        except lookup.LookupFailed as exc:
            return Reply(400, jsondata.dumps({"error": _lookup_text(exc)}).encode("utf-8"), JSON)
        if rest == "search":  # byte for byte what `hint search --json` prints
            return Reply(200, jsondata.dumps(jsondata.search(view)).encode("utf-8"), JSON)
        return Reply(200, jsondata.dumps(self.results_data(view, params)).encode("utf-8"), JSON)

    def results_data(self, view: v.SearchView, params: dict[str, list[str]]) -> dict[str, Any]:
        """What the search page shows, as data for search.js (which sets every text with textContent)."""

        def entry(item: v.EntryView, spans: Any = ()) -> dict[str, Any]:
            e = item.entry
            return {
                "id": e.id,
                "kind": str(e.kind),
                "text": e.text,
                "spans": [list(s) for s in spans],
                "agency": e.agency or "",
                "fixed": bool(e.fixes),
                "source_note": f"提供元: {e.source}（{hp.OWN_NOTE}）" if e.own else "",
                "url": hp.href(f"/entry/{e.id}"),
            }

        raw = {k: _single(params, k).strip() for k in ("scene", "category", "kind")}

        def groups(start: int, stop: int | None = None) -> list[dict[str, Any]]:
            return [
                {
                    "place": g.place.full(),
                    "results": [
                        {**entry(r.item, r.spans), "rank": rank, "heading": r.item.heading, "weak": r.weak}
                        for rank, r in zip(g.ranks, g.results, strict=True)
                    ],
                }
                for g in view.groups(start, stop)
            ]

        def excerpt(x: v.Excerpt) -> dict[str, Any]:
            return {**entry(x.item), "text": x.text + ("…" if x.cut else "")}

        return {
            "query": view.query,
            "filters": view.filters,
            "shown": len(view.results),
            "total": view.total,
            "all_url": hp.href("/", q=_single(params, "q"), **raw, limit=view.total),
            "message": "" if view.results else "当てはまる項目はありません。",
            "notices": list(view.notices()),
            "weak_label": f"（{v.WEAK_MATCH}）",
            "first": groups(0, v.FIRST_RESULTS),
            "rest": groups(v.FIRST_RESULTS),
            "suggestions": [
                {
                    "scene": b.scene,
                    "title": b.title,
                    "left_out": b.left_out,
                    "url": hp.href(f"/scene/{b.scene}"),
                    "entries": [excerpt(x) for x in b.excerpts],
                }
                for b in view.suggestions
            ],
        }


# --------------------------------------------------------------------------- HTTP


class Handler(BaseHTTPRequestHandler):
    """One request, read from memory by `serverloop`. GET and HEAD go to the `Site`;
    every other method gets 405."""

    site: ClassVar[Site]
    allowed_hosts: ClassVar[frozenset[str]]
    # HTTP/1.1: a browser keeps its connection for the next request (search as you type
    # sends one per pause), which saves a connection each time.
    protocol_version = "HTTP/1.1"
    server_version = "hint"
    sys_version = ""
    error_content_type = HTML

    def do_GET(self) -> None:
        self._reply(head=False)

    def do_HEAD(self) -> None:
        self._reply(head=True)

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up do_<METHOD>; every method but GET and HEAD is refused.
        if name.startswith("do_"):
            return self._not_allowed
        raise AttributeError(name)

    def _not_allowed(self) -> None:
        self._send(
            self.site.error_page(
                Refused(
                    405,
                    "この操作はできません",
                    "このサーバーは読むこと（GET・HEAD）だけを受け付けます。",
                    (("Allow", "GET, HEAD"),),
                )
            ),
            head=False,
        )

    def _host_ok(self) -> bool:
        host = (self.headers.get("Host") or "").strip().lower()
        return host in self.allowed_hosts

    def _reply(self, head: bool) -> None:
        if not self._host_ok():
            reply = self.site.error_page(
                Refused(
                    400,
                    "このアドレスからは開けません",
                    "Host ヘッダーが、このサーバーのアドレス（localhost など）ではありません。",
                )
            )
        else:
            try:
                reply = self.site.answer(self.path)
            except Exception:  # a bug: a page, never a traceback on the console
                reply = self.site.error_page(Refused(500, "内部エラー", "ページを作れませんでした。"))
        self._send(reply, head)

    def _send(self, reply: Reply, head: bool) -> None:
        headers = getattr(self, "headers", None)  # not read yet when the request line was bad
        if headers is None or "Content-Length" in headers or "Transfer-Encoding" in headers:
            # A body this server never reads would be taken for the next request.
            self.close_connection = True
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in (*SECURITY_HEADERS, *reply.extra):
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        elif self.request_version == "HTTP/1.0":
            self.send_header("Connection", "keep-alive")  # it asked to keep it: say it is kept
        self.end_headers()
        if not head:
            self.wfile.write(reply.body)  # into memory: `serverloop` sends the whole reply at once

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found while reading the request line (malformed, too long): a Japanese page too."""
        self.close_connection = True
        texts = {
            414: "アドレスが長すぎます。",
            431: "ヘッダーが大きすぎます。",
            501: "このサーバーは読むこと（GET・HEAD）だけを受け付けます。",
        }
        status = 405 if code == 501 else code
        refused = Refused(
            status, "リクエストを受け付けられません", texts.get(code, "リクエストを読み取れませんでした。")
        )
        reply = self.site.error_page(refused)
        with contextlib.suppress(OSError):  # the client may be gone already
            self._send(reply, head=self.command == "HEAD")

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: a worker's console shows the URL and nothing else (no queries in logs either)


class Server(LoopServer):
    """The web door's server: one thread answers every connection of its process
    (`serverloop`); with workers, the processes share the socket and `loads`."""


class Server6(Server):
    address_family = socket.AF_INET6


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host header values accepted: the bound name and the loopback names, with the port.

    Bound to every address (0.0.0.0, ::), this PC's name and addresses are accepted too.
    """
    names = {"localhost", "127.0.0.1", "[::1]"}
    bare = host.strip("[]").lower()
    names.add(f"[{bare}]" if ":" in bare else bare)
    if bare in ("0.0.0.0", "::", ""):
        hostname = socket.gethostname()
        names.update({hostname.lower(), socket.getfqdn().lower()})
        try:
            for info in socket.getaddrinfo(hostname, None):
                addr = str(info[4][0]).lower()
                names.add(f"[{addr}]" if ":" in addr else addr)
        except OSError:
            pass
    with_port = {f"{n}:{port}" for n in names}
    return frozenset(with_port | (names if port == 80 else set()))


def make_server(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, searcher: Searcher | None = None
) -> Server:
    """Bind, load the data, and return the server (not yet serving). Raises `PortInUse`."""
    if searcher is None:
        from .store import load_searcher

        searcher = load_searcher()
    site = Site(searcher)
    cls = Server6 if ":" in host else Server
    try:
        server = cls((host.strip("[]"), port), Handler)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
            raise PortInUse(host, port) from None
        raise PortInUse(host, port, exc.strerror or type(exc).__name__) from None
    bound_port = server.server_address[1]
    handler = type(
        "BoundHandler", (Handler,), {"site": site, "allowed_hosts": allowed_hosts(host, bound_port)}
    )
    server.RequestHandlerClass = handler
    return server


def exposure_warning(host: str) -> str | None:
    """The warning printed when the server is reachable from other machines (any address but loopback)."""
    if is_loopback(host):
        return None
    return (
        f"注意: {host} で待ち受けます。同じネットワークの誰でもこのページを読めます"
        "（このPCだけで使うなら --host を付けずに起動してください）"
    )


def url_of(server: Server, host: str) -> str:
    port = server.server_address[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def default_workers() -> int:
    """Processes that answer requests: one per CPU, at most `MAX_WORKERS`, where the
    system can fork (not on Windows, where one process answers)."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def serve(
    host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, open_browser: bool = False, workers: int | None = None
) -> int:
    """Run `hint serve` until Ctrl-C: print the URL (and a warning off loopback), open a browser if asked.

    With ``workers`` above 1 (the default where the system can fork: `default_workers`),
    that many processes answer: the data is loaded once, then the process forks, and each
    copy takes connections from the same socket (one process runs Python code at a time;
    a search is Python code). Returns the exit code (130 after Ctrl-C). Raises `PortInUse`
    (the CLI words it) and `corpus.DataError` for broken data files.
    """
    server = make_server(host, port)
    url = url_of(server, host)
    out = sys.stdout
    note = exposure_warning(host)
    if note:
        print(note, file=out)
    count = default_workers() if workers is None or not hasattr(os, "fork") else max(1, workers)
    children: list[int] = []
    try:  # from here on, Ctrl-C ends the server quietly
        children = _fork_workers(server, count - 1)
        print(f"{url} で開いています（終了は Ctrl-C）", file=out, flush=True)
        if open_browser:
            import webbrowser

            wildcard = host.strip("[]") in ("0.0.0.0", "::")
            webbrowser.open(f"http://127.0.0.1:{server.server_address[1]}/" if wildcard else url)
        server.serve_forever(poll_interval=0.5)
    except KeyboardInterrupt:
        print("終了しました", file=out, flush=True)
        return 130
    finally:
        _end_workers(children)
        server.server_close()
    return 0


def _fork_workers(server: Server, count: int) -> list[int]:
    """Fork ``count`` copies of this process that serve on ``server``'s socket; their ids.

    A copy leaves Ctrl-C to this process, which ends it (`_end_workers`); it also ends
    when this process is gone however that happened (its end of a pipe reads EOF).
    """
    if count <= 0:
        return []
    import gc
    import signal

    loads = server.loads = Loads(count + 1)
    gc.freeze()  # the loaded data stays shared between the copies: no collection touches it
    lifeline, keep = os.pipe()
    children: list[int] = []
    for _ in range(count):
        try:
            pid = os.fork()
        except OSError as exc:  # the system's process limit: fewer copies answer, that is all
            reason = exc.strerror or type(exc).__name__
            print(
                f"hint serve: プロセスを増やせませんでした（{reason}）。{len(children) + 1} プロセスで答えます",
                file=sys.stderr,
                flush=True,
            )
            break
        if pid:
            children.append(pid)
            continue
        try:  # the copy: it never returns into the caller
            os.close(keep)
            loads.became(len(children) + 1)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)

            def watch() -> None:
                os.read(lifeline, 1)  # returns when the parent is gone
                os._exit(0)

            threading.Thread(target=watch, daemon=True).start()
            server.serve_forever(poll_interval=0.5)
        except Exception as exc:  # a bug: said once, the other processes go on answering
            print(
                f"hint serve: 答えるプロセスの一つが止まりました（{type(exc).__name__}）",
                file=sys.stderr,
                flush=True,
            )
        finally:
            loads.leave()
            os._exit(0)
    os.close(lifeline)
    return children


def _end_workers(children: list[int]) -> None:
    import signal

    for pid in children:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    for pid in children:
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)


def main(argv: list[str] | None = None) -> int:
    """``python -m hintcli.web [--host H] [--port N] [--open] [--workers N]``: the server without the CLI."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m hintcli.web")
    parser.add_argument("--host", default=DEFAULT_HOST)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--open", action="store_true")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    try:
        return serve(args.host, args.port, args.open, args.workers)
    except PortInUse as exc:
        print(f"hint serve: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
