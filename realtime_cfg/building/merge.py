"""Merging a file over its `extends` bases (see building/__init__: mappings key by key, a list
replaced, the top-level `tools` merged by name, an explicit null kept)."""

from __future__ import annotations

from ..schema.views import aliases
from ..targets.canonical import tool_identity
from .nodes import Node


def merge(base: Node, over: Node, top: bool = False) -> Node:
    """`over` merged into `base` (see the module docstring); neither is changed."""
    if not (isinstance(base.value, dict) and isinstance(over.value, dict)):
        return over
    result = dict(base.value)
    for key, child in over.value.items():
        if top:  # the overlay's max_response_output_tokens replaces the base's max_output_tokens
            for twin in twins(key):
                result.pop(twin, None)
        old = result.get(key)
        if old is None:
            result[key] = child
        elif top and key == "tools" and isinstance(old.value, list) and isinstance(child.value, list) and child.value:
            result[key] = Node(_merge_tools(old.value, child.value), child.position)
        else:  # tools: [] in an overlay clears the base's tools, as it does in a session.update
            result[key] = merge(old, child)
    return Node(result, over.position)


def twins(key: str) -> list[str]:
    """The other spellings of a top-level field (max_output_tokens and max_response_output_tokens)."""
    spelled = aliases()
    field = spelled.get(key, key)
    return [name for name in (field, *spelled) if name != key and (name == field or spelled.get(name) == field)]


def _identity(tool: Node) -> str | None:
    if not isinstance(tool.value, dict):
        return None
    return tool_identity({key: child.value for key, child in tool.value.items()})


def _merge_tools(base: list[Node], over: list[Node]) -> list[Node]:
    result = list(base)
    index = {_identity(tool): i for i, tool in enumerate(result) if _identity(tool) is not None}
    for tool in over:
        name = _identity(tool)
        if name is not None and name in index:
            result[index[name]] = merge(result[index[name]], tool)
        else:
            result.append(tool)
    return result
