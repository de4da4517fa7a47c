"""Boundaries: the value at a limit and the value one past it, each with the whole list of
findings, so that moving a limit, or turning `<` into `<=`, fails a test.

Limits are written here as the README documents them (64-character tool names, 32 files in an
extends/include chain and in one extends list, environment values of 6 characters or more
redacted, the first 6 characters of a secret shown), not read from rtcfg's modules: a test that
read the constant would pass whatever it was changed to."""

from __future__ import annotations

import textwrap

import pytest

import realtime_cfg

from conftest import run_cli

MAX_TOOL_NAME = 64  # README: R004, "at most 64"
MAX_CHAIN = 32  # README: B006, "more than 32 files deep"
MAX_BASES = 32  # README: B006, "an extends list names more than 32 files"
REDACT_FROM = 6  # README: "a value taken from the environment (6 characters or more)"
SHOWN_OF_SECRET = 6  # README: "its first 6 characters"


def findings(text: str) -> list[tuple[str, str]]:
    """(code, path) of every finding in config text (YAML), in rtcfg's order."""
    return [(d.code, d.path) for d in realtime_cfg.validate(realtime_cfg.loads(textwrap.dedent(text)))]


def with_tool_named(name: str) -> str:
    return f"model: gpt-realtime-2\ntools:\n  - type: function\n    name: {name}\n"


# -- R004: a tool name of at most 64 characters ----------------------------------------------

def test_a_tool_name_of_exactly_64_characters_is_valid():
    assert findings(with_tool_named("a" * MAX_TOOL_NAME)) == []
    assert findings(with_tool_named("get_weather-" + "x" * (MAX_TOOL_NAME - 12))) == []


def test_a_tool_name_of_65_characters_is_r004():
    assert findings(with_tool_named("a" * (MAX_TOOL_NAME + 1))) == [("R004", "tools[0].name")]
    assert findings(with_tool_named("get_weather-" + "x" * (MAX_TOOL_NAME + 1 - 12))) == [("R004", "tools[0].name")]


def test_a_one_character_tool_name_is_valid():
    assert findings(with_tool_named("f")) == []


# -- R008 / R009: tool_choice against an empty tools list ------------------------------------

def test_no_tools_and_tool_choice_none_is_no_finding():
    # an empty list defines no tool: nothing is disabled by `none` (R008 needs a tool)
    assert findings("tools: []\ntool_choice: none\n") == []


def test_a_tool_and_tool_choice_none_is_r008():
    # the other side of the boundary: one tool is enough
    assert findings("""\
        tools:
          - {type: function, name: f}
        tool_choice: none
        """) == [("R008", "tool_choice")]


def test_no_tools_and_tool_choice_required_is_r009():
    assert findings("tools: []\ntool_choice: required\n") == [("R009", "tool_choice")]


def test_a_tool_and_tool_choice_required_is_no_finding():
    assert findings("""\
        tools:
          - {type: function, name: f}
        tool_choice: required
        """) == []


# -- R005: a dated snapshot of a known model is known ------------------------------------------

@pytest.mark.parametrize("model", [
    "gpt-realtime-2",
    "gpt-realtime-2-2026-03-01",  # an unlisted snapshot of a listed model with no shutdown
    "gpt-realtime-1.5-2099-12-31",
    "gpt-4o-realtime-preview-2024-12-17",  # listed as such
])
def test_a_known_model_or_its_dated_snapshot_is_no_finding(model):
    assert findings(f"model: {model}\n") == []


@pytest.mark.parametrize("model", [
    "gpt-realtime-3",
    "gpt-realtime-2-20260301",  # not -YYYY-MM-DD
    "gpt-realtime-2-2026-03-1",
    "gpt-realtime-2-2026-3-01",
    "gpt-realtime-2-2026-03-01-x",  # the date is not the end of the name
    "gpt-realtime-2026-03-01-2",  # nor here (without the date, what is left is a known name)
    "gpt-realtime-2-26-03-01",
])
def test_an_unknown_model_or_a_misdated_snapshot_is_r005(model):
    assert findings(f"model: {model}\n") == [("R005", "model")]


def test_a_snapshot_of_a_retiring_model_is_known_but_retiring():
    # gpt-realtime shuts down on 2027-01-20: its unlisted snapshot is no R005, and R015 says so
    found = realtime_cfg.validate(realtime_cfg.loads("model: gpt-realtime-2026-03-01\n"))
    assert [(d.code, d.path, d.severity) for d in found] == [("R015", "model", "warning")]


# -- R001: infinity and NaN, and nothing else about them ---------------------------------------

@pytest.mark.parametrize("written, shown", [(".inf", "inf"), ("-.inf", "-inf"), (".nan", "nan"), (".Inf", "inf")])
def test_a_non_finite_speed_is_r001_alone(written, shown):
    # not also a range error (maximum 1.5) or a type error: one clear finding
    found = realtime_cfg.validate(realtime_cfg.loads(f"speed: {written}\n"))
    assert [(d.code, d.path, d.severity, d.message) for d in found] == [
        ("R001", "speed", "error", f"speed is {shown}, which JSON cannot carry")]


# -- B006: the length of an extends/include chain and of an extends list -----------------------

def _project(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n", encoding="utf-8")
    return tmp_path


def _extends_chain(folder, files: int):
    """f0.yaml extends f1.yaml ... extends f{files-1}.yaml, which sets the model: `files` files."""
    for index in range(files - 1):
        (folder / f"f{index}.yaml").write_text(f"extends: f{index + 1}.yaml\n", encoding="utf-8")
    (folder / f"f{files - 1}.yaml").write_text("model: gpt-realtime-2\n", encoding="utf-8")
    return folder / "f0.yaml"


def _report(diagnostics):
    return [(d.code, d.file, d.line, d.column, d.message) for d in diagnostics]


def test_an_extends_chain_of_exactly_32_files_builds(tmp_path):
    top = _extends_chain(_project(tmp_path), MAX_CHAIN)
    document, diagnostics = realtime_cfg.check_file(top)
    assert diagnostics == []
    assert document.data == {"model": "gpt-realtime-2"}


def test_an_extends_chain_of_33_files_is_b006(tmp_path):
    top = _extends_chain(_project(tmp_path), MAX_CHAIN + 1)
    document, diagnostics = realtime_cfg.check_file(top)
    assert document is None
    # reported where the 32nd file names the 33rd
    assert _report(diagnostics) == [("B006", str(tmp_path / f"f{MAX_CHAIN - 1}.yaml"), 1, 10,
                                     f"more than {MAX_CHAIN} files extend or include one another in a chain")]


def _include_chain(folder, files: int):
    """f0.yaml includes f1.yaml as a tool, f1.yaml is {$file: f2.yaml} ..., the last is the tool."""
    (folder / "f0.yaml").write_text("tools:\n  - $file: f1.yaml\n", encoding="utf-8")
    for index in range(1, files - 1):
        (folder / f"f{index}.yaml").write_text(f"$file: f{index + 1}.yaml\n", encoding="utf-8")
    (folder / f"f{files - 1}.yaml").write_text("{type: function, name: f}\n", encoding="utf-8")
    return folder / "f0.yaml"


def test_an_include_chain_of_exactly_32_files_builds(tmp_path):
    document, diagnostics = realtime_cfg.check_file(_include_chain(_project(tmp_path), MAX_CHAIN))
    assert diagnostics == []
    assert document.data == {"tools": [{"type": "function", "name": "f"}]}


def test_an_include_chain_of_33_files_is_b006(tmp_path):
    document, diagnostics = realtime_cfg.check_file(_include_chain(_project(tmp_path), MAX_CHAIN + 1))
    assert document is None
    assert _report(diagnostics) == [("B006", str(tmp_path / f"f{MAX_CHAIN - 1}.yaml"), 1, 8,
                                     f"more than {MAX_CHAIN} files extend or include one another in a chain")]


def test_an_extends_chain_from_stdin_counts_stdin_too(tmp_path):
    folder = _project(tmp_path)
    _extends_chain(folder, MAX_CHAIN + 1)  # f0.yaml's text, read from stdin, extends f1.yaml ... f32.yaml
    result = run_cli("validate", "-", stdin=(folder / "f0.yaml").read_text(encoding="utf-8"), cwd=folder)
    assert result.returncode == 1
    assert "B006" in result.stdout


def _bases(folder, count: int):
    for index in range(count):
        (folder / f"b{index}.yaml").write_text(f"instructions: base {index}\n", encoding="utf-8")
    names = ", ".join(f"b{index}.yaml" for index in range(count))
    (folder / "top.yaml").write_text(f"extends: [{names}]\nmodel: gpt-realtime-2\n", encoding="utf-8")
    return folder / "top.yaml"


def test_an_extends_list_of_exactly_32_files_builds(tmp_path):
    document, diagnostics = realtime_cfg.check_file(_bases(_project(tmp_path), MAX_BASES))
    assert diagnostics == []
    # each base is merged over the ones before it: the last one's instructions win
    assert document.data == {"instructions": f"base {MAX_BASES - 1}", "model": "gpt-realtime-2"}


def test_an_extends_list_of_33_files_is_b006(tmp_path):
    top = _bases(_project(tmp_path), MAX_BASES + 1)
    document, diagnostics = realtime_cfg.check_file(top)
    assert document is None
    assert _report(diagnostics) == [("B006", str(top), 1, 10,
                                     f"extends names {MAX_BASES + 1} files; at most {MAX_BASES} are merged")]


# -- redaction: an environment value of 6 characters or more is shown as its ${VAR} ----------

# made-up values: none of them is a word of the schema (those are never redacted)
SIX, FIVE = "zqxjvw", "zqxjv"
assert len(SIX) == REDACT_FROM and len(FIVE) == REDACT_FROM - 1


def _built_findings(tmp_path, text: str, env: dict[str, str]):
    path = _project(tmp_path) / "agent.yaml"
    path.write_text(text, encoding="utf-8")
    document = realtime_cfg.build(path, env=env)
    return [(d.code, d.path, d.line, d.column, d.message) for d in realtime_cfg.validate(document)]


def test_a_six_character_environment_value_is_shown_as_its_variable(tmp_path):
    found = _built_findings(tmp_path, "model: gpt-realtime-2\nvoice: ${VOICE}\n", {"VOICE": SIX})
    assert found == [("R013", "voice", 2, 8, "unknown voice '${VOICE}'")]


def test_a_five_character_environment_value_is_shown_as_it_is(tmp_path):
    found = _built_findings(tmp_path, "model: gpt-realtime-2\nvoice: ${VOICE}\n", {"VOICE": FIVE})
    assert found == [("R013", "voice", 2, 8, f"unknown voice '{FIVE}'")]


@pytest.mark.parametrize("value, shown", [(SIX, "${FMT}"), (FIVE, FIVE)])
def test_an_environment_value_in_an_enum_message_is_redacted_from_six_characters(tmp_path, value, shown):
    found = _built_findings(tmp_path, "model: gpt-realtime-2\ninput_audio_format: ${FMT}\n", {"FMT": value})
    assert found == [("S002", "input_audio_format", 2, 21,
                      f'invalid value "{shown}" for input_audio_format; expected "pcm16", "g711_ulaw", "g711_alaw"')]


@pytest.mark.parametrize("value, shown", [(SIX, "${VOICE}"), (FIVE, FIVE)])
def test_the_report_of_the_command_line_redacts_from_six_characters(tmp_path, value, shown):
    path = _project(tmp_path) / "agent.yaml"
    path.write_text("model: gpt-realtime-2\nvoice: ${VOICE}\n", encoding="utf-8")
    result = run_cli("validate", str(path), env={"VOICE": value})
    assert result.returncode == 0  # R013 is a warning
    assert result.stdout.splitlines()[0] == f"{path}:2:8: R013 [warning] unknown voice '{shown}'"
    assert (value in result.stdout + result.stderr) == (shown == value)


# -- a secret shows its first 6 characters, masked to its own width ---------------------------

def test_a_secret_is_shown_as_its_first_six_characters_and_stars_of_its_width(tmp_path):
    secret = "sk-proj-" + "abcdefghijABCDEFGHIJ0123456789abcdefghij"
    assert len(secret) == 48
    path = tmp_path / "agent.yaml"
    path.write_text(f'model: gpt-realtime-2\ninstructions: "{secret}"\n', encoding="utf-8")
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{path}:2:15: R012 instructions holds what looks like a secret (sk-pro…, 48 characters)"
    # the excerpt: the line as written, the secret as `sk-pro` and a star for each of its other 42
    # characters, so the caret under the quoted value is as wide as the value
    masked = "sk-pro" + "*" * 42
    assert masked == secret[:SHOWN_OF_SECRET] + "*" * (len(secret) - SHOWN_OF_SECRET)
    assert lines[1] == f'  2 | instructions: "{masked}"'
    assert lines[2] == "    |               " + "^" * (len(secret) + 2)
    assert lines[-1] == "1 error in 1 of 1 file."
    assert secret[SHOWN_OF_SECRET:] not in result.stdout + result.stderr
    assert secret[:SHOWN_OF_SECRET + 1] not in result.stdout + result.stderr  # not one character more
