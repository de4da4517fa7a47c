"""A config being built: values with the position each was written at, in its own file."""

from __future__ import annotations

from typing import Any

from ..records import replace
from ..source.document import Document, Position


class Node:
    """A value with the position it was written at; mappings and lists hold Nodes."""

    __slots__ = ("value", "position", "template")

    def __init__(self, value: Any, position: Position, template: str | None = None) -> None:
        self.value = value
        self.position = position
        self.template = template  # the string as written, before ${VAR} interpolation


def tree(value: Any, path: tuple, document: Document, parent: Position | None) -> Node:
    """A document's data as Nodes, each with its position (qualified with its file)."""
    written = document.positions.get(path)
    if written is not None:
        position = replace(written, file=written.file or document.name)
    else:  # inside an alias's expansion: shown at the alias, never edited there
        position = (replace(parent, start=None, end=None, key_start=None, key_end=None) if parent
                    else Position(1, 1, file=document.name))
    if isinstance(value, dict):
        value = {key: tree(child, path + (key,), document, position) for key, child in value.items()}
    elif isinstance(value, list):
        value = [tree(child, path + (index,), document, position) for index, child in enumerate(value)]
    return Node(value, position)


def flatten(node: Node, path: tuple, positions: dict, templates: dict) -> Any:
    positions[path] = node.position
    if node.template is not None:
        templates[path] = node.template
    if isinstance(node.value, dict):
        return {key: flatten(child, path + (key,), positions, templates) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [flatten(child, path + (index,), positions, templates) for index, child in enumerate(node.value)]
    return node.value
