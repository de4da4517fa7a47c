"""B: a config that could not be built from its parts (extends, $file, ${VAR}).

Declared here, raised by building/ with the message of the case at the place that named
the part. None can be suppressed: a config that was not built was not checked.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, Rule
from ..source.document import LoadError, Position

EXTENDS_CYCLE = Rule(
    "B001", "extends-cycle", "error", "Files that extend or include each other in a circle.",
    "The config could never be built: each file waits for the other.",
    "# base.yaml\nextends: prod.yaml\n# prod.yaml\nextends: base.yaml\n",
    "# base.yaml\nmodel: gpt-realtime-2\n# prod.yaml\nextends: base.yaml\n")
MISSING_FILE = Rule(
    "B002", "missing-file", "error", "A file named by extends or $file does not exist or cannot be read.",
    "The config would be built without the part it names.",
    "instructions: {$file: prompts/suport.md}\n", "instructions: {$file: prompts/support.md}\n")
OUTSIDE_ROOT = Rule(
    "B003", "outside-root", "error",
    "A path in extends or $file, or a config found in a folder, leaves the project root (absolute, `..`, "
    "or a symlink out).",
    "A config that reads files from anywhere builds differently on each machine, and can be made to "
    "read files it should not. Allow it explicitly with --allow-outside-root.",
    "extends: /etc/shared/base.yaml\n", "extends: ../shared/base.yaml   # inside the project\n")
UNDEFINED_VARIABLE = Rule(
    "B004", "undefined-variable", "error", "A ${VAR} whose environment variable is not set and has no default.",
    "The value would silently be empty, or the literal text ${VAR} would reach the server.",
    "voice: ${AGENT_VOICE}\n", "voice: ${AGENT_VOICE:-ash}\n")
BAD_REFERENCE = Rule(
    "B005", "bad-reference", "error",
    "An extends, $file or ${...} that is not written the way rtcfg reads it.",
    "rtcfg could not tell which file or variable is meant.",
    "instructions: {$file: prompt.md, note: draft}\n", "instructions: {$file: prompt.md}\n")
BUILD_TOO_LARGE = Rule(
    "B006", "build-too-large", "error",
    "Extends and includes nest more than 32 files deep, an extends list names more than 32 files, or the "
    "parts (or what ${VAR} adds) come to more than 10 times the size limit or 100,000 values.",
    "A few files including each other many times can expand like a 'billion laughs' bomb; a real "
    "session is a few kilobytes.",
    "# a.yaml includes b.yaml 10 times, b.yaml includes c.yaml 10 times, ...",
    "each part included once")

RULES = (EXTENDS_CYCLE, MISSING_FILE, OUTSIDE_ROOT, UNDEFINED_VARIABLE, BAD_REFERENCE, BUILD_TOO_LARGE)


def at_site(rule: Rule, message: str, site: tuple[str, Position], hint: str | None = None) -> Diagnostic:
    """A finding at the place that named the part (site: the file it is written in, and where)."""
    file, position = site
    return rule.diagnostic(message, position.file or file, position.line, position.column, hint=hint)


def error_at(rule: Rule, message: str, site: tuple[str, Position], hint: str | None = None) -> LoadError:
    return LoadError([at_site(rule, message, site, hint)])
