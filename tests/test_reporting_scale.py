"""Reports of many findings: what a user sees stays bounded and correct.

No test here measures time (tests/test_scaling.py checks growth ratios). Sizes are chosen so
that quadratic work would not finish, while the linear code takes well under a second; the
assertions are about the output: excerpt widths, the X001 count and severity, exit codes.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

import realtime_cfg
from conftest import run_cli
from realtime_cfg.diagnostics import Diagnostic, format_path
from realtime_cfg.report.machine import to_junit
from realtime_cfg.report.text import FileResult, Report, display_width, excerpt
from realtime_cfg.check.suppression import split
from realtime_cfg.check.rules.limits import MAX_FINDINGS

FORMATS = ("text", "json", "sarif", "github", "junit")


def one_line_of_unknown_keys(n: int) -> str:
    return "{" + ", ".join(f"k{i}: 1" for i in range(n)) + "}\n"


def unknown_keys(n: int) -> str:
    return "".join(f"k{i}: 1\n" for i in range(n))


def listed(document_text: str, **kwargs) -> list[Diagnostic]:
    return realtime_cfg.validate(realtime_cfg.loads(document_text, name="cfg.yaml"), **kwargs)


# -- many findings on one long line ------------------------------------------------------


def test_five_thousand_findings_on_one_line_print_excerpts_of_80_columns_and_an_x001(write):
    path = write("wide.yaml", one_line_of_unknown_keys(5000))
    result = run_cli("validate", str(path))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    findings = [line for line in lines if re.match(rf"{re.escape(str(path))}:1:\d+: S001 ", line)]
    assert len(findings) == MAX_FINDINGS
    excerpts = [line for line in lines if line.startswith(("  1 | ", "    | "))]
    assert len(excerpts) == 2 * MAX_FINDINGS
    assert max(display_width(line) for line in excerpts) <= 80
    # the window follows the column: the 1,000th key is shown, with its caret under it
    last_source, last_caret = excerpts[-2:]
    assert "k999: 1" in last_source and last_source.startswith("  1 | …") and last_source.endswith("…")
    assert last_source[last_caret.index("^"):].startswith("k999")
    assert f"{path}: X001 4,000 more findings in this file are not listed " \
           "(a report lists at most 1,000 a file)" in lines
    assert lines[-1] == "1001 errors in 1 of 1 file."


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_lists_the_first_1000_findings_and_counts_the_rest(write, fmt):
    path = write("wide.yaml", one_line_of_unknown_keys(3000))
    result = run_cli("validate", "--format", fmt, str(path))
    assert result.returncode == 1
    # (junit also names the first finding in its <failure> message)
    assert result.stdout.count("unknown key 'k") == MAX_FINDINGS + (fmt == "junit")
    assert "2,000 more findings in this file are not listed" in result.stdout


def test_the_json_report_carries_x001_at_the_file_with_no_line(write):
    path = write("wide.yaml", one_line_of_unknown_keys(1500))
    data = json.loads(run_cli("validate", "--format", "json", str(path)).stdout)
    assert len(data["diagnostics"]) == MAX_FINDINGS + 1
    last = data["diagnostics"][-1]
    assert (last["code"], last["name"], last["severity"], last["line"], last["file"]) == \
           ("X001", "too-many-findings", "error", None, str(path))
    assert data["summary"]["errors"] == MAX_FINDINGS + 1 and data["summary"]["exit_code"] == 1


def test_an_excerpt_of_a_megabyte_line_is_a_window_around_its_column():
    source = "{" + ", ".join(f"key{i}: value{i}" for i in range(60_000)) + "}"
    column = source.index("key31415:") + 1
    shown, caret = excerpt(Diagnostic("S001", "m", "a.yaml", 1, column, source=source))
    assert display_width(shown) <= 80 and display_width(caret) <= 80
    assert shown.startswith("  1 | …") and shown.endswith("…")
    assert shown[caret.index("^"):caret.index("^") + len("key31415")] == "key31415"
    assert caret.count("^") == len("key31415")
    # a plain scalar inside a flow mapping ends at its comma, though the `{` is far behind
    value = excerpt(Diagnostic("S002", "m", "a.yaml", 1, source.index("value31415") + 1, source=source))
    assert value[1].count("^") == len("value31415")


def test_an_excerpt_window_of_wide_characters_counts_columns():
    source = '{"instructions": "' + "日本" * 50_000 + '", "voxe": 1, "tail": "' + "語" * 50_000 + '"}'
    shown, caret = excerpt(Diagnostic("S001", "m", "a.json", 1, source.index('"voxe"') + 1, source=source))
    assert display_width(shown) <= 80 and display_width(caret) <= 80
    assert display_width(shown[:shown.index('"voxe"')]) == caret.index("^")
    assert caret.count("^") == len('"voxe"')


# -- the cap: MAX_FINDINGS a file, then one X001 ------------------------------------------


def test_1000_findings_are_all_listed_and_1001_get_an_x001():
    assert MAX_FINDINGS == 1000
    exactly = listed(unknown_keys(1000))
    assert len(exactly) == 1000 and "X001" not in {d.code for d in exactly}
    one_more = listed(unknown_keys(1001))
    assert len(one_more) == 1001
    assert [d.code for d in one_more[:1000]] == ["S001"] * 1000
    x001 = one_more[-1]
    assert (x001.code, x001.file, x001.line, x001.column, x001.severity) == ("X001", "cfg.yaml", None, None, "error")
    assert x001.message == "1 more finding in this file is not listed (a report lists at most 1,000 a file)"
    # the ones listed are the first by position
    assert one_more[999].message == "unknown key 'k999' in the session"


def test_x001_is_as_severe_as_the_most_severe_finding_left_out(write):
    # 1,000 errors first, then 1,500 warnings (R004: a tool name with a space)
    warnings = "tools:\n" + "".join(f"  - {{type: function, name: 'tool {i}'}}\n" for i in range(1500))
    only_warnings_left_out = listed(unknown_keys(1000) + warnings)
    assert only_warnings_left_out[-1].code == "X001" and only_warnings_left_out[-1].severity == "warning"
    assert only_warnings_left_out[-1].message.startswith("1,500 more findings")

    # warnings first and one error after them: the error left out makes X001 an error
    error_last = listed(warnings + "zz_unknown: 1\n")
    assert [d.severity for d in error_last[:-1]] == ["warning"] * 1000
    assert error_last[-1].code == "X001" and error_last[-1].severity == "error"

    # and the exit code follows: warnings only left out pass unless --fail-on warning
    path = write("warnings.yaml", warnings)
    assert run_cli("validate", str(path)).returncode == 0
    assert run_cli("validate", "--fail-on", "warning", str(path)).returncode == 1
    result = run_cli("validate", str(write("mixed.yaml", warnings + "zz_unknown: 1\n")))
    assert result.returncode == 1 and ": X001 501 more findings in this file" in result.stdout


def test_x001_cannot_be_suppressed(write):
    x001 = Diagnostic("X001", "1 more finding in this file is not listed", "a.yaml", severity="warning")
    kept, suppressed = split([x001], ignore=["X001"])
    assert kept == [x001] and suppressed == []
    path = write("wide.yaml", one_line_of_unknown_keys(1200))
    result = run_cli("validate", "--ignore", "X001", str(path))
    assert result.returncode == 2 and "X001 cannot be ignored" in result.stderr


def test_suppressing_many_findings_on_one_line_reads_the_marker_once_for_each(write):
    path = write("wide.yaml", one_line_of_unknown_keys(800).rstrip("\n") + "  # rtcfg: ignore[S001]\n")
    result = run_cli("validate", "--format", "json", str(path))
    data = json.loads(result.stdout)
    assert result.returncode == 0 and data["diagnostics"] == [] and data["summary"]["suppressed"] == 800


# -- junit: one pass over the findings ---------------------------------------------------------


def test_a_junit_report_of_40000_findings_partitions_them_by_severity():
    findings = [Diagnostic("S001" if i % 2 else "R005", f"finding {i}", "a.yaml", i + 1, 1, f"k{i}",
                           severity="error" if i % 2 else "warning") for i in range(40_000)]
    findings.append(Diagnostic("F001", "cannot read b.yaml: no such file", "b.yaml"))
    report = Report([FileResult("a.yaml", findings[:-1]), FileResult("b.yaml", findings[-1:])])
    suite = ElementTree.fromstring(to_junit(report)).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("2", "1", "1")
    a, b = suite.iter("testcase")
    failure = a.find("failure")
    assert failure.get("message").startswith("20000 finding(s); first: S001 finding 1")
    assert failure.text.count("\n") == 20_000 - 1
    assert a.find("system-out").text.count(": R005 [warning] finding") == 20_000
    assert b.find("error").get("type") == "F001" and b.find("failure") is None


# -- messages of absurd keys and values stay short ------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_100_kb_key_or_value_makes_no_100_kb_message(write, fmt):
    long_key, long_value = "k" * 100_000, "v" * 100_000
    path = write("long.json", json.dumps({long_key: 1, "voice": 7, "modalities": [long_value],
                                          "tracing": {"metadata": {long_key: {"a": float("nan")}}}})
                 .replace("NaN", "1e999"))
    result = run_cli("validate", "--format", fmt, str(path))
    assert result.returncode == 1
    # the text report's excerpts show the source line itself, cut to 80 columns
    shown = [line for line in result.stdout.splitlines() if not re.match(r" +\d* \| ", line)]
    assert not any("k" * 61 in line or "v" * 61 in line for line in shown)
    assert max(len(line) for line in shown) < 1200
    assert {"S001", "S003", "R001"} <= set(re.findall(r"\b[SR]00\d\b", result.stdout))


def test_a_field_path_cuts_each_long_key():
    assert format_path(("tracing", "metadata", "x" * 500, 3, "y")) == "tracing.metadata." + "x" * 59 + "…[3].y"
    assert format_path(("tools", 2, "name")) == "tools[2].name"


def test_two_long_keys_that_share_a_cut_path_are_both_reported():
    first, second = "a" * 100 + "1", "a" * 100 + "2"
    found = listed(f"{first}: 1\n{second}: 2\n")
    assert [(d.code, d.line) for d in found] == [("S001", 1), ("S001", 2)]
    assert found[0].path == found[1].path == "a" * 59 + "…"
