"""Keeping secrets and terminal controls out of everything rtcfg prints.

- Secrets (an OpenAI key, a client secret, a bearer token: SECRET) are masked wherever text
  quotes a config: messages, hints, paths, source excerpts (also when escapes, line
  continuations or folding hide them from the pattern as written).
- Values taken from the environment are shown as their `${VAR}` (Redactor).
- Control characters, line separators and bidi overrides are replaced (printable) or, in
  JSON, escaped (printable_json), so no config can act on the terminal it is reported to.

Every report and every `rtcfg:` line goes through here (see `shown`).
"""

from __future__ import annotations

import bisect
import itertools
import json
import re
from typing import Any, Iterable

from ..source.document import LINE_BREAK

SECRET = re.compile(r"(?:(?<![A-Za-z])|(?<=\\[A-Za-z])|(?<=\\x[0-9A-Fa-f]{2})|(?<=\\u[0-9A-Fa-f]{4})"
                    r"|(?<=\\U[0-9A-Fa-f]{8}))"
                    r"(?:sk-[A-Za-z0-9_-]{20,}|ek_[A-Za-z0-9_-]{16,}"
                    r"|(?i:bearer)[\s_]+[A-Za-z0-9.~+/-][A-Za-z0-9._~+/-]{15,}=*)")
_SHOWN_OF_SECRET = 6

# SECRET is slow to search: its look-behinds are tried at every position of the text (about
# 25 µs for a 250-character instruction), and almost no text holds a key. might_hold_secret is
# a necessary condition for a match, some 20 times cheaper, and every search below asks it first:
# - every match begins with one of three literals: `sk-` or `ek_` (case-sensitive), or `bearer`
#   in any letter case; the look-behinds in front of them consume nothing;
# - with IGNORECASE, Python's re matches b, e, a and r only to their ASCII small and capital
#   letters (no other code point folds to them), and str.lower() maps each of those to b, e,
#   a, r, one character for one, so any `BeArEr` a match starts with is `bearer` in
#   text.lower();
# - the shortest match is `ek_` and 16 characters: 19 (`sk-` and `bearer` need 23).
# tests/test_rules_fastpath.py checks each step (all code points, the pattern's least width) and
# compares the search with and without the pre-filter over a corpus of secrets and near misses.
_SHORTEST_SECRET = 19


def might_hold_secret(text: str) -> bool:
    """False when SECRET cannot match anywhere in `text` (see above); True says nothing."""
    return len(text) >= _SHORTEST_SECRET and ("sk-" in text or "ek_" in text or "bearer" in text.lower())


def search_secret(text: str) -> re.Match | None:
    """SECRET.search(text), without searching a text that cannot hold a secret."""
    return SECRET.search(text) if might_hold_secret(text) else None


def _secrets_in(text: str) -> list[re.Match]:
    """Every match of SECRET in `text`, without searching a text that cannot hold one."""
    return list(SECRET.finditer(text)) if might_hold_secret(text) else []

# A quoted key or value in a message, and each part of a field path, shows at most this many
# characters: a 100 KB key must not make a 100 KB message. A message as a whole is cut at
# MAX_MESSAGE characters, whatever quoted it.
SHOWN = 60
MAX_MESSAGE = 1000
# A secret that begins before a cut is recognised in this many characters after it (the
# longest pattern needs `bearer` + 16), so it is masked, not shown up to the cut.
_SECRET_LOOKAHEAD = 40


def mask_secret(secret: str) -> str:
    """`sk-pro…` (31 characters): enough to recognise which key it is, not to use it."""
    return f"{secret[:_SHOWN_OF_SECRET]}…"


def mask_secrets(text: str, keep_length: bool = False) -> str:
    """Every secret in `text` masked; with keep_length, as `sk-pro*****...` of the same
    length, so that columns in a source line still line up."""
    def masked(match: re.Match) -> str:
        secret = match.group()
        if keep_length:
            return secret[:_SHOWN_OF_SECRET] + "*" * (len(secret) - _SHOWN_OF_SECRET)
        return mask_secret(secret)

    return SECRET.sub(masked, text) if might_hold_secret(text) else text


def shorten(text: str, limit: int = SHOWN) -> str:
    """`text` with its secrets masked, cut to `limit` characters ("…" at the cut). Only its
    head is read, so a 100 KB key costs what a short one does; masked before the cut, so a
    secret cut short is still recognised as one."""
    if len(text) <= limit:
        return mask_secrets(text)
    head = mask_secrets(text[:limit + _SECRET_LOOKAHEAD])
    if len(head) <= limit and len(text) <= limit + _SECRET_LOOKAHEAD:
        return head  # masking made it short enough
    return head[:limit - 1] + "…"


def quoted(value: Any) -> str:
    """A config value as a message quotes it: `'ash'`, cut and masked by `shorten`."""
    return repr(shorten(value)) if isinstance(value, str) else shorten(repr(value))


# -- secrets in source lines --------------------------------------------------------------

# The escapes of YAML double-quoted and JSON strings. A secret written with them
# ("sk\x2dproj-...", "\u0073k-...") does not match SECRET as written.
_ESCAPE = re.compile(r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")
_ESCAPED = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r",
            "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\", "N": "\x85", "_": "\xa0", "L": "\u2028",
            "P": "\u2029"}


def _secret_spans(line: str) -> list[tuple[int, int, int]]:
    """(start, end, 6) of each secret in a source line, as written or once its escapes are
    decoded (then the span covers the escapes that spell it)."""
    spans = [(*match.span(), _SHOWN_OF_SECRET) for match in _secrets_in(line)]
    if "\\" not in line or len(line) < _SHORTEST_SECRET:  # decoding only shortens a text
        return spans
    # (start, end) in the line and decoded text of each piece: the text before an escape as
    # written, then the escape (odd pieces), ..., then the rest
    pieces: list[tuple[int, int, str]] = []
    done = 0
    for escape in _ESCAPE.finditer(line):
        pieces += [(done, escape.start(), line[done:escape.start()]), (*escape.span(), _decoded(escape.group()))]
        done = escape.end()
    pieces.append((done, len(line), line[done:]))
    starts = list(itertools.accumulate((len(text) for _, _, text in pieces), initial=0))  # in the decoded text

    def in_line(offset: int, is_end: bool) -> int:
        """Where the decoded text's `offset` is in the line: an escape counts whole."""
        index = bisect.bisect_right(starts, offset - 1 if is_end else offset) - 1  # the piece holding it
        start, stop, _ = pieces[index]
        if index % 2:
            return stop if is_end else start
        return start + offset - starts[index]

    decoded = "".join(text for _, _, text in pieces)
    return spans + [(in_line(match.start(), False), in_line(match.end(), True), _SHOWN_OF_SECRET)
                    for match in _secrets_in(decoded)]


def _decoded(escape: str) -> str:
    """What an escape stands for; one rtcfg does not know (or an invalid one) as written."""
    if escape[1] in "xuU" and len(escape) > 2:
        code = int(escape[2:], 16)
        return chr(code) if code <= 0x10FFFF else escape
    return _ESCAPED.get(escape[1], escape)


def _quoted_token(lines: list[str], line: int, column: int) -> list[tuple[int, int, int]]:
    """(line, start, end) of each piece of the quoted string that opens at line:column
    (1-based line, 0-based columns), to its closing quote, across lines: a YAML string can
    go on over several. [] when no quoted string opens there."""
    row, start = line - 1, column - 1
    if not 0 <= row < len(lines) or start >= len(lines[row]) or lines[row][start] not in "\"'":
        return []
    quote, index, pieces = lines[row][start], start + 1, []
    while row < len(lines):
        text = lines[row]
        while index < len(text):
            char = text[index]
            if quote == '"' and char == "\\":
                index += 2
            elif char == quote and quote == "'" and text[index + 1:index + 2] == "'":  # '' is an escaped quote
                index += 2
            elif char == quote:
                return pieces + [(row + 1, start, index + 1)]
            else:
                index += 1
        pieces.append((row + 1, start, len(text)))
        row += 1
        if row < len(lines):
            index = start = len(lines[row]) - len(lines[row].lstrip())
    return pieces


_MAX_CONTINUED = 16  # lines of one double-quoted string joined by `\` looked at either side


def _continued_spans(lines: list[str], index: int) -> list[tuple[int, int, int]]:
    r"""(start, end, keep) in lines[index] of secrets that a line continuation cuts: in a
    double-quoted YAML string, `"sk-proj-AAAA\` and `BBBB..."` on the next line are one
    value, and neither line alone looks like a key. Used where no parse says where strings
    are (a file with a syntax error), so it reads the raw lines: at worst it masks more."""
    first = index
    while first > 0 and index - first < _MAX_CONTINUED and lines[first - 1].endswith("\\"):
        first -= 1
    last = index
    while last < len(lines) - 1 and last - index < _MAX_CONTINUED and lines[last].endswith("\\"):
        last += 1
    if first == last:
        return []
    joined, offset_here = "", 0
    for row in range(first, last + 1):
        text = lines[row] if row == first else lines[row].lstrip()
        skipped = len(lines[row]) - len(text)
        if row == index:
            offset_here, skipped_here = len(joined), skipped
        joined += text[:-1] if row < last else text
    here_end = offset_here + len(lines[index]) - skipped_here - (1 if index < last else 0)
    spans = []
    for match in _secrets_in(joined):
        start, end = max(match.start(), offset_here), min(match.end(), here_end)
        if start < end:
            keep = _SHOWN_OF_SECRET if match.start() >= offset_here else max(0, _SHOWN_OF_SECRET - (start - match.start()))
            spans.append((start - offset_here + skipped_here, end - offset_here + skipped_here, keep))
    return spans


def _masked(line: str, spans: list[tuple[int, int, int]]) -> str:
    """`line` with each (start, end, keep) span shown as `*` but its first `keep`
    characters, so that columns still line up."""
    pieces, done = [], 0
    for start, end in sorted((start + keep, end) for start, end, keep in spans):
        start = max(start, done)
        if start < end:
            pieces += [line[done:start], "*" * (end - start)]
            done = end
    return "".join(pieces) + line[done:] if pieces else line


# -- values from the environment ------------------------------------------------------------

# building/interpolation.REDACT_FROM: no shorter value is redacted (nor a cut shorter than that shown)
_KEY = 6
_ELLIPSIS = re.compile(r"(?=\.\.\.)|…")


class Redactor:
    """Replaces values from the environment by their `${VAR}` names in text: as written,
    as a message quotes them (JSON- or repr-escaped), and where a message cut one short
    ("abcdef..." or "abcdef…", at least 6 characters of it). Two values that overlap in the
    text are replaced together (replacing the first would leave part of the second).

    Built once for a set of values and used on every message. It is an Aho-Corasick
    automaton of every form: the text is read once, a character at a time, whatever the
    number of values and however long a start they share (URLs all begin `https:`); at an
    ellipsis, the automaton's state is the longest start of a value that the text just before
    it spells, which is what a cut value looks like."""

    def __init__(self, redactions: dict[str, str]) -> None:
        self.short: list[tuple[str, str]] = []  # a shorter form (only from a caller other than building)
        # the trie: each node's children, depth, the name of a form through it (for a cut)
        # and the form that ends there as (length, name)
        self._next: list[dict[str, int]] = [{}]
        self._depth = [0]
        self._through = [""]
        self._ends: list[tuple[int, str] | None] = [None]
        for value, name in redactions.items():
            for form in dict.fromkeys((value, json.dumps(value, ensure_ascii=False)[1:-1], repr(value)[1:-1])):
                if len(form) >= _KEY:
                    self._add(form, name)
                elif form:
                    self.short.append((form, name))
        self._fail, self._longest = self._links()

    def _add(self, form: str, name: str) -> None:
        node = 0
        for char in form:
            child = self._next[node].get(char)
            if child is None:
                child = self._next[node][char] = len(self._next)
                self._next.append({})
                self._depth.append(self._depth[node] + 1)
                self._through.append(name)
                self._ends.append(None)
            node = child
        if self._ends[node] is None:
            self._ends[node] = (len(form), name)

    def _links(self) -> tuple[list[int], list[tuple[int, str] | None]]:
        """Failure links (the longest proper suffix that is in the trie) and, per node, the
        longest form that ends there: its own, else its failure node's."""
        from collections import deque

        fail = [0] * len(self._next)
        longest = list(self._ends)
        queue = deque(self._next[0].values())
        while queue:
            node = queue.popleft()
            for char, child in self._next[node].items():
                link = fail[node]
                while link and char not in self._next[link]:
                    link = fail[link]
                fail[child] = self._next[link].get(char, 0) if node else 0
                if fail[child] == child:
                    fail[child] = 0
                if longest[child] is None:
                    longest[child] = longest[fail[child]]
                queue.append(child)
        return fail, longest

    def __call__(self, text: str) -> str:
        if len(self._next) > 1:
            text = self._replace(text)
        for form, name in self.short:
            text = text.replace(form, name)
        return text

    def _replace(self, text: str) -> str:
        cuts = {match.start() for match in _ELLIPSIS.finditer(text)}
        spans: list[tuple[int, int, str]] = []
        state = 0
        for index, char in enumerate(text):
            if index in cuts and self._depth[state] >= _KEY:  # a value cut short just before
                spans.append((index - self._depth[state], index, self._through[state]))
            while state and char not in self._next[state]:
                state = self._fail[state]
            state = self._next[state].get(char, 0)
            if self._longest[state] is not None:
                length, name = self._longest[state]
                spans.append((index + 1 - length, index + 1, name))
        if not spans:
            return text
        merged: list[tuple[int, int, list[str]]] = []
        for start, end, name in sorted(spans, key=lambda span: (span[0], -span[1])):  # the longest first
            if merged and start < merged[-1][1]:
                first, last, names = merged[-1]
                if end > last:  # it reaches past: an overlapping value (one inside another says nothing new)
                    merged[-1] = (first, end, names if name in names else names + [name])
            else:
                merged.append((start, end, [name]))
        pieces, done = [], 0
        for start, end, names in merged:
            pieces += [text[done:start], "".join(names)]
            done = end
        pieces.append(text[done:])
        return "".join(pieces)


def redact(text: str, redactions: dict[str, str]) -> str:
    """`text` with each value of `redactions` replaced by its name (see Redactor; build
    one Redactor for many texts)."""
    return Redactor(redactions)(text)


def prepare_for_display(diagnostics: list, texts: dict[str, str],
                        redactions: dict[str, str] | None = None,
                        secrets: Iterable[tuple[str, int, int, str]] = ()) -> list:
    """Give each diagnostic the text of its line (from `texts`, file name -> text), for the
    report's excerpt, and keep secrets out of what a report shows: anything that looks like
    one is masked, and each value in `redactions` (taken from the environment) is replaced
    by its `${VAR}`. `secrets` are the (file, line, column, secret) of the keys and values
    whose decoded text holds a secret: a quoted one is masked in the excerpt whole, escapes
    and line continuations included, which can hide it from SECRET as written; and wherever
    the rest of a secret stands alone on a line (`Bearer` and its token folded onto two lines
    of a plain scalar), that rest is masked too.

    Each line is masked once and shared by the diagnostics on it (many findings on one
    long line cost no more than one); messages, paths and hints are cut to MAX_MESSAGE."""
    if not diagnostics:  # the common case: nothing to show
        return diagnostics
    redactor = Redactor(redactions or {})
    lines_of: dict[str, list[str]] = {}
    hidden_of: dict[str, dict[int, list[tuple[int, int, int]]]] = {}  # file -> line -> spans of quoted secrets
    masked: dict[tuple[str, int], str] = {}
    tokens_of: dict[str, list[tuple[int, int]]] = {}
    rests_of: dict[str, dict[str, str]] = {}  # file -> the rest of a secret -> its mask
    for file, line, column, secret in set(secrets):
        tokens_of.setdefault(file, []).append((line, column))
        for rest in secret.split()[1:]:  # a secret is cut only at white space: `Bearer <token>`
            if len(rest) >= _KEY:
                rests_of.setdefault(file, {})[rest] = "*" * len(rest)
    rest_maskers = {file: Redactor(rests) for file, rests in rests_of.items()}

    def source(file: str, line: int) -> str | None:
        if (file, line) in masked:
            return masked[file, line]
        if file not in lines_of:
            lines_of[file] = LINE_BREAK.split(texts[file].removeprefix("\ufeff"))
            hidden_of[file] = {}
            for token_line, column in tokens_of.get(file, ()):
                pieces = _quoted_token(lines_of[file], token_line, column)
                text = "".join(lines_of[file][row - 1][start:end] for row, start, end in pieces)
                if len(pieces) > 1 or "\\" in text:  # else SECRET finds it as written
                    for row, start, end in pieces:  # only the first piece shows its first characters
                        keep = _SHOWN_OF_SECRET if row == token_line else 0
                        hidden_of[file].setdefault(row, []).append((start, end, keep))
        lines = lines_of[file]
        shown = None
        if 0 < line <= len(lines):
            text = lines[line - 1]
            shown = _masked(text, _secret_spans(text) + hidden_of[file].get(line, [])
                            + _continued_spans(lines, line - 1))
            if file in rest_maskers:
                shown = rest_maskers[file](shown)
        masked[file, line] = shown
        return shown

    def clean(text: str) -> str:
        text = mask_secrets(redactor(text))
        return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE - 1] + "…"

    for diagnostic in diagnostics:
        if diagnostic.file in texts and diagnostic.line is not None:
            diagnostic.source = source(diagnostic.file, diagnostic.line)
        diagnostic.message = clean(diagnostic.message)
        diagnostic.path = clean(diagnostic.path)
        if diagnostic.hint:
            diagnostic.hint = clean(diagnostic.hint)
    return diagnostics



# Control characters (a terminal escape, a bell), line separators and bidirectional
# overrides ("Trojan Source") in a config would act on the terminal or hide text; each
# shows as one replacement character.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    return _UNPRINTABLE.sub("\ufffd", text)


# What json.dumps leaves raw in a string that a terminal acts on: _UNPRINTABLE less the C0
# controls, which json escapes itself (and a line break between values is JSON's own).
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable_json(text: str) -> str:
    """JSON text (from json.dumps) safe to print: DEL, C1 controls (a CSI), line separators
    and bidi overrides written as `\\u009b` escapes. Unlike printable, the data is
    unchanged: the escape reads back as the character."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def shown(text: str, redactions: dict[str, str], json_text: bool = False) -> str:
    """Text that quotes config values, made safe to print: values from the environment shown
    as their ${VAR}, anything that looks like a key masked, and characters that would act on
    a terminal replaced, line by line (in JSON, escaped instead, so the JSON means the same)."""
    cleaned = mask_secrets(redact(text, redactions))
    if json_text:
        return printable_json(cleaned)
    return "\n".join(printable(line) for line in cleaned.split("\n"))
