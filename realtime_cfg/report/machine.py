"""Reports for machines: json, github (workflow commands), sarif (2.1.0) and junit.

Each takes the whole run's Report and returns the text to print or write. Paths are
written as given on the command line, so reports stay stable across machines.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from ..version import __version__
from ..check.registry import RULES
from ..diagnostics import Diagnostic
from .masking import printable, printable_json
from .model import Report
from .text import summary, text_line

INFORMATION_URI = "https://github.com/rtcfg/rtcfg"


def _dumps(data: object) -> str:
    return printable_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"


def to_json(report: Report) -> str:
    """{"summary": {...}, "diagnostics": [...], "suppressed": [...]}"""
    data = {
        "tool": "rtcfg",
        "version": __version__,
        "summary": {
            "files": len(report.results),
            "files_with_findings": report.files_with_findings,
            **{f"{severity}s": report.count(severity) for severity in ("error", "warning", "info")},
            "suppressed": len(report.suppressed),
            "fixable": report.fixable()[0],
            **({"fixed": report.fixed} if report.fixing == "fix" else
               {"to_fix": report.fixed} if report.fixing == "diff" else {}),
            "exit_code": report.exit_code,
        },
        "diagnostics": [_as_dict(d) for d in report.diagnostics],
        "suppressed": [{**_as_dict(s.diagnostic), "suppressed_by": s.kind} for s in report.suppressed],
    }
    if report.endpoint is not None:  # check --live: what the server answered, config by config
        data["live"] = {"endpoint": report.endpoint,
                        "configs": [{"file": r.name, **r.live} for r in report.results if r.live is not None]}
    return _dumps(data)


def _as_dict(diagnostic: Diagnostic) -> dict:
    return {**diagnostic.to_dict(), "name": diagnostic.name or RULES[diagnostic.code].name}


# -- GitHub Actions workflow commands ----------------------------------------------
# https://docs.github.com/actions/reference/workflow-commands-for-github-actions

_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def to_github(report: Report) -> str:
    """`::error file=a.yaml,line=4,col=1,title=S001 unknown-key::unknown key 'x' ...` a finding,
    so each shows as an annotation on the pull request's diff; then the summary. The log
    shows every part as text, so each is cleaned as the text report is (report.printable)."""
    lines = []
    for d in report.diagnostics:
        properties = [f"file={_github_property(printable(d.file))}"]
        if d.line is not None:
            properties += [f"line={d.line}", f"col={d.column}"]
            if d.end_line is not None and (d.end_line, d.end_column) != (d.line, d.column):
                properties += [f"endLine={d.end_line}", f"endColumn={d.end_column}"]
        properties.append(f"title={_github_property(f'{d.code} {d.name or RULES[d.code].name}')}")
        message = printable(d.message + (f" (hint: {d.hint})" if d.hint else ""))
        lines.append(f"::{_GITHUB_LEVEL[d.severity or 'error']} {','.join(properties)}::{_github_data(message)}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


# -- SARIF 2.1.0 -----------------------------------------------------------------------
# https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_RULE_INDEX = {code: index for index, code in enumerate(RULES)}


def _artifact_uri(name: str) -> str:
    path = Path(name)
    if path.is_absolute():
        return "file://" + quote(os.fsencode(path.as_posix()))
    return quote(os.fsencode(name.replace("\\", "/")))  # bytes: a name that is not UTF-8 still quotes


def _sarif_result(d: Diagnostic, suppressed_by: str | None = None) -> dict:
    location: dict = {"artifactLocation": {"uri": _artifact_uri(d.file)}}
    if d.line is not None:
        location["region"] = {"startLine": d.line, "startColumn": d.column}
        if d.end_line is not None:
            location["region"].update(endLine=d.end_line, endColumn=d.end_column)
    result: dict = {
        "ruleId": d.code,
        "ruleIndex": _RULE_INDEX[d.code],
        "level": _SARIF_LEVEL[d.severity or "error"],
        "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
        "locations": [{"physicalLocation": location}],
    }
    if d.path:
        result["properties"] = {"fieldPath": d.path}
    if d.fix is not None and d.fix.available:
        result.setdefault("properties", {})["fixApplicability"] = d.fix.applicability
        changes: dict[str, list] = {}
        for edit in d.fix.edits:
            changes.setdefault(edit.file, []).append({
                "deletedRegion": {"startLine": edit.line, "startColumn": edit.column,
                                  "endLine": edit.end_line, "endColumn": edit.end_column},
                "insertedContent": {"text": edit.text}})
        result["fixes"] = [{"description": {"text": d.fix.title},
                            "artifactChanges": [{"artifactLocation": {"uri": _artifact_uri(file)},
                                                 "replacements": replacements}
                                                for file, replacements in changes.items()]}]
    if suppressed_by:
        result["suppressions"] = [{"kind": suppressed_by}]
    return result


def to_sarif(report: Report) -> str:
    """One run of the rtcfg driver, every rule of the catalog, every finding as a result
    (suppressed ones with their suppression)."""
    rules = [{
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why},
        "help": {"text": f"{rule.why}\n\nBad:\n{rule.bad}\nGood:\n{rule.good}",
                 "markdown": f"{rule.why}\n\nBad:\n```yaml\n{rule.bad}\n```\nGood:\n```yaml\n{rule.good}\n```"},
        "defaultConfiguration": {"level": _SARIF_LEVEL[rule.severity]},
    } for rule in RULES.values()]
    results = [_sarif_result(d) for d in report.diagnostics]
    results += [_sarif_result(s.diagnostic, s.kind) for s in report.suppressed]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "rtcfg", "version": __version__, "semanticVersion": __version__,
                                "informationUri": INFORMATION_URI, "rules": rules}},
            "invocations": [{"executionSuccessful": not report.io_error}],
            "columnKind": "unicodeCodePoints",  # columns count characters, as rtcfg's do
            "results": results,
        }],
    }
    return _dumps(log)


# -- JUnit XML ---------------------------------------------------------------------------

# XML 1.0 cannot carry most control characters, even escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_junit(report: Report) -> str:
    """One test case a file: a <failure> with its findings at or above --fail-on, an
    <error> if it could not be read; findings below --fail-on go to <system-out>. CI
    systems show all of it as text: cleaned as the text report is (report.printable)."""
    from xml.etree import ElementTree as ET

    def xml(text: str) -> str:
        return _NOT_XML.sub("\ufffd", text)

    def clean(text: str) -> str:  # one line of text
        return xml(printable(text))

    def lines(findings: list[Diagnostic], hints: bool = False) -> str:
        return xml("\n".join(text_line(d) + (f"\n  hint: {printable(d.hint)}" if hints and d.hint else "")
                             for d in findings))

    command = "check --live" if report.endpoint is not None else "validate"
    cases, failures, errors = [], 0, 0
    for result in report.results:
        case = ET.Element("testcase", classname=f"rtcfg.{command.replace(' --', '.')}", name=clean(result.name))
        failing: list[Diagnostic] = []
        unreadable: list[Diagnostic] = []
        other: list[Diagnostic] = []
        for d in result.diagnostics:  # one pass: a membership test per finding cost time squared
            (unreadable if d.is_io_error else failing if report.failing(d) else other).append(d)
        if unreadable:
            errors += 1
            element = ET.SubElement(case, "error", type=unreadable[0].code, message=clean(unreadable[0].message))
            element.text = lines(unreadable)
        elif failing:
            failures += 1
            first = failing[0]
            element = ET.SubElement(case, "failure", type=first.code,
                                    message=clean(f"{len(failing)} finding(s); first: {first.code} {first.message}"))
            element.text = lines(failing, hints=True)
        if other:
            ET.SubElement(case, "system-out").text = lines(other)
        cases.append(case)
    counts = {"tests": str(len(cases)), "failures": str(failures), "errors": str(errors)}
    suites = ET.Element("testsuites", name="rtcfg", **counts)
    suite = ET.SubElement(suites, "testsuite", name=f"rtcfg {command}", skipped="0", **counts)
    suite.extend(cases)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


FORMATS = {"json": to_json, "github": to_github, "sarif": to_sarif, "junit": to_junit}
