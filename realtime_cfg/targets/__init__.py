"""Wire shapes ("targets"): everything rtcfg knows about what beta and GA mean lives in
this package, behind one protocol; nothing outside it compares a target's name.

A target is a module here with the members of `Target` below, listed in TARGETS. The
canonical form every check and output works on is the flat (beta) session
(targets/canonical.py); a target turns it into the payload one kind of server accepts
(`render`) and reads a session written in its shape back (`read`). Which fields and values a
target can carry is written in the schema (`x-rtcfg-targets`, `x-rtcfg-value-unconfirmed`),
read by targets/carrying.py.

Adding a target: a module with these members, an entry in TARGETS, its schema file in
schemas/, and annotations in the schema (see docs/architecture.md)."""

from __future__ import annotations

from types import ModuleType
from typing import Any, Protocol

from . import beta, ga


class Target(Protocol):  # what each module in TARGETS provides (documentation; modules are not classes)
    NAME: str  # "beta", "ga": --target, [tool.rtcfg] target
    DISPLAY: str  # how messages name it: "GA"
    SCHEMA: str  # the file in schemas/ that describes a file written in this shape
    NAMES_FUNCTION_BY_STRING: bool  # a bare tool_choice string other than a keyword forces that function
    MODEL_SCOPED_TRANSCRIPTION: bool  # OpenAI scopes delay/prompt support per model to this API (R017, R018)
    WEBSOCKET_HEADERS: dict  # headers a WebSocket in this shape needs on OpenAI's endpoint (check --live)

    def recognizes(self, data: Any) -> bool: ...  # a file in this shape (only non-canonical shapes say so)
    def session_type(self, data: Any) -> str: ...  # realtime, or transcription
    def location(self, name: str) -> tuple[str, ...]: ...  # where a flat field lives in this shape
    def flat_path(self, path: tuple) -> tuple | None: ...  # the flat path a path of this shape holds
    def renamed(self, key: str, parent: tuple) -> str | None: ...  # this shape's name for another shape's key
    def format_spelling(self, name: str) -> Any: ...  # how it writes a flat audio format name, if not as the name
    def render(self, canonical: dict) -> dict: ...
    def read(self, session: dict) -> dict: ...


TARGETS: dict[str, ModuleType] = {"beta": beta, "ga": ga}
CANONICAL = beta.NAME  # the shape of the canonical form and of rtcfg's flat authoring format
# Two configs of different shapes are compared rendered for this one: a GA file cannot
# always be rendered for beta, a flat file always for GA.
COMMON = ga.NAME


def target_module(target: str) -> ModuleType:
    try:
        return TARGETS[target]
    except KeyError:
        raise ValueError(f"unknown target {target!r}; choose one of: {', '.join(TARGETS)}") from None


def display_name(target: str) -> str:
    return target_module(target).DISPLAY


def shape_of(data: Any) -> str:
    """The shape a session is written in: the first target that recognizes it, else the flat one."""
    for name, module in TARGETS.items():
        if name != CANONICAL and module.recognizes(data):
            return name
    return CANONICAL


def schema_names() -> dict[str, str]:
    """{target: its schema file}."""
    return {name: module.SCHEMA for name, module in TARGETS.items()}


def setting(data: Any, shape: str, name: str) -> tuple[tuple, Any]:
    """(path, value) of a session field by its flat name, wherever a session of `shape` keeps
    it (`voice` is audio.output.voice in a GA file); value None when absent."""
    path = target_module(shape).location(name)
    node: Any = data
    for part in path:
        node = node.get(part) if isinstance(node, dict) else None
    return path, node


def moved(path: tuple, source_shape: str, to: str) -> tuple | None:
    """Where a field at `path` of a `source_shape` session is in a `to` session."""
    flat = target_module(source_shape).flat_path(path)
    if not flat:
        return None
    return target_module(to).location(flat[0]) + flat[1:]


def read_session(session: dict, shape: str) -> dict:
    """The flat form of a session written in `shape`."""
    return target_module(shape).read(session)
