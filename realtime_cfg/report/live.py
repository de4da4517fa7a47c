"""What `check --live` prints besides findings: a line on what the server answered, and (with
--diff, --show-effective) each config's sent-against-effective changes and effective session.

Each FileResult's `live` entry is made by live/answers.entry, already masked: {"outcome":
accepted | rejected | refused | no answer | not sent, "status", "tries", "changes": [...],
"effective": {...} (with --show-effective only)}.
"""

from __future__ import annotations

import json

from .masking import printable, printable_json
from .model import FileResult, Report

OUTCOMES = ("accepted", "rejected", "refused", "no answer", "not sent")


def answered_line(report: Report) -> str | None:
    """"Asked https://...: 2 accepted, 1 rejected, 1 not sent (it has errors)." (None: not a live run)."""
    entries = [result.live for result in report.results if result.live is not None]
    if report.endpoint is None or not entries:
        return None
    counts = {outcome: sum(1 for entry in entries if entry["outcome"] == outcome) for outcome in OUTCOMES}
    said = ", ".join(f"{count} {outcome}" for outcome, count in counts.items() if count)
    if counts["not sent"]:
        said += " (it has errors)" if counts["not sent"] == 1 else " (they have errors)"
    return printable(f"Asked {report.endpoint}: {said}.")


def effective_text(results: list[FileResult], show_effective: bool, show_diff: bool) -> str:
    """For each config: a heading, then (--diff) one line a change, `~ path: sent -> applied`,
    `+ path: filled in`, `- path: sent, not applied`, and (--show-effective) the session."""
    from ..output.diffing import Change, format_changes

    blocks = []
    for result in results:
        entry = result.live
        if entry is None:
            continue
        lines = [printable(f"== {result.name}: {entry['outcome']} ==")]
        if show_diff and entry["outcome"] == "accepted":
            changes = [Change(c["kind"], c["path"], c.get("old"), c.get("new")) for c in entry["changes"]]
            lines.append(_clean(format_changes(changes)) if changes else "(applied as sent)")
        if show_effective and entry.get("effective") is not None:
            lines.append(printable_json(json.dumps(entry["effective"], indent=2, ensure_ascii=False)))
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks)


def _clean(text: str) -> str:
    return "\n".join(printable(line) for line in text.split("\n"))
