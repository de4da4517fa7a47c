"""`rtcfg schema --bundle` (realtime_cfg/schema/bundle.py): one self-contained file per shape
that an editor can use offline, and that says "valid" of exactly what the schema files rtcfg
validates with say "valid" of; plus the editor keywords it adds."""

from __future__ import annotations

import json
from typing import Any, Iterator

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from referencing import Registry, Resource
from referencing.exceptions import Unresolvable

import realtime_cfg
from realtime_cfg.schema.bundle import ANY, SHAPES, bundle, bundle_text
from realtime_cfg.schema.views import GA_SCHEMA, SESSION_SCHEMA, SHAPE_SCHEMAS, load_schema, schema_text
from realtime_cfg.targets import shape_of, target_module

from conftest import ONE_VALUE_CHANGES, ROOT, SAMPLES, one_value_changed, run_cli, with_small_tool_parameters

GA = next(shape for shape, name in SHAPE_SCHEMAS.items() if name == GA_SCHEMA)
FLAT = next(shape for shape, name in SHAPE_SCHEMAS.items() if name == SESSION_SCHEMA)


# -- offline: nothing may be fetched ----------------------------------------------------------

FETCHED: list[str] = []


def _no_network(uri: str) -> Resource:
    FETCHED.append(uri)
    raise AssertionError(f"the validator tried to fetch {uri}")  # jsonschema raises it on, wrapped


OFFLINE = Registry(retrieve=_no_network)
# the unbundled schema files, as an editor with both beside each other sees them
_BASE = "https://rtcfg.invalid/schemas/"  # jsonschema joins relative refs only onto a hierarchical URI
_SOURCES = OFFLINE.with_resources(
    (_BASE + name, Resource.from_contents(load_schema(name))) for name in (SESSION_SCHEMA, GA_SCHEMA))
BUNDLES = {shape: bundle(shape) for shape in SHAPES}
BUNDLED = {shape: jsonschema.Draft202012Validator(schema, registry=OFFLINE) for shape, schema in BUNDLES.items()}
SOURCE = {shape: jsonschema.Draft202012Validator({"$ref": _BASE + name}, registry=_SOURCES)
          for shape, name in SHAPE_SCHEMAS.items()}


def test_a_fetch_fails_the_test():
    validator = jsonschema.Draft202012Validator({"$ref": "https://example.invalid/x.json"}, registry=OFFLINE)
    with pytest.raises(Unresolvable):
        validator.is_valid({})
    assert FETCHED.pop() == "https://example.invalid/x.json"


def _values(node: Any, key: str) -> Iterator[Any]:
    """Every value of `key` in any object inside `node` (examples and all)."""
    if isinstance(node, dict):
        if key in node:
            yield node[key]
        for value in node.values():
            yield from _values(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value, key)


def _keys(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        yield from node
        for value in node.values():
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_ref_points_inside_the_file(shape):
    schema = BUNDLES[shape]
    jsonschema.Draft202012Validator.check_schema(schema)
    refs = [ref for ref in _values(schema, "$ref") if isinstance(ref, str)]
    assert refs
    assert [ref for ref in refs if not ref.startswith("#/")] == []
    assert [ref for ref in _values(schema, "$dynamicRef") if isinstance(ref, str)] == []
    assert "$id" not in schema
    # resolved by a registry that knows this file only (jsonschema's own would also know the
    # meta-schemas it ships, which an editor does not)
    resolver = OFFLINE.with_resource("urn:bundle", Resource.from_contents(schema)).resolver("urn:bundle")
    for ref in set(refs):
        assert resolver.lookup(ref).contents is not None


@pytest.mark.parametrize("shape", SHAPES)
def test_no_private_annotation_is_left(shape):
    assert [key for key in _keys(BUNDLES[shape]) if key.startswith("x-rtcfg-")] == []


def test_the_bundle_is_the_same_each_time_and_leaves_the_schema_files_alone():
    assert [bundle_text(shape) for shape in SHAPES] == [bundle_text(shape) for shape in SHAPES]
    for name in (SESSION_SCHEMA, GA_SCHEMA):
        assert load_schema(name) == json.loads(schema_text(name))


# -- the same verdicts as the schema files -----------------------------------------------------

SAMPLE_FILES = sorted(p for p in SAMPLES.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))


def _sample_data() -> dict[str, Any]:
    """Each sample file's data as written (an editor sees no `extends` resolved), by its path;
    a file that does not parse (broken/not-yaml.yaml) has none."""
    data = {}
    for path in SAMPLE_FILES:
        try:
            data[str(path.relative_to(ROOT))] = realtime_cfg.load(path).data
        except realtime_cfg.LoadError:
            pass
    return data


SAMPLE_DATA = _sample_data()


def verdicts(data: Any) -> tuple[bool, bool, bool]:
    """(the schema files, the bundle of the data's shape, the bundle of either shape) on `data`."""
    shape = shape_of(data)
    return SOURCE[shape].is_valid(data), BUNDLED[shape].is_valid(data), BUNDLED[ANY].is_valid(data)


def test_the_samples_hold_both_shapes_and_both_verdicts():
    assert {shape_of(data) for data in SAMPLE_DATA.values()} == set(SHAPE_SCHEMAS)
    assert {verdicts(data)[0] for data in SAMPLE_DATA.values()} == {True, False}


@pytest.mark.parametrize("sample", SAMPLE_DATA)
def test_each_sample_gets_the_same_verdict_from_the_bundles(sample):
    valid = verdicts(SAMPLE_DATA[sample])
    assert valid in ((True, True, True), (False, False, False))


BROKEN = {
    "hyphenated-format": {"input_audio_format": "g711-ulaw"},
    "temperature-below-minimum": {"temperature": 0.3},
    "unknown-key": {"model": "gpt-realtime-2", "max_tokens": 500},
    "yaml-no-as-false": {"input_audio_transcription": {"model": "whisper-1", "language": False}},
    "client-secret": {"client_secret": {"expires_after": {"anchor": "created_at", "seconds": 60}}},
    "parameters-required-not-a-list": {"tools": [
        {"type": "function", "name": "f", "parameters": {"type": "object", "required": "city"}}]},
    "parameters-type-misspelled": {"tools": [
        {"type": "function", "name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "strng"}}}}]},
    "ga-beta-name": {"type": "realtime", "voice": "ash"},
    "ga-beta-format": {"type": "realtime", "audio": {"input": {"format": "pcm16"}}},
    "ga-beta-name-under-audio": {"type": "realtime", "audio": {"input": {"input_audio_format": {"type": "audio/pcmu"}}}},
    "ga-temperature": {"type": "realtime", "temperature": 0.8},
    "ga-transcription-instructions": {"type": "transcription", "instructions": "Be brief."},
    "ga-transcription-audio-output": {"type": "transcription", "audio": {"output": {"voice": "ash"}}},
    "ga-without-type": {"audio": {"output": {"voice": "ash"}}},
}


@pytest.mark.parametrize("config", BROKEN.values(), ids=BROKEN.keys())
def test_broken_configs_are_invalid_under_the_bundles_too(config):
    assert verdicts(config) == (False, False, False)


# and a retiring model's name (the bundle's notes on it must not change a verdict)
CHANGES = (*ONE_VALUE_CHANGES, next(iter(load_schema()["properties"]["model"]["x-rtcfg-lifecycle"])))
VALID_SAMPLES = [name for name, data in SAMPLE_DATA.items() if SOURCE[shape_of(data)].is_valid(data)]


@pytest.mark.parametrize("sample", VALID_SAMPLES)
def test_every_one_change_to_a_sample_gets_the_same_verdict_from_the_bundles(sample):
    disagreements, seen = [], set()
    for label, mutant in one_value_changed(with_small_tool_parameters(SAMPLE_DATA[sample]), CHANGES):
        found = verdicts(mutant)
        seen.add(found[0])
        if len(set(found)) != 1:
            disagreements.append((label, found))
    assert disagreements == []
    assert seen == {True, False}  # the changes reach both verdicts, so agreeing means something


# -- function parameters: the local stand-in for the meta-schema ------------------------------

META = jsonschema.Draft202012Validator(jsonschema.Draft202012Validator.META_SCHEMA)
STAND_IN = jsonschema.Draft202012Validator({"$ref": "#/$defs/JsonSchema", "$defs": BUNDLES[FLAT]["$defs"]},
                                           registry=OFFLINE)
KEYWORDS = sorted(BUNDLES[FLAT]["$defs"]["JsonSchema"]["properties"])


@pytest.mark.parametrize("schema", [
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    {"type": "object", "required": "city"},
    {"type": "object", "required": ["a", "a"]},
    {"type": "strng"},
    {"type": ["string", "null"]},
    {"type": []},
    {"multipleOf": 0},
    {"minLength": -1},
    {"minLength": 1.0},
    {"items": [{"type": "string"}]},
    {"prefixItems": []},
    {"anyOf": [{"type": "string"}, True]},
    {"$id": "https://example.com/s#frag"},
    {"$anchor": "1bad"},
    {"$defs": {"a": 3}},
    {"dependencies": {"a": ["b"], "c": {"type": "object"}}},
    {"x-vendor": {"anything": 1}, "description": 3},
    True,
    [],
])
def test_the_stand_in_agrees_with_the_meta_schema(schema):
    assert STAND_IN.is_valid(schema) == META.is_valid(schema)


_NAMES = st.sampled_from(["a", "_b", "1c", "string", "object", "null", "strng", "#", "a#b", "^a$", ""])
# values of every kind a keyword takes (a schema, a list of them, names, a map of schemas) and of
# other kinds: about a third of the drawn schemas are valid, so both verdicts are compared
_SCHEMAS = st.recursive(
    st.one_of(st.booleans(), st.none(), st.integers(-1, 3), st.sampled_from([0.0, 0.5, -1.5]), _NAMES),
    lambda inner: st.one_of(st.dictionaries(st.sampled_from([*KEYWORDS, "x-other"]), inner, max_size=3),
                            st.lists(inner, max_size=3), st.lists(_NAMES, max_size=3),
                            st.dictionaries(_NAMES, inner, max_size=2)),
    max_leaves=10)


@settings(max_examples=300, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_SCHEMAS)
def test_the_stand_in_agrees_with_the_meta_schema_on_generated_schemas(schema):
    assert STAND_IN.is_valid(schema) == META.is_valid(schema)


# -- what an editor shows ---------------------------------------------------------------------

def _deprecation(validator, message, instance, schema):
    yield jsonschema.ValidationError(message)


# an editor as yaml-language-server is one here: it reports a subschema's deprecationMessage
# wherever that subschema applies
EDITOR = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"deprecationMessage": _deprecation})


def warnings(shape: str, data: Any) -> list[str]:
    """The deprecation messages an editor shows for `data`: in a union (anyOf, oneOf), those
    of the branch that fits best, the one with the fewest other errors (as yaml-language-server
    picks it)."""
    def shown(errors):
        for error in errors:
            if error.validator == "deprecationMessage":
                yield error.message
            branches: dict[int, list] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            if branches:
                yield from shown(min(branches.values(), key=lambda found: sum(
                    e.validator != "deprecationMessage" for e in found)))

    return sorted(shown(EDITOR(BUNDLES[shape], registry=OFFLINE).iter_errors(data)))


def _retiring(field: dict) -> tuple[str, str]:
    """A model with an announced shutdown, and its date, from the schema's lifecycle data."""
    model, plan = next(iter(field["x-rtcfg-lifecycle"].items()))
    return model, plan["shutdown"]


def test_a_retiring_model_gets_a_deprecation_message_and_a_current_one_none():
    field = load_schema()["properties"]["model"]
    model, date = _retiring(field)
    current = next(m for m in field["x-rtcfg-known-values"] if m not in field["x-rtcfg-lifecycle"])
    for shape, session in ((FLAT, {}), (GA, {"type": "realtime"}), (ANY, {"type": "realtime"}), (ANY, {})):
        [message] = warnings(shape, {**session, "model": model})
        assert model in message and date in message
        assert warnings(shape, {**session, "model": current}) == []


def test_a_retiring_transcription_model_gets_a_deprecation_message():
    model, date = _retiring(load_schema()["$defs"]["Transcription"]["properties"]["model"])
    [message] = warnings(FLAT, {"input_audio_transcription": {"model": model}})
    assert model in message and date in message
    ga = {"type": "transcription", "audio": {"input": {"transcription": {"model": model}}}}
    assert [m for m in warnings(GA, ga) if model in m and date in m]


def test_a_beta_name_in_a_ga_file_says_where_ga_keeps_it():
    ga = target_module(GA)
    for key in ("voice", "max_response_output_tokens", "input_audio_transcription"):
        where = ".".join(ga.location(key))
        assert where != key
        assert [m for m in warnings(GA, {"type": "realtime", key: None}) if key in m and where in m]
    assert warnings(FLAT, {"voice": "ash", "max_response_output_tokens": 5}) == []  # flat files use them


def test_other_names_the_server_refuses_say_what_to_write():
    [renamed] = warnings(FLAT, {"max_tokens": 5})
    assert "max_output_tokens" in renamed
    [secret] = warnings(FLAT, {"client_secret": {}})
    assert "client_secret" in secret
    [mistake] = warnings(FLAT, {"voice": "fable"})  # a text-to-speech voice
    assert "fable" in mistake
    mcp = {"type": "mcp", "server_label": "mail", "connector_id": "connector_gmail"}
    assert [m for m in warnings(GA, {"type": "realtime", "tools": [mcp]}) if "connector_id" in m]


def test_refused_keys_are_not_suggested():
    realtime = next(b for b in BUNDLES[GA]["oneOf"] if b["properties"]["type"].get("const") == "realtime")
    refused = {key for key, sub in realtime["properties"].items() if sub.get("not") == {}}
    assert {"voice", "temperature", "max_tokens"} <= refused
    assert all(realtime["properties"][key].get("doNotSuggest") for key in refused)


def test_the_markdown_of_temperature_states_its_range_default_and_targets():
    source = load_schema()["properties"]["temperature"]
    markdown = BUNDLES[FLAT]["properties"]["temperature"]["markdownDescription"]
    assert markdown.startswith(source["description"])
    assert f"**Range:** {source['minimum']} to {source['maximum']}" in markdown
    assert f"**Default:** `{source['default']}`" in markdown
    assert "**Beta only:**" in markdown


def test_a_ga_field_kept_elsewhere_says_so_in_the_flat_bundle():
    markdown = BUNDLES[FLAT]["properties"]["voice"]["markdownDescription"]
    assert f"`{'.'.join(target_module(GA).location('voice'))}`" in markdown


def _schema_nodes(node: Any) -> Iterator[dict]:
    """Every schema in `node` (not the data in examples, defaults and consts)."""
    if not isinstance(node, dict):
        return
    yield node
    for key, value in node.items():
        if key in ("properties", "patternProperties", "$defs"):
            subs = list(value.values())
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            subs = value
        elif key in ("items", "additionalProperties", "propertyNames", "contains", "not", "if", "then", "else"):
            subs = [value]
        else:
            continue
        for sub in subs:
            yield from _schema_nodes(sub)


@pytest.mark.parametrize("shape", SHAPES)
def test_every_description_has_its_markdown(shape):
    # a $ref's own description must win over the markdown its target brings along (editors
    # prefer markdownDescription), so every described node has one, starting with the description
    described = [node for node in _schema_nodes(BUNDLES[shape]) if "description" in node]
    assert len(described) > 100
    assert [node["description"] for node in described
            if not node.get("markdownDescription", "").startswith(node["description"])] == []


# -- the command -----------------------------------------------------------------------------

@pytest.mark.parametrize("shape", SHAPES)
def test_schema_bundle_writes_bundle_text(shape, tmp_path):
    out = tmp_path / "bundled.json"
    result = run_cli("schema", "--bundle", "--shape", shape, "-o", str(out))
    assert (result.returncode, result.stdout) == (0, "")
    assert out.read_text(encoding="utf-8") == bundle_text(shape)


def test_schema_bundle_prints_the_flat_bundle_by_default():
    result = run_cli("schema", "--bundle")
    assert (result.returncode, result.stdout) == (0, bundle_text(FLAT))


@pytest.mark.parametrize("shape", SHAPE_SCHEMAS)
def test_schema_without_bundle_prints_the_schema_file_unchanged(shape):
    result = run_cli("schema", "--shape", shape)
    assert (result.returncode, result.stdout) == (0, (ROOT / "schemas" / SHAPE_SCHEMAS[shape]).read_text(encoding="utf-8"))


@pytest.mark.parametrize("args", [["schema", "--shape", ANY], ["schema", "--bundle", "--shape", "gaa"]])
def test_a_shape_there_is_no_file_for_is_a_usage_error(args):
    result = run_cli(*args)
    assert (result.returncode, result.stdout) == (2, "")
    assert "--shape" in result.stderr
