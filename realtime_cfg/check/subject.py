"""What every check looks at: one config, as written and as checked."""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ..source.document import Document


class Subject:
    """(A plain class, not a dataclass: made once per file, and a dataclass costs start-up.)"""

    __slots__ = ("document", "data", "target", "known")

    def __init__(self, document: Document, data: dict, target: str,
                 known: Mapping[str, tuple[str, ...]] | None = None) -> None:
        self.document = document
        self.data = data  # the document's data with the lenient spellings the schema allows applied
        self.target = target  # the API it is checked for (the document's own shape unless one was chosen)
        self.known = known or {}  # a project's own names, by open set


def walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of every value in `value`, itself first; iterative, so depth costs no stack."""
    stack = [(path, value)]
    pop, push = stack.pop, stack.append  # bound once: this runs for every value of every file
    while stack:
        path, value = pop()
        yield path, value
        if isinstance(value, dict):
            for key, item in value.items():
                push((path + (key,), item))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                push((path + (index,), item))
