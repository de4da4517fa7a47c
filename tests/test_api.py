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
    # accepted, and sent as "inf": R021 (info) says so, with a safe fix
    assert [(d.code, d.severity) for d in realtime_cfg.validate(data)] == [("R021", "info")]
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


# -- what the library says of a finding, and where it agrees with the command line ----------

def test_a_finding_carries_its_rule_name_and_severity():
    finding = realtime_cfg.validate({"voice": "nova"})[0]
    assert (finding.code, finding.name, finding.severity) == ("R006", "tts-only-voice", "error")
    assert list(finding.to_dict()) == ["code", "message", "file", "line", "column", "path", "hint", "severity", "name",
                                       "end_line", "end_column", "fix"]
    made_by_hand = realtime_cfg.Diagnostic("R005", "a note", "a.yaml")
    assert (made_by_hand.name, made_by_hand.severity) == ("unknown-model", "warning")


def test_the_project_list_of_ignored_codes_is_honoured_by_render_too():
    document = realtime_cfg.loads("model: gpt-realtime-2\nvoice: nova\n")
    with pytest.raises(realtime_cfg.ConfigError, match="R006"):
        realtime_cfg.render(document)
    assert realtime_cfg.render(document, ignore=["R006"]) == {"model": "gpt-realtime-2", "voice": "nova"}


def test_migrate_refuses_to_write_an_environment_value_it_cannot_put_back(tmp_path):
    """instructions come from ${GREETING}; a tool description holds the same text as written, so
    the migrated file would hold the value where no ${GREETING} can be put back: refused, by the
    command line (exit 2, nothing written) and by the library (LeakError), alike."""
    from conftest import run_cli

    (tmp_path / "pyproject.toml").write_text("")
    config = tmp_path / "agent.yaml"
    config.write_text("model: gpt-realtime-2\ninstructions: ${GREETING}\ntools:\n  - type: function\n"
                      "    name: greet\n    description: 'Greets with say hi my friend'\n")
    out = tmp_path / "agent.ga.yaml"
    env = {"GREETING": "say hi my friend"}
    result = run_cli("migrate", str(config), "-o", str(out), env=env)
    assert result.returncode == 2
    assert "would hold the value of ${GREETING}, not ${GREETING} itself; nothing written" in result.stderr
    assert "say hi my friend" not in result.stdout + result.stderr and not out.exists()
    from realtime_cfg.pipeline import LeakError

    with pytest.raises(LeakError, match=r"\$\{GREETING\}"):
        realtime_cfg.migrate(realtime_cfg.build(config, env=env))
    env["GREETING"] = "hello there, caller"  # no other string holds it: ${GREETING} is put back
    assert realtime_cfg.migrate(realtime_cfg.build(config, env=env))[0]["instructions"] == "${GREETING}"
