"""A: what the server answered to a config sent by `rtcfg check --live`; F005, F006: why it
could not be asked. Declared here (`rtcfg rules` lists them, so `validate` imports this
module and nothing else of live/); raised by live/answers.py and live/asking.py.

F005 and F006 are F codes: nothing was learned about the config, so they exit with 2 and
cannot be suppressed, as for a file that could not be read.
"""

from __future__ import annotations

from ..diagnostics import Rule

SERVER_REJECTED = Rule(
    "A001", "server-rejected", "error",
    "The server refused the session: its message and code, at the value its `param` names.",
    "This is the error the application would meet at run time (an HTTP 400 for a client secret, an `error` "
    "event answering session.update, after which the session keeps its old settings). The server is the "
    "authority: where rtcfg passed the value, rtcfg's own tables are out of date.",
    "rtcfg check --live session.yaml   # the server answers: Invalid value: 'g711-ulaw'",
    "the value the server's message asks for")
APPLIED_DIFFERENTLY = Rule(
    "A002", "applied-differently", "warning",
    "The server accepted the session but its effective session holds another value for a field that was "
    "sent (or leaves it out).",
    "A setting that silently did not take effect is the hardest Realtime bug to see: the voice or model not "
    "forwarded, turn detection not updated, a value accepted and ignored. Nothing fails; the call just "
    "behaves differently than the config says.",
    "rtcfg check --live session.yaml   # sent voice: marin, the server applied alloy",
    "a config whose every value the server applies as sent")
SERVER_DEFAULT_DIFFERS = Rule(
    "A003", "server-default-differs", "info",
    "The server filled in a field the config leaves out with a default other than the one rtcfg documents.",
    "`render --with-defaults` and the hovers show rtcfg's table of server defaults; when the server's "
    "default moved, that table is stale (please report it). Write the field out if the old default matters.",
    "rtcfg check --live session.yaml   # the server filled in silence_duration_ms: 200; rtcfg documents 500",
    "turn_detection:\n  type: server_vad\n  silence_duration_ms: 500\n")
NO_SERVER_ANSWER = Rule(
    "F005", "no-server-answer", "error",
    "`check --live` got no usable answer: no connection, a timeout, a dropped connection, an answer that "
    "is not JSON, too large or not the protocol, or still busy (429, 5xx) after the retries.",
    "Nothing was learned about the config, so nothing can be promised; exit code 2 says the check, not the "
    "config, failed. The message says what was tried.",
    "rtcfg check --live session.yaml   # offline", "rtcfg check --live session.yaml   # online")
REQUEST_REFUSED = Rule(
    "F006", "request-refused", "error",
    "The server refused rtcfg's request rather than the session: the key (401, 403), the endpoint or "
    "deployment (404), the account's quota, a shape the endpoint no longer speaks; or the request could "
    "not be made (no model for the WebSocket URL).",
    "Nothing was learned about the config; exit code 2. Fix the key, the endpoint or the target and run "
    "the check again.",
    "OPENAI_API_KEY=<revoked key> rtcfg check --live session.yaml", "OPENAI_API_KEY=<valid key> rtcfg check "
    "--live session.yaml")

RULES = (SERVER_REJECTED, APPLIED_DIFFERENTLY, SERVER_DEFAULT_DIFFERS, NO_SERVER_ANSWER, REQUEST_REFUSED)
