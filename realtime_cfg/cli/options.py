"""The options of `rtcfg validate`, declared once and without the command-line library.

app.py turns each declaration into a typer parameter of the `validate` command (and of the
other commands that share one); fast.py reads `rtcfg validate FILES...`, the pre-commit
hook's command line, with the same declarations, so that the hook does not import typer
(nearly as much as a whole one-file run: docs/performance.md). The choices (enums) are here for the
same reason: both readers must produce the same values.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path

from ..targets import TARGETS


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"
    junit = "junit"


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class PayloadFormat(str, Enum):
    json = "json"
    yaml = "yaml"


class Auth(str, Enum):
    bearer = "bearer"
    api_key = "api-key"


# --target and --shape take the names of the targets (realtime_cfg/targets)
Target = Enum("Target", {name: name for name in TARGETS}, type=str)


# How an option reads the command line (each as click reads it):
ARGUMENTS = "arguments"  # the positional arguments, one or more
FLAG = "flag"  # --quiet: True when given
SWITCH = "switch"  # --strict/--no-strict: True, False, or None when neither is given
VALUE = "value"  # --format json, --format=json, -f json, -fjson: the last one given
VALUES = "values"  # --ignore A --ignore B: every one given, in order (repeatable)


class Option:
    """One parameter of a command: its Python name (the keyword the command function takes),
    its flags, how it reads the command line (`kind`), the type its text becomes (`value`:
    str, int, Path or one of the enums above), its default and its help."""

    __slots__ = ("name", "flags", "kind", "value", "default", "help", "metavar", "show_default")

    def __init__(self, name: str, *flags: str, kind: str = VALUE, value: type = str, default=None,
                 help: str = "", metavar: str | None = None, show_default: bool = True) -> None:
        self.name = name
        self.flags = flags
        self.kind = kind
        self.value = value
        self.default = default
        self.help = help
        self.metavar = metavar
        self.show_default = show_default

    @property
    def takes_value(self) -> bool:
        return self.kind in (VALUE, VALUES)


TARGET_HELP = ("Wire shape: beta (flat, OpenAI-Beta header; Azure's beta endpoint) or ga (OpenAI's endpoint). "
               "Default: [tool.rtcfg] target, else the file's own shape.")
STRICT_HELP = "Make a field the target would leave out (temperature for GA) an error. Default: [tool.rtcfg] strict."
MAX_BYTES_HELP = "Refuse files larger than this many bytes."
NO_ENV_HELP = "Leave ${VAR} as written instead of reading the environment."
OUTSIDE_HELP = ("Let extends and $file name files outside the project root (absolute paths, .. or symlinks "
                "out). Default: [tool.rtcfg] allow-outside-root.")
SET_HELP = "Override a field after building: path=value, the value read as YAML (repeatable)."
PATHS_HELP = "Config files or directories (searched for .yaml, .yml, .json); - for stdin."

PATHS = Option("paths", kind=ARGUMENTS, help=PATHS_HELP, show_default=False)
REPORT_FORMAT = Option("format", "--format", "-f", value=ReportFormat, default=ReportFormat.text, help="Report format.")
OUTPUT_FILE = Option("output_file", "--output-file", "-o", value=Path, show_default=False,
                     help="Write the --format report to this file (atomically); the text report still prints.")
TARGET = Option("target", "--target", "-t", value=Target, help=TARGET_HELP, show_default=False)
STRICT = Option("strict", "--strict/--no-strict", kind=SWITCH, help=STRICT_HELP, show_default=False)
FAIL_ON = Option("fail_on", "--fail-on", value=FailOn, default=FailOn.error,
                 help="Lowest severity that makes the exit code 1.")
IGNORE = Option("ignore", "--ignore", kind=VALUES, metavar="CODE", show_default=False,
                help="Do not report this code (repeatable); adds to [tool.rtcfg] ignore.")
QUIET = Option("quiet", "--quiet", "-q", kind=FLAG, default=False,
               help="Print only the findings' first lines: no source, hints or summary.")
STATISTICS = Option("show_statistics", "--statistics", kind=FLAG, default=False,
                    help="Print how many findings each code has.")
OVERRIDES = Option("overrides", "--set", kind=VALUES, metavar="PATH=VALUE", help=SET_HELP, show_default=False)
NO_ENV = Option("no_env", "--no-env", kind=FLAG, default=False, help=NO_ENV_HELP)
ALLOW_OUTSIDE_ROOT = Option("allow_outside_root", "--allow-outside-root", kind=FLAG, default=False,
                            help=OUTSIDE_HELP)
MAX_BYTES = Option("max_bytes", "--max-bytes", value=int, default=1024 * 1024, help=MAX_BYTES_HELP)
FIX = Option("fix", "--fix", kind=FLAG, default=False,
             help="Apply the safe fixes ([*]) in place, keeping comments, order and quoting; each file is "
                  "written atomically. The report shows what is left.")
UNSAFE_FIXES = Option("unsafe_fixes", "--unsafe-fixes", kind=FLAG, default=False,
                      help="Also apply the unsafe fixes (a guess to confirm: a key or value by its nearest known "
                           "name, a dropped field removed) with --fix or --diff; alone, mark them [*].")
VALIDATE_DIFF = Option("show_diff", "--diff", kind=FLAG, default=False,
                       help="Print a unified diff of what --fix would change, write nothing; exit 1 if there is "
                            "something to fix.")
# A second process pays for itself from about 40 files on the reference machine (20 on a
# busier run; benchmarks/bench.py, docs/performance.md), hence one per 40 files.
FILES_PER_WORKER = 40
MAX_JOBS = 64
JOBS = Option("jobs", "--jobs", "-j", value=int, metavar="N", show_default=False,
              help=f"Check the files in N processes (1-{MAX_JOBS}). Default: one for every {FILES_PER_WORKER} "
                   "files, up to the CPUs this process may use; 1 under pre-commit (which runs one rtcfg per CPU "
                   "itself). Always 1 with --fix or --diff and for standard input.")

# `rtcfg validate`, in the order of its help
VALIDATE = (PATHS, REPORT_FORMAT, OUTPUT_FILE, TARGET, STRICT, FAIL_ON, IGNORE, QUIET, STATISTICS, OVERRIDES,
            NO_ENV, ALLOW_OUTSIDE_ROOT, MAX_BYTES, JOBS, FIX, UNSAFE_FIXES, VALIDATE_DIFF)
