"""Applying fixes to a config, pass by pass, never making it worse.

A pass takes the findings whose fix applies (safe ones; unsafe ones too when asked), keeps
those whose edits overlap none taken before them (the first wins; the rest wait for the next
pass, made from the edited text), applies them in memory and checks the config again. The
pass is kept only if every fix removed its finding and no finding appeared that was not there
before; otherwise the culprits are found by halving the group, and each is rolled back and
reported. At most MAX_PASSES passes and MAX_CHECKS checks of the config. Nothing is written here: `write` puts the result on disk, each file
atomically, and not where the file changed on disk since it was read.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from typing import TYPE_CHECKING, Callable

from ..diagnostics import Diagnostic, Fix

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Checked

MAX_PASSES = 5
# Checks of the config one fix run may make (each is a full check): rolling back bad fixes among
# many halves the group, a few checks each; this keeps a file with thousands of findings linear
MAX_CHECKS = 32


class FixResult:
    """What fixing one config did. `texts` holds every file the config was built from after the
    fixes (`original`: as read); `applied` the findings fixed; `skipped` (finding, why) for each
    fix that was not applied; `checked` the config as it is after the fixes (its findings are
    what is left)."""

    __slots__ = ("name", "original", "texts", "applied", "skipped", "checked")

    def __init__(self, name: str, original: dict[str, str], texts: dict[str, str], applied: list[Diagnostic],
                 skipped: list[tuple[Diagnostic, str]], checked: Checked) -> None:
        self.name, self.original, self.texts = name, original, texts
        self.applied, self.skipped, self.checked = applied, skipped, checked

    @property
    def text(self) -> str | None:
        """The config's own file after fixing (None: it could not be read)."""
        return self.texts.get(self.name)

    @property
    def changed(self) -> dict[str, str]:
        """The files the fixes changed, with their new text."""
        return {name: text for name, text in self.texts.items() if text != self.original.get(name)}

    @property
    def remaining(self) -> list[Diagnostic]:
        return self.checked.findings

    def __repr__(self) -> str:
        return (f"FixResult({self.name!r}, {len(self.applied)} applied, {len(self.skipped)} skipped, "
                f"{len(self.remaining)} remaining)")


def _identity(diagnostic: Diagnostic) -> tuple:
    """What a finding is, whatever line it moved to: its code, file and field."""
    return diagnostic.code, diagnostic.file, diagnostic.path


def _overlaps(edits: list, taken: dict[str, list[tuple[int, int]]]) -> bool:
    for edit in edits:
        for start, end in taken.get(edit.file, ()):
            if edit.start < end and start < edit.end or (edit.start == start and (edit.start == edit.end
                                                                                   or start == end)):
                return True
    return False


def _without_overlaps(findings: list[Diagnostic]) -> list[Diagnostic]:
    chosen, taken = [], {}
    for finding in findings:
        edits = list(finding.fix.edits)
        if _overlaps(edits, taken):
            continue
        chosen.append(finding)
        for edit in edits:
            taken.setdefault(edit.file, []).append((edit.start, edit.end))
    return chosen


def _edited(texts: dict[str, str], findings: list[Diagnostic]) -> dict[str, str]:
    """The texts with the (non-overlapping) edits of the findings' fixes applied."""
    by_file: dict[str, list] = {}
    for finding in findings:
        for edit in finding.fix.edits:
            by_file.setdefault(edit.file, []).append(edit)
    result = dict(texts)
    for file, edits in by_file.items():
        text = result[file]
        for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
            text = text[:edit.start] + edit.text + text[edit.end:]
        result[file] = text
    return result


def _verdict(before: Checked, after: Checked, fixed: list[Diagnostic]) -> tuple[str | None, set[tuple], set[tuple]]:
    """(why `after` is worse than `before` with `fixed` applied, or None; the findings it added;
    the fixed findings still there). Worse: a fixed finding is still there, one appeared that was
    not, or the file does not load."""
    if after.document is None:
        first = after.findings[0] if after.findings else None
        return (f"the file would not load ({first.code} {first.message})" if first
                else "the file would not load"), set(), set()
    had, has = Counter(map(_identity, before.findings)), Counter(map(_identity, after.findings))
    expected = had.copy()
    expected.subtract(_identity(f) for f in fixed)
    added = {key for key in has if has[key] > had[key]}
    kept = {_identity(f) for f in fixed if has[_identity(f)] > expected[_identity(f)]}
    if kept:
        return "it does not remove the finding", added, kept
    if added:
        code, file, path = sorted(added)[0]
        where = f"{code} at {path or 'the session'}" + (f" in {file}" if file != before.name else "")
        return f"it would add {where}", added, kept
    return None, added, kept


class _Worse:
    """A failed attempt: why, and the fixes most likely to blame (those whose finding stayed,
    and for each finding that appeared, the fixes nearest to it in the config's tree)."""

    __slots__ = ("why", "suspects")

    def __init__(self, why: str, suspects: list[Diagnostic]) -> None:
        self.why, self.suspects = why, suspects


_SEGMENT = re.compile(r"\[\d+\]|[^.\[]+")


def _suspects(fixes: list[Diagnostic], added: set[tuple], kept: set[tuple]) -> list[Diagnostic]:
    blamed = {id(f) for f in fixes if _identity(f) in kept}
    for _, file, path in added:
        parts = _SEGMENT.findall(path)

        def shared(fix: Diagnostic) -> int:
            theirs = _SEGMENT.findall(fix.path)
            common = 0
            while common < min(len(parts), len(theirs)) and parts[common] == theirs[common]:
                common += 1
            return common if fix.file == file else -1

        nearest = max(map(shared, fixes), default=-1)
        blamed.update(id(f) for f in fixes if shared(f) == nearest)
    return [f for f in fixes if id(f) in blamed]


def _attempt(checked_with: Callable[[dict[str, str] | None], Checked], current: Checked, texts: dict[str, str],
             fixes: list[Diagnostic], unsafe: bool) -> tuple[dict[str, str], Checked, list[Diagnostic]] | _Worse:
    """Apply `fixes` and check again: (texts, checked, the findings fixed), or why that is worse.
    A fix that brings to light findings the old value hid (`type: Server_VAD` hides the errors
    of the server_vad settings beside it) is kept if each of those has a fix of its own that
    applies and removes it: they are applied in the same step."""
    edited = _edited(texts, fixes)
    trial = checked_with(edited)
    why, added, kept = _verdict(current, trial, fixes)
    if why is None:
        return edited, trial, list(fixes)
    worse = _Worse(why, _suspects(fixes, added, kept))
    revealed = [d for d in trial.findings if _identity(d) in added and d.fix is not None and d.fix.applies(unsafe)]
    if kept or not revealed or {_identity(d) for d in revealed} != added:
        return worse
    followers = _without_overlaps(revealed)
    edited = _edited(edited, followers)
    trial = checked_with(edited)
    if _verdict(current, trial, fixes)[0] is not None:
        return worse
    return edited, trial, [*fixes, *followers]


def fix(checked_with: Callable[[dict[str, str] | None], Checked], unsafe: bool = False,
        texts: dict[str, str] | None = None) -> FixResult:
    """Fix one config (see the module docstring). `checked_with(texts)` checks it with the given
    files' text (file name -> text) in place of what is on disk; `texts` is where to start from
    (text that was never on disk, or edits not yet written)."""
    checks = 0

    def counted(edited: dict[str, str] | None) -> Checked:
        nonlocal checks
        checks += 1
        return checked_with(edited)

    current = counted(texts)
    if current.document is None:
        return FixResult(current.name, {}, {}, [], [], current)
    original = current.document.texts()
    text_now = dict(original)
    applied: list[Diagnostic] = []
    skipped: dict[tuple, tuple[Diagnostic, str]] = {}

    def without_culprits(group: list[Diagnostic], why: str) -> list[Diagnostic]:
        """The fixes of `group` (worse together, for `why`) that are no worse without the others,
        found by halving: a few bad fixes among many cost a few checks each, not one check per
        fix. Once MAX_CHECKS are spent, the untried ones are left for another run."""
        if len(group) == 1:
            skipped[_identity(group[0])] = (group[0], f"rolled back: {why}")
            return []
        good: list[Diagnostic] = []
        middle = len(group) // 2
        for half in (group[:middle], group[middle:]):
            if checks >= MAX_CHECKS:
                break
            step = _attempt(counted, current, text_now, half, unsafe)
            good += half if not isinstance(step, _Worse) else without_culprits(half, step.why)
        return good

    for _ in range(MAX_PASSES):
        wanted = [d for d in current.findings if d.fix is not None and d.fix.applies(unsafe)
                  and _identity(d) not in skipped]
        if not wanted or checks >= MAX_CHECKS:
            break
        chosen = _without_overlaps(wanted)
        step = _attempt(counted, current, text_now, chosen, unsafe)
        if isinstance(step, _Worse):
            # first without the likely culprits (they are tried again in the next pass), then,
            # if that is worse too, by halving
            rest = [f for f in chosen if f not in step.suspects]
            retry = _attempt(counted, current, text_now, rest, unsafe) if rest and step.suspects else None
            if retry is not None and not isinstance(retry, _Worse):
                step = retry
            else:
                good = without_culprits(chosen, step.why)
                if not good:
                    continue
                step = _attempt(counted, current, text_now, good, unsafe)
                if isinstance(step, _Worse):  # good alone, not together: the first goes alone
                    step = _attempt(counted, current, text_now, good[:1], unsafe)
                    if isinstance(step, _Worse):
                        continue
        text_now, current, fixed = step
        applied.extend(fixed)
    not_applied = []
    for finding in current.findings:  # what is left, with why its fix (if it has one) was not applied
        if finding.fix is None:
            continue
        if _identity(finding) in skipped:
            why = skipped[_identity(finding)][1]
            finding.fix = Fix(finding.fix.applicability, finding.fix.title, unavailable=why)
        elif not finding.fix.available:
            why = f"not available: {finding.fix.unavailable}"
        elif not finding.fix.applies(unsafe):
            why = "unsafe: --unsafe-fixes applies it"
        else:  # still applicable after MAX_PASSES passes or MAX_CHECKS checks
            why = "not applied in this run (its passes or checks ran out); run --fix again"
        not_applied.append((finding, why))
    return FixResult(current.name, original, text_now, applied, not_applied, current)


def write(result: FixResult) -> list[tuple[str, str]]:
    """Write each changed file atomically, in the encoding it was read in (its byte order mark
    kept). A file whose text on disk is no longer what was read is left alone. Returns (file,
    why) for each file not written."""
    from ..output.files import write_atomic
    from ..source import loader
    from ..source.document import Limits, LoadError

    failed = []
    for file, text in result.changed.items():  # named as the build opened it, from the working folder
        if file.startswith("<"):
            failed.append((file, "standard input cannot be written; use --diff"))
            continue
        original = result.original[file]
        try:  # at most 4 bytes a character (UTF-32), and its mark: more means it changed
            _, raw = loader.read_bytes(file, Limits(max_bytes=4 * len(original) + 4))
            now = loader.decode(raw, file)
        except LoadError:
            now = None
        if now is None or now.removeprefix("\ufeff") != original.removeprefix("\ufeff"):
            failed.append((file, "it changed on disk since it was read; not written"))
            continue
        if not os.stat(file).st_mode & 0o222:  # a rename would replace it: say no, as an editor would
            failed.append((file, "it is read-only; not written"))
            continue
        encoding, mark = loader.encoding_of(raw)
        try:
            write_atomic(file, mark + text, encoding=encoding)
        except OSError as exc:
            failed.append((file, exc.strerror or str(exc)))
    return failed


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(file: str, before: str, after: str) -> str:
    """A unified diff of one file (`a/file`, `b/file`), as `git apply` and `patch -p1` read it;
    line breaks as written (a CRLF file's diff has CRLF lines). What would act on a terminal,
    and anything that looks like a key, is shown replaced, as in every report."""
    import difflib

    from ..report.masking import mask_secrets, printable

    if not file.startswith("<"):  # a/<path from here>: patch and git apply refuse `a//abs` and `..`
        relative = os.path.relpath(file)
        file = relative if not relative.startswith("..") else file.lstrip("/")
    lines = []
    for line in difflib.unified_diff(_LINE.findall(before), _LINE.findall(after), f"a/{file}", f"b/{file}"):
        body = line.rstrip("\r\n")
        ending = line[len(body):]
        lines.append(printable(mask_secrets(body)) + (ending or "\n\\ No newline at end of file\n"))
    return "".join(lines)
