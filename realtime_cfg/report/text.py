"""The report of a validation run, and its text form for people.

A finding prints the way rustc and ruff print theirs: `path:line:col: CODE message`,
the source line with a caret under the offending key or value, a one-line hint; the
run ends with a summary ("3 errors, 1 warning in 2 of 14 files."). Lines fit 80
columns (a long source line is shown as a window around the column).

Colour: only when writing to a terminal, NO_COLOR is unset (https://no-color.org) and TERM is
not `dumb` or `unknown`; a caller can force it either way (`Printer(color=...)`). The styles
are ANSI SGR sequences of the 16 basic colours, which every terminal shows: bold 1, dim 2, red
31, green 32, yellow 33, cyan 36 ("bold red" is ESC[1;31m), each piece followed by a reset
ESC[0m, written here directly. They are the bytes rich wrote for the same markup in each of its
colour systems, without rich's cost (about 35 ms of start-up and 0.6 ms a finding); the text
is the plain report's, byte for byte (never wrapped, `:smile:` as written). Every text that
quotes a config went through masking.printable before it is styled, so a config cannot write
an escape sequence of its own: the styler writes the only ones.

What rich 15 did with the environment, and what is kept: TERM=dumb or unknown gave no colour
(kept). FORCE_COLOR never coloured a pipe, since rtcfg asked isatty before rich was involved
(kept: it is not read). rich's own TTY_COMPATIBLE=0, and its reading of an empty FORCE_COLOR as
"not a terminal", turned colour off on a terminal (not followed: neither is a standard).

Machine formats (json, github, sarif, junit) are in report/machine.py; the run's model in
report/model.py.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
import sys
import unicodedata
from collections import Counter
from typing import Iterable, TextIO

from ..check.registry import RULES
from ..diagnostics import Diagnostic
from .masking import printable
from .model import SEVERITIES, FileResult, Report

WIDTH = 80


def use_color(stream: TextIO) -> bool:
    """Whether to colour what goes to `stream` (see the module's docstring)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return False
    return _windows_console_takes_sgr(stream) if sys.platform == "win32" else True


def _windows_console_takes_sgr(stream: TextIO) -> bool:
    """A Windows console shows SGR sequences only with virtual-terminal processing on (Windows
    10 and later; rich switched it on through the same call): switch it on, or print no colour.
    (Not run in this project's CI, which is Linux: the calls are the documented
    GetConsoleMode/SetConsoleMode with ENABLE_VIRTUAL_TERMINAL_PROCESSING = 4.)"""
    try:
        import ctypes
        import msvcrt

        handle = msvcrt.get_osfhandle(stream.fileno())
        kernel32 = ctypes.windll.kernel32
        mode = ctypes.c_uint32()
        if not kernel32.GetConsoleMode(handle, ctypes.byref(mode)):
            return False  # not a console
        return bool(mode.value & 4 or kernel32.SetConsoleMode(handle, mode.value | 4))
    except (AttributeError, ImportError, OSError, ValueError):
        return False


# The SGR parameter of each word a style is made of, in the order they are written ("bold
# red" is ESC[1;31m, as rich wrote it).
_SGR = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
_RESET = "\x1b[0m"


@functools.lru_cache(maxsize=None)
def _sgr(style: str) -> str:
    """The escape sequence that starts `style` ("bold red")."""
    words = style.split()
    unknown = [word for word in words if word not in _SGR]
    if unknown:  # a mistake in rtcfg, not a style to print without
        raise ValueError(f"no SGR code for {', '.join(unknown)} (style {style!r})")
    return "\x1b[" + ";".join(code for word, code in _SGR.items() if word in words) + "m"


def styled(text: str, style: str | None) -> str:
    """`text` in `style`: each line wrapped in the style's sequence and a reset (an empty
    line, or no style: as it is). `text` must be printable (masking.printable)."""
    if not style or not text:
        return text
    start = _sgr(style)
    if "\n" not in text:
        return start + text + _RESET
    return "\n".join(start + line + _RESET if line else line for line in text.split("\n"))


# A line of markup (Printer.emit): `[style]text[/style]`, the whole line in one style. Only
# the ends of a line are read, so the text between needs no escaping.
_STYLED_LINE = re.compile(r"\[([a-z]+(?: [a-z]+)*)\](.*)\[/\1\]")


def render_markup(markup: str) -> str:
    """Each line of `markup` that is `[style]text[/style]` as that text styled; any other line
    as written."""
    lines = []
    for line in markup.split("\n"):
        match = _STYLED_LINE.fullmatch(line)
        if match and all(word in _SGR for word in match.group(1).split()):
            line = styled(match.group(2), match.group(1))
        lines.append(line)
    return "\n".join(lines)


class Printer:
    """Writes lines to a stream, styled (ANSI SGR sequences) when colour is on."""

    def __init__(self, stream: TextIO | None = None, color: bool | None = None):
        self.stream = stream or sys.stdout
        self.color = use_color(self.stream) if color is None else color

    def emit(self, plain: str, markup: str | None = None) -> None:
        """Write `plain`; when colour is on and `markup` is given, that instead: the same text
        with lines marked `[style]text[/style]` (output/diffing.py format_changes)."""
        if self.color and markup is not None:
            self.stream.write(render_markup(markup) + "\n")
        else:
            self.stream.write(plain + "\n")

    def line(self, text: str = "", style: str | None = None) -> None:
        self.stream.write((styled(text, style) if self.color else text) + "\n")


_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def text_line(diagnostic: Diagnostic, unsafe_fixes: bool = False) -> str:
    """`file:line:col: CODE message` (severity shown when it is not an error; `[*]` when --fix,
    with unsafe_fixes --fix --unsafe-fixes, would fix it, as ruff marks it)."""
    where = diagnostic.file
    if diagnostic.line is not None:
        where += f":{diagnostic.line}:{diagnostic.column}"
    marker = "[*] " if diagnostic.fix is not None and diagnostic.fix.applies(unsafe_fixes) else ""
    severity = "" if diagnostic.severity == "error" else f"[{diagnostic.severity}] "
    return printable(f"{where}: {diagnostic.code} {marker}{severity}{diagnostic.message}")


def fix_note(diagnostic: Diagnostic) -> str | None:
    """`fix (--fix): write "g711_ulaw"`: which flags apply the finding's fix and what it does,
    or why it cannot be applied where the value is written."""
    fix = diagnostic.fix
    if fix is None:
        return None
    if not fix.available:
        return printable(f"no fix here: {fix.unavailable}")
    if fix.applicability == "safe":
        return printable(f"fix (--fix): {fix.title}")
    return printable(f"unsafe fix (--fix --unsafe-fixes): {fix.title}")


def token_width(line: str, start: int, in_flow: bool | None = None) -> int:
    """How many characters the key or value starting at `start` (0-based) spans:
    a quoted string to its closing quote, a flow collection to its closing bracket,
    a plain scalar or key to where it ends. `in_flow`: whether `start` is inside a flow
    collection (worked out from the line when not given)."""
    if start >= len(line):
        return 1
    quote = line[start]
    if quote in "\"'":
        index = start + 1
        while index < len(line):
            if quote == '"' and line[index] == "\\":
                index += 2
                continue
            if line[index] == quote:
                if quote == "'" and line[index + 1:index + 2] == "'":  # '' is an escaped quote
                    index += 2
                    continue
                return index - start + 1
            index += 1
        return len(line) - start
    if quote in "{[":  # a flow collection: to its closing bracket, if that is on this line
        depth = 0
        for index in range(start, len(line)):
            depth += _BRACKETS.get(line[index], 0)
            if depth == 0:
                return index - start + 1
        return 1
    # `,`, `]` and `}` end a plain scalar only inside a flow collection (`voice: ash, alloy`
    # is one string)
    if in_flow is None:
        in_flow = sum(_BRACKETS.get(char, 0) for char in line[:start]) > 0
    end = start
    while end < len(line):
        char, rest = line[end], line[end + 1:end + 2]
        if (in_flow and char in ",]}") or (char == ":" and rest in ("", " ")) \
                or (char == "#" and line[end - 1:end] == " "):
            break
        end += 1
    return max(1, len(line[start:end].rstrip()))


_BRACKETS = {"{": 1, "[": 1, "}": -1, "]": -1}

def _char_width(char: str) -> int:
    return 0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1


def display_width(text: str) -> int:
    """Terminal columns: East Asian wide characters and most emoji take two, combining marks none."""
    return sum(map(_char_width, text))


class _Line:
    """What an excerpt needs to know about a whole source line, worked out once for all the
    findings on it: its length without trailing white space, and the flow-collection depth
    at each bracket (to tell where a plain scalar ends)."""

    __slots__ = ("length", "brackets", "depths")

    def __init__(self, source: str) -> None:
        self.length = len(printable(source.replace("\t", " ")).rstrip())
        self.brackets: list[int] = []  # offsets of the brackets
        self.depths: list[int] = []  # the depth just after each
        depth = 0
        for match in _BRACKET.finditer(source):
            depth += _BRACKETS[match.group()]
            self.brackets.append(match.start())
            self.depths.append(depth)

    def in_flow(self, offset: int) -> bool:
        before = bisect.bisect_left(self.brackets, offset)
        return before > 0 and self.depths[before - 1] > 0


_BRACKET = re.compile(r"[][{}]")


@functools.lru_cache(maxsize=8)
def _line(source: str) -> _Line:
    # findings are sorted by position, so those on one line come one after another, and
    # share one string object (diagnostics.prepare_for_display): a long line is hashed once
    return _Line(source)


def excerpt(diagnostic: Diagnostic, width: int = WIDTH) -> list[str]:
    """The source line with a caret under the finding, numbered, cut to `width` columns:
        4 | modalites: [text, audio]
          | ^^^^^^^^^

    Only a window of characters around the column is read, so thousands of findings on one
    long line each cost what one on a short line does: every character but a combining mark
    takes a column or two, so 4 * width of them on each side are more than the excerpt
    shows (a line of combining marks shows less than it could)."""
    if diagnostic.source is None or diagnostic.line is None or diagnostic.column is None:
        return []
    line = _line(diagnostic.source)
    start = min(diagnostic.column - 1, line.length)
    low, high = max(0, start - 4 * width), min(line.length, start + 4 * width)
    text = printable(diagnostic.source[low:high].replace("\t", " "))
    start -= low
    end = start + min(token_width(text, start, line.in_flow(low + start)), max(1, len(text) - start))
    widths = [1] * len(text) if text.isascii() else [_char_width(char) for char in text]
    gutter = f"  {diagnostic.line} | "
    room = width - len(gutter)
    left, right = 0, len(text)
    if low > 0 or high < line.length or sum(widths) > room:
        # a window that keeps the caret in sight, "…" at a cut
        room -= 2
        left, used = start, 0
        while left > 0 and used + widths[left - 1] <= room // 3:
            left -= 1
            used += widths[left]
        right, used = left, 0
        while right < len(text) and used + widths[right] <= room:
            used += widths[right]
            right += 1
        while left > 0 and used + widths[left - 1] <= room:
            left -= 1
            used += widths[left]
    cut_left, cut_right = low + left > 0, low + right < line.length
    shown = ("…" if cut_left else "") + text[left:right] + ("…" if cut_right else "")
    before = (1 if cut_left else 0) + sum(widths[left:start])
    carets = max(1, min(sum(widths[start:min(end, right)]), width - len(gutter) - before))
    blank = " " * (len(gutter) - 2) + "| "
    return [gutter + shown, blank + " " * before + "^" * carets]


class TextReporter:
    """Prints each file's findings as it is checked, then the run's summary."""

    def __init__(self, printer: Printer, quiet: bool = False, statistics: bool = False, unsafe_fixes: bool = False):
        self.printer, self.quiet, self.statistics = printer, quiet, statistics
        self.unsafe_fixes = unsafe_fixes

    def file(self, result: FileResult) -> None:
        for diagnostic in result.diagnostics:
            self.diagnostic(diagnostic)

    def diagnostic(self, diagnostic: Diagnostic) -> None:
        line = text_line(diagnostic, self.unsafe_fixes)
        if self.printer.color:  # the place in bold, the code in its severity's colour
            head, _, rest = line.partition(f": {diagnostic.code} ")
            style = _STYLE.get(diagnostic.severity or "error", "bold")
            line = f"{styled(head, 'bold')}: {styled(diagnostic.code, style)} {rest}"
        self.printer.line(line)
        if self.quiet:
            return
        lines = excerpt(diagnostic)
        indent = "  "
        if lines:
            self.printer.line(lines[0], "dim")
            self.printer.line(lines[1], _STYLE.get(diagnostic.severity or "error"))
            indent = " " * lines[1].index("|")  # `= hint` under the gutter's bar, as rustc does
        if diagnostic.hint:
            self.printer.line(printable(f"{indent}= hint: {diagnostic.hint}"), "cyan")
        note = fix_note(diagnostic)
        if note:
            self.printer.line(f"{indent}= {note}", "green")

    def finish(self, report: Report) -> None:
        if self.statistics:
            for line in statistics_lines(report):
                self.printer.line(line)
        if not self.quiet:
            offer = fixable_line(report)
            if offer:  # before the summary, which stays the last line
                self.printer.line(offer)
            if report.endpoint is not None:  # check --live: what the server answered
                from .live import answered_line

                answered = answered_line(report)
                if answered:
                    self.printer.line(answered)
            self.printer.line(summary(report), "bold red" if report.exit_code else "bold green")


def print_text(diagnostics: Iterable[Diagnostic], printer: Printer) -> None:
    """Findings outside a validation run (render, diff, migrate), to one stream."""
    reporter = TextReporter(printer)
    for diagnostic in diagnostics:
        reporter.diagnostic(diagnostic)


def render_text(report: Report, quiet: bool = False, statistics: bool = False) -> str:
    """The whole text report as one string, without colour (for --output-file)."""
    import io

    stream = io.StringIO()
    reporter = TextReporter(Printer(stream, color=False), quiet, statistics, report.unsafe_fixes)
    for result in report.results:
        reporter.file(result)
    reporter.finish(report)
    return stream.getvalue()


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(report: Report) -> str:
    """"3 errors, 1 warning in 2 of 14 files (1 suppressed)." After --fix, first what it
    fixed: "3 fixed, 1 remaining. 1 error in 1 of 14 files." """
    files = len(report.results)
    parts = [_count(report.count(severity), severity) for severity in SEVERITIES if report.count(severity)]
    suppressed = len(report.suppressed)
    tail = f" ({suppressed} suppressed)" if suppressed else ""
    fixed = ""
    if report.fixing:
        done = "fixed" if report.fixing == "fix" else "to fix"
        fixed = f"{report.fixed} {done}, {len(report.diagnostics)} remaining. "
    if not parts:
        return f"{fixed}{_count(files, 'file')} checked: no problems{tail}."
    return f"{fixed}{', '.join(parts)} in {report.files_with_findings} of {_count(files, 'file')}{tail}."


def fixable_line(report: Report) -> str | None:
    """"[*] 2 fixable with --fix (1 more with --fix --unsafe-fixes)." when some findings have a fix."""
    safe, unsafe = report.fixable()
    if not safe and not unsafe:
        return None
    flags = "--fix --unsafe-fixes" if report.unsafe_fixes else "--fix"
    more = f" ({unsafe} more with --fix --unsafe-fixes)" if unsafe else ""
    if not safe:
        return f"{unsafe} fixable with --fix --unsafe-fixes."
    return f"[*] {safe} fixable with {flags}{more}."


def statistics_lines(report: Report) -> list[str]:
    """One line a code, most frequent first: `    3  S001  unknown-key (error)`."""
    counts = Counter(d.code for d in report.diagnostics)
    suppressed = Counter(s.diagnostic.code for s in report.suppressed)
    # the severity found (T002 is an error under --strict), else the rule's
    severity = {d.code: d.severity for d in report.diagnostics}
    lines = []
    for code in sorted(set(counts) | set(suppressed), key=lambda c: (-counts[c], c)):
        rule = RULES[code]
        note = f", {suppressed[code]} suppressed" if suppressed[code] else ""
        lines.append(f"{counts[code]:5d}  {code}  {rule.name} ({severity.get(code, rule.severity)}{note})")
    return lines


def explanation(rule) -> str:
    """`rtcfg explain CODE`: why a rule matters, with a bad and a good example (also the body of
    each code's section in docs/rules.md, where an editor's diagnostic links to)."""
    import textwrap

    from ..check.suppression import why_unsuppressible

    target = f" (rendered with --target {rule.example_target})" if rule.example_target else ""

    def indented(text: str) -> str:
        return "\n".join("    " + line for line in text.rstrip("\n").splitlines())

    why = textwrap.fill(f"Why it matters: {rule.why}", 80)
    text = (f"{rule.code} {rule.name} ({rule.severity})\n\n{textwrap.fill(rule.summary, 80)}\n\n{why}\n\n"
            f"Bad{target}:\n{indented(rule.bad)}\n\nGood:\n{indented(rule.good)}")
    if not why_unsuppressible(rule.code):
        text += f"\n\nTo suppress it on one line of a YAML file: # rtcfg: ignore[{rule.code}]"
    return text
