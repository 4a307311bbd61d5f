"""`hint serve` over HTTP: every route, status, header, the Host and method checks, escaping.

A real server on 127.0.0.1 with an ephemeral port in a thread, spoken to with
the standard library's http.client (no traffic leaves this machine).
"""

from __future__ import annotations

import contextlib
import gc
import html
import json
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from http.client import HTTPConnection, HTTPResponse
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import pytest
from conftest import hint_command, parse_html, replace_in, run_hint
from hypothesis import given
from hypothesis import strategies as st

from hintcli import serverloop, store, web
from hintcli.formats import htmlpage
from hintcli.text import sanitize

QUERY = "本人に会えない"
EXPECTED_HEADING = "会えない場合は手紙で伝える"
PAGES = [
    "/",
    f"/?q={quote(QUERY)}",
    f"/?q={quote('訪問')}&scene=1&kind=hint",
    "/scene/3",
    "/entry/s1-h8",
    "/list",
    f"/list?category={quote('家族支援')}",
    "/list?scene=2&kind=hint",
    "/practices",
    "/practices?category=3",
    "/story/1",
    "/about",
]
EXTERNAL = re.compile(r"(?:https?:)?//[^\s\"'<>]+", re.I)


class Got(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class Running(NamedTuple):
    server: web.Server
    port: int

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Got:
        return get(self.port, path, method, headers)


def get(port: int, path: str, method: str = "GET", headers: dict[str, str] | None = None) -> Got:
    conn = HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, headers=headers or {})
        res: HTTPResponse = conn.getresponse()
        return Got(res.status, {k.lower(): v for k, v in res.getheaders()}, res.read())
    finally:
        conn.close()


def start(searcher: object | None = None) -> Running:
    server = web.make_server("127.0.0.1", 0, searcher)  # type: ignore[arg-type]
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return Running(server, server.server_address[1])


@pytest.fixture(scope="module")
def site() -> Iterator[Running]:
    store.clear()
    running = start()
    yield running
    running.server.shutdown()
    running.server.server_close()


parse = parse_html


# --------------------------------------------------------------------------- routes and headers


@pytest.mark.parametrize("path", PAGES)
def test_every_page_is_japanese_html_with_the_security_headers(site: Running, path: str) -> None:
    got = site.get(path)
    assert got.status == 200, got.text[:300]
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    csp = got.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe" not in csp
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["referrer-policy"] == "no-referrer"
    assert int(got.headers["content-length"]) == len(got.body)
    assert '<html lang="ja">' in got.text
    tags = parse(got.text).tags
    # No inline script or style: the CSP would block them, so they must not be needed.
    assert [a.get("src") for t, a in tags if t == "script"] == ["/static/search.js"]
    assert not [t for t, a in tags if t == "style" or "style" in a or any(k.startswith("on") for k in a)]
    assert not EXTERNAL.search(got.text), EXTERNAL.search(got.text)


def test_search_page_shows_the_letter_hints_with_the_same_information_as_the_terminal(site: Running) -> None:
    got = site.get(f"/?q={quote(QUERY)}")
    page = got.text
    assert f"「{EXPECTED_HEADING}」" in page
    assert ">s1-h8</a>" in page
    assert "場面1「ひきこもり状態である本人につながることが難しかった」 p.8-10" in page  # place and pages
    assert "<mark>" in page  # matched words marked
    assert "場面1の委員からのサジェスション" in page  # the committee's suggestions of the top scene
    assert f'value="{QUERY}"' in page  # the form keeps the query
    # The plain GET form works without JavaScript.
    tags = parse(page).tags
    form = next(a for t, a in tags if t == "form")
    assert form["action"] == "/" and form["method"] == "get"
    assert any(t == "input" and a.get("name") == "q" for t, a in tags)
    assert {a.get("name") for t, a in tags if t == "select"} == {"scene", "category", "kind"}


def test_api_search_prints_exactly_what_hint_search_json_prints(site: Running) -> None:
    got = site.get(f"/api/search?q={quote(QUERY)}&limit=5")
    assert got.status == 200
    assert got.headers["content-type"] == "application/json; charset=utf-8"
    cli = run_hint("search", QUERY, "--json", "--limit", "5")
    assert cli.returncode == 0, cli.stderr
    assert [e["id"] for e in json.loads(got.body)] == [e["id"] for e in json.loads(cli.stdout)]
    assert got.body == cli.stdout  # byte for byte, scores included


def test_the_page_says_how_honestly_the_report_answers(site: Running) -> None:
    corrected = site.get(f"/?q={quote('方問')}").text
    assert "「方問」を「訪問」として検索しました" in corrected
    assert (
        "「方問」を「訪問」として検索しました"
        in json.loads(site.get(f"/api/results?q={quote('方問')}").body)["notices"]
    )
    missed = site.get(f"/?q={quote('天ぷらの揚げ方')}")
    assert missed.status == 200 and "当てはまる項目はありません" in missed.text
    cli = run_hint("search", "天ぷらの揚げ方")
    assert cli.returncode == 1  # the command's "nothing found"; the page says it in words


def test_api_search_takes_the_cli_filters_and_limit(site: Running) -> None:
    got = site.get(f"/api/search?q={quote('訪問')}&scene=1&kind=hint&limit=3")
    data = json.loads(got.body)
    assert len(data) == 3 and all(e["scene"] == 1 and e["kind"] == "hint" for e in data)
    wide = json.loads(site.get(f"/api/search?q={quote('訪問')}&scene=1&kind=hint&limit={quote('３')}").body)
    assert [e["id"] for e in wide] == [e["id"] for e in data]  # a full-width 3, as the CLI reads it
    assert site.get(f"/api/search?q={quote('訪問')}&limit=abc").status == 400
    assert site.get("/api/search?q=").status == 400
    assert site.get(f"/api/search?q={quote('訪問')}&scene=99").status == 400


def test_api_results_is_the_search_page_as_data(site: Running) -> None:
    data = json.loads(site.get(f"/api/results?q={quote(QUERY)}").body)
    assert data["query"] == QUERY and data["shown"] == 5 and data["total"] > 5
    results = [r for g in data["first"] for r in g["results"]]
    assert data["rest"] == [] and [r["rank"] for r in results] == [1, 2, 3, 4, 5]
    assert data["first"][0]["place"].startswith("場面1「")
    assert set(results[0]) >= {"id", "heading", "text", "spans", "url", "rank"}
    for r in results:
        for a, b in r["spans"]:
            assert 0 <= a < b <= len(r["text"])
    assert any(r["heading"] == f"「{EXPECTED_HEADING}」" for r in results)
    block = data["suggestions"][0]
    assert block["scene"] == 1
    shown = {r["id"] for r in results}
    assert not shown & {e["id"] for e in block["entries"]}  # not repeated from the results
    assert block["left_out"] == len(
        shown & {e.id for e in store.load_corpus().scenes[1].of_kind("suggestion")}
    )
    # The same IDs in the same order as /api/search.
    ids = [e["id"] for e in json.loads(site.get(f"/api/search?q={quote(QUERY)}").body)]
    assert (
        sorted(results, key=lambda r: r["rank"])
        and [r["id"] for r in sorted(results, key=lambda r: r["rank"])] == ids
    )


def test_scene_entry_story_and_list_pages_show_what_they_name(site: Running) -> None:
    corpus = store.load_corpus()
    assert f"場面3　{corpus.scenes[3].title}" in site.get("/scene/3").text
    assert "場面3" in site.get("/scene/%EF%BC%93").text  # a full-width ３, percent-encoded
    assert corpus.by_id["s1-h8"].text in site.get("/entry/s1-h8").text
    assert corpus.by_id["s1-h8"].text in site.get("/entry/S1-H8").text
    assert corpus.stories[0].name in site.get("/story/1").text
    overview = site.get("/list").text
    assert all(f'href="/scene/{n}"' in overview for n in corpus.scenes)
    assert "テーマ「家族支援」" in site.get(f"/list?category={quote('かぞく')}").text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/nope", 404),
        ("/scene/99", 404),
        ("/scene/abc", 404),
        ("/entry/zz-99", 404),
        ("/story/99", 404),
        ("/static/web.py", 404),
        ("/static/../web.py", 404),
        ("/static/%2e%2e/web.py", 404),
        ("/static/", 404),
        ("/list?category=zzzzqqqq", 400),
        ("/?q=%E3%80%82%E3%80%82", 400),  # punctuation only
        ("/scene/3?format=exe", 400),
    ],
)
def test_unknown_and_bad_requests_get_a_japanese_page(site: Running, path: str, status: int) -> None:
    got = site.get(path)
    assert got.status == status
    assert got.headers["content-type"] == "text/html; charset=utf-8"
    assert got.headers["x-content-type-options"] == "nosniff"
    assert "<h1>" in got.text and re.search(r"[ぁ-んァ-ン一-龥]", got.text)
    assert "Traceback" not in got.text and "web.py" not in got.text.replace(path, "")


def test_static_files_come_from_the_allow_list_with_their_types(site: Running) -> None:
    css = site.get("/static/site.css")
    assert css.status == 200 and css.headers["content-type"].startswith("text/css")
    js = site.get("/static/search.js")
    assert js.status == 200 and js.headers["content-type"].startswith("text/javascript")
    assert b"innerHTML" not in js.body and b"textContent" in js.body


# --------------------------------------------------------------------------- safety


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:{port}", "localhost.evil.example:{port}", "127.0.0.1", "", "localhost:1"],
)
def test_a_foreign_host_header_is_refused(site: Running, host: str) -> None:
    got = site.get("/", headers={"Host": host.format(port=site.port)})
    assert got.status == 400
    assert "このアドレスからは開けません" in got.text
    assert got.headers["content-security-policy"]


@pytest.mark.parametrize("host", ["localhost:{port}", "127.0.0.1:{port}", "LOCALHOST:{port}", "[::1]:{port}"])
def test_the_bound_name_and_localhost_are_accepted(site: Running, host: str) -> None:
    assert site.get("/", headers={"Host": host.format(port=site.port)}).status == 200


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "FOO"])
def test_only_get_and_head_are_answered(site: Running, method: str) -> None:
    got = site.get("/", method=method)
    assert got.status == 405
    assert got.headers["allow"] == "GET, HEAD"
    assert "読むこと（GET・HEAD）だけ" in got.text


def test_a_browser_keeps_its_connection_for_the_next_requests(site: Running) -> None:
    conn = HTTPConnection("127.0.0.1", site.port, timeout=10)
    try:
        conn.connect()
        first = conn.sock
        for path in (f"/?q={quote(QUERY)}", "/scene/3", f"/api/search?q={quote(QUERY)}&limit=5", "/nowhere"):
            conn.request("GET", path)
            res = conn.getresponse()
            res.read()
            assert res.status in (200, 404) and res.getheader("connection") is None
            assert conn.sock is first  # the same connection: nothing closed it
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("request_line", "status"),
    # A line the server cannot read as HTTP/1.x is answered as HTTP/0.9 was: the page alone.
    [(b"GET /" + b"a" * 70000 + b" HTTP/1.1", b"414"), (b"garbage", None), (b"GET / HTTP/9.9", None)],
)
def test_a_bad_request_line_gets_a_japanese_page_and_a_closed_connection(
    site: Running, request_line: bytes, status: bytes | None
) -> None:
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
        sock.sendall(request_line + b"\r\nHost: localhost\r\n\r\n")
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    if status is None:
        head, body = b"", received
    else:
        head, _, body = received.partition(b"\r\n\r\n")
        assert head.split(b" ")[1] == status and b"Connection: close" in head
    assert body.lower().startswith(b"<!doctype html>") and "リクエスト" in body.decode("utf-8")


def test_an_http_1_0_client_asking_to_keep_its_connection_is_told_it_is_kept(site: Running) -> None:
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
        host = f"127.0.0.1:{site.port}"
        sock.sendall(f"GET /about HTTP/1.0\r\nHost: {host}\r\nConnection: keep-alive\r\n\r\n".encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(65536)
        assert b"Connection: keep-alive" in head
        sock.sendall(f"GET /about HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())  # no keep-alive: closed
        rest = b""
        while chunk := sock.recv(65536):
            rest += chunk
        assert rest.count(b"HTTP/1.") == 1 and b"Connection: close" in rest


def test_a_failed_fork_leaves_fewer_processes_answering_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(web.os, "fork", no_fork, raising=False)
    server = web.make_server("127.0.0.1", 0)
    try:
        assert web._fork_workers(server, 2) == []
    finally:
        server.server_close()
        gc.unfreeze()  # _fork_workers froze this process's objects for the copies it meant to make
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "プロセスを増やせませんでした" in err and "1 プロセスで答えます" in err


def test_a_request_with_a_body_gets_its_answer_and_a_closed_connection(site: Running) -> None:
    # The body is never read, so the connection cannot carry another request.
    with socket.create_connection(("127.0.0.1", site.port), timeout=10) as sock:
        host = f"127.0.0.1:{site.port}"
        sock.sendall(f"POST / HTTP/1.1\r\nHost: {host}\r\nContent-Length: 31\r\n\r\n".encode())
        sock.sendall(f"GET /scene/1 HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 405")
    assert b"Connection: close" in received
    assert received.count(b"HTTP/1.1 ") == 1  # the body was not answered as a request


def test_head_has_the_headers_and_no_body(site: Running) -> None:
    got = site.get("/scene/3", method="HEAD")
    assert got.status == 200 and got.body == b""
    assert int(got.headers["content-length"]) == len(site.get("/scene/3").body)


def test_a_query_over_the_documented_length_is_refused(site: Running) -> None:
    ok = "訪問" * (web.MAX_QUERY_CHARS // 2)
    assert len(ok) == web.MAX_QUERY_CHARS
    assert site.get(f"/?q={quote(ok)}").status == 200
    too_long = ok + "あ"
    for path in (f"/?q={quote(too_long)}", f"/api/search?q={quote(too_long)}"):
        got = site.get(path)
        assert got.status == 400
    assert f"{web.MAX_QUERY_CHARS}文字まで" in site.get(f"/?q={quote(too_long)}").text
    assert site.get("/?x=" + "a" * (web.MAX_TARGET + 1)).status == 400


@pytest.mark.parametrize(
    "query", ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "a & b < c"]
)
def test_markup_in_the_query_comes_back_escaped(site: Running, query: str) -> None:
    page = site.get(f"/?q={quote(query)}").text
    assert html.escape(query, quote=True) in page
    assert query not in page
    tags = parse(page).tags
    assert [t for t, _ in tags].count("script") == 1  # ours only
    assert not any(t == "img" for t, _ in tags)
    assert any(t == "input" and a.get("value") == query for t, a in tags)  # read back as typed
    api = site.get(f"/api/results?q={quote(query)}")
    assert api.headers["content-type"].startswith("application/json")


def test_markup_in_the_data_is_escaped_in_pages_and_handouts(data_copy: Path) -> None:
    evil = '<script>alert("x")</script> & "quoted" <b>'
    replace_in(
        data_copy / "report" / "scene1.toml",
        "手紙で支援者について知ってもらおう",
        "手紙で支援者について" + evil.replace('"', '\\"') + "知ってもらおう",
    )
    store.clear()
    running = start()
    try:
        for path in ("/scene/1", "/entry/s1-h8", f"/?q={quote('手紙')}&limit=50", "/scene/1?format=html"):
            page = running.get(path).text
            assert html.escape(evil, quote=True) in page, path
            assert evil not in page
            assert not any(t in ("b",) for t, _ in parse(page).tags)
        handout = running.get("/scene/1?format=html").text
        assert not any(t == "script" for t, _ in parse(handout).tags)
        api = json.loads(running.get(f"/api/results?q={quote('手紙')}&limit=50").body)
        assert any(
            evil in r["text"] for g in api["first"] + api["rest"] for r in g["results"]
        )  # data as data: search.js sets it as text
    finally:
        running.server.shutdown()
        running.server.server_close()
        store.clear()


def test_the_handout_download_is_one_self_contained_printable_file(site: Running) -> None:
    got = site.get("/scene/3?format=html")
    assert got.status == 200
    assert got.headers["content-disposition"] == 'attachment; filename="hint-scene3.html"'
    page = got.text
    tags = parse(page)
    assert not [t for t, a in tags.tags if t in ("script", "link", "img", "iframe", "a")]
    assert not EXTERNAL.search(page)
    assert "@page" in page and "size: A4" in page and "break-inside: avoid" in page
    assert store.load_corpus().about["citation"] in page
    search = site.get(f"/?q={quote(QUERY)}&format=html").text
    assert EXPECTED_HEADING in search and "<form" not in search


def test_pages_link_their_handout_download(site: Running) -> None:
    page = site.get(f"/?q={quote(QUERY)}&scene=1").text
    links = [a["href"] for t, a in parse(page).tags if t == "a" and "download" in a]
    assert links == [f"/?q={quote(QUERY)}&scene=1&format={f}" for f in ("html", "md", "csv")]
    for link, cli_format in zip(links, ("html", "md", "csv"), strict=True):
        got = site.get(link)
        assert got.status == 200 and "attachment" in got.headers["content-disposition"]
        cli = run_hint("search", QUERY, "-s", "1", "--format", cli_format)
        # The same document as the command prints (the date line aside).
        assert EXPECTED_HEADING in got.text and EXPECTED_HEADING in cli.stdout.decode("utf-8")
        if cli_format == "csv":
            assert got.body == cli.stdout


def test_a_silent_client_does_not_block_others(site: Running) -> None:
    idle = [socket.create_connection(("127.0.0.1", site.port)) for _ in range(3)]
    try:
        idle[0].sendall(b"GET / HTTP/1.1\r\n")  # half a request, then nothing
        started = time.perf_counter()
        assert site.get("/scene/1").status == 200
        assert time.perf_counter() - started < 2
    finally:
        for s in idle:
            s.close()


def serving(**attributes: object) -> Running:
    server = web.make_server("127.0.0.1", 0)
    for name, value in attributes.items():
        setattr(server, name, value)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return Running(server, server.server_address[1])


def stop(running: Running) -> None:
    running.server.shutdown()
    running.server.server_close()


def test_many_silent_clients_block_nobody_and_hold_no_thread() -> None:
    running = serving()
    threads = threading.active_count()
    idle = [socket.create_connection(("127.0.0.1", running.port)) for _ in range(40)]
    try:
        for s in idle:
            s.sendall(b"GET / HTTP/1.1\r\n")  # half a request, then nothing
        started = time.perf_counter()
        assert all(get(running.port, f"/scene/{n}").status == 200 for n in (1, 2, 3))
        assert time.perf_counter() - started < 2
        assert threading.active_count() <= threads + 1  # one loop answers them all
    finally:
        for s in idle:
            s.close()
        stop(running)


def test_a_silent_connection_is_closed_after_the_idle_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(serverloop, "IDLE_TIMEOUT", 0.3)
    running = serving()
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\n")
            started = time.perf_counter()
            assert sock.recv(100) == b""  # closed by the server, unanswered
            assert 0.2 < time.perf_counter() - started < 4
    finally:
        stop(running)


def test_stopping_the_server_closes_its_connections() -> None:
    running = serving()
    with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
        sock.sendall(f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n\r\n".encode())
        assert sock.recv(100).startswith(b"HTTP/1.1 200")
        stop(running)
        while sock.recv(65536):  # the rest of the reply, then the end
            pass


def test_a_bug_in_a_request_closes_its_connection_at_once_and_the_server_goes_on(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(self: object) -> None:
        raise RuntimeError("boom")

    running = serving()
    try:
        with monkeypatch.context() as m:
            m.setattr(web.Handler, "handle_one_request", broken)
            with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
                sock.sendall(f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n\r\n".encode())
                started = time.perf_counter()
                assert sock.recv(100) == b""  # closed, with nothing half-written
                assert time.perf_counter() - started < 2
        assert get(running.port, "/about").status == 200
    finally:
        stop(running)
    err = capsys.readouterr().err
    assert err == "hint serve: リクエストの処理中にエラー（RuntimeError）\n"


def test_a_head_with_bare_line_feeds_is_answered() -> None:
    running = serving()
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            sock.sendall(
                f"GET /about HTTP/1.1\nHost: 127.0.0.1:{running.port}\nConnection: close\n\n".encode()
            )
            assert sock.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        stop(running)


def test_headers_too_long_to_read_get_431_and_a_closed_connection() -> None:
    running = serving()
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            # Each header under the line limit, together over what a head may hold.
            head = f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n".encode()
            sock.sendall(head + b"".join(b"X-%d: %s\r\n" % (k, b"a" * 30000) for k in range(3)))
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        assert data.startswith(b"HTTP/1.1 431") and data.count(b"HTTP/1.1") == 1
        assert "ヘッダーが大きすぎます" in data.decode("utf-8")
    finally:
        stop(running)


def test_many_requests_sent_at_once_hold_up_nobody_else() -> None:
    # A server of its own process: one in this one would share the interpreter lock with
    # the test, whose wait for it would then be measured too (up to 0.5 s under load).
    proc, port = _start_serve("--workers", "1")
    many = "".join(
        f"GET /api/search?q={quote('家族 ' + str(k))}&limit=5 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n"
        for k in range(300)
    ).encode()
    probe = f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
    try:
        assert get(port, "/about").status == 200
        with socket.create_connection(("127.0.0.1", port), timeout=10) as greedy:
            greedy.sendall(many)
            sent = time.perf_counter()
            time.sleep(0.05)
            started = time.perf_counter()
            with socket.create_connection(("127.0.0.1", port), timeout=10) as other:
                other.sendall(probe)
                assert other.recv(100).startswith(b"HTTP/1.1 200")
            held = time.perf_counter() - started
            data = b""
            while data.count(b"HTTP/1.1 ") < 300:
                chunk = greedy.recv(65536)
                assert chunk
                data += chunk
            # Its turn came between the greedy ones, not after them all.
            assert held < (time.perf_counter() - sent) / 4, held
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)


def test_a_shutdown_before_serving_stops_the_server_as_soon_as_it_starts() -> None:
    server = web.make_server("127.0.0.1", 0)
    stopper = threading.Thread(target=server.shutdown)
    stopper.start()
    time.sleep(0.1)
    server.serve_forever(poll_interval=0.05)  # returns at once
    stopper.join(5)
    assert not stopper.is_alive()
    server.server_close()


def test_requests_sent_together_are_answered_in_order() -> None:
    running = serving()
    host = f"Host: 127.0.0.1:{running.port}\r\n"
    try:
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            sock.sendall(
                f"GET /scene/2 HTTP/1.1\r\n{host}\r\nGET /scene/5 HTTP/1.1\r\n{host}Connection: close\r\n\r\n".encode()
            )
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        text = data.decode("utf-8")
        assert text.count("HTTP/1.1 200") == 2
        assert text.index("場面2") < text.index("場面5")
    finally:
        stop(running)


def test_a_client_slow_to_read_long_replies_holds_up_nobody() -> None:
    running = serving()
    path = f"/api/search?q={quote('支援')}&limit=200"  # ~100 KB; 30 of them, far more than the socket buffers
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n\r\n".encode()
    try:
        slow = socket.socket()
        slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        slow.connect(("127.0.0.1", running.port))
        slow.settimeout(10)
        slow.sendall(request * 29 + request.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n"))
        time.sleep(0.3)  # the server has written what the buffers take, and waits for the rest
        started = time.perf_counter()
        assert get(running.port, "/about").status == 200
        assert time.perf_counter() - started < 2
        data = b""
        while chunk := slow.recv(65536):
            data += chunk
        slow.close()
        replies = data.split(b"HTTP/1.1 200 OK\r\n")[1:]
        assert len(replies) == 30
        lengths = {int(re.search(rb"Content-Length: (\d+)", r).group(1)) for r in replies}  # type: ignore[union-attr]
        assert len(lengths) == 1 and len(data) > 30 * lengths.pop() > 2_000_000
    finally:
        stop(running)


def test_concurrent_clients_all_get_answers(site: Running) -> None:
    errors: list[str] = []

    def client(n: int) -> None:
        for i in range(15):
            path = (
                f"/api/search?q={quote(['訪問', QUERY, 'しんどい'][i % 3])}"
                if i % 2
                else f"/?q={quote('家族')}"
            )
            got = site.get(path)
            if got.status != 200:
                errors.append(f"{n}:{path}:{got.status}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_a_taken_port_is_an_exception_with_a_japanese_message(site: Running) -> None:
    with pytest.raises(web.PortInUse) as caught:
        web.make_server("127.0.0.1", site.port)
    assert caught.value.port == site.port
    assert "使用中" in caught.value.message and "--port" in caught.value.message


def test_any_address_but_loopback_gets_a_printed_warning() -> None:
    for host in ("0.0.0.0", "192.168.1.5", "::"):
        note = web.exposure_warning(host)
        assert note is not None and host in note and "誰でも" in note
    assert web.exposure_warning("127.0.0.1") is None and web.exposure_warning("localhost") is None


def test_only_loopback_counts_as_private() -> None:
    assert web.is_loopback("127.0.0.1") and web.is_loopback("localhost") and web.is_loopback("::1")
    assert not web.is_loopback("0.0.0.0") and not web.is_loopback("192.168.1.5")
    hosts = web.allowed_hosts("192.168.1.5", 8765)
    assert "192.168.1.5:8765" in hosts and "localhost:8765" in hosts and "evil.example:8765" not in hosts


def test_hint_serve_prints_its_url_and_ends_with_130_on_ctrl_c() -> None:
    proc = subprocess.Popen(
        [*hint_command(), "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.match(r"(http://127\.0\.0\.1:(\d+)/) で開いています", line)
        assert match, line
        conn = HTTPConnection("127.0.0.1", int(match.group(2)), timeout=10)
        conn.request("GET", "/scene/3")
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 130
        assert out == "終了しました\n" and err == ""
    finally:
        if proc.poll() is None:
            proc.kill()


def _children(pid: int) -> list[int]:
    return [int(k) for k in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _start_serve(*more: str) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [*hint_command(), "serve", "--port", "0", *more],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert proc.stdout is not None
    match = re.match(r"http://127\.0\.0\.1:(\d+)/ で開いています", proc.stdout.readline())
    assert match
    return proc, int(match.group(1))


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_worker_processes_answer_together_and_end_with_ctrl_c() -> None:
    proc, port = _start_serve("--workers", "3")
    try:
        workers = _children(proc.pid)
        assert len(workers) == 2
        errors: list[int] = []

        def client() -> None:
            for i in range(10):
                got = get(port, f"/api/search?q={quote(QUERY + str(i))}&limit=5")
                if got.status != 200 or not json.loads(got.body):
                    errors.append(got.status)

        threads = [threading.Thread(target=client) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        # With the first process stopped, only the workers can answer: they do.
        proc.send_signal(signal.SIGSTOP)
        try:
            assert all(get(port, f"/scene/{n}").status == 200 for n in range(1, 7))
        finally:
            proc.send_signal(signal.SIGCONT)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 130 and out == "終了しました\n" and err == ""
        assert not any(_alive(w) for w in workers)
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_workers_end_when_the_server_is_killed() -> None:
    proc, _ = _start_serve("--workers", "2")
    workers = _children(proc.pid)
    assert len(workers) == 1
    proc.kill()  # no Ctrl-C, no clean-up: the workers must notice by themselves
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(w) for w in workers)


def _connections(pid: int) -> int:
    """The established TCP connections a process holds (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            link = fd.readlink().name
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    established = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "01":  # ESTABLISHED
                established.add(fields[9])
    return len(inodes & established)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_kept_connections_are_shared_out_between_the_processes() -> None:
    # A kept connection stays with the process that took it: taken unevenly, one
    # process's CPU would answer most clients while the other waited.
    proc, port = _start_serve("--workers", "2")
    kept: list[HTTPConnection] = []
    try:
        pids = [proc.pid, *_children(proc.pid)]
        for i in range(8):
            conn = HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", f"/api/search?q={quote(QUERY + str(i))}&limit=5")
            assert conn.getresponse().read()
            kept.append(conn)
        assert sorted(_connections(pid) for pid in pids) == [4, 4]
    finally:
        for conn in kept:
            conn.close()
        proc.kill()
        proc.wait(timeout=10)


def test_a_process_holding_more_connections_leaves_the_next_one_a_moment_then_takes_it() -> None:
    loads = web.Loads(2)
    loads.counts[0] = 3  # this process (slot 0) holds 3, the other none: it waits its turns
    running = serving(loads=loads)
    try:
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", running.port), timeout=5) as sock:
            sock.sendall(f"GET /about HTTP/1.1\r\nHost: 127.0.0.1:{running.port}\r\n\r\n".encode())
            assert sock.recv(100).startswith(b"HTTP/1.1 200")  # nobody else took it: it did
            waited = time.perf_counter() - started
            assert list(loads.counts) == [4, 0]
        deadline = time.monotonic() + 5
        while list(loads.counts) != [3, 0] and time.monotonic() < deadline:
            time.sleep(0.01)
        assert list(loads.counts) == [3, 0]  # closed: counted out
        assert waited >= serverloop.BALANCE_WAITS * serverloop.BALANCE_WAIT
    finally:
        stop(running)


def test_the_other_processes_counts_are_their_own(monkeypatch: pytest.MonkeyPatch) -> None:
    loads = web.Loads(3)
    loads.add(2)
    loads.became(2)
    loads.add(1)
    assert list(loads.counts) == [2, 0, 1]
    assert loads.busier()  # slot 1 holds none
    loads.became(1)
    assert not loads.busier()


@pytest.mark.parametrize("count", ["0", "17", "x", "-1", "１００"])
def test_hint_serve_refuses_a_bad_worker_count(count: str) -> None:
    proc = run_hint("serve", "--port", "0", "--workers", count)
    assert proc.returncode == 2
    message = proc.stderr.decode("utf-8")
    assert message.count("\n") == 1 and "--workers" in message and "Traceback" not in message


def test_a_taken_port_from_the_command_line_is_one_japanese_line(site: Running) -> None:
    proc = subprocess.run(
        [*hint_command(), "serve", "--port", str(site.port)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=30,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "使用中" in proc.stderr and "Traceback" not in proc.stderr


# --------------------------------------------------------------------------- the escaping layer


@given(st.text())
def test_every_value_is_escaped_and_reads_back_as_itself(value: str) -> None:
    out = htmlpage.esc(value)
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == sanitize(value)
    filled = htmlpage.tag('<p title="{a}">{b}</p>', a=value, b=value)
    parsed = parse(filled)
    assert [t for t, _ in parsed.tags] == ["p"]
    assert parsed.tags[0][1]["title"] == sanitize(value)


@given(st.text(), st.lists(st.tuples(st.integers(0, 40), st.integers(1, 10)), max_size=4))
def test_marked_text_keeps_every_character_and_escapes_it(value: str, raw: list[tuple[int, int]]) -> None:
    spans = sorted((a, a + n) for a, n in raw)
    out = htmlpage.marked(value, spans)
    parsed = parse(out)
    assert {t for t, _ in parsed.tags} <= {"mark"}
    assert "<" not in re.sub(r"</?mark>", "", out)
    if value.isprintable():  # nothing for sanitize to drop: every character is there, once
        assert "".join(parsed.text) == value


@pytest.mark.parametrize("port", ["x", "65536", "１２３４５６７", ""])
def test_hint_serve_refuses_a_bad_port(port: str) -> None:
    proc = run_hint("serve", "--port", port)
    assert proc.returncode == 2
    message = proc.stderr.decode("utf-8")
    assert message.count("\n") == 1 and "ポート" in message and "Traceback" not in message
