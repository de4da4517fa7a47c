"""Where each field of a rendered payload came from (`render --explain`).

Every value of a built config keeps the position it was written at (building/). A
payload field is traced back through the target's layout (GA keeps `voice` at
`audio.output.voice`) and the authoring format's aliases (`max_output_tokens` is written
as `max_response_output_tokens` for beta) to the value it was rendered from; a field no
file set was either filled in as a server default or added by the target (GA's `type`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..diagnostics import format_path
from ..source.document import Document, value_at
from ..schema.views import aliases
from ..targets import display_name, moved, target_module


@dataclass(frozen=True)
class Origin:
    path: str  # the payload field: audio.output.voice
    value: Any
    source: str  # agents/prod.yaml:4:8, prompts/support.md:1:1 (included at ...), --set ..., default


def explain(document: Document, session: dict, target: str, defaults: set[tuple] = frozenset()) -> list[Origin]:
    """One Origin for every leaf (and every empty list or mapping) of the payload. A value
    taken from the environment is shown as written (`${TOKEN}`), never expanded."""
    if not session:
        return []
    origins = []
    for path, value in leaves(session):
        source, source_path = _source(document, path, target, defaults)
        origins.append(Origin(format_path(path), _as_written(document, source_path, value), source))
    return origins


def as_written(session: dict, document: Document, shape: str) -> dict:
    """`session` (the document migrated to `shape`) with each string a ${VAR} made put
    back as written, so that a migrated file holds `${TOKEN}`, not the token: in its own
    place, and wherever migration moved or reshaped it (a forced function's name inside
    GA's {type, name}). The caller still checks the text for the environment's values."""
    expanded = {}
    for path, template in document.templates.items():
        value = value_at(document.data, path)
        if isinstance(value, str):
            expanded.setdefault(value, template)
    _put_back(session, expanded)
    for path, template in document.templates.items():
        target = moved(path, document.shape, shape)
        if not target:
            continue
        parent = value_at(session, target[:-1])
        # else reshaped on the way (a forced function name): left expanded
        if isinstance(parent, (dict, list)) and value_at(parent, target[-1:]) == value_at(document.data, path):
            parent[target[-1]] = template
    return session


def _put_back(value: Any, expanded: dict[str, str]) -> None:
    """Replace, in place, every string of `value` that a ${VAR} made by the text as written."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, child in list(items):
        if isinstance(child, str) and child in expanded:
            value[key] = expanded[child]
        else:
            _put_back(child, expanded)


def _as_written(document: Document, source_path: tuple | None, value: Any) -> Any:
    """The value, or the text it was expanded from if a ${VAR} made it, also when
    normalization respelled it (a token limit of "+2048" shown as 2048), or made the value it
    was rendered from: a forced function's name inside GA's {type, name}, but not the `type`
    beside it."""
    probe = source_path
    while probe:
        if probe in document.templates:
            own = probe == source_path
            return document.templates[probe] if own or value_at(document.data, probe) == value else value
        probe = probe[:-1]
    return value


def leaves(value: Any, path: tuple = ()):
    """(path, value) of every leaf of `value` (an empty list or mapping is a leaf)."""
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from leaves(child, path + (key,))
    elif isinstance(value, list) and value:
        for index, child in enumerate(value):
            yield from leaves(child, path + (index,))
    else:
        yield path, value


def _source_path(flat: tuple, document: Document) -> tuple:
    """Where a flat path lives in the document as written (its shape and aliases)."""
    name, rest = flat[0], flat[1:]
    where = target_module(document.shape).location(name) + rest
    if where == flat and isinstance(document.data, dict) and name not in document.data:
        for alias, field in aliases().items():  # written under another spelling
            if field == name and alias in document.data:
                return (alias,) + rest
    return where


def written_path(document: Document, path: tuple, target: str) -> tuple | None:
    """The path in the document as written of the payload field at `path` (rendered for
    `target`), or None when no file set it (the target added it). Its position is the value's
    own, or that of the value it was rendered from (a format string becomes {type, rate}; a
    forced function name becomes {type, name}): Document.position walks up to it."""
    flat = target_module(target).flat_path(path)
    if not flat:
        return None
    source = _source_path(flat, document)
    position, _ = document.position(source)
    if position is not None and source[:1] and isinstance(document.data, dict) and source[0] in document.data:
        return source
    return None


def _source(document: Document, path: tuple, target: str, defaults: set[tuple]) -> tuple[str, tuple | None]:
    """(where the payload field came from, its path in the document if it has one)."""
    if any(path[:len(filled)] == filled for filled in defaults):
        return f"default ({display_name(target)} server)", None
    source = written_path(document, path, target)
    if source is not None:
        return _describe(document.position(source)[0], document.name), source
    return f"added for {display_name(target)}", None


def _describe(position, default_file: str) -> str:
    if position.file == "--set":
        return position.origin or "--set"
    where = f"{position.file or default_file}:{position.line}:{position.column}"
    return f"{where} ({position.origin})" if position.origin else where


def format_origins(origins: list[Origin], width: int = 40) -> str:
    """Aligned text: path, value (cut to `width`), source."""
    if not origins:
        return "(empty session)\n"
    from ..report.masking import mask_secrets

    rows = []
    for origin in origins:
        shown = mask_secrets(json.dumps(origin.value, ensure_ascii=False))  # before the cut: a cut key is not seen
        rows.append((origin.path, shown if len(shown) <= width else shown[:width - 1] + "…", origin.source))
    path_width = max(len(row[0]) for row in rows)
    value_width = max(len(row[1]) for row in rows)
    return "".join(f"{p:<{path_width}}  {v:<{value_width}}  {s}\n" for p, v, s in rows)
