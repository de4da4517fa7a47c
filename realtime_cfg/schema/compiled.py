"""Compiled checks: "is this value valid?" answered fast, for the common case of a valid file.

The walker in engine.py explains an invalid value (each error with its path and code) and reads
the schema node by node for every value it checks. Most files are valid, and for them the
verdict is all that is needed. This module turns each schema node, once, into a Python function
that returns True or False and builds nothing on the way:

- each keyword becomes a check made for it: `type` a table of Python types, `enum` a frozenset,
  `properties` a dict from a key to the check of its value, `required` a tuple;
- `$ref`, `$dynamicRef` and `allOf` are followed when compiling, and the checks of what they
  point at join the node's own: the 2020-12 meta-schema (seven vocabularies joined by allOf)
  becomes one node, which reads an object's keys once, not eight times;
- a subschema (a property's value, items, a union's branch) is compiled the first time a value
  reaches it, so a file that uses few fields compiles few; each node is compiled once per
  resolution scope, so a recursive schema (the meta-schema's `$dynamicRef: "#meta"`) becomes a
  finite set of functions that call each other.

The checks mean what the walker means, keyword by keyword: the functions that say what a JSON
value is (`json_type`, `is_type`, `json_equal`, `multiple_of`) are defined here once and the walker
uses them too. What the compiler cannot compile (a `$ref` to nothing, a keyword whose value is of
the wrong kind) becomes a check that raises CannotDecide, and the engine walks instead.
"""

from __future__ import annotations

import math
import re
import _thread  # threading's RLock itself, without importing threading (~1 ms of start-up)
from typing import Any, Callable

# -- JSON values as the keywords see them (the walker in engine.py uses these too) -------------

# The JSON type of each Python type a parser makes. A subclass (or any other type) takes the slow
# way through json_type's isinstance tests.
_JSON_TYPE_OF = {type(None): "null", bool: "boolean", int: "integer", float: "number", str: "string",
                 list: "array", dict: "object"}


def json_type(value: Any) -> str:
    kind = _JSON_TYPE_OF.get(type(value))
    if kind is not None:
        return kind
    if value is None:
        return "null"
    if value is True or value is False:
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def is_type(value: Any, name: str) -> bool:
    kind = json_type(value)
    if kind == name:
        return True
    if name == "number":
        return kind == "integer"
    if name == "integer":
        return kind == "number" and math.isfinite(value) and value == int(value)
    return False


def freeze(value: Any) -> Any:
    """A hashable stand-in with JSON equality: 1 == 1.0, but true != 1."""
    if isinstance(value, bool) or value is None:
        return ("lit", value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isfinite(value) and value == int(value):
            value = int(value)
        return ("num", value)
    if isinstance(value, list):
        return ("arr", tuple(freeze(v) for v in value))
    if isinstance(value, dict):
        return ("obj", frozenset((k, freeze(v)) for k, v in value.items()))
    return ("str", value)


def json_equal(a: Any, b: Any) -> bool:
    return freeze(a) == freeze(b)


def multiple_of(instance: int | float, divisor: int | float) -> bool:
    """Whether `instance` is a multiple of `divisor`, decided as jsonschema decides it: exactly
    for integers (float division loses digits past 2**53), by float division for a float
    divisor, exactly again where that quotient overflows."""
    if not isinstance(divisor, float):
        return instance % divisor == 0
    quotient = instance / divisor
    try:
        return int(quotient) == quotient
    except OverflowError:  # a huge instance over a small divisor: infinity in floats
        from fractions import Fraction  # here, not at the top: it imports decimal, 2 ms of every start

        return (Fraction(instance) / Fraction(divisor)).denominator == 1


# -- compiled checks ----------------------------------------------------------------------------


class CannotDecide(Exception):
    """A check reached a schema node the compiler could not compile: the walker must decide."""


class Check:
    """One compiled check, called as `check.check(value)` (True: valid). Every check of a node is
    held this way, so that a subschema can be compiled on its first use: until then `check` is
    a stub that compiles the subschema and puts the compiled function in its place."""

    __slots__ = ("check",)

    def __init__(self, check: Callable[[Any], bool]):
        self.check = check


class _Lazy(Check):
    __slots__ = ("_compile",)

    def __init__(self, compile: Callable[[], Callable[[Any], bool]]):
        self._compile = compile
        self.check = self._first_check

    def _first_check(self, value: Any) -> bool:
        self.check = self._compile()
        return self.check(value)

    def call_late(self, value: Any) -> bool:
        """For a caller that keeps a function, not the Check: whatever `check` is by then."""
        return self.check(value)


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


NEVER = Check(_never)  # `false`, or a key additionalProperties: false refuses


def _whole_number(value: float) -> bool:
    """A float where only "integer" is allowed: is_type's rule (6000.0 is an integer)."""
    return math.isfinite(value) and value == int(value)


WHOLE_NUMBER = Check(_whole_number)


class _Plan:
    """What a node (with the nodes its `$ref`, `$dynamicRef` and `allOf` bring in) asserts,
    sorted by the kind of value each check applies to. All of it must hold: the walker, too,
    reports a value invalid when any one keyword of any of these nodes fails."""

    __slots__ = ("never", "types", "any_value", "required", "key_checks", "object_groups",
                 "array", "string", "number")

    def __init__(self) -> None:
        self.never = False  # the node is `false`
        self.types: list[tuple] = []  # each `type` keyword's names: a value must have one of each
        self.any_value: list[Check] = []  # enum, const, anyOf, oneOf, not, and references compiled late
        self.required: list = []  # names an object must have
        self.key_checks: list[Check] = []  # propertyNames: checks of each key
        # (properties, additionalProperties) of each node that has them: {key: Check}, and True,
        # False or a Check for the other keys
        self.object_groups: list[tuple[dict, Any]] = []
        self.array: list[Check] = []
        self.string: list[Check] = []
        self.number: list[Check] = []  # int and float, never bool

    def include(self, other: _Plan) -> None:
        self.never = self.never or other.never
        self.types.extend(names for names in other.types if names not in self.types)
        for mine, theirs in ((self.any_value, other.any_value), (self.required, other.required),
                             (self.key_checks, other.key_checks), (self.object_groups, other.object_groups),
                             (self.array, other.array), (self.string, other.string), (self.number, other.number)):
            mine.extend(theirs)


class Compiler:
    """The compiled checks of one SchemaEngine's schemas. `engine` resolves references exactly
    as the walker does: `engine.resolve(ref, scope)` and `engine.resolve_dynamic(ref, scope)`
    give (the target node, the scope to evaluate it in); a scope is a tuple of resources, each
    with the document it holds as `.root`."""

    def __init__(self, engine: Any):
        self._engine = engine
        self._plans: dict[tuple, tuple[Any, _Plan]] = {}  # (id(node), scope key) -> (node, its plan)
        self._checks: dict[tuple, tuple[Any, Check]] = {}  # the same key -> (node, its check)
        self._functions: dict[int, tuple[_Plan, Callable]] = {}  # id(plan) -> the plan's function
        self._in_progress: set[tuple] = set()  # the plans being made: a reference back is compiled late
        self._lock = _thread.RLock()
        self._scopes: dict[tuple, tuple[tuple, tuple]] = {}  # scope -> (the part that matters, its key)

    def check(self, node: Any, scope: tuple) -> Check:
        """The check of `node` evaluated in `scope`, compiled when first called."""
        scope, scope_key = self._scope(scope)
        key = (id(node), scope_key)
        hit = self._checks.get(key)
        if hit is None:
            hit = self._checks[key] = (node, _Lazy(lambda: self._function_of(node, scope)))
        return hit[1]

    # -- plans ---------------------------------------------------------------------------------

    def _function_of(self, node: Any, scope: tuple) -> Callable[[Any], bool]:
        # One compilation at a time: a thread must not take another's half-made plan for a
        # reference back to itself. Checking needs no lock; a compiled function never changes.
        with self._lock:
            try:
                plan = self._plan(node, scope)
            except RecursionError:  # a value nested deep, not the schema: compile it on a later call
                raise
            except Exception as problem:  # the walker raises it, or reports something: it decides
                def undecided(value: Any, problem: Exception = problem) -> bool:
                    raise CannotDecide(problem)
                return undecided
            hit = self._functions.get(id(plan))
            if hit is None:  # a node that is only a $ref shares the plan, and so the function, of its target
                hit = self._functions[id(plan)] = (plan, _function(plan))
            return hit[1]

    def _scope(self, scope: tuple) -> tuple[tuple, tuple]:
        hit = self._scopes.get(scope)  # a resource is hashed by its identity
        if hit is None:
            matters = _scope_that_matters(scope)
            hit = self._scopes[scope] = (matters, tuple(map(id, matters)))
        return hit

    def _plan(self, node: Any, scope: tuple) -> _Plan:
        scope, scope_key = self._scope(scope)
        key = (id(node), scope_key)
        hit = self._plans.get(key)
        if hit is not None:
            return hit[1]
        if key in self._in_progress:  # a node that refers back to itself: call its check, compiled late
            plan = _Plan()
            plan.any_value.append(self.check(node, scope))
            return plan
        self._in_progress.add(key)
        try:
            plan = self._make_plan(node, scope)
        finally:
            self._in_progress.discard(key)
        self._plans[key] = (node, plan)
        return plan

    def _make_plan(self, node: Any, scope: tuple) -> _Plan:
        plan = _Plan()
        if node is True:
            return plan
        if node is False:
            plan.never = True
            return plan
        if not isinstance(node, dict):
            raise TypeError(f"a schema must be an object or a boolean, not {type(node).__name__}")
        if _only_refers(node):  # share the target's plan, and so its function
            return self._plan(*self._follow(node, scope))

        expected = node.get("type")
        if expected is not None:
            # the walker reads a string as one name and iterates anything else
            plan.types.append((expected,) if isinstance(expected, str) else tuple(expected))
        if "$ref" in node:
            plan.include(self._plan(*self._engine.resolve(node["$ref"], scope)))
        if "$dynamicRef" in node:
            plan.include(self._plan(*self._engine.resolve_dynamic(node["$dynamicRef"], scope)))
        if "enum" in node:
            plan.any_value.append(_enum(node["enum"]))
        if "const" in node:
            plan.any_value.append(_const(node["const"]))
        self._object_keywords(node, scope, plan)
        self._array_keywords(node, scope, plan)
        _string_keywords(node, plan)
        _number_keywords(node, plan)
        for sub in node.get("allOf", ()):
            plan.include(self._plan(sub, scope))
        if "anyOf" in node:
            plan.any_value.append(_any_of([self.check(sub, scope) for sub in node["anyOf"]]))
        if "oneOf" in node:
            plan.any_value.append(_one_of([self.check(sub, scope) for sub in node["oneOf"]]))
        if "not" in node:
            plan.any_value.append(_not(self.check(node["not"], scope)))
        return plan

    def _follow(self, node: dict, scope: tuple) -> tuple[Any, tuple]:
        if "$ref" in node:
            return self._engine.resolve(node["$ref"], scope)
        return self._engine.resolve_dynamic(node["$dynamicRef"], scope)

    def _object_keywords(self, node: dict, scope: tuple, plan: _Plan) -> None:
        plan.required.extend(node.get("required", ()))
        properties = node.get("properties", {})
        if not isinstance(properties, dict):
            raise TypeError("properties must be an object")
        additional = node.get("additionalProperties", True)
        names = node.get("propertyNames")
        if names is not None:
            plan.key_checks.append(self.check(names, scope))
        # a property whose schema is null is no property to the walker: the other keys' rule applies
        declared = {key: self.check(sub, scope) for key, sub in properties.items() if sub is not None}
        if declared or additional is not True:
            others = additional if additional is True or additional is False else self.check(additional, scope)
            plan.object_groups.append((declared, others))

    def _array_keywords(self, node: dict, scope: tuple, plan: _Plan) -> None:
        if "minItems" in node:
            plan.array.append(_length_at_least(node["minItems"]))
        if "maxItems" in node:
            plan.array.append(_length_at_most(node["maxItems"]))
        if node.get("uniqueItems"):
            plan.array.append(Check(_unique_items))
        items = node.get("items")
        if items is not None and items is not True:
            plan.array.append(_each_item(self.check(items, scope)))


def _only_refers(node: dict) -> bool:
    """A node with one `$ref` or `$dynamicRef` and nothing else the walker reads asserts exactly
    what its target asserts."""
    references = ("$ref" in node) + ("$dynamicRef" in node)
    return references == 1 and all(key in _REFERENCES_AND_ANNOTATIONS or key.startswith("x-") for key in node)


# the keys a walker never reads (besides x-*), and the two references
_REFERENCES_AND_ANNOTATIONS = frozenset({
    "$ref", "$dynamicRef", "$schema", "$id", "$comment", "$vocabulary", "$anchor", "$dynamicAnchor", "$defs", "title",
    "description", "default", "examples", "deprecated", "readOnly", "writeOnly", "format",
    "contentEncoding", "contentMediaType", "contentSchema"})


def _scope_that_matters(scope: tuple) -> tuple:
    """The part of a resolution scope that can change what a node means. The walker resolves a
    `$ref` against the innermost resource (the last), and a `$dynamicRef` to the outermost
    resource whose root has that `$dynamicAnchor` (then keeps the scope up to it). So only the
    last resource and the first appearance of each anchored resource count: two scopes that
    agree on those resolve every reference alike. Keeping only those bounds the number of
    scopes a recursive schema is compiled in."""
    kept: list = []
    for resource in scope[:-1]:
        anchored = isinstance(resource.root, dict) and "$dynamicAnchor" in resource.root
        if anchored and all(resource is not seen for seen in kept):
            kept.append(resource)
    kept.append(scope[-1])
    return tuple(kept)


# -- one check per keyword ------------------------------------------------------------------


def _enum(members: Any) -> Check:
    frozen = frozenset(freeze(member) for member in members)
    strings = frozenset(member for member in members if isinstance(member, str))

    def enum(value: Any) -> bool:
        if type(value) is str:  # the usual case, without building its frozen form
            return value in strings
        return freeze(value) in frozen

    return Check(enum)


def _const(expected: Any) -> Check:
    frozen = freeze(expected)
    if type(expected) is str:
        def const(value: Any) -> bool:
            if type(value) is str:
                return value == expected
            return freeze(value) == frozen
    else:
        def const(value: Any) -> bool:
            return freeze(value) == frozen
    return Check(const)


def _any_of(branches: list[Check]) -> Check:
    def any_of(value: Any) -> bool:
        for branch in branches:
            if branch.check(value):
                return True
        return False

    return Check(any_of)


def _one_of(branches: list[Check]) -> Check:
    def one_of(value: Any) -> bool:
        passed = 0
        for branch in branches:
            if branch.check(value):
                passed += 1
                if passed > 1:
                    return False
        return passed == 1

    return Check(one_of)


def _not(sub: Check) -> Check:
    return Check(lambda value: not sub.check(value))


# Bounds are compared as the walker compares them ("fails if value < minimum"), not turned
# around: NaN fails no comparison, so it passes every bound in both.

def _at_least(bound: Any) -> Check:
    return Check(lambda value: not value < bound)


def _at_most(bound: Any) -> Check:
    return Check(lambda value: not value > bound)


def _above(bound: Any) -> Check:
    return Check(lambda value: not value <= bound)


def _below(bound: Any) -> Check:
    return Check(lambda value: not value >= bound)


def _multiple_of(divisor: Any) -> Check:
    return Check(lambda value: not math.isfinite(value) or multiple_of(value, divisor))


def _length_at_least(bound: Any) -> Check:
    return Check(lambda value: not len(value) < bound)


def _length_at_most(bound: Any) -> Check:
    return Check(lambda value: not len(value) > bound)


def _unique_items(value: list) -> bool:
    frozen = [freeze(item) for item in value]
    return len(set(frozen)) == len(frozen)


def _each_item(items: Check) -> Check:
    def each_item(value: list) -> bool:
        for item in value:
            if not items.check(item):
                return False
        return True

    return Check(each_item)


def _pattern(pattern: Any) -> Check:
    search = re.compile(pattern).search  # re.search, as the walker: a pattern is not anchored
    return Check(lambda value: search(value) is not None)


def _string_keywords(node: dict, plan: _Plan) -> None:
    if "minLength" in node:
        plan.string.append(_length_at_least(node["minLength"]))
    if "maxLength" in node:
        plan.string.append(_length_at_most(node["maxLength"]))
    if "pattern" in node:
        plan.string.append(_pattern(node["pattern"]))


def _number_keywords(node: dict, plan: _Plan) -> None:
    if "minimum" in node:
        plan.number.append(_at_least(node["minimum"]))
    if "maximum" in node:
        plan.number.append(_at_most(node["maximum"]))
    if "exclusiveMinimum" in node:
        plan.number.append(_above(node["exclusiveMinimum"]))
    if "exclusiveMaximum" in node:
        plan.number.append(_below(node["exclusiveMaximum"]))
    if "multipleOf" in node:
        plan.number.append(_multiple_of(node["multipleOf"]))


def _object_check(plan: _Plan) -> Check | None:
    """One check of an object for every node of the plan: the keys are read once, each key's
    value checked against every node's schema for it (its property, or that node's rule for
    other keys)."""
    required = tuple(plan.required)
    key_checks = tuple(plan.key_checks)
    groups = plan.object_groups
    if not (required or key_checks or groups):
        return None
    if len(groups) == 1:  # one node's properties: nothing to merge
        by_key, others = groups[0]
        undeclared = _rule_for_other_keys(others)
    else:
        by_key, undeclared = _merged(groups)

    def object_(value: dict) -> bool:
        for name in required:
            if name not in value:
                return False
        for key, item in value.items():
            check = by_key.get(key, undeclared)
            if check is not None and not check.check(item):
                return False
        return True

    def object_with_key_checks(value: dict) -> bool:
        for key in value:
            for key_check in key_checks:
                if not key_check.check(key):
                    return False
        return object_(value)

    return Check(object_with_key_checks if key_checks else object_)


def _merged(groups: list[tuple[dict, Any]]) -> tuple[dict, Check | None]:
    """The properties of several nodes as one: {key: the one check of its value}, and the check
    of a key no node declares."""

    def check_of(key: Any) -> Check | None:
        """The one check of a key's value: each node's property, or that node's rule for other keys."""
        checks = []
        for properties, others in groups:
            check = properties.get(key)
            if check is None:
                check = _rule_for_other_keys(others)
            if check is NEVER:
                return NEVER
            if check is not None:
                checks.append(check)
        return _all_checks(checks)

    declared = {key for properties, _ in groups for key in properties}
    return {key: check_of(key) for key in declared}, check_of(_NO_KEY)


_NO_KEY = object()  # a key no node declares


def _rule_for_other_keys(additional: Any) -> Check | None:
    """additionalProperties as a check: None where any key is allowed (true, or absent)."""
    if additional is True:
        return None
    return NEVER if additional is False else additional


def _all_checks(checks: list[Check]) -> Check | None:
    """One Check for several that must all pass (None for none)."""
    if len(checks) < 2:
        return checks[0] if checks else None

    def all_checks(value: Any) -> bool:
        for check in checks:
            if not check.check(value):
                return False
        return True

    return Check(all_checks)


def _function_of_checks(checks: list[Check]) -> Callable[[Any], bool]:
    """One function for checks that must all pass. A compiled check's function never changes, so
    it is called directly; a check compiled late is called through its Check."""
    functions = tuple(check.check if type(check) is Check else check.call_late for check in checks)
    if not functions:
        return _always
    if len(functions) == 1:
        return functions[0]

    def all_of(value: Any) -> bool:
        for function in functions:
            if not function(value):
                return False
        return True

    return all_of


def _verdict_of_type(kind: str, types: list[tuple]) -> str | None:
    """Whether every `type` keyword of a plan accepts a value of JSON type `kind`: "yes", None
    (no), or "whole" (only if the value is a whole number: a float where "integer" is asked)."""
    verdict = "yes"
    for names in types:
        if kind in names or (kind == "integer" and "number" in names):
            continue
        if kind == "number" and "integer" in names:
            verdict = "whole"
            continue
        return None
    return verdict


def _function(plan: _Plan) -> Callable[[Any], bool]:
    """The plan as one function. What applies to a value depends on its JSON type, so a table
    gives, for each Python type a parser makes, the one function that checks such a value."""
    if plan.never:
        return _never
    object_check = _object_check(plan)
    specific = {dict: [object_check] if object_check else [], list: plan.array, str: plan.string,
                int: plan.number, float: plan.number}
    checks_by_type: dict[type, list[Check] | None] = {}  # None: the type is refused
    for python_type, kind in _JSON_TYPE_OF.items():
        verdict = _verdict_of_type(kind, plan.types)
        if verdict is not None:
            first = [WHOLE_NUMBER] if verdict == "whole" else []
            checks_by_type[python_type] = first + plan.any_value + specific.get(python_type, [])
        else:
            checks_by_type[python_type] = None

    def other_type(value: Any) -> bool:
        """A value of another Python type (a subclass of str, say): the walker's own tests."""
        for names in plan.types:
            if not any(is_type(value, name) for name in names):
                return False
        checks = list(plan.any_value)
        if isinstance(value, dict):
            checks += specific[dict]
        elif isinstance(value, list):
            checks += plan.array
        elif isinstance(value, str):
            checks += plan.string
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            checks += plan.number
        return all(check.check(value) for check in checks)

    if not any(checks_by_type.values()):  # only `type`s, or nothing: one set lookup
        if not plan.types:
            return _always
        accepted = frozenset(python_type for python_type, checks in checks_by_type.items() if checks is not None)
        return _type_only(accepted, other_type)

    by_type = {python_type: _never if checks is None else _function_of_checks(checks)
               for python_type, checks in checks_by_type.items()}

    def check(value: Any) -> bool:
        return by_type.get(type(value), other_type)(value)

    return check


def _type_only(accepted: frozenset, other_type: Callable[[Any], bool]) -> Callable[[Any], bool]:
    def type_only(value: Any) -> bool:
        python_type = type(value)
        if python_type in accepted:
            return True
        if python_type in _JSON_TYPE_OF:
            return False
        return other_type(value)

    return type_only
