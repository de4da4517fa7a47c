"""`--set path=value`: overrides applied to the built config, last."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..diagnostics import format_path
from ..report.masking import shorten
from ..source import loader
from ..source.document import LoadError, Position

if TYPE_CHECKING:  # pragma: no cover
    from .nodes import Node


MAX_OVERRIDE_PARTS = 100  # a --set path's fields and indexes; no config nests deeper (Limits.max_depth)


class OverrideError(ValueError):
    """A --set that cannot be applied (a usage error, not a config error)."""


# one part of a --set path: a field (`.name`, no dot before the first) or a list index (`[2]`)
_SEGMENT = re.compile(r"(\.?)([^.\[\]]+)|\[(\d{1,9})\]")


def parse_override(text: str) -> tuple[tuple, Any]:
    """("turn_detection", "silence_duration_ms"), 400 for `turn_detection.silence_duration_ms=400`.
    The value is read as YAML (safely), so 400 is a number, `null` is null, `[a, b]` a list."""
    shown = shorten(text, 80)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 on the command line arrive as surrogates
        raise OverrideError(f"--set {shown!r}: not valid UTF-8") from None
    path_text, equals, value_text = text.partition("=")
    path_text = path_text.strip()
    if not equals or not path_text:
        raise OverrideError(f"--set {shown!r}: write path=value, e.g. turn_detection.silence_duration_ms=400")
    unreadable = OverrideError(f"--set {shown!r}: cannot read the path {shorten(path_text)!r}; write fields "
                               "separated by dots and list indexes in brackets, e.g. tools[0].name")
    path: list[Any] = []
    position = 0
    while position < len(path_text):
        match = _SEGMENT.match(path_text, position)
        if match is None or (match.group(2) is not None and bool(match.group(1)) != bool(path)):
            raise unreadable  # a dot is needed between fields, and none before the first
        path.append(match.group(2) if match.group(2) is not None else int(match.group(3)))
        if len(path) > MAX_OVERRIDE_PARTS:
            raise OverrideError(f"--set {shown!r}: the path has more than {MAX_OVERRIDE_PARTS} parts")
        position = match.end()
    if not isinstance(path[0], str):
        raise unreadable
    try:
        value = loader.parse(value_text, "--set", "yaml", require_mapping=False).data
    except LoadError as exc:
        raise OverrideError(f"--set {shown!r}: the value is not valid YAML: {exc}") from None
    return tuple(path), value


def apply_override(root: Node, text: str) -> None:
    from .merge import twins  # only a config that is overridden needs these (see builder.py)
    from .nodes import Node

    path, value = parse_override(text)
    position = Position(None, None, file="--set", origin=f"--set {text}")
    text = shorten(text, 80)  # as the messages below quote it
    node = root
    for depth, part in enumerate(path):
        container, shown = node.value, format_path(path[:depth + 1])
        last = depth == len(path) - 1
        if isinstance(part, int):
            if not isinstance(container, list) or not -len(container) <= part < len(container):
                raise OverrideError(f"--set {text!r}: there is no {shown}")
            if last:
                container[part] = _override_tree(value, position)
                return
            node = container[part]
        elif isinstance(container, dict):
            if depth == 0:
                for twin in twins(part):
                    container.pop(twin, None)
            if last:
                container[part] = _override_tree(value, position)
                return
            node = container.setdefault(part, Node({}, position))
        else:
            raise OverrideError(f"--set {text!r}: {format_path(path[:depth])} is a list; "
                                f"write {format_path(path[:depth])}[N]")
        if node.value is None:  # setting a field of a feature that is off turns it on
            node.value = {}
        elif not isinstance(node.value, (dict, list)):
            raise OverrideError(f"--set {text!r}: {shown} is {node.value!r}, not a mapping or list")


def _override_tree(value: Any, position: Position) -> Node:
    from .nodes import Node

    if isinstance(value, dict):
        return Node({k: _override_tree(v, position) for k, v in value.items()}, position)
    if isinstance(value, list):
        return Node([_override_tree(v, position) for v in value], position)
    return Node(value, position)
