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
        self._stopped.set()

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._stop.clear()
        self._stopped.clear()
        selector = selectors.DefaultSelector()
        connections: dict[int, _Connection] = {}
        listening, deferred, resume_at = False, 0, 0.0
        try:
            while not self._stop.is_set():
                now = time.monotonic()
                if not listening and now >= resume_at:
                    selector.register(self.socket, _READ, None)
                    listening = True
                timeout = poll_interval if listening else max(0.0, min(poll_interval, resume_at - now))
                for key, events in selector.select(timeout):
                    connection = key.data
                    if connection is None:
                        loads = self.loads
                        if loads is not None and loads.busier() and deferred < BALANCE_WAITS:
                            # Another process holds fewer connections: leave this one to it
                            # (a kept connection stays where it was taken), for a moment.
                            selector.unregister(self.socket)
                            listening, deferred, resume_at = False, deferred + 1, now + BALANCE_WAIT
                            continue
                        deferred = 0
                        self._accept(selector, connections)
                    elif events & _WRITE:
                        self._send(selector, connections, connection)
                    else:
                        self._receive(selector, connections, connection)
                self._drop_idle(selector, connections)
        finally:
            for connection in list(connections.values()):
                self._close(selector, connections, connection)
            selector.close()
            self._stopped.set()

    def shutdown(self) -> None:
        self._stop.set()
        self._stopped.wait()

    # ------------------------------------------------------------------ connections

    def _accept(self, selector: selectors.BaseSelector, connections: dict[int, _Connection]) -> None:
        try:
            sock, address = self.socket.accept()
        except (BlockingIOError, InterruptedError):
            return  # another process took it
        except OSError:
            return  # out of descriptors, or the client gave up: the next one may do
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a reply is one write: send it now
        connection = _Connection(sock, address)
        connections[sock.fileno()] = connection
        selector.register(sock, _READ, connection)
        if self.loads is not None:
            self.loads.add(1)

    def _receive(
        self, selector: selectors.BaseSelector, connections: dict[int, _Connection], connection: _Connection
    ) -> None:
        try:
            data = connection.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(selector, connections, connection)
            return
        connection.last = time.monotonic()
        connection.inbox += data
        # Every complete request head in the inbox, in order (a client may send the next
        # one before it has the reply); a head too long to be one is handed over as it is.
        while not connection.closing:
            end = connection.inbox.find(b"\r\n\r\n")
            if end < 0 and len(connection.inbox) < MAX_HEAD:
                break
            cut = end + 4 if end >= 0 else len(connection.inbox)
            head = bytes(connection.inbox[:cut])
            del connection.inbox[:cut]
            reply, close = self._answer(head, connection.address)
            connection.outbox += reply
            connection.closing = close
        if connection.outbox:
            self._send(selector, connections, connection)
        elif connection.closing:  # nothing to say (a handler that failed): do not keep the client waiting
            self._close(selector, connections, connection)

    def _answer(self, head: bytes, address: Any) -> tuple[bytes, bool]:
        """The reply to one request head, and whether the connection closes after it."""
        handler_class: type[BaseHTTPRequestHandler] = self.RequestHandlerClass  # type: ignore[assignment]
        handler, reply = _handle(handler_class, head, address, self)
        return reply.getvalue(), handler.close_connection

    def _send(
        self, selector: selectors.BaseSelector, connections: dict[int, _Connection], connection: _Connection
    ) -> None:
        try:
            sent = connection.sock.send(connection.outbox)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._close(selector, connections, connection)
            return
        del connection.outbox[:sent]
        if sent:
            connection.last = time.monotonic()
        if connection.outbox:
            selector.modify(connection.sock, _WRITE, connection)  # the rest when the client reads
        elif connection.closing:
            self._close(selector, connections, connection)
        else:
            selector.modify(connection.sock, _READ, connection)

    def _close(
        self, selector: selectors.BaseSelector, connections: dict[int, _Connection], connection: _Connection
    ) -> None:
        if connections.pop(connection.sock.fileno(), None) is None:
            return
        selector.unregister(connection.sock)
        with contextlib.suppress(OSError):
            connection.sock.shutdown(socket.SHUT_WR)
        connection.sock.close()
        if self.loads is not None:
            self.loads.add(-1)

    def _drop_idle(self, selector: selectors.BaseSelector, connections: dict[int, _Connection]) -> None:
        oldest = time.monotonic() - IDLE_TIMEOUT
        for connection in [c for c in connections.values() if c.last < oldest]:
            self._close(selector, connections, connection)


def _handle(
    handler_class: type[BaseHTTPRequestHandler], head: bytes, address: Any, server: LoopServer
) -> tuple[BaseHTTPRequestHandler, io.BytesIO]:
    """Run the handler's `handle_one_request` on one request head held in memory (its
    constructor, which would read from a socket, is not run)."""
    handler = handler_class.__new__(handler_class)
    handler.client_address = address
    handler.server = server
    handler.rfile = io.BytesIO(head)
    handler.wfile = reply = io.BytesIO()
    handler.close_connection = True
    try:
        handler.handle_one_request()
    except (
        Exception
    ) as exc:  # a bug: a line on the console, no reply (not half of one), the connection closed
        sys.stderr.write(f"hint serve: リクエストの処理中にエラー（{type(exc).__name__}）\n")
        handler.close_connection = True
        reply = io.BytesIO()
    return handler, reply
