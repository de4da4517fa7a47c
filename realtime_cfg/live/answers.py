"""A server's answer about one config, as findings at the config's own lines.

- rejected (A001): the server's message and code verbatim, at the value its `param` names
  (`session.audio.input.format`, `session.tools[2].meta`), traced back through the target's
  layout and the files the config is built from (output/provenance.written_path), so into a
  base file or an include where the value was written there.
- accepted: the effective session compared with what was sent. A field that holds another
  value, or is missing, was applied differently (A002, at the value sent); a field the config
  left out, filled in with another default than rtcfg documents (output/defaults.py), is A003.
  Not differences: a dated snapshot for the model alias sent (gpt-realtime answered as
  gpt-realtime-2025-08-28) or the deployment the URL names, one value written two ways (a
  voice's {id}, a GA format object and its beta name), MCP secrets, and fields the server
  never echoes (WRITE_ONLY).
- refused (F006) and no answer (F005): the config's file, with what was tried.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from ..diagnostics import Diagnostic
from ..output.defaults import with_defaults
from ..output.diffing import Change, diff
from ..output.provenance import leaves, written_path
from ..report.masking import Redactor, mask_secrets
from ..source.document import MISSING, Document, value_at
from ..schema.engine import json_equal
from ..targets import CANONICAL, COMMON, target_module
from .asking import Outcome
from .problems import APPLIED_DIFFERENTLY, NO_SERVER_ANSWER, REQUEST_REFUSED, SERVER_DEFAULT_DIFFERS, SERVER_REJECTED

# MCP secrets: the response schema has them, but whether a server echoes, masks (`***`),
# empties or drops a secret is not documented, so no answer about them says anything.
_SECRET_FIELDS = ("authorization", "headers")
# Request fields the response schemas do not have: the server takes them and never shows them
# again (docs/live-sources.md, e: RealtimeSessionCreateRequestGA against ...ResponseGA, and the
# transcription pair).
WRITE_ONLY = {
    "realtime": {("parallel_tool_calls",), ("audio", "input", "transcription", "delay"),
                 ("audio", "input", "transcription", "keywords")},
    "transcription": {("audio", "input", "turn_detection", name)
                      for name in ("create_response", "interrupt_response", "idle_timeout_ms", "eagerness")}
    | {("audio", "input", "transcription", "delay"), ("audio", "input", "transcription", "keywords")},
}
# Response-only fields: the session's identity, not its settings (left out of --diff too).
METADATA = {"id", "object", "expires_at", "client_secret"}
_PARAM_STEP = re.compile(r"\[(\d+)\]|\.?([^.\[\]]+)")
_MAX_PARAM = 300  # characters; a field's path is a few dozen (a longer param is placed at the config's top)
_SHOWN = 80


def findings(document: Document, sent: dict, target: str, outcome: Outcome, where: str) -> list[Diagnostic]:
    """The findings of one config's answer (`where`: the endpoint as shown)."""
    if outcome.kind == "accepted":
        return differences(document, sent, outcome.effective or {}, target, _deployments(where))
    if outcome.kind == "rejected":
        return [rejection(document, outcome.error or {}, target, outcome.status)]
    rule = REQUEST_REFUSED if outcome.kind == "refused" else NO_SERVER_ANSWER
    return [rule.diagnostic(f"{where}: {outcome.message}", document.name, hint=_failure_hint(outcome))]


def rejection(document: Document, error: dict, target: str, status: int | None = None) -> Diagnostic:
    """A001 at the value the error's `param` names (the config's first line if it names none
    the config wrote)."""
    message, code, param = error.get("message"), error.get("code"), error.get("param")
    text = message if isinstance(message, str) and message else "(no message)"
    said = f"the server rejected the session: {text}" + (f" [{code}]" if isinstance(code, str) and code else "")
    path = param_path(param) if isinstance(param, str) else None
    # a param in the target's layout; else read as a flat field's name (a GA server naming
    # `session.voice` means the voice, wherever the config wrote it)
    written = (written_path(document, path, target) or written_path(document, path, CANONICAL)) if path else None
    where = f"param {param}" if isinstance(param, str) and param else "no param"
    hint = (f"{where}{f', HTTP {status}' if status else ''}: write what the server's message asks "
            "for; if rtcfg passed this value, its tables are out of date (please report it)")
    return SERVER_REJECTED.at(document, said, written or (), hint)


def param_path(param: str) -> tuple | None:
    """`session.tools[2].meta` as a payload path, ("tools", 2, "meta"); None for a param outside
    the session (the request's own fields), or longer than any field's path can be."""
    if len(param) > _MAX_PARAM:
        return None
    steps: list[Any] = []
    for match in _PARAM_STEP.finditer(param):
        index, name = match.groups()
        steps.append(int(index) if index is not None else name)
    if not steps or steps[0] != "session":
        return None
    return tuple(steps[1:])


def differences(document: Document, sent: dict, effective: dict, target: str,
                deployments: frozenset[str] = frozenset()) -> list[Diagnostic]:
    """A002 for each field sent that the effective session holds otherwise or not at all; A003
    for each field filled in with another default than rtcfg documents. `deployments`: the
    model names the URL gave (Azure answers with its deployment's name)."""
    found: list[Diagnostic] = []
    defaults, filled = with_defaults(sent, target)
    for change in visible_changes(sent, effective):
        if change.kind == "added":
            found.extend(_other_defaults(document, change, defaults, filled, target))
            continue
        if _same_model(change, deployments) or _same_value(change) or _secret(change.steps) or (
                change.kind == "removed" and _write_only(change.steps, document.session_type)):
            continue
        if change.kind == "removed":
            said = f"the server's effective session has no {change.path} (sent {_show(change.old)})"
        else:
            said = f"the server applied {change.path} = {_show(change.new)}, not {_show(change.old)} as sent"
        found.append(APPLIED_DIFFERENTLY.at(
            document, said, written_path(document, change.steps, target) or (),
            "the server accepted the value but does not apply it as written: check the model, the target and "
            "the field's documentation; `rtcfg check --live --diff` shows every difference"))
    return found


def visible_changes(sent: dict, effective: dict) -> list[Change]:
    """Sent against effective, the session's identity (id, object, expiry) left out."""
    return [change for change in diff(sent, effective) if change.steps[:1] and change.steps[0] not in METADATA]


def _other_defaults(document: Document, change: Change, defaults: dict, filled: set[tuple],
                    target: str) -> list[Diagnostic]:
    found = []
    for steps, value in leaves(change.new, change.steps):
        if not any(steps[:len(path)] == path for path in filled):
            continue  # rtcfg documents no default for it
        documented = value_at(defaults, steps)
        if documented is MISSING or json_equal(documented, value):
            continue
        path = change.path + _suffix(steps[len(change.steps):])
        found.append(SERVER_DEFAULT_DIFFERS.at(
            document, f"the server filled in {path} = {_show(value)}; rtcfg documents the default as "
            f"{_show(documented)}", _written_ancestor(document, written_path(document, steps, target) or ()),
            "rtcfg's table of defaults (render --with-defaults) may be stale: please report it; write the field "
            "out if the value matters", at_key=True))
    return found


def _written_ancestor(document: Document, path: tuple) -> tuple:
    """The nearest field around `path` that the config writes (the field itself is not)."""
    while path and path not in document.positions:
        path = path[:-1]
    return path


def _suffix(steps: tuple) -> str:
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in steps)


def _same_model(change: Change, deployments: frozenset[str]) -> bool:
    """The alias sent answered with its dated snapshot (gpt-realtime -> gpt-realtime-2025-08-28),
    or the session's model answered with the deployment the URL named (Azure)."""
    if change.kind != "changed" or change.steps[-1:] != ("model",) or not (
            isinstance(change.old, str) and isinstance(change.new, str)):
        return False
    if change.steps == ("model",) and change.new in deployments:
        return True
    return re.fullmatch(re.escape(change.old) + r"-\d{4}-\d{2}-\d{2}", change.new) is not None


def _deployments(url: str) -> frozenset[str]:
    """The values of the URL's `model=` and `deployment=`."""
    return frozenset(value for name, value in parse_qsl(urlsplit(url).query) if name in ("model", "deployment"))


def _same_value(change: Change) -> bool:
    """Written two ways, one value: a custom voice sent as {id} is answered by its id; a GA
    format object answered by its beta name (the transcription example answers "pcm16")."""
    if change.kind != "changed":
        return False
    if isinstance(change.new, dict) and change.new.keys() == {"id"}:  # a voice's id answered as {id}
        return change.new["id"] == change.old
    if not isinstance(change.new, str):
        return False
    if isinstance(change.old, dict) and change.old.keys() == {"id"}:
        return change.old["id"] == change.new
    spelled = target_module(COMMON).format_spelling(change.new)
    return isinstance(change.old, dict) and isinstance(spelled, dict) and json_equal(spelled, change.old)


def _secret(steps: tuple) -> bool:
    """An MCP tool's `authorization` or `headers`, or anything inside them."""
    return len(steps) >= 3 and steps[0] == "tools" and steps[2] in _SECRET_FIELDS


def _write_only(steps: tuple, session_type: str) -> bool:
    return steps in WRITE_ONLY.get(session_type, ())


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"


def _failure_hint(outcome: Outcome) -> str:
    if outcome.status in (401, 403):
        return "the key was refused: check the variable holds a valid key for this endpoint (--api-key-env)"
    if outcome.kind == "refused":
        return "fix the endpoint, the key or the target (--target, --endpoint) and run the check again"
    return "check the network, a proxy (https_proxy) and the endpoint; --timeout and --retries allow more"


def entry(document: Document | None, sent: dict | None, outcome: Outcome | None, key: tuple[str, str],
          with_effective: bool) -> dict:
    """A config's answer for reports (report/live.py): its outcome, the changes from what was sent
    to what was applied, and with_effective the effective session; every value masked as
    reports mask them (the key and each ${VAR}'s value replaced by its name, secrets cut). The
    client secret the server returned was never kept."""
    if outcome is None or document is None or sent is None:
        return {"outcome": "not sent", "status": None, "tries": 0, "changes": []}
    data: dict[str, Any] = {"outcome": outcome.label, "status": outcome.status,
                            "tries": outcome.tries, "changes": []}
    if outcome.kind == "accepted" and outcome.effective is not None:
        data["changes"] = [change.to_dict() for change in visible_changes(sent, outcome.effective)]
        if with_effective:
            data["effective"] = {k: v for k, v in outcome.effective.items() if k != "client_secret"}
    return masked(data, document, key)


def masked(value: Any, document: Document, key: tuple[str, str]) -> Any:
    """`value` with every string masked as reports mask text: the key and each ${VAR}'s value
    shown as its name, secrets cut (R012)."""
    return _masked(value, Redactor({**document.redactions, **key_redactions(key)}))


def key_redactions(key: tuple[str, str]) -> dict[str, str]:
    """The key, as written and as a URL or JSON would quote it, each shown as its variable."""
    name, value = key
    return {form: f"${{{name}}}" for form in {value, quote(value, safe=""), json.dumps(value)[1:-1]}}


def _masked(value: Any, redactor: Redactor) -> Any:
    """`value` with every string (keys too) masked as reports mask text; numbers, booleans and
    null as they are. (Recursive: answers are at most transport.MAX_DEPTH deep, configs at
    most the loader's 100 levels.)"""
    if isinstance(value, str):
        return mask_secrets(redactor(value))
    if isinstance(value, dict):
        return {_masked(key, redactor): _masked(child, redactor) for key, child in value.items()}
    if isinstance(value, list):
        return [_masked(child, redactor) for child in value]
    return value
