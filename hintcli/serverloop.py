"""An HTTP/1.1 server that answers every connection of its process from one thread.

The standard library's `BaseHTTPRequestHandler` still reads each request and
writes each reply, from and into memory; this module only moves bytes. One
thread means nobody waits for Python's interpreter lock: with a thread per
connection, every accept, read and write let go of the lock, and taking it
back waited while another connection's search ran (up to the 5 ms switch
interval, several times a request). Requests are answered in the order they
arrive, as they would be anyway: searching is CPU work and the lock lets one
thread at a time do it.

* A client that connects and sends nothing is an idle socket; it is closed
  after `IDLE_TIMEOUT` seconds of silence, as is one that stops reading.
* A request head is read up to `MAX_HEAD` bytes; a longer one is handed over as
  it is, and the handler refuses it (414 or 431) and closes the connection.
* A reply goes out as far as the client takes it; the rest waits for the
  socket to be writable, and the connection reads nothing more until it is sent.
* Several processes may serve one listening socket (`hint serve`'s workers):
  `Loads` counts each one's connections in memory they share, and a process
  holding more than another leaves the next connection to it for a moment.
"""

from __future__ import annotations

import contextlib
import io
import re
import selectors
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

IDLE_TIMEOUT = 10.0  # seconds a connection may stay silent (or not read its reply) before it is closed
MAX_HEAD = 65536 + 8192  # bytes of request line and headers read before the handler must refuse them
# A process holding more connections than another leaves the next one to it: for up to
# BALANCE_WAITS turns of BALANCE_WAIT seconds, or until the other took it (or took others).
BALANCE_WAIT, BALANCE_WAITS = 0.001, 10
MAX_CONNECTIONS = 500  # open at once per process (select() on Windows takes 512); more wait to be accepted
ACCEPT_RETRY = 0.05  # seconds before accepting again when out of descriptors or at MAX_CONNECTIONS
_EMPTY_LINE = re.compile(rb"\n\r?\n")
_READ = selectors.EVENT_READ
_WRITE = selectors.EVENT_WRITE


class Loads:
    """The connections each process holds, in memory the processes share (made before
    they fork); each process writes only its own slot."""

    def __init__(self, processes: int) -> None:
        import mmap

        self._memory = mmap.mmap(-1, 8 * processes)
        self.counts = memoryview(self._memory).cast("q")
        self.slot = 0

    def became(self, slot: int) -> None:
        """In a forked copy: which slot is this process's."""
        self.slot = slot

    def add(self, n: int) -> None:
        self.counts[self.slot] += n  # one thread per process: nobody else writes this slot

    def leave(self) -> None:
        """This process answers no more: it must never look like the one to leave connections to."""
        self.counts[self.slot] = 1 << 62

    def busier(self) -> bool:
        """Whether another process holds fewer connections than this one."""
        return self.counts[self.slot] > min(self.counts)


class _Connection:
    __slots__ = ("address", "closing", "inbox", "last", "outbox", "sock")

    def __init__(self, sock: socket.socket, address: Any) -> None:
        self.sock = sock
        self.address = address
        self.inbox = bytearray()
        self.outbox = bytearray()
        self.closing = False  # close once the outbox is sent
        self.last = time.monotonic()


def _head_end(inbox: bytearray) -> int:
    """Where the first complete request head in ``inbox`` ends (after its empty line,
    CRLF or bare LF, as `BaseHTTPRequestHandler` reads them), or -1."""
    found = _EMPTY_LINE.search(inbox)
    return found.end() if found else -1


class LoopServer(HTTPServer):
    """`HTTPServer`'s socket, address and `RequestHandlerClass`, served by `serve_forever`
    from one thread (see the module's text); `shutdown` from another thread stops it."""

    allow_reuse_address = True
    request_queue_size = 64
    loads: Loads | None = None  # with several processes: the connections each one holds

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self.socket.setblocking(False)  # processes race for each connection; a loser must not wait
        self._stop = threading.Event()
        self._stopped = threading.Event()
        self._selector: selectors.BaseSelector | None = None
        self._connections: dict[int, _Connection] = {}
        self._ready: dict[int, _Connection] = {}  # holding a request not yet answered
        self._listening = False
        self._resume_at = 0.0

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        """Answer until `shutdown` (as `socketserver`'s: one that came first stops it at once)."""
        self._stopped.clear()
        self._selector = selector = selectors.DefaultSelector()
        deferred = 0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if (
                    not self._listening
                    and now >= self._resume_at
                    and len(self._connections) < MAX_CONNECTIONS
                ):
                    selector.register(self.socket, _READ, None)
                    self._listening = True
                timeout = 0.0 if self._ready else poll_interval
                if not self._listening and self._resume_at > now:
                    timeout = min(timeout, self._resume_at - now)
                if not selector.get_map():  # nothing to wait on (select() on Windows refuses that)
                    time.sleep(timeout)
                    continue
                for key, events in selector.select(timeout):
                    connection = key.data
                    if connection is None:
                        loads = self.loads
                        if loads is not None and loads.busier() and deferred < BALANCE_WAITS:
                            # Another process holds fewer connections: leave this one to it
                            # (a kept connection stays where it was taken), for a moment.
                            self._pause_listening(BALANCE_WAIT)
                            deferred += 1
                            continue
                        deferred = 0
                        self._accept()
                    elif events & _WRITE:
                        self._send(connection)
                    else:
                        self._receive(connection)
                # One request of each connection that holds more, in turn: a client that
                # sends many at once (pipelining) takes its turns like everyone else.
                for connection in list(self._ready.values()):
                    self._answer_one(connection)
                self._drop_idle()
        finally:
            for connection in list(self._connections.values()):
                self._close(connection)
            selector.close()
            self._selector = None
            self._listening = False
            self._stop.clear()
            self._stopped.set()

    def shutdown(self) -> None:
        self._stop.set()
        self._stopped.wait()

    # ------------------------------------------------------------------ connections

    def _pause_listening(self, seconds: float) -> None:
        assert self._selector is not None
        if self._listening:
            self._selector.unregister(self.socket)
            self._listening = False
        self._resume_at = time.monotonic() + seconds

    def _accept(self) -> None:
        assert self._selector is not None
        try:
            sock, address = self.socket.accept()
        except (BlockingIOError, InterruptedError):
            return  # another process took it
        except OSError:
            # Out of descriptors (or the client gave up): the socket stays readable, so
            # wait a little instead of asking again at once.
            self._pause_listening(ACCEPT_RETRY)
            return
        sock.setblocking(False)
        with contextlib.suppress(OSError):  # a client that already reset
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a reply is one write: send it now
        connection = _Connection(sock, address)
        self._connections[sock.fileno()] = connection
        self._selector.register(sock, _READ, connection)
        if self.loads is not None:
            self.loads.add(1)
        if len(self._connections) >= MAX_CONNECTIONS:
            self._pause_listening(ACCEPT_RETRY)  # more would overflow select() on Windows

    def _receive(self, connection: _Connection) -> None:
        try:
            data = connection.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(connection)
            return
        connection.last = time.monotonic()
        connection.inbox += data
        self._answer_one(connection)

    def _answer_one(self, connection: _Connection) -> None:
        """Answer the first request in the connection's inbox, if it is complete; a head
        too long to be one is refused (414 or 431) and the connection closed."""
        self._ready.pop(connection.sock.fileno(), None)
        if connection.closing or connection.outbox:
            return  # its reply goes out first
        end = _head_end(connection.inbox)
        if end < 0:
            if len(connection.inbox) < MAX_HEAD:
                return  # the rest is on its way
            first_line = connection.inbox.find(b"\n")
            reply, _ = self._run(b"", connection.address, refuse=414 if not 0 <= first_line <= 65536 else 431)
            connection.inbox.clear()
            connection.closing = True
        else:
            head = bytes(connection.inbox[:end])
            del connection.inbox[:end]
            reply, connection.closing = self._run(head, connection.address)
        connection.outbox += reply
        if connection.outbox:
            self._send(connection)
        elif connection.closing:  # nothing to say (a handler that failed): do not keep the client waiting
            self._close(connection)

    def _run(self, head: bytes, address: Any, refuse: int | None = None) -> tuple[bytes, bool]:
        """The handler's reply to one request head held in memory, and whether the connection
        closes after it (its constructor, which would read from a socket, is not run). With
        ``refuse`` (414, 431): its page refusing a head too long to read."""
        handler_class: type[BaseHTTPRequestHandler] = self.RequestHandlerClass  # type: ignore[assignment]
        handler = handler_class.__new__(handler_class)
        handler.server, handler.client_address = self, address
        handler.rfile = io.BytesIO(head)
        handler.wfile = reply = io.BytesIO()
        handler.close_connection = True
        try:
            if refuse:
                handler.command, handler.requestline, handler.request_version = "", "", "HTTP/1.1"
                handler.send_error(refuse)
            else:
                handler.handle_one_request()
        except Exception as exc:  # a bug: a line on the console, no reply (not half of one), closed
            sys.stderr.write(f"hint serve: リクエストの処理中にエラー（{type(exc).__name__}）\n")
            return b"", True
        return reply.getvalue(), handler.close_connection

    def _send(self, connection: _Connection) -> None:
        assert self._selector is not None
        try:
            sent = connection.sock.send(connection.outbox)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._close(connection)
            return
        del connection.outbox[:sent]
        if sent:
            connection.last = time.monotonic()
        if connection.outbox:
            self._selector.modify(connection.sock, _WRITE, connection)  # the rest when the client reads
        elif connection.closing:
            self._close(connection)
        else:
            self._selector.modify(connection.sock, _READ, connection)
            if _head_end(connection.inbox) >= 0 or len(connection.inbox) >= MAX_HEAD:
                self._ready[connection.sock.fileno()] = connection  # its next request, in its turn

    def _close(self, connection: _Connection) -> None:
        assert self._selector is not None
        fileno = connection.sock.fileno()
        if self._connections.pop(fileno, None) is None:
            return
        self._ready.pop(fileno, None)
        self._selector.unregister(connection.sock)
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_WR)
        connection.sock.close()
        if self.loads is not None:
            self.loads.add(-1)

    def _drop_idle(self) -> None:
        oldest = time.monotonic() - IDLE_TIMEOUT
        for connection in [c for c in self._connections.values() if c.last < oldest]:
            self._close(connection)
