"""Checks the schema cannot express: across fields, or about values JSON cannot carry."""

from __future__ import annotations

import math
import re
from typing import Any, Iterator, Mapping

from ..diagnostics import SECRET, Diagnostic, diagnostic_at, format_path, mask_secret, mask_secrets, quoted, suggest
from . import field_values
from . import transcription_rules
from ..source.document import Document
from ..schema.views import session_properties
from ..targets import setting

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


def check(data: dict, document: Document, target: str | None = None,
          extra_known: Mapping[str, Any] | None = None) -> list[Diagnostic]:
    """Findings the schema cannot express. `target` is the API the config is checked for (the
    document's own shape when None); `extra_known` names a project's own values of open sets
    (`{"models": [...]}` from [tool.rtcfg])."""
    found: list[Diagnostic] = []
    for path, value in _walk(data):  # one walk for the checks that look at every value
        if isinstance(value, float) and not math.isfinite(value):
            found.append(diagnostic_at(document, "R001", f"{format_path(path)} is {value}, which JSON cannot carry",
                                       path, "write a finite number"))
        found.extend(_secret(path, value, document))

    tools = data.get("tools") if isinstance(data.get("tools"), list) else []
    names = _unique(tools, "name", "tool name", document, found, lambda tool: tool.get("type") != "mcp")
    servers = _unique(tools, "server_label", "MCP server_label", document, found,
                      lambda tool: tool.get("type") == "mcp")
    for index in names.values():
        name = tools[index]["name"]
        if name and not _TOOL_NAME.fullmatch(name):
            path = ("tools", index, "name")
            written = document.templates.get(path)
            # a name made from ${VAR} gets no rewritten example: it would show the environment's value
            example = (f"set {written} to a name of letters, digits, '_' and '-' (at most 64)" if written is not None
                       else "use e.g. " + repr(re.sub(r"[^A-Za-z0-9_-]", "_", mask_secrets(name))[:64]))
            found.append(diagnostic_at(document, "R004", f"tool name {quoted(name)} has characters other than letters, "
                                       "digits, '_' and '-', or is longer than 64", path,
                                       f"OpenAI's function-name rule; {example}"))
    for index, tool in enumerate(tools):
        parameters = tool.get("parameters") if isinstance(tool, dict) else None
        if isinstance(parameters, dict):
            found.extend(_dangling_references(parameters, ("tools", index, "parameters"), document))
    found.extend(_tool_choice(data.get("tool_choice"), names, servers, document))
    if document.session_type == "realtime":  # reviews of a speech-to-speech session's settings
        for review in (_audio_output_unused, _tool_choice_against_tools, _half_turn_taking, _empty_instructions):
            found.extend(review(data, document))
    found.extend(field_values.check(data, document, extra_known))
    found.extend(transcription_rules.check(data, document, target or document.shape))
    return found


def _secret_in(path: tuple, value: Any, document: Document) -> tuple[re.Match | None, re.Match | None]:
    """(secret in the value, secret in its key). A key is the last part of its path (a secret
    can be a metadata key too); a value taken from the environment (`${OPENAI_KEY}`) is
    checked as written, not as expanded. Both are decoded text: escapes and line
    continuations cannot hide a secret from it."""
    value = document.templates.get(path, value)
    in_value = SECRET.search(value) if isinstance(value, str) else None
    in_key = SECRET.search(path[-1]) if path and isinstance(path[-1], str) else None
    return in_value, in_key


def _secret(path: tuple, value: Any, document: Document) -> list[Diagnostic]:
    in_value, in_key = _secret_in(path, value, document)
    match = in_value or in_key
    if not match:
        return []
    return [diagnostic_at(document, "R012", f"{format_path(path)} holds what looks like a secret "
                          f"({mask_secret(match.group())}, {len(match.group())} characters)", path,
                          "remove it and rotate the key; give it to the application at run time, never in a "
                          "committed file", at_key=in_value is None)]


def secret_places(document: Document) -> set[tuple[str, int, int, str]]:
    """(file, line, column, secret) of every key and string value R012 finds a secret in, so
    that its excerpt masks the whole written token, even where escapes (`"sk\\x2dproj-..."`),
    a line continuation or a folded line keep the written text from looking like a secret."""
    places = set()
    for path, value in _walk(document.data):
        in_value, in_key = _secret_in(path, value, document)
        if not (in_value or in_key):
            continue
        position, own = document.position(path)
        if not own or position is None:
            continue
        if in_value and position.line is not None:
            places.add((position.file or document.name, position.line, position.column, in_value.group()))
        if in_key and position.key_line is not None:
            places.add((position.key_file or position.file or document.name, position.key_line, position.key_column,
                        in_key.group()))
    return places


def _audio_output_unused(data: dict, document: Document) -> list[Diagnostic]:
    modalities_path, modalities = setting(data, document.shape, "modalities")
    if modalities != ["text"]:
        return []
    found = []
    for name in ("voice", "output_audio_format", "speed"):
        path, value = setting(data, document.shape, name)
        if value is not None:
            found.append(diagnostic_at(document, "R007", f"{format_path(path)} is set, but "
                                       f"{format_path(modalities_path)} is [text]: the model answers in text only",
                                       path, f"remove {format_path(path)}, or add audio to "
                                       f"{format_path(modalities_path)}"))
    return found


def _tool_choice_against_tools(data: dict, document: Document) -> list[Diagnostic]:
    tools = data.get("tools")
    has_tools = isinstance(tools, list) and bool(tools)
    choice = data.get("tool_choice")
    if choice == "none" and has_tools:
        return [diagnostic_at(document, "R008", "tools are defined, but tool_choice is 'none': none of them can be "
                              "called", ("tool_choice",), "set tool_choice: auto, or remove the tools")]
    if choice == "required" and not has_tools:
        return [diagnostic_at(document, "R009", "tool_choice is 'required', but no tool is defined", ("tool_choice",),
                              "define the tools, or set tool_choice: auto")]
    return []


def _half_turn_taking(data: dict, document: Document) -> list[Diagnostic]:
    path, vad = setting(data, document.shape, "turn_detection")
    if isinstance(vad, dict) and vad.get("create_response") is False and vad.get("interrupt_response") is True:
        return [diagnostic_at(document, "R010", "create_response is false but interrupt_response is true: the user "
                              "can interrupt, but speaking never starts a response", path + ("interrupt_response",),
                              "set both to the same value, unless the application creates every response itself")]
    return []


def _empty_instructions(data: dict, document: Document) -> list[Diagnostic]:
    path, instructions = setting(data, document.shape, "instructions")
    if isinstance(instructions, str) and not instructions.strip():
        return [diagnostic_at(document, "R011", "instructions is empty: the agent runs without a system prompt", path,
                              "write the instructions, or leave the key out to keep the server's default")]
    return []


def _unique(tools: list, key: str, what: str, document: Document, found: list, applies) -> dict[str, int]:
    """{value of `key`: index of its first tool} over the tools `applies` to; R003 for each repeat."""
    seen: dict[str, int] = {}
    for index, tool in enumerate(tools):
        value = tool.get(key) if isinstance(tool, dict) and applies(tool) else None
        if not isinstance(value, str):
            continue
        if value in seen:
            found.append(diagnostic_at(document, "R003", f"{what} {quoted(value)} is already used by tools[{seen[value]}]",
                                       ("tools", index, key), f"give each tool a unique {key}"))
        else:
            seen[value] = index
    return seen


def _tool_choice(choice: Any, names: dict, servers: dict, document: Document) -> list[Diagnostic]:
    """A forced function (`f`, or `{type: function, name: f}`) or MCP server must be defined in tools."""
    keywords = session_properties()["tool_choice"].get("x-rtcfg-keywords", [])
    if isinstance(choice, str) and choice not in keywords and document.shape == "beta":
        wanted, defined, path = choice, names, ("tool_choice",)
    elif isinstance(choice, dict) and choice.get("type") == "function":
        wanted, defined, path = choice.get("name"), names, ("tool_choice", "name")
    elif isinstance(choice, dict) and choice.get("type") == "mcp":
        wanted, defined, path = choice.get("server_label"), servers, ("tool_choice", "server_label")
    else:
        return []
    if not isinstance(wanted, str) or not wanted or wanted in defined:
        return []
    kind = "MCP server_label" if defined is servers else "tool"
    guess = suggest(wanted, list(defined))
    if guess:
        hint = f"did you mean {guess!r}?"
    elif defined:
        hint = f"defined: {', '.join(defined)}" + (f"; or use one of {', '.join(keywords)}" if defined is names else "")
    else:
        hint = f"define a tool with that {'server_label' if defined is servers else 'name'}, or use one of {', '.join(keywords)}"
    return [diagnostic_at(document, "R002", f"tool_choice {quoted(wanted)} names no defined {kind}", path, hint)]


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
                found.append(diagnostic_at(document, "S008", f"{format_path(root)} is not a valid JSON Schema: "
                                           f"$ref {quoted(reference)} points at nothing", path + ("$ref",),
                                           "define the target under $defs, or fix the reference"))
                break
    return found
