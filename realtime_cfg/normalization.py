"""The canonical form of a session config.

Rules (documented in README "Normalization"); the result is idempotent:
- A token limit (fields marked `x-rtcfg-normalize: token-limit` in the schema)
  accepts "inf" in any letter case and YAML's `.inf` as "inf", and "2048" or
  2048.0 as 2048. Anything else is left as written for validation to reject:
  nothing is ever clamped into range.
- A key marked `x-rtcfg-alias-of` is renamed to the key it stands for
  (`max_output_tokens` -> `max_response_output_tokens`).
- A whole-number float in a field the schema types as integer becomes an int.
- Keys follow the schema's property order; keys the schema does not describe
  (inside tool parameters or tracing metadata) keep the order they were written in.
- An explicit null is kept: null switches a feature off, absence keeps the server's default.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .schema import annotation, declared_types, items_schema, load_schema, object_properties

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


_COERCIONS = {"token-limit": _token_limit}


def coerce(data: dict) -> dict:
    """Apply the lenient spellings the schema allows (a shallow copy; same keys, same order)."""
    properties = object_properties(load_schema())
    result = dict(data)
    for key, value in data.items():
        rule = annotation(properties[key], "x-rtcfg-normalize") if key in properties else None
        if rule:
            result[key] = _COERCIONS[rule](value)
    return result


def normalize(data: dict) -> dict:
    """The canonical form of valid config data (see the module docstring). Returns new objects."""
    schema = load_schema()
    properties = object_properties(schema)
    renamed: dict[str, Any] = {}
    for key, value in coerce(data).items():
        alias_of = annotation(properties[key], "x-rtcfg-alias-of") if key in properties else None
        renamed[alias_of or key] = value
    return _canonical(renamed, schema)


def _canonical(value: Any, schema: Any) -> Any:
    if isinstance(value, dict):
        properties = object_properties(schema) if schema is not None else {}
        ordered = [k for k in properties if k in value] + [k for k in value if k not in properties]
        return {k: _canonical(value[k], properties.get(k)) for k in ordered}
    if isinstance(value, list):
        items = items_schema(schema) if schema is not None else None
        return [_canonical(v, items) for v in value]
    if (isinstance(value, float) and schema is not None and math.isfinite(value) and value.is_integer()
            and "integer" in declared_types(schema) and "number" not in declared_types(schema)):
        return int(value)
    return value
