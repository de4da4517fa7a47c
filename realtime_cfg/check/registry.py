"""Every rule code, from the modules that find them (`rtcfg rules`, `rtcfg explain CODE`).

Each family module declares its rules (Rule: code, name, severity, summary, why, a bad and
a good example) beside the code that finds them; this module only lists the families. Codes
never change meaning once released: suppressions and CI reports refer to them.

F = the file could not be read (exit code 2), L = loading the file, B = building a config
from its parts (extends, $file, ${VAR}), S = the schema, R = rules the schema cannot
express, T = what the chosen target (beta or GA) can carry, X = a limit of rtcfg's own, A = the
answer of a real server (`rtcfg check --live`; F005 and F006 when it could not be asked).
The examples are tested: each bad one is reported with its code, each good one is clean.

Adding a rule: see docs/architecture.md. A new family is a module in check/rules/ with
RULES (and a `check(subject)` if it looks at the session), listed below.
"""

from __future__ import annotations

from ..building import problems as building_problems
from ..fixing import applying as fixing
from ..live import problems as live_problems
from ..diagnostics import Diagnostic, Rule
from ..source import problems as source_problems
from .rules import limits, open_sets, schema, speech, spelling, tools, transcription, values
from .rules import targets as target_rules

# realtime_cfg.Diagnostic is taken from here, so every rule is declared before one is made by hand
__all__ = ["RULES", "SESSION_FAMILIES", "Diagnostic"]

# Families that look at a loaded session, in the order they run (check/validation.py runs
# the schema, spelling and the target's checks itself: they depend on what these found).
SESSION_FAMILIES = (values, tools, speech, open_sets, transcription)
_ALL = (source_problems, fixing, live_problems, building_problems, schema, *SESSION_FAMILIES, spelling, target_rules,
        limits)
_ORDER = "FLBSRTXA"

RULES: dict[str, Rule] = {rule.code: rule for rule in sorted(
    (rule for family in _ALL for rule in family.RULES), key=lambda rule: (_ORDER.index(rule.code[0]), rule.code))}
