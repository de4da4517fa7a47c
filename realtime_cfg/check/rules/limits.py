"""X001: a limit of rtcfg's own. A report lists at most MAX_FINDINGS findings of one file."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Rule

TOO_MANY_FINDINGS = Rule(
    "X001", "too-many-findings", "error",
    "The file has more findings than a report lists for one file (1,000); the rest are counted, not listed.",
    "A file with thousands of findings is rarely a config with thousands of mistakes (a wrong file, a "
    "generated mass); listing them all would make the report cost more than the check. Its severity is the "
    "highest of the findings left out, so the exit code stays what the whole list would give.",
    "(a file with more than 1,000 findings)", "(fix the first ones; the rest often go with them)")

RULES = (TOO_MANY_FINDINGS,)


# A report lists at most this many findings of one file; one X001 says how many more there
# are. Thousands of findings are rarely thousands of mistakes (a wrong or generated file), and
# listing them all would make the report cost more than the check. The README cites it.
MAX_FINDINGS = 1000
_RANK = {"error": 0, "warning": 1, "info": 2}  # the most severe first


def capped(ordered: list[Diagnostic], name: str) -> list[Diagnostic]:
    """The first MAX_FINDINGS findings, and an X001 for the rest: as severe as the most
    severe of them, so that the exit code stays what the whole list would give."""
    if len(ordered) <= MAX_FINDINGS:
        return ordered
    left_out = ordered[MAX_FINDINGS:]
    severity = min((d.severity or "error" for d in left_out), key=_RANK.__getitem__)
    more = f"{len(left_out):,} more findings in this file are not listed" if len(left_out) > 1 \
        else "1 more finding in this file is not listed"
    return ordered[:MAX_FINDINGS] + [TOO_MANY_FINDINGS.diagnostic(
        f"{more} (a report lists at most {MAX_FINDINGS:,} a file)", name, severity=severity,
        hint="fix the first ones (the rest often go with them), or check that this is the file you meant")]
