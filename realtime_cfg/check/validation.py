"""Check one loaded config: every rule family over it, findings sorted by position.

Every problem is reported, not just the first. The schema of the file's own shape decides
what is valid (check/rules/schema.py explains each of its errors); the families in
check/registry.py find what the schema cannot express; then, unless asked not to, what the
chosen target can carry (check/rules/targets.py). Findings are made ready to show here, once:
each gets its source line, with secrets masked and environment values hidden.
"""

from __future__ import annotations

from typing import Mapping, Sequence

from ..diagnostics import Diagnostic
from ..report.masking import prepare_for_display
from ..schema.views import SHAPE_SCHEMAS
from ..source.document import Document
from ..source.problems import TOO_DEEP
from ..targets import target_module
from ..targets.canonical import coerce
from .registry import SESSION_FAMILIES
from .rules import limits, schema, spelling, values
from .rules import targets as target_rules
from .rules.open_sets import check_known
from .subject import Subject


def validate(document: Document, target: str | None = None, strict: bool = False,
             check_target: bool = True, known: Mapping[str, Sequence[str]] | None = None,
             cap: bool = True) -> list[Diagnostic]:
    """All problems in a loaded config, sorted by position; with cap, at most MAX_FINDINGS and
    an X001 for the rest (fixing compares whole lists: a fix must not count the findings the cap
    hid as new).

    The file is checked against the schema of its own shape (flat or GA), then, unless
    check_target is off, for what `target` can carry (default: the file's own shape).
    `strict` makes a field the target would drop (T002) an error. `known` adds a project's
    own names to the open sets by the sets' names (`{"models": ["my-deployment"]}`)."""
    if target is not None:
        target_module(target)  # ValueError for an unknown target
    subject = Subject(document, coerce(document.data, SHAPE_SCHEMAS[document.shape]), target or document.shape,
                      check_known(known))  # TypeError or ValueError for a malformed `known`
    found: list[Diagnostic] = []
    for family in SESSION_FAMILIES:
        found.extend(family.check(subject))
    try:
        found.extend(schema.check(subject, skip=values.non_finite_paths(found)))
        errors = {d.path for d in found if d.severity == "error"}
        found.extend(spelling.check(subject, skip=errors))  # "0" is out of range, not just spelled loosely
        if check_target:  # a warning never hides T001
            found.extend(target_rules.check(subject, strict, skip=errors))
    except RecursionError:  # only reachable when a caller raised Limits.max_depth far above the default
        found.append(TOO_DEEP.diagnostic("the config is nested too deeply to check", document.name, 1, 1))
    unique: dict[tuple, Diagnostic] = {}
    for diagnostic in found:
        # the position too: two long keys can share a cut path and message
        where = (diagnostic.file, diagnostic.line, diagnostic.column)
        unique.setdefault((diagnostic.code, diagnostic.path, diagnostic.message, *where), diagnostic)
    ordered = sorted(unique.values(), key=lambda d: (d.file, d.line or 0, d.column or 0, d.code))
    if cap:
        ordered = limits.capped(ordered, document.name)
    if not ordered:
        return ordered
    # R012 is raised for every key and value that holds a secret: without one, none to look for
    secrets = values.secret_places(document) if values.has_secrets(list(unique.values())) else set()
    # capped first: only what is listed pays for excerpts and masking
    return prepare_for_display(ordered, document.texts(), document.redactions, secrets)
