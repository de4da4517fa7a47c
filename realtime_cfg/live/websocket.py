"""One session.update over a WebSocket (the optional extra `rtcfg[live]`: the `websockets`
package's sync client, which also takes a proxy from the environment).

The exchange (docs/live-sources.md): the server opens with `session.created`; rtcfg sends
`session.update` with its own event_id; the answer is `session.updated` (the effective
session) or an `error` event whose `error.event_id` is that event_id (one without an
event_id counts too: nothing else was sent). Other events are skipped. Then the socket is
closed; no audio and no response.create is ever sent.
"""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import websockets.sync.client as _client
from websockets.exceptions import (ConnectionClosed, InvalidHandshake, InvalidMessage, InvalidStatus, InvalidURI,
                                   SecurityError)
from websockets.sync.client import connect

from .transport import USER_AGENT, Answer, NoAnswer, cannot_connect, loads, proxy_for

# The client follows redirects (websockets 15+) and re-sends headers such as Azure's `api-key`
# to the new host. With one try allowed, a redirect ends in SecurityError ("more than 1
# redirects") instead, unfollowed. The library has no per-call switch for it, so this holds
# for the whole process once a wss:// endpoint is asked (the README's Library section says so).
_client.MAX_REDIRECTS = 1
# the answer to session.update; one client library reports the transcription_ names for an
# `intent=transcription` socket (docs/live-sources.md, b), so both are taken
UPDATED = ("session.updated", "transcription_session.updated")


class Closed(Exception):
    """The server closed the connection with a close code before answering."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.code, self.reason = code, reason


def exchange(url: str, headers: dict[str, str], event: dict, connect_timeout: float, answer_timeout: float,
             limit: int) -> tuple[str, dict] | Answer:
    """("updated", the effective session) or ("error", the error object) for the event sent, or
    ("early error", ...) for an error before it could be sent; an Answer when the server refused
    the handshake with an HTTP status. Raises NoAnswer, or Closed."""
    parts = urlsplit(url)
    where = f"{parts.hostname}:{parts.port or (443 if parts.scheme.lower() == 'wss' else 80)}"
    try:
        connection = connect(url, additional_headers=headers, open_timeout=connect_timeout, close_timeout=1,
                             max_size=limit, ping_interval=None, user_agent_header=USER_AGENT, compression=None,
                             proxy=proxy_for(parts.scheme.lower(), parts.hostname or ""))
    except InvalidStatus as exc:
        response = exc.response
        return Answer(response.status_code, {k.lower(): v for k, v in response.headers.raw_items()},
                      bytes(response.body or b""))
    except SecurityError as exc:  # websockets' words for "one redirect too many": see _client above
        if "redirect" in str(exc):
            return Answer(307, {}, b"")
        raise NoAnswer(f"the WebSocket handshake with {where} broke a limit (headers too long or too many)") from None
    except InvalidMessage:
        raise NoAnswer(f"the connection to {where} was dropped during the WebSocket handshake", retry=True) from None
    except (InvalidHandshake, InvalidURI) as exc:
        raise NoAnswer(f"the WebSocket handshake with {where} failed: {type(exc).__name__}") from None
    except TimeoutError:
        raise NoAnswer(f"no connection and WebSocket handshake with {where} within {connect_timeout:g} s "
                       "(--connect-timeout)") from None
    except OSError as exc:
        raise cannot_connect(exc, where, connect_timeout) from None
    with connection:
        deadline = time.monotonic() + answer_timeout
        first = _next(connection, deadline, answer_timeout, "session.created", limit)
        if first.get("type") == "error":  # about the connection (the key, the shape): nothing was sent yet
            return "early error", _error_of(first)
        try:
            connection.send(json.dumps(event, ensure_ascii=False))
        except ConnectionClosed as exc:
            raise _closed(exc, limit, "session.update could be sent") from None
        while True:
            message = _next(connection, deadline, answer_timeout, "session.updated", limit)
            if message.get("type") in UPDATED:
                session = message.get("session")
                if not isinstance(session, dict):
                    raise NoAnswer("session.updated holds no session object")
                return "updated", session
            if message.get("type") == "error":
                error = _error_of(message)
                if error.get("event_id") in (event.get("event_id"), None):
                    return "error", error


def _next(connection, deadline: float, timeout: float, awaited: str, limit: int) -> dict:
    """The next event, as a JSON object."""
    try:
        frame = connection.recv(timeout=max(deadline - time.monotonic(), 0))
    except TimeoutError:
        raise NoAnswer(f"no {awaited} within {timeout:g} s (--timeout)") from None
    except ConnectionClosed as exc:
        raise _closed(exc, limit, awaited) from None
    except OSError as exc:
        raise NoAnswer(f"the connection failed before {awaited}: {(exc.strerror or type(exc).__name__).lower()}",
                       retry=True) from None
    if isinstance(frame, bytes):
        raise NoAnswer(f"a binary frame where {awaited} was awaited: not the Realtime protocol")
    try:
        message = loads(frame)
    except ValueError:
        raise NoAnswer(f"an event that is not JSON where {awaited} was awaited") from None
    if not isinstance(message, dict):
        raise NoAnswer(f"an event that is not a JSON object where {awaited} was awaited")
    return message


def _closed(exc: ConnectionClosed, limit: int, awaited: str) -> Exception:
    """What a closed connection means: a frame over the limit (websockets closes with 1009), a
    dropped connection (no close frame: worth retrying), or the server's close code."""
    if exc.sent is not None and exc.sent.code == 1009:
        return NoAnswer(f"an event larger than the {limit:,} bytes a session can take")
    if exc.sent is not None and exc.sent.code == 1007:  # websockets closes so on a text frame not UTF-8
        return NoAnswer(f"a text frame that is not UTF-8 where {awaited} was awaited: not the Realtime protocol")
    if exc.rcvd is None:
        return NoAnswer(f"the connection was dropped before {awaited}", retry=True)
    return Closed(exc.rcvd.code, exc.rcvd.reason)


def _error_of(message: dict) -> dict:
    error = message.get("error")
    if not isinstance(error, dict):
        raise NoAnswer("an error event without an error object")
    return error
