"""`rtcfg diff` and the diff engine: structure-aware, after normalization."""

from __future__ import annotations

import json

import realtime_cfg
from realtime_cfg.output.diffing import Change, diff

from conftest import run_cli

TOOLS_A = [{"type": "function", "name": "a", "description": "x"}, {"type": "function", "name": "b"}]
TOOLS_B = [{"type": "function", "name": "b"}, {"type": "function", "name": "a", "description": "y"},
           {"type": "function", "name": "c"}]


def test_tools_are_matched_by_name_not_position():
    changes = realtime_cfg.diff({"tools": TOOLS_A}, {"tools": TOOLS_B})
    assert changes == [
        Change("changed", "tools[name=a].description", "x", "y"),
        Change("added", "tools[name=c]", new={"type": "function", "name": "c"}),
    ]


def test_null_and_absent_differ():
    assert diff({"turn_detection": None}, {}) == [Change("removed", "turn_detection", old=None)]


def test_numbers_compare_as_json_but_booleans_are_not_numbers():
    assert diff({"x": 1}, {"x": 1.0}) == []
    assert diff({"x": 1}, {"x": True}) == [Change("changed", "x", 1, True)]


def test_configs_that_normalize_the_same_are_equal():
    a = {"max_output_tokens": "INF", "voice": "ash"}
    b = {"voice": "ash", "max_response_output_tokens": "inf"}
    assert realtime_cfg.diff(a, b) == []


def test_cli_exit_codes_and_text(write):
    a = write("a.yaml", "voice: ash\ntemperature: 0.8\nmax_output_tokens: 300\n")
    b = write("b.json", '{"voice": "ash", "temperature": 0.9, "max_response_output_tokens": "300"}')
    c = write("c.yaml", "max_response_output_tokens: 300.0\ntemperature: 0.8\nvoice: ash\n")
    result = run_cli("diff", str(a), str(b))
    assert result.returncode == 1
    assert result.stdout == "~ temperature: 0.8 -> 0.9\n"
    same = run_cli("diff", str(a), str(c))
    assert same.returncode == 0 and same.stdout == "No differences.\n"


def test_cli_json_format(write):
    a = write("a.yaml", "voice: ash\n")
    b = write("b.yaml", "voice: coral\nturn_detection: null\n")
    result = run_cli("diff", "--format", "json", str(a), str(b))
    assert result.returncode == 1
    assert json.loads(result.stdout) == [
        {"kind": "changed", "path": "voice", "old": "ash", "new": "coral"},
        {"kind": "added", "path": "turn_detection", "new": None},
    ]


def test_cli_invalid_or_missing_input_is_exit_2(write):
    good = write("good.yaml", "voice: ash\n")
    bad = write("bad.yaml", "voice: nova\n")
    result = run_cli("diff", str(good), str(bad))
    assert result.returncode == 2 and "bad.yaml:1:8: R006" in result.stderr
    assert run_cli("diff", str(good), "nope.yaml").returncode == 2


def test_colour_only_when_asked():
    changes = diff({"voice": "ash", "speed": 1.0}, {"voice": "coral", "tracing": "auto"})
    from realtime_cfg.output.diffing import format_changes

    assert format_changes(changes) == '~ voice: "ash" -> "coral"\n- speed: 1.0\n+ tracing: "auto"'
    coloured = format_changes(changes, color=True)
    assert "[yellow]~ voice" in coloured and "[red]- speed" in coloured and "[green]+ tracing" in coloured
