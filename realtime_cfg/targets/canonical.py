"""The canonical form of a session config.

Rules (documented in README "Normalization"); the result is idempotent:
- A token limit (fields marked `x-rtcfg-normalize: token-limit` in the schema)
  accepts "inf" in any letter case and YAML's `.inf` as "inf", and "2048" or
  2048.0 as 2048. Anything else is left as written for validation to reject:
  nothing is ever clamped into range.
- A forced function written the GA way, `{type: function, name: f}`, becomes `f`.
- A GA-shaped session is first read into the flat form (targets/ga.py).
- A key marked `x-rtcfg-alias-of` is renamed to the key it stands for
  (`max_output_tokens` -> `max_response_output_tokens`).
- A whole-number float in a field the schema types as integer becomes an int.
- Keys follow the schema's property order; keys the schema does not describe
  (inside tool parameters or tracing metadata) keep the order they were written in.
- An explicit null is kept: null switches a feature off, absence keeps the server's default.
- A union whose discriminator has a default (`x-rtcfg-discriminator.default`: turn_detection's
  `type` is server_vad when left out) gets it written out: both APIs read the object the same
  way, and openai-python's GA model (a discriminated union) rejects it without.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Callable

from ..schema.views import (SESSION_SCHEMA, SHAPE_SCHEMAS, aliases, annotation, branch_for, declared_types, items_schema,
                            load_schema, object_properties, session_properties)
from . import CANONICAL, read_session, target_module
from .carrying import without_dropped

_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: int() would also read "١٢"


def _token_limit(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if text.lower() == "inf":
            return "inf"
        if _INTEGER_TEXT.fullmatch(text) and len(text) < 20:
            return int(text)
        return value
    if isinstance(value, float):
        if value == math.inf:
            return "inf"
        if math.isfinite(value) and value.is_integer():
            return int(value)
    return value


def _tool_choice(value: Any) -> Any:
    # {type: function, name: f} (the GA spelling) is the flat format's `f`
    if isinstance(value, dict) and value.get("type") == "function" and set(value) == {"type", "name"} \
            and isinstance(value["name"], str) and value["name"]:
        return value["name"]
    return value


_COERCIONS = {"token-limit": _token_limit, "tool-choice": _tool_choice}


@lru_cache(maxsize=None)
def _coercions(schema_name: str) -> dict[str, Callable[[Any], Any]]:
    """{top-level field: its coercion} for the fields the schema marks `x-rtcfg-normalize`
    (a few of them: read once, not for every key of every file)."""
    coercions = {}
    for key, sub in session_properties(schema_name).items():
        rule = annotation(sub, "x-rtcfg-normalize")
        if rule:
            coercions[key] = _COERCIONS[rule]
    return coercions


def coerce(data: dict, schema_name: str = SESSION_SCHEMA) -> dict:
    """Apply the lenient spellings the schema allows (a shallow copy; same keys, same order)."""
    result = dict(data)
    for key, coercion in _coercions(schema_name).items():
        if key in data:
            result[key] = coercion(data[key])
    return result


def normalize(data: dict, shape: str = CANONICAL) -> dict:
    """The canonical (flat) form of valid config data written in `shape` (see the
    module docstring). Returns new objects."""
    if shape != CANONICAL:
        data = read_session(coerce(data, SHAPE_SCHEMAS[shape]), shape)
    schema = load_schema()
    spellings = aliases()
    renamed: dict[str, Any] = {}
    for key, value in coerce(data).items():
        renamed[spellings.get(key, key)] = value
    return order_like(renamed, schema)


def order_like(value: Any, schema: Any) -> Any:
    """A copy of `value` with mapping keys in the schema's property order (unknown keys
    after, as written) and whole floats as ints where the schema wants an integer."""
    if isinstance(value, dict):
        discriminator = annotation(schema, "x-rtcfg-discriminator") if schema is not None else None
        if discriminator and "default" in discriminator and discriminator["property"] not in value:
            value = {discriminator["property"]: discriminator["default"], **value}
        # the branch the value took, so a semantic_vad keeps semantic_vad's order
        properties = object_properties(branch_for(schema, value) or schema) if schema is not None else {}
        ordered = [k for k in properties if k in value] + [k for k in value if k not in properties]
        return {k: order_like(value[k], properties.get(k)) for k in ordered}
    if isinstance(value, list):
        items = items_schema(schema) if schema is not None else None
        return [order_like(v, items) for v in value]
    if (isinstance(value, float) and schema is not None and math.isfinite(value) and value.is_integer()
            and "integer" in declared_types(schema) and "number" not in declared_types(schema)):
        return int(value)
    return value


def render_session(canonical: dict, target: str) -> dict:
    """The target's session payload, keys in the order of that shape's schema.
    Fields the target cannot carry and drops (temperature for GA) are left out."""
    session = target_module(target).render(without_dropped(canonical, target))
    return order_like(session, load_schema(SHAPE_SCHEMAS[target]))


def tool_identity(tool: Any) -> str | None:
    """What names a tool among the others: a function's `name`, an MCP tool's `server_label`
    (tools merge by it when building, match by it in a diff, and must not repeat: R003)."""
    if isinstance(tool, dict):
        for key in ("name", "server_label"):
            if isinstance(tool.get(key), str):
                return f"{key}={tool[key]}"
    return None
