"""Applying fixes to a config, pass by pass, never making it worse.

A pass takes the findings whose fix applies (safe ones; unsafe ones too when asked), keeps
those whose edits overlap none taken before them (the first wins; the rest wait for the next
pass, made from the edited text), applies them in memory and checks the config again. The
pass is kept only if every fix removed its finding and no finding appeared that was not there
before. Otherwise the fixes to blame wait for the next pass: one whose finding stayed, and
for each finding that appeared, the one fix nearest to it in the config's tree; where that
cannot be told, the group is halved until it can. A fix blamed twice is tried alone; one that
fails alone is rolled back and reported as such (blamed, and not tried alone because the checks
ran out, it is rolled back with that said); what is applied has always been checked. At most MAX_PASSES passes and MAX_CHECKS checks.

Nothing is written here but by `write`: every file of the config is first checked to be
unchanged on disk since it was read, writable and inside the project, then each is written
atomically, in the encoding it was read in (F004 for a config that could not be written).
"""

from __future__ import annotations

import bisect
import os
import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..diagnostics import Diagnostic, Fix, Rule
from ..source.loader import on_disk

if TYPE_CHECKING:  # pragma: no cover
    from ..pipeline import Checked

FIX_NOT_WRITTEN = Rule(
    "F004", "fix-not-written", "error",
    "validate --fix could not write a config's fixes (a file read-only, changed on disk since it was read, or "
    "outside the project); none of its files was written.",
    "The report shows the config as it is on disk, and the run fails, so that a fix that did not land is not "
    "taken for one that did.",
    "a read-only agent.yaml with `input_audio_format: g711-ulaw`, run with --fix",
    "the same file, writable")
RULES = (FIX_NOT_WRITTEN,)

MAX_PASSES = 5
# Checks of the config one fix run may make (each is a full check): finding the fixes to blame
# among many costs a few checks, not one a fix, and this bound keeps a huge file linear
MAX_CHECKS = 32


class FixResult:
    """What fixing one config did. `texts` holds every file the config was built from after the
    fixes (`original`: as read); `applied` the findings fixed; `skipped` (finding, why) for each
    finding left with a fix that was not applied; `checked` the config as it is after the fixes
    (its findings are what is left), `first` as it was before."""

    __slots__ = ("name", "original", "texts", "applied", "skipped", "checked", "first")

    def __init__(self, name: str, original: dict[str, str], texts: dict[str, str], applied: list[Diagnostic],
                 skipped: list[tuple[Diagnostic, str]], checked: Checked, first: Checked | None = None) -> None:
        self.name, self.original, self.texts = name, original, texts
        self.applied, self.skipped, self.checked = applied, skipped, checked
        self.first = first or checked

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


def _without_overlaps(findings: list[Diagnostic]) -> list[Diagnostic]:
    """The findings whose edits overlap none of an earlier one's (a sorted list of taken
    ranges per file: each test is a binary search)."""
    chosen = []
    taken: dict[str, list[tuple[int, int]]] = {}
    for finding in findings:
        edits = finding.fix.edits
        if any(_overlaps(taken.get(edit.file, []), edit.start, edit.end) for edit in edits):
            continue
        chosen.append(finding)
        for edit in edits:
            bisect.insort(taken.setdefault(edit.file, []), (edit.start, edit.end))
    return chosen


def _overlaps(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Whether [start, end) meets one of the sorted, disjoint `ranges` (an insertion, start ==
    end, meets a range that starts or ends there)."""
    index = bisect.bisect_left(ranges, (start, end))
    for other_start, other_end in ranges[max(0, index - 1):index + 1]:
        if start < other_end and other_start < end or start == other_start \
                or (start == end and other_start <= start <= other_end) \
                or (other_start == other_end and start <= other_start <= end):
            return True
    return False


def _edited(texts: dict[str, str], findings: list[Diagnostic]) -> dict[str, str]:
    """The texts with the (non-overlapping) edits of the findings' fixes applied, each file
    put together once from its pieces."""
    by_file: dict[str, list] = {}
    for finding in findings:
        for edit in finding.fix.edits:
            by_file.setdefault(edit.file, []).append(edit)
    result = dict(texts)
    for file, edits in by_file.items():
        text, pieces, at = result[file], [], 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            pieces += [text[at:edit.start], edit.text]
            at = edit.end
        pieces.append(text[at:])
        result[file] = "".join(pieces)
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
        return f"it would add {_where(sorted(added)[0], before.name)}", added, kept
    return None, added, kept


def _where(identity: tuple, config: str) -> str:
    code, file, path = identity
    return f"{code} at {path or 'the session'}" + (f" in {file}" if file != config else "")


class _Worse:
    """A failed attempt: why, and the fixes to blame where that can be told (fix -> why): one
    whose finding stayed, and the one fix nearest in the tree to each finding that appeared."""

    __slots__ = ("why", "blamed")

    def __init__(self, why: str, blamed: dict[int, str]) -> None:
        self.why, self.blamed = why, blamed


_SEGMENT = re.compile(r"\[\d+\]|[^.\[]+")


def _blame(fixes: list[Diagnostic], added: set[tuple], kept: set[tuple], config: str,
           fixable: set[tuple]) -> dict[int, str]:
    """{id of a fix: why} for the fixes a failed attempt can be pinned on. A finding that appeared
    is pinned on a fix only if exactly one fix shares the longest part of its path (a renamed
    tool key that brings a wrong value to light: the tool's own fix), and only if it has no fix
    of its own (one that has may be fixed in the same step); else the group is halved."""
    blamed = {id(f): "it does not remove the finding" for f in fixes if _identity(f) in kept}
    by_prefix: dict[tuple, list[Diagnostic]] = {}
    for fix in fixes:  # every prefix of each fix's path: finding the nearest costs one lookup a level
        parts = (fix.file, *_SEGMENT.findall(fix.path))
        for depth in range(1, len(parts) + 1):
            by_prefix.setdefault(parts[:depth], []).append(fix)
    for identity in sorted(added - fixable):
        code, file, path = identity
        parts = (file, *_SEGMENT.findall(path))
        for depth in range(len(parts), 1, -1):  # the file alone says nothing
            nearest = by_prefix.get(parts[:depth])
            if nearest:
                if len(nearest) == 1:
                    blamed.setdefault(id(nearest[0]), f"it would add {_where(identity, config)}")
                break
    return blamed


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
    revealed = [d for d in trial.findings if _identity(d) in added and d.fix is not None and d.fix.applies(unsafe)]
    worse = _Worse(why, _blame(fixes, added, kept, current.name, {_identity(d) for d in revealed}))
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

    first = current = counted(texts)
    if current.document is None:
        return FixResult(current.name, {}, {}, [], [], current)
    original = current.document.texts()
    text_now = dict(original)
    applied: list[Diagnostic] = []
    skipped: dict[tuple, tuple[Diagnostic, str]] = {}
    suspected: set[tuple] = set()  # blamed once: tried again in the next pass, set aside if blamed again

    def set_aside(finding: Diagnostic, why: str) -> None:
        skipped[_identity(finding)] = (finding, f"rolled back: {why}")

    def without_culprits(group: list[Diagnostic], worse: _Worse) -> list[Diagnostic]:
        """The fixes of `group` (worse together) that are no worse without the others: those
        to blame set aside, then, if blame cannot be told, found by halving. Once MAX_CHECKS are
        spent, the untried ones are left for another run."""
        if len(group) == 1:
            set_aside(group[0], worse.why)
            return []
        if worse.blamed:
            rest = [f for f in group if id(f) not in worse.blamed]
            innocent = []
            for finding in group:
                if id(finding) not in worse.blamed:
                    continue
                if _identity(finding) in suspected:  # blamed twice: tried alone, as far as checks last
                    if checks >= MAX_CHECKS:
                        set_aside(finding, worse.blamed[id(finding)] + f" (not tried alone: this run's "
                                                                       f"{MAX_CHECKS} checks were spent)")
                    elif isinstance(_attempt(counted, current, text_now, [finding], unsafe), _Worse):
                        set_aside(finding, worse.blamed[id(finding)])
                    else:
                        innocent.append(finding)
                suspected.add(_identity(finding))
            if not rest or checks >= MAX_CHECKS:
                return innocent
            step = _attempt(counted, current, text_now, rest, unsafe)
            return innocent + (rest if not isinstance(step, _Worse) else without_culprits(rest, step))
        good: list[Diagnostic] = []
        middle = len(group) // 2
        for half in (group[:middle], group[middle:]):
            if checks >= MAX_CHECKS:
                break
            step = _attempt(counted, current, text_now, half, unsafe)
            good += half if not isinstance(step, _Worse) else without_culprits(half, step)
        return good

    for _ in range(MAX_PASSES):
        wanted = [d for d in current.findings if d.fix is not None and d.fix.applies(unsafe)
                  and _identity(d) not in skipped]
        if not wanted or checks >= MAX_CHECKS:
            break
        chosen = _without_overlaps(wanted)
        step = _attempt(counted, current, text_now, chosen, unsafe)
        if isinstance(step, _Worse):
            good = without_culprits(chosen, step)
            if not good or checks >= MAX_CHECKS:
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
        fix_ = finding.fix
        if fix_ is None:
            continue
        if _identity(finding) in skipped:
            why = skipped[_identity(finding)][1]
        elif not fix_.available:
            why = f"not available: {fix_.unavailable}"
        elif not fix_.applies(unsafe):
            why = "unsafe: --unsafe-fixes applies it"
        else:  # still applicable when the passes or checks ran out: not shown as on offer
            why = f"not tried: this run's {MAX_CHECKS} checks or {MAX_PASSES} passes were spent; run --fix again"
        if fix_.available and fix_.applies(unsafe):
            finding.fix = Fix(fix_.applicability, fix_.title, unavailable=why)
        not_applied.append((finding, why))
    return FixResult(current.name, original, text_now, applied, not_applied, current, first)


def write(result: FixResult, root: str | None = None) -> list[tuple[str, str]]:
    """Write the config's changed files, all or none: each must be unchanged on disk since it
    was read, writable, and (given a project `root`) inside it. Each is written atomically, in
    the encoding it was read in (its byte order mark kept). Returns (file, why) for what stopped
    it (then nothing was written), or for a file that failed while being written."""
    from ..building.paths import within
    from ..output.files import write_atomic
    from ..source import loader
    from ..source.document import Limits, LoadError

    ready, refused = [], []
    for file, text in result.changed.items():  # named as the build opened it, from the working folder
        if not on_disk(file):
            refused.append((file, "standard input cannot be written; use --diff"))
            continue
        original = result.original[file]
        try:  # at most 4 bytes a character (UTF-32), and its mark: more means it changed
            _, raw = loader.read_bytes(file, Limits(max_bytes=4 * len(original) + 4))
            now = loader.decode(raw, file)
        except LoadError:
            now = None
        if now is None or now.removeprefix("\ufeff") != original.removeprefix("\ufeff"):
            refused.append((file, "it changed on disk since it was read; not written"))
        elif not os.stat(file).st_mode & 0o222:  # a rename would replace it: say no, as an editor would
            refused.append((file, "it is read-only; not written"))
        elif root is not None and not within(Path(os.path.realpath(file)), root):
            refused.append((file, "it is outside the project root (read with --allow-outside-root); not written"))
        else:
            ready.append((file, text, loader.encoding_of(raw)))
    if refused:
        return refused
    failed = []
    for file, text, (encoding, mark) in ready:
        try:
            write_atomic(file, mark + text, encoding=encoding)
        except OSError as exc:
            failed.append((file, exc.strerror or str(exc)))
    return failed


def not_written(result: FixResult, why: list[tuple[str, str]]) -> list[Diagnostic]:
    """The findings to report for a config whose fixes were not written: as it is on disk, and
    an F004 for each file that stopped it."""
    found = [FIX_NOT_WRITTEN.diagnostic(f"{file} was not fixed: {reason}", file) for file, reason in why]
    return found + result.first.findings


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def unified_diff(file: str, before: str, after: str) -> str:
    """A unified diff of one file (`a/file`, `b/file`), as `git apply` and `patch -p1` read it;
    line breaks as written (a CRLF file's diff has CRLF lines). What would act on a terminal,
    and anything that looks like a key, is shown replaced, as in every report. The lines are
    matched in one walk (fixes change lines in place, or remove a few): difflib's matcher
    takes time squared on a long file of look-alike lines."""
    from ..report.masking import mask_secrets, printable

    if on_disk(file):  # a/<path from here>: patch and git apply refuse `a//abs` and `..`
        relative = os.path.relpath(file)
        file = relative if not relative.startswith("..") else file.lstrip("/")
    old, new = _LINE.findall(before), _LINE.findall(after)
    lines = []
    for group in _groups(_changes(old, new)):
        (first_old, _, first_new, _), (_, last_old, _, last_new) = group[0], group[-1]
        old_start, old_end = max(0, first_old - _CONTEXT), min(len(old), last_old + _CONTEXT)
        new_start, new_end = first_new - (first_old - old_start), last_new + (old_end - last_old)
        lines.append(f"@@ -{_range(old_start, old_end)} +{_range(new_start, new_end)} @@\n")
        body, at = [], old_start
        for old_from, old_to, new_from, new_to in group:  # lines between changes agree one to one
            body += [(" ", line) for line in old[at:old_from]]
            body += [("-", line) for line in old[old_from:old_to]] + [("+", line) for line in new[new_from:new_to]]
            at = old_to
        body += [(" ", line) for line in old[at:old_end]]
        for sign, line in body:
            text = line.rstrip("\r\n")
            ending = line[len(text):]
            lines.append(sign + printable(mask_secrets(text)) + (ending or "\n\\ No newline at end of file\n"))
    return f"--- a/{file}\n+++ b/{file}\n" + "".join(lines) if lines else ""


_CONTEXT = 3
_LOOK_AHEAD = 200  # lines a removal may take out at once and still be matched line by line


def _changes(old: list[str], new: list[str]) -> list[tuple[int, int, int, int]]:
    """(old start, old end, new start, new end) of each run of lines that differ, walking both
    once: where they differ, the nearest point where they agree again (an equal line, or the
    end), within _LOOK_AHEAD lines."""
    changes, i, j = [], 0, 0
    while i < len(old) or j < len(new):
        if i < len(old) and j < len(new) and old[i] == new[j]:
            i, j = i + 1, j + 1
            continue
        resync = None
        for distance in range(1, 2 * _LOOK_AHEAD + 1):
            for skip_old in range(max(0, distance - _LOOK_AHEAD), min(distance, _LOOK_AHEAD) + 1):
                a, b = i + skip_old, j + distance - skip_old
                if _agree(old, new, a, b):
                    resync = a, b
                    break
            if resync:
                break
        a, b = resync or (len(old), len(new))
        changes.append((i, a, j, b))
        i, j = a, b
    return changes


def _agree(old: list[str], new: list[str], a: int, b: int) -> bool:
    if a > len(old) or b > len(new):
        return False
    if a == len(old) or b == len(new):
        return a == len(old) and b == len(new)
    return old[a] == new[b]


def _groups(changes: list[tuple[int, int, int, int]]) -> list[list[tuple[int, int, int, int]]]:
    """Changes within 2 * _CONTEXT lines of each other share a hunk."""
    groups: list[list[tuple[int, int, int, int]]] = []
    for change in changes:
        if groups and change[0] - groups[-1][-1][1] <= 2 * _CONTEXT:
            groups[-1].append(change)
        else:
            groups.append([change])
    return groups


def _range(start: int, end: int) -> str:
    """A unified diff's `start,length` (1-based; an empty range names the line before it)."""
    length = end - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"
