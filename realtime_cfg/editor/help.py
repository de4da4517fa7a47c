"""Hover and completion, read from the schema that `validate` checks with: a field's
description, range, default and target notes; a value's meaning and a model's lifecycle;
the keys a mapping may still take, and the values a field allows.

Everything here is about fields and values; turning it into protocol messages is server.py's.
"""

from __future__ import annotations

import datetime
import json
from typing import Any, Callable

from ..schema.views import SHAPE_SCHEMAS, alternatives, branch_for, load_schema
from ..fixing.edits import literal
from ..report.masking import shorten
from ..source.document import MISSING
from ..targets import CANONICAL, display_name, ga

Lookup = Callable[[tuple], Any]  # the data written at a path (MISSING: not known)


def nodes_at(shape: str, path: tuple, lookup: Lookup, narrow_last: bool = True) -> list[dict]:
    """The schema branches a value at `path` may take, in a file of `shape`. A mapping whose
    schema is a union (turn detection, tools, the GA session) is narrowed to the branch its
    `type` picks where the data says; without narrow_last, the last one is not (its `type` is
    what is being written)."""
    nodes = alternatives(load_schema(SHAPE_SCHEMAS[shape]))
    for depth, part in enumerate(path):
        value = lookup(path[:depth])
        nodes = _narrowed(nodes, value)
        children = []
        for branch in nodes:
            child = branch.get("items") if isinstance(part, int) else branch.get("properties", {}).get(part)
            if child is not None:
                children.extend(alternatives(child))
        nodes = children
    if narrow_last:
        nodes = _narrowed(nodes, lookup(path))
    return nodes


def _narrowed(nodes: list[dict], value: Any) -> list[dict]:
    if not isinstance(value, dict) or len(nodes) < 2:
        return nodes
    for node in nodes:
        if node.get("type") == "object" or "properties" in node:
            tag = _tag(node)
            if tag is not None and value.get(tag[0], tag[2]) == tag[1]:
                return [node]
    return nodes


def _tag(branch: dict) -> tuple[str, Any, Any] | None:
    """(discriminator key, the value that picks this branch, the key's default) of a union branch."""
    discriminator = branch.get("x-rtcfg-discriminator", {})
    key = discriminator.get("property", "type")
    const = branch.get("properties", {}).get(key, {})
    if not isinstance(const, dict) or "const" not in const:
        return None
    return key, const["const"], discriminator.get("default", const.get("default"))


# -- hover ------------------------------------------------------------------------------------

def describe_key(shape: str, path: tuple, lookup: Lookup) -> str | None:
    """Markdown for the field at `path`: description, type, range, default, targets. (The
    `type` of a union is described across every branch: it is what picks one.)"""
    nodes = nodes_at(shape, path, _unknown_at(path[:-1], lookup) if path[-1:] == ("type",) else lookup,
                     narrow_last=False)
    if not nodes:
        return None
    lines = [f"**{field_name(path)}**" + (f" · {_types(nodes)}" if _types(nodes) else "")]
    description = _first(nodes, "description")
    if path[-1:] == ("type",) and len({node.get("description") for node in nodes}) > 1:
        # each branch says what its own value means; the union's field says what they are
        description = _first(nodes_at(shape, path[:-1], lookup, narrow_last=False), "description")
    if description:
        lines += ["", description]
    facts = []
    minimum, maximum = _first(nodes, "minimum"), _first(nodes, "maximum")
    if minimum is not None or maximum is not None:
        facts.append(f"range: {_literal(minimum) if minimum is not None else '…'} to "
                     f"{_literal(maximum) if maximum is not None else '…'}")
    values = _enum(nodes)
    if values and len(values) <= 12:
        facts.append("one of: " + ", ".join(f"`{_literal(value)}`" for value in values))
    default = _first(nodes, "default", MISSING)
    if default is not MISSING:
        facts.append(f"default: `{_literal(default)}`")
    # a field is for some targets only where every form of it is (a voice's name is for all,
    # though its `{id}` form is GA's)
    targets = sorted({target for node in nodes for target in node.get("x-rtcfg-targets", ())}) if all(
        "x-rtcfg-targets" in node for node in nodes) else None
    if targets:
        facts.append("only for " + " and ".join(display_name(target) for target in targets)
                     + f" (this file is {display_name(shape)}-shaped)")
    if facts:
        lines += ["", *(f"- {fact}" for fact in facts)]
    return "\n".join(lines)


def describe_value(shape: str, path: tuple, value: Any, lookup: Lookup, today: datetime.date,
                   written: str | None = None) -> str | None:
    """Markdown for a value: what the schema says of it (an enum or `type` value's own
    description), whether rtcfg knows the name, and a model's announced shutdown. `written`:
    the value as the file writes it, when that is not the value (`${VOICE}`)."""
    nodes = nodes_at(shape, path, lookup, narrow_last=False)
    if not nodes or isinstance(value, (dict, list)):
        return None
    lines = [f"**{field_name(path)}** = `{shorten(written if written is not None else _literal(value))}`"]
    field_description = _first(nodes, "description")
    for node in nodes if path[-1] != "type" else ():  # a `type` is described by its branch, below
        branch = branch_for(node, value)  # a value of its own (`const`), with words of its own
        if branch is not None and "const" in branch and branch.get("description") not in (None, field_description):
            lines.append(f"`{_literal(value)}`: {branch['description']}")
            break
    if path[-1] == "type":  # a discriminator: the branch it picks, and that branch's fields
        for parent in nodes_at(shape, path[:-1], lambda _: MISSING, narrow_last=False):
            tag = _tag(parent)
            if tag is not None and tag[1] == value:
                fields = [key for key in parent.get("properties", {}) if key != tag[0]]
                lines += [parent["description"]] if parent.get("description") else []
                lines += ["Fields: " + ", ".join(f"`{field}`" for field in fields)] if fields else []
                break  # one branch per value (a GA field may list a flat one's branches again)
    known = _first(nodes, "x-rtcfg-known-values")
    if isinstance(value, str) and known is not None:
        what = (_first(nodes, "x-rtcfg-open-set") or {}).get("what", "name")
        lines.append(f"A {what} rtcfg knows." if value in known
                     else f"Not a {what} rtcfg knows (the API takes any name; rtcfg warns).")
    plan = (_first(nodes, "x-rtcfg-lifecycle") or {}).get(value) if isinstance(value, str) else None
    if plan and plan.get("shutdown"):
        shutdown = datetime.date.fromisoformat(plan["shutdown"])
        days = (shutdown - today).days
        when = f"in {days} days" if days > 0 else "today" if days == 0 else f"{-days} days ago"
        lines.append(f"**Deprecated**: OpenAI announced its shutdown for {plan['shutdown']} ({when}).")
    return "\n\n".join(lines)


# -- completion -------------------------------------------------------------------------------

class Suggestion:
    """One completion: what is shown, what is inserted (YAML or JSON spelling), and its docs."""

    __slots__ = ("label", "insert", "kind", "detail", "documentation", "deprecated", "preselect")

    def __init__(self, label: str, insert: str, kind: str, detail: str = "", documentation: str = "",
                 deprecated: bool = False, preselect: bool = False) -> None:
        self.label, self.insert, self.kind = label, insert, kind
        self.detail, self.documentation = detail, documentation
        self.deprecated, self.preselect = deprecated, preselect

    def __repr__(self) -> str:
        return f"Suggestion({self.label!r})"


def keys(shape: str, path: tuple, present: dict, lookup: Lookup, json_text: bool) -> list[Suggestion]:
    """The keys the mapping at `path` may still take. Where it is a union told apart by `type`
    and no type is written yet, `type` first, then every branch's fields (each says its branch)."""
    nodes = nodes_at(shape, path, lambda at: present if at == path else lookup(at))
    found: dict[str, Suggestion] = {}
    for node in nodes:
        tag = _tag(node)
        for name, sub in node.get("properties", {}).items():
            if name in present:
                continue
            branch_note = f" ({tag[0]}: {tag[1]})" if tag is not None and len(nodes) > 1 and name != tag[0] else ""
            if name in found:
                if branch_note and branch_note not in found[name].detail:
                    found[name].detail += branch_note
                continue
            subs = alternatives(sub)
            insert = f'"{name}": ' if json_text else f"{name}: "
            found[name] = Suggestion(name, insert, "field", _types(subs) + branch_note,
                                     _first(subs, "description") or "", preselect=name == "type")
    if not path and not present and shape == CANONICAL:  # a new file: it may be meant GA-shaped
        for node in nodes_at(ga.NAME, ("type",), lambda _: MISSING, narrow_last=False)[:1]:
            found.setdefault("type", Suggestion(
                "type", '"type": ' if json_text else "type: ", "field", "realtime | transcription (a GA-shaped file)",
                node.get("description", ""), preselect=True))
    return sorted(found.values(), key=lambda suggestion: not suggestion.preselect)  # `type` first, then schema order


def values(shape: str, path: tuple, lookup: Lookup, json_text: bool, quoted: bool,
           today: datetime.date) -> list[Suggestion]:
    """The values the field at `path` allows: enum and const values (a `type` with its
    branch's fields), true/false, null, and the names rtcfg knows for open sets (models,
    voices), a model with an announced shutdown marked deprecated."""
    nodes = nodes_at(shape, path, lookup, narrow_last=False)
    found: dict[str, Suggestion] = {}

    def add(value: Any, documentation: str = "", deprecated: bool = False) -> None:
        label = _literal(value)
        if label in found:
            return
        insert = label if quoted and isinstance(value, str) else literal(value, "json" if json_text else "yaml")
        found[label] = Suggestion(label, insert, "value", _types([{"type": _kind(value)}]), documentation, deprecated)

    if path and path[-1] == "type":
        for parent in nodes_at(shape, path[:-1], lambda _: MISSING, narrow_last=False):
            tag = _tag(parent)
            if tag is not None:
                fields = [key for key in parent.get("properties", {}) if key != tag[0]]
                add(tag[1], "\n\n".join(filter(None, [parent.get("description", ""),
                                                      "Fields: " + ", ".join(f"`{f}`" for f in fields) if fields else ""])))
    for keyword in _first(nodes, "x-rtcfg-keywords") or ():  # tool_choice: auto, none, required
        add(keyword)
    if path == ("tool_choice",):  # or the name of a function the config defines
        tools = lookup(("tools",))
        for tool in tools if isinstance(tools, list) else ():
            if isinstance(tool, dict) and tool.get("type", "function") == "function" and isinstance(tool.get("name"), str):
                add(tool["name"], "a function this config defines: the model must call it")
    nullable = False
    for node in nodes:
        if "const" in node:
            add(node["const"], node.get("description", ""))
        for value in node.get("enum", ()):
            add(value, node.get("description", ""))
        kinds = node.get("type")
        kinds = kinds if isinstance(kinds, list) else [kinds]
        if "boolean" in kinds:
            add(True), add(False)
        nullable = nullable or "null" in kinds
        lifecycle = node.get("x-rtcfg-lifecycle") or _first(nodes, "x-rtcfg-lifecycle") or {}
        for name in node.get("x-rtcfg-known-values", ()):
            plan = lifecycle.get(name) or {}
            retiring = bool(plan.get("shutdown"))
            add(name, f"OpenAI announced its shutdown for {plan['shutdown']}." if retiring else "", retiring)
    if nullable:  # last: an editor selects the first item, and `null` often switches a feature off
        add(None, "`null`: " + (_first(nodes, "description") or ""))
    return list(found.values())


# -- small readers ------------------------------------------------------------------------

def field_name(path: tuple) -> str:
    """How a field is named in a heading: its key, or its list's key and index (`modalities[0]`)."""
    if not path:
        return "session"
    if isinstance(path[-1], int):
        return f"{field_name(path[:-1])}[{path[-1]}]"
    return str(path[-1])


def _unknown_at(hidden: tuple, lookup: Lookup) -> Lookup:
    """`lookup`, but for the value at `hidden`, which it says nothing of."""
    return lambda path: MISSING if path == hidden else lookup(path)


def _first(nodes: list[dict], key: str, default: Any = None) -> Any:
    for node in nodes:
        if key in node:
            return node[key]
    return default


def _enum(nodes: list[dict]) -> list:
    found = []
    for node in nodes:
        for value in ([node["const"]] if "const" in node else node.get("enum", [])):
            if value not in found:
                found.append(value)
    return found


def _kind(value: Any) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null",
            list: "array", dict: "object"}.get(type(value), "value")


def _types(nodes: list[dict]) -> str:
    names: list[str] = []
    for node in nodes:
        declared = node.get("type")
        for name in declared if isinstance(declared, list) else [declared] if declared else []:
            if name not in names:
                names.append(name)
        if not declared and ("const" in node or "enum" in node):
            for value in _enum([node]):
                if _kind(value) not in names:
                    names.append(_kind(value))
    return " | ".join(names)


def _literal(value: Any) -> str:
    """A value as it reads in the docs: JSON, strings without quotes."""
    return value if isinstance(value, str) else json.dumps(value)
