"""T001, T002, T003: what the chosen target (beta or GA) can carry.

Which target has which field or value is written in the schema and read by
targets/carrying.py: `x-rtcfg-targets` (T001, or T002 where the field is marked
`x-rtcfg-unsupported: drop`: left out of the payload with a warning, an error under
--strict) and `x-rtcfg-value-unconfirmed` (T003: the sources disagree, so a warning
that says why)."""

from __future__ import annotations

from ...diagnostics import Diagnostic, Rule, format_path
from ...fixing.edits import remove_entry
from ...report.masking import quoted
from ...schema.views import SHAPE_SCHEMAS, load_schema
from ...targets import display_name
from ...targets.carrying import findings
from ..subject import Subject

NOT_IN_TARGET = Rule(
    "T001", "not-in-target", "error",
    "A field or value the chosen target's API does not have (a GA-only setting rendered for beta).",
    "The target's server rejects the field, or the value does not exist there.",
    "voice: ash\ntruncation: disabled\n", "voice: ash\n")
DROPPED_FOR_TARGET = Rule(
    "T002", "dropped-for-target", "warning",
    "A field the chosen target has no equivalent for, left out of its payload (temperature for GA); "
    "an error with --strict.",
    "The rendered payload does not carry a setting the file makes: the session behaves differently "
    "from what the file says.",
    "voice: ash\ntemperature: 0.7\n", "voice: ash\n", example_target="ga", fixes=("unsafe",))
UNCONFIRMED_IN_TARGET = Rule(
    "T003", "unconfirmed-in-target", "warning",
    "A value OpenAI's sources disagree on for the chosen target (marin or cedar for beta).",
    "OpenAI's 2026 spec lists marin and cedar for beta sessions while openai-python's beta types do not, and "
    "OpenAI's own beta endpoint is retired: whether a beta server (Azure's beta endpoint) takes them cannot be "
    "checked. A warning, not an error, so configs that work stay green.",
    "voice: marin\n", "voice: ash\n")

RULES = (NOT_IN_TARGET, DROPPED_FOR_TARGET, UNCONFIRMED_IN_TARGET)


def check(subject: Subject, strict: bool = False, skip: set[str] = frozenset()) -> list[Diagnostic]:
    """What the subject's target cannot carry in its data (a session of the document's shape);
    nothing at a path in `skip` (one with an error already: a warning never hides T001)."""
    document, data, target = subject.document, subject.data, subject.target
    schema = load_schema(SHAPE_SCHEMAS[document.shape])
    name = display_name(target)
    found = []
    for path, branch, value in findings(data, schema, target):
        where = format_path(path)
        if where in skip:
            continue
        field = where or "the session"
        if "x-rtcfg-unconfirmed" in branch:
            found.append(UNCONFIRMED_IN_TARGET.at(
                document, f"{field} {quoted(value)} is not confirmed for the {name} API: "
                f"{branch['x-rtcfg-unconfirmed']}", path,
                "check that your server takes it, then " + ("add `# rtcfg: ignore[T003]` to the line"
                                                            if document.format == "yaml" else
                                                            "add T003 to `ignore` in [tool.rtcfg]")
                + "; or choose a value every target has"))
            continue
        supported = branch["x-rtcfg-targets"]
        others = " or ".join(display_name(t) for t in supported)
        flag = " ".join(f"--target {t}" for t in supported[:1])
        if branch.get("x-rtcfg-unsupported") == "drop":
            # unsafe: the same file may be rendered for a target that has the field
            found.append(DROPPED_FOR_TARGET.at(
                document, f"{field} has no {name} equivalent: it is left out of the {name} payload", path,
                f"remove {field}, or render with {flag}; --strict makes this an error",
                severity="error" if strict else None,
                fix=remove_entry(document, path, "unsafe", f"remove {field}")))
            continue
        what = f"{field} {quoted(value)}" if value is not None else field
        kind = f" ({branch['x-rtcfg-kind']})" if "x-rtcfg-kind" in branch else ""
        if not path and "x-rtcfg-kind" in branch:  # a kind of session: say which
            what, kind = branch["x-rtcfg-kind"], ""
        found.append(NOT_IN_TARGET.at(
            document, f"{what}{kind} exists only in the {others} API; a {name} server rejects it", path,
            f"it has no {name} form: keep it for {others} ({flag})" if not path
            else f"render with {flag}, or remove it"))
    return found
