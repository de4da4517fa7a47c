"""rtcfg's own JSON Schema evaluator (realtime_cfg/schema/engine.py) against the jsonschema
package's Draft 2020-12 validator: on the keywords at their boundaries, on the meta-schema that
tool `parameters` are checked with (S008), and on the GA schema, which refers to the
definitions of session.schema.json."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

import realtime_cfg
from realtime_cfg.schema.engine import SchemaEngine
from realtime_cfg.schema.views import GA_SCHEMA, SESSION_SCHEMA, engine, load_schema

from conftest import SAMPLES, one_value_changed, with_small_tool_parameters


def verdicts(schema: dict, instance: Any) -> tuple[bool, bool]:
    """(rtcfg's engine, jsonschema) on whether `instance` is valid against `schema`."""
    return SchemaEngine(schema).is_valid(instance), jsonschema.Draft202012Validator(schema).is_valid(instance)


def failed(schema: dict, instance: Any) -> list[tuple[tuple, str]]:
    """(instance path, keyword) of each error rtcfg's engine reports."""
    return [(error.path, error.keyword) for error in SchemaEngine(schema).errors(instance)]


# -- exclusiveMinimum / exclusiveMaximum: the bound itself is outside ------------------------

ABOVE_FIVE = {"type": "number", "exclusiveMinimum": 5}
BELOW_FIVE = {"type": "number", "exclusiveMaximum": 5}


@pytest.mark.parametrize("value, valid", [
    (5, False), (5.0, False), (4, False), (4.999999, False), (-5, False),
    (5.000001, True), (6, True), (1e300, True),
])
def test_exclusive_minimum_excludes_its_bound(value, valid):
    assert verdicts(ABOVE_FIVE, value) == (valid, valid)
    assert failed(ABOVE_FIVE, value) == ([] if valid else [((), "exclusiveMinimum")])


@pytest.mark.parametrize("value, valid", [(5, False), (5.0, False), (6, False), (4.999999, True), (-1e300, True)])
def test_exclusive_maximum_excludes_its_bound(value, valid):
    assert verdicts(BELOW_FIVE, value) == (valid, valid)
    assert failed(BELOW_FIVE, value) == ([] if valid else [((), "exclusiveMaximum")])


def test_minimum_includes_its_bound_where_exclusive_minimum_does_not():
    assert verdicts({"minimum": 5}, 5) == (True, True)
    assert verdicts({"exclusiveMinimum": 5}, 5) == (False, False)


@pytest.mark.parametrize("value", [True, "5", None, [5], {"n": 5}])
def test_exclusive_minimum_ignores_what_is_not_a_number(value):
    assert verdicts({"exclusiveMinimum": 5}, value) == (True, True)


# -- oneOf: exactly one branch, not two -------------------------------------------------------

INTEGER_OR_NOT_NEGATIVE = {"oneOf": [{"type": "integer"}, {"minimum": 0}]}


@pytest.mark.parametrize("value, valid", [
    (3, False),  # both branches match: oneOf fails
    (0, False),
    (-1, True),  # the integer branch only
    (2.5, True),  # the minimum branch only
    (-2.5, False),  # neither
    ("x", True),  # minimum ignores a string: the second branch only
])
def test_one_of_fails_when_two_branches_match(value, valid):
    assert verdicts(INTEGER_OR_NOT_NEGATIVE, value) == (valid, valid)
    assert failed(INTEGER_OR_NOT_NEGATIVE, value) == ([] if valid else [((), "oneOf")])


def test_one_of_with_two_matching_branches_says_so_per_branch():
    errors = SchemaEngine(INTEGER_OR_NOT_NEGATIVE).errors(3)
    assert [(e.path, e.keyword, e.branches) for e in errors] == [((), "oneOf", [[], []])]


def test_one_of_inside_an_object_is_reported_at_its_property():
    schema = {"type": "object", "properties": {"n": INTEGER_OR_NOT_NEGATIVE}}
    assert verdicts(schema, {"n": 3}) == (False, False)
    assert failed(schema, {"n": 3}) == [(("n",), "oneOf")]
    assert verdicts(schema, {"n": -1}) == (True, True)


def test_any_of_is_satisfied_by_two_branches_where_one_of_is_not():
    schema = {"anyOf": INTEGER_OR_NOT_NEGATIVE["oneOf"]}
    assert verdicts(schema, 3) == (True, True)


# -- multipleOf: exact, as jsonschema is -----------------------------------------------------

@pytest.mark.parametrize("schema, value, valid", [
    ({"multipleOf": 3}, 9, True),
    ({"multipleOf": 3}, 10, False),
    ({"multipleOf": 0.5}, 7.5, True),
    ({"multipleOf": 2}, 7.5, False),
])
def test_multiple_of_agrees_with_jsonschema(schema, value, valid):
    assert verdicts(schema, value) == (valid, valid)


@pytest.mark.parametrize("schema, value, valid", [
    ({"multipleOf": 2}, 2**53 + 1, False),  # odd: the float quotient rounds to a whole number
    ({"multipleOf": 3}, 10**30 + 1, False),
    ({"multipleOf": 0.5}, 1e308, True),  # a whole number: the quotient overflows to infinity
], ids=["2**53+1-by-2", "10**30+1-by-3", "1e308-by-0.5"])
def test_multiple_of_is_exact_for_large_numbers(schema, value, valid):
    assert verdicts(schema, value) == (valid, valid)


# -- the meta-schema of tool parameters (S008) ------------------------------------------------
# The 2020-12 meta-schema says multipleOf is a number with exclusiveMinimum 0.

def _tool_with_parameters(parameters: dict) -> dict:
    return {"model": "gpt-realtime-2", "tools": [{"type": "function", "name": "f", "parameters": parameters}]}


def _meta_schema_accepts(schema: dict) -> bool:
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError:
        return False
    return True


@pytest.mark.parametrize("multiple_of, valid", [(0, False), (0.0, False), (-1, False), (1e-9, True), (0.5, True), (3, True)])
def test_tool_parameters_multiple_of_must_be_above_zero(multiple_of, valid):
    parameters = {"type": "object", "properties": {"n": {"type": "number", "multipleOf": multiple_of}}}
    assert _meta_schema_accepts(parameters) is valid
    found = [(d.code, d.path) for d in realtime_cfg.validate(_tool_with_parameters(parameters))]
    assert found == ([] if valid else [("S008", "tools[0].parameters.properties.n.multipleOf")])


@pytest.mark.parametrize("parameters", [
    {"type": "object", "properties": {"n": {"type": "number", "exclusiveMinimum": 0}}},
    {"type": "object", "properties": {"n": {"oneOf": [{"type": "integer"}, {"minimum": 0}]}}},
])
def test_tool_parameters_with_exclusive_minimum_or_one_of_are_valid_schemas(parameters):
    assert _meta_schema_accepts(parameters)
    assert realtime_cfg.validate(_tool_with_parameters(parameters)) == []


# -- the GA schema: rtcfg's engine and jsonschema agree ---------------------------------------

_BASE = "https://rtcfg.invalid/schemas/"  # jsonschema joins relative refs only onto a hierarchical URI
_REGISTRY = Registry().with_resources(
    (_BASE + name, Resource.from_contents(load_schema(name))) for name in (SESSION_SCHEMA, GA_SCHEMA))
GA_REFERENCE = jsonschema.Draft202012Validator({"$ref": _BASE + GA_SCHEMA}, registry=_REGISTRY)
GA_SAMPLES = sorted(SAMPLES.glob("ga-*.yaml"))


def ga_verdicts(instance: Any) -> tuple[bool, bool]:
    return engine(GA_SCHEMA).is_valid(instance), GA_REFERENCE.is_valid(instance)


def test_there_are_ga_samples_of_both_session_types():
    types = {realtime_cfg.load(path).data.get("type") for path in GA_SAMPLES}
    assert types == {"realtime", "transcription"}


@pytest.mark.parametrize("sample", GA_SAMPLES, ids=lambda path: path.name)
def test_ga_samples_are_valid_for_both(sample):
    assert ga_verdicts(realtime_cfg.load(sample).data) == (True, True)


BROKEN_GA = {
    "no-type": {"model": "gpt-realtime-2"},
    "unknown-session-type": {"type": "translation"},
    "beta-format-string": {"type": "realtime", "audio": {"input": {"format": "pcm16"}}},
    "beta-field-modalities": {"type": "realtime", "modalities": ["text"]},
    "temperature-is-not-ga": {"type": "realtime", "temperature": 0.8},
    "instructions-in-transcription": {"type": "transcription", "instructions": "Be brief."},
    "speed-above-maximum": {"type": "realtime", "audio": {"output": {"speed": 2}}},
    "reasoning-effort": {"type": "realtime", "reasoning": {"effort": "extreme"}},
    "empty-custom-voice-id": {"type": "realtime", "audio": {"output": {"voice": {"id": ""}}}},
    "retention-ratio-above-one": {"type": "realtime", "truncation": {"type": "retention_ratio",
                                                                     "retention_ratio": 1.5}},
    "tool-without-name": {"type": "realtime", "tools": [{"type": "function"}]},
    "parameters-required-not-a-list": {"type": "realtime", "tools": [
        {"type": "function", "name": "f", "parameters": {"type": "object", "required": "a"}}]},
    "parameters-multiple-of-zero": {"type": "realtime", "tools": [
        {"type": "function", "name": "f", "parameters": {"type": "number", "multipleOf": 0}}]},
    "mcp-allowed-callers": {"type": "realtime", "tools": [
        {"type": "mcp", "server_label": "crm", "server_url": "https://mcp.example.com", "allowed_callers": ["anyone"]}]},
}


@pytest.mark.parametrize("config", BROKEN_GA.values(), ids=BROKEN_GA.keys())
def test_broken_ga_configs_are_invalid_for_both(config):
    assert ga_verdicts(config) == (False, False)


@pytest.mark.parametrize("sample", GA_SAMPLES, ids=lambda path: path.name)
def test_every_one_change_to_a_ga_sample_gets_the_same_verdict_from_both(sample):
    data = with_small_tool_parameters(realtime_cfg.load(sample).data)
    assert ga_verdicts(data) == (True, True)
    disagreements, seen = [], set()
    for label, mutant in one_value_changed(data):
        ours, theirs = ga_verdicts(mutant)
        seen.add(theirs)
        if ours != theirs:
            disagreements.append((label, ours, theirs))
    assert disagreements == []
    assert seen == {True, False}  # the changes reach both verdicts, so agreeing means something


# -- JSON Pointers in $ref: an empty token is a key "" (RFC 6901), not nothing -------------

@pytest.mark.parametrize("schema, value", [
    ({"$defs": {"": {"type": "string"}}, "$ref": "#/$defs/"}, 5),
    ({"$defs": {"": {"type": "string"}}, "$ref": "#/$defs/"}, "five"),
    ({"$defs": {"a/b": {"type": "string"}, "m~n": {"type": "integer"}}, "$ref": "#/$defs/a~1b"}, 5),
    ({"$defs": {"a/b": {"type": "string"}, "m~n": {"type": "integer"}}, "$ref": "#/$defs/m~0n"}, 5),
])
def test_pointer_tokens_are_read_as_rfc_6901_says(schema, value):
    ours, theirs = verdicts(schema, value)
    assert ours == theirs


def test_a_ref_to_an_empty_key_that_is_not_there_points_at_nothing():
    parameters = {"type": "object", "$defs": {"x": {"type": "string"}}, "properties": {"a": {"$ref": "#/$defs/"}}}
    document = realtime_cfg.loads(f"tools:\n  - type: function\n    name: f\n    parameters: {parameters!r}\n".replace("'", '"'))
    assert [(d.code, d.path) for d in realtime_cfg.validate(document)] == [
        ("S008", "tools[0].parameters.properties.a.$ref")]
