"""F and L: a file that could not be read (F, exit code 2) or loaded (L).

The rules are declared here; the readers and parsers of source/ (and building/, for a file
it takes in) raise them with the message of the case. None can be suppressed: nothing in
such a file was checked.
"""

from __future__ import annotations

from ..diagnostics import Diagnostic, Rule
from .document import LoadError

UNREADABLE_FILE = Rule(
    "F001", "unreadable-file", "error",
    "The file cannot be read (missing, a directory, a named pipe or device, no permission, closed stdin).",
    "Nothing was checked, so nothing can be promised about it; rtcfg exits with 2, not 1, so CI "
    "can tell a broken pipeline from a broken config.",
    "rtcfg validate sesion.yaml   # a path that does not exist", "rtcfg validate session.yaml")
BAD_PROJECT_SETTINGS = Rule(
    "F002", "bad-project-settings", "error",
    "The [tool.rtcfg] table of the pyproject.toml that applies to the file cannot be used (not TOML, "
    "not UTF-8, a setting of the wrong type, too large, or a symlink out of its folder).",
    "The project's settings (target, strict, ignore) decide what the file is checked for; checking it "
    "without them could pass a config the project means to fail. rtcfg exits with 2 and goes on with the "
    "other files.",
    "# pyproject.toml\n[tool.rtcfg]\ntarget = [\"ga\"]", "# pyproject.toml\n[tool.rtcfg]\ntarget = \"ga\"")
INTERNAL_ERROR = Rule(
    "F003", "internal-error", "error",
    "rtcfg itself failed on this file (a bug in rtcfg); the other files are still checked.",
    "Nothing in the file was checked, so nothing can be promised about it; exit code 2 says so. Please "
    "report it with the file that caused it.",
    "(no config should cause it)", "(no config should cause it)")
SYNTAX_ERROR = Rule(
    "L001", "syntax-error", "error", "The file is not well-formed YAML or JSON.",
    "The application would fail to parse it at start-up, or a half-read file would send the wrong session.",
    "model: [gpt-realtime-2\n", "model: gpt-realtime-2\n")
DUPLICATE_KEY = Rule(
    "L002", "duplicate-key", "error", "A mapping gives the same key twice; only one value could ever be used.",
    "YAML and JSON parsers silently keep one of the two (usually the last), so the other line is dead "
    "text that a reviewer still reads as live.",
    "voice: alloy\nvoice: ash\n", "voice: ash\n")
NOT_A_MAPPING = Rule(
    "L003", "not-a-mapping", "error", "The top level of a session config must be a mapping of session fields.",
    "A session is an object of named settings; a list or a bare string cannot be sent as one.",
    "- model: gpt-realtime-2\n", "model: gpt-realtime-2\n")
FORBIDDEN_TAG = Rule(
    "L004", "forbidden-tag", "error",
    "A YAML tag that would build a non-JSON value (Python objects, binary, sets) or is unknown.",
    "Python tags run code when loaded with an unsafe loader, and no tag's value can be sent as JSON.",
    "instructions: !!python/object/apply:os.system [ls]\n", "instructions: ls\n")
TOO_DEEP = Rule(
    "L005", "too-deep", "error", "Nesting deeper than the loader's limit.",
    "Thousands of levels of nesting exhaust parsers' stacks; no real session needs more than a few.",
    "tracing: {metadata: {a: {a: {a: ... 120 levels ... }}}}", "tracing: {metadata: {a: {a: 1}}}\n")
ALIAS_EXPANSION = Rule(
    "L006", "alias-expansion", "error",
    "YAML aliases expand to more values than the loader's limit (a 'billion laughs' bomb).",
    "A few lines of aliases can expand to billions of values and take any tool that reads the file down.",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, c in zip("abcdef", "bcdefg")),
    "tools: &t []\n")
MULTIPLE_DOCUMENTS = Rule(
    "L007", "multiple-documents", "error",
    "A YAML stream with more than one document; a session config is one document.",
    "Checking only the first document would hide whatever follows the `---`.",
    "voice: alloy\n---\nvoice: ash\n", "voice: ash\n")
BAD_ENCODING = Rule(
    "L008", "bad-encoding", "error",
    "The file is not UTF-8/UTF-16 text (binary data, invalid bytes or NUL characters).",
    "A binary or mis-encoded file is not a config; its text could not be sent as JSON.",
    "a file holding bytes such as 0xff 0x00", "the same settings saved as UTF-8 text")
FILE_TOO_LARGE = Rule(
    "L009", "file-too-large", "error", "The file is larger than the size limit (--max-bytes, 1 MiB by default).",
    "A session config is a few kilobytes; a huge file is a mistake or an attack and is refused unread.",
    "a 5 MiB file", "the session settings alone")

RULES = (UNREADABLE_FILE, BAD_PROJECT_SETTINGS, INTERNAL_ERROR, SYNTAX_ERROR, DUPLICATE_KEY, NOT_A_MAPPING, FORBIDDEN_TAG, TOO_DEEP, ALIAS_EXPANSION, MULTIPLE_DOCUMENTS, BAD_ENCODING, FILE_TOO_LARGE)


def unreadable(name: str, reason: str) -> LoadError:
    return LoadError([UNREADABLE_FILE.diagnostic(f"cannot read {name}: {reason}", name)])


def no_configs_in(folder: str) -> Diagnostic:
    return UNREADABLE_FILE.diagnostic(f"no .yaml, .yml or .json files under {folder}", folder)


def bad_settings(name: str, reason: str) -> Diagnostic:
    """F002 for a config whose [tool.rtcfg] cannot be used; the run goes on with the others."""
    return BAD_PROJECT_SETTINGS.diagnostic(reason, name)


def internal_error(name: str, exc: BaseException) -> Diagnostic:
    """F003 for one file: a bug in rtcfg must not cost the findings of every other file."""
    return INTERNAL_ERROR.diagnostic(f"rtcfg failed on this file ({type(exc).__name__}: {str(exc)[:200]}); this is "
                                     "a bug in rtcfg, please report it with the file", name)
