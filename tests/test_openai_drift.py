"""The drift guard: every field and every literal value of openai-python's GA Realtime
*request* types must be known to rtcfg's GA schema, or be listed, with a reason, in
tests/openai_drift_exceptions.json.

The pinned client (pyproject.toml's test extra) is how a maintainer learns that the API
moved: bump the pin, run this file, and read what it reports (docs/maintaining.md).

openai-python's request params are TypedDicts; they are walked through their annotations
(Required, Optional, Union, List/Sequence, Dict, Literal, type aliases, nested TypedDicts).
The TypedDict members of a union (the two VAD types, function vs MCP tool, ...) are merged
at the same path, as rtcfg's `object_properties` merges union branches. Paths are written
as rtcfg's other GA tests write them: `audio.input.turn_detection.type`, `tools[].server_label`
(list items as `[]`, mapping values as `{}`).

rtcfg knows a field when a union branch of the schema at its parent path declares it (what
`object_properties` lists) with a schema other than `{"not": {}}` (a key declared only to be
rejected). It knows a literal value when an alternative of the field, in any branch that
declares it, has the value in `enum`, as `const`, or in `x-rtcfg-known-values` (an open
string's listed names). Below an unknown field nothing is
reported again: the field's line stands for everything inside it.
"""

from __future__ import annotations

import collections.abc
import json
import re
import types
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

import typing_extensions
from typing_extensions import Literal, NotRequired, Required, TypedDict, is_typeddict

from realtime_cfg.schema.views import (
    GA_SCHEMA,
    alternatives,
    branch_for,
    load_schema,
    resolve_local,
)

EXCEPTIONS_FILE = Path(__file__).resolve().parent / "openai_drift_exceptions.json"

# Free-form values: what is inside them is the user's (a JSON Schema, tracing metadata,
# template variables, HTTP headers), not fields of the session. The field itself is checked.
FREE_FORM = {"parameters", "metadata", "variables", "headers"}

SESSIONS = ("realtime", "transcription")


def _request_roots() -> dict[str, type]:
    from openai.types.realtime.realtime_session_create_request_param import RealtimeSessionCreateRequestParam
    from openai.types.realtime.realtime_transcription_session_create_request_param import (
        RealtimeTranscriptionSessionCreateRequestParam,
    )

    return {"realtime": RealtimeSessionCreateRequestParam,
            "transcription": RealtimeTranscriptionSessionCreateRequestParam}


# -- openai-python's side: walk the TypedDicts ---------------------------------------------

def _special_forms(name: str) -> tuple:
    return tuple({id(f): f for f in (getattr(typing, name, None), getattr(typing_extensions, name, None))
                  if f is not None}.values())


_WRAPPERS = _special_forms("Required") + _special_forms("NotRequired") + _special_forms("ReadOnly")
_ANNOTATED = _special_forms("Annotated")
_LITERAL = _special_forms("Literal")
_UNION = _special_forms("Union") + ((types.UnionType,) if hasattr(types, "UnionType") else ())
_ALIAS_TYPES = tuple(t for t in (getattr(typing, "TypeAliasType", None),
                                 getattr(typing_extensions, "TypeAliasType", None)) if isinstance(t, type))


@dataclass
class Walk:
    """What a walk found: field paths, and (path, value) for every Literal value."""

    fields: set[str] = field(default_factory=set)
    literals: set[tuple[str, Any]] = field(default_factory=set)
    _seen: set[tuple[type, str]] = field(default_factory=set, repr=False)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _wire_name(key: str, hint: Any) -> str:
    """The key as sent: openai-python renames a few keys with Annotated[..., PropertyInfo(alias=...)]."""
    while True:
        origin = typing.get_origin(hint)
        if origin in _WRAPPERS:
            hint = typing.get_args(hint)[0]
        elif origin in _ANNOTATED:
            for meta in getattr(hint, "__metadata__", ()):
                alias = getattr(meta, "alias", None)
                if isinstance(alias, str) and alias:
                    return alias
            hint = typing.get_args(hint)[0]
        else:
            return key


def walk_type(tp: Any, path: str = "", found: Walk | None = None, ancestors: tuple = ()) -> Walk:
    """Record every field path and Literal value reachable from the annotation `tp` at `path`."""
    found = found if found is not None else Walk()
    if _ALIAS_TYPES and isinstance(tp, _ALIAS_TYPES):  # `type X = ...` / TypeAliasType("X", ...)
        return walk_type(tp.__value__, path, found, ancestors)
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if _ALIAS_TYPES and isinstance(origin, _ALIAS_TYPES):  # a generic alias applied: X[int]
        return walk_type(origin.__value__, path, found, ancestors)
    if origin in _WRAPPERS or origin in _ANNOTATED:
        return walk_type(args[0], path, found, ancestors)
    if origin in _UNION:
        for member in args:  # Optional[X] is Union[X, None]; None adds nothing
            walk_type(member, path, found, ancestors)
        return found
    if origin in _LITERAL:
        for value in args:
            if value is not None:
                found.literals.add((path, value))
        return found
    if is_typeddict(tp):
        return _walk_typeddict(tp, path, found, ancestors)
    if isinstance(origin, type):
        if issubclass(origin, collections.abc.Mapping):  # Dict[str, X]: values at `path{}`
            if len(args) == 2:
                walk_type(args[1], f"{path}{{}}", found, ancestors)
            return found
        if issubclass(origin, collections.abc.Iterable) and not issubclass(origin, (str, bytes)):
            for member in args:  # List/Sequence/SequenceNotStr/Iterable/Tuple[X, ...]
                if member is not Ellipsis:
                    walk_type(member, f"{path}[]", found, ancestors)
            return found
    return found  # str, int, float, bool, None, object, Any: a leaf


def _walk_typeddict(cls: type, path: str, found: Walk, ancestors: tuple) -> Walk:
    if (cls, path) in found._seen or cls in ancestors:  # done already, or a recursive type
        return found
    found._seen.add((cls, path))
    for key, hint in typing.get_type_hints(cls, include_extras=True).items():
        child = _join(path, _wire_name(key, hint))
        found.fields.add(child)
        if key not in FREE_FORM:
            walk_type(hint, child, found, ancestors + (cls,))
    return found


@lru_cache(maxsize=None)
def openai_walks() -> dict[str, Walk]:
    return {session: walk_type(root) for session, root in _request_roots().items()}


# -- rtcfg's side: look paths up in the GA schema ------------------------------------------

@lru_cache(maxsize=None)
def rtcfg_branches() -> dict[str, dict | None]:
    """The GA schema's branch for each session type (None if it has none)."""
    ga = load_schema(GA_SCHEMA)
    return {session: branch_for(ga, {"type": session}) for session in SESSIONS}


_SEGMENT = re.compile(r"\[\]|\{\}|[^.\[\]{}]+")


def _declared_only_to_reject(schema: Any) -> bool:
    resolved = resolve_local(schema)
    return isinstance(resolved, dict) and resolved.get("not") == {}


def rtcfg_nodes(branch: Any, path: str) -> list:
    """The schemas rtcfg has at `path` below `branch`, one for each union branch that declares
    it (a discriminator such as `type` has a `const` in each); empty if rtcfg does not know it."""
    nodes = [branch]
    for segment in _SEGMENT.findall(path):
        found = []
        for node in nodes:
            for alternative in alternatives(node):
                if segment == "[]":
                    sub = alternative.get("items")
                elif segment == "{}":
                    sub = alternative.get("additionalProperties")
                else:
                    sub = alternative.get("properties", {}).get(segment)
                    if sub is not None and _declared_only_to_reject(sub):
                        sub = None
                if isinstance(sub, dict) and all(sub is not f for f in found):
                    found.append(sub)
        nodes = found
        if not nodes:
            break
    return nodes


def rtcfg_knows(branch: Any, path: str) -> bool:
    return bool(rtcfg_nodes(branch, path))


def _same(a: Any, b: Any) -> bool:
    return a == b and isinstance(a, bool) == isinstance(b, bool)  # True is not 1


def value_known(schemas: list, value: Any) -> bool:
    for branch in (b for schema in schemas for b in alternatives(schema)):
        if "const" in branch and _same(branch["const"], value):
            return True
        listed = list(branch.get("enum", ())) + list(branch.get("x-rtcfg-known-values", ()))
        if any(_same(v, value) for v in listed):
            return True
    return False


NO_VALUE = object()  # a drift item about a field, not a value


@dataclass(frozen=True, order=True)
class Drift:
    session: str
    path: str
    value: Any = NO_VALUE

    @property
    def is_field(self) -> bool:
        return self.value is NO_VALUE

    def line(self) -> str:
        what = "field unknown" if self.is_field else f"value {self.value!r} unknown"
        return f"{self.session} {self.path}: {what}"

    def exception_entry(self) -> str:
        entry: dict[str, Any] = {"session": self.session, "path": self.path}
        if not self.is_field:
            entry["value"] = self.value
        entry["reason"] = ""
        return json.dumps(entry)

    def sort_key(self) -> tuple:
        return (SESSIONS.index(self.session) if self.session in SESSIONS else len(SESSIONS),
                self.path, not self.is_field, repr(self.value) if not self.is_field else "")


def compare(session: str, found: Walk, branch: dict | None) -> list[Drift]:
    """What rtcfg's `branch` does not know of `found`; nothing below an unknown field."""
    branch = branch if branch is not None else {}
    unknown_fields = {p for p in found.fields if not rtcfg_knows(branch, p)}

    def below_unknown(path: str) -> bool:
        return any(path.startswith(u) and path[len(u):len(u) + 1] in (".", "[", "{") for u in unknown_fields)

    drift = [Drift(session, p) for p in unknown_fields if not below_unknown(p)]
    for path, value in found.literals:
        if path in unknown_fields or below_unknown(path):
            continue
        if not value_known(rtcfg_nodes(branch, path), value):
            drift.append(Drift(session, path, value))
    return sorted(drift, key=Drift.sort_key)


@lru_cache(maxsize=None)
def current_drift() -> tuple[Drift, ...]:
    branches = rtcfg_branches()
    items: list[Drift] = []
    for session, found in openai_walks().items():
        items.extend(compare(session, found, branches[session]))
    return tuple(items)


# -- the exceptions file --------------------------------------------------------------------

def load_exceptions() -> list[dict]:
    return json.loads(EXCEPTIONS_FILE.read_text(encoding="utf-8"))


def exception_key(entry: dict) -> Drift:
    return Drift(entry["session"], entry["path"], entry["value"] if "value" in entry else NO_VALUE)


def test_exceptions_file_is_well_formed():
    entries = load_exceptions()
    assert isinstance(entries, list), f"{EXCEPTIONS_FILE.name} must hold a JSON list"
    problems = []
    seen = set()
    for number, entry in enumerate(entries):
        if not isinstance(entry, dict):
            problems.append(f"entry {number}: not an object")
            continue
        extra = set(entry) - {"session", "path", "value", "reason"}
        if extra:
            problems.append(f"entry {number}: unexpected keys {sorted(extra)}")
        if entry.get("session") not in SESSIONS:
            problems.append(f"entry {number}: session must be one of {SESSIONS}")
        if not isinstance(entry.get("path"), str) or not entry["path"]:
            problems.append(f"entry {number}: path must be a non-empty string")
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            problems.append(f"entry {number} ({entry.get('session')} {entry.get('path')}): "
                            "reason must say why rtcfg does not take this")
        if not problems:
            key = exception_key(entry)
            if key in seen:
                problems.append(f"entry {number}: duplicate of {key.line()}")
            seen.add(key)
    assert not problems, "\n".join(problems)


# -- the guard ------------------------------------------------------------------------------

def test_rtcfg_knows_every_field_and_value_of_openai_python():
    branches = rtcfg_branches()
    missing = [s for s in SESSIONS if branches[s] is None]
    excepted = {exception_key(e) for e in load_exceptions() if isinstance(e, dict) and "session" in e
                and "path" in e}
    unexpected = [d for d in current_drift() if d not in excepted]
    if not unexpected and not missing:
        return
    import openai

    message = [f"openai-python {openai.__version__} has fields or values rtcfg's GA schema does not know."]
    if missing:
        message.append(f"(session-ga.schema.json has no branch for type {', '.join(map(repr, missing))}: "
                       "every field of that session is reported)")
    message.append("Add each to schemas/ (citing its source in docs/reference-coverage.md), or to "
                   f"tests/{EXCEPTIONS_FILE.name} with a reason:")
    message.extend(d.line() for d in unexpected)
    message.append(f"Entries for tests/{EXCEPTIONS_FILE.name} (fill in each reason):")
    message.extend(d.exception_entry() + "," for d in unexpected)
    raise AssertionError("\n".join(message))


def test_no_stale_exceptions():
    drift = set(current_drift())
    stale = [e for e in load_exceptions()
             if isinstance(e, dict) and "session" in e and "path" in e and exception_key(e) not in drift]
    assert not stale, (f"entries of tests/{EXCEPTIONS_FILE.name} that no longer match any drift "
                       "(rtcfg knows them now, or openai-python dropped them); remove them:\n"
                       + "\n".join(json.dumps(e) for e in stale))


# -- the guard itself is tested --------------------------------------------------------------

class _ProbeOutput(TypedDict, total=False):
    voice: Union[str, Literal["alloy", "no-such-voice"]]


class _ProbeAudio(TypedDict, total=False):
    output: _ProbeOutput


class _ProbeTool(TypedDict, total=False):
    type: Required[Literal["function"]]
    name: str
    parameters: Dict[str, object]


class _ProbeSession(TypedDict, total=False):
    type: Required[Literal["realtime"]]
    audio: _ProbeAudio
    tools: List[_ProbeTool]
    some_new_field: NotRequired[Optional[int]]


class _ProbeNode(TypedDict, total=False):  # recursive: the walk must end
    children: List["_ProbeNode"]


def test_the_guard_reports_an_unknown_field_and_an_unknown_value():
    branch = rtcfg_branches()["realtime"]
    assert branch is not None, "session-ga.schema.json has no `type: realtime` branch"
    found = walk_type(_ProbeSession)
    assert found.fields == {"type", "audio", "audio.output", "audio.output.voice", "tools", "tools[].type",
                            "tools[].name", "tools[].parameters", "some_new_field"}
    drift = compare("realtime", found, branch)
    assert [d.line() for d in drift] == [
        "realtime audio.output.voice: value 'no-such-voice' unknown",
        "realtime some_new_field: field unknown",
    ]


def test_the_guard_follows_rtcfgs_rules_for_known_values():
    branch = {"type": "object", "properties": {
        "open": {"anyOf": [{"type": "string", "x-rtcfg-known-values": ["a"]}, {"type": "null"}]},
        "closed": {"enum": ["b"]},
        "fixed": {"const": 1},
        "rejected": {"not": {}, "description": "declared only to give a clear error"},
    }}
    assert value_known(rtcfg_nodes(branch, "open"), "a") and not value_known(rtcfg_nodes(branch, "open"), "z")
    assert value_known(rtcfg_nodes(branch, "closed"), "b")
    assert value_known(rtcfg_nodes(branch, "fixed"), 1) and not value_known(rtcfg_nodes(branch, "fixed"), True)
    assert not rtcfg_knows(branch, "rejected") and not rtcfg_knows(branch, "nowhere")
    found = Walk(fields={"open", "rejected", "rejected.inner"}, literals={("open", "z"), ("rejected.inner", "x")})
    assert [d.line() for d in compare("transcription", found, branch)] == [
        "transcription open: value 'z' unknown",
        "transcription rejected: field unknown",  # nothing below it is reported again
    ]


def test_the_walk_ends_on_a_recursive_type():
    # the type's second occurrence is the first one again: its fields are not listed twice
    assert walk_type(_ProbeNode).fields == {"children"}


def test_the_walk_reaches_deep_fields_of_openai_python():
    realtime = openai_walks()["realtime"]
    assert {"audio.input.turn_detection.idle_timeout_ms", "audio.input.turn_detection.eagerness",
            "audio.input.noise_reduction.type", "audio.input.transcription.model", "audio.output.speed",
            "audio.output.format.rate", "tools[].server_label", "tools[].require_approval.always.tool_names",
            "tools[].parameters", "tool_choice.server_label", "tracing.metadata", "truncation.retention_ratio",
            "prompt.variables", "include"} <= realtime.fields
    assert {("type", "realtime"), ("audio.input.turn_detection.type", "semantic_vad"), ("tools[].type", "mcp"),
            ("tool_choice", "required"), ("audio.output.format.type", "audio/pcmu"), ("max_output_tokens", "inf"),
            ("include[]", "item.input_audio_transcription.logprobs")} <= realtime.literals
    transcription = openai_walks()["transcription"]
    assert {"audio.input.format.type", "audio.input.transcription.model", "audio.input.turn_detection.type",
            "include"} <= transcription.fields
    assert ("type", "transcription") in transcription.literals
