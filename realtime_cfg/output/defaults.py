"""Server defaults written out (`render --with-defaults`), read from the schema's `default`s.

A field the config leaves out gets its documented default, for the chosen target only
(GA has no temperature; beta no truncation). An object the config leaves out is written
when something inside it has a default (GA `audio.output.voice`). An explicit null stays
null: it switches the feature off. Fields with no documented default stay out.
"""

from __future__ import annotations

import copy
from typing import Any

from ..schema.views import SHAPE_SCHEMAS, branch_for, items_schema, load_schema, object_properties, resolve_local


def with_defaults(session: dict, target: str) -> tuple[dict, set[tuple]]:
    """(the session with defaults filled in, the paths that were filled)."""
    from ..targets.canonical import order_like

    filled: set[tuple] = set()
    schema = load_schema(SHAPE_SCHEMAS[target])
    return order_like(_fill(copy.deepcopy(session), schema, target, (), filled), schema), filled


def _allowed(schema: Any, target: str) -> bool:
    """A field the target has, under its own name (not an alias such as max_output_tokens)."""
    resolved = resolve_local(schema)
    if not isinstance(resolved, dict) or "x-rtcfg-alias-of" in resolved:
        return False
    targets = resolved.get("x-rtcfg-targets")
    return targets is None or target in targets


def _fill(value: Any, schema: Any, target: str, path: tuple, filled: set[tuple]) -> Any:
    if isinstance(value, dict):
        branch = branch_for(schema, value) or resolve_local(schema)
        for key, sub in object_properties(branch).items():
            if not _allowed(sub, target):
                continue
            if key in value:
                value[key] = _fill(value[key], sub, target, path + (key,), filled)
                continue
            resolved = resolve_local(sub)
            if "default" in resolved:
                value[key] = _fill(copy.deepcopy(resolved["default"]), sub, target, path + (key,), filled)
                filled.add(path + (key,))
            elif resolved.get("type") == "object" and "anyOf" not in resolved and "oneOf" not in resolved:
                inner = _fill({}, sub, target, path + (key,), filled)
                if inner:  # only when something inside has a default
                    value[key] = inner
                    filled.add(path + (key,))
    elif isinstance(value, list):
        items = items_schema(schema)
        if items is not None:
            return [_fill(item, items, target, path + (index,), filled) for index, item in enumerate(value)]
    return value

