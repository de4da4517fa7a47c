"""Ask a server about each config: one request a config, retried when the server is busy or
the network failed, a few configs at a time.

The retry policy is the official SDK's (openai 3.57.0, `_constants.py` and `_base_client.py`):
2 retries; 0.5 s doubled each time, at most 8 s, less up to 25 % jitter; a `retry-after-ms` or
`retry-after` header is honoured (up to MAX_RETRY_AFTER s here: a pre-commit or CI check
should not wait two minutes); `x-should-retry` is obeyed; 408, 409, 429 and 5xx are retried,
as is a refused, reset or dropped connection. A timeout is not (the SDK's is): asking a silent
server again would only double the wait. Nor is 429 `insufficient_quota`: waiting adds no quota.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import queue
import random
import threading
import time
import uuid
from typing import Sequence

from .endpoints import Endpoint, EndpointError
from .transport import Answer, NoAnswer, loads, post

INITIAL_DELAY, MAX_DELAY, MAX_RETRY_AFTER = 0.5, 8.0, 60.0
SECRET_LIFETIME = 10  # seconds: the shortest client_secrets allows (RealtimeCreateClientSecretRequest)
_RETRIED_STATUS = {408, 409, 429}


class Settings:
    """How to ask: timeouts in seconds, retries after the first try, configs asked at once."""

    __slots__ = ("connect_timeout", "timeout", "retries", "jobs")

    def __init__(self, connect_timeout: float = 10.0, timeout: float = 30.0, retries: int = 2, jobs: int = 4) -> None:
        self.connect_timeout, self.timeout, self.retries, self.jobs = connect_timeout, timeout, retries, jobs


class Request:
    """One config's payload, to be sent to an endpoint."""

    __slots__ = ("payload", "target", "session_type")

    def __init__(self, payload: dict, target: str, session_type: str) -> None:
        self.payload, self.target, self.session_type = payload, target, session_type


class Outcome:
    """What asking came to.

    kind: accepted (`effective` is the session the server applied), rejected (`error` is the
    server's error object: message, type, code, param), refused (the server refused the
    request, not the session: the key, the endpoint, the quota) or no_answer. `message` says
    what happened for the last two; `tries` how many requests were made."""

    __slots__ = ("kind", "effective", "error", "message", "status", "tries")

    def __init__(self, kind: str, effective: dict | None = None, error: dict | None = None,
                 message: str | None = None, status: int | None = None, tries: int = 1) -> None:
        self.kind, self.effective, self.error, self.message, self.status = kind, effective, error, message, status
        self.tries = tries

    @property
    def label(self) -> str:
        """The kind as reports say it: accepted, rejected, refused, no answer."""
        return self.kind.replace("_", " ")

    def __repr__(self) -> str:
        return f"Outcome({self.kind!r}, status={self.status!r}, message={self.message!r}, tries={self.tries})"


class _Retry(Exception):
    """An outcome worth asking again for (after `after` seconds if the server said)."""

    def __init__(self, outcome: Outcome, after: float | None = None) -> None:
        super().__init__(outcome.message)
        self.outcome, self.after = outcome, after


def ask_all(requests: Sequence[Request], endpoint: Endpoint, key: str, settings: Settings) -> list[Outcome]:
    """Each request's outcome, in order; at most settings.jobs asked at once. The workers are
    daemon threads, so that Ctrl-C ends the run at once instead of waiting for a timeout."""
    outcomes: list[Outcome | None] = [None] * len(requests)
    work: queue.Queue = queue.Queue()
    for index in range(len(requests)):
        work.put(index)
    done = threading.Semaphore(0)

    def worker() -> None:
        while True:
            try:
                index = work.get_nowait()
            except queue.Empty:
                return
            try:
                outcomes[index] = ask(requests[index], endpoint, key, settings)
            except Exception as exc:  # noqa: BLE001 - a bug here must not hang the run or show the key
                outcomes[index] = _bug(exc)
            finally:
                done.release()

    for _ in range(max(1, min(settings.jobs, len(requests)))):
        threading.Thread(target=worker, daemon=True, name="rtcfg-live").start()
    for _ in requests:
        done.acquire()
    return [outcome if outcome is not None else _bug(None) for outcome in outcomes]


def _bug(exc: BaseException | None) -> Outcome:
    what = type(exc).__name__ if exc is not None else "no outcome"
    return Outcome("no_answer", message=f"rtcfg failed while asking ({what}); this is a bug in rtcfg")


def ask(request: Request, endpoint: Endpoint, key: str, settings: Settings) -> Outcome:
    """Send one payload, retrying as the module says; the outcome says how many tries it took."""
    tries = 0
    while True:
        tries += 1
        try:
            outcome = _once(request, endpoint, key, settings)
        except _Retry as retry:
            outcome = retry.outcome
            wait = retry.after if retry.after is not None else _backoff(tries)
            if tries <= settings.retries and wait <= MAX_RETRY_AFTER:
                time.sleep(wait)  # a user's run waiting as the server asked, not a test's
                continue
            if wait > MAX_RETRY_AFTER:
                outcome.message += f"; the server asks to wait {wait:g} s: try again later"
        outcome.tries = tries
        if outcome.kind in ("refused", "no_answer") and tries > 1:
            outcome.message += f" (tried {tries} times)"
        return outcome


def _backoff(tries: int) -> float:
    return min(INITIAL_DELAY * 2 ** (tries - 1), MAX_DELAY) * (1 - 0.25 * random.random())


def _once(request: Request, endpoint: Endpoint, key: str, settings: Settings) -> Outcome:
    payload = request.payload
    try:
        url = endpoint.url_for(payload, request.session_type)
    except EndpointError as exc:
        return Outcome("refused", message=f"not sent: {exc}")
    headers = endpoint.headers(key, request.target)
    if endpoint.kind == "client_secrets":
        body = json.dumps({"expires_after": {"anchor": "created_at", "seconds": SECRET_LIFETIME},
                           "session": payload}, ensure_ascii=False).encode()
        try:
            answer = post(url, body, headers, settings.connect_timeout, settings.timeout, _limit(body))
        except NoAnswer as exc:
            return _failed(exc)
        return _from_http(answer, with_session=True)
    from .websocket import Closed, exchange  # the optional extra: only a WebSocket endpoint needs it

    event = {"type": "session.update", "event_id": f"rtcfg_live_{uuid.uuid4().hex[:16]}", "session": payload}
    try:
        result = exchange(url, headers, event, settings.connect_timeout, settings.timeout,
                          _limit(json.dumps(event).encode()))
    except NoAnswer as exc:
        return _failed(exc)
    except Closed as closed:
        said = f"the server closed the connection: {closed.code}" + (f" {closed.reason}" if closed.reason else "")
        if closed.code in (1011, 1012, 1013):  # internal error, restarting, try again later
            raise _Retry(Outcome("no_answer", message=said))
        if closed.code == 1008 or 4000 <= closed.code < 5000:  # policy: the key, the shape, the model
            return Outcome("refused", message=said)
        return Outcome("no_answer", message=said)
    if isinstance(result, Answer):  # the handshake was refused with an HTTP status
        return _from_http(result, with_session=False)
    kind, value = result
    if kind == "updated":
        return Outcome("accepted", effective=value)
    if kind == "early error":
        code = f" [{value['code']}]" if isinstance(value.get("code"), str) else ""
        return Outcome("refused", error=value, message=f"an error before session.update was sent: "
                       f"{_text(value.get('message'))}{code}")
    if value.get("type") == "server_error":
        raise _Retry(Outcome("no_answer", error=value, message=f"server error: {_text(value.get('message'))}"))
    return Outcome("rejected", error=value)


def _limit(sent: bytes) -> int:
    """The largest answer read: the effective session echoes what was sent, plus defaults."""
    return 1024 * 1024 + 2 * len(sent)


def _failed(exc: NoAnswer) -> Outcome:
    outcome = Outcome("no_answer", message=str(exc))
    if exc.retry:
        raise _Retry(outcome)
    return outcome


def _from_http(answer: Answer, with_session: bool) -> Outcome:
    """The outcome of an HTTP answer: client_secrets' 200, or an error status (also a refused
    WebSocket handshake)."""
    status = answer.status
    data = _json(answer.body)
    if with_session and status == 200:
        session = data.get("session") if isinstance(data, dict) else None
        if not isinstance(session, dict):  # the client secret (`value`) is never kept
            what = "not JSON" if data is None else "JSON without a session"
            return Outcome("no_answer", status=status, message=f"HTTP 200 with an answer that is {what}: not the "
                           "client_secrets protocol")
        return Outcome("accepted", effective=session, status=status)
    error = data.get("error") if isinstance(data, dict) else None
    error = error if isinstance(error, dict) else None
    said = f"HTTP {status}" + (f": {_text(error.get('message'))}" if error else _snippet(answer.body))
    should_retry = answer.headers.get("x-should-retry")
    quota = error is not None and error.get("code") == "insufficient_quota"
    if should_retry != "false" and not quota and (should_retry == "true" or status in _RETRIED_STATUS
                                                  or status >= 500):
        raise _Retry(Outcome("no_answer", error=error, status=status, message=said), _retry_after(answer.headers))
    param = error.get("param") if error else None
    if 300 <= status < 400:
        return Outcome("refused", status=status, message=f"HTTP {status}: redirected; rtcfg follows no redirect (the "
                       "key is never sent on to another URL): give the final URL as --endpoint")
    if status in (401, 403) or quota or (status == 404 and not param):
        return Outcome("refused", error=error, status=status, message=said)
    if status >= 500 or status in _RETRIED_STATUS:  # busy, and told not to ask again: no verdict on the config
        return Outcome("no_answer", error=error, status=status, message=said)
    if error is None:
        return Outcome("no_answer", status=status, message=f"{said}: an answer that is not an OpenAI error")
    return Outcome("rejected", error=error, status=status)


def _retry_after(headers: dict[str, str]) -> float | None:
    """Seconds the server asks to wait: retry-after-ms, else retry-after (seconds or an HTTP
    date, as the SDK reads them); None when it says nothing usable."""
    for name, divisor in (("retry-after-ms", 1000), ("retry-after", 1)):
        try:
            value = float(headers.get(name, "")) / divisor
        except ValueError:
            continue
        if value >= 0:
            return value
    try:
        when = email.utils.parsedate_to_datetime(headers.get("retry-after", ""))
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def _json(body: bytes):
    try:
        return loads(body)
    except ValueError:  # not JSON, not UTF-8, too deep
        return None


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _snippet(body: bytes) -> str:
    """The start of a body that is not an OpenAI error (an HTML page from a proxy), as a hint."""
    text = " ".join(body[:200].decode("utf-8", "replace").split())
    return f" ({text[:80]}…)" if len(text) > 80 else f" ({text})" if text else " (no body)"
