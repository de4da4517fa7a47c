"""R002, R003, R004, R008, R009: tools and tool_choice, checked against each other."""

from __future__ import annotations

import re
from typing import Any

from ...diagnostics import Diagnostic, Rule, suggest
from ...report.masking import mask_secrets, quoted
from ...schema.views import session_properties
from ...source.document import Document
from ...targets import target_module
from ..subject import Subject

UNKNOWN_TOOL_CHOICE = Rule(
    "R002", "unknown-tool-choice", "error", "tool_choice names a function (or MCP server) that no tool defines.",
    "The server rejects forcing a tool the session does not have.",
    "tools: [{type: function, name: lookup}]\ntool_choice: lookpu\n",
    "tools: [{type: function, name: lookup}]\ntool_choice: lookup\n")
DUPLICATE_TOOL_NAME = Rule(
    "R003", "duplicate-tool-name", "error", "Two tools share a name; the model could not tell them apart.",
    "Calls to that name are ambiguous; the server or the application handles only one of them.",
    "tools:\n  - {type: function, name: f}\n  - {type: function, name: f}\n",
    "tools:\n  - {type: function, name: f}\n  - {type: function, name: g}\n")
TOOL_NAME_FORMAT = Rule(
    "R004", "tool-name-format", "warning",
    "A tool name outside letters, digits, '_' and '-' (at most 64), the rule OpenAI documents for function names.",
    "Realtime documents no rule of its own, but other OpenAI APIs reject such names; a warning, not an error.",
    "tools:\n  - {type: function, name: look up}\n", "tools:\n  - {type: function, name: look_up}\n")
TOOLS_DISABLED = Rule(
    "R008", "tools-disabled", "warning", "Tools are defined but tool_choice is none, so none can be called.",
    "Usually a leftover from debugging: the agent silently stops calling its tools.",
    "tools: [{type: function, name: lookup}]\ntool_choice: none\n",
    "tools: [{type: function, name: lookup}]\ntool_choice: auto\n")
REQUIRED_WITHOUT_TOOLS = Rule(
    "R009", "required-without-tools", "warning", "tool_choice is required but no tool is defined.",
    "The model is told it must call a tool and has none to call.",
    "tool_choice: required\n", "tools: [{type: function, name: lookup}]\ntool_choice: required\n")

RULES = (UNKNOWN_TOOL_CHOICE, DUPLICATE_TOOL_NAME, TOOL_NAME_FORMAT, TOOLS_DISABLED, REQUIRED_WITHOUT_TOOLS)


# OpenAI documents this rule for function names (openai-python
# types/shared/function_definition.py); Realtime documents none, so a warning.
_TOOL_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def check(subject: Subject) -> list[Diagnostic]:
    document, data = subject.document, subject.data
    found: list[Diagnostic] = []
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
            found.append(TOOL_NAME_FORMAT.at(document, f"tool name {quoted(name)} has characters other than "
                                             "letters, digits, '_' and '-', or is longer than 64", path,
                                             f"OpenAI's function-name rule; {example}"))
    found.extend(_tool_choice(data.get("tool_choice"), names, servers, document))
    if document.session_type == "realtime":  # a transcription session has no tools
        found.extend(_tool_choice_against_tools(data, document))
    return found


def _unique(tools: list, key: str, what: str, document: Document, found: list, applies) -> dict[str, int]:
    """{value of `key`: index of its first tool} over the tools `applies` to; R003 for each repeat."""
    seen: dict[str, int] = {}
    for index, tool in enumerate(tools):
        value = tool.get(key) if isinstance(tool, dict) and applies(tool) else None
        if not isinstance(value, str):
            continue
        if value in seen:
            found.append(DUPLICATE_TOOL_NAME.at(document, f"{what} {quoted(value)} is already used by tools[{seen[value]}]",
                                       ("tools", index, key), f"give each tool a unique {key}"))
        else:
            seen[value] = index
    return seen


def _tool_choice(choice: Any, names: dict, servers: dict, document: Document) -> list[Diagnostic]:
    """A forced function (`f`, or `{type: function, name: f}`) or MCP server must be defined in tools."""
    keywords = session_properties()["tool_choice"].get("x-rtcfg-keywords", [])
    if isinstance(choice, str) and choice not in keywords\
            and target_module(document.shape).NAMES_FUNCTION_BY_STRING:
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
    return [UNKNOWN_TOOL_CHOICE.at(document, f"tool_choice {quoted(wanted)} names no defined {kind}", path, hint)]


def _tool_choice_against_tools(data: dict, document: Document) -> list[Diagnostic]:
    tools = data.get("tools")
    has_tools = isinstance(tools, list) and bool(tools)
    choice = data.get("tool_choice")
    if choice == "none" and has_tools:
        return [TOOLS_DISABLED.at(document, "tools are defined, but tool_choice is 'none': none of them can be "
                              "called", ("tool_choice",), "set tool_choice: auto, or remove the tools")]
    if choice == "required" and not has_tools:
        return [REQUIRED_WITHOUT_TOOLS.at(document, "tool_choice is 'required', but no tool is defined", ("tool_choice",),
                              "define the tools, or set tool_choice: auto")]
    return []
