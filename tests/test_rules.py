"""Every rule code's bad example (from the catalog, as `rtcfg explain` prints it) is
reported with the right code, line, column and field path, and its good example,
which differs only in the fix the hint suggests, is clean."""

from __future__ import annotations

import pytest

from realtime_cfg.check.registry import RULES

from conftest import ROOT, diagnose, run_cli

# code: (line, column, field path) of the first finding in the catalog's bad example
# (`rtcfg explain CODE` prints those examples; None: not checked)
WHERE: dict[str, tuple[int | None, int | None, str]] = {
    "L001": (2, 1, ""), "L002": (2, 1, ""), "L003": (1, 1, ""), "L004": (1, 15, ""), "L005": (1, None, ""),
    "L006": (None, None, ""), "L007": (2, 1, ""),
    "S001": (1, 1, "max_tokens"), "S002": (1, 21, "input_audio_format"), "S003": (1, 14, "temperature"),
    "S004": (1, 14, "temperature"), "S005": (2, 5, "tools[0]"), "S006": (2, 13, "input_audio_transcription.language"),
    "S007": (3, 3, "turn_detection.threshold"), "S008": (4, 42, "tools[0].parameters.required"),
    "S009": (1, 14, "tool_choice"), "S010": (1, 1, "max_output_tokens"), "S011": (1, 1, "client_secret"),
    "S012": (2, 1, "voice"),
    "R001": (1, 8, "speed"), "R002": (2, 14, "tool_choice"), "R003": (3, 28, "tools[1].name"),
    "R004": (2, 28, "tools[0].name"), "R005": (1, 8, "model"), "R006": (1, 8, "voice"), "R007": (2, 8, "voice"),
    "R008": (2, 14, "tool_choice"), "R009": (1, 14, "tool_choice"), "R010": (3, 23, "turn_detection.interrupt_response"),
    "R011": (1, 15, "instructions"), "R012": (6, 20, "tools[0].authorization"),
    "R013": (1, 8, "voice"), "R014": (2, 10, "input_audio_transcription.model"), "R015": (1, 8, "model"),
    "R016": (5, 5, "tools[0].connector_id"), "R017": (6, 7, "audio.input.transcription.delay"),
    "R018": (6, 7, "audio.input.transcription.prompt"), "R019": (6, 7, "audio.input.transcription.languages"),
    "R020": (6, 5, "audio.input.turn_detection"), "R021": (1, 29, "max_response_output_tokens"),
    "T001": (2, 13, "truncation"), "T002": (2, 14, "temperature"), "T003": (1, 8, "voice"),
}

# The catalog describes L005's example in words (120 levels would not fit a terminal).
BAD_OVERRIDE = {"L005": "tracing: {metadata: " + "{a: " * 120 + "1" + "}" * 121 + "\n"}

# Codes whose examples are files (or rtcfg's own limits, or a server's answers), not config
# text: tested below, in test_loader.py, test_building.py and test_hostile*.py (F002, F003,
# X001), and test_live.py (A001-A003, F005, F006: against local servers).
FILE_LEVEL = {"F001", "F002", "F003", "F004", "X001", "L008", "L009", "B001", "B002", "B003", "B004", "B005", "B006",
              "A001", "A002", "A003", "F005", "F006"}
CASES = sorted(set(RULES) - FILE_LEVEL)


@pytest.fixture(autouse=True)
def before_any_announced_shutdown(monkeypatch):
    """R015 is a warning before a model's shutdown date and an error after: the examples are
    checked on a fixed day, whatever the machine's calendar says."""
    monkeypatch.setenv("RTCFG_TODAY", "2026-12-01")


def test_every_rule_has_a_position_to_check():
    assert set(WHERE) == set(CASES)


@pytest.mark.parametrize("code", CASES)
def test_rule_fails_on_its_bad_example(code):
    rule = RULES[code]
    bad = BAD_OVERRIDE.get(code, rule.bad)
    found = [d for d in diagnose(bad, target=rule.example_target) if d.code == code]
    assert found, f"{code} not reported; got {[(d.code, d.message) for d in diagnose(bad, target=rule.example_target)]}"
    line, column, path = WHERE[code]
    first = found[0]
    assert first.severity == rule.severity
    assert first.file == "cfg.yaml"
    if line is not None:
        assert first.line == line
    if column is not None:
        assert (first.line, first.column) == (line, column)
    assert first.path == path
    assert first.message


@pytest.mark.parametrize("code", CASES)
def test_rule_passes_on_its_good_example(code):
    rule = RULES[code]
    assert diagnose(rule.good, target=rule.example_target) == []


def test_unreadable_file_is_F001_and_exit_2(tmp_path):
    result = run_cli("validate", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    assert "F001 cannot read" in result.stdout
    (tmp_path / "ok.yaml").write_text("voice: alloy\n")
    assert run_cli("validate", str(tmp_path / "ok.yaml")).returncode == 0


RULES_PAGE = ROOT / "docs" / "rules.md"


def _rules_page() -> str:
    from realtime_cfg.report.text import explanation

    sections = [f"## {rule.code} {rule.name}\n\n```text\n{explanation(rule)}\n```\n" for rule in RULES.values()]
    return ("# Rules\n\nEvery code rtcfg reports, as `rtcfg explain CODE` prints it. An editor's diagnostic links\n"
            "to its code's section here (`rtcfg server`). Generated from the rules themselves: rewrite\n"
            "it with `RTCFG_UPDATE_GOLDEN=1 pytest tests/test_rules.py`.\n\n" + "\n".join(sections))


def test_the_rules_page_is_every_rules_explanation():
    import os

    if os.environ.get("RTCFG_UPDATE_GOLDEN"):
        RULES_PAGE.write_text(_rules_page(), encoding="utf-8")
    assert RULES_PAGE.read_text(encoding="utf-8") == _rules_page()


def test_the_language_servers_links_land_on_a_heading_of_the_rules_page():
    from realtime_cfg.editor.workspace import RULES_PAGE as PAGE_URL, to_lsp
    from realtime_cfg.editor.positions import Lines
    from realtime_cfg.diagnostics import Diagnostic

    headings = {"#" + line[3:].strip().lower().replace(" ", "-") for line in RULES_PAGE.read_text().splitlines()
                if line.startswith("## ")}
    for code in RULES:
        href = to_lsp(Diagnostic(code, "m", "f.yaml", 1, 1), Lines("x"), "utf-16").code_description.href
        assert href.startswith(PAGE_URL + "#") and href[len(PAGE_URL):] in headings, code
