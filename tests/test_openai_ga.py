"""A real client as the judge of the GA target: openai-python's GA `session.update`
event model (openai.types.realtime) must accept every GA payload rtcfg renders, with
no field it does not declare, and the generated configs must reach every field of
the GA schema, so that "accepted" covers the whole GA shape."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from openai.types.realtime.session_update_event import SessionUpdateEvent
from pydantic import ValidationError

import realtime_cfg
from realtime_cfg.schema import GA_SCHEMA, items_schema, load_schema, object_properties

from conftest import GOOD_SAMPLES, run_cli
from strategies import ga_configs
from test_openai_models import undeclared_fields

# Free-form values: what is inside them is the user's (a JSON Schema, metadata,
# template variables, HTTP headers), not fields of the session.
FREE_FORM = {"parameters", "metadata", "variables", "headers"}


def accepted(event: dict) -> SessionUpdateEvent:
    model = SessionUpdateEvent.model_validate(event)
    assert undeclared_fields(model) == []
    assert model.model_dump(mode="json", exclude_unset=True) == event
    return model


def payload_paths(value, path: str = "") -> set[str]:
    """Every field path in a payload, list items as `[]`: {"audio", "audio.input", ...}."""
    found = set()
    if isinstance(value, dict):
        for key, child in value.items():
            child_path = f"{path}.{key}" if path else key
            found.add(child_path)
            if key not in FREE_FORM:
                found |= payload_paths(child, child_path)
    elif isinstance(value, list):
        for item in value:
            found |= payload_paths(item, f"{path}[]")
    return found


def schema_paths(schema, path: str = "") -> set[str]:
    """Every field path the GA schema declares, in the same notation."""
    found = set()
    for key, sub in object_properties(schema).items():
        child_path = f"{path}.{key}" if path else key
        found.add(child_path)
        if key not in FREE_FORM:
            found |= schema_paths(sub, child_path)
    items = items_schema(schema)
    if items is not None:
        found |= schema_paths(items, f"{path}[]")
    return found


GA_FIELDS = schema_paths(load_schema(GA_SCHEMA))


def test_the_ga_schema_is_walked_to_its_leaves():
    # the walk follows $refs into the authoring schema and into union branches
    assert {"audio.input.turn_detection.idle_timeout_ms", "audio.output.voice", "tools[].server_url",
            "tools[].require_approval.always.tool_names", "tool_choice.server_label",
            "truncation.retention_ratio", "prompt.variables", "include"} <= GA_FIELDS


@pytest.mark.parametrize("sample", GOOD_SAMPLES, ids=lambda p: p.name)
def test_every_sample_renders_for_ga_and_is_accepted_by_openai_python(sample):
    result = run_cli("render", str(sample), "--target", "ga", "--envelope", "--event-id", "evt_test")
    assert result.returncode == 0, result.stderr
    accepted(json.loads(result.stdout))


@pytest.mark.slow
def test_generated_ga_payloads_are_accepted_and_reach_every_ga_field():
    seen: set[str] = set()

    @settings(max_examples=400, derandomize=True, deadline=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(ga_configs())
    def check(config):
        event = realtime_cfg.render(config, target="ga", envelope=True)
        accepted(event)
        seen.update(payload_paths(event["session"]))
        # the same config written in the GA shape reads back to the same payload
        ga_shaped, _notes = realtime_cfg.migrate(config, to="ga")
        assert realtime_cfg.render(ga_shaped, target="ga", envelope=True) == event

    check()
    assert GA_FIELDS - seen == set(), "GA fields no generated config set"


def test_the_ga_judge_can_fail():
    """The GA model rejects what rtcfg rejects by literal, and sees undeclared fields."""
    with pytest.raises(ValidationError):  # a beta format string where GA wants an object
        SessionUpdateEvent.model_validate({"type": "session.update", "session": {
            "type": "realtime", "audio": {"input": {"format": "pcm16"}}}})
    with pytest.raises(ValidationError):  # GA sessions carry their type
        SessionUpdateEvent.model_validate({"type": "session.update", "session": {"model": "gpt-realtime"}})
    model = SessionUpdateEvent.model_validate({"type": "session.update", "session": {
        "type": "realtime", "temperature": 0.8}})
    assert undeclared_fields(model) == [".session.temperature"]
