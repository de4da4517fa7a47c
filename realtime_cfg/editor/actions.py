"""Code actions: each finding's fix (the same edits `validate --fix` makes; safe ones
preferred, unsafe ones marked), "ignore this code on this line", and "fix all safe" for a
config (the fix engine's result: every safe fix that adds no finding, re-checked).
"""

from __future__ import annotations

from typing import Sequence

from lsprotocol import types

from .. import pipeline
from ..check.suppression import why_unsuppressible, with_code
from ..diagnostics import Diagnostic, Edit
from ..source import loader
from ..source.document import Document, value_at
from .positions import Lines, to_client
from .workspace import SOURCE, Result, Workspace, identity

FIX_ALL = "rtcfg: fix all safe findings"


def quick_fixes(workspace: Workspace, uri: str, wanted: types.Range,
                mentioned: list[types.Diagnostic] = ()) -> list[types.CodeAction]:
    """The fixes and "ignore" actions of the findings shown in `uri` that touch `wanted`, or
    that the client names (the diagnostics it sends with the request)."""
    named = {(d.code, d.range.start.line, d.range.start.character) for d in mentioned if d.source == SOURCE}
    actions: list[types.CodeAction] = []
    seen = set()
    for source, finding, diagnostic in workspace.findings_in(uri):
        result = workspace.results.get(source)
        if result is None or not (_touches(diagnostic.range, wanted) or
                                  (diagnostic.code, diagnostic.range.start.line, diagnostic.range.start.character) in named):
            continue
        if identity(finding) in seen:  # one base file's finding, found by two configs
            continue
        seen.add(identity(finding))
        fix = finding.fix
        if fix is not None and fix.available and fix.edits:
            unsafe = fix.applicability != "safe"
            actions.append(types.CodeAction(
                title=f"{finding.code}: {fix.title}" + (" (unsafe: check it is what you meant)" if unsafe else ""),
                kind=types.CodeActionKind.QuickFix, diagnostics=[diagnostic], is_preferred=not unsafe,
                edit=_workspace_edit(workspace, source, result, fix.edits)))
        ignore = _ignore(workspace, source, result, finding)
        if ignore is not None:
            ignore.diagnostics = [diagnostic]
            actions.append(ignore)
    return actions


def fix_all(workspace: Workspace, uri: str, lazy: bool) -> types.CodeAction | None:
    """"Fix all safe" for a file with a safe fix to make: an open config, or a file configs are
    built from (a base, an include). It edits that file only: saving a config with
    `source.fixAll` on save must not change a base other configs share. With lazy, the action
    comes without its edit (codeAction/resolve computes it: a check per pass of fixes)."""
    source = _fixable_by(workspace, uri)
    if source is None:
        return None
    action = types.CodeAction(title=FIX_ALL, kind=types.CodeActionKind.SourceFixAll + "." + SOURCE,
                              data={"uri": uri, "source": source, "version": workspace.results[source].version})
    return action if lazy else resolve_fix_all(workspace, action)


def _fixable_by(workspace: Workspace, uri: str) -> str | None:
    """The open config whose check finds a safe fix in `uri` (itself, if it is one)."""
    shown = workspace.shown.get(uri, {})
    for source in sorted(shown, key=lambda source: source != uri):
        if source in workspace.results and any(finding.fix is not None and finding.fix.applies(False)
                                               for finding, _ in shown[source]):
            return source
    return None


def resolve_fix_all(workspace: Workspace, action: types.CodeAction) -> types.CodeAction:
    """Fill in the edit of a "fix all safe" action: the fix engine's result for the config (every
    safe fix that adds no finding), as one edit of the requested file's changed part."""
    data = action.data if isinstance(action.data, dict) else {}
    uri, source = data.get("uri"), data.get("source")
    result = workspace.results.get(source)
    document = workspace.documents.get(source)
    if result is None or document is None or result.version != data.get("version") or result.options is None:
        return action  # changed since: no edit (the client asks again)
    fixed = pipeline.fix(document.path, result.options)
    for name, text in fixed.changed.items():
        if workspace.uri_for(name, document) == uri:
            before = fixed.original[name]
            start, end, middle = _changed_part(before, text)
            action.edit = _workspace_edit(workspace, source, result, [_edit(name, Lines(before), start, end, middle)])
    return action


def _changed_part(before: str, after: str) -> tuple[int, int, str]:
    """(start, end in `before`, the text that replaces it): all that differs between the two,
    as one edit (the cursor and the undo history keep what did not change)."""
    start, limit = 0, min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end_before, end_after = len(before), len(after)
    while end_before > start and end_after > start and before[end_before - 1] == after[end_after - 1]:
        end_before, end_after = end_before - 1, end_after - 1
    return start, end_before, after[start:end_after]


def _touches(have: types.Range, wanted: types.Range) -> bool:
    return ((have.start.line, have.start.character) <= (wanted.end.line, wanted.end.character)
            and (wanted.start.line, wanted.start.character) <= (have.end.line, have.end.character))


def _edit(file: str, lines: Lines, start: int, end: int, text: str) -> Edit:
    """An edit of `file` between two offsets of its text."""
    (line, column), (end_line, end_column) = lines.position(start), lines.position(end)
    return Edit(file, start, end, text, line + 1, column + 1, end_line + 1, end_column + 1)


def _workspace_edit(workspace: Workspace, source: str, result: Result, edits: Sequence[Edit]) -> types.WorkspaceEdit:
    """rtcfg's edits (1-based lines and code-point columns) as edits of each file's URI, in the
    client's units."""
    document = workspace.documents[source]
    changes: dict[str, list[types.TextEdit]] = {}
    read: dict[str, Lines] = {}
    for edit in edits:
        lines = read[edit.file] = read.get(edit.file) or workspace.lines_of(edit.file, result)
        start = types.Position(*to_client(lines, edit.line - 1, edit.column - 1, workspace.encoding))
        end = types.Position(*to_client(lines, edit.end_line - 1, edit.end_column - 1, workspace.encoding))
        changes.setdefault(workspace.uri_for(edit.file, document), []).append(
            types.TextEdit(range=types.Range(start, end), new_text=edit.text))
    return types.WorkspaceEdit(changes=changes)


def _ignore(workspace: Workspace, source: str, result: Result, finding: Diagnostic) -> types.CodeAction | None:
    """`# rtcfg: ignore[CODE]` at the end of the finding's line, in a YAML file (JSON has no
    comments), where a comment there cannot change what the line means."""
    if (why_unsuppressible(finding.code) or not finding.line or result.checked.document is None
            or loader.guess_format(finding.file, "") != "yaml"):
        return None
    lines = workspace.lines_of(finding.file, result)
    index = finding.line - 1
    if index >= len(lines) or not _comment_fits(result.checked.document, finding.file, lines, index):
        return None
    line = lines.line(index)
    edit = _edit(finding.file, lines, lines.starts[index], lines.starts[index] + len(line), with_code(line, finding.code))
    return types.CodeAction(title=f"Ignore {finding.code} on this line", kind=types.CodeActionKind.QuickFix,
                            edit=_workspace_edit(workspace, source, result, [edit]))


def _comment_fits(document: Document, file: str, lines: Lines, index: int) -> bool:
    """A comment can end line `index`: no scalar runs on past it (a multi-line plain or quoted
    string would take the comment in, or end early), but for a block scalar's header line."""
    text = document.text_of(file)
    if text is None:
        return False
    end = lines.starts[index] + len(lines.line(index))
    for path, position in document.positions.items():
        if (position.file or document.name) != file or position.start is None or position.end is None:
            continue
        if position.start < end < position.end and not isinstance(_value(document, path), (dict, list)):
            if text[position.start:position.start + 1] not in ("|", ">"):
                return False
    return True


def _value(document: Document, path: tuple):
    return value_at(document.data, path, None)
