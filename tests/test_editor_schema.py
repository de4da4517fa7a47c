"""Editor support: the schemas carry what the YAML language server shows (a description on every
property, defaults, examples), every default and example is itself valid, the defaults are the
reference's, and the sample configs' modelines point at the right schema file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator

import jsonschema
import pytest
from referencing import Registry, Resource

import realtime_cfg
from realtime_cfg.schema.views import GA_SCHEMA, SESSION_SCHEMA, load_schema, schema_path
from realtime_cfg.schema.engine import SchemaEngine, json_schema_fetcher

from conftest import ROOT, SAMPLES

REFERENCE = ROOT.parent / "shared" / "reference" / "realtime-session.md"
AUDIT = ROOT.parent / "shared" / "reference" / "api-2026-audit.md"  # the 2026 facts, with their sources
SCHEMAS = (SESSION_SCHEMA, GA_SCHEMA)
URN = "urn:rtcfg:schemas/"  # any base URI works: the GA schema's "session.schema.json#..." is relative

# -- walking the schemas ---------------------------------------------------------------------

Node = tuple[str, str]  # (schema file name, JSON pointer inside it; "" is the root)


def _escape(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def at(node: Node) -> Any:
    name, pointer = node
    value: Any = load_schema(name)
    for part in pointer.split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def ref_target(node: Node) -> Node | None:
    """Where the node's `$ref` points, if at one of our two files (meta-schemas are not ours)."""
    ref = at(node).get("$ref")
    if not isinstance(ref, str):
        return None
    base, _, fragment = ref.partition("#")
    if base not in ("", *SCHEMAS):
        return None
    return (base or node[0], fragment)


def children(node: Node) -> Iterator[tuple[str, Node]]:
    """(how, child) for each subschema: "property" for a value of `properties`, else the keyword."""
    schema = at(node)
    name, pointer = node
    for keyword in ("properties", "$defs"):
        for key in schema.get(keyword, {}):
            yield ("property" if keyword == "properties" else keyword), (name, f"{pointer}/{keyword}/{_escape(key)}")
    for keyword in ("anyOf", "oneOf", "allOf"):
        for index in range(len(schema.get(keyword, ()))):
            yield keyword, (name, f"{pointer}/{keyword}/{index}")
    for keyword in ("items", "not", "additionalProperties", "propertyNames"):
        if isinstance(schema.get(keyword), dict):
            yield keyword, (name, f"{pointer}/{keyword}")
    target = ref_target(node)
    if target is not None:
        yield "$ref", target


def walk(root: Node) -> dict[Node, str]:
    """Every subschema reachable from `root` (following our own $refs), with how it was first reached."""
    found = {root: "root"}
    stack = [root]
    while stack:
        for how, child in children(stack.pop()):
            if child not in found:
                found[child] = how
                stack.append(child)
    return found


def properties(root: Node) -> list[Node]:
    """Every property schema reachable from `root`, at any depth."""
    return sorted({child for node in walk(root) for how, child in children(node) if how == "property"})


ALL_NODES = sorted({node for name in SCHEMAS for node in walk((name, ""))})
ALL_PROPERTIES = sorted({prop for name in SCHEMAS for prop in properties((name, ""))})

# Keys next to a `$ref` that the YAML language server does not count as constraints: with only these
# beside it, the referring site's description replaces the target's. Any other sibling (an x-rtcfg-*
# annotation, `type`) makes it evaluate the target separately, whose own description then shows.
_NON_CONSTRAINT = {"$ref", "$comment", "title", "description", "default", "examples"}


def effective(node: Node, key: str) -> Any:
    """What an editor shows for `key` ("description", "default") at a node: its own, else its $ref's."""
    schema = at(node)
    if key in schema:
        return schema[key]
    target = ref_target(node)
    return effective(target, key) if target is not None else None


def label(node: Node) -> str:
    return f"{node[0]}#{node[1] or '/'}"


# -- (a) a description on every property ---------------------------------------------------------

# Free-form mappings: their keys are the user's own, so nothing inside them can be described.
# Each still has a description of its own (checked below); the walker must find exactly these.
FREE_FORM = {
    (SESSION_SCHEMA, "/$defs/FunctionTool/properties/parameters"):
        "the function's arguments: a JSON Schema the user writes, checked against the 2020-12 meta-schema",
    (SESSION_SCHEMA, "/$defs/TracingConfig/properties/metadata"): "arbitrary metadata attached to a trace",
    (SESSION_SCHEMA, "/$defs/McpTool/properties/headers"): "HTTP header names are the user's",
    (SESSION_SCHEMA, "/$defs/Prompt/properties/variables"): "variable names come from the stored prompt",
}


def _free_form(node: Node) -> bool:
    """A property whose schema, or one of its union branches, is an object that declares no properties."""
    branches = [node] + [child for how, child in children(node) if how in ("anyOf", "oneOf")]
    for branch in branches:
        schema = at(branch)
        while "type" not in schema and ref_target(branch) is not None:
            branch = ref_target(branch)
            schema = at(branch)
        if schema.get("type") == "object" and not {"properties", "oneOf", "anyOf"} & set(schema) \
                and schema.get("additionalProperties") is not False:
            return True
    return False


def test_the_walk_reaches_the_nested_settings():
    names = {node[1].rsplit("/", 1)[-1] for node in ALL_PROPERTIES}
    assert {"threshold", "eagerness", "idle_timeout_ms", "server_label", "connector_id", "read_only",
            "tool_names", "always", "workflow_name", "retention_ratio", "variables", "rate",
            "language", "parameters"} <= names
    ga = properties((GA_SCHEMA, ""))
    assert (GA_SCHEMA, f"{GA_IN}/turn_detection") in ga
    assert (GA_SCHEMA, "/oneOf/1/properties/audio/properties/input/properties/transcription") in ga
    assert (SESSION_SCHEMA, "/$defs/ServerVad/properties/threshold") in ga  # followed into the sibling file


@pytest.mark.parametrize("node", ALL_PROPERTIES, ids=label)
def test_every_property_has_a_description(node):
    description = effective(node, "description")
    assert isinstance(description, str) and len(description.strip()) >= 5, f"{label(node)} has no description"


def test_free_form_containers_are_listed():
    assert {node for node in ALL_PROPERTIES if _free_form(node)} == set(FREE_FORM)


def _shown_descriptions(root: Node) -> Iterator[tuple[Node, str]]:
    """Descriptions the language server can show for a file of this shape: every reachable one, except
    a $ref target's own when the referring site has a description and nothing that counts as a constraint."""
    reached = walk(root)
    shadowed: set[Node] = set()
    for node in reached:
        schema = at(node)
        target = ref_target(node)
        if target is not None and "description" in schema and set(schema) <= _NON_CONSTRAINT:
            shadowed.add(target)
    for node in reached:
        description = at(node).get("description")
        if description and node not in shadowed:
            yield node, description


# Wire names that exist only in the beta shape, and flat-format talk about rendering for GA.
_BETA_TALK = re.compile(r"(?<![\w.])(max_response_output_tokens|input_audio_format|output_audio_format|"
                        r"input_audio_transcription|input_audio_noise_reduction|temperature)\b|"
                        r"(?<!output_)\bmodalities\b|rendered as|Beta only")


def test_ga_files_are_not_described_in_beta_names():
    """A GA field that refers to a flat property whose description names beta keys has its own."""
    bad = [(label(node), text) for node, text in _shown_descriptions((GA_SCHEMA, "")) if _BETA_TALK.search(text)]
    assert not bad


def test_the_beta_talk_check_has_something_to_catch():
    flat = [text for _, text in _shown_descriptions((SESSION_SCHEMA, ""))]
    assert any(_BETA_TALK.search(text) for text in flat)


# -- (b) every default and example is valid against its own subschema --------------------------------


def _fetch(uri: str) -> Any:
    if uri.startswith(URN):
        return load_schema(uri[len(URN):])
    import jsonschema_specifications  # the 2020-12 meta-schemas that function `parameters` refer to

    directory = Path(list(jsonschema_specifications.__path__)[0]) / "schemas" / "draft202012"
    return json_schema_fetcher(directory)(uri)


def _rtcfg_engine(node: Node) -> SchemaEngine:
    return SchemaEngine({"$ref": f"{node[0]}#{node[1]}"}, _fetch, base_uri=URN + "probe.json")


_BASE = "https://rtcfg.invalid/schemas/"  # jsonschema joins relative refs only onto a hierarchical URI
_REGISTRY = Registry().with_resources(
    (_BASE + name, Resource.from_contents(load_schema(name))) for name in SCHEMAS)


def _jsonschema_validator(node: Node) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({"$ref": f"{_BASE}{node[0]}#{node[1]}"}, registry=_REGISTRY)


ANNOTATED = [(node, key, index, value)
             for node in ALL_NODES
             for key in ("default", "examples") if key in at(node)
             for index, value in (enumerate(at(node)[key]) if key == "examples" else [(None, at(node)[key])])]


def test_there_are_defaults_and_examples():
    assert sum(1 for _, key, _, _ in ANNOTATED if key == "default") >= 20
    assert sum(1 for _, key, _, _ in ANNOTATED if key == "examples") >= 30
    for name in SCHEMAS:
        assert load_schema(name).get("examples"), f"{name} has no example of a whole config"


@pytest.mark.parametrize("node,key,index,value", ANNOTATED,
                         ids=[f"{label(n)}:{k}{'' if i is None else f'[{i}]'}" for n, k, i, _ in ANNOTATED])
def test_default_or_example_is_valid(node, key, index, value):
    assert key != "examples" or isinstance(at(node)["examples"], list)
    errors = _rtcfg_engine(node).errors(value)
    assert not errors, [(e.path, e.keyword) for e in errors]
    assert _jsonschema_validator(node).is_valid(value)


def test_an_invalid_value_is_caught_by_the_probes():
    """The probes above really evaluate the subschema (an invalid value fails both)."""
    node = (SESSION_SCHEMA, "/$defs/ServerVad/properties/threshold")
    assert _rtcfg_engine(node).errors(1.5) and not _jsonschema_validator(node).is_valid(1.5)
    ga = (GA_SCHEMA, f"{GA_OUT}/voice")
    assert _rtcfg_engine(ga).errors({"id": ""}) and not _jsonschema_validator(ga).is_valid({"id": ""})


@pytest.mark.parametrize("name", SCHEMAS)
def test_whole_config_examples_pass_every_rtcfg_check(name):
    """Not only schema-valid: no rule (tool_choice naming a tool, R005 model names...) objects either."""
    for example in load_schema(name)["examples"]:
        assert realtime_cfg.validate(example) == []


# -- (c) the defaults are the reference's ------------------------------------------------------------

F, G = SESSION_SCHEMA, GA_SCHEMA
VAD = "/$defs/ServerVad/properties"
SEM = "/$defs/SemanticVad/properties"
RT = "/oneOf/0"  # the GA schema's realtime session; /oneOf/1 is the transcription session
GA_IN, GA_OUT = f"{RT}/properties/audio/properties/input/properties", f"{RT}/properties/audio/properties/output/properties"

# (schema, pointer) -> (default, the reference's table cell that states it)
REFERENCE_DEFAULTS = {
    (F, "/properties/modalities"): (["text", "audio"],
                                    '`["audio"]` alone is rejected | `["text","audio"]` |'),
    (F, "/properties/voice"): ("alloy", "the 8 beta voices plus **marin** and **cedar** (recommended) | `alloy` |"),
    (F, "/properties/input_audio_format"): ("pcm16", "`g711_ulaw`, `g711_alaw` | `pcm16` |"),
    (F, "/properties/output_audio_format"): ("pcm16", "`g711_ulaw`, `g711_alaw` | `pcm16` |"),
    (F, "/$defs/AudioFormat"): ("pcm16", "`g711_ulaw`, `g711_alaw` | `pcm16` |"),
    (F, "/properties/turn_detection"): ({"type": "server_vad"}, "| `turn_detection` | object or null | VAD table below | server_vad |"),
    (F, "/properties/input_audio_noise_reduction"): (None, "| `input_audio_noise_reduction` | object or null | `{type: near_field \\| far_field}` | `null` |"),
    (F, "/properties/tools"): ([], "| `tools` | array | function tools (see below) | `[]` |"),
    (F, "/properties/tool_choice"): ("auto", "a forced function, form unstated (openai-python: `str`) | `auto` |"),
    (F, "/properties/temperature"): (0.8, "| `temperature` | number | **0.6–1.2**; 0.8 recommended | 0.8 |"),
    (F, "/properties/max_response_output_tokens"): ("inf", '| `max_response_output_tokens` | int or `"inf"` | 1–4096 or `"inf"` | `"inf"` |'),
    (F, "/properties/max_output_tokens"): ("inf", '| `max_response_output_tokens` | int or `"inf"` | 1–4096 or `"inf"` | `"inf"` |'),
    (F, "/properties/speed"): (1.0, "| `speed` | number | 0.25–1.5; changes only between turns | 1.0 |"),
    (F, "/properties/truncation"): ("auto", "token_limits?: {post_instructions ≥ 0}}` | `auto` |"),
    (F, f"{VAD}/type"): ("server_vad", "| `type` | ✔ | ✔ | `server_vad`, `semantic_vad` | `server_vad` |"),
    (F, f"{VAD}/threshold"): (0.5, "| `threshold` | ✔ | – | 0.0–1.0 | 0.5 |"),
    (F, f"{VAD}/prefix_padding_ms"): (300, "| `prefix_padding_ms` | ✔ | – | integer, ms | 300 |"),
    (F, f"{VAD}/silence_duration_ms"): (500, "| `silence_duration_ms` | ✔ | – | integer, ms | 500 |"),
    (F, f"{VAD}/create_response"): (True, "| `create_response`, `interrupt_response` | ✔ | ✔ | bool | true |"),
    (F, f"{VAD}/interrupt_response"): (True, "| `create_response`, `interrupt_response` | ✔ | ✔ | bool | true |"),
    (F, f"{SEM}/create_response"): (True, "| `create_response`, `interrupt_response` | ✔ | ✔ | bool | true |"),
    (F, f"{SEM}/interrupt_response"): (True, "| `create_response`, `interrupt_response` | ✔ | ✔ | bool | true |"),
    (F, f"{SEM}/eagerness"): ("auto", "Maximum waits: 8 s, 4 s, 2 s | `auto` |"),
    (F, "/$defs/McpTool/properties/require_approval"): ("always", "S `MCPTool.require_approval` `default: always`"),
    (G, f"{RT}/properties/output_modalities"): (["audio"], '| exactly `["audio"]` or `["text"]`, never both | `["audio"]`'),
    (G, f"{RT}/properties/tool_choice"): ("auto", '`{type:"mcp", server_label, name?}` | `auto` |'),
    (G, f"{RT}/properties/tracing"): (None, '| `tracing` | `"auto"`, object, or null | as in beta; immutable once enabled | `null` |'),
}
# Defaults a GA field takes over from the flat property it refers to.
REFERENCE_DEFAULTS_VIA_REF = {
    (G, f"{GA_OUT}/voice"): ("alloy", "the 8 beta voices plus **marin** and **cedar** (recommended) | `alloy` |"),
    (G, f"{GA_OUT}/speed"): (1.0, "| `audio.output.speed` | number | 0.25–1.5 (schema bounds) | 1.0 |"),
    (G, f"{GA_IN}/turn_detection"): ({"type": "server_vad"}, "| VAD table, plus `idle_timeout_ms` | server_vad |"),
    (G, f"{GA_IN}/noise_reduction"): (None, "| `audio.input.noise_reduction` | object or null | `{type: near_field \\| far_field}` | `null` |"),
    (G, f"{RT}/properties/tools"): ([], "| function tools (as in beta) and MCP tools (below) | `[]` |"),
    (G, f"{RT}/properties/max_output_tokens"): ("inf", '| `max_output_tokens` | int or `"inf"` | 1–4096 or `"inf"` | `"inf"` |'),
    (G, f"{RT}/properties/truncation"): ("auto", "token_limits?: {post_instructions ≥ 0}}` | `auto` |"),
}
# The reference gives no default (or marks it unknown): the schema must not invent one.
NO_DEFAULT = [
    (F, "/properties/model"), (F, "/properties/instructions"), (F, "/properties/input_audio_transcription"),
    (F, "/properties/tracing"),  # beta: unknown (the GA default, null, is on the GA schema only)
    (F, "/properties/prompt"), (F, "/properties/include"), (F, f"{VAD}/idle_timeout_ms"),
    (F, "/$defs/GaAudioFormat"), (F, "/$defs/Transcription/properties/model"),
    (G, f"{GA_IN}/format"), (G, f"{GA_OUT}/format"), (G, f"{GA_IN}/transcription"), (G, f"{RT}/properties/model"),
    (F, "/properties/reasoning"), (F, "/$defs/Reasoning/properties/effort"),  # low is the server's: --with-defaults
    (F, "/$defs/NoiseReduction/properties/strength"),  # must not add reasoning or reset a strength
]


def test_every_default_is_in_the_reference_table():
    """A default added to a schema must be added to REFERENCE_DEFAULTS, with the reference's cell."""
    assert {node for node, key, _, _ in ANNOTATED if key == "default"} == set(REFERENCE_DEFAULTS)


@pytest.mark.parametrize("node", [*REFERENCE_DEFAULTS, *REFERENCE_DEFAULTS_VIA_REF], ids=label)
def test_default_agrees_with_the_reference(node):
    expected, cell = {**REFERENCE_DEFAULTS, **REFERENCE_DEFAULTS_VIA_REF}[node]
    actual = effective(node, "default")
    assert actual == expected and type(actual) is type(expected)
    if REFERENCE.exists():
        said = REFERENCE.read_text(encoding="utf-8") + AUDIT.read_text(encoding="utf-8")
        assert cell in said, f"the reference no longer says {cell!r}"


@pytest.mark.parametrize("node", NO_DEFAULT, ids=label)
def test_no_default_where_the_reference_gives_none(node):
    assert effective(node, "default") is None and "default" not in at(node)


# -- (d) the samples' modelines ------------------------------------------------------------------

MODELINE = re.compile(r"#\s*yaml-language-server:\s*\$schema=(\S+)\s*$")
YAML_SAMPLES = sorted(SAMPLES.glob("*.yaml")) + sorted(SAMPLES.glob("*.yml"))


def test_there_are_samples_with_modelines():
    assert len(YAML_SAMPLES) >= 5


@pytest.mark.parametrize("sample", YAML_SAMPLES, ids=lambda p: p.name)
def test_sample_modeline_points_at_its_shapes_schema(sample):
    first = sample.read_text(encoding="utf-8").splitlines()[0]
    match = MODELINE.fullmatch(first)
    assert match, f"{sample.name}: the first line is not a yaml-language-server modeline"
    target = (sample.parent / match.group(1)).resolve()
    assert target.is_file(), f"{sample.name}: {match.group(1)} does not exist"
    document = realtime_cfg.load(sample)
    name = GA_SCHEMA if document.shape == "ga" else SESSION_SCHEMA
    assert target == schema_path(name).resolve()
    # what the editor checks: the file as written is valid against the schema it names
    assert _rtcfg_engine((name, "")).errors(document.data) == []


def test_ga_schema_finds_its_sibling():
    """The GA schema refers to session.schema.json by a relative name: it must sit beside it."""
    refs = re.findall(r'"\$ref": "([^"#]*)#', (ROOT / "schemas" / GA_SCHEMA).read_text(encoding="utf-8"))
    assert set(refs) == {SESSION_SCHEMA}
    assert (schema_path(GA_SCHEMA).parent / SESSION_SCHEMA).is_file()


def test_a_dollar_schema_key_is_not_allowed_in_a_config():
    """Why docs/editors.md maps JSON files with `json.schemas` instead of a "$schema" key."""
    assert load_schema(SESSION_SCHEMA)["additionalProperties"] is False
    assert all(session["additionalProperties"] is False for session in load_schema(GA_SCHEMA)["oneOf"])
    assert [d.code for d in realtime_cfg.validate({"$schema": "./session.schema.json", "voice": "alloy"})] == ["S001"]


def test_schema_files_are_still_plain_json():
    for name in SCHEMAS:
        text = (ROOT / "schemas" / name).read_text(encoding="utf-8")
        assert json.loads(text) == load_schema(name)
