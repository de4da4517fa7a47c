"""Checks the schema cannot express: across fields, or about values JSON cannot carry."""

from __future__ import annotations

import math
import re
from typing import Any, Iterator

from .diagnostics import Diagnostic, format_path, suggest
from .document import Document
from .schema import load_schema, object_properties

# OpenAI documents this rule for function names (openai-python
# types/shared/function_definition.py); Realtime documents none, so a warning.
_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))


def _at(code: str, message: str, document: Document, path: tuple, hint: str | None = None) -> Diagnostic:
    line, column, _ = document.locate(path)
    return Diagnostic(code, message, document.name, line, column, format_path(path), hint)


def check(data: dict, document: Document) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for path, value in _walk(data):
        if isinstance(value, float) and not math.isfinite(value):
            found.append(_at("R001", f"{format_path(path)} is {value}, which JSON cannot carry",
                             document, path, "write a finite number"))

    tools = data.get("tools")
    names: dict[str, int] = {}
    if isinstance(tools, list):
        for index, tool in enumerate(tools):
            name = tool.get("name") if isinstance(tool, dict) else None
            if not isinstance(name, str):
                continue
            path = ("tools", index, "name")
            if name in names:
                found.append(_at("R003", f"tool name {name!r} is already used by tools[{names[name]}]",
                                 document, path, "give each tool a unique name"))
            else:
                names[name] = index
            if name and not _TOOL_NAME.fullmatch(name):
                found.append(_at("R004", f"tool name {name!r} has characters other than letters, digits, '_' "
                                 "and '-', or is longer than 64", document, path,
                                 "OpenAI's function-name rule; use e.g. " + repr(re.sub(r"[^A-Za-z0-9_-]", "_", name)[:64])))

    if isinstance(tools, list):
        for index, tool in enumerate(tools):
            parameters = tool.get("parameters") if isinstance(tool, dict) else None
            if isinstance(parameters, dict):
                found.extend(_dangling_references(parameters, ("tools", index, "parameters"), document))

    choice = data.get("tool_choice")
    keywords = object_properties(load_schema())["tool_choice"].get("x-rtcfg-keywords", [])
    if isinstance(choice, str) and choice and choice not in keywords and choice not in names:
        guess = suggest(choice, list(names))
        if guess:
            hint = f"did you mean {guess!r}?"
        elif names:
            hint = f"defined tools: {', '.join(names)}; or use one of {', '.join(keywords)}"
        else:
            hint = f"define a tool named {choice!r}, or use one of {', '.join(keywords)}"
        found.append(_at("R002", f"tool_choice {choice!r} names no defined tool", document, ("tool_choice",), hint))
    return found


def _dangling_references(parameters: dict, root: tuple, document: Document) -> list[Diagnostic]:
    """Local `$ref`s ("#/$defs/x") in tool parameters that point at nothing: the
    meta-schema cannot see these, and the model would get a broken schema.
    Remote references are left alone: whether OpenAI resolves them is not documented."""
    found = []
    for path, value in _walk(parameters, root):
        reference = value.get("$ref") if isinstance(value, dict) else None
        if not isinstance(reference, str) or not reference.startswith("#"):
            continue
        node: Any = parameters
        for part in filter(None, reference[1:].split("/")):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                found.append(_at("S008", f"{format_path(root)} is not a valid JSON Schema: "
                                 f"$ref {reference!r} points at nothing", document, path + ("$ref",),
                                 "define the target under $defs, or fix the reference"))
                break
    return found
