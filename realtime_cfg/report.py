"""Reporters: diagnostics as text for people or JSON for machines.

Colour only when writing to a terminal and NO_COLOR is unset (https://no-color.org);
rich is imported only then, so a pipe or a pre-commit run never pays for it."""

from __future__ import annotations

import json
import os
import sys
from typing import Iterable, TextIO

from .diagnostics import Diagnostic


def use_color(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Printer:
    """Writes lines to a stream, styled with rich markup when colour is on."""

    def __init__(self, stream: TextIO | None = None, color: bool | None = None):
        self.stream = stream or sys.stdout
        self.color = use_color(self.stream) if color is None else color
        self._console = None
        if self.color:
            from rich.console import Console

            self._console = Console(file=self.stream, highlight=False, soft_wrap=True)

    def emit(self, plain: str, rich: str | None = None) -> None:
        """Write `plain`, or the rich markup version when colour is on."""
        if self._console is None:
            self.stream.write(plain + "\n")
        elif rich is not None:
            self._console.print(rich)
        else:
            from rich.markup import escape

            self._console.print(escape(plain))

    def line(self, text: str = "", style: str | None = None) -> None:
        if self._console is not None and style:
            from rich.markup import escape

            self.emit(text, f"[{style}]{escape(text)}[/{style}]")
        else:
            self.emit(text)


_STYLE = {"error": "bold red", "warning": "bold yellow", "info": "bold cyan"}


def text_line(diagnostic: Diagnostic) -> str:
    """`file:line:col: CODE message` (severity shown when it is not an error)."""
    where = diagnostic.file
    if diagnostic.line is not None:
        where += f":{diagnostic.line}:{diagnostic.column}"
    severity = "" if diagnostic.severity == "error" else f"[{diagnostic.severity}] "
    return f"{where}: {diagnostic.code} {severity}{diagnostic.message}"


def print_text(diagnostics: Iterable[Diagnostic], printer: Printer) -> None:
    for diagnostic in diagnostics:
        plain = text_line(diagnostic)
        rich = None
        if printer.color:
            from rich.markup import escape

            head, _, rest = plain.partition(f": {diagnostic.code} ")
            style = _STYLE.get(diagnostic.severity or "error", "bold")
            rich = f"[bold]{escape(head)}[/bold]: [{style}]{diagnostic.code}[/{style}] {escape(rest)}"
        printer.emit(plain, rich)
        if diagnostic.hint:
            printer.line(f"  hint: {diagnostic.hint}", "cyan")


def summary(diagnostics: list[Diagnostic], files: int, files_with_findings: int) -> str:
    errors = sum(1 for d in diagnostics if d.severity == "error")
    warnings = sum(1 for d in diagnostics if d.severity == "warning")
    noun = "file" if files == 1 else "files"
    if not errors and not warnings:
        return f"{files} {noun} checked: no problems."

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    parts = ([count(errors, "error")] if errors else []) + ([count(warnings, "warning")] if warnings else [])
    return f"{' and '.join(parts)} in {files_with_findings} of {files} {noun}."


def to_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
