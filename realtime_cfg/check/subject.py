"""What every check looks at: one config, as written and as checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping

from ..source.document import Document


@dataclass
class Subject:
    document: Document
    data: dict  # the document's data with the lenient spellings the schema allows applied (canonical.coerce)
    target: str  # the API it is checked for (the document's own shape unless one was chosen)
    known: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # a project's own names, by open set


def walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """(path, value) of every value in `value`, itself first; iterative, so depth costs no stack."""
    stack = [(path, value)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
