"""The Realtime API as it is in 2026: configs the server takes today are accepted (each of
them was an S001 or S002 before), bad values of the new fields are refused with their code,
position and hint, transcription sessions work end to end, and the rules about models are
scoped as OpenAI's sources state them. Through the CLI and through the library."""

from __future__ import annotations

import json

import pytest
from openai.types.realtime.session_update_event import SessionUpdateEvent

import realtime_cfg
from realtime_cfg.diagnostics import suggest

from conftest import diagnose, run_cli
from test_openai_models import undeclared_fields

TUNNEL = "tunnel_" + "0a" * 16

# Configs as public projects write them for today's API; before 2026 support each got the
# error named (S001 unknown key, S002 invalid value, S003 wrong type).
ACCEPTED_NOW = [
    ("pipecat's default transcription model, with VAD on", "S002", """\
type: realtime
model: gpt-realtime-2
audio:
  input:
    transcription: {model: gpt-realtime-whisper}
    turn_detection: {type: server_vad}
"""),
    ("reasoning and parallel tool calls on gpt-realtime-2", "S001", """\
type: realtime
model: gpt-realtime-2
reasoning: {effort: high}
parallel_tool_calls: true
tools: [{type: function, name: lookup}]
"""),
    ("a custom voice", "S003", "type: realtime\naudio: {output: {voice: {id: voice_1234}}}\n"),
    ("transcription languages and keywords", "S001", """\
type: realtime
audio:
  input:
    transcription: {model: gpt-transcribe, languages: [en, es], keywords: [Lumen, rtcfg]}
"""),
    ("a transcription delay with gpt-realtime-whisper", "S001",
     "type: realtime\naudio: {input: {transcription: {model: gpt-realtime-whisper, delay: xhigh}}}\n"),
    ("noise reduction strength", "S001",
     "type: realtime\naudio: {input: {noise_reduction: {type: far_field, strength: 0.4}}}\n"),
    ("truncation token limits", "S001", "type: realtime\ntruncation: {type: retention_ratio, retention_ratio: 0.7, "
     "token_limits: {post_instructions: 8000}}\n"),
    ("null prompt version and variables", "S003", "type: realtime\nprompt: {id: pmpt_1, version: null, variables: null}\n"),
    ("an MCP tunnel, its callers, deferred loading", "S001", f"""\
type: realtime
tools:
  - {{type: mcp, server_label: crm, tunnel_id: {TUNNEL}, allowed_callers: [direct], defer_loading: true}}
tool_choice: {{type: mcp, server_label: crm, name: null}}
"""),
    ("a GA transcription session", "S002", """\
type: transcription
audio:
  input:
    format: {type: audio/pcm, rate: 24000}
    transcription: {model: gpt-realtime-whisper, delay: low}
    turn_detection: null
include: [item.input_audio_transcription.logprobs]
"""),
    ("a dated transcription snapshot", "S002",
     "input_audio_transcription: {model: gpt-4o-mini-transcribe-2025-12-15}\n"),
]


@pytest.mark.parametrize("name, was, text", ACCEPTED_NOW, ids=[c[0] for c in ACCEPTED_NOW])
def test_configs_the_server_takes_today_are_accepted(name, was, text, write, monkeypatch):
    monkeypatch.setenv("RTCFG_TODAY", "2026-12-01")
    assert [d for d in diagnose(text, target="ga") if d.severity == "error"] == []
    path = write("session.yaml", text)
    result = run_cli("validate", str(path), "--target", "ga", env={"RTCFG_TODAY": "2026-12-01"})
    assert result.returncode == 0, result.stdout
    rendered = run_cli("render", str(path), "--target", "ga", "--envelope", env={"RTCFG_TODAY": "2026-12-01"})
    assert rendered.returncode == 0, rendered.stderr
    event = json.loads(rendered.stdout)
    model = SessionUpdateEvent.model_validate(event)  # the newest openai-python takes it whole
    assert undeclared_fields(model) == []
    assert model.model_dump(mode="json", exclude_unset=True) == event


# A bad value of each new field: code, line, column, path and (where one is known) the hint.
REFUSED = [
    ("type: realtime\nreasoning: {effort: hihg}\n", "S002", 2, 21, "reasoning.effort", "did you mean \"high\"?"),
    ("type: realtime\nreasoning: low\n", "S003", 2, 12, "reasoning", None),
    ("type: realtime\naudio: {input: {transcription: {model: gpt-realtime-whisper, delay: xhight}}}\n",
     "S002", 2, 69, "audio.input.transcription.delay", "did you mean \"xhigh\"?"),
    ("type: realtime\naudio: {input: {transcription: {model: gpt-transcribe, languages: []}}}\n",
     "S009", 2, 67, "audio.input.transcription.languages", None),
    ("type: realtime\naudio: {input: {noise_reduction: {strength: -0.5}}}\n",
     "S004", 2, 45, "audio.input.noise_reduction.strength", None),
    ("type: realtime\ntools: [{type: mcp, server_label: crm, tunnel_id: tunnel_XYZ}]\n",
     "S009", 2, 51, "tools[0].tunnel_id", None),
    ("type: realtime\naudio: {output: {voice: {id: voice_1, style: calm}}}\n",
     "S001", 2, 39, "audio.output.voice.style", None),
    ("type: realtime\ntruncation: {type: retention_ratio, retention_ratio: 0.5, token_limits: {post_instruction: 10}}\n",
     "S001", 2, 74, "truncation.token_limits.post_instruction", "did you mean 'post_instructions'?"),
]


@pytest.mark.parametrize("text, code, line, column, path, hint", REFUSED, ids=[r[4] for r in REFUSED])
def test_bad_values_of_the_new_fields_are_refused_where_they_stand(text, code, line, column, path, hint, write):
    found = [d for d in diagnose(text) if d.code == code]
    assert found, [(d.code, d.message) for d in diagnose(text)]
    first = found[0]
    assert (first.line, first.column, first.path) == (line, column, path), first
    if hint:
        assert first.hint == hint
    result = run_cli("validate", str(write("session.yaml", text)))
    assert result.returncode == 1 and f"session.yaml:{line}:{column}: {code} " in result.stdout


# -- transcription sessions, end to end ----------------------------------------------------

CAPTIONS = """\
type: transcription
audio:
  input:
    transcription:
      model: gpt-transcribe
      languages: [en, es]
    noise_reduction: {type: near_field}
include: [item.input_audio_transcription.logprobs]
"""


def test_a_transcription_session_renders_as_its_session_update(write):
    path = write("captions.yaml", CAPTIONS)
    result = run_cli("render", str(path), "--envelope", "--event-id", "evt_1")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"type": "session.update", "event_id": "evt_1", "session": {
        "type": "transcription",
        "audio": {"input": {"transcription": {"model": "gpt-transcribe", "languages": ["en", "es"]},
                            "noise_reduction": {"type": "near_field"}}},
        "include": ["item.input_audio_transcription.logprobs"]}}
    assert realtime_cfg.load_session(path, envelope=True, event_id="evt_1") == json.loads(result.stdout)


def test_a_transcription_session_is_explained_and_diffed(write):
    path = write("captions.yaml", CAPTIONS)
    explained = run_cli("render", "--explain", str(path))
    assert explained.returncode == 0, explained.stderr
    lines = {line.split()[0]: line for line in explained.stdout.splitlines()}
    assert lines["type"].endswith("captions.yaml:1:7")
    assert lines["audio.input.transcription.model"].endswith("captions.yaml:5:14")
    other = write("captions-de.yaml", CAPTIONS.replace("[en, es]", "[en, de]"))
    diffed = run_cli("diff", str(path), str(other))
    assert diffed.returncode == 1
    assert diffed.stdout == '~ audio.input.transcription.languages: ["en", "es"] -> ["en", "de"]\n'
    changes = realtime_cfg.diff(realtime_cfg.load(path), realtime_cfg.load(other))
    assert [c.path for c in changes] == ["audio.input.transcription.languages"]


@pytest.mark.parametrize("extra, path, line", [
    ("instructions: Transcribe everything.\n", "instructions", 9),
    ("tools: [{type: function, name: f}]\n", "tools", 9),
    ("model: gpt-realtime-2\n", "model", 9),
    ("audio_output: null\n", "audio_output", 9),
])
def test_a_realtime_only_key_in_a_transcription_session_says_where_it_belongs(extra, path, line):
    found = diagnose(CAPTIONS + extra)
    assert [(d.code, d.path, d.line) for d in found] in ([("S007", path, line)], [("S001", path, line)])
    if path != "audio_output":
        assert "realtime setting" in found[0].message and "type is 'transcription'" in found[0].message


def test_audio_output_in_a_transcription_session_belongs_to_realtime_sessions():
    found = diagnose("type: transcription\naudio:\n  output: {voice: ash}\n")
    assert [(d.code, d.path, d.line, d.column) for d in found] == [("S007", "audio.output", 3, 3)]
    assert "belongs to realtime sessions" in found[0].message


def test_a_transcription_session_cannot_be_rendered_or_migrated_for_beta(write):
    path = write("captions.yaml", CAPTIONS)
    result = run_cli("render", str(path), "--target", "beta")
    assert result.returncode == 1 and "T001 a transcription session exists only in the GA API" in result.stderr
    migrated = run_cli("migrate", str(path), "--to", "beta")
    assert migrated.returncode == 1
    with pytest.raises(realtime_cfg.ConfigError):
        realtime_cfg.migrate(realtime_cfg.load(path), to="beta")
    same, notes = realtime_cfg.migrate(realtime_cfg.load(path), to="ga")
    assert same == realtime_cfg.render(realtime_cfg.load(path)) and notes == []


# -- rules about models, scoped as the sources state them ----------------------------------


def test_delay_and_prompt_rules_are_for_the_ga_target_only():
    flat = "input_audio_transcription: {model: gpt-transcribe, prompt: Lumen, delay: low}\n"
    assert "R017" in [d.code for d in diagnose(flat, target="ga")]
    assert "R017" not in [d.code for d in diagnose(flat, target="beta")]  # beta: delay is T001 anyway
    whisper = "input_audio_transcription: {model: gpt-realtime-whisper, prompt: Lumen}\n"
    assert [d.code for d in diagnose(whisper, target="ga")] == ["R018"]
    assert [d.code for d in diagnose(whisper, target="beta")] == []


def test_whisper_needs_no_vad_only_in_a_transcription_session():
    realtime = "type: realtime\naudio: {input: {transcription: {model: gpt-realtime-whisper}}}\n"
    assert diagnose(realtime) == []  # VAD on (the default) is fine in a realtime session
    transcription = "type: transcription\naudio: {input: {transcription: {model: gpt-realtime-whisper}}}\n"
    found = diagnose(transcription)
    assert [(d.code, d.severity, d.path) for d in found] == [("R020", "error", "audio.input.transcription.model")]
    assert diagnose(transcription.replace("}}}", "}, turn_detection: null}}")) == []


def test_an_unknown_transcription_model_gets_no_model_rule():
    text = "type: realtime\naudio: {input: {transcription: {model: my-whisper, delay: low, languages: [en]}}}\n"
    assert [d.code for d in diagnose(text)] == ["R014"]


def test_languages_need_gpt_transcribe_or_gpt_live_transcribe():
    text = "type: realtime\naudio: {input: {transcription: {model: gpt-4o-transcribe, keywords: [x]}}}\n"
    found = [d for d in diagnose(text) if d.code == "R019"]
    assert [d.path for d in found] == ["audio.input.transcription.keywords"]
    assert "gpt-transcribe and gpt-live-transcribe" in found[0].message


# -- model lifecycle ------------------------------------------------------------------------


@pytest.mark.parametrize("today, severity, words, exit_code", [
    ("2026-12-01", "warning", "announced its shutdown for 2027-01-20 (in 50 days)", 0),
    ("2027-01-20", "error", "was shut down on 2027-01-20", 1),
    ("2027-06-01", "error", "was shut down on 2027-01-20", 1),
])
def test_a_model_with_an_announced_shutdown(today, severity, words, exit_code, write, monkeypatch):
    monkeypatch.setenv("RTCFG_TODAY", today)
    found = diagnose("model: gpt-realtime-mini\n")
    assert [(d.code, d.severity, d.line, d.column) for d in found] == [("R015", severity, 1, 8)]
    assert words in found[0].message
    assert "deprecations" in found[0].hint
    result = run_cli("validate", str(write("s.yaml", "model: gpt-realtime-mini\n")), env={"RTCFG_TODAY": today})
    assert result.returncode == exit_code and words in result.stdout


def test_a_transcription_model_shutdown_and_what_is_not_deprecated(monkeypatch):
    monkeypatch.setenv("RTCFG_TODAY", "2027-03-01")
    found = diagnose("input_audio_transcription: {model: whisper-1}\n")
    assert [(d.code, d.severity) for d in found] == [("R015", "error")]
    assert "2027-02-26" in found[0].message
    # only the names the SDK lists: not the 2025-10-06 snapshot, not gpt-realtime-2
    assert diagnose("model: gpt-realtime-mini-2025-10-06\n") == []
    assert diagnose("model: gpt-realtime-2\n") == []


# -- did-you-mean ---------------------------------------------------------------------------


def test_suggestions_are_made_only_when_close_enough_to_mean_it():
    assert suggest("reasoning", ["tracing", "truncation", "tools"]) is None
    assert suggest("reasonning", ["reasoning", "tracing"]) == "reasoning"
    assert suggest("Server_VAD", ["server_vad", "semantic_vad"]) == "server_vad"
    assert suggest("semantic", ["server_vad", "semantic_vad"]) == "semantic_vad"
    assert suggest("x", ["y"]) is None


@pytest.mark.parametrize("text, path, hint", [
    ("transcription: {model: gpt-transcribe}\n", "transcription", "did you mean 'input_audio_transcription'?"),
    ("noise_reduction: {type: far_field}\n", "noise_reduction", "did you mean 'input_audio_noise_reduction'?"),
    ("max_tokens: 200\n", "max_tokens", "did you mean 'max_output_tokens'?"),
    ("type: realtime\naudio: {input: {input_audio_transcription: {model: gpt-transcribe}}}\n",
     "audio.input.input_audio_transcription", "did you mean 'transcription'?"),
    ("type: realtime\naudio: {output: {output_audio_format: {type: audio/pcmu}}}\n",
     "audio.output.output_audio_format", "did you mean 'format'?"),
    ("type: realtime\nreasoning_effort: low\n", "reasoning_effort", "did you mean 'reasoning'?"),
])
def test_known_renames_come_before_spelling(text, path, hint):
    found = diagnose(text)
    assert [(d.code, d.path, d.hint) for d in found] == [("S001", path, hint)]


def test_an_open_set_hints_at_the_nearest_known_value_or_lists_them():
    near = diagnose("input_audio_transcription: {model: gpt-live-transcriber}\n")
    assert [(d.code, d.hint) for d in near] == [("R014", "did you mean 'gpt-live-transcribe'?")]
    far = diagnose("voice: Bartholomew\n")
    assert far[0].code == "R013" and far[0].hint.startswith("known: alloy, ash, ballad")
    assert "`voices = [...]` under [tool.rtcfg]" in far[0].hint


# -- a project's own names (Azure deployments) ----------------------------------------------


def test_azure_deployment_names_listed_in_the_project_are_known(write):
    write("pyproject.toml", '[tool.rtcfg]\nmodels = ["voice-prod-eu"]\nvoices = ["brand"]\n')
    write("agents/ok.yaml", "model: voice-prod-eu\nvoice: brand\n")
    root = write("agents/typo.yaml", "model: voice-prod-ue\n").parent.parent
    result = run_cli("validate", str(root / "agents"))
    assert result.returncode == 0
    assert "ok.yaml" not in result.stdout
    assert "typo.yaml:1:8: R005 [warning] unknown model 'voice-prod-ue'" in result.stdout
    assert "did you mean 'voice-prod-eu'?" in result.stdout
    document = realtime_cfg.load(root / "agents/ok.yaml")
    assert realtime_cfg.validate(document, known={"models": ["voice-prod-eu"], "voices": ["brand"]}) == []
    assert [d.code for d in realtime_cfg.validate(document)] == ["R005", "R013"]


def test_a_broken_model_list_is_a_usage_error(write):
    write("pyproject.toml", "[tool.rtcfg]\nmodels = \"voice-prod-eu\"\n")
    root = write("s.yaml", "voice: ash\n").parent
    result = run_cli("validate", str(root / "s.yaml"))
    assert result.returncode == 2 and ": F002 " in result.stdout and "models must be a list of names" in result.stdout


# -- found by review: each of these was wrong once ------------------------------------------


def test_a_warning_never_hides_that_the_target_lacks_the_field(write):
    text = "input_audio_transcription: {model: whisper-1, languages: [en]}\n"  # R015 and R019 on the same path
    found = diagnose(text, target="beta")
    assert ("T001", "error", "input_audio_transcription.languages") in [(d.code, d.severity, d.path) for d in found]
    result = run_cli("render", str(write("s.yaml", text)), "--target", "beta")
    assert result.returncode == 1 and result.stdout == ""


@pytest.mark.parametrize("written, meant", [
    ("gpt-realtime2", "gpt-realtime-2"),               # one edit beats the retiring gpt-realtime it starts with
    ("gpt-realtime-2-mini", "gpt-realtime-2.1-mini"),
])
def test_model_suggestions_prefer_current_models(written, meant):
    assert [d.hint for d in diagnose(f"model: {written}\n")] == [f"did you mean {meant!r}?"]


def test_a_projects_own_name_is_suggested_first(write):
    write("pyproject.toml", '[tool.rtcfg]\nmodels = ["gpt-realtime-2-eu-deployment"]\n')
    result = run_cli("validate", str(write("s.yaml", "model: gpt-realtime-2-eu-deploymnt\n")))
    assert "did you mean 'gpt-realtime-2-eu-deployment'?" in result.stdout


def test_an_environment_value_that_is_a_word_of_the_api_does_not_garble_hints(write):
    path = write("s.yaml", "input_audio_transcription: {model: '${T}'}\n")
    result = run_cli("validate", str(path), env={"T": "gpt-transcrib"})
    assert "did you mean 'gpt-transcribe'?" in result.stdout and "${T}e" not in result.stdout
    secret = run_cli("validate", str(path), env={"T": "zq-9f8e7d6c5b4a"})  # not a word of the API: never shown
    assert "zq-9f8e7d6c5b4a" not in secret.stdout and "${T}" in secret.stdout


def test_a_voice_the_project_lists_is_known_even_if_it_is_a_speech_voice(write):
    write("pyproject.toml", '[tool.rtcfg]\nvoices = ["fable"]\n')
    assert run_cli("validate", str(write("s.yaml", "voice: fable\n"))).returncode == 0
    found = diagnose("voice: nova\n")
    assert [d.code for d in found] == ["R006"] and "nova" not in found[0].hint


def test_an_unlisted_snapshot_of_a_retiring_model_is_reported():
    found = diagnose("input_audio_transcription: {model: gpt-4o-mini-transcribe-2025-03-20}\n")
    assert [d.code for d in found] == ["R015"]
    assert "an unlisted snapshot of 'gpt-4o-mini-transcribe'" in found[0].message
    assert diagnose("input_audio_transcription: {model: gpt-4o-mini-transcribe-2025-12-15}\n")[0].code == "R015"
    assert diagnose("model: gpt-realtime-mini-2025-10-06\n") == []  # a listed snapshot without a date


def test_rtcfg_today_must_be_a_date(write, monkeypatch):
    path = write("s.yaml", "model: gpt-realtime-mini\n")
    for bad in ("garbage", "20270120", "2027-1-20", " 2027-01-20"):
        result = run_cli("validate", str(path), env={"RTCFG_TODAY": bad})
        assert result.returncode == 2 and "RTCFG_TODAY must be a date written YYYY-MM-DD" in result.stderr
        assert bad.strip() not in result.stderr.replace("2027-01-20", "")  # the value is not echoed
    monkeypatch.setenv("RTCFG_TODAY", "tomorrow")
    with pytest.raises(ValueError, match="RTCFG_TODAY"):
        realtime_cfg.validate({"model": "gpt-realtime-mini"})
    monkeypatch.setenv("RTCFG_TODAY", "2027-01-19")
    assert "(in 1 day)" in diagnose("model: gpt-realtime-mini\n")[0].message


def test_the_t003_hint_fits_the_file_format(write):
    json_hint = run_cli("validate", str(write("s.json", '{"voice": "marin"}\n'))).stdout
    assert "add T003 to `ignore` in [tool.rtcfg]" in json_hint and "# rtcfg" not in json_hint
    assert "# rtcfg: ignore[T003]" in diagnose("voice: marin\n")[0].hint


@pytest.mark.parametrize("known, error", [
    ({"models": [1]}, TypeError), ({"models": "my-deployment"}, TypeError), ([("models", ["x"])], TypeError),
    ({"model": ["x"]}, ValueError), ({"models": [""]}, TypeError),
])
def test_the_librarys_known_names_are_checked(known, error):
    with pytest.raises(error):
        realtime_cfg.validate({"model": "x"}, known=known)


def test_the_open_sets_the_project_settings_take_are_the_schemas():
    from realtime_cfg.check.rules.open_sets import open_set_names
    from realtime_cfg.source.settings import OPEN_SETS

    assert set(open_set_names()) == set(OPEN_SETS)


def test_hints_in_a_transcription_session_do_not_point_at_realtime_places():
    found = diagnose("type: transcription\nvoice: ash\naudio: {outptu: {}}\n")
    assert [(d.code, d.path) for d in found] == [("S012", "voice"), ("S001", "audio.outptu")]
    assert "a transcription session has none" in found[0].message and "audio.output" not in found[0].hint
    assert found[1].hint == "known keys: input"
    assert [d.code for d in diagnose("type: transcription\ninstructions: ''\n")] == ["S007"]  # no R011 on top
