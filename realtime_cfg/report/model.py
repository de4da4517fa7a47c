"""The result of a run over many files: what each file's check found and what was
suppressed, and what that means for the exit code. Reporters (text.py, machine.py) only
format it."""

from __future__ import annotations

from ..check.suppression import Suppressed
from ..diagnostics import Diagnostic
from ..records import Record

SEVERITIES = ("error", "warning", "info")


class FileResult(Record):
    """What checking one file (or one folder that held no configs) found; `live`: what the
    server answered to `check --live` (report/live.py), masked and ready to print."""

    _fields = ("name", "diagnostics", "suppressed", "real_path", "live")
    __slots__ = _fields

    def __init__(self, name: str, diagnostics: list[Diagnostic] | None = None,
                 suppressed: list[Suppressed] | None = None, real_path: str | None = None,
                 live: dict | None = None) -> None:
        self.name, self.real_path, self.live = name, real_path, live
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.suppressed = [] if suppressed is None else suppressed


class Report(Record):
    """A run: its files' results, and how they are judged. `fail_on`: the lowest severity
    that fails the run; `unsafe_fixes`: an unsafe fix counts as applicable; `fixing`: "fix"
    (--fix) or "diff" (--diff), None when only checked; `fixed`: findings fixed (or, with
    --diff, that would be); `endpoint`: the server `check --live` asked, as shown."""

    _fields = ("results", "fail_on", "unsafe_fixes", "fixing", "fixed", "endpoint")

    def __init__(self, results: list[FileResult] | None = None, fail_on: str = "error",
                 unsafe_fixes: bool = False, fixing: str | None = None, fixed: int = 0,
                 endpoint: str | None = None) -> None:
        self.results = [] if results is None else results
        self.fail_on, self.unsafe_fixes, self.fixing, self.fixed, self.endpoint = (
            fail_on, unsafe_fixes, fixing, fixed, endpoint)

    def fixable(self) -> tuple[int, int]:
        """(findings --fix would fix, those that need --unsafe-fixes as well) among those listed."""
        safe = unsafe = 0
        for diagnostic in self.diagnostics:
            fix = diagnostic.fix
            if fix is not None and fix.available:
                if fix.applies(self.unsafe_fixes):
                    safe += 1
                else:
                    unsafe += 1
        return safe, unsafe

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for result in self.results for d in result.diagnostics]

    def settle(self, parts: set[str]) -> None:
        """After a run over many files: drop the files that others take in with $file (they
        were checked as part of those, and are no configs of their own: a list of tools),
        and report a finding in a shared file (a base two overlays extend) once."""
        self.results = [r for r in self.results if r.real_path is None or r.real_path not in parts]
        seen: set[tuple] = set()
        for result in self.results:
            fresh = []
            for diagnostic in result.diagnostics:
                key = (diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.code, diagnostic.message)
                if key not in seen:
                    seen.add(key)
                    fresh.append(diagnostic)
            result.diagnostics = fresh

    @property
    def suppressed(self) -> list[Suppressed]:
        return [s for result in self.results for s in result.suppressed]

    def count(self, severity: str) -> int:
        return sum(1 for d in self.diagnostics if d.severity == severity)

    def failing(self, diagnostic: Diagnostic) -> bool:
        return SEVERITIES.index(diagnostic.severity or "error") <= SEVERITIES.index(self.fail_on)

    @property
    def io_error(self) -> bool:
        return any(d.is_io_error for d in self.diagnostics)

    @property
    def exit_code(self) -> int:
        """2 if a file could not be read (or its fixes written), 1 if a finding is at or above
        fail_on (or, with --diff, there is something to fix), else 0."""
        if self.io_error:
            return 2
        if self.fixing == "diff" and self.fixed:  # --diff: something to fix fails the run
            return 1
        return 1 if any(self.failing(d) for d in self.diagnostics) else 0

    @property
    def files_with_findings(self) -> int:
        return sum(1 for result in self.results if result.diagnostics)
