"""No output shows more than the first 6 characters of a secret, however it is written, and no
output carries a character that acts on the terminal; environment values are redacted in
one pass over the text.

Fake keys only. A secret counts as shown if any 7 characters of it in a row appear, decoded
or as written (escapes and all), but for those of the prefix every key has.
"""

from __future__ import annotations

import json
import re
from xml.etree import ElementTree

import pytest

import realtime_cfg
from conftest import run_cli
from realtime_cfg.diagnostics import Diagnostic
from realtime_cfg.report.masking import SECRET, mask_secrets, redact, shorten
from realtime_cfg.report.machine import FORMATS as MACHINE_FORMATS
from realtime_cfg.report.text import FileResult, Report, render_text
from realtime_cfg.report.masking import printable

FORMATS = ("text", "json", "sarif", "github", "junit")
KEY = "sk-proj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"


def assert_hidden(output: str, *secrets: str) -> None:
    for secret in secrets:
        for start in range(len(secret) - 6):
            shown = secret[start:start + 7]
            if shown not in "sk-proj-":  # every key starts so (the SARIF rule help has an example)
                assert shown not in output, (shown, output)


# Each: the YAML or JSON text, and how the key is written in it (besides KEY itself).
WRITTEN = {
    "hex escape of the dash": ('instructions: "Use sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake now"\n',
                               "sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"),
    "unicode escape of the dash": ('instructions: "Use sk\\u002dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake now"\n',
                                   "sk\\u002dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"),
    "escaped first letter": ('instructions: "\\x73k-proj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"\n',
                             "\\x73k-proj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"),
    "glued to a digit": (f"instructions: 1{KEY}\n", KEY),
    "after an escaped newline": (f'instructions: "line\\n{KEY}"\n', KEY),
    "a key written escaped": ('tracing: {metadata: {"sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake": 1}}\n',
                              "sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"),
    # cut by a double-quoted line continuation; another finding (voxe) sits on the second line
    "line continuation": ('{instructions: "Use sk-proj-Zq8vN2xLr5\\\n  TbW9cYh3JkPm7DfakeFAKEfake now", voxe: 1}\n',
                          "TbW9cYh3JkPm7DfakeFAKEfake"),
    "line continuation in a block mapping": ('instructions: "Use sk-pro\\\n  j-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"\n'
                                             'voxe: 1\n', "j-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"),
}


@pytest.mark.parametrize("case", sorted(WRITTEN))
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_secret_written_any_way_is_r012_and_never_shown(write, case, fmt):
    text, written = WRITTEN[case]
    path = write("session.yaml", text)
    result = run_cli("validate", "--format", fmt, str(path))
    assert result.returncode == 1 and "R012" in result.stdout, result.stdout
    assert_hidden(result.stdout, KEY, written)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_secret_in_a_json_string_with_escapes_is_never_shown(write, fmt):
    path = write("session.json", '{"instructions": "sk\\u002dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake", "voxe": 1}\n')
    result = run_cli("validate", "--format", fmt, str(path))
    assert result.returncode == 1 and "R012" in result.stdout and "S001" in result.stdout
    assert_hidden(result.stdout, KEY, "sk\\u002dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake")


def test_the_excerpt_masks_the_written_token_and_keeps_columns(write):
    text, _ = WRITTEN["line continuation"]
    path = write("session.yaml", text)
    lines = run_cli("validate", str(path)).stdout.splitlines()
    first = lines.index(next(line for line in lines if ": R012 " in line))
    written = text.splitlines()[0]
    assert lines[first + 1] == '  1 | {instructions: "Use s' + "*" * (len(written) - len('{instructions: "Use s'))
    voxe = next(i for i, line in enumerate(lines) if ": S001 unknown key 'voxe'" in line)
    source, caret = lines[voxe + 1], lines[voxe + 2]
    assert source == "  2 |   " + "*" * 31 + ", voxe: 1}"  # the rest of the string: hidden whole
    assert source[caret.index("^"):].startswith("voxe")


def test_a_suppression_marker_after_a_masked_secret_still_works(write):
    path = write("session.yaml", 'instructions: "sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"  # rtcfg: ignore[R012]\n')
    result = run_cli("validate", str(path))
    assert result.returncode == 0 and result.stdout.endswith("(1 suppressed).\n")


@pytest.mark.parametrize("line", [
    'instructions: "sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake", [',
    'instructions: "\\xZZ sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake"',  # an escape YAML refuses
])
def test_a_load_error_on_a_line_with_an_escaped_secret_masks_it(write, line):
    path = write("session.yaml", line + "\n")
    for fmt in FORMATS:
        result = run_cli("validate", "--format", fmt, str(path))
        assert result.returncode == 1 and "L001" in result.stdout
        assert_hidden(result.stdout, KEY, "sk\\x2dproj-Zq8vN2xLr5TbW9cYh3JkPm7DfakeFAKEfake")


def test_the_secret_pattern_takes_a_digit_before_a_key_but_not_a_letter():
    assert SECRET.search(f"1{KEY}").group() == KEY
    assert SECRET.search(f"key_{KEY}").group() == KEY
    assert SECRET.search(f"task-{KEY[3:]}") is None  # `task-proj-...`: a word, not a key
    assert SECRET.search(f"x{KEY}") is None
    assert SECRET.search("seek_" + "a" * 30) is None
    # a message quotes decoded text: `\n` before the key is a line break, not the letter n
    assert mask_secrets(json.dumps(f"a\n{KEY}")) == '"a\\nsk-pro…"'
    assert mask_secrets(repr(f"\xab{KEY}")) == "'«sk-pro…'"
    assert mask_secrets(json.dumps(f"\xab{KEY}", ensure_ascii=True)) == '"\\u00absk-pro…"'


def test_a_long_run_after_bearer_is_no_secret_and_is_read_once():
    # `bearer` then 200,000 `_`: trying every split of the run between separator and token
    # would not finish; there is no token, so nothing is masked
    text = "bearer" + "_" * 200_000 + "!"
    assert mask_secrets(text) == text
    assert mask_secrets("Bearer __abcdefghijklmnopqrstuvwxyz") == "Bearer…"


def test_shorten_masks_a_secret_before_it_cuts_it():
    assert shorten("x" * 50 + " " + KEY) == "x" * 50 + " sk-pro…"
    assert shorten("x" * 56 + KEY) == "x" * 56 + "sk-…"  # cut inside the mask: fewer characters still
    assert shorten("y" * 61) == "y" * 59 + "…"
    assert shorten("short") == "short"


# -- environment values --------------------------------------------------------------------


def test_redact_a_long_value_cut_next_to_a_long_run_of_dots():
    value = "".join(chr(ord("a") + (i * 7) % 26) for i in range(20_000))
    dots = "." * 60_000
    assert redact(f"x: {value[:10_000]}{dots} end", {value: "${V}"}) == f"x: ${{V}}{dots} end"
    assert redact(f"x: {value}{dots}", {value: "${V}"}) == f"x: ${{V}}{dots}"
    assert redact(f"[{value[:6]}…]", {value: "${V}"}) == "[${V}…]"
    assert redact(f"[{value[:5]}…]", {value: "${V}"}) == f"[{value[:5]}…]"  # 5 characters say nothing


def test_redact_every_form_a_message_gives_a_value():
    value = 'quote"secret\\value\nnext'
    text = (f"raw {value} json {json.dumps(value)[1:-1]} repr {repr(value)[1:-1]} "
            f"cut {json.dumps(value)[1:12]}... and {value[:8]}…")
    assert redact(text, {value: "${V}"}) == "raw ${V} json ${V} repr ${V} cut ${V}... and ${V}…"


def test_redact_many_values_in_one_pass():
    values = {f"value-{i:05d}-{'xyz' * (i % 5)}": f"${{V{i}}}" for i in range(3000)}
    text = " | ".join(f"{v}" if i % 2 else f"{v[:11]}..." for i, v in enumerate(values))
    expected = " | ".join(f"${{V{i}}}" if i % 2 else f"${{V{i}}}..." for i in range(3000))
    assert redact(text, values) == expected
    # the longest value wins where one is the start of another
    assert redact("abcdefghijkl", {"abcdefgh": "${A}", "abcdefghijkl": "${B}"}) == "${B}"


def test_redact_two_values_that_overlap_leaves_neither_in_part():
    """Replacing the first value whole would leave the tail of the second ("XYZ12") behind."""
    values = {"Zq9VeryPrivateAAA": "${A}", "PrivateAAAXYZ12": "${B}"}
    assert redact("voice 'Zq9VeryPrivateAAAXYZ12' is unknown", values) == "voice '${A}${B}' is unknown"
    assert redact("Zq9VeryPrivateAAA and PrivateAAAXYZ12", values) == "${A} and ${B}"


def test_environment_values_stay_out_of_many_findings(write):
    write("pyproject.toml", "[project]\nname = 'agents'\n")
    # each value quoted by its own S002
    path = write("a.yaml", "modalities:\n" + "".join(f"  - ${{V{i}}}\n" for i in range(300)))
    env = {f"V{i}": f"hidden-value-{i:04d}" for i in range(300)}
    for fmt in FORMATS:
        result = run_cli("validate", "--format", fmt, str(path), env=env)
        assert result.returncode == 1 and '${V299}' in result.stdout, result.stdout
        assert "hidden" not in result.stdout


# -- terminal control characters -------------------------------------------------------------

CONTROLS = ("\x1b", "\x9b", "\u202e", "\u2028", "\x07")


def test_hints_file_names_and_paths_carry_no_terminal_controls():
    bad = "a\x1b[2J\x9b31m\u202eb\u2028c\x07"
    finding = Diagnostic("S001", f"unknown key {bad!r}", f"{bad}.yaml", 1, 1, f"tools[0].{bad}",
                         hint=f"did you mean {bad}?", source=f"{bad}: 1")
    report = Report([FileResult(f"{bad}.yaml", [finding])])
    outputs = {"text": render_text(report), **{fmt: render(report) for fmt, render in MACHINE_FORMATS.items()}}
    for fmt, output in outputs.items():
        assert not any(char in output for char in CONTROLS), (fmt, output)
    # json and sarif escape them instead: the data reads back unchanged
    assert json.loads(outputs["json"])["diagnostics"][0]["hint"] == f"did you mean {bad}?"
    assert json.loads(outputs["sarif"])["runs"][0]["results"][0]["properties"]["fieldPath"] == f"tools[0].{bad}"
    case = ElementTree.fromstring(outputs["junit"]).find("testsuite/testcase")
    assert case.get("name") == printable(f"{bad}.yaml") and "\ufffd" in case.find("failure").text


def test_the_cli_prints_no_terminal_controls_in_any_format(write):
    path = write("session.json", '{"voice": "\\u001b[2J\\u009b31m\\u202eabc", "vo\\u202exe": 1}\n')
    for fmt in FORMATS:
        result = run_cli("validate", "--format", fmt, str(path))
        assert result.returncode == 1
        assert not any(char in result.stdout for char in CONTROLS), (fmt, result.stdout)


def test_printable_keeps_its_name_and_replaces_each_control_by_one_character():
    assert printable("a\x1b[31mb\u2029c\td") == "a\ufffd[31mb\ufffdc\td"
    assert re.fullmatch("[^\x1b]*", printable("\x1b" * 5)) and len(printable("\x1b" * 5)) == 5


def test_many_findings_on_a_line_with_a_secret_each_show_it_masked():
    line = "{" + ", ".join(f'k{i}: "{KEY}{i}"' for i in range(300)) + "}\n"
    found = realtime_cfg.validate(realtime_cfg.loads(line, name="cfg.yaml"))
    assert len(found) == 600  # each key unknown (S001) and each value a secret (R012)
    sources = {id(d.source) for d in found}
    assert len(sources) == 1  # masked once, shared by all
    assert_hidden(found[0].source, KEY)


def test_redact_many_values_that_share_a_long_start():
    """URLs all start `https://`: values that share their first 50 characters are each found."""
    values = {"Z" * 50 + f".{i}": f"${{V{i}}}" for i in range(500)}
    assert redact("name '" + "Z" * 50 + ".123' is bad", values) == "name '${V123}' is bad"
    assert redact("cut '" + "Z" * 30 + "…'", values) == "cut '${V0}…'"
