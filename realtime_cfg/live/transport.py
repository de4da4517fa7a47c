"""One POST over HTTP(S) with the standard library (OpenAI's client_secrets endpoint), and the
answers and failures both ways of asking (this and websocket.py) return.

http.client rather than urllib: the connect and answer timeouts are separate, the answer's
size is capped before it is read, and redirects are not followed (a key is never re-sent to
another host). A proxy is taken from the environment (proxy_for), for https only.
"""

from __future__ import annotations

import base64
import http.client
import json
import socket
import ssl
import threading
import urllib.request
from urllib.parse import unquote, urlsplit

from ..version import __version__

USER_AGENT = f"rtcfg/{__version__} (check --live)"
_CHUNK = 64 * 1024
# an answer nested deeper is no session (a session is a few levels deep; a tool's parameters
# a few more): refused before anything walks it
MAX_DEPTH = 100


class Answer:
    """What a server answered over HTTP (a POST, or a refused WebSocket handshake): the
    status, lower-cased headers, and the body."""

    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body


class NoAnswer(Exception):
    """No usable answer (what happened, in words that quote no header); `retry` if asking
    again may help (a refused or dropped connection), not if it cannot (a timeout, which
    would only double the wait; an answer too large; a certificate nobody trusts)."""

    def __init__(self, message: str, retry: bool = False) -> None:
        super().__init__(message)
        self.retry = retry


def post(url: str, body: bytes, headers: dict[str, str], connect_timeout: float, answer_timeout: float,
         limit: int) -> Answer:
    """POST `body` (JSON) to `url`; the whole answer (status line, headers and body) within
    `answer_timeout` seconds of connecting, at most `limit` bytes. Raises NoAnswer."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
    proxy = proxy_for(parts.scheme, host)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    extra = {"context": ssl.create_default_context()} if parts.scheme == "https" else {}
    if proxy:
        proxy_parts = urlsplit(proxy)
        connection = connection_class(proxy_parts.hostname, proxy_parts.port or 80, timeout=connect_timeout, **extra)
        tunnel_headers = {}
        if proxy_parts.username:
            credentials = f"{unquote(proxy_parts.username)}:{unquote(proxy_parts.password or '')}"
            tunnel_headers["Proxy-Authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        connection.set_tunnel(host, port, headers=tunnel_headers)
        where = f"{host}:{port} through the proxy {proxy_parts.hostname}:{proxy_parts.port or 80}"
    else:
        connection = connection_class(host, port, timeout=connect_timeout, **extra)
        where = f"{host}:{port}"
    try:
        try:
            connection.connect()
        except OSError as exc:
            raise cannot_connect(exc, where, connect_timeout) from None
        sock = connection.sock  # kept: the connection forgets it once the answer says it closes
        sock.settimeout(answer_timeout)
        # a server trickling its headers a byte at a time (or sending `100 Continue` forever)
        # would reset a per-read timeout for ever: at the deadline the socket is shut instead
        expired = threading.Event()
        watchdog = threading.Timer(answer_timeout, _expire, (sock, expired))
        watchdog.daemon = True
        watchdog.start()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request("POST", path, body, {**headers, "Content-Type": "application/json",
                                                     "Accept": "application/json", "User-Agent": USER_AGENT})
            response = connection.getresponse()
            answer_headers = {name.lower(): value for name, value in response.getheaders()}
            declared = answer_headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise NoAnswer(f"the answer from {where} is {int(declared):,} bytes, more than the {limit:,} bytes a "
                               "session can take (not read)")
            received = _read(response, limit, where)
            if declared.isdigit() and len(received) != int(declared):
                raise http.client.IncompleteRead(received, int(declared) - len(received))
        except (http.client.HTTPException, OSError) as exc:
            if expired.is_set() or isinstance(exc, socket.timeout):
                raise NoAnswer(f"no answer from {where} within {answer_timeout:g} s (--timeout)") from None
            raise NoAnswer(f"the connection to {where} was dropped before the whole answer came "
                           f"({_reason(exc, answer_timeout)})", retry=True) from None
        finally:
            watchdog.cancel()
        return Answer(response.status, answer_headers, received)
    finally:
        connection.close()


def loads(data: bytes | str):
    """Parsed JSON; ValueError for what is not strict JSON (NaN and Infinity are Python's, not
    JSON's) or is nested deeper than MAX_DEPTH."""
    def refuse(constant: str):
        raise ValueError(f"{constant} is not JSON")

    try:
        value = json.loads(data, parse_constant=refuse)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return value


def _expire(sock: socket.socket, expired: threading.Event) -> None:
    expired.set()
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:  # already closed
        pass


def _read(response, limit: int, where: str) -> bytes:
    """The body, at most `limit` bytes (the watchdog ends a slow one)."""
    chunks, size = [], 0
    while True:
        chunk = response.read1(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise NoAnswer(f"the answer from {where} is larger than the {limit:,} bytes a session can take "
                           "(not read further)")
        chunks.append(chunk)


def proxy_for(scheme: str, host: str) -> str | None:
    """The proxy the environment sets for an https:// or wss:// request to `host` (https_proxy,
    else all_proxy; no_proxy as urllib reads it), None to connect directly. Only an encrypted
    request goes through a proxy, in a CONNECT tunnel: plain http or ws, which rtcfg sends only
    to this machine, would show the proxy the key. Raises NoAnswer for a proxy that is not
    http:// (SOCKS needs a package rtcfg does not install)."""
    proxies = urllib.request.getproxies()
    proxy = proxies.get("https") or proxies.get("all")
    if scheme not in ("https", "wss") or not proxy or urllib.request.proxy_bypass(host):
        return None
    proxy = proxy if "://" in proxy else f"http://{proxy}"
    if not proxy.lower().startswith("http://"):
        raise NoAnswer(f"the proxy {proxy.split('://')[0]}:// from the environment is not supported: rtcfg "
                       "tunnels through an http:// proxy (CONNECT)")
    return proxy


def cannot_connect(exc: BaseException, where: str, timeout: float) -> NoAnswer:
    """A failed connection attempt, in words; asked again only when the server refused or reset
    it (a timeout would double the wait; a name or a certificate does not change)."""
    retry = isinstance(exc, (ConnectionRefusedError, ConnectionResetError, ConnectionAbortedError, BrokenPipeError))
    return NoAnswer(f"cannot connect to {where}: {_reason(exc, timeout)}", retry=retry)


def _reason(exc: BaseException, timeout: float) -> str:
    """An error in a few words; never the exception's own text when it might quote a header."""
    if isinstance(exc, socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return "the host name cannot be resolved (offline?)"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"its TLS certificate is not trusted ({exc.verify_message})"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected)):
        return "the server closed the connection"
    if isinstance(exc, http.client.IncompleteRead):
        return "the answer was cut short"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return type(exc).__name__
