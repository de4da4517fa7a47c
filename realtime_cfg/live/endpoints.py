"""Where `check --live` sends a config, with which key and which headers.

Two ways to ask (docs/live-sources.md has the protocol and its sources):

- an https:// URL: POST {expires_after, session} as OpenAI's `/v1/realtime/client_secrets`
  takes it; the answer is the effective session (GA sessions only). OpenAI's own is the
  default endpoint.
- a wss:// URL: a WebSocket on which `session.update` is answered by `session.updated` or an
  `error` event: the beta shape (Azure's preview `/openai/realtime?api-version=...&deployment=...`),
  Azure's GA `/openai/v1/realtime?model=<deployment>`, or a compatible server.

A key comes from the environment only, and goes only where its variable says it belongs:
OPENAI_API_KEY to api.openai.com, AZURE_OPENAI_API_KEY to Azure OpenAI; any other server's
variable must be named (--api-key-env), so that a mistyped --endpoint cannot receive a key
meant for another. A key never travels unencrypted: http:// and ws:// only to this machine.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..targets import target_module

OPENAI_CLIENT_SECRETS = "https://api.openai.com/v1/realtime/client_secrets"
OPENAI_HOST = "api.openai.com"
AZURE_HOSTS = (".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com")
OPENAI_KEY, AZURE_KEY = "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"
# query parameters that may carry a credential in a URL (Azure accepts api-key in the query
# where a browser cannot set headers): refused, and masked wherever a URL is shown
_SECRET_QUERY = re.compile(r"(?i)key|token|secret|passw|auth|sig|credential|^code$")
# what a WebSocket URL may already say about the session it opens
_SESSION_QUERY = ("model", "deployment", "call_id", "intent")
# a key is sent as one header line: printable ASCII only (a line break in it would be refused
# by the HTTP library in an error message that quotes the header, key and all)
_KEY_TEXT = re.compile(r"[\x21-\x7e]+")


class EndpointError(ValueError):
    """--endpoint, --auth or the key cannot be used (a usage error: exit 2)."""


class Endpoint:
    """A server to ask: its URL, how it is asked (client_secrets or websocket), the shape it
    speaks (None: the config's own) and how it takes a key."""

    __slots__ = ("url", "kind", "shape", "auth", "key_variable", "azure")

    def __init__(self, url: str, kind: str, shape: str | None, auth: str, key_variable: str | None,
                 azure: bool) -> None:
        self.url, self.kind, self.shape, self.auth = url, kind, shape, auth
        self.key_variable = key_variable  # None: the server has no default; --api-key-env must name one
        self.azure = azure

    @property
    def shown(self) -> str:
        """The URL as reports show it: a credential in its query masked."""
        return shown_url(self.url)

    def url_for(self, session: Mapping, session_type: str) -> str:
        """The URL a WebSocket opens for this session: OpenAI's needs `model=` (or, for a
        transcription session, `intent=transcription`) unless the URL says already. Raises
        EndpointError when the session names no model to put there."""
        if self.kind != "websocket":
            return self.url
        parts = urlsplit(self.url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        if any(name in _SESSION_QUERY for name, _ in query):
            return self.url
        if session_type == "transcription":
            query.append(("intent", "transcription"))
        elif isinstance(session.get("model"), str) and session["model"]:
            query.append(("model", session["model"]))
        else:
            raise EndpointError("the config names no model, and the WebSocket URL needs one: write `model`, or "
                                "give it in --endpoint (?model=... or Azure's deployment)")
        return urlunsplit(parts._replace(query=urlencode(query)))

    def headers(self, key: str, target: str) -> dict[str, str]:
        headers = {"api-key": key} if self.auth == "api-key" else {"Authorization": f"Bearer {key}"}
        if self.kind == "websocket" and not self.azure:  # Azure's preview endpoint needs no beta header
            headers.update(target_module(target).WEBSOCKET_HEADERS)
        return headers


def endpoint(url: str | None, auth: str | None = None) -> Endpoint:
    """The endpoint --endpoint names (None: OpenAI's client_secrets). Raises EndpointError."""
    url = url or OPENAI_CLIENT_SECRETS
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise EndpointError(f"{shown_url(url)!r} is not a URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "wss", "http", "ws") or not host:
        raise EndpointError(f"{shown_url(url)!r}: give an https:// (client_secrets) or wss:// (WebSocket) URL")
    if parts.username or parts.password or any(_SECRET_QUERY.search(name) for name, _ in parse_qsl(parts.query)):
        raise EndpointError("a credential in the URL would be printed and logged; put the key in an environment "
                            "variable (--api-key-env)")
    if scheme in ("http", "ws") and not _loopback(host):
        raise EndpointError(f"{scheme}:// would send the key unencrypted; use {scheme}s:// (plain {scheme}:// is "
                            "accepted only for a server on this machine)")
    azure_host = host.endswith(AZURE_HOSTS)
    kind = "websocket" if scheme in ("ws", "wss") else "client_secrets"
    path = parts.path.rstrip("/")
    # Azure's URL forms (/openai/realtime, /openai/v1/realtime) take no OpenAI-Beta header, on
    # Azure's hosts or a gateway in front of them; the key's variable goes by the host alone
    azure = azure_host or path.startswith("/openai/")
    if kind == "client_secrets":
        shape = "ga"  # client_secrets takes GA sessions only
    elif path.endswith("/openai/realtime") and "api-version" in parts.query:
        shape = "beta"  # Azure's preview endpoint speaks the beta shape
    elif host == OPENAI_HOST or path.endswith("/openai/v1/realtime"):
        shape = "ga"
    else:
        shape = None
    variable = OPENAI_KEY if host == OPENAI_HOST else AZURE_KEY if azure_host else None
    chosen = auth or ("api-key" if azure else "bearer")
    if chosen not in ("bearer", "api-key"):
        raise EndpointError(f"{auth!r}: choose bearer or api-key")
    return Endpoint(url, kind, shape, chosen, variable, azure)


def key(endpoint: Endpoint, variable: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    """(the variable's name, the key it holds): --api-key-env's variable, else the endpoint's
    own. Raises EndpointError (never quoting the key) when there is none or it cannot be sent."""
    name = variable or endpoint.key_variable
    if name is None:
        raise EndpointError(f"{endpoint.shown} is neither OpenAI's nor Azure's: name the environment variable that "
                            "holds its key with --api-key-env (OPENAI_API_KEY is sent only to api.openai.com)")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise EndpointError(f"--api-key-env takes an environment variable's name, such as {OPENAI_KEY}")
    value = environ.get(name, "").strip()
    if not value:
        raise EndpointError(f"{name} is not set: export the key there (rtcfg reads keys from the environment "
                            "only, never from a config)")
    if not _KEY_TEXT.fullmatch(value):
        raise EndpointError(f"{name} holds characters no key has (white space or a line break inside, or "
                            "non-ASCII); it is not sent")
    return name, value


def shown_url(url: str) -> str:
    """`url` with the values of credential-like query parameters (and any user:password) masked."""
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.rsplit("@", 1)[-1]
        query = [(name, "***" if _SECRET_QUERY.search(name) else value)
                 for name, value in parse_qsl(parts.query, keep_blank_values=True)]
        return urlunsplit(parts._replace(netloc=netloc, query=urlencode(query, safe="*")))
    except ValueError:
        return "(an unreadable URL)"


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
