"""Configs built from parts, as a team lays them out: a base, environment overlays, a
prompt file and tool files; ${VAR} from the environment; --set; explain; defaults; init.
Each mechanism has a passing and a failing case."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml

import realtime_cfg
from realtime_cfg.building.builder import BuildOptions, build
from realtime_cfg.building.overrides import OverrideError, parse_override

from conftest import run_cli


@pytest.fixture
def project(tmp_path):
    """project({"agents/base.yaml": "...", ...}) -> the project folder (it has a pyproject.toml)."""

    def make(files: dict[str, str]) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        (root / "pyproject.toml").write_text("[project]\nname = 'agents'\n")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


def built(path: Path, **options) -> dict:
    return build(path, BuildOptions(**options)).data


def codes_at(result) -> list[tuple[str, str]]:
    """(file:line:col, code) of each finding in a text report."""
    found = []
    for line in (result.stdout + result.stderr).splitlines():
        head, _, rest = line.partition(": ")
        if rest[:4].strip() and rest[0].isupper() and rest[1:4].isdigit():
            found.append((head, rest[:4]))
    return found


BASE = """\
    model: gpt-realtime
    voice: ash
    instructions: {$file: ../prompts/support.md}
    turn_detection:
      type: server_vad
      threshold: 0.5
      silence_duration_ms: 500
    input_audio_noise_reduction: {type: near_field}
    modalities: [text, audio]
    tools:
      - $file: ../tools/lookup.yaml
      - type: function
        name: transfer
        description: Transfer to a human.
    """
PROMPT = "You are the support agent of Example Corp.\n"
LOOKUP = """\
    type: function
    name: lookup_order
    description: Look up an order.
    parameters: {type: object, properties: {id: {type: string}}, required: [id]}
    """


# -- overlays ------------------------------------------------------------------------------


def test_overlay_deep_merges_mappings_replaces_lists_and_merges_tools_by_name(project):
    root = project({"agents/base.yaml": BASE, "prompts/support.md": PROMPT, "tools/lookup.yaml": LOOKUP,
                    "agents/prod.yaml": """\
                        extends: base.yaml
                        voice: coral
                        turn_detection: {silence_duration_ms: 700}
                        modalities: [text]
                        input_audio_noise_reduction: null
                        tools:
                          - name: transfer
                            description: Transfer to the on-call human.
                          - {type: function, name: escalate}
                        """})
    data = built(root / "agents/prod.yaml")
    assert data["voice"] == "coral"
    assert data["turn_detection"] == {"type": "server_vad", "threshold": 0.5, "silence_duration_ms": 700}
    assert data["modalities"] == ["text"]  # a list is replaced, not appended to
    assert data["input_audio_noise_reduction"] is None  # null turns the base's feature off
    assert [t["name"] for t in data["tools"]] == ["lookup_order", "transfer", "escalate"]
    assert data["tools"][1] == {"type": "function", "name": "transfer", "description": "Transfer to the on-call human."}
    assert "extends" not in data


def test_extends_a_list_merges_bases_in_order(project):
    root = project({"a.yaml": "voice: ash\nspeed: 1.1\n", "b.yaml": "voice: sage\n",
                    "c.yaml": "extends: [a.yaml, b.yaml]\nmodel: gpt-realtime\n"})
    assert built(root / "c.yaml") == {"voice": "sage", "speed": 1.1, "model": "gpt-realtime"}


def test_mcp_tools_merge_by_server_label(project):
    root = project({"base.yaml": "type: realtime\ntools:\n  - {type: mcp, server_label: crm, server_url: 'https://a'}\n",
                    "prod.yaml": "extends: base.yaml\ntools:\n  - {server_label: crm, server_url: 'https://b'}\n"})
    assert built(root / "prod.yaml")["tools"] == [{"type": "mcp", "server_label": "crm", "server_url": "https://b"}]


def test_an_extends_cycle_is_an_error_that_names_it(project):
    root = project({"a.yaml": "extends: b.yaml\nvoice: ash\n", "b.yaml": "voice: sage\nextends: a.yaml\n"})
    result = run_cli("validate", str(root / "a.yaml"))
    assert result.returncode == 1
    assert f"{root / 'b.yaml'}:2:10: B001 extends cycle: {root / 'a.yaml'} -> {root / 'b.yaml'} -> {root / 'a.yaml'}" \
        in result.stdout


def test_a_file_extending_itself_is_a_cycle(project):
    root = project({"a.yaml": "extends: ./a.yaml\n"})
    assert "B001 extends cycle" in run_cli("validate", str(root / "a.yaml")).stdout


def test_extends_must_name_files(project):
    root = project({"a.yaml": "extends: 5\n"})
    result = run_cli("validate", str(root / "a.yaml"))
    assert result.returncode == 1 and ":1:10: B005 extends takes a file name or a list of file names" in result.stdout


def test_diagnostics_point_into_the_file_that_holds_the_value(project):
    root = project({"agents/base.yaml": "model: gpt-realtime-2\nvoice: nova\nmodalites: [text]\n",
                    "agents/prod.yaml": "extends: base.yaml\ntemperature: 0.3\n"})
    result = run_cli("validate", str(root / "agents/prod.yaml"))
    base, prod = root / "agents/base.yaml", root / "agents/prod.yaml"
    assert codes_at(result) == [(f"{base}:2:8", "R006"), (f"{base}:3:1", "S001"), (f"{prod}:2:14", "S004")]
    assert "  3 | modalites: [text]" in result.stdout  # the excerpt is base.yaml's own line


# -- includes ------------------------------------------------------------------------------


def test_instructions_and_tools_come_from_their_own_files(project):
    root = project({"agents/base.yaml": BASE, "prompts/support.md": PROMPT, "tools/lookup.yaml": LOOKUP})
    data = built(root / "agents/base.yaml")
    assert data["instructions"] == PROMPT
    assert data["tools"][0]["name"] == "lookup_order"


def test_an_included_list_of_tools_is_spliced_in_and_includes_nest(project):
    root = project({"agent.yaml": "tools:\n  - $file: tools/all.yaml\n  - {type: function, name: last}\n",
                    "tools/all.yaml": "- {type: function, name: first}\n- $file: more/second.json\n",
                    "tools/more/second.json": '{"type": "function", "name": "second"}\n'})
    assert [t["name"] for t in built(root / "agent.yaml")["tools"]] == ["first", "second", "last"]


def test_an_error_in_an_included_file_points_at_it(project):
    root = project({"agent.yaml": "tools:\n  - $file: tools/lookup.yaml\n",
                    "tools/lookup.yaml": "type: function\nname: lookup\nparameters: {type: objekt}\n"})
    result = run_cli("validate", str(root / "agent.yaml"))
    assert codes_at(result)[0] == (f"{root / 'tools/lookup.yaml'}:3:20", "S008")


@pytest.mark.parametrize("reference, code, message", [
    ("/etc/passwd.md", "B003", "is an absolute path"),
    ("../../outside.md", "B003", "leaves the project root"),
    ("link.md", "B003", "symlink that points out of the project root"),
    ("prompts/missing.md", "B002", "does not exist"),
    ("prompts", "B002", "is not a file"),
    ("prompts/p.exe", "B005", "cannot include"),
])
def test_refused_and_missing_includes(project, tmp_path, reference, code, message):
    (tmp_path / "outside.md").write_text("secret\n")
    root = project({"agents/a.yaml": f"instructions: {{$file: {reference}}}\n", "agents/prompts/p.exe": "x",
                    "agents/ok.md": "fine\n"})
    (root / "agents/link.md").symlink_to(tmp_path / "outside.md")
    result = run_cli("validate", str(root / "agents/a.yaml"))
    assert result.returncode == 1
    assert f"a.yaml:1:23: {code} " in result.stdout and message in result.stdout, result.stdout


def test_outside_root_can_be_allowed_explicitly(project, tmp_path):
    (tmp_path / "shared.md").write_text("Shared prompt.\n")
    root = project({"agents/a.yaml": "instructions: {$file: ../../shared.md}\n"})
    assert run_cli("validate", str(root / "agents/a.yaml")).returncode == 1
    assert run_cli("validate", "--allow-outside-root", str(root / "agents/a.yaml")).returncode == 0
    (root / "pyproject.toml").write_text("[tool.rtcfg]\nallow-outside-root = true\n")
    assert run_cli("validate", str(root / "agents/a.yaml")).returncode == 0


def test_an_include_with_other_keys_is_refused(project):
    root = project({"a.yaml": "instructions: {$file: p.md, note: x}\n", "p.md": "hi\n"})
    assert "B005 {$file: ...} must be the only key" in run_cli("validate", str(root / "a.yaml")).stdout


def test_an_include_cycle_is_an_error(project):
    root = project({"a.yaml": "tools:\n  - $file: t.yaml\n", "t.yaml": "- $file: t.yaml\n"})
    assert "B001 include cycle" in run_cli("validate", str(root / "a.yaml")).stdout


def test_text_includes_are_verbatim(project):
    root = project({"a.yaml": "instructions: {$file: p.md}\n", "p.md": "Costs ${PRICE}. # not a comment\n"})
    assert built(root / "a.yaml", env={})["instructions"] == "Costs ${PRICE}. # not a comment\n"


# -- environment -----------------------------------------------------------------------------


def test_variables_defaults_and_literal_dollars(project):
    root = project({"a.yaml": "voice: ${VOICE}\nmodel: ${MODEL:-gpt-realtime}\ninstructions: 'Costs $$5 ${A}${B}'\n"})
    data = built(root / "a.yaml", env={"VOICE": "sage", "A": "x", "B": "y"})
    assert data == {"voice": "sage", "model": "gpt-realtime", "instructions": "Costs $5 xy"}


def test_a_missing_variable_names_itself_and_its_place(project):
    root = project({"a.yaml": "model: gpt-realtime\nvoice: ${AGENT_VOICE}\n"})
    result = run_cli("validate", str(root / "a.yaml"))
    assert result.returncode == 1
    assert f"{root / 'a.yaml'}:2:8: B004 environment variable AGENT_VOICE is not set" in result.stdout
    assert run_cli("validate", str(root / "a.yaml"), env={"AGENT_VOICE": "sage"}).returncode == 0


def test_an_empty_variable_is_empty_and_a_default_replaces_it(project):
    root = project({"a.yaml": "instructions: '${A}'\nmodel: ${B:-gpt-realtime}\n"})
    assert built(root / "a.yaml", env={"A": "", "B": ""}) == {"instructions": "", "model": "gpt-realtime"}


def test_no_env_leaves_references_as_written(project):
    root = project({"a.yaml": "instructions: 'Hello ${NAME}'\n"})
    result = run_cli("render", "--no-env", str(root / "a.yaml"))
    assert json.loads(result.stdout) == {"instructions": "Hello ${NAME}"}


def test_a_malformed_reference_is_refused(project):
    root = project({"a.yaml": "voice: ${VOICE\n"})
    assert "B005 '${VOICE' is not a valid ${VAR} reference" in run_cli("validate", str(root / "a.yaml")).stdout


SECRET_VALUE = "sk-live-TOTALLY-SECRET-0123456789"


def test_no_environment_value_reaches_a_diagnostic(project):
    root = project({"a.yaml": "voice: ${VOICE}\ntracing: {workflow_name: '${WORKFLOW}', group_id: 5}\n"})
    env = {"VOICE": "not-a-voice-but-secret", "WORKFLOW": SECRET_VALUE}
    for fmt in ("text", "json", "sarif"):
        result = run_cli("validate", "--format", fmt, str(root / "a.yaml"), env=env)
        assert result.returncode == 1
        assert "not-a-voice-but-secret" not in result.stdout and SECRET_VALUE not in result.stdout
        assert "${VOICE}" in result.stdout


def test_a_key_from_the_environment_is_not_a_committed_secret(project):
    root = project({"a.yaml": "type: realtime\ntools:\n  - {type: mcp, server_label: crm, server_url: 'https://x',"
                              " authorization: '${CRM_TOKEN}'}\n"})
    result = run_cli("validate", str(root / "a.yaml"), env={"CRM_TOKEN": "sk-proj-QqWwEeRrTtYyUuIiOoPpAaSsDd99"})
    assert result.returncode == 0, result.stdout
    written = project({"b.yaml": "type: realtime\ntools:\n  - {type: mcp, server_label: crm, server_url: 'https://x',"
                                 " authorization: 'sk-proj-QqWwEeRrTtYyUuIiOoPpAaSsDd99'}\n"})
    assert "R012" in run_cli("validate", str(written / "b.yaml")).stdout


# -- overrides -------------------------------------------------------------------------------


@pytest.mark.parametrize("text, path, value", [
    ("turn_detection.silence_duration_ms=400", ("turn_detection", "silence_duration_ms"), 400),
    ("voice=ash", ("voice",), "ash"),
    ("tracing=null", ("tracing",), None),
    ("modalities=[text]", ("modalities",), ["text"]),
    ("tools[0].description=Find it", ("tools", 0, "description"), "Find it"),
    ("instructions='yes'", ("instructions",), "yes"),
])
def test_override_paths_and_yaml_typed_values(text, path, value):
    assert parse_override(text) == (path, value)


@pytest.mark.parametrize("text", ["voice", "=ash", "a..b=1", "[0]=1", "voice=!!python/object:os.system x"])
def test_bad_overrides_are_usage_errors(text):
    with pytest.raises(OverrideError):
        parse_override(text)


def test_overrides_apply_last_and_typed(project):
    root = project({"a.yaml": "voice: ash\nturn_detection: null\ntools: [{type: function, name: f}]\n"})
    result = run_cli("render", str(root / "a.yaml"), "--set", "turn_detection.silence_duration_ms=400",
                     "--set", "voice=sage", "--set", "tools[0].description=Find it")
    assert json.loads(result.stdout) == {"voice": "sage", "turn_detection": {"type": "server_vad", "silence_duration_ms": 400},
                                         "tools": [{"type": "function", "name": "f", "description": "Find it"}]}


@pytest.mark.parametrize("override, message", [
    ("voice.x=1", "voice is 'ash', not a mapping or list"),
    ("tools[3].name=x", "there is no tools[3]"),
    ("novalue", "write path=value"),
])
def test_overrides_that_do_not_apply_are_exit_2(project, override, message):
    root = project({"a.yaml": "voice: ash\ntools: [{type: function, name: f}]\n"})
    result = run_cli("render", str(root / "a.yaml"), "--set", override, env={"COLUMNS": "300"})
    assert result.returncode == 2 and message in " ".join(result.stderr.replace("│", " ").split())


def test_an_invalid_override_is_reported_at_set(project):
    root = project({"a.yaml": "voice: ash\n"})
    result = run_cli("validate", str(root / "a.yaml"), "--set", "voice=nova")
    assert result.returncode == 1 and "--set: R006" in result.stdout


# -- explain and defaults --------------------------------------------------------------------


def test_explain_says_where_every_field_came_from(project):
    root = project({"agents/base.yaml": BASE, "prompts/support.md": PROMPT, "tools/lookup.yaml": LOOKUP,
                    "agents/prod.yaml": "extends: base.yaml\nvoice: ${VOICE}\n"})
    result = run_cli("render", "--explain", "--target", "ga", "--set", "speed=1.2", str(root / "agents/prod.yaml"),
                     env={"VOICE": "coral"})
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()}
    base, prod = root / "agents/base.yaml", root / "agents/prod.yaml"
    assert rows["model"].endswith(f"{base}:1:8")
    assert rows["audio.output.voice"].endswith(f"{prod}:2:8 (${{VOICE}})")
    assert '"${VOICE}"' in rows["audio.output.voice"] and "coral" not in rows["audio.output.voice"]
    assert rows["instructions"].endswith(f"{root / 'prompts/support.md'}:1:1 (included at {base}:3:23)")
    assert rows["tools[0].name"].endswith(f"{root / 'tools/lookup.yaml'}:2:7")
    assert rows["audio.output.speed"].endswith("--set speed=1.2")
    assert rows["type"].endswith("added for GA")


def test_with_defaults_writes_the_targets_defaults_and_explain_marks_them(project):
    root = project({"a.yaml": "voice: ash\n"})
    beta = json.loads(run_cli("render", "--with-defaults", str(root / "a.yaml")).stdout)
    assert beta["temperature"] == 0.8 and beta["turn_detection"]["silence_duration_ms"] == 500
    assert "truncation" not in beta  # GA only
    ga = json.loads(run_cli("render", "--with-defaults", "--target", "ga", str(root / "a.yaml")).stdout)
    assert "temperature" not in ga and ga["truncation"] == "auto" and ga["audio"]["output"]["voice"] == "ash"
    assert realtime_cfg.validate(realtime_cfg.loads(json.dumps(ga), format="json")) == []
    explained = run_cli("render", "--with-defaults", "--explain", str(root / "a.yaml")).stdout
    assert any(line.startswith("temperature ") and line.endswith("default (beta server)")
               for line in explained.splitlines())
    without = run_cli("render", str(root / "a.yaml"))
    assert json.loads(without.stdout) == {"voice": "ash"}


# -- init ------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset,shape", [(preset, shape) for preset in ["voice-agent", "text", "telephony"]
                                          for shape in ["beta", "ga"]] + [("transcription", "ga")])
def test_init_writes_a_valid_starter_with_a_modeline(tmp_path, preset, shape):
    target = tmp_path / f"{preset}.yaml"
    result = run_cli("init", str(target), "--preset", preset, "--shape", shape)
    assert result.returncode == 0, result.stderr
    schema = "session-ga.schema.json" if shape == "ga" else "session.schema.json"
    assert target.read_text().startswith(f"# yaml-language-server: $schema=./{schema}\n")
    assert (tmp_path / schema).is_file() and (tmp_path / "session.schema.json").is_file()
    checked = run_cli("validate", str(target), "--fail-on", "warning")
    assert checked.returncode == 0, checked.stdout


def test_init_transcription_preset_is_a_ga_transcription_session(tmp_path):
    result = run_cli("init", str(tmp_path / "captions.yaml"), "--preset", "transcription")  # no --shape
    assert result.returncode == 0, result.stderr
    written = realtime_cfg.load(tmp_path / "captions.yaml")
    assert written.shape == "ga" and written.data["type"] == "transcription"
    assert (tmp_path / "session-ga.schema.json").is_file()
    refused = run_cli("init", str(tmp_path / "flat.yaml"), "--preset", "transcription", "--shape", "beta")
    assert refused.returncode == 2 and "no flat form" in refused.stderr
    assert not (tmp_path / "flat.yaml").exists()


def test_init_never_overwrites(tmp_path):
    target = tmp_path / "session.yaml"
    target.write_text("voice: ash\n")
    result = run_cli("init", str(target))
    assert result.returncode == 2 and "exists; not overwritten" in result.stderr
    assert target.read_text() == "voice: ash\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.yaml"]


# -- commands on built configs ---------------------------------------------------------------


def test_diff_compares_built_configs(project):
    root = project({"base.yaml": "voice: ash\nspeed: 1.0\n", "staging.yaml": "extends: base.yaml\n",
                    "prod.yaml": "extends: base.yaml\nspeed: 1.2\n"})
    same = run_cli("diff", str(root / "base.yaml"), str(root / "staging.yaml"))
    assert same.returncode == 0
    result = run_cli("diff", "--format", "json", str(root / "staging.yaml"), str(root / "prod.yaml"))
    assert result.returncode == 1
    assert json.loads(result.stdout) == [{"kind": "changed", "path": "speed", "old": 1.0, "new": 1.2}]


def test_the_library_builds_too(project):
    root = project({"base.yaml": "voice: ash\n", "prod.yaml": "extends: base.yaml\nspeed: 1.1\n"})
    assert realtime_cfg.load_session(root / "prod.yaml") == {"voice": "ash", "speed": 1.1}
    assert realtime_cfg.build(root / "prod.yaml", overrides=["voice=sage"]).data == {"voice": "sage", "speed": 1.1}
    assert "extends" in realtime_cfg.load(root / "prod.yaml").data  # load reads one file as written
    assert yaml.safe_load((root / "prod.yaml").read_text())["extends"] == "base.yaml"


def test_readme_worked_example_is_real():
    from conftest import ROOT

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    marker = "`AGENT_VOICE=sage rtcfg render --explain sample_configs/layered/production.yaml`"
    start = readme.index("```text\n", readme.index(marker)) + len("```text\n")
    result = run_cli("render", "--explain", "sample_configs/layered/production.yaml", env={"AGENT_VOICE": "sage"})
    assert result.returncode == 0
    assert readme[start:readme.index("```", start)] == result.stdout
    staged = run_cli("validate", "sample_configs/layered/")
    assert staged.returncode == 0 and staged.stdout == "3 files checked: no problems.\n"


def test_an_include_bomb_is_refused_quickly(project):
    """Each level includes the next ten times: 10^6 copies if nothing stopped it."""
    files = {"a.yaml": "tools:\n" + "  - $file: l1.yaml\n" * 10}
    for level in range(1, 6):
        files[f"l{level}.yaml"] = "".join(f"- $file: l{level + 1}.yaml\n" for _ in range(10))
    files["l6.yaml"] = "- {type: function, name: f, description: " + "x" * 1000 + "}\n"
    root = project(files)
    result = run_cli("validate", str(root / "a.yaml"))
    assert result.returncode == 1 and "B006 the config's parts add up to more than" in result.stdout


def test_a_long_extends_chain_is_refused(project):
    files = {f"f{i}.yaml": f"extends: f{i + 1}.yaml\n" for i in range(40)}
    files["f40.yaml"] = "voice: ash\n"
    root = project(files)
    result = run_cli("validate", str(root / "f0.yaml"))
    assert result.returncode == 1 and "B006 more than 32 files extend or include one another" in result.stdout
    assert run_cli("validate", str(root / "f20.yaml")).returncode == 0


def test_a_suppression_comment_works_in_an_extended_file(project):
    root = project({"base.yaml": "model: gpt-realtime-9  # rtcfg: ignore[R005]\n", "prod.yaml": "extends: base.yaml\n"})
    result = run_cli("validate", str(root / "prod.yaml"))
    assert result.stdout == "1 file checked: no problems (1 suppressed).\n"


# -- found in review -------------------------------------------------------------------------


@pytest.mark.parametrize("part", ["- a\n- b\n", "", '"text"\n'])
def test_a_whole_config_included_from_a_non_mapping_is_l003(project, part):
    root = project({"w.yaml": "$file: part.yaml\n", "part.yaml": part})
    result = run_cli("validate", str(root / "w.yaml"))
    assert result.returncode == 1 and "L003 the top level is not a mapping" in result.stdout


def test_extends_written_in_an_included_file_is_relative_to_that_file(project):
    root = project({"w.yaml": "$file: sub/mid.yaml\n", "sub/mid.yaml": "extends: inner/b.yaml\nvoice: ash\n",
                    "sub/inner/b.yaml": "speed: 1.1\n"})
    assert built(root / "w.yaml") == {"speed": 1.1, "voice": "ash"}


def test_a_path_that_cannot_be_checked_is_b002(project):
    root = project({"l.yaml": "extends: " + "a" * 300 + ".yaml\n"})
    result = run_cli("validate", str(root / "l.yaml"))
    assert result.returncode == 1 and ":1:10: B002 cannot read" in result.stdout


@pytest.mark.parametrize("value", ["line1secret\nline2secret", "Z" * 70 + "tokentoken", 'quote"secret\\value'])
def test_an_environment_value_does_not_leak_escaped_or_cut(project, value):
    root = project({"a.yaml": "voice: ${V}\nspeed: ${V}\n"})
    for fmt in ("text", "json", "github"):
        result = run_cli("validate", "--format", fmt, str(root / "a.yaml"), env={"V": value})
        assert result.returncode == 1
        for fragment in ("line1secret", "line2secret", "Z" * 20, "tokentoken", "quote", "secret"):
            if fragment in value:
                assert fragment not in result.stdout, (fmt, result.stdout)


def test_a_file_name_cannot_come_from_the_environment(project):
    root = project({"a.yaml": "instructions: {$file: 'prompts/${STAGE}.md'}\n", "prompts/production.md": "hi\n"})
    result = run_cli("validate", str(root / "a.yaml"), env={"STAGE": "production"})
    assert "B005 a file name cannot use ${VAR}" in result.stdout and "production" not in result.stdout


def test_explain_never_expands_a_value_the_target_reshapes(project):
    root = project({"a.yaml": "tools: [{type: function, name: secret_function_name}]\ntool_choice: ${TC}\n"})
    result = run_cli("render", "--explain", "--target", "ga", str(root / "a.yaml"), env={"TC": "secret_function_name"})
    row = next(line for line in result.stdout.splitlines() if line.startswith("tool_choice.name"))
    assert '"${TC}"' in row and "secret_function_name" not in row


def test_diff_and_migrate_keep_environment_values_out(project):
    root = project({"d1.yaml": "type: realtime\ntools:\n  - {type: mcp, server_label: crm, server_url: 'https://x',"
                               " authorization: '${TOKEN}'}\n",
                    "d2.yaml": "type: realtime\ntools:\n  - {type: mcp, server_label: crm, server_url: 'https://x'}\n",
                    "m.yaml": "instructions: ${PROMPT}\nvoice: ash\n"})
    env = {"TOKEN": "supersecrettoken123", "PROMPT": "the hidden prompt text"}
    result = run_cli("diff", str(root / "d1.yaml"), str(root / "d2.yaml"), env=env)
    assert result.returncode == 1 and "supersecrettoken123" not in result.stdout and "${TOKEN}" in result.stdout
    migrated = run_cli("migrate", str(root / "m.yaml"), env=env)
    assert migrated.returncode == 0 and "instructions: ${PROMPT}" in migrated.stdout
    assert "hidden prompt" not in migrated.stdout + migrated.stderr


def test_an_unknown_key_whose_value_is_included_is_reported_at_the_key(project):
    root = project({"a.yaml": "voice: ash\nturn_detectoin: {$file: td.yaml}\n", "td.yaml": "type: server_vad\n"})
    result = run_cli("validate", str(root / "a.yaml"))
    assert codes_at(result) == [(f"{root / 'a.yaml'}:2:1", "S001")]


def test_an_overlay_and_set_replace_the_other_spelling_of_the_token_limit(project):
    root = project({"base.yaml": "max_output_tokens: 1024\n",
                    "prod.yaml": "extends: base.yaml\nmax_response_output_tokens: 2048\n"})
    assert built(root / "prod.yaml") == {"max_response_output_tokens": 2048}
    assert built(root / "base.yaml", overrides=["max_response_output_tokens=5"]) == {"max_response_output_tokens": 5}


def test_an_empty_tools_list_in_an_overlay_clears_the_base_tools(project):
    root = project({"base.yaml": "tools: [{type: function, name: a}]\n", "prod.yaml": "extends: base.yaml\ntools: []\n"})
    assert built(root / "prod.yaml") == {"tools": []}


def test_set_through_a_list_needs_an_index(project):
    root = project({"a.yaml": "tools: [{type: function, name: f}]\n"})
    result = run_cli("render", str(root / "a.yaml"), "--set", "tools.x=1", env={"COLUMNS": "300"})
    assert result.returncode == 2 and "tools is a list; write tools[N]" in result.stderr


def test_init_writes_yaml_only(tmp_path):
    result = run_cli("init", str(tmp_path / "x.json"))
    assert result.returncode == 2 and not (tmp_path / "x.json").exists()


def test_a_directory_run_checks_fragments_inside_their_config_and_shared_findings_once(project):
    root = project({"configs/agent.yaml": "tools:\n  - $file: tools/crm.yaml\n",
                    "configs/tools/crm.yaml": "- {type: function, name: crm_lookup}\n- {type: function, name: 'bad name'}\n",
                    "configs/base.yaml": "voice: ash\nmodalites: [text]\n",
                    "configs/staging.yaml": "extends: base.yaml\n", "configs/prod.yaml": "extends: base.yaml\n"})
    result = run_cli("validate", str(root / "configs"))
    assert codes_at(result) == [(f"{root / 'configs/tools/crm.yaml'}:2:26", "R004"),
                                (f"{root / 'configs/base.yaml'}:2:1", "S001")]
    assert result.stdout.splitlines()[-1] == "1 error, 1 warning in 2 of 4 files."


def test_explain_offers_no_suppression_for_build_codes():
    assert "rtcfg: ignore" not in run_cli("explain", "B004").stdout


def test_a_nested_default_is_refused(project):
    root = project({"a.yaml": "instructions: '${X:-${Y}}'\n"})
    assert "B005" in run_cli("validate", str(root / "a.yaml"), env={}).stdout


def test_the_cli_presets_are_the_shipped_ones():
    from realtime_cfg.cli.app import Preset
    from realtime_cfg.output.starter import PRESETS

    assert [p.value for p in Preset] == list(PRESETS)
