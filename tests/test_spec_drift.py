"""scripts/spec_drift.py, the maintainer's comparison of openai-openapi's openapi.yaml with
rtcfg's GA schema, run as a maintainer runs it, on a hand-written miniature spec
(tests/fixtures/spec_drift/openapi.yaml) that matches rtcfg except for four planted
differences."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from conftest import ROOT

SCRIPT = ROOT / "scripts" / "spec_drift.py"
FIXTURE = ROOT / "tests" / "fixtures" / "spec_drift" / "openapi.yaml"

PLANTED = [
    "~ values: realtime audio.input.noise_reduction.type: spec has 'studio'",
    "+ spec only: realtime audio.output.pitch",
    "~ range: realtime audio.output.speed maximum: spec 2.0, rtcfg 1.5",
    "~ null: transcription audio.input.transcription.language: spec allows null, rtcfg does not",
]


def run(*args: str) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=60)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_the_planted_differences_and_nothing_else():
    # --only-spec-fields: the many fields of rtcfg's schema the miniature lacks are not reported;
    # everything else in the fixture ($ref siblings, allOf, anyOf with null, defaults of a
    # const, the two VAD branches) matches rtcfg, so these four lines are the whole report
    result = run(str(FIXTURE), "--only-spec-fields")
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines() == PLANTED
    assert result.stderr == ""


def test_without_only_spec_fields_the_fields_only_rtcfg_has_are_listed_too():
    result = run(str(FIXTURE))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert set(PLANTED) <= set(lines)
    assert "- rtcfg only: realtime model" in lines
    # below a field one side lacks nothing more is listed
    assert not any(line.startswith("- rtcfg only: realtime tools[]") for line in lines)


def test_json_output_has_the_same_differences():
    result = run(str(FIXTURE), "--only-spec-fields", "--json")
    assert result.returncode == 1
    found = json.loads(result.stdout)
    assert [d["line"] for d in found] == PLANTED
    speed = next(d for d in found if d["path"] == "audio.output.speed")
    assert speed == {"session": "realtime", "path": "audio.output.speed", "kind": "range", "keyword": "maximum",
                     "spec": [2.0], "rtcfg": [1.5], "line": PLANTED[2]}


def test_a_missing_file_is_exit_2_with_one_line(tmp_path):
    result = run(str(tmp_path / "openapi.yaml"), "--only-spec-fields")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"spec_drift.py: {tmp_path / 'openapi.yaml'}: no such file"]


def test_a_file_that_is_not_yaml_is_exit_2_with_one_line(tmp_path):
    broken = tmp_path / "openapi.yaml"
    broken.write_text("components:\n  schemas: [unclosed\n    - {\n", encoding="utf-8")
    result = run(str(broken))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "not valid YAML" in result.stderr and "line 3" in result.stderr

    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00\x01")
    result = run(str(binary))
    assert result.returncode == 2 and "not UTF-8 text" in result.stderr


def test_yaml_that_is_not_the_openapi_spec_is_exit_2(tmp_path):
    other = tmp_path / "other.yaml"
    other.write_text("components:\n  schemas:\n    Something: {type: object}\n", encoding="utf-8")
    result = run(str(other))
    assert result.returncode == 2
    assert result.stderr.strip() == f"spec_drift.py: {other}: no components.schemas.RealtimeSessionCreateRequestGA"


def test_usage_errors_are_exit_2_and_help_documents_the_options():
    result = run()
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "spec_drift.py: the following arguments are required: OPENAPI_YAML (see --help)"]
    helped = run("--help")
    assert helped.returncode == 0
    assert "--only-spec-fields" in helped.stdout and "exit status" in helped.stdout


def test_a_schema_compared_with_itself_has_no_difference():
    spec = importlib.util.spec_from_file_location("spec_drift", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["spec_drift"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    for session, table in module.rtcfg_tables().items():
        assert table, f"rtcfg's GA schema has no {session} branch"
        assert module.compare(session, table, table) == []
