"""Text edits for a fix, made at the key or value as written in its file.

A rule decides what to write instead (the value, the key's name, or that the entry goes) and
how safe that is; this module finds the text to change and writes the replacement the way the
file writes values (a quoted value stays quoted in its style, JSON stays JSON). Where the value
cannot be edited where it is written (it comes from ${VAR}, --set, a YAML alias or merge key,
or spans lines), the fix has no edits and says why: a report shows it as not available there.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..diagnostics import Applicability, Edit, Fix
from ..source.document import Document, value_at

# A plain YAML scalar that is read back as the same string (checked with YAML's resolver too:
# `no` and `1.0` are not)
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./+-]*")
_LINE_BREAK = re.compile(r"[\r\n]")
_NOT_HERE = "it is not written in the file (it comes through a YAML alias or merge key)"


def replace_value(document: Document, path: tuple, value: Any, applicability: Applicability, title: str,
                  quote: bool = False) -> Fix:
    """Write `value` in place of the value at `path` (with quote, as a quoted string)."""
    site = _written(document, path, at_key=False)
    if isinstance(site, str):
        return Fix(applicability, title, unavailable=site)
    file, text, start, end = site
    replacement = _scalar(value, text[start:end], _format(document, file), quote)
    edits = [_edit(document, file, start, end, replacement)]
    edits += _comment_column(document, file, text, end, len(replacement) - (end - start))
    return Fix(applicability, title, tuple(edits))


def _comment_column(document: Document, file: str, text: str, end: int, grow: int) -> list[Edit]:
    """Where a comment follows, after spaces, the text that ends at `end` (`language: no   # Norwegian`)
    on the same line, the edit that takes `grow` characters (a wider value or key) out of those
    spaces, or adds them, so that aligned comments stay aligned (at least one space is left)."""
    if grow == 0:
        return []
    spaces = end
    while spaces < len(text) and text[spaces] == " ":
        spaces += 1
    if spaces == end or spaces >= len(text) or text[spaces] != "#":
        return []
    if grow > 0:
        taken = min(grow, spaces - end - 1)
        return [_edit(document, file, end, end + taken, "")] if taken else []
    return [_edit(document, file, end, end, " " * -grow)]


def rename_key(document: Document, path: tuple, key: str, applicability: Applicability, title: str) -> Fix | None:
    """Rename the key of the entry at `path` to `key`, its value untouched; None where the mapping
    has that key already (which of the two to keep is no fix's to decide)."""
    parent = value_at(document.data, path[:-1])
    if isinstance(parent, dict) and key in parent:
        return None
    site = _written(document, path, at_key=True)
    if isinstance(site, str):
        return Fix(applicability, title, unavailable=site)
    file, text, start, end = site
    replacement = _scalar(key, text[start:end], _format(document, file))
    edits = [_edit(document, file, start, end, replacement)]
    value = _written(document, path, at_key=False)
    if not isinstance(value, str) and value[0] == file and not _LINE_BREAK.search(text, end, value[3]):
        edits += _comment_column(document, file, text, value[3], len(replacement) - (end - start))
    return Fix(applicability, title, tuple(edits))


def remove_entry(document: Document, path: tuple, applicability: Applicability, title: str) -> Fix:
    """Remove the entry at `path` (key and value) from its mapping: its whole line(s) in a
    block mapping, the entry and one comma in a flow mapping or JSON object."""
    parent = value_at(document.data, path[:-1])
    if not isinstance(parent, dict) or len(parent) < 2:
        return Fix(applicability, title, unavailable="it is the only key of its mapping")
    key_site, value_site = _written(document, path, at_key=True), _written(document, path, at_key=False,
                                                                           one_line=False)
    for site in (key_site, value_site):
        if isinstance(site, str):
            return Fix(applicability, title, unavailable=site)
    file, text, start, _ = key_site
    if value_site[0] != file:
        return Fix(applicability, title, unavailable="its key and value are written in different files")
    end = value_site[3]
    spans = _entry_span(text, start, end, _format(document, file) == "json" or _in_flow(document, path, text))
    if spans is None:
        return Fix(applicability, title, unavailable="its line holds more than the entry; remove it by hand")
    return Fix(applicability, title, tuple(_edit(document, file, low, high, "") for low, high in spans))


def _written(document: Document, path: tuple, at_key: bool, one_line: bool = True) -> tuple[str, str, int, int] | str:
    """(file, its text, start, end) of the key or value at `path` as written, or why it cannot be
    edited there."""
    position, own = document.position(path)
    if position is None or not own:
        return _NOT_HERE
    if position.line is None:
        return "it is set on the command line (--set)"
    if path in document.templates and not at_key:
        return "it is written with ${VAR}: fix it where the variable is set"
    if at_key:
        file = position.key_file or position.file or document.name
        start, end = position.key_start, position.key_end
    else:
        file, start, end = position.file or document.name, position.start, position.end
    text = document.text_of(file)
    if start is None or end is None or text is None or position.shared:
        return "it comes through a YAML alias, an anchor others share, or a merge key"
    written = text[start:end]
    if "${" in written:
        return "it is written with ${VAR}: fix it where the variable is set"
    if one_line and ("\n" in written or "\r" in written):
        return "it is written over several lines"
    return file, text, start, end


def _format(document: Document, file: str) -> str:
    if file == document.name:
        return document.format
    return "json" if file.lower().endswith(".json") else "yaml"


def literal(value: Any, fmt: str) -> str:
    """`value` as a YAML (`fmt` "yaml") or JSON literal; a YAML string plain only where YAML
    reads it back as that string (not `no`, `0x1A`, `2024-01-01`)."""
    return _scalar(value, "", fmt)


def _scalar(value: Any, written: str, fmt: str, quote: bool = False) -> str:
    """`value` as this file writes it where `written` stands (a mapping, in YAML, as a flow
    mapping: `{type: audio/pcm, rate: 24000}`)."""
    if fmt != "json" and isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(k, '', fmt)}: {_scalar(v, '', fmt)}" for k, v in value.items()) + "}"
    if fmt == "json" or not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if written[:1] == "'" and not quote:
        return "'" + value.replace("'", "''") + "'"
    if written[:1] == '"' or quote or not _plain(value):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    return value


def _plain(value: str) -> bool:
    if not _PLAIN.fullmatch(value):
        return False
    from yaml.nodes import ScalarNode
    from yaml.resolver import Resolver

    return Resolver().resolve(ScalarNode, value, (True, False)) == "tag:yaml.org,2002:str"


def _in_flow(document: Document, path: tuple, text: str) -> bool:
    """Whether the mapping that holds `path` is a flow mapping ({a: 1}) in the same file."""
    parent, own = document.position(path[:-1])
    return bool(own and parent is not None and parent.start is not None and text[parent.start:parent.start + 1] == "{")


def _entry_span(text: str, start: int, end: int, flow: bool) -> list[tuple[int, int]] | None:
    """The text to remove for the entry whose key starts at `start` and value ends at `end`."""
    line_start = max(text.rfind("\n", 0, start), text.rfind("\r", 0, start)) + 1
    alone = not text[line_start:start].strip()  # nothing before the key on its line
    if not flow:
        after = _line_rest(text, end)
        return [(line_start, after)] if alone and after is not None else None
    comma = _skip_space(text, end)
    if comma < len(text) and text[comma] == ",":
        follow = comma + 1
        while follow < len(text) and text[follow] in " \t":
            follow += 1
        rest = _line_rest(text, comma + 1)
        if alone and rest is not None and text[comma + 1:rest].strip() == "":
            return [(line_start, rest)]  # `"a": 1,` alone on its line(s): the lines go
        return [(start, follow)]
    before = start - 1
    while before >= 0 and text[before] in " \t\r\n":
        before -= 1
    line_start = max(text.rfind("\n", 0, before), text.rfind("\r", 0, before)) + 1
    comment = re.search(r"(^|[ \t])#", text[line_start:before + 1])
    if comment:  # `type: realtime,  # the kind,`: the separator is before the comment
        before = line_start + comment.start() - 1
        while before >= line_start and text[before] in " \t":
            before -= 1
    if before < 0 or text[before] != ",":
        return None
    if not comment:
        return [(before, end)]  # the last entry: the comma before it goes
    cut = start  # and the entry, from the end of the comment's line
    while cut > 0 and text[cut - 1] in " \t":
        cut -= 1
    cut -= text[cut - 2:cut] == "\r\n" and 2 or text[cut - 1:cut] in ("\n", "\r") and 1 or 0
    return [(before, before + 1), (max(cut, before + 1), end)]


def _line_rest(text: str, index: int) -> int | None:
    """The offset after the line break that ends the line `index` is on, if only white space or a
    comment follows `index` there; else None."""
    while index < len(text) and text[index] in " \t":
        index += 1
    if index < len(text) and text[index] == "#":
        while index < len(text) and text[index] not in "\r\n":
            index += 1
    if index >= len(text):
        return index
    if text.startswith("\r\n", index):
        return index + 2
    return index + 1 if text[index] in "\r\n" else None


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _edit(document: Document, file: str, start: int, end: int, replacement: str) -> Edit:
    lines = document.line_index(file)
    line, column = lines.position(start)
    end_line, end_column = lines.position(end)
    return Edit(file, start, end, replacement, line, column, end_line, end_column)
