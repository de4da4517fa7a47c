"""R021: a value rtcfg accepts, but sends spelled another way.

The schema allows a few lenient spellings and normalization rewrites them in the payload
(targets/canonical.py): a token limit of `INF`, `.inf` or "2048", and a whole-number float
where an integer goes (500.0). The config is valid, but it says something other than what is
sent; the safe fix writes it the way it is sent, so the file and the payload agree."""

from __future__ import annotations

import json
import math
from typing import Any, Iterator

from ...diagnostics import Diagnostic, Rule, format_path
from ...fixing.edits import replace_value
from ...schema.views import (SHAPE_SCHEMAS, Reaches, branch_for, declared_types, items_schema, load_schema,
                             properties_of)
from ..subject import Subject

LENIENT_SPELLING = Rule(
    "R021", "lenient-spelling", "info",
    "A value rtcfg accepts but sends spelled differently: a token limit written INF, .inf or \"2048\", "
    "a whole-number float such as 500.0 where an integer goes.",
    "The payload carries \"inf\" or 2048 while the file says something else: a reader of the file, or a tool "
    "that sends it without rtcfg, sees another value. `rtcfg validate --fix` writes it as it is sent.",
    "max_response_output_tokens: INF\n", "max_response_output_tokens: inf\n", fixes=("safe",))

RULES = (LENIENT_SPELLING,)


def check(subject: Subject, skip: set[str] = frozenset()) -> list[Diagnostic]:
    """Each respelled value; none at a path in `skip` (one with an error: "0" is out of range
    however it is spelled)."""
    document = subject.document
    found = []
    for path, written, sent in _respelled(document.data, subject.data,
                                          load_schema(SHAPE_SCHEMAS[document.shape]), ()):
        if format_path(path) in skip:
            continue
        shown = json.dumps(sent)
        found.append(LENIENT_SPELLING.at(
            document, f"{format_path(path)} is written {_written(document, path, written)}; it is sent as {shown}",
            path, f"write {shown}", fix=replace_value(document, path, sent, "safe", f"write {shown}")))
    return found


def _written(document, path: tuple, value: Any) -> str:
    _, _, raw = document.locate(path)
    return raw if raw is not None else json.dumps(value, ensure_ascii=False, default=str)


def _respelled(written: Any, coerced: Any, schema: Any, path: tuple) -> Iterator[tuple[tuple, Any, Any]]:
    """(path, as written, as sent) of each value normalization respells: the top-level
    fields coercion changed, and whole floats where the schema wants an integer."""
    stack = [(written, coerced, schema, path)]
    while stack:
        written, coerced, schema, path = stack.pop()
        if path and written is not coerced:  # coercion replaces what it respells; the rest is the same object
            if type(written) is not type(coerced) or written != coerced:
                if not (isinstance(coerced, float) and math.isnan(coerced)):
                    yield path, written, coerced
                continue
        elif path and (schema is None or not _integers_below(schema)):
            continue  # sent as written, and no whole float below it can be respelled (most of a config)
        if isinstance(written, dict):
            properties = properties_of(branch_for(schema, written) or schema) if schema is not None else {}
            for key in reversed(list(written)):
                sub = properties.get(key)
                stack.append((written[key], coerced[key] if isinstance(coerced, dict) and key in coerced
                              else written[key], sub, path + (key,)))
        elif isinstance(written, list):
            items = items_schema(schema) if schema is not None else None
            stack.extend((item, item, items, path + (index,)) for index, item in reversed(list(enumerate(written))))
        elif isinstance(written, float) and schema is not None and math.isfinite(written) and written.is_integer() \
                and _wants_integer(schema):
            yield path, written, int(written)


def _wants_integer(schema: Any) -> bool:
    types = declared_types(schema)
    return "integer" in types and "number" not in types


# whether a whole float at or below a value of this schema can be respelled: the schema, or
# one reached from it, wants an integer (and not any number)
_integers_below = Reaches(_wants_integer)
