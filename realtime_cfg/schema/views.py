"""The session schema: where it lives, the engine built from it, and views of it.

`schemas/session.schema.json` at the top of the repository is the single source
of truth. A wheel carries that same file as `realtime_cfg/schemas/` (copied at
build time by hatchling's force-include); a source checkout reads it in place.
Nothing else in the package restates field names, types or ranges.
"""

from __future__ import annotations

import importlib.util
import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from ..targets import CANONICAL, ga, schema_names
from .engine import SchemaEngine, json_schema_fetcher, json_type, pointer_target

SHAPE_SCHEMAS = schema_names()  # {target: the schema of a file written in its shape}
SESSION_SCHEMA = SHAPE_SCHEMAS[CANONICAL]  # the authoring format: the flat shape plus every target's settings
GA_SCHEMA = ga.SCHEMA  # GA-shaped files; it refers to SESSION_SCHEMA's definitions
_SIBLING_URI = "urn:rtcfg:schemas/"  # base URI of our schemas, so "session.schema.json#/..." resolves
_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # realtime_cfg/


def schema_path(name: str = SESSION_SCHEMA) -> Path:
    """Path of a schema file: the wheel's copy, else the source checkout's."""
    for candidate in (_PACKAGE_DIR / "schemas" / name, _PACKAGE_DIR.parent / "schemas" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"schema {name} not found next to the realtime_cfg package")


@lru_cache(maxsize=None)
def schema_text(name: str = SESSION_SCHEMA) -> str:
    return schema_path(name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def load_schema(name: str = SESSION_SCHEMA) -> dict:
    return json.loads(schema_text(name))


def _metaschema_directory() -> Path | None:
    # find_spec does not import the package: importing it would load
    # `referencing` (about 50 ms) just to locate a few JSON files.
    spec = importlib.util.find_spec("jsonschema_specifications")
    if spec is None or not spec.submodule_search_locations:
        return None
    directory = Path(list(spec.submodule_search_locations)[0]) / "schemas" / "draft202012"
    return directory if directory.is_dir() else None


def engine(name: str = SESSION_SCHEMA, compiled: bool = True) -> SchemaEngine:
    """One engine per schema, built once and reused for every file (`engine()` and
    `engine(SESSION_SCHEMA)` are the same one, compiled once). compiled=False: an engine that
    walks every value, for the tests to compare with."""
    return _engine(name, compiled)


@lru_cache(maxsize=None)
def _engine(name: str, compiled: bool) -> SchemaEngine:
    directory = _metaschema_directory()
    fetch_metaschema = json_schema_fetcher(directory) if directory else None

    def fetch(uri: str) -> Any:
        if uri.startswith(_SIBLING_URI):
            return load_schema(uri[len(_SIBLING_URI):])
        return fetch_metaschema(uri) if fetch_metaschema else None

    return SchemaEngine(load_schema(name), fetch, base_uri=_SIBLING_URI + name, compiled=compiled)


# -- views used by validation and normalization ------------------------------------


def resolve_local(schema: Any, root: dict | None = None) -> Any:
    """Follow `$ref`s into the authoring schema ("#/$defs/..." inside it, or
    "session.schema.json#/..." from the GA schema, which defines nothing itself)
    until a schema without one. The referring schema's own keys win."""
    root = root if root is not None else load_schema()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        reference = schema["$ref"].removeprefix(SESSION_SCHEMA)
        if not reference.startswith("#/"):
            return schema  # a meta-schema: not ours to describe
        try:
            node = pointer_target(root, reference[1:])
        except KeyError:
            return schema
        merged = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**node, **merged}
    return schema


# alternatives() runs for every value of every file; the answer depends only on the schema
# node, so it is kept. The entry holds the node itself, so its id cannot be reused.
_ALTERNATIVES: dict[tuple[int, int], tuple[Any, Any, list[dict]]] = {}


def alternatives(schema: Any, root: dict | None = None) -> list[dict]:
    """The object-or-scalar branches a value may take: anyOf/oneOf flattened. Callers
    must not change the result."""
    key = (id(schema), id(root))
    hit = _ALTERNATIVES.get(key)
    if hit is not None and hit[0] is schema and hit[1] is root:
        return hit[2]
    result = _alternatives(schema, root)
    _ALTERNATIVES[key] = (schema, root, result)
    return result


def _alternatives(schema: Any, root: dict | None = None) -> list[dict]:
    schema = resolve_local(schema, root)
    if not isinstance(schema, dict):
        return []
    subs = schema.get("anyOf") or schema.get("oneOf")
    if not subs:
        return [schema]
    result = []
    for sub in subs:
        result.extend(alternatives(sub, root))
    # keep the parent's own keys (description, x-rtcfg-*) visible on each branch
    extras = {k: v for k, v in schema.items() if k not in ("anyOf", "oneOf")}
    return [{**extras, **branch} for branch in result]


@lru_cache(maxsize=None)
def session_properties(name: str = SESSION_SCHEMA) -> dict[str, Any]:
    """The top-level properties of a schema, computed once (read for every file)."""
    return object_properties(load_schema(name))


def object_properties(schema: Any, root: dict | None = None) -> dict[str, Any]:
    """Every property an object at this schema may have, in schema order,
    across all of its union branches."""
    props: dict[str, Any] = {}
    for branch in alternatives(schema, root):
        for name, sub in branch.get("properties", {}).items():
            props.setdefault(name, sub)
    return props


def items_schema(schema: Any, root: dict | None = None) -> Any:
    for branch in alternatives(schema, root):
        if "items" in branch:
            return branch["items"]
    return None


def declared_types(schema: Any, root: dict | None = None) -> set[str]:
    """JSON types the schema allows ("string", "null", ...); consts and enums count by their values' types."""
    types: set[str] = set()
    for branch in alternatives(schema, root):
        declared = branch.get("type")
        if isinstance(declared, str):
            types.add(declared)
        elif isinstance(declared, list):
            types.update(declared)
        if "const" in branch:
            types.add(json_type(branch["const"]))
        for value in branch.get("enum", ()):
            types.add(json_type(value))
    return types


def annotation(schema: Any, key: str, root: dict | None = None) -> Any:
    """An rtcfg annotation ("x-rtcfg-...") on the schema or any of its branches."""
    for branch in alternatives(schema, root):
        if key in branch:
            return branch[key]
    return None


def branch_for(schema: Any, value: Any) -> dict | None:
    """The union branch a valid value took (None if none fits): a mapping by its
    discriminator (`type`, or `x-rtcfg-discriminator`), anything else by const, enum or type."""
    for branch in alternatives(schema):
        if "const" in branch:
            if branch["const"] == value:
                return branch
            continue
        if "enum" in branch:
            if value in branch["enum"]:
                return branch
            continue
        declared = branch.get("type")
        names = declared if isinstance(declared, list) else [declared] if declared else []
        kind = json_type(value)
        if kind == "number" and math.isfinite(value) and value.is_integer():
            kind = "integer"  # 6000.0 is an integer to the schema engine too (JSON Schema: a whole number)
        if names and kind not in names and not (kind == "integer" and "number" in names):
            continue
        discriminator = branch.get("x-rtcfg-discriminator", {})
        key = discriminator.get("property", "type")
        tag = branch.get("properties", {}).get(key, {})
        if isinstance(value, dict) and "const" in tag and value.get(key, discriminator.get("default")) != tag["const"]:
            continue
        return branch
    return None


@lru_cache(maxsize=None)
def aliases() -> dict[str, str]:
    """{another spelling of a top-level field: the field} (`x-rtcfg-alias-of`): the one place
    that reads them (normalization renames, merging and --set replace, provenance traces back)."""
    return {key: annotation(sub, "x-rtcfg-alias-of") for key, sub in session_properties().items()
            if annotation(sub, "x-rtcfg-alias-of")}


# The schemas never change, so what is worked out from a node is kept, keyed by its id, with
# the node itself (which keeps the id from being reused for another object).
_PROPERTIES: dict[int, tuple[Any, dict[str, Any]]] = {}


def properties_of(schema: Any) -> dict[str, Any]:
    """object_properties(schema), worked out once a node: walks over a config ask for it at
    every mapping, and object_properties builds a new dict each call. Callers must not change
    the result."""
    hit = _PROPERTIES.get(id(schema))
    if hit is None or hit[0] is not schema:
        hit = _PROPERTIES[id(schema)] = (schema, object_properties(schema))
    return hit[1]


def _below(schema: Any) -> list[Any]:
    """The schemas a value's members are checked against, whichever branch the value takes:
    each branch's properties and items."""
    below = []
    for branch in alternatives(schema):
        below.extend(properties_of(branch).values())
        if "items" in branch:
            below.append(branch["items"])
    return below


class Reaches:
    """`Reaches(test)(schema)`: whether the schema, or one reached from it through the
    properties and items of its branches, passes `test`. Walks over a config ask it to skip
    the values below which nothing can matter (most of a config), so it is asked for nearly
    every value: each node's answer is worked out once, and kept with the node."""

    def __init__(self, test: Callable[[Any], bool]) -> None:
        self.test = test
        self.answers: dict[int, tuple[Any, bool]] = {}

    def __call__(self, schema: Any) -> bool:
        hit = self.answers.get(id(schema))
        if hit is not None and hit[0] is schema:
            return hit[1]
        # every node reached from here whose answer is not known yet, found together: a schema
        # may refer to itself, so a node's answer is settled only when nothing below changes
        nodes, below, todo = {id(schema): schema}, {}, [schema]
        while todo:
            node = todo.pop()
            below[id(node)] = _below(node)
            for sub in below[id(node)]:
                if id(sub) not in nodes and not self._known(sub):
                    nodes[id(sub)] = sub
                    todo.append(sub)
        passes = {key: self.test(node) for key, node in nodes.items()}

        def answer(sub: Any) -> bool:
            return passes[id(sub)] if id(sub) in passes else self.answers[id(sub)][1]

        changed = True
        while changed:
            changed = False
            for key in nodes:
                if not passes[key] and any(answer(sub) for sub in below[key]):
                    passes[key] = changed = True
        for key, node in nodes.items():
            self.answers[key] = (node, passes[key])
        return passes[id(schema)]

    def _known(self, schema: Any) -> bool:
        hit = self.answers.get(id(schema))
        return hit is not None and hit[0] is schema
