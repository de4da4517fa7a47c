"""The two targets (beta and GA): the beta -> GA mapping of shared/reference section 4,
row by row and in both directions; GA-shaped input; what each target cannot carry;
migrate; and diff across shapes."""

from __future__ import annotations

import json
import textwrap

import pytest
import yaml

import realtime_cfg

from conftest import GOOD_SAMPLES, diagnose, run_cli


def ga(flat: dict) -> dict:
    return realtime_cfg.render(flat, target="ga")


def beta(session: dict) -> dict:
    return realtime_cfg.render(session, target="beta")


# -- the mapping table, row by row -----------------------------------------------------
# (row of the reference's table, flat config, the GA session it renders to). Each row is
# also read back: the GA session rendered for beta gives the flat config's beta payload.
MAPPING = [
    ("type: added as realtime", {}, {"type": "realtime"}),
    ("model unchanged", {"model": "gpt-realtime"}, {"type": "realtime", "model": "gpt-realtime"}),
    ("instructions unchanged", {"instructions": "Be brief."}, {"type": "realtime", "instructions": "Be brief."}),
    ("instructions '' still clears", {"instructions": ""}, {"type": "realtime", "instructions": ""}),
    ("tracing unchanged", {"tracing": {"workflow_name": "w", "metadata": {"k": 1}}},
     {"type": "realtime", "tracing": {"workflow_name": "w", "metadata": {"k": 1}}}),
    ("tracing null unchanged", {"tracing": None}, {"type": "realtime", "tracing": None}),
    ("function tools unchanged",
     {"tools": [{"type": "function", "name": "f", "description": "d", "parameters": {"type": "object"}}]},
     {"type": "realtime", "tools": [{"type": "function", "name": "f", "description": "d",
                                     "parameters": {"type": "object"}}]}),
    ("modalities [text] -> output_modalities [text]", {"modalities": ["text"]},
     {"type": "realtime", "output_modalities": ["text"]}),
    ("modalities text+audio -> output_modalities [audio]", {"modalities": ["text", "audio"]},
     {"type": "realtime", "output_modalities": ["audio"]}),
    ("voice -> audio.output.voice", {"voice": "verse"},
     {"type": "realtime", "audio": {"output": {"voice": "verse"}}}),
    ("pcm16 -> audio/pcm at 24 kHz", {"input_audio_format": "pcm16"},
     {"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}}}}),
    ("g711_ulaw -> audio/pcmu", {"output_audio_format": "g711_ulaw"},
     {"type": "realtime", "audio": {"output": {"format": {"type": "audio/pcmu"}}}}),
    ("g711_alaw -> audio/pcma", {"input_audio_format": "g711_alaw"},
     {"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcma"}}}}),
    ("input_audio_transcription -> audio.input.transcription",
     {"input_audio_transcription": {"model": "whisper-1", "language": "no", "prompt": "p"}},
     {"type": "realtime", "audio": {"input": {"transcription": {"model": "whisper-1", "language": "no",
                                                                "prompt": "p"}}}}),
    ("transcription null stays null", {"input_audio_transcription": None},
     {"type": "realtime", "audio": {"input": {"transcription": None}}}),
    ("turn_detection -> audio.input.turn_detection",
     {"turn_detection": {"type": "semantic_vad", "eagerness": "low", "create_response": False}},
     {"type": "realtime", "audio": {"input": {"turn_detection": {"type": "semantic_vad", "eagerness": "low",
                                                                 "create_response": False}}}}),
    ("turn_detection null stays null", {"turn_detection": None},
     {"type": "realtime", "audio": {"input": {"turn_detection": None}}}),
    ("input_audio_noise_reduction -> audio.input.noise_reduction",
     {"input_audio_noise_reduction": {"type": "near_field"}},
     {"type": "realtime", "audio": {"input": {"noise_reduction": {"type": "near_field"}}}}),
    ("speed -> audio.output.speed", {"speed": 1.25},
     {"type": "realtime", "audio": {"output": {"speed": 1.25}}}),
    ("tool_choice strings unchanged", {"tool_choice": "required"}, {"type": "realtime", "tool_choice": "required"}),
    ("forced function -> {type: function, name}",
     {"tools": [{"type": "function", "name": "f"}], "tool_choice": "f"},
     {"type": "realtime", "tools": [{"type": "function", "name": "f"}],
      "tool_choice": {"type": "function", "name": "f"}}),
    ("max_response_output_tokens -> max_output_tokens", {"max_response_output_tokens": 512},
     {"type": "realtime", "max_output_tokens": 512}),
    ("token limit inf keeps its domain", {"max_response_output_tokens": "inf"},
     {"type": "realtime", "max_output_tokens": "inf"}),
]


@pytest.mark.parametrize("row, flat, session", MAPPING, ids=[m[0] for m in MAPPING])
def test_mapping_row_beta_to_ga(row, flat, session):
    assert ga(flat) == session


@pytest.mark.parametrize("row, flat, session", MAPPING, ids=[m[0] for m in MAPPING])
def test_mapping_row_ga_to_beta(row, flat, session):
    assert [d for d in diagnose(yaml.safe_dump(session)) if d.severity == "error"] == []
    assert beta(session) == beta(flat)


def test_all_audio_settings_share_one_audio_object():
    flat = {"voice": "ash", "speed": 1.1, "input_audio_format": "g711_ulaw", "output_audio_format": "g711_ulaw",
            "turn_detection": {"type": "server_vad"}, "input_audio_noise_reduction": None}
    assert ga(flat)["audio"] == {
        "input": {"format": {"type": "audio/pcmu"}, "noise_reduction": None, "turn_detection": {"type": "server_vad"}},
        "output": {"format": {"type": "audio/pcmu"}, "voice": "ash", "speed": 1.1},
    }


def test_modalities_pair_in_either_order_maps_to_audio():
    assert ga({"modalities": ["audio", "text"]})["output_modalities"] == ["audio"]


def test_beta_header_row_the_ga_payload_is_a_different_wire_shape():
    """The beta header has no place in a payload: what changes is the shape. The GA
    envelope names the GA session type; the beta one never does."""
    event = realtime_cfg.render({"voice": "ash"}, target="ga", event_id="e1")
    assert event == {"type": "session.update", "event_id": "e1",
                     "session": {"type": "realtime", "audio": {"output": {"voice": "ash"}}}}
    assert "type" not in realtime_cfg.render({"voice": "ash"}, target="beta", envelope=True)["session"]


def test_event_id_is_capped_at_512_for_ga():
    assert realtime_cfg.render({}, target="ga", event_id="e" * 512)["event_id"] == "e" * 512
    with pytest.raises(ValueError, match="512"):
        realtime_cfg.render({}, target="ga", event_id="e" * 513)


@pytest.mark.parametrize("written", ["g711-ulaw", "g711_law", "pcm"])
def test_hyphenated_or_typo_formats_have_no_mapping(written):
    assert [d.code for d in diagnose(f"input_audio_format: {written}\n", target="ga")] == ["S002"]


def test_temperature_is_dropped_for_ga_with_a_warning_that_names_it():
    with pytest.warns(realtime_cfg.RtcfgWarning, match="temperature"):
        assert ga({"temperature": 0.7, "voice": "ash"}) == {"type": "realtime", "audio": {"output": {"voice": "ash"}}}
    found = diagnose("voice: ash\ntemperature: 0.7\n", target="ga")
    assert [(d.code, d.severity, d.path, d.line) for d in found] == [("T002", "warning", "temperature", 2)]


def test_strict_makes_the_dropped_temperature_an_error():
    with pytest.raises(realtime_cfg.ConfigError, match="T002 temperature"):
        realtime_cfg.render({"temperature": 0.7}, target="ga", strict=True)


@pytest.mark.parametrize("text", [
    "client_secret: {expires_after: {anchor: created_at, seconds: 600}}\n",
    "type: realtime\nclient_secret: {expires_after: {anchor: created_at, seconds: 600}}\n",
])
def test_client_secret_leaves_the_session_in_both_shapes(text):
    assert {d.code for d in diagnose(text)} & {"S011", "S012", "S001"}


def test_a_transcription_session_renders_for_ga_and_is_refused_for_beta():
    text = "type: transcription\naudio: {input: {transcription: {model: gpt-transcribe}}}\n"
    assert diagnose(text) == []
    assert realtime_cfg.render(realtime_cfg.loads(text), target="ga", envelope=True) == {
        "type": "session.update",
        "session": {"type": "transcription", "audio": {"input": {"transcription": {"model": "gpt-transcribe"}}}}}
    found = diagnose(text, target="beta")
    assert [(d.code, d.path, d.line) for d in found] == [("T001", "", 1)]
    assert found[0].message.startswith("a transcription session exists only in the GA API")


# -- GA-only settings, and what the beta target cannot carry -----------------------------

GA_ONLY = [
    ("truncation", "truncation: disabled\n", "truncation"),
    ("truncation retention ratio", "truncation: {type: retention_ratio, retention_ratio: 0.5}\n", "truncation"),
    ("prompt", "prompt: {id: pmpt_123, version: '2', variables: {city: Paris}}\n", "prompt"),
    ("include", "include: [item.input_audio_transcription.logprobs]\n", "include"),
    ("idle_timeout_ms", "turn_detection: {type: server_vad, idle_timeout_ms: 6000}\n",
     "turn_detection.idle_timeout_ms"),
    ("custom voice", "voice: {id: voice_1234}\n", "voice"),
    ("reasoning", "reasoning: {effort: high}\n", "reasoning"),
    ("parallel_tool_calls", "parallel_tool_calls: true\n", "parallel_tool_calls"),
    ("transcription languages", "input_audio_transcription: {model: gpt-transcribe, languages: [en]}\n",
     "input_audio_transcription.languages"),
    ("transcription keywords", "input_audio_transcription: {model: gpt-transcribe, keywords: [rtcfg]}\n",
     "input_audio_transcription.keywords"),
    ("transcription delay", "input_audio_transcription: {model: gpt-realtime-whisper, delay: low}\n",
     "input_audio_transcription.delay"),
    ("noise reduction strength", "input_audio_noise_reduction: {type: far_field, strength: 2}\n",
     "input_audio_noise_reduction.strength"),
    ("MCP tool", "tools: [{type: mcp, server_label: docs, server_url: 'https://mcp.example.com'}]\n", "tools[0]"),
    ("MCP tunnel", "tools: [{type: mcp, server_label: crm, tunnel_id: tunnel_" + "0a" * 16 + "}]\n", "tools[0]"),
    ("tool_choice for MCP", "tools: [{type: mcp, server_label: docs, server_url: 'https://x.example'}]\n"
     "tool_choice: {type: mcp, server_label: docs, name: search}\n", "tool_choice"),
]


@pytest.mark.parametrize("name, text, path", GA_ONLY, ids=[g[0] for g in GA_ONLY])
def test_ga_only_setting_is_valid_for_ga(name, text, path):
    assert diagnose(text, target="ga") == []
    session = realtime_cfg.render(realtime_cfg.loads(text), target="ga")
    assert session["type"] == "realtime"


@pytest.mark.parametrize("name, text, path", GA_ONLY, ids=[g[0] for g in GA_ONLY])
def test_ga_only_setting_rendered_for_beta_is_an_error_naming_the_target(name, text, path):
    found = {d.path: d for d in diagnose(text, target="beta") if d.code == "T001"}
    assert path in found
    assert "only in the GA API" in found[path].message
    assert "--target ga" in found[path].hint
    with pytest.raises(realtime_cfg.ConfigError):
        realtime_cfg.render(realtime_cfg.loads(text), target="beta")


def test_ga_only_settings_in_a_ga_file_rendered_for_beta_point_at_the_ga_path():
    found = diagnose("""\
        type: realtime
        audio:
          output: {voice: cedar}
          input: {turn_detection: {type: server_vad, idle_timeout_ms: 9000}}
        """, target="beta")
    assert [(d.code, d.path, d.line) for d in found] == [
        ("T003", "audio.output.voice", 3), ("T001", "audio.input.turn_detection.idle_timeout_ms", 4)]


@pytest.mark.parametrize("voice", ["marin", "cedar"])
def test_marin_and_cedar_for_beta_are_a_warning_that_says_why(voice):
    """The sources disagree (the 2026 spec's beta request lists them, openai-python's beta types
    do not): a warning, so a config that works on a beta server is not blocked."""
    found = diagnose(f"voice: {voice}\n", target="beta")
    assert [(d.code, d.severity, d.path) for d in found] == [("T003", "warning", "voice")]
    assert "openai-python's beta types" in found[0].message
    assert realtime_cfg.render(realtime_cfg.loads(f"voice: {voice}\n"), target="beta") == {"voice": voice}
    assert diagnose(f"voice: {voice}\n", target="ga") == []


@pytest.mark.parametrize("text, code", [
    ("turn_detection: {type: server_vad, idle_timeout_ms: 4999}\n", "S004"),
    ("turn_detection: {type: server_vad, idle_timeout_ms: 30001}\n", "S004"),
    ("turn_detection: {type: semantic_vad, idle_timeout_ms: 6000}\n", "S007"),
    ("truncation: {type: retention_ratio, retention_ratio: 1.5}\n", "S004"),
    ("truncation: sometimes\n", "S002"),
    ("prompt: {version: '1'}\n", "S005"),
    ("include: [item.logprobs]\n", "S002"),
    ("tools: [{type: mcp, server_label: docs}]\n", "S005"),
    ("tools: [{type: mcp, server_label: d, server_url: 'https://x', connector_id: connector_gmail}]\n", "S010"),
    ("tools: [{type: mcp, server_label: d, connector_id: connector_myspace}]\n", "S002"),
    ("tools: [{type: mcp, server_label: d, server_url: 'https://x', headers: {X-Id: 5}}]\n", "S003"),
    ("tools: [{type: mcp, server_label: d, server_url: 'https://x'}]\ntool_choice: {type: mcp, server_label: e}\n",
     "R002"),
    ("tools: [{type: mcp, server_label: d, server_url: 'https://x'}, {type: mcp, server_label: d, server_url: 'https://y'}]\n",
     "R003"),
])
def test_ga_only_settings_are_checked(text, code):
    assert code in [d.code for d in diagnose(text, target="ga")]


# -- GA-shaped input -------------------------------------------------------------------

GA_FILE = """\
type: realtime
model: gpt-realtime
output_modalities: [audio]
audio:
  input:
    format: {type: audio/pcmu}
    turn_detection: {type: semantic_vad, eagerness: high}
  output:
    voice: ash
    speed: 1.2
tools: [{type: function, name: lookup}]
tool_choice: {type: function, name: lookup}
max_output_tokens: 300
"""


@pytest.mark.parametrize("marker", ["type: realtime\n", "output_modalities: [text]\n", "audio: {}\n"])
def test_ga_files_are_recognised_by_their_markers(marker):
    assert realtime_cfg.loads(marker).shape == "ga"
    assert realtime_cfg.loads("voice: ash\n").shape == "beta"


def test_a_ga_file_reads_into_the_same_model_as_its_flat_twin():
    assert realtime_cfg.normalize(realtime_cfg.loads(GA_FILE)) == {
        "model": "gpt-realtime", "modalities": ["text", "audio"], "voice": "ash", "input_audio_format": "g711_ulaw",
        "turn_detection": {"type": "semantic_vad", "eagerness": "high"},
        "tools": [{"type": "function", "name": "lookup"}], "tool_choice": "lookup",
        "max_response_output_tokens": 300, "speed": 1.2,
    }


def test_a_ga_file_renders_to_itself_for_ga_by_default(write):
    path = write("agent.yaml", GA_FILE)
    result = run_cli("render", str(path))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == yaml.safe_load(GA_FILE)


def test_a_pcm_format_without_rate_gets_the_only_rate():
    session = realtime_cfg.render({"type": "realtime", "audio": {"input": {"format": {"type": "audio/pcm"}}}})
    assert session["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}


@pytest.mark.parametrize("text, code, path, hint", [
    ("type: realtime\nvoice: ash\n", "S012", "voice", "audio.output.voice"),
    ("type: realtime\nmodalities: [text]\n", "S012", "modalities", "output_modalities"),
    ("type: realtime\nmax_response_output_tokens: 5\n", "S012", "max_response_output_tokens", "max_output_tokens"),
    ("type: realtime\ninput_audio_format: pcm16\n", "S012", "input_audio_format", "audio.input.format"),
    ("type: realtime\ntemperature: 0.8\n", "S012", "temperature", "--target beta"),
    ("type: realtime\naudio: {input: {format: pcm16}}\n", "S003", "audio.input.format", '"audio/pcm"'),
    ("type: realtime\noutput_modalities: [text, audio]\n", "S002", "output_modalities", None),
    ("type: realtime\naudio: {input: {format: {type: audio/pcm, rate: 16000}}}\n", "S002",
     "audio.input.format.rate", None),
    ("type: realtime\ntool_choice: lookup\n", "S002", "tool_choice", None),
    ("output_modalities: [audio]\n", "S005", "", None),
])
def test_ga_files_get_ga_diagnostics(text, code, path, hint):
    found = diagnose(text)
    assert (found[0].code, found[0].path) == (code, path), [(d.code, d.path, d.message) for d in found]
    if hint:
        assert hint in found[0].hint


def test_diagnostics_in_a_ga_file_point_at_its_own_lines():
    found = diagnose("type: realtime\naudio:\n  output:\n    speed: 3\n")
    assert [(d.code, d.path, d.line, d.column) for d in found] == [("S004", "audio.output.speed", 4, 12)]


# -- diff across shapes ----------------------------------------------------------------

FLAT_TWIN = """\
model: gpt-realtime
modalities: [text, audio]
voice: ash
input_audio_format: g711_ulaw
turn_detection: {type: semantic_vad, eagerness: high}
tools: [{type: function, name: lookup}]
tool_choice: lookup
max_response_output_tokens: 300
speed: 1.2
"""


def test_diff_between_a_beta_file_and_its_ga_twin_is_empty(write):
    flat, ga_file = write("flat.yaml", FLAT_TWIN), write("ga.yaml", GA_FILE)
    result = run_cli("diff", str(flat), str(ga_file))
    assert (result.returncode, result.stdout.strip()) == (0, "No differences."), result.stderr
    assert realtime_cfg.diff(realtime_cfg.loads(FLAT_TWIN), realtime_cfg.loads(GA_FILE)) == []
    assert run_cli("diff", "--target", "beta", str(flat), str(ga_file)).returncode == 0


def test_diff_across_shapes_reports_a_real_difference_at_the_ga_path(write):
    flat = write("flat.yaml", FLAT_TWIN.replace("voice: ash", "voice: coral"))
    result = run_cli("diff", str(flat), str(write("ga.yaml", GA_FILE)))
    assert result.returncode == 1
    assert result.stdout.strip() == '~ audio.output.voice: "coral" -> "ash"'


def test_diff_matches_mcp_tools_by_server_label():
    old = {"type": "realtime", "tools": [
        {"type": "mcp", "server_label": "a", "server_url": "https://a"},
        {"type": "mcp", "server_label": "b", "server_url": "https://b"}]}
    new = {"type": "realtime", "tools": [
        {"type": "mcp", "server_label": "b", "server_url": "https://b2"},
        {"type": "mcp", "server_label": "a", "server_url": "https://a"}]}
    assert [(c.kind, c.path) for c in realtime_cfg.diff(old, new)] == [("changed", "tools[server_label=b].server_url")]


# -- migrate -----------------------------------------------------------------------------

def test_migrate_prints_the_ga_config_and_reports_each_move(write):
    path = write("agent.yaml", "# yaml-language-server: $schema=../schemas/session.schema.json\n" + FLAT_TWIN
                 + "temperature: 0.9\n")
    result = run_cli("migrate", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# yaml-language-server: $schema=../schemas/session-ga.schema.json\n")
    assert yaml.safe_load(result.stdout) == yaml.safe_load(GA_FILE)
    report = result.stderr
    assert "+ type: \"realtime\"" in report
    assert "~ voice -> audio.output.voice" in report
    assert '~ input_audio_format -> audio.input.format: "g711_ulaw" -> {"type": "audio/pcmu"}' in report
    assert '~ modalities -> output_modalities: ["text", "audio"] -> ["audio"]' in report
    assert "- temperature: 0.9 (not carried over: the GA API has no temperature)" in report
    assert "T002" in report  # the warning, with its position


def test_migrate_writes_atomically_and_strict_writes_nothing(write, tmp_path):
    path = write("agent.yaml", FLAT_TWIN + "temperature: 0.9\n")
    out = tmp_path / "agent.ga.yaml"
    out.write_text("old content\n")
    result = run_cli("migrate", str(path), "--strict", "-o", str(out))
    assert result.returncode == 1 and "T002" in result.stderr
    assert out.read_text() == "old content\n"
    result = run_cli("migrate", str(path), "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    with pytest.warns(realtime_cfg.RtcfgWarning, match="T002 temperature"):  # the flat file, rendered for GA
        assert realtime_cfg.diff(realtime_cfg.load(path), realtime_cfg.load(out)) == []
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_migrate_keeps_json_as_json(write):
    path = write("agent.json", json.dumps({"voice": "ash", "modalities": ["text"]}))
    result = run_cli("migrate", str(path))
    assert json.loads(result.stdout) == {"type": "realtime", "output_modalities": ["text"],
                                         "audio": {"output": {"voice": "ash"}}}


def test_migrate_back_to_beta_and_what_cannot_go(write):
    result = run_cli("migrate", str(write("ga.yaml", GA_FILE)), "--to", "beta")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout) == realtime_cfg.render(realtime_cfg.loads(FLAT_TWIN), target="beta")
    assert "~ audio.output.voice -> voice" in result.stderr
    result = run_cli("migrate", str(write("ga2.yaml", GA_FILE + "truncation: disabled\n")), "--to", "beta")
    assert result.returncode == 1 and result.stdout == ""
    assert "T001 truncation exists only in the GA API" in result.stderr


def test_migrating_a_file_already_in_that_shape_says_so(write):
    result = run_cli("migrate", str(write("ga.yaml", GA_FILE)))
    assert result.returncode == 0 and "already in the GA shape" in result.stderr


FLAT_SAMPLES = [s for s in GOOD_SAMPLES if realtime_cfg.load(s).shape == "beta"]


@pytest.mark.parametrize("sample", FLAT_SAMPLES, ids=lambda p: p.name)
def test_round_trip_beta_migrate_render_beta_gives_the_original_payload(sample, tmp_path):
    """Done-when of the GA issue: beta file -> migrate -> GA file -> render --target beta
    gives back the original payload, for configs with no one-sided fields."""
    original = realtime_cfg.render(realtime_cfg.load(sample), target="beta")
    one_sided = {"temperature"} & set(original)
    ga_file = tmp_path / f"migrated{sample.suffix}"
    result = run_cli("migrate", str(sample), "-o", str(ga_file))
    assert result.returncode == 0, result.stderr
    back = run_cli("render", str(ga_file), "--target", "beta")
    assert back.returncode == 0, back.stderr
    payload = json.loads(back.stdout)
    expected = {k: v for k, v in original.items() if k not in one_sided}
    if expected.get("modalities") == ["audio", "text"]:  # GA keeps no order: it comes back in the default order
        expected["modalities"] = ["text", "audio"]
    assert payload == expected


def test_round_trip_ga_migrate_beta_render_ga(tmp_path, write):
    path = write("ga.yaml", GA_FILE)
    flat = tmp_path / "flat.yaml"
    assert run_cli("migrate", str(path), "--to", "beta", "-o", str(flat)).returncode == 0
    result = run_cli("render", str(flat), "--target", "ga")
    assert json.loads(result.stdout) == realtime_cfg.render(realtime_cfg.load(path))


# -- project settings -------------------------------------------------------------------

def _project(tmp_path, settings: str, config: str = "voice: ash\ntemperature: 0.9\n", where: str = "agents/a.yaml"):
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent(settings))
    path = tmp_path / where
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(config)
    return path


def test_project_target_is_found_by_walking_up(tmp_path):
    path = _project(tmp_path, '[project]\nname = "x"\n\n[tool.rtcfg]\ntarget = "ga"\n', where="a/b/c/agent.yaml")
    result = run_cli("render", str(path))
    assert json.loads(result.stdout) == {"type": "realtime", "audio": {"output": {"voice": "ash"}}}
    assert "T002" in result.stderr


def test_command_line_flags_win_over_project_settings(tmp_path):
    path = _project(tmp_path, '[tool.rtcfg]\ntarget = "ga"\nstrict = true\n')
    assert run_cli("render", str(path)).returncode == 1  # strict: temperature cannot go to GA
    assert run_cli("render", str(path), "--no-strict").returncode == 0
    result = run_cli("render", str(path), "--target", "beta")
    assert json.loads(result.stdout) == {"voice": "ash", "temperature": 0.9}
    assert run_cli("validate", str(path)).returncode == 1
    assert run_cli("validate", str(path), "-t", "beta").returncode == 0


def test_a_pyproject_without_the_table_is_passed_over(tmp_path):
    path = _project(tmp_path, '[tool.rtcfg]\ntarget = "ga"\n')
    (path.parent / "pyproject.toml").write_text('[project]\nname = "inner"\n')
    assert json.loads(run_cli("render", str(path)).stdout)["type"] == "realtime"


def test_the_nearest_table_wins(tmp_path):
    path = _project(tmp_path, '[tool.rtcfg]\ntarget = "ga"\n')
    (path.parent / "pyproject.toml").write_text('[tool.rtcfg]\ntarget = "beta"\n')
    assert "type" not in json.loads(run_cli("render", str(path)).stdout)


@pytest.mark.parametrize("settings, message", [
    ('[tool.rtcfg]\ntarget = "v2"\n', "target must be one of beta, ga"),
    ('[tool.rtcfg]\ntargett = "ga"\n', "unknown key 'targett'"),
    ('[tool.rtcfg]\nstrict = "yes"\n', "strict must be true or false"),
    ('[tool.rtcfg\n', "not valid TOML"),
])
def test_broken_project_settings_are_exit_2_naming_the_file(tmp_path, settings, message):
    """validate: the F002 finding of each config under it (the run goes on); a command on
    one config: a message."""
    path = _project(tmp_path, settings)
    result = run_cli("validate", str(path))
    assert result.returncode == 2
    assert ": F002 " in result.stdout and message in result.stdout and "pyproject.toml" in result.stdout
    result = run_cli("render", str(path))
    assert result.returncode == 2 and message in result.stderr and "pyproject.toml" in result.stderr


@pytest.mark.parametrize("settings, parsed", [
    ('[project\nname = "other tools only"\n', False),  # broken, but it cannot configure rtcfg
    ('[tool."\\u0072tcfg"]\ntarget = "v2"\n', True),  # the key spelt with an escape
    ('[tool]\nrtcfg.target = "v2"\n', True),
    ("[tool.'rtcfg']\ntarget = 'v2'\n", True),
    ('[tool."\\x72tcfg"]\ntarget = "v2"\n', True),  # TOML 1.1's escape (tomllib 3.11 calls it invalid TOML)
    ('\ufeff[tool.rtcfg]\ntarget = "ga"\n'.encode("utf-16"), True),  # PowerShell's `>`: not UTF-8
])
def test_a_pyproject_is_parsed_only_if_it_could_configure_rtcfg(tmp_path, settings, parsed):
    """Not parsing other tools' pyproject.toml spares tomllib (source/settings.py); every
    spelling of a [tool.rtcfg] table is still read."""
    path = _project(tmp_path, "")
    (tmp_path / "pyproject.toml").write_bytes(settings if isinstance(settings, bytes) else settings.encode())
    result = run_cli("validate", str(path))
    assert result.returncode == (2 if parsed else 0), result.stdout
    assert ("F002" in result.stdout) == parsed


def test_stdin_uses_the_working_directory_settings(tmp_path):
    _project(tmp_path, '[tool.rtcfg]\ntarget = "ga"\n')
    result = run_cli("render", "-", stdin="voice: ash\n", cwd=tmp_path)
    assert json.loads(result.stdout)["type"] == "realtime"


def test_schema_command_prints_the_ga_schema(tmp_path):
    from conftest import ROOT

    result = run_cli("schema", "--shape", "ga")
    assert result.stdout == (ROOT / "schemas" / "session-ga.schema.json").read_text(encoding="utf-8")


def test_normalize_is_target_free_so_ga_only_settings_pass_it():
    canonical = realtime_cfg.normalize({"voice": "marin", "truncation": "disabled"})
    assert canonical == {"voice": "marin", "truncation": "disabled"}
