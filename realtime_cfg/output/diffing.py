"""Structural diff of two payloads: mappings key by key, named list items
(tools: functions by name, MCP servers by server_label) matched by identity rather
than by position, everything else by value.

An explicit null and an absent key are different (null switches a feature off),
and so are 1 and true; 1 and 1.0 are the same number."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from ..schema.engine import json_equal
from ..targets.canonical import tool_identity

Kind = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class Change:
    kind: Kind
    path: str
    old: Any = None
    new: Any = None
    # the same path as keys and list indexes (a named item's index in `old`, or in `new` if
    # it was added), to find the field in the payload; not part of the output
    steps: tuple = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"kind": self.kind, "path": self.path}
        if self.kind != "added":
            data["old"] = self.old
        if self.kind != "removed":
            data["new"] = self.new
        return data


def _named(items: list) -> dict[str, Any] | None:
    """{identity: item} when every item has a distinct identity."""
    named = {tool_identity(i): i for i in items}
    return named if None not in named and len(named) == len(items) else None


def diff(old: Any, new: Any, path: str = "", steps: tuple = ()) -> list[Change]:
    """Every difference between two payloads, in document order."""
    if isinstance(old, dict) and isinstance(new, dict):
        return _diff_keyed(old, new, lambda key: (f"{path}.{key}" if path else key, steps + (key,)))
    if isinstance(old, list) and isinstance(new, list):
        old_named, new_named = _named(old), _named(new)
        if old_named is not None and new_named is not None:
            index = {**{identity: i for i, identity in enumerate(new_named)},
                     **{identity: i for i, identity in enumerate(old_named)}}
            return _diff_keyed(old_named, new_named, lambda identity: (f"{path}[{identity}]", steps + (index[identity],)))
    return [] if json_equal(old, new) else [Change("changed", path, old, new, steps)]


def _diff_keyed(old: dict, new: dict, where) -> list[Change]:
    changes: list[Change] = []
    for key in list(old) + [k for k in new if k not in old]:
        path, steps = where(key)
        if key not in new:
            changes.append(Change("removed", path, old=old[key], steps=steps))
        elif key not in old:
            changes.append(Change("added", path, new=new[key], steps=steps))
        else:
            changes.extend(diff(old[key], new[key], path, steps))
    return changes


def show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def format_changes(changes: list[Change], color: bool = False) -> str:
    """One line a change: `~ path: old -> new`, `+ path: new`, `- path: old`. With color, each
    line is marked `[yellow]...[/yellow]` (red removed, green added) for report/text.py's
    Printer.emit to style; only the ends of a line are read there, so the text needs no escaping."""
    marks = {"added": ("+", "green"), "removed": ("-", "red"), "changed": ("~", "yellow")}
    lines = []
    for change in changes:
        mark, colour = marks[change.kind]
        if change.kind == "changed":
            body = f"{change.path}: {show(change.old)} -> {show(change.new)}"
        elif change.kind == "added":
            body = f"{change.path}: {show(change.new)}"
        else:
            body = f"{change.path}: {show(change.old)}"
        lines.append(f"[{colour}]{mark} {body}[/{colour}]" if color else f"{mark} {body}")
    return "\n".join(lines)
