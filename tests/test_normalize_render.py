"""Normalization (canonical form) and rendering: rules, golden outputs, and properties."""

from __future__ import annotations

import json
import os

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

import realtime_cfg
from realtime_cfg.output.files import write_atomic
from realtime_cfg.output.payload import serialize
from realtime_cfg.schema.views import engine

from conftest import GOOD_SAMPLES, ROOT, codes, run_cli
from strategies import configs

GOLDEN = ROOT / "tests" / "golden"


class TestTokenLimit:
    @pytest.mark.parametrize("written, canonical", [
        ('"inf"', "inf"), ('"INF"', "inf"), ('"Inf"', "inf"), (".inf", "inf"), (".Inf", "inf"),
        ('"2048"', 2048), ("2048.0", 2048), ("2048", 2048), ("1", 1), ("4096", 4096),
    ])
    def test_lenient_spellings_become_canonical(self, written, canonical):
        result = realtime_cfg.normalize(realtime_cfg.loads(f"max_response_output_tokens: {written}\n"))
        assert result == {"max_response_output_tokens": canonical}

    @pytest.mark.parametrize("written", ["0", "4097", "2.5", "-1", '"0"', '"4097"', "-.inf", '"infinity"', "true"])
    def test_out_of_range_is_an_error_never_clamped(self, written):
        assert codes(f"max_response_output_tokens: {written}\n")[0] in ("S002", "S003", "S004", "R001")
        with pytest.raises(realtime_cfg.ConfigError):
            realtime_cfg.normalize(realtime_cfg.loads(f"max_response_output_tokens: {written}\n"))

    def test_seed_name_is_rendered_under_the_beta_wire_name(self):
        assert realtime_cfg.render({"max_output_tokens": "INF"}) == {"max_response_output_tokens": "inf"}


class TestCanonicalForm:
    def test_explicit_null_is_kept(self):
        data = {"turn_detection": None, "input_audio_transcription": None, "tracing": None,
                "input_audio_noise_reduction": None}
        assert realtime_cfg.normalize(data) == data

    @pytest.mark.parametrize("target, path", [("beta", ["turn_detection"]),
                                              ("ga", ["audio", "input", "turn_detection"])])
    def test_turn_detection_type_is_written_out(self, target, path):
        # found by openai-python's GA model, which rejects a turn_detection without a type
        payload = realtime_cfg.render({"turn_detection": {"silence_duration_ms": 400}}, target=target)
        for key in path:
            payload = payload[key]
        assert payload == {"type": "server_vad", "silence_duration_ms": 400}

    def test_empty_values_that_clear_are_kept(self):
        assert realtime_cfg.normalize({"instructions": "", "tools": []}) == {"instructions": "", "tools": []}

    def test_keys_follow_schema_order_and_free_form_keys_keep_theirs(self):
        data = {"temperature": 0.8, "voice": "ash", "model": "m",
                "tools": [{"parameters": {"type": "object", "required": [], "properties": {}},
                           "name": "f", "type": "function"}]}
        result = realtime_cfg.normalize(data)
        assert list(result) == ["model", "voice", "tools", "temperature"]
        assert list(result["tools"][0]) == ["type", "name", "parameters"]
        assert list(result["tools"][0]["parameters"]) == ["type", "required", "properties"]

    def test_whole_floats_become_ints_only_for_integer_fields(self):
        result = realtime_cfg.normalize({"turn_detection": {"silence_duration_ms": 500.0, "threshold": 1.0},
                                         "speed": 1.0})
        assert result["turn_detection"]["silence_duration_ms"] == 500
        assert type(result["turn_detection"]["silence_duration_ms"]) is int
        assert type(result["turn_detection"]["threshold"]) is float
        assert type(result["speed"]) is float

    def test_normalize_does_not_touch_its_input(self):
        data = {"max_output_tokens": "INF", "tools": [{"name": "f", "type": "function"}]}
        before = json.dumps(data)
        realtime_cfg.normalize(data)
        assert json.dumps(data) == before


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_generated_configs_are_valid_and_normalization_is_idempotent(config):
    # warnings (an empty instructions string, R011) are fine: the server accepts them
    assert [d for d in realtime_cfg.validate(config) if d.severity == "error"] == []
    once = realtime_cfg.normalize(config)
    assert realtime_cfg.normalize(once) == once
    assert engine().is_valid(once)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_render_load_render_is_stable(config):
    first = realtime_cfg.render(config)
    for fmt in ("json", "yaml"):
        text = serialize(first, fmt)
        again = realtime_cfg.render(realtime_cfg.loads(text, format=fmt))
        assert again == first
        assert serialize(again, fmt) == text


# -- golden outputs ---------------------------------------------------------------------

GOLDEN_CASES = [pytest.param(sample, target, fmt, id=f"{sample.name}-{target}-{fmt}")
                for sample in GOOD_SAMPLES for target in ("beta", "ga") for fmt in ("json", "yaml")
                if target == "ga" or realtime_cfg.load(sample).shape == "beta"]


@pytest.mark.parametrize("sample, target, fmt", GOLDEN_CASES)
def test_render_matches_golden_output(sample, target, fmt):
    """The CLI's output for each sample and target, byte for byte. Regenerate on purpose
    with RTCFG_UPDATE_GOLDEN=1 and review the diff."""
    result = run_cli("render", str(sample.relative_to(ROOT)), "--target", target, "--format", fmt)
    assert result.returncode == 0, result.stderr
    golden = GOLDEN / f"{sample.stem}.{target}.{fmt}"
    if os.environ.get("RTCFG_UPDATE_GOLDEN"):
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


def test_envelope_golden():
    result = run_cli("render", "sample_configs/text-assistant.yaml", "--envelope", "--event-id", "evt_1")
    assert result.returncode == 0
    assert json.loads(result.stdout) == {
        "type": "session.update",
        "event_id": "evt_1",
        "session": json.loads((GOLDEN / "text-assistant.beta.json").read_text()),
    }


def test_yaml_output_keeps_strings_that_look_like_booleans_quoted():
    text = serialize(realtime_cfg.render({"input_audio_transcription": {"language": "no"}}), "yaml")
    assert "language: 'no'" in text
    assert yaml.safe_load(text) == {"input_audio_transcription": {"language": "no"}}


def test_yaml_output_uses_block_style_for_multiline_instructions():
    text = serialize({"instructions": "line one\nline two\n"}, "yaml")
    assert text == "instructions: |\n  line one\n  line two\n"


class TestAtomicWrite:
    def test_writes_whole_file_and_no_temporaries(self, tmp_path):
        target = tmp_path / "out.json"
        write_atomic(target, "new content\n")
        assert target.read_text() == "new content\n"
        assert [p.name for p in tmp_path.iterdir()] == ["out.json"]

    def test_failure_leaves_old_file_untouched(self, tmp_path, monkeypatch):
        target = tmp_path / "out.json"
        target.write_text("old\n")

        def broken_replace(src, dst):
            raise KeyboardInterrupt  # Ctrl-C at the worst moment

        monkeypatch.setattr(os, "replace", broken_replace)
        with pytest.raises(KeyboardInterrupt):
            write_atomic(target, "new\n")
        assert target.read_text() == "old\n"
        assert [p.name for p in tmp_path.iterdir()] == ["out.json"]

    def test_cli_writes_nothing_for_an_invalid_config(self, tmp_path):
        out = tmp_path / "payload.json"
        out.write_text("previous\n")
        result = run_cli("render", "sample_configs/broken/typos.yaml", "-o", str(out))
        assert result.returncode == 1
        assert out.read_text() == "previous\n"

    def test_cli_output_file(self, tmp_path):
        out = tmp_path / "payload.json"
        result = run_cli("render", "sample_configs/voice-agent.yaml", "-o", str(out), "--envelope")
        assert result.returncode == 0 and result.stdout == ""
        assert json.loads(out.read_text())["type"] == "session.update"

    def test_cli_unwritable_destination_is_exit_2(self, tmp_path):
        result = run_cli("render", "sample_configs/voice-agent.yaml", "-o", str(tmp_path / "no" / "dir" / "x.json"))
        assert result.returncode == 2 and "cannot write" in result.stderr


def test_render_diff_shows_normalization_changes():
    result = run_cli("render", "sample_configs/transcribing-agent.yaml", "--diff")
    assert result.returncode == 0
    assert result.stdout.splitlines() == ["- max_output_tokens: 2048", "+ max_response_output_tokens: 2048"]


def test_render_diff_on_a_canonical_file():
    result = run_cli("render", "sample_configs/voice-agent.yaml", "--diff")
    assert result.returncode == 0 and "No changes" in result.stdout


def test_render_diff_shows_coerced_values(write):
    path = write("s.yaml", "max_response_output_tokens: '300'\ntracing: {workflow_name: w}\n")
    result = run_cli("render", str(path), "--diff")
    assert result.stdout.splitlines() == ['~ max_response_output_tokens: "300" -> 300']
