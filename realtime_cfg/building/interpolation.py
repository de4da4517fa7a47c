"""`${VAR}`, `${VAR:-default}` and `$$` in string values, from the environment.

A value taken from the environment is never shown: each one at least REDACT_FROM
characters long is remembered (value -> "${VAR}") so that every report shows the name
instead (report/masking.py), also in the spellings normalization gives it.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ..diagnostics import Diagnostic
from ..records import replace
from ..schema.views import schema_text
from .nodes import Node
from .problems import BAD_REFERENCE, BUILD_TOO_LARGE, UNDEFINED_VARIABLE, at_site, error_at

# ${NAME}, ${NAME:-default}, or $$ (a literal dollar sign)
_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_ANY_REFERENCE = re.compile(r"\$\{[^}]*\}?")  # what is left after the valid ones: a broken reference
# Environment values this long are replaced by their ${NAME} in any diagnostic; shorter
# ones ("en", "ash") are settings, not secrets, and replacing them would garble messages.
# So are the API's own words (a value found in the schema, such as "shimmer" or
# "transcribe"): replacing them would also garble the known names a hint lists.
REDACT_FROM = 6


class Interpolator:
    """Expands references with one environment, counting what it adds across a whole build."""

    def __init__(self, env: Mapping[str, str], max_added: int) -> None:
        self.env = env
        self.max_added = max_added
        self.expanded = 0  # characters ${VAR} added
        self.redactions: dict[str, str] = {}  # value -> "${VAR}"

    def __call__(self, node: Node, file: str, errors: list[Diagnostic]) -> None:
        """Expand every ${VAR} in the string values under `node`, in place; problems go to `errors`
        (B004, B005), or raise (B006: more than `max_added` characters added)."""
        if isinstance(node.value, dict):
            for child in node.value.values():
                self(child, file, errors)
        elif isinstance(node.value, list):
            for child in node.value:
                self(child, file, errors)
        elif isinstance(node.value, str) and "$" in node.value:
            names: list[str] = []

            def substitute(match: re.Match) -> str:
                if match.group() == "$$":
                    return "$"
                name, default = match.group(1), match.group(2)
                value = self.env.get(name)
                if value is None or (value == "" and default is not None):
                    if default is None:
                        errors.append(at_site(UNDEFINED_VARIABLE, f"environment variable {name} is not set",
                                                       (file, node.position),
                                                       f"set {name}, or give a default: ${{{name}:-...}}"))
                        return match.group()
                    return default
                names.append(name)
                self.expanded += len(value)
                if self.expanded > self.max_added:
                    raise error_at(BUILD_TOO_LARGE, f"${{VAR}} references add more than "
                                      f"{self.max_added:,} characters to the config",
                                      (file, node.position), "refer to a long value once")
                if len(value) >= REDACT_FROM and value not in schema_text():
                    self.redactions[value] = f"${{{name}}}"
                return value

            written = node.value
            broken = [m.group() for m in _ANY_REFERENCE.finditer(_REFERENCE.sub("", written))]
            broken += [m.group() for m in _REFERENCE.finditer(written) if m.group(2) and "${" in m.group(2)]
            if broken:
                errors.append(at_site(BAD_REFERENCE, f"{broken[0]!r} is not a valid ${{VAR}} reference",
                                               (file, node.position),
                                               "write ${NAME} or ${NAME:-default}; $$ for a literal $"))
                return
            node.value = _REFERENCE.sub(substitute, written)
            if node.value != written:  # kept as written: shown wherever an expanded value could leak
                node.template = written
            if names:
                node.position = replace(node.position, origin=", ".join(f"${{{n}}}" for n in names))
            else:
                unset = [f"${{{m.group(1)}}}" for m in _REFERENCE.finditer(written) if m.group(1)]
                if unset:
                    node.position = replace(node.position, origin=f"{', '.join(unset)} not set: the default")


def normalized_forms(data: Any, templates: dict[tuple, str], redactions: dict[str, str]) -> dict[str, str]:
    """The spellings normalization gives values from the environment (a token limit of
    "+0009876543210" is shown as 9876543210), each to be hidden like the value itself."""
    from ..targets import shape_of
    from ..targets.canonical import coerce
    from ..schema.views import SHAPE_SCHEMAS

    if not isinstance(data, dict) or not any(len(path) == 1 for path in templates):
        return {}
    coerced = coerce(data, SHAPE_SCHEMAS[shape_of(data)])  # top-level fields are the ones it respells
    forms = {}
    for path, template in templates.items():
        written, value = data.get(path[0]), coerced.get(path[0])
        if len(path) == 1 and value != written and any(secret in str(written) for secret in redactions):
            for form in (str(value), json.dumps(value)):
                if len(form) >= REDACT_FROM:
                    forms[form] = template
    return forms
