"""The library API an application uses at run time."""

from __future__ import annotations

import inspect

import pytest

import realtime_cfg
from realtime_cfg import api

from conftest import SAMPLES


def test_load_session_returns_the_event_the_cli_prints():
    event = realtime_cfg.load_session(SAMPLES / "telephony-agent.yaml", envelope=True, event_id="e1")
    assert event["type"] == "session.update" and event["event_id"] == "e1"
    assert event["session"]["input_audio_format"] == "g711_ulaw"
    assert list(event) == ["type", "event_id", "session"]


def test_invalid_config_raises_config_error_with_every_diagnostic():
    with pytest.raises(realtime_cfg.ConfigError) as info:
        realtime_cfg.load_session(SAMPLES / "broken" / "typos.yaml")
    assert [d.code for d in info.value.diagnostics] == ["S002", "S004", "S001", "S006"]
    assert "typos.yaml:4:21: S002" in str(info.value)
    assert "(and 3 more)" in str(info.value)


def test_unreadable_file_raises_load_error():
    with pytest.raises(realtime_cfg.LoadError) as info:
        realtime_cfg.load(SAMPLES / "does-not-exist.yaml")
    assert info.value.diagnostics[0].code == "F001"


def test_steps_compose_on_plain_data():
    data = {"voice": "ash", "max_output_tokens": "INF"}
    assert realtime_cfg.validate(data) == []
    assert realtime_cfg.normalize(data) == {"voice": "ash", "max_response_output_tokens": "inf"}
    assert realtime_cfg.render(data, envelope=True)["session"]["max_response_output_tokens"] == "inf"


def test_warnings_do_not_stop_rendering():
    data = {"tools": [{"type": "function", "name": "look up"}]}
    assert [d.severity for d in realtime_cfg.validate(data)] == ["warning"]
    with pytest.warns(realtime_cfg.RtcfgWarning, match="R004 tool name 'look up'"):
        assert realtime_cfg.render(data) == data


def test_unknown_target_is_a_value_error():
    with pytest.raises(ValueError, match="unknown target"):
        realtime_cfg.render({}, target="v3")


@pytest.mark.parametrize("name", ["load", "loads", "validate", "normalize", "render", "load_session", "diff",
                                  "check_file"])
def test_public_functions_are_typed_and_documented(name):
    function = getattr(realtime_cfg, name)
    assert function is getattr(api, name)
    assert inspect.getdoc(function)
    signature = inspect.signature(function)
    assert signature.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not inspect.Parameter.empty for p in signature.parameters.values())


def test_importing_the_package_is_cheap():
    import subprocess
    import sys

    code = "import sys, realtime_cfg; print('yaml' in sys.modules, 'rich' in sys.modules, 'jsonschema' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False", "False", "False"]


def test_check_file_never_raises_for_file_content(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("voice: [\n")
    document, found = realtime_cfg.check_file(broken)
    assert document is None and [d.code for d in found] == ["L001"]
    document, found = realtime_cfg.check_file(SAMPLES / "broken" / "wrong-vad.yaml")
    assert document is not None and {d.code for d in found} == {"S002", "S006", "S007", "S004"}
    document, found = realtime_cfg.check_file(tmp_path / "missing.yaml")
    assert document is None and found[0].is_io_error
