"""rtcfg's cost grows like its input, not faster, on the shapes of input that once made it
quadratic. Each test runs a shape (built by benchmarks/scaling.py, so a shape is defined
once) at two sizes, N and 8N, in this process, and compares the CPU time of the two: linear
growth gives about 8, quadratic about 64; the bound, 24, is three times linear. Never an
absolute time, so the verdict is the same on a slow machine or a fast one."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import scaling  # noqa: E402

FACTOR = 8
BOUND = 24  # linear: about 8 (a little more for n log n); quadratic: about 64


def _cpu(run) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def growth(name: str, n: int, folder: Path) -> float:
    """CPU time of the shape at FACTOR * n over its time at n, each the best of 3 runs. The
    big size stops early once a run settles the verdict (under the bound, or far over it),
    so a test of quadratic code does not take minutes to fail."""
    shape = scaling.SHAPES[name]
    for part in ("small", "big"):
        scaling.project(folder / part)
    small, big = shape.make(folder / "small", n), shape.make(folder / "big", FACTOR * n)
    for run in (small, big):  # what a user sees, and a warm-up: imports, the compiled schema
        outcome = run()
        if isinstance(outcome, tuple):
            code, output = outcome
            assert code in (0, 1, 2) and "internal error" not in output and "Traceback" not in output, output[-2000:]
    small_time = min(_cpu(small) for _ in range(3))
    big_time = float("inf")
    for _ in range(3):
        big_time = min(big_time, _cpu(big))
        if big_time < BOUND * small_time or big_time > 2 * BOUND * small_time:
            break
    return big_time / max(small_time, 1e-9)


def test_many_findings_on_one_long_line_cost_linear_time(tmp_path):
    """A one-line flow mapping of N unknown keys: N findings, each showing the same long
    line (as a window around its column)."""
    assert growth("long-line", 100, tmp_path) < BOUND


def test_a_junit_report_of_many_findings_costs_linear_time(tmp_path):
    assert growth("junit", 500, tmp_path) < BOUND


def test_masking_many_environment_values_in_many_findings_costs_linear_time(tmp_path):
    """N values from the environment to keep out of each of N findings."""
    assert growth("env-masking", 100, tmp_path) < BOUND


def test_a_long_extends_list_is_refused_by_its_limit_or_costs_linear_time(tmp_path):
    assert growth("extends-list", 50, tmp_path) < BOUND


def test_expanding_a_long_environment_value_many_times_costs_linear_time(tmp_path):
    """A 10,000-character value referenced N times: built, or refused by the build's limit."""
    assert growth("env-expansion", 100, tmp_path) < BOUND


def test_reports_in_every_format_cost_linear_time_in_their_findings(tmp_path):
    """N findings on N lines, reported as text, json, github, sarif and junit."""
    assert growth("many-findings", 250, tmp_path) < BOUND


def test_a_report_of_hundreds_of_thousands_of_findings_costs_linear_time(tmp_path):
    """N findings, 1,000 a file as rtcfg caps them, in every report format."""
    assert growth("huge-report", 5_000, tmp_path) < BOUND


def test_fixing_many_findings_costs_linear_time(tmp_path):
    """--fix on N safe fixes, applied together: a few checks of the file, each linear."""
    assert growth("fix-many", 40, tmp_path) < BOUND


def test_rolling_back_many_fixes_costs_linear_time(tmp_path):
    """N fixes that each bring an error to light: blamed and set aside, not tried one by one."""
    assert growth("fix-rollbacks", 40, tmp_path) < BOUND


def test_the_diff_of_many_fixes_costs_linear_time(tmp_path):
    """--diff of N changed lines among look-alike ones (difflib takes time squared there)."""
    assert growth("fix-diff", 40, tmp_path) < BOUND


def test_reading_the_cursors_place_costs_linear_time(tmp_path):
    """The language server's cursor reader on lines and texts that once cost their length
    squared (a key and spaces, many list markers, many siblings, open brackets)."""
    assert growth("editor-cursor", 500, tmp_path) < BOUND


def test_a_change_in_the_editor_costs_linear_time_in_its_findings(tmp_path):
    """One didChange of a config with N findings: each converted to the client's columns
    (the file's lines worked out once, not once per finding)."""
    assert growth("editor-change", 100, tmp_path) < BOUND
