"""The command line as a user meets it: exit codes, reports, help, colour, hostile files."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from realtime_cfg.diagnostics import Diagnostic
from realtime_cfg.report.text import Printer, print_text

from conftest import BROKEN_SAMPLES, GOOD_SAMPLES, ROOT, SAMPLES, run_cli

LOCATED = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]\d{3}) ", re.MULTILINE)


def test_samples_directory_reports_each_broken_sample_with_position():
    result = run_cli("validate", "sample_configs/")
    assert result.returncode == 1
    reported = {m["file"] for m in LOCATED.finditer(result.stdout)}
    assert reported == {str(p.relative_to(ROOT)) for p in BROKEN_SAMPLES}
    layered = len(list((SAMPLES / "layered").glob("*.yaml")))  # a config built from parts, valid
    assert f"in {len(BROKEN_SAMPLES)} of {len(GOOD_SAMPLES) + len(BROKEN_SAMPLES) + layered} files (1 suppressed)." \
        in result.stdout


@pytest.mark.parametrize("sample", GOOD_SAMPLES, ids=lambda p: p.name)
def test_each_good_sample_passes(sample):
    result = run_cli("validate", str(sample))
    assert result.returncode == 0, result.stdout
    assert result.stdout == "1 file checked: no problems.\n"


def test_json_report_carries_every_field():
    result = run_cli("validate", "--format", "json", "sample_configs/broken/wrong-vad.yaml",
                     "sample_configs/voice-agent.yaml")
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["summary"] == {"files": 2, "files_with_findings": 1, "errors": 4, "warnings": 0, "infos": 0,
                                 "suppressed": 0, "fixable": 0, "exit_code": 1}
    assert {d["code"] for d in report["diagnostics"]} == {"S002", "S007", "S006", "S004"}
    vad = next(d for d in report["diagnostics"] if d["code"] == "S007")
    assert vad == {
        "code": "S007", "name": "wrong-variant-field", "severity": "error",
        "file": "sample_configs/broken/wrong-vad.yaml", "line": 6, "column": 3,
        "path": "turn_detection.silence_duration_ms",
        "message": "'silence_duration_ms' is a server_vad setting; it is not allowed when "
                   "turn_detection.type is 'semantic_vad'",
        "hint": "remove silence_duration_ms, or set turn_detection.type to 'server_vad'",
        "end_line": 6, "end_column": 22, "fix": None,
    }


def test_json_report_of_valid_files_has_no_diagnostics():
    result = run_cli("validate", "-f", "json", "sample_configs/voice-agent.yaml")
    assert result.returncode == 0
    assert json.loads(result.stdout)["diagnostics"] == []


def test_io_error_wins_over_invalid_and_the_run_goes_on(tmp_path):
    result = run_cli("validate", "sample_configs/broken/typos.yaml", str(tmp_path / "missing.yaml"),
                     "sample_configs/voice-agent.yaml")
    assert result.returncode == 2
    assert "typos.yaml:4:21: S002" in result.stdout and "missing.yaml: F001" in result.stdout
    assert "in 2 of 3 files." in result.stdout


def test_directory_without_configs_is_exit_2(tmp_path):
    result = run_cli("validate", str(tmp_path))
    assert result.returncode == 2 and "no .yaml, .yml or .json files" in result.stdout


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    # if the tag were run, it would create PWNED (the test's own folder: see below)
    b"a: !!python/object/apply:os.system ['touch PWNED']\n",
    b"x: " + b"[" * 10_000 + b"]" * 10_000,
    b"a: &a [1,1,1,1,1,1,1,1,1,1]\n" + b"".join(
        b"%c: &%c [" % (c, c) + b",".join([b"*%c" % p] * 10) + b"]\n" for p, c in zip(b"abcdefg", b"bcdefgh")),
    b"voice: [unclosed\n",
    b"\xff\xfe\x00\x00garbage",
    "instructions: \u0007bell\n".encode(),
])
def test_hostile_files_get_a_message_not_a_traceback(tmp_path, content):
    pwned = tmp_path / "pwned"
    path = tmp_path / "hostile.yaml"
    path.write_bytes(content.replace(b"PWNED", str(pwned).encode()))
    result = run_cli("validate", str(path), "sample_configs/voice-agent.yaml")
    assert result.returncode in (1, 2)
    assert LOCATED.search(result.stdout) or "F001" in result.stdout
    assert "of 2 files." in result.stdout  # the good file was still checked
    assert not pwned.exists()


def test_usage_errors_are_exit_2():
    assert run_cli("validate").returncode == 2
    assert run_cli("render", "x.yaml", "--format", "xml").returncode == 2
    assert run_cli("frobnicate").returncode == 2
    result = run_cli("render", "sample_configs/voice-agent.yaml", "--event-id", "x" * 513)
    assert result.returncode == 2 and "event_id" in result.stderr


def test_help_has_examples_for_every_command():
    top = run_cli("--help")
    assert top.returncode == 0
    for command in ("validate", "render", "diff", "schema"):
        assert command in top.stdout
        text = run_cli(command, "--help").stdout
        assert "Examples" in text and f"rtcfg {command}" in text


def test_version():
    assert run_cli("--version").stdout.startswith("rtcfg ")


def test_installed_entry_point_matches_python_m():
    exe = shutil.which("rtcfg", path=str(Path(sys.executable).parent)) or shutil.which("rtcfg")
    if exe is None:
        pytest.skip("rtcfg is not on PATH (package not installed)")
    result = subprocess.run([exe, "validate", "sample_configs/broken/typos.yaml"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stdout == run_cli("validate", "sample_configs/broken/typos.yaml").stdout


def test_render_prints_warnings_to_stderr_and_payload_to_stdout(write):
    path = write("w.yaml", "tools:\n  - {type: function, name: look up}\n")
    result = run_cli("render", str(path))
    assert result.returncode == 0
    assert json.loads(result.stdout) == {"tools": [{"type": "function", "name": "look up"}]}
    assert "R004 [warning]" in result.stderr


class TestColour:
    DIAGNOSTIC = Diagnostic("S002", "invalid value", "a.yaml", 1, 8, "voice", "did you mean x?", source="voice: nova")
    PLAIN = ("a.yaml:1:8: S002 invalid value\n"
             "  1 | voice: nova\n"
             "    |        ^^^^\n"
             "    = hint: did you mean x?\n")

    class FakeTerminal(io.StringIO):
        def isatty(self):
            return True

    def test_plain_when_not_a_terminal(self):
        stream = io.StringIO()
        print_text([self.DIAGNOSTIC], Printer(stream))
        assert stream.getvalue() == self.PLAIN

    def test_colour_on_a_terminal(self, monkeypatch):
        monkeypatch.delenv("NO_COLOR", raising=False)
        stream = self.FakeTerminal()
        print_text([self.DIAGNOSTIC], Printer(stream))
        assert "\x1b[" in stream.getvalue()
        assert re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue()) == self.PLAIN

    def test_no_color_is_respected(self, monkeypatch):
        monkeypatch.setenv("NO_COLOR", "1")
        stream = self.FakeTerminal()
        print_text([self.DIAGNOSTIC], Printer(stream))
        assert "\x1b[" not in stream.getvalue()


def test_internal_errors_become_a_message(monkeypatch, capsys):
    from realtime_cfg.cli import app as cli

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "app", explode)
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 2
    assert "internal error: RuntimeError: boom" in capsys.readouterr().err


def test_broken_pipe_is_quiet(write):
    big = write("big.yaml", "instructions: " + "word " * 100_000 + "\n")  # far more than a pipe buffer
    command = f"{sys.executable} -m realtime_cfg render {big} | head -c 1"
    result = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True)
    assert result.stdout == "{"
    assert result.stderr == ""


def test_help_shows_settings_table_names_literally():
    """rich reads `[tool.rtcfg]` as markup unless escaped; the help must show it."""
    result = run_cli("validate", "--help", env={"COLUMNS": "200"})
    assert result.returncode == 0
    assert "[tool.rtcfg] target" in result.stdout and "[tool.rtcfg] ignore" in result.stdout
