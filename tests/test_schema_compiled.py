"""The compiled checks (realtime_cfg/schema/compiled.py) against the walker (schema/engine.py).

For every value: the compiled check calls it valid exactly when the walker finds no error, and
an engine that uses the compiled check reports exactly the walker's errors (the same list: path,
keyword, schema node, code, union branches). The values: every file of sample_configs/,
tests/hostile/ and tests/fixtures/ that loads, every example and default in schemas/, the
samples changed one value at a time, tool `parameters` that are and are not JSON Schemas, and
configs Hypothesis draws; against both engines the package builds and a probe of every
subschema. And an engine that meets a schema node it cannot compile gives the walker's answers.
"""

from __future__ import annotations

import copy
import json
import math
from enum import IntEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import realtime_cfg
from realtime_cfg.schema.engine import SchemaEngine, json_schema_fetcher
from realtime_cfg.schema.views import GA_SCHEMA, SESSION_SCHEMA, SHAPE_SCHEMAS, engine, load_schema

import strategies
from conftest import REMOVE, ROOT, SAMPLES, one_value_changed

SCHEMAS = tuple(SHAPE_SCHEMAS.values())  # the engines the package builds: one per shape


def agree(fast: SchemaEngine, walker: SchemaEngine, instance: Any, label: str = "") -> bool:
    """Assert the compiled check and the walker agree on `instance`; return whether it is valid."""
    expected = walker.errors(instance)
    assert fast.compiled_verdict(instance) is (not expected), label
    assert fast.errors(instance) == expected, label
    assert fast.is_valid(instance) is (not expected), label
    return not expected


def agree_for_every_shape(instance: Any) -> list[bool]:
    return [agree(engine(name), engine(name, compiled=False), instance) for name in SCHEMAS]


def test_the_engines_of_both_shapes_are_compiled():
    assert set(SCHEMAS) == {SESSION_SCHEMA, GA_SCHEMA}
    for name in SCHEMAS:
        assert engine(name).uses_compiled_checks
        assert not engine(name, compiled=False).uses_compiled_checks
    assert engine() is engine(SESSION_SCHEMA)  # the default is the same engine, compiled once


# -- every file that loads ----------------------------------------------------------------------

FILES = sorted(path for folder in (SAMPLES, ROOT / "tests" / "hostile", ROOT / "tests" / "fixtures")
               for path in folder.rglob("*") if path.is_file() and path.suffix in (".yaml", ".yml", ".json"))


def _loaded(path: Path) -> list[Any]:
    """The file's data as written and, where it builds, as built (extends, $file)."""
    found = []
    for read in (realtime_cfg.load, realtime_cfg.build):
        try:
            found.append(read(path).data)
        except Exception:  # a file that does not load or build (LoadError, OverrideError) is no value to check
            continue
    return found


def _mappings(value: Any) -> Iterator[dict]:
    """Every mapping inside `value`, itself included."""
    if isinstance(value, dict):
        yield value
        children = value.values()
    elif isinstance(value, list):
        children = value
    else:
        return
    for child in children:
        yield from _mappings(child)


def as_tool_parameters(parameters: Any) -> dict[str, dict]:
    """{schema: a config of its shape with one function tool whose `parameters` is `parameters`}"""
    tool = {"type": "function", "name": "f", "parameters": parameters}
    return {SESSION_SCHEMA: {"model": "gpt-realtime-2", "tools": [tool]}, GA_SCHEMA: {"type": "realtime", "tools": [tool]}}


def agree_in_its_shape(parameters: Any) -> list[bool]:
    """Whether a config with these tool `parameters` is valid, in each shape (asserting agreement)."""
    return [agree(engine(name), engine(name, compiled=False), config)
            for name, config in as_tool_parameters(parameters).items()]


def test_there_are_files_of_every_kind():
    loaded = {path: _loaded(path) for path in FILES}
    assert sum(1 for path, data in loaded.items() if data and SAMPLES in path.parents) >= 10
    assert any(data and "hostile" in path.parts for path, data in loaded.items())
    assert any(data and "fixtures" in path.parts for path, data in loaded.items())


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_file_that_loads(path):
    for data in _loaded(path):
        agree_for_every_shape(data)
        for mapping in _mappings(data):  # a live server's session, a spec's schema object, ...
            agree_for_every_shape(mapping)
            agree_in_its_shape(mapping)


def test_the_files_reach_both_verdicts():
    verdicts = {valid for path in FILES for data in _loaded(path) for valid in agree_for_every_shape(data)}
    assert verdicts == {True, False}


# -- every example and default in the schemas, against every subschema ---------------------------

URN = "urn:rtcfg:schemas/"


@lru_cache(maxsize=None)
def _fetch(uri: str) -> Any:
    if uri.startswith(URN):
        return load_schema(uri[len(URN):])
    import jsonschema_specifications  # the 2020-12 meta-schemas that function `parameters` refer to

    directory = Path(list(jsonschema_specifications.__path__)[0]) / "schemas" / "draft202012"
    return json_schema_fetcher(directory)(uri)


def _subschemas(node: Any, pointer: str = "") -> Iterator[str]:
    """The JSON pointer of every subschema of a schema file, the root first."""
    if not isinstance(node, dict):
        return
    yield pointer
    for keyword in ("properties", "$defs"):
        for key, sub in node.get(keyword, {}).items():
            yield from _subschemas(sub, f"{pointer}/{keyword}/{key.replace('~', '~0').replace('/', '~1')}")
    for keyword in ("anyOf", "oneOf", "allOf"):
        for index, sub in enumerate(node.get(keyword, ())):
            yield from _subschemas(sub, f"{pointer}/{keyword}/{index}")
    for keyword in ("items", "not", "additionalProperties", "propertyNames"):
        yield from _subschemas(node.get(keyword), f"{pointer}/{keyword}")


def _annotated_values(node: Any) -> Iterator[Any]:
    """Every `examples` item and `default` in a schema file."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), list):
            yield from node["examples"]
        if "default" in node:
            yield node["default"]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return
    for child in children:
        yield from _annotated_values(child)


SUBSCHEMAS = [(name, pointer) for name in SCHEMAS for pointer in _subschemas(load_schema(name))]
SCHEMA_VALUES = [value for name in SCHEMAS for value in _annotated_values(load_schema(name))]
# values of every JSON type, at and around the usual bounds, with the spellings the schemas name
SCALARS = [None, True, False, 0, 1, -1, 1.0, 1.5, 0.6, 1.2, 4096, 4097, 2**53 + 1, 1e300, math.inf, -math.inf,
           math.nan, "", "x", "auto", "inf", "none", "pcm16", "g711-ulaw", "server_vad", "function", [], {},
           [None], ["text", "audio"], ["text", "text"], {"bogus": 1}, {"type": "object"}]


def test_there_are_many_subschemas_and_examples():
    assert len(SUBSCHEMAS) > 200
    assert len(SCHEMA_VALUES) > 50


def _probe(node: tuple[str, str], compiled: bool) -> SchemaEngine:
    return SchemaEngine({"$ref": f"{node[0]}#{node[1]}"}, _fetch, base_uri=URN + "probe.json", compiled=compiled)


@pytest.mark.slow
@pytest.mark.parametrize("name", SCHEMAS)
def test_every_subschema_on_every_example_default_and_scalar(name):
    verdicts = set()
    for node in [node for node in SUBSCHEMAS if node[0] == name]:
        fast, walker = _probe(node, True), _probe(node, False)
        for value in [*SCHEMA_VALUES, *SCALARS]:
            verdicts.add(agree(fast, walker, value))
        assert fast.uses_compiled_checks
    assert verdicts == {True, False}


@pytest.mark.parametrize("name", SCHEMAS)
def test_the_whole_config_examples(name):
    for example in load_schema(name)["examples"]:
        assert agree_for_every_shape(example)[SCHEMAS.index(name)] is True


# -- the samples changed one value at a time ---------------------------------------------------

GOOD = sorted(p for p in SAMPLES.glob("*.*") if p.suffix in (".yaml", ".json"))
OTHER_TYPES = (REMOVE, None, True, 1, 1.5, "x", [], {})


def mutants(data: dict) -> Iterator[tuple[str, dict]]:
    """`data` with each value removed or replaced by a value of each JSON type, and with an
    unknown key added to each mapping."""
    yield from one_value_changed(data, OTHER_TYPES)
    for index, mapping in enumerate(_mappings(data)):
        changed = copy.deepcopy(data)
        list(_mappings(changed))[index]["unknown_key_added"] = 1
        yield f"mapping {index} + unknown_key_added", changed


def test_the_samples_are_of_both_shapes():
    assert {realtime_cfg.load(path).shape for path in GOOD} == set(SHAPE_SCHEMAS)


@pytest.mark.slow
@pytest.mark.parametrize("path", GOOD, ids=lambda path: path.name)
def test_every_one_change_to_a_sample(path):
    document = realtime_cfg.load(path)
    fast, walker = engine(SHAPE_SCHEMAS[document.shape]), engine(SHAPE_SCHEMAS[document.shape], compiled=False)
    assert agree(fast, walker, document.data)
    verdicts = set()
    for label, mutant in mutants(document.data):
        verdicts.add(agree(fast, walker, mutant, label))
    assert verdicts == {True, False}


# -- tool parameters: JSON Schemas and not ---------------------------------------------------

VALID_PARAMETERS = [
    {},
    {"type": "object"},
    {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"], "additionalProperties": False},
    {"type": "object", "properties": {"a": {"type": ["string", "null"], "enum": ["x", None]}}},
    {"type": "object", "$defs": {"x": {"type": "integer", "minimum": 0}}, "properties": {"a": {"$ref": "#/$defs/x"}}},
    {"type": "array", "items": {"anyOf": [{"const": 1}, {"pattern": "^a"}]}, "minItems": 1, "uniqueItems": True},
    {"oneOf": [{"type": "integer"}, {"minimum": 0}], "not": {"multipleOf": 2.5}},
    {"if": {"type": "string"}, "then": {"minLength": 1}, "else": {"type": "null"}},
    {"patternProperties": {"^x-": True}, "propertyNames": {"maxLength": 10}, "dependentRequired": {"a": ["b"]}},
    {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x", "$anchor": "top",
     "$comment": "c", "title": "t", "description": "d", "default": 1, "examples": [1], "deprecated": False},
    {"unevaluatedProperties": False, "contains": {"type": "string"}, "maxContains": 2, "minContains": 0},
    {"definitions": {"a": {}}, "dependencies": {"a": ["b"], "c": {"type": "object"}}},
    {"format": "date-time", "contentEncoding": "base64", "contentMediaType": "text/plain"},
    {"type": "number", "multipleOf": 1e-9, "exclusiveMinimum": 0, "maximum": 1.0},
]
INVALID_PARAMETERS = [
    {"type": "object", "properties": {"a": {"type": 5}}},
    {"type": "strin"},
    {"minLength": -1},
    {"minLength": 1.5},
    {"$defs": {"x": {"enum": "notalist"}}},
    {"type": "object", "required": "a"},
    {"type": "object", "required": ["a", "a"]},
    {"type": "object", "properties": []},
    {"type": ["string", "string"]},
    {"type": []},
    {"multipleOf": 0},
    {"pattern": 5},
    {"allOf": []},
    {"anyOf": {}},
    {"items": 5},
    {"$anchor": "1bad"},
    {"$id": "urn:x#fragment"},
    {"additionalProperties": "no"},
    {"dependencies": {"a": 5}},
    {"$vocabulary": {"urn:x": "yes"}},
    5,
    "object",
    [],
]


def nested(parameters: Any, depth: int) -> Any:
    """`parameters` deep inside a schema: valid exactly where `parameters` is."""
    wrappers = [
        lambda inner: {"type": "object", "properties": {"a": inner}},
        lambda inner: {"type": "array", "items": inner},
        lambda inner: {"anyOf": [{"type": "null"}, inner]},
        lambda inner: {"$defs": {"deep": inner}, "$ref": "#/$defs/deep"},
        lambda inner: {"not": inner},
        lambda inner: {"additionalProperties": inner, "dependentSchemas": {"a": True}},
    ]
    for level in range(depth):
        parameters = wrappers[level % len(wrappers)](parameters)
    return parameters


@pytest.mark.parametrize("depth", [0, 1, 6, 40])
@pytest.mark.parametrize("parameters, valid", [(p, True) for p in VALID_PARAMETERS] + [(p, False) for p in INVALID_PARAMETERS],
                         ids=[f"valid-{i}" for i in range(len(VALID_PARAMETERS))] + [f"invalid-{i}" for i in range(len(INVALID_PARAMETERS))])
def test_tool_parameters(parameters, valid, depth):
    # `parameters` must be a mapping; a scalar or a list, at any depth, is no schema
    assert agree_in_its_shape(nested(parameters, depth)) == [valid, valid]


def test_parameters_nested_past_the_file_limit_agree_too():
    """100 levels is as deep as a file may nest; the engines take deeper values from the library."""
    for parameters, valid in ((VALID_PARAMETERS[2], True), (INVALID_PARAMETERS[0], False)):
        assert agree_in_its_shape(nested(parameters, 120)) == [valid, valid]


# -- the keywords at their edges (a schema of its own, compiled and walked) ------------------


class Level(IntEnum):
    LOW = 1


class Text(str):
    pass


EDGES = [
    ({"type": "integer"}, [True, False, 1, 1.0, 6000.0, 1.5, math.inf, math.nan, 2**70, Level.LOW, "1", None]),
    ({"type": "number"}, [True, 1, 1.5, math.nan, -0.0, "1.5", Level.LOW]),
    ({"type": ["integer", "null"]}, [None, 1, 1.0, 1.25, False]),
    ({"type": "boolean"}, [True, 0, 1, "true"]),
    ({"type": "string", "minLength": 2, "maxLength": 3}, ["", "ab", "abcd", Text("ab"), Text("a"), 12]),
    ({"enum": [1, "a", None, [1, 2], {"k": 1.0}]}, [1, 1.0, True, "a", Text("a"), None, [1, 2.0], [2, 1],
                                                 {"k": 1}, {"k": True}, 0, "1", "None", "[1, 2]"]),
    ({"enum": [True]}, [True, 1, 1.0]),
    ({"enum": "abc"}, ["a", "abc", "d"]),
    ({"const": 1}, [1, 1.0, True, "1"]),
    ({"const": "x"}, ["x", Text("x"), "y", None]),
    ({"const": {"a": [1]}}, [{"a": [1.0]}, {"a": [True]}, {"a": [1], "b": 2}]),
    ({"minimum": 0.6, "maximum": 1.2}, [0.6, 1.2, 0.5, 1.3, math.nan, math.inf, "0", True, Level.LOW]),
    ({"exclusiveMinimum": 5, "exclusiveMaximum": 10}, [5, 5.0, 5.000001, 10, 9.99, math.nan]),
    ({"multipleOf": 2}, [4, 5, 4.0, 2**53 + 1, math.inf, math.nan, True]),
    ({"multipleOf": 0.5}, [7.5, 7.25, 1e308, -1e308]),
    ({"pattern": "b+"}, ["abba", "a", "", 5]),
    ({"pattern": "^a$"}, ["a", "a\n", "ba"]),
    ({"items": {"type": "string"}, "minItems": 1, "maxItems": 2}, [[], ["a"], ["a", "b", "c"], ["a", 1], "ab"]),
    ({"items": False}, [[], [1]]),
    ({"uniqueItems": True}, [[1, 1.0], [1, True], [[1], [1.0]], [{"a": 1}, {"a": 1}], [0, False], []]),
    ({"uniqueItems": False}, [[1, 1]]),
    ({"required": ["a", "b"]}, [{"a": 1}, {"a": 1, "b": None}, [], "ab"]),
    ({"required": "ab"}, [{"a": 1}, {"a": 1, "b": 2}, {"ab": 1}]),
    ({"properties": {"a": {"type": "string"}, "b": True}, "additionalProperties": False},
     [{"a": "x"}, {"a": 1}, {"b": 1}, {"c": 1}, {}, {1: "x"}]),
    ({"additionalProperties": {"type": "integer"}}, [{"a": 1}, {"a": "x"}, {}]),
    ({"propertyNames": {"pattern": "^[a-z]+$"}}, [{"ab": 1}, {"Ab": 1}, {1: 2}, {}]),
    ({"propertyNames": False}, [{}, {"a": 1}]),
    ({"allOf": [{"properties": {"a": {"type": "string"}}}, {"properties": {"a": {"maxLength": 1}},
                                                            "additionalProperties": False}]},
     [{"a": "x"}, {"a": "xy"}, {"a": 1}, {"b": 1}]),
    ({"allOf": [{"properties": {"a": True}, "additionalProperties": {"type": "integer"}},
                {"properties": {"b": True}, "additionalProperties": {"minimum": 0}}]},
     [{"a": "x", "b": "y"}, {"a": -1}, {"b": -1}, {"a": 1.5}, {"c": 1}, {"c": -1}, {"c": "x"}]),
    ({"anyOf": []}, [1, None]),
    ({"anyOf": [{"type": "string"}, {"type": "integer"}]}, ["a", 1, 1.0, 1.5]),
    ({"oneOf": [{"type": "integer"}, {"minimum": 0}]}, [3, -1, 2.5, -2.5, "x"]),
    ({"oneOf": [{}, {}, {"type": "null"}]}, [None, 1]),
    ({"not": {"type": "null"}}, [None, 0]),
    ({"not": True}, [1]),
    ({"type": "object", "$defs": {"a/b": {"type": "string"}, "m~n": {"type": "integer"}},
      "properties": {"s": {"$ref": "#/$defs/a~1b"}, "i": {"$ref": "#/$defs/m~0n"}}},
     [{"s": "x", "i": 1}, {"s": 1}, {"i": "x"}, []]),
    ({"$defs": {"tree": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/tree"}},
                                                          "name": {"type": "string"}}}},
      "$ref": "#/$defs/tree"},
     [{"name": "a", "kids": [{"name": "b", "kids": []}]}, {"kids": [{"kids": [{"name": 1}]}]}]),
    ({"$ref": "#/$defs/loop", "$defs": {"loop": {"anyOf": [{"type": "integer"}, {"items": {"$ref": "#/$defs/loop"}}]}}},
     [1, [1, [2, [3]]], [1, ["x"]], "x"]),
    ({"x-rtcfg-code": "S002", "title": "annotations only"}, [1, None]),
    ({"properties": {"yes": True, "no": False}}, [{"yes": 1}, {"no": None}, {}]),
    ({"allOf": [True, {"not": False}]}, [1, None]),
]


@pytest.mark.parametrize("schema, values", EDGES, ids=[json.dumps(schema)[:60] for schema, _ in EDGES])
def test_the_keywords_at_their_edges(schema, values):
    fast, walker = SchemaEngine(schema), SchemaEngine(schema, compiled=False)
    for value in values:
        agree(fast, walker, value)
    assert fast.uses_compiled_checks


def test_the_edges_reach_both_verdicts():
    verdicts = {agree(SchemaEngine(schema), SchemaEngine(schema, compiled=False), value)
                for schema, values in EDGES for value in values}
    assert verdicts == {True, False}


def test_other_python_types_are_judged_as_the_walker_judges_them():
    schema = {"type": ["string", "integer", "object", "array"], "minLength": 1, "minimum": 0}
    fast, walker = SchemaEngine(schema), SchemaEngine(schema, compiled=False)
    for value in [(1, 2), {1, 2}, b"x", Text(""), Text("x"), Level.LOW, object(), 1j]:
        agree(fast, walker, value)


# -- a node the compiler cannot compile: the walker answers --------------------------------------


def answers(engine_: SchemaEngine, value: Any) -> Any:
    """The errors, or the exception the engine raised."""
    try:
        return engine_.errors(value)
    except Exception as error:  # noqa: BLE001 - the same exception is the same answer
        return type(error)


@pytest.mark.parametrize("schema, values", [
    # an enum that is no list: the walker reads it only for an integer, and fails
    ({"type": "integer", "enum": 5}, ["x", None, 3]),
    # a pattern that is no regular expression: the walker fails only for a string
    ({"properties": {"a": {"pattern": "("}}}, [{}, {"a": 1}, {"a": "x"}, []]),
    # a $ref to nothing, behind a type that fails first
    ({"properties": {"a": {"type": "string", "$ref": "#/nowhere"}}}, [{"b": 1}, {"a": 1}, {"a": "x"}]),
    # required that is no list: read only for an object
    ({"anyOf": [{"type": "string"}, {"required": 5}]}, ["x", 1, {"a": 1}]),
    # a type that is no name nor list
    ({"properties": {"a": {"type": 5}}}, [{}, {"a": 1}]),
    # a bound that cannot be compared: fails for numbers in both
    ({"minimum": "zero"}, ["x", 1]),
], ids=["enum-5", "bad-pattern", "ref-to-nothing", "required-5", "type-5", "minimum-string"])
def test_what_cannot_be_compiled_is_walked(schema, values):
    fast, walker = SchemaEngine(schema), SchemaEngine(schema, compiled=False)
    for value in values:
        assert answers(fast, value) == answers(walker, value)
        assert answers(fast, value) == answers(walker, value)  # and again, once the engine fell back


def test_an_engine_that_falls_back_gives_the_walkers_answers_from_then_on():
    """The session schema, behind a union whose second branch cannot be compiled: valid files are
    answered by the compiled check until a file reaches that branch; from then on every file is
    walked, and every answer is still the walker's."""
    schema = {"anyOf": [{"$ref": f"{URN}{SESSION_SCHEMA}"}, {"type": "string", "pattern": "("}]}
    fast = SchemaEngine(schema, _fetch, base_uri=URN + "probe.json")
    walker = SchemaEngine(schema, _fetch, base_uri=URN + "probe.json", compiled=False)
    samples = [realtime_cfg.load(path).data for path in GOOD if realtime_cfg.load(path).shape == "beta"]
    for data in samples:
        assert agree(fast, walker, data)
    assert fast.uses_compiled_checks
    assert answers(fast, {"model": 5}) == answers(walker, {"model": 5}) != []  # reaches the pattern
    assert not fast.uses_compiled_checks
    for data in samples:
        for _, mutant in one_value_changed(data, (REMOVE, None, "x")):
            assert fast.compiled_verdict(mutant) is None
            assert answers(fast, mutant) == answers(walker, mutant)


# -- what Hypothesis draws -----------------------------------------------------------------------

_leaves = st.one_of(st.none(), st.booleans(), st.integers(-3, 5000), st.floats(allow_nan=True),
                    st.sampled_from(["", "x", "auto", "none", "inf", "pcm16", "g711_ulaw", "alloy", "server_vad",
                                     "semantic_vad", "function", "mcp", "realtime", "transcription", "text",
                                     "audio", "object", "string", "integer", "^a", "#/$defs/x"]))
_keys = st.sampled_from(sorted(
    {key for name in SCHEMAS for node in _mappings(load_schema(name)) for key in node.get("properties", {})}
    | {"type", "properties", "required", "items", "enum", "const", "minimum", "$ref", "$defs", "anyOf", "bogus"}))
_values = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=4)), max_leaves=16)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_keys, _values, max_size=6))
def test_any_mapping(instance):
    agree_for_every_shape(instance)
    agree_in_its_shape(instance)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(strategies.configs(), strategies.ga_configs(), strategies.ga_transcription_sessions()))
def test_configs_as_authored(config):
    # valid once rtcfg reads their lenient spellings ("1" for a token limit): mostly, not always, to the schema
    agree_for_every_shape(config)


_keywords = st.sampled_from(["type", "properties", "required", "items", "enum", "const", "minimum", "maximum",
                             "minLength", "pattern", "anyOf", "oneOf", "allOf", "not", "$defs", "$ref",
                             "additionalProperties", "uniqueItems", "multipleOf", "description", "if", "title"])
_schemas = st.recursive(
    st.one_of(st.booleans(), st.dictionaries(_keywords, _leaves, max_size=3)),
    lambda inner: st.one_of(st.dictionaries(_keywords, st.one_of(inner, st.lists(inner, max_size=2),
                                                                 st.dictionaries(_keys, inner, max_size=2)), max_size=3)),
    max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_schemas)
def test_tool_parameters_that_hypothesis_draws(parameters):
    verdicts = agree_in_its_shape(parameters)
    assert verdicts[0] == verdicts[1]  # both shapes check parameters against the same meta-schema
