"""Scripted local servers for the tests of `rtcfg check --live` (a helper module, no tests here).

Each server binds 127.0.0.1 on a free port, runs in daemon threads and is a context manager;
leaving it frees handlers that are "never answering", closes connections still open and
returns within about 2 s. A script is a list of answers used in order, one per request (HTTP)
or per connection (WebSocket); the last answer repeats. Nothing is written to stderr.

    with HttpServer([Reply(200, {"value": "ek_1"})]) as api: ...api.url..., api.requests
    with WebSocketServer([Updated({"type": "realtime"})]) as ws: ...ws.url..., ws.connections
"""

from __future__ import annotations

import inspect
import ipaddress
import json
import logging
import selectors
import socket
import socketserver
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response
from websockets.sync.server import ServerConnection, serve

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "live"
SHUTDOWN_WAIT = 2.0  # seconds a server may take to close, at most


# -- answers -----------------------------------------------------------------------------------

class _Answer:
    @property
    def kind(self) -> str:
        """The class name in lower case: reply, chunked, never, drop, oversized..."""
        return type(self).__name__.lower()

@dataclass(frozen=True)
class Reply(_Answer):
    """HTTP answer: a dict/list body is sent as JSON, str/bytes as is (HTML when it starts with
    "<", else text/plain); `headers` (a dict or pairs) override the default ones."""
    status: int
    body: Any
    headers: Any = None

@dataclass(frozen=True)
class Chunked(_Answer):
    """HTTP answer streamed with Transfer-Encoding: chunked (no Content-Length)."""
    body: Any
    status: int = 200
    headers: Any = None

@dataclass(frozen=True)
class Never(_Answer):
    """Read the request, then answer nothing and hold the connection until the server closes."""

@dataclass(frozen=True)
class Continues(_Answer):
    """`HTTP/1.1 100 Continue` heads, one after another, until the client hangs up or the server
    closes: a status line that never comes, each byte of it quick."""

@dataclass(frozen=True)
class Drop(_Answer):
    """HTTP: close the connection with no response. WebSocket: end TCP with no close frame."""

@dataclass(frozen=True)
class Oversized(_Answer):
    """A JSON-looking answer of exactly n_bytes: an HTTP 200 body, or one WebSocket text frame."""
    n_bytes: int

@dataclass(frozen=True)
class Refuse(_Answer):
    """WebSocket upgrade answered with this HTTP status and body (as Reply) instead."""
    status: int
    body: Any
    headers: Any = None

@dataclass(frozen=True)
class Updated(_Answer):
    """Send the extra_events, then session.updated with this session."""
    session: Any
    extra_events: tuple = ()

@dataclass(frozen=True)
class Error(_Answer):
    """Send an `error` event; its error.event_id is the client's, unless `error` has one."""
    error: dict

@dataclass(frozen=True)
class Frame(_Answer):
    """Send this raw frame: str as a text frame, bytes as a binary one."""
    data: str | bytes

@dataclass(frozen=True)
class Close(_Answer):
    """Send the extra_events (say the error frame that comes first), then close the WebSocket
    with this code and reason."""
    code: int
    reason: str = ""
    extra_events: tuple = ()

class Silent:
    """`created=Silent` (the class or an instance): no session.created on connect."""

DEFAULT_CREATED = {"type": "session.created", "event_id": "event_1", "session": {
    "type": "realtime", "object": "realtime.session", "id": "sess_local", "model": "gpt-realtime"}}


class _Script:
    def __init__(self, answers: list) -> None:
        if not answers:
            raise ValueError("a script needs at least one answer")
        # a bare class (Never, Drop) is taken for its instance: an easy slip in a test
        self._answers = [a() if isinstance(a, type) else a for a in answers]
        self._used = 0
        self._lock = threading.Lock()

    def next(self) -> Any:
        with self._lock:
            self._used += 1
            return self._answers[min(self._used, len(self._answers)) - 1]


# -- recording ---------------------------------------------------------------------------------

class Log(list):
    """A list the server threads append to, which a test can wait on instead of sleeping."""

    def __init__(self) -> None:
        super().__init__()
        self._changed = threading.Condition()

    def add(self, item: Any) -> None:
        with self._changed:
            self.append(item)
            self._changed.notify_all()

    def wait_for(self, count: int = 1, timeout: float = 2.0) -> bool:
        """True once at least `count` items are in, False after `timeout` seconds."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self) >= count, timeout)

@dataclass
class Request:
    method: str
    path: str  # with the query string
    headers: dict[str, str]  # lower-case names
    body: bytes
    json: Any = field(init=False)  # the body parsed, None when empty or not JSON

    def __post_init__(self) -> None:
        try:
            self.json = json.loads(self.body) if self.body else None
        except ValueError:
            self.json = None

@dataclass
class WsConnection:
    path: str  # with the query string
    headers: dict[str, str]  # of the upgrade request, lower-case names
    frames: Log = field(default_factory=Log)  # text frames parsed where they can be; binary as bytes


def _parsed(message: str | bytes) -> Any:
    if isinstance(message, bytes):
        return message
    try:
        return json.loads(message)
    except ValueError:
        return message

def _lower_headers(pairs: Any) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in pairs:
        name = name.lower()
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers

def _encode(body: Any) -> tuple[bytes, str]:
    """The bytes of an answer body, and its default Content-Type."""
    if not isinstance(body, (str, bytes, bytearray)):
        return json.dumps(body).encode(), "application/json"
    data = body.encode() if isinstance(body, str) else bytes(body)
    # a gateway's error page is HTML; anything else that is not JSON, plain text
    return data, "text/html; charset=utf-8" if data.lstrip().startswith(b"<") else "text/plain; charset=utf-8"

def _with_defaults(defaults: dict[str, str], extra: Any) -> list[tuple[str, str]]:
    """Answer headers: the defaults the script does not override, then the script's."""
    pairs = list(extra.items() if hasattr(extra, "items") else extra or ())
    overridden = {name.lower() for name, _ in pairs}
    return [(n, v) for n, v in defaults.items() if n.lower() not in overridden] + pairs

def _padded(n_bytes: int, prefix: bytes, suffix: bytes) -> Iterator[bytes]:
    """Exactly n_bytes, in chunks: prefix, x's, suffix (cut short when n_bytes is smaller)."""
    filler = n_bytes - len(prefix) - len(suffix)
    if filler < 0:
        yield (prefix + suffix)[:n_bytes]
        return
    yield prefix
    chunk = b"x" * 65536
    for start in range(0, filler, len(chunk)):
        yield chunk[:filler - start]
    yield suffix


# -- servers -----------------------------------------------------------------------------------

class _Served:
    """start() on entering, close() on leaving, and the url."""
    scheme = "http"
    port = 0

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("the server is not started: use it as a context manager")
        return f"{self.scheme}://127.0.0.1:{self.port}"


class _Tracking:
    """socketserver mix-in: a daemon thread per connection, and a stop() that ends them all.

    ThreadingMixIn's own close joins its threads either forever (a handler blocked on a client
    that never reads) or not at all (daemon threads). Here every open socket is shut down,
    which wakes any handler blocked on it, and the threads are joined with a deadline."""

    def __init__(self, owner: Any, handler: type) -> None:
        self.owner = owner
        self._live: dict[socket.socket, threading.Thread] = {}
        self._live_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), handler)
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()

    def process_request(self, request: socket.socket, client_address: Any) -> None:
        thread = threading.Thread(target=self.process_request_thread, args=(request, client_address),
                                  daemon=True)
        self.track(request, thread)
        thread.start()

    def track(self, sock: socket.socket, thread: threading.Thread | None = None) -> None:
        with self._live_lock:
            self._live[sock] = thread or threading.current_thread()

    def untrack(self, sock: socket.socket) -> None:
        with self._live_lock:
            self._live.pop(sock, None)

    def shutdown_request(self, request: socket.socket) -> None:
        self.untrack(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # the client hung up, or the server is closing: expected, not news
        super().handle_error(request, client_address)

    def stop(self) -> None:
        self.shutdown()  # once it returns, serve_forever starts no new handler
        self.server_close()
        with self._live_lock:
            live = dict(self._live)
        for sock in live:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        deadline = time.monotonic() + SHUTDOWN_WAIT
        for thread in set(live.values()):
            thread.join(max(0.0, deadline - time.monotonic()))

class _Httpd(_Tracking, ThreadingHTTPServer):
    def server_bind(self) -> None:
        # HTTPServer.server_bind looks the host's FQDN up: a DNS query for nothing
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request: Any, client_address: Any) -> None:
        tls = self.owner.tls
        if tls is not None:  # the TLS handshake in the handler's thread, not the accepting one
            try:
                request = tls.wrap_socket(request, server_side=True)
            except OSError:
                return
            self.track(request)
        super().finish_request(request, client_address)


class _HttpHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a pooled client sends several requests on one
    server: _Httpd

    def log_message(self, format: str, *args: Any) -> None:
        pass  # tests check that stderr stays empty

    def answer(self) -> None:
        owner: HttpServer = self.server.owner
        body = self._read_body()
        owner.requests.add(Request(self.command, self.path, _lower_headers(self.headers.items()), body))
        answer = owner._script.next()
        if isinstance(answer, (Never, Drop)):
            self.close_connection = True
            if isinstance(answer, Never):
                owner._release.wait()
        elif isinstance(answer, Continues):
            self.close_connection = True
            try:
                while not owner._release.is_set():
                    self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            except OSError:
                pass  # the client gave up, as it should
        elif isinstance(answer, Oversized):
            self._head(200, answer.n_bytes, "application/json", None)
            try:
                for chunk in _padded(answer.n_bytes, b'{"value":"ek_x","session":{"instructions":"', b'"}}'):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client stopped reading, as it should
        elif isinstance(answer, (Reply, Chunked)):
            data, content_type = _encode(answer.body)
            streamed = isinstance(answer, Chunked)
            self._head(answer.status, None if streamed else len(data), content_type, answer.headers)
            if self.command == "HEAD":
                pass
            elif not streamed:
                self.wfile.write(data)
            else:  # in two chunks, so that the client really reads a stream
                for chunk in filter(None, (data[:len(data) // 2], data[len(data) // 2:])):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
        else:
            raise TypeError(f"not an HTTP answer: {answer!r}")

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer

    def _head(self, status: int, length: int | None, content_type: str, extra: Any) -> None:
        defaults = {"Content-Type": content_type}
        length_header = ("Transfer-Encoding", "chunked") if length is None else ("Content-Length", str(length))
        defaults[length_header[0]] = length_header[1]
        self.send_response(status)
        for name, value in _with_defaults(defaults, extra):
            self.send_header(name, value)
        self.end_headers()

    def _read_body(self) -> bytes:
        if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = []
        while size := int(self.rfile.readline().split(b";")[0], 16):
            parts.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
            pass  # trailers
        return b"".join(parts)


class HttpServer(_Served):
    """HTTP/1.1 server answering each request with the next answer of `script` (Reply, Chunked,
    Never, Drop, Oversized); `requests` records the requests (a Log of Request)."""

    def __init__(self, script: list, tls: Any = None) -> None:
        self._script = _Script(script)
        self.tls = tls  # an ssl.SSLContext (server side): https
        self.scheme = "https" if tls is not None else "http"
        self.requests = Log()
        self._release = threading.Event()  # set on close: frees the handlers of Never
        self._httpd: _Httpd | None = None

    def start(self) -> None:
        self._httpd = _Httpd(self, _HttpHandler)
        self.port = self._httpd.server_address[1]

    def close(self) -> None:
        self._release.set()
        if self._httpd is not None:
            self._httpd.stop()


# A logger of our own for websockets' server: its messages go nowhere, and the `websockets`
# loggers (which a test may watch with caplog) are left as they are.
_SILENT = logging.getLogger(__name__ + ".silent")
_SILENT.addHandler(logging.NullHandler())
_SILENT.propagate = False
_SILENT.setLevel(logging.CRITICAL + 1)


class WebSocketServer(_Served):
    """Plays the Realtime API: session.created on connect (unless created is Silent), then one
    answer of `script` per connection (Updated, Error, Frame, Close, Drop, Never, Oversized) to
    the client's first text frame; or refuses every upgrade when `handshake` is a Refuse.
    `connections` records them (a Log of WsConnection), `errors` any failure of a handler."""

    scheme = "ws"

    def __init__(self, script: list, created: Any = None, handshake: Refuse | None = None, tls: Any = None) -> None:
        self._script = _Script(script)
        self._tls = tls  # an ssl.SSLContext (server side): wss
        self.scheme = "wss" if tls is not None else "ws"
        self._created = DEFAULT_CREATED if created is None else created
        self._handshake = handshake
        self.connections = Log()
        self.errors: list[BaseException] = []
        self._records: dict[ServerConnection, WsConnection] = {}
        self._server: Any = None

    def start(self) -> None:
        self._server = serve(
            self._handle, "127.0.0.1", 0, process_request=self._process_request,
            compression=None,  # the frame sizes on the wire are those scripted
            ping_interval=None,  # a Never connection stays open; no ping timeout closes it
            open_timeout=SHUTDOWN_WAIT / 2, close_timeout=SHUTDOWN_WAIT / 2,  # bounds shutdown()
            max_size=None, logger=_SILENT, ssl=self._tls)
        self.port = self._server.socket.getsockname()[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        if self._server is not None:
            # this closes open connections (code 1001), which ends every handler blocked in
            # recv: the handlers of Never included, so they need no Event of their own
            self._server.shutdown()

    def _process_request(self, connection: ServerConnection, request: Any) -> Response | None:
        record = WsConnection(request.path, _lower_headers(request.headers.raw_items()))
        self.connections.add(record)
        if self._handshake is None:
            self._records[connection] = record
            return None
        data, content_type = _encode(self._handshake.body)
        status = self._handshake.status
        headers = _with_defaults({"Content-Type": content_type, "Content-Length": str(len(data)),
                                  "Connection": "close"}, self._handshake.headers)
        reason = BaseHTTPRequestHandler.responses.get(status, ("Refused",))[0]
        return Response(status, reason, Headers(headers), data)

    def _handle(self, ws: ServerConnection) -> None:
        record = self._records.pop(ws)
        answer = self._script.next()
        try:
            if not (self._created is Silent or isinstance(self._created, Silent)):
                ws.send(json.dumps(self._created))
            first = None
            while not isinstance(first, str):  # binary frames are recorded, not answered
                first = ws.recv()
                record.frames.add(_parsed(first))
            if self._answer(ws, answer, record.frames[-1]):
                for message in ws:  # until either side closes
                    record.frames.add(_parsed(message))
        except ConnectionClosed:
            pass
        except Exception as exc:
            self.errors.append(exc)
            raise

    @staticmethod
    def _answer(ws: ServerConnection, answer: Any, first: Any) -> bool:
        """Play one answer; False when the connection is done with."""
        if isinstance(answer, Updated):
            for event in answer.extra_events:
                ws.send(json.dumps(event))
            ws.send(json.dumps({"type": "session.updated", "event_id": "event_2", "session": answer.session}))
        elif isinstance(answer, Error):
            error = {"event_id": first.get("event_id") if isinstance(first, dict) else None}
            error = {**answer.error} if "event_id" in answer.error else {**answer.error, **error}
            ws.send(json.dumps({"type": "error", "event_id": "event_3", "error": error}))
        elif isinstance(answer, Frame):
            ws.send(answer.data)
        elif isinstance(answer, Oversized):
            prefix = b'{"type":"session.updated","event_id":"event_2","session":{"instructions":"'
            ws.send(b"".join(_padded(answer.n_bytes, prefix, b'"}}')).decode())
        elif isinstance(answer, Close):
            for event in answer.extra_events:
                ws.send(json.dumps(event))
            ws.close(answer.code, answer.reason)
            return False
        elif isinstance(answer, Drop):
            ws.socket.shutdown(socket.SHUT_RDWR)  # FIN, no close frame: the client sees 1006
            return False
        elif not isinstance(answer, Never):  # Never: send nothing, keep listening
            raise TypeError(f"not a WebSocket answer: {answer!r}")
        return True


def _relay(one: socket.socket, other: socket.socket) -> None:
    """Copy bytes both ways until either side closes (or the proxy shuts both down)."""
    with selectors.DefaultSelector() as selector:
        selector.register(one, selectors.EVENT_READ, other)
        selector.register(other, selectors.EVENT_READ, one)
        try:
            while True:
                for key, _ in selector.select():
                    data = key.fileobj.recv(65536)
                    if not data:
                        return
                    key.data.sendall(data)
        except OSError:
            return

class _ProxyHandler(socketserver.BaseRequestHandler):
    server: _ProxyServer

    def handle(self) -> None:
        owner: ConnectProxy = self.server.owner
        head, _, rest = self._read_head().partition(b"\r\n\r\n")
        if not head:
            return
        lines = head.decode("latin-1").split("\r\n")
        try:
            method, target, version = lines[0].split(" ", 2)
            pairs = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if ":" in line]
            if method == "CONNECT":
                host, _, port = target.rpartition(":")
                host, port, first = host.strip("[]"), int(port), rest
            else:  # absolute URI: forwarded with the path made relative, one request per connection
                url = urlsplit(target)
                host, port = url.hostname, url.port or 80
                if not host:
                    raise ValueError(target)
                path = (url.path or "/") + (f"?{url.query}" if url.query else "")
                hop = ("proxy-authorization", "proxy-connection", "connection")
                kept = [(n, v) for n, v in pairs if n.lower() not in hop] + [("Connection", "close")]
                relayed = [f"{method} {path} {version}", *(f"{n}: {v}" for n, v in kept), "", ""]
                first = "\r\n".join(relayed).encode("latin-1") + rest
        except ValueError:
            return self._status(400, "Bad Request")
        authorization = _lower_headers(pairs).get("proxy-authorization")
        owner.proxy_authorization = authorization or owner.proxy_authorization
        where = f"{host}:{port}"
        owner.tunnels.add(where)
        host = owner.hosts.get(host, host)  # a test's made-up name for a local server
        if not _is_loopback(host):  # never a way out of the machine, whatever a test asks for
            owner.refused.add(where)
            return self._status(403, "Forbidden")
        try:
            upstream = socket.create_connection((host, port), timeout=SHUTDOWN_WAIT)
        except OSError:
            return self._status(502, "Bad Gateway")
        upstream.settimeout(None)
        self.server.track(upstream)
        try:
            if method == "CONNECT":
                self.request.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            if first:
                upstream.sendall(first)
            _relay(self.request, upstream)
        finally:
            self.server.untrack(upstream)
            upstream.close()

    def _read_head(self) -> bytes:
        data = b""
        while b"\r\n\r\n" not in data and len(data) < 65536:
            chunk = self.request.recv(65536)
            if not chunk:
                break
            data += chunk
        return data

    def _status(self, code: int, phrase: str) -> None:
        head = f"HTTP/1.1 {code} {phrase}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        self.request.sendall(head.encode())

class _ProxyServer(_Tracking, socketserver.ThreadingTCPServer):
    allow_reuse_address = True


class ConnectProxy(_Served):
    """HTTP proxy: CONNECT tunnels and absolute-URI forwarding, to loopback targets only (others
    get a 403). `tunnels` records every target asked for, as "host:port"; `refused` those
    answered 403; `proxy_authorization` is the last Proxy-Authorization header seen, or None."""

    def __init__(self, hosts: dict[str, str] | None = None) -> None:
        self.hosts = dict(hosts or {})  # name -> loopback address, resolved by the proxy alone
        self.tunnels = Log()
        self.refused = Log()
        self.proxy_authorization: str | None = None
        self._server: _ProxyServer | None = None

    def start(self) -> None:
        self._server = _ProxyServer(self, _ProxyHandler)
        self.port = self._server.server_address[1]

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()


# -- no network beyond loopback ----------------------------------------------------------------
# _is_loopback and _install_guard are also copied, as source, into the sitecustomize.py that
# sitecustomize_dir() writes: they use nothing but ipaddress and socket, imported there too.

def _is_loopback(host: Any) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").split("%")[0].lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False

def _install_guard(on_block):
    """Make connections and name lookups beyond loopback raise OSError("blocked: ..."), calling
    on_block(where) first; return the function that undoes it."""
    saved = (socket.socket.connect, socket.socket.connect_ex, socket.create_connection, socket.getaddrinfo)
    connect, connect_ex, create_connection, getaddrinfo = saved

    def refuse(host, port=None):
        where = f"{host}:{port}" if port is not None else f"name lookup of {host}"
        on_block(where)
        raise OSError(f"blocked: {where} is beyond loopback (tests/live_servers.py)")

    def guarded(method):
        def call(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(address[0]):
                refuse(*address[:2])
            return method(self, address)
        return call

    def guarded_create_connection(address, *args, **kwargs):
        if not _is_loopback(address[0]):  # before its name lookup, which would leave the machine
            refuse(*address[:2])
        return create_connection(address, *args, **kwargs)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host not in (None, "", b"") and not _is_loopback(host):
            refuse(host)
        return getaddrinfo(host, *args, **kwargs)

    socket.socket.connect, socket.socket.connect_ex = guarded(connect), guarded(connect_ex)
    socket.create_connection, socket.getaddrinfo = guarded_create_connection, guarded_getaddrinfo

    def restore():
        (socket.socket.connect, socket.socket.connect_ex,
         socket.create_connection, socket.getaddrinfo) = saved
    return restore


class Guard:
    """In this process, in every thread: connections (socket.connect, connect_ex,
    create_connection) and name lookups (getaddrinfo) beyond 127.0.0.0/8, ::1 and localhost
    raise OSError("blocked: ..."); `blocked` lists them. Subprocesses are not covered: see
    sitecustomize_dir()."""

    def __init__(self) -> None:
        self.blocked: list[str] = []
        self._restore: Any = None

    def __enter__(self) -> Guard:
        self._restore = _install_guard(self.blocked.append)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._restore()

def no_network_beyond_loopback() -> Guard:
    """`with no_network_beyond_loopback() as guard:` (in a fixture: `yield` inside it)."""
    return Guard()

def sitecustomize_dir(tmp_path: Path) -> Path:
    """A directory holding a sitecustomize.py with the same guard, for a child Python: put it
    first on the child's PYTHONPATH (`python -I` or `-S` ignores it). It prints nothing; each
    blocked attempt is appended as a line to blocked.log in that directory."""
    directory = Path(tmp_path) / "netguard"
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "blocked.log"
    log.write_text("", encoding="utf-8")
    source = "\n\n".join([
        "# written by tests/live_servers.py: no network beyond loopback in this process\n"
        "from __future__ import annotations\nimport ipaddress\nimport socket",
        inspect.getsource(_is_loopback), inspect.getsource(_install_guard),
        f"def _log(where):\n    with open({str(log)!r}, 'a', encoding='utf-8') as f:\n"
        "        f.write(where + '\\n')",
        "_install_guard(_log)\n"])
    (directory / "sitecustomize.py").write_text(source, encoding="utf-8")
    return directory


# -- recorded answers --------------------------------------------------------------------------

def recorded(name: str) -> Any:
    """The parsed tests/fixtures/live/<name> (".json" may be left out): for an HTTP answer
    {"source", "note", "status", "headers", "body"}; for a WebSocket frame, "body" is the frame."""
    path = FIXTURES / (name if name.endswith(".json") else f"{name}.json")
    return json.loads(path.read_text(encoding="utf-8"))

def recorded_reply(name: str) -> Reply:
    """A recorded HTTP answer as a Reply; the headers about the recorded transfer (length,
    encoding, connection) are left for the server to write for this one."""
    fixture = recorded(name)
    transfer = {"content-length", "transfer-encoding", "content-encoding", "connection"}
    recorded_headers = fixture.get("headers") or {}
    pairs = recorded_headers.items() if hasattr(recorded_headers, "items") else recorded_headers
    headers = [(n, v) for n, v in pairs if n.lower() not in transfer]
    return Reply(fixture["status"], fixture["body"], headers)

def recorded_frame(name: str) -> Frame:
    """A recorded WebSocket frame ("body" of the fixture), to send as it is."""
    return Frame(json.dumps(recorded(name)["body"]))
