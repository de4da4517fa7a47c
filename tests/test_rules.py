"""Every rule code has a failing case (right code, line, column and field path)
and a passing case that differs only in the fix the hint suggests."""

from __future__ import annotations

import pytest

from realtime_cfg.diagnostics import RULES

from conftest import diagnose, run_cli

# code: (bad config, line, column, field path, good config)
CASES: dict[str, tuple[str, int, int, str, str]] = {
    "L001": ("model: [gpt\n", 2, 1, "", "model: gpt-realtime\n"),
    "L002": ("voice: alloy\nvoice: ash\n", 2, 1, "", "voice: ash\n"),
    "L003": ("- model\n", 1, 1, "", "model: gpt-realtime\n"),
    "L004": ("instructions: !!python/object/apply:os.system [ls]\n", 1, 15, "", "instructions: ls\n"),
    "L005": ("tracing: {metadata: " + "{a: " * 120 + "1" + "}" * 121 + "\n", 1, None, "",
             "tracing: {metadata: {a: {a: 1}}}\n"),
    "L006": ("a: &a [x, x, x, x, x, x, x, x, x, x]\n"
             + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                       for p, c in zip("abcdef", "bcdefg")), None, None, "",
             "tools: &t []\n"),
    "L007": ("voice: alloy\n---\nvoice: ash\n", 2, 1, "", "voice: ash\n"),
    "S001": ("max_tokens: 300\n", 1, 1, "max_tokens", "max_output_tokens: 300\n"),
    "S002": ("input_audio_format: g711-ulaw\n", 1, 21, "input_audio_format", "input_audio_format: g711_ulaw\n"),
    "S003": ("temperature: warm\n", 1, 14, "temperature", "temperature: 0.9\n"),
    "S004": ("temperature: 0.3\n", 1, 14, "temperature", "temperature: 0.6\n"),
    "S005": ("tools:\n  - type: function\n    description: no name\n", 2, 5, "tools[0]",
             "tools:\n  - type: function\n    name: f\n    description: named\n"),
    "S006": ("input_audio_transcription:\n  language: no\n", 2, 13, "input_audio_transcription.language",
             "input_audio_transcription:\n  language: \"no\"\n"),
    "S007": ("turn_detection:\n  type: semantic_vad\n  threshold: 0.5\n", 3, 3, "turn_detection.threshold",
             "turn_detection:\n  type: server_vad\n  threshold: 0.5\n"),
    "S008": ("tools:\n  - type: function\n    name: f\n    parameters: {type: object, required: city}\n",
             4, 42, "tools[0].parameters.required",
             "tools:\n  - type: function\n    name: f\n    parameters: {type: object, required: [city]}\n"),
    "S009": ("tool_choice: ''\n", 1, 14, "tool_choice", "tool_choice: auto\n"),
    "S010": ("max_output_tokens: 10\nmax_response_output_tokens: 10\n", 1, 1, "max_output_tokens",
             "max_response_output_tokens: 10\n"),
    "S011": ("client_secret: {expires_after: {anchor: created_at, seconds: 60}}\n", 1, 1, "client_secret",
             "model: gpt-realtime\n"),
    "R001": ("speed: .nan\n", 1, 8, "speed", "speed: 1.0\n"),
    "R002": ("tools: [{type: function, name: lookup}]\ntool_choice: lookpu\n", 2, 14, "tool_choice",
             "tools: [{type: function, name: lookup}]\ntool_choice: lookup\n"),
    "R003": ("tools:\n  - {type: function, name: f}\n  - {type: function, name: f}\n", 3, 28, "tools[1].name",
             "tools:\n  - {type: function, name: f}\n  - {type: function, name: g}\n"),
    "R004": ("tools:\n  - {type: function, name: look up}\n", 2, 28, "tools[0].name",
             "tools:\n  - {type: function, name: look_up}\n"),
    "S012": ("type: realtime\nvoice: ash\n", 2, 1, "voice", "type: realtime\naudio: {output: {voice: ash}}\n"),
    "T001": ("voice: ash\ntruncation: disabled\n", 2, 13, "truncation", "voice: ash\n"),
    "T002": ("voice: ash\ntemperature: 0.7\n", 2, 14, "temperature", "voice: ash\n"),
}

# Codes only a given target reports (default: the file's own shape).
TARGET = {"T002": "ga"}

# Codes whose cases need a file on disk rather than config text: tested below and in test_loader.py.
FILE_LEVEL = {"F001", "L008", "L009"}


def test_every_rule_has_cases():
    assert set(RULES) == set(CASES) | FILE_LEVEL


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails_on_bad_config(code):
    bad, line, column, path, _ = CASES[code]
    found = [d for d in diagnose(bad, target=TARGET.get(code)) if d.code == code]
    assert found, f"{code} not reported; got {[(d.code, d.message) for d in diagnose(bad, target=TARGET.get(code))]}"
    first = found[0]
    assert first.severity == RULES[code].severity
    assert first.file == "cfg.yaml"
    if line is not None:
        assert first.line == line
    if column is not None:
        assert (first.line, first.column) == (line, column)
    assert first.path == path
    assert first.message


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_passes_on_fixed_config(code):
    good = CASES[code][4]
    assert diagnose(good, target=TARGET.get(code)) == []


def test_unreadable_file_is_F001_and_exit_2(tmp_path):
    result = run_cli("validate", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    assert "F001 cannot read" in result.stdout
    (tmp_path / "ok.yaml").write_text("voice: alloy\n")
    assert run_cli("validate", str(tmp_path / "ok.yaml")).returncode == 0
