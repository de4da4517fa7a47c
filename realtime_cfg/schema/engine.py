"""A small JSON Schema (draft 2020-12) evaluator for the keywords rtcfg's schemas use.

Why not the jsonschema package at run time: importing it costs 60-85 ms on the
reference machine (it pulls in referencing, attrs, rpds and every format
checker), which is most of a pre-commit hook's budget, and its errors carry no
source positions anyway. This evaluator returns raw, structured errors that
check/rules/schema.py turns into diagnostics. The tests check that it agrees with the
jsonschema package on valid/invalid verdicts (tests/test_schema_engine.py).

Supported: boolean schemas, $ref / $dynamicRef (to a resource's top-level
dynamic anchor, which is all the standard meta-schemas need), type, enum, const,
properties, additionalProperties, required, propertyNames, items, minItems,
maxItems, uniqueItems, minimum, maximum, exclusiveMinimum, exclusiveMaximum,
multipleOf, minLength, maxLength, pattern, allOf, anyOf, oneOf, not.
Annotations (title, description, default, format, x-* ...) are ignored. A
schema using any other keyword is refused when the engine is built, so nothing
is ever skipped silently.

Most files are valid, and a valid file needs no explanation: errors() first asks the
compiled check of the schema (schema/compiled.py), which answers valid-or-not without
building errors, and walks the schema here only for a value it does not call valid. So
every error a user sees is the walker's. A schema node the compiler cannot compile makes
the engine walk every value from then on (never a wrong answer, only a slower one).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from .compiled import CannotDecide, Compiler, freeze as _freeze, is_type, json_equal, json_type
from .compiled import multiple_of as _multiple_of
from ..records import Record

# json_type and json_equal are defined with the compiled checks, and imported from here by the
# rest of the package
__all__ = ["SchemaEngine", "SchemaError", "UnsupportedSchema", "check_supported", "is_type", "json_equal",
           "json_schema_fetcher", "json_type", "pointer_target"]

Path_ = tuple  # instance path: keys and list indices

SUBSCHEMA_KEYWORDS = {"additionalProperties", "propertyNames", "items", "not"}
SUBSCHEMA_LIST_KEYWORDS = {"allOf", "anyOf", "oneOf"}
SUBSCHEMA_MAP_KEYWORDS = {"properties", "$defs"}
ASSERTION_KEYWORDS = {
    "$ref", "$dynamicRef", "type", "enum", "const", "required", "minItems", "maxItems",
    "uniqueItems", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "multipleOf", "minLength", "maxLength", "pattern",
}
ANNOTATION_KEYWORDS = {
    "$schema", "$id", "$comment", "$vocabulary", "$anchor", "$dynamicAnchor", "title",
    "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "format",
    "contentEncoding", "contentMediaType", "contentSchema",
}
KNOWN_KEYWORDS = (
    SUBSCHEMA_KEYWORDS | SUBSCHEMA_LIST_KEYWORDS | SUBSCHEMA_MAP_KEYWORDS
    | ASSERTION_KEYWORDS | ANNOTATION_KEYWORDS
)


class UnsupportedSchema(Exception):
    """The schema uses a keyword this evaluator does not implement."""


class SchemaError(Record):
    """One failed keyword. `code`: the nearest enclosing "x-rtcfg-code"; `branches` holds each
    alternative's errors for anyOf/oneOf, `branch_schemas` each alternative with its top-level
    $ref resolved (in its own document); `key`: the offending key, for additionalProperties /
    propertyNames."""

    _fields = ("path", "keyword", "schema", "instance", "code", "branches", "branch_schemas", "key")
    __slots__ = _fields

    def __init__(self, path: Path_, keyword: str, schema: dict, instance: Any, code: str | None = None,
                 branches: list[list[SchemaError]] | None = None, branch_schemas: list[Any] | None = None,
                 key: str | None = None) -> None:
        self.path, self.keyword, self.schema, self.instance, self.code = path, keyword, schema, instance, code
        self.branches = [] if branches is None else branches
        self.branch_schemas = [] if branch_schemas is None else branch_schemas
        self.key = key


class _Failed(Exception):
    """A probed branch has an error; which one does not matter."""


class _Probe(list):
    """An error list that stops the evaluation at its first error."""

    __slots__ = ()

    def append(self, error: Any) -> None:
        raise _Failed


def check_supported(schema: Any, where: str = "#") -> None:
    """Raise UnsupportedSchema if any (sub)schema uses a keyword we do not evaluate."""
    if isinstance(schema, bool):
        return
    if not isinstance(schema, dict):
        raise UnsupportedSchema(f"{where}: a schema must be an object or a boolean")
    for key, value in schema.items():
        if key.startswith("x-"):
            continue
        if key not in KNOWN_KEYWORDS:
            raise UnsupportedSchema(f"{where}: keyword {key!r} is not supported")
        if key in SUBSCHEMA_KEYWORDS:
            check_supported(value, f"{where}/{key}")
        elif key in SUBSCHEMA_LIST_KEYWORDS:
            for i, sub in enumerate(value):
                check_supported(sub, f"{where}/{key}/{i}")
        elif key in SUBSCHEMA_MAP_KEYWORDS:
            for name, sub in value.items():
                check_supported(sub, f"{where}/{key}/{name}")


class _Resource:
    """A schema document and its URI; compared by identity, never by its document."""

    __slots__ = ("uri", "root")

    def __init__(self, uri: str, root: Any) -> None:
        self.uri, self.root = uri, root


class SchemaEngine:
    """Evaluates instances against one root schema.

    `fetch(uri)` returns the document for an absolute `$ref` URI (or None); it is
    called at most once per URI, the first time a reference needs it. `compiled=False`
    walks every value (the compiled check is skipped): the tests compare the two.
    """

    def __init__(self, root: dict, fetch: Callable[[str], Any] | None = None,
                 base_uri: str = "urn:rtcfg:root", compiled: bool = True):
        check_supported(root)
        self._root = _Resource(root.get("$id", base_uri), root)
        self._fetch = fetch
        self._resources: dict[str, _Resource] = {self._root.uri: self._root}
        self._patterns: dict[str, re.Pattern] = {}
        # enum lists as sets of frozen values, by id (the list is kept, so its id stays its own)
        self._enums: dict[int, tuple[list, frozenset]] = {}
        # (a $ref, the URI it is resolved in) -> (its target, the resource it loaded or None)
        self._references: dict[tuple[str, str], tuple[Any, _Resource | None]] = {}
        # compiled when a value first reaches each node; None: walk every value
        self._compiled = Compiler(self).check(root, (self._root,)) if compiled else None

    # -- public -----------------------------------------------------------------

    def errors(self, instance: Any) -> list[SchemaError]:
        if self.compiled_verdict(instance):
            return []
        out: list[SchemaError] = []
        self._eval(self._root.root, instance, (), (self._root,), None, out)
        return out

    def is_valid(self, instance: Any) -> bool:
        return not self.errors(instance)

    def compiled_verdict(self, instance: Any) -> bool | None:
        """The compiled check's verdict alone (True: valid), or None where it cannot decide (or
        the engine walks every value). errors() trusts it only when it says valid."""
        if self._compiled is None:
            return None
        try:
            return self._compiled.check(instance)
        except CannotDecide:  # the schema has a node the compiler cannot compile: walk from now on
            self._compiled = None
        except Exception:  # RecursionError, or a value the walker fails on too: the walker decides
            pass
        return None

    @property
    def uses_compiled_checks(self) -> bool:
        """False once a value reached a schema node the compiler cannot compile (or if built
        with compiled=False): every value is walked."""
        return self._compiled is not None

    def resolve(self, ref: str, scope: tuple[_Resource, ...]) -> tuple[Any, tuple[_Resource, ...]]:
        """The schema a `$ref` points at, and the resource scope to evaluate it in."""
        current = scope[-1]
        key = (ref, current.uri) if isinstance(ref, str) else None
        hit = self._references.get(key) if key else None
        if hit is None:
            base, _, fragment = ref.partition("#")
            loaded = None
            if base:
                loaded = self._load(base if ":" in base else current.uri.rsplit("/", 1)[0] + "/" + base)
            hit = (pointer_target((loaded or current).root, fragment), loaded)
            if key:
                self._references[key] = hit
        target, loaded = hit
        return target, (scope + (loaded,) if loaded is not None else scope)

    def resolve_dynamic(self, ref: str, scope: tuple[_Resource, ...]) -> tuple[Any, tuple[_Resource, ...]]:
        """The schema a `$dynamicRef` points at, and the resource scope to evaluate it in."""
        anchor = ref.lstrip("#")
        for index, resource in enumerate(scope):  # outermost first, per the spec
            if isinstance(resource.root, dict) and resource.root.get("$dynamicAnchor") == anchor:
                return resource.root, scope[: index + 1]
        return self.resolve(ref, scope)

    # -- internals --------------------------------------------------------------

    def _load(self, uri: str) -> _Resource:
        resource = self._resources.get(uri)
        if resource is None:
            document = self._fetch(uri) if self._fetch else None
            if document is None:
                raise UnsupportedSchema(f"cannot resolve $ref {uri!r}")
            check_supported(document, uri)
            resource = self._resources[uri] = _Resource(uri, document)
        return resource

    def _enum(self, values: list) -> frozenset:
        cached = self._enums.get(id(values))
        if cached is None or cached[0] is not values:
            cached = self._enums[id(values)] = (values, frozenset(_freeze(v) for v in values))
        return cached[1]

    def _pattern(self, pattern: str) -> re.Pattern:
        compiled = self._patterns.get(pattern)
        if compiled is None:
            compiled = self._patterns[pattern] = re.compile(pattern)
        return compiled

    def _eval(self, schema: Any, instance: Any, path: Path_, scope: tuple, code: str | None,
              out: list[SchemaError]) -> None:
        if schema is True:
            return
        if schema is False:
            out.append(SchemaError(path, "false", {}, instance, code))
            return
        code = schema.get("x-rtcfg-code", code)

        def fail(keyword: str, **extra: Any) -> None:
            out.append(SchemaError(path, keyword, schema, instance, code, **extra))

        expected = schema.get("type")
        if expected is not None:
            if not (is_type(instance, expected) if isinstance(expected, str)
                    else any(is_type(instance, name) for name in expected)):
                fail("type")
                return  # every other keyword's error would restate this one
        if "$ref" in schema:
            target, target_scope = self.resolve(schema["$ref"], scope)
            self._eval(target, instance, path, target_scope, code, out)
        if "$dynamicRef" in schema:
            target, target_scope = self.resolve_dynamic(schema["$dynamicRef"], scope)
            self._eval(target, instance, path, target_scope, code, out)

        if "enum" in schema and _freeze(instance) not in self._enum(schema["enum"]):
            fail("enum")
        if "const" in schema and not json_equal(instance, schema["const"]):
            fail("const")

        if isinstance(instance, dict):
            self._eval_object(schema, instance, path, scope, code, out, fail)
        elif isinstance(instance, list):
            self._eval_array(schema, instance, path, scope, code, out, fail)
        elif isinstance(instance, str):
            if "minLength" in schema and len(instance) < schema["minLength"]:
                fail("minLength")
            if "maxLength" in schema and len(instance) > schema["maxLength"]:
                fail("maxLength")
            if "pattern" in schema and not self._pattern(schema["pattern"]).search(instance):
                fail("pattern")
        elif isinstance(instance, (int, float)) and not isinstance(instance, bool):
            self._eval_number(schema, instance, fail)

        for sub in schema.get("allOf", ()):
            self._eval(sub, instance, path, scope, code, out)
        # Unions are first probed (stop at a branch's first error); only a failing union
        # is evaluated again in full, for the explanation of each branch.
        if "anyOf" in schema and not any(self._passes(sub, instance, path, scope) for sub in schema["anyOf"]):
            fail("anyOf", branches=self._branches(schema["anyOf"], instance, path, scope, code),
                 branch_schemas=self._resolved(schema["anyOf"], scope))
        if "oneOf" in schema and sum(self._passes(sub, instance, path, scope) for sub in schema["oneOf"]) != 1:
            fail("oneOf", branches=self._branches(schema["oneOf"], instance, path, scope, code),
                 branch_schemas=self._resolved(schema["oneOf"], scope))
        if "not" in schema and self._passes(schema["not"], instance, path, scope):
            fail("not")

    def _passes(self, schema: Any, instance: Any, path: Path_, scope: tuple) -> bool:
        try:
            self._eval(schema, instance, path, scope, None, _Probe())
        except _Failed:
            return False
        return True

    def _resolved(self, subs: list, scope: tuple) -> list[Any]:
        resolved = []
        for sub in subs:
            for keyword, follow in (("$ref", self.resolve), ("$dynamicRef", self.resolve_dynamic)):
                if isinstance(sub, dict) and keyword in sub:
                    target = follow(sub[keyword], scope)[0]
                    rest = {k: v for k, v in sub.items() if k != keyword}
                    sub = {**target, **rest} if isinstance(target, dict) else target
            resolved.append(sub)
        return resolved

    def _branches(self, subs: Iterable, instance: Any, path: Path_, scope: tuple,
                  code: str | None) -> list[list[SchemaError]]:
        branches = []
        for sub in subs:
            errors: list[SchemaError] = []
            self._eval(sub, instance, path, scope, code, errors)
            branches.append(errors)
        return branches

    def _eval_object(self, schema, instance, path, scope, code, out, fail) -> None:
        for name in schema.get("required", ()):
            if name not in instance:
                fail("required", key=name)
        properties = schema.get("properties", {})
        additional = schema.get("additionalProperties", True)
        names = schema.get("propertyNames")
        for key, value in instance.items():
            if names is not None:
                probe: list[SchemaError] = []
                self._eval(names, key, path, scope, code, probe)
                if probe:
                    fail("propertyNames", key=key)
            sub = properties.get(key)
            if sub is not None:
                self._eval(sub, value, path + (key,), scope, code, out)
            elif additional is False:
                fail("additionalProperties", key=key)
            elif additional is not True:
                self._eval(additional, value, path + (key,), scope, code, out)

    def _eval_array(self, schema, instance, path, scope, code, out, fail) -> None:
        if "minItems" in schema and len(instance) < schema["minItems"]:
            fail("minItems")
        if "maxItems" in schema and len(instance) > schema["maxItems"]:
            fail("maxItems")
        if schema.get("uniqueItems"):
            frozen = [_freeze(v) for v in instance]
            if len(set(frozen)) != len(frozen):
                fail("uniqueItems")
        items = schema.get("items")
        if items is not None and items is not True:
            for index, value in enumerate(instance):
                self._eval(items, value, path + (index,), scope, code, out)

    @staticmethod
    def _eval_number(schema, instance, fail) -> None:
        if "minimum" in schema and instance < schema["minimum"]:
            fail("minimum")
        if "maximum" in schema and instance > schema["maximum"]:
            fail("maximum")
        if "exclusiveMinimum" in schema and instance <= schema["exclusiveMinimum"]:
            fail("exclusiveMinimum")
        if "exclusiveMaximum" in schema and instance >= schema["exclusiveMaximum"]:
            fail("exclusiveMaximum")
        if "multipleOf" in schema and math.isfinite(instance) and not _multiple_of(instance, schema["multipleOf"]):
            fail("multipleOf")


def json_schema_fetcher(directory: Path) -> Callable[[str], Any]:
    """Fetch the draft 2020-12 meta-schemas from a directory laid out as
    jsonschema-specifications ships them (metaschema.json, vocabularies/NAME)."""
    prefix = "https://json-schema.org/draft/2020-12/"

    def fetch(uri: str) -> Any:
        if not uri.startswith(prefix):
            return None
        rest = uri[len(prefix):]
        if rest == "schema":
            file = directory / "metaschema.json"
        elif rest.startswith("meta/"):
            file = directory / "vocabularies" / rest[len("meta/"):]
        else:
            return None
        try:
            return json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    return fetch


def pointer_target(document: Any, pointer: str) -> Any:
    """The value a JSON Pointer (`/$defs/city`, with `~1` for `/` and `~0` for `~`) names in
    `document`: the one reader of `$ref` fragments (the engine's, the schema views', and the
    check for tool parameters whose `$ref` points at nothing). KeyError if it names nothing."""
    if pointer and not pointer.startswith("/"):
        raise KeyError(pointer)  # a plain-name fragment (an $anchor), not a pointer
    node = document
    for part in pointer.split("/")[1:]:  # "" is the whole document; "/" its key ""
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(pointer)
    return node
