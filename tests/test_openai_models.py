"""A real client as the judge: openai-python's own pydantic model of the beta
`session.update` event (openai.types.beta.realtime, frozen in openai 3.57.0) must accept
every rendered payload, with no field it does not declare (its models allow extra keys,
so that is checked separately)."""

from __future__ import annotations

import json
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from openai.types.beta.realtime.session_update_event import Session, SessionUpdateEvent
from pydantic import BaseModel, ValidationError

import realtime_cfg

from conftest import GOOD_SAMPLES, run_cli
from strategies import BEFORE_EVERY_SHUTDOWN, BETA_MODELS, BETA_VOICES, configs


def undeclared_fields(model: BaseModel, path: str = "") -> list[str]:
    """Keys the model kept only because it allows extras: fields the real API would not know."""
    found = [f"{path}.{k}" for k in (model.model_extra or {})]
    for name in type(model).model_fields:
        value = getattr(model, name)
        children = value if isinstance(value, list) else [value]
        for child in children:
            if isinstance(child, BaseModel) and name != "parameters":
                found.extend(undeclared_fields(child, f"{path}.{name}"))
    return found


def accepted(event: dict) -> SessionUpdateEvent:
    model = SessionUpdateEvent.model_validate(event)
    assert undeclared_fields(model) == []
    assert model.model_dump(mode="json", exclude_unset=True) == event
    return model


# every sample a beta server can take (a GA sample with GA-only settings cannot be rendered for beta)
BETA_SAMPLES = [s for s in GOOD_SAMPLES if not realtime_cfg.validate(realtime_cfg.load(s), target="beta")]


@pytest.mark.parametrize("sample", BETA_SAMPLES, ids=lambda p: p.name)
def test_every_sample_payload_is_accepted_by_openai_python(sample):
    result = run_cli("render", str(sample), "--target", "beta", "--envelope", "--event-id", "evt_test")
    assert result.returncode == 0, result.stderr
    accepted(json.loads(result.stdout))


def literals(annotation) -> set:
    """The values of the Literal types inside an annotation (Union[str, Literal[...], None] too)."""
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    return set().union(*(literals(arg) for arg in typing.get_args(annotation)))


def test_the_strategy_draws_what_the_beta_types_list():
    # the beta types list 8 voices (not marin and cedar) and take only their own models
    assert set(BETA_VOICES) == literals(Session.model_fields["voice"].annotation)
    assert set(BETA_MODELS) <= literals(Session.model_fields["model"].annotation)


@settings(max_examples=150, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(config=configs())
def test_generated_payloads_are_accepted_by_openai_python(config, monkeypatch):
    # some drawn models have an announced shutdown (R015 turns into an error on the day)
    monkeypatch.setenv("RTCFG_TODAY", BEFORE_EVERY_SHUTDOWN)
    assert [d for d in realtime_cfg.validate(config, target="beta") if d.severity == "error"] == []
    accepted(realtime_cfg.render(config, target="beta", envelope=True))


def test_the_judge_can_fail():
    """The model does reject what rtcfg rejects by literal, so the test above means something."""
    with pytest.raises(ValidationError):
        SessionUpdateEvent.model_validate({"type": "session.update", "session": {"input_audio_format": "g711-ulaw"}})
    model = SessionUpdateEvent.model_validate({"type": "session.update", "session": {"max_output_tokens": 5}})
    assert undeclared_fields(model) == [".session.max_output_tokens"]
