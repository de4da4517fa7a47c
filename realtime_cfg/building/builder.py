"""Build one session config from parts: overlays, includes, the environment and overrides.

    extends: base.yaml              # or a list; this file is merged over its bases
    instructions: {$file: prompts/support.md}          # a text file's content
    tools:
      - $file: tools/lookup.yaml    # a YAML/JSON file: its value (a list is spliced in)
    voice: ${VOICE:-ash}            # ${VAR}, ${VAR:-default}; $$ is a literal $

Order, per file: parse; interpolate `${VAR}` in string values; replace every `{$file: path}`
by that file's content (built the same way, relative to it); then merge the file over its
`extends` bases. `--set path=value` overrides apply last, to the whole result.

Merging: mappings merge key by key; a list replaces the base's list, except the top-level
`tools`, which merge by name (function `name`, MCP `server_label`: a tool of the same name is
merged into the base's, a new one is appended); an explicit null replaces the base's value,
turning its feature off.

Paths are relative to the file that names them and may not leave the project root (the
nearest folder above the config with a pyproject.toml or .git, else the config's own
folder): an absolute path, a `..` that climbs out, or a symlink that points out is refused
(B003) unless `allow_outside_root` is set.

Every value keeps the position it was written at, in its own file, so diagnostics point
there and `render --explain` can say where each field came from.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..source import loader
from ..diagnostics import Diagnostic, format_path, prepare_for_display, shorten
from ..source.document import Document, Limits, LoadError, Position
from ..schema.views import schema_text

EXTENDS = "extends"
INCLUDE = "$file"
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
# ${NAME}, ${NAME:-default}, or $$ (a literal dollar sign)
_REFERENCE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_ANY_REFERENCE = re.compile(r"\$\{[^}]*\}?")  # what is left after the valid ones: a broken reference
_BUILT_FROM_PARTS = re.compile(r"\$\{|\$\$|\$file")  # text with none of these needs no building
# Environment values this long are replaced by their ${NAME} in any diagnostic; shorter
# ones ("en", "ash") are settings, not secrets, and replacing them would garble messages.
# So are the API's own words (a value found in the schema, such as "shimmer" or
# "transcribe"): replacing them would also garble the known names a hint lists.
REDACT_FROM = 6
_PROJECT_MARKERS = ("pyproject.toml", ".git")
# A build reads many files; these bound it as Limits bound one file, so that a chain of
# includes cannot do what a "billion laughs" alias bomb does.
MAX_CHAIN = 32  # files extending or including each other, one inside the next
MAX_BASES = 32  # files one `extends:` list names (each is merged over the ones before it)
BUILD_BYTES = 10  # times Limits.max_bytes, read in all, and again for what ${VAR} adds
MAX_OVERRIDE_PARTS = 100  # a --set path's fields and indexes; no config nests deeper (Limits.max_depth)



@dataclass
class BuildOptions:
    env: Mapping[str, str] | None = None  # None: os.environ
    interpolate: bool = True  # False (--no-env): ${VAR} stays as written
    overrides: Sequence[str] = ()  # "path=value", applied in order
    allow_outside_root: bool = False
    limits: Limits = field(default_factory=Limits)
    # the config itself must be inside its project root too: a file found by walking a folder
    # (a symlink there could point at ../../secrets.yaml), not one named on the command line
    confine_source: bool = False


class OverrideError(ValueError):
    """A --set that cannot be applied (a usage error, not a config error)."""


class _Node:
    """A value with the position it was written at; mappings and lists hold _Nodes."""

    __slots__ = ("value", "position", "template")

    def __init__(self, value: Any, position: Position, template: str | None = None) -> None:
        self.value = value
        self.position = position
        self.template = template  # the string as written, before ${VAR} interpolation


@lru_cache(maxsize=1024)  # a run over a folder asks once per folder, not once per file
def project_root(start: Path) -> Path:
    """The nearest folder from `start` upwards with a pyproject.toml or .git, else `start`."""
    for folder in (start, *start.parents):
        if any(os.path.lexists(folder / marker) for marker in _PROJECT_MARKERS):
            return folder
    return start


@lru_cache(maxsize=1024)
def _real_root(start: Path) -> Path:
    return Path(os.path.realpath(project_root(start)))


def build(source: str | os.PathLike, options: BuildOptions | None = None) -> Document:
    """The config at `source` ("-" for stdin) built from its parts. Raises LoadError
    (with diagnostics that point into the file at fault) if it cannot be built, and
    OverrideError for an override that does not apply."""
    options = options or BuildOptions()
    stdin = str(source) == loader.STDIN
    start = Path.cwd() if stdin else Path(os.path.abspath(source))
    builder = _Builder(options, start if stdin else start.parent)
    document = builder.load(source, display=None, site=None, require_mapping=True,
                            confine=options.confine_source and not stdin)
    if not _BUILT_FROM_PARTS.search(document.text) and EXTENDS not in document.data and not options.overrides:
        return document  # a config in one piece, the common case: nothing to build
    try:
        node = builder.config(document, chain=(() if stdin else ((os.path.realpath(start), document.name),)))
    except LoadError as exc:  # point into whichever file is at fault, env values hidden
        prepare_for_display(exc.diagnostics, builder.sources, builder.redactions)
        raise
    for override in options.overrides:
        _apply_override(node, override)
    positions: dict[tuple, Position] = {}
    templates: dict[tuple, str] = {}
    data = _flatten(node, (), positions, templates)
    sources = {name: text for name, text in builder.sources.items() if name != document.name}
    redactions = {**builder.redactions, **_normalized_forms(data, templates, builder.redactions)}
    return Document(document.name, data, positions, document.text, document.format, sources,
                    redactions, templates, frozenset(builder.parts))


def _normalized_forms(data: Any, templates: dict[tuple, str], redactions: dict[str, str]) -> dict[str, str]:
    """The spellings normalization gives values from the environment (a token limit of
    "+0009876543210" is shown as 9876543210), each to be hidden like the value itself."""
    from ..source.document import shape_of
    from ..targets.canonical import coerce
    from ..schema.views import SHAPE_SCHEMAS

    if not isinstance(data, dict) or not any(len(path) == 1 for path in templates):
        return {}
    coerced = coerce(data, SHAPE_SCHEMAS[shape_of(data)])  # top-level fields are the ones it respells
    forms = {}
    for path, template in templates.items():
        written, value = data.get(path[0]), coerced.get(path[0])
        if len(path) == 1 and value != written and any(secret in str(written) for secret in redactions):
            for form in (str(value), json.dumps(value)):
                if len(form) >= REDACT_FROM:
                    forms[form] = template
    return forms


class _Builder:
    def __init__(self, options: BuildOptions, start: Path) -> None:
        self.options = options
        self.start = start
        self.env = os.environ if options.env is None else options.env
        self.sources: dict[str, str] = {}
        self.redactions: dict[str, str] = {}
        self.bytes_read = 0
        self.values = 0
        self.expanded = 0  # characters ${VAR} added
        self.parts: set[str] = set()

    @cached_property
    def root(self) -> Path:
        """The project root, looked for only when a config names another file."""
        return project_root(self.start)

    # -- files ------------------------------------------------------------------------

    def read(self, source: str | os.PathLike, display: str | None, site: tuple[str, Position] | None,
             confine: bool = True) -> tuple[str, str]:
        """(name, text) of one file. One that cannot be read is B002 at the place that named it;
        one that is not inside the project root, B003 (checked on the file that was opened)."""
        check = None
        if confine and not self.options.allow_outside_root:
            check = self._confinement(source, display or str(source), site)
        try:
            name, raw = loader.read_bytes(source, self.options.limits, check)
            name = display or name
            text = loader.decode(raw, name)
        except LoadError as exc:
            if site is None or exc.diagnostics[0].code == "B003":
                raise
            reason = exc.diagnostics[0].message.removeprefix(f"cannot read {source}: ")
            raise self._error("B002", f"cannot read {display}: {reason}", site) from None
        self._spend(len(raw), 0, site)
        self.sources[name] = text
        return name, text

    def _confinement(self, source: str | os.PathLike, display: str, site: tuple[str, Position] | None):
        """A check of an open file: the file opened is the one its name resolves to now, and that
        is inside the project root. A symlink swapped between the two is caught either way."""
        def check(fd: int) -> None:
            root = _real_root(self.start)
            real = os.path.realpath(source)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(real))
            except OSError:
                same = False
            if same and _within(Path(real), root):
                return
            why = (f"{display} is a symlink that points out of the project root {self.root}" if same
                   else f"{display} changed while it was opened")
            diagnostic = (self._diagnostic("B003", why, site, "copy the file into the project, or allow it with "
                                           "--allow-outside-root") if site is not None
                          else Diagnostic("B003", why + "; not read", display,
                                          hint="name the file to check it, or allow it with --allow-outside-root"))
            raise LoadError([diagnostic])
        return check

    def load(self, source: str | os.PathLike, display: str | None, site: tuple[str, Position] | None,
             require_mapping: bool, confine: bool = True) -> Document:
        name, text = self.read(source, display, site, confine)
        document = loader.parse(text, name, loader.guess_format(name, text), self.options.limits, require_mapping)
        self._spend(0, len(document.positions), site)
        return document

    def _spend(self, size: int, values: int, site: tuple[str, Position] | None) -> None:
        self.bytes_read += size
        self.values += values
        limits = self.options.limits
        if site is not None and (self.bytes_read > BUILD_BYTES * limits.max_bytes or self.values > limits.max_nodes):
            raise self._error("B006", f"the config's parts add up to more than {BUILD_BYTES * limits.max_bytes:,} "
                              f"bytes or {limits.max_nodes:,} values", site,
                              "include each file once; a file included by many is read each time")

    def config(self, document: Document, chain: tuple[tuple[str, str], ...]) -> _Node:
        """A config file's tree: interpolated, includes replaced, merged over its bases."""
        node = self.prepared(document, chain)
        if not isinstance(node.value, dict):  # the whole config was {$file: ...} of something else
            raise self._error("L003", "the top level is not a mapping; a session config is a mapping of session "
                              "fields", (document.name, node.position))
        reference = node.value.pop(EXTENDS, None)
        if reference is None:
            return node
        references = reference.value if isinstance(reference.value, list) else [reference]
        if not references or not all(isinstance(r.value, str) for r in references):
            raise self._error("B005", "extends takes a file name or a list of file names",
                              (document.name, reference.position))
        if len(references) > MAX_BASES:
            raise self._error("B006", f"extends names {len(references):,} files; at most {MAX_BASES} are merged",
                              (document.name, reference.position), "merge some of the bases into one")
        merged: _Node | None = None
        for item in references:
            written_in = item.position.file or document.name  # extends may come from an included file
            display, real = self.resolve(item, written_in)
            site = (written_in, item.position)
            self._check_cycle(real, display, chain, site, "extends")
            base_document = self.load(real, display, site, require_mapping=True)
            base = self.config(base_document, chain + ((os.path.realpath(real), display),))
            merged = base if merged is None else merge(merged, base, top=True)
        return merge(merged, node, top=True)

    def prepared(self, document: Document, chain: tuple[tuple[str, str], ...], depth: int = 0) -> _Node:
        """A file's tree, interpolated, its includes replaced; `depth` is how deep in the
        config it is included (the nesting of all its files counts against Limits.max_depth)."""
        node = _tree(document.data, (), document, None)
        if self.options.interpolate:
            errors: list[Diagnostic] = []
            self.interpolate(node, document.name, errors)
            if errors:
                raise LoadError(errors)
        return self.include(node, document.name, chain, depth)

    def resolve(self, reference: _Node, including: str) -> tuple[str, str]:
        """(display name, path to open) of a file named in `including`; B003 if the path
        leaves the project root, B002 if there is no such file."""
        site = (including, reference.position)
        text = reference.value
        if not isinstance(text, str) or not text.strip():
            raise self._error("B005", "a file name must be a non-empty string", site)
        if reference.template is not None:
            # a path from the environment would make diagnostics name files that differ per
            # machine, and could show the environment's value; paths are written out
            raise self._error("B005", "a file name cannot use ${VAR}", site,
                              "name the file; keep one overlay per environment instead")
        stdin = including == loader.STDIN_NAME
        base = Path.cwd() if stdin else Path(os.path.abspath(including)).parent
        path = Path(os.path.normpath(base / text))
        display = text if stdin else os.path.normpath(os.path.join(os.path.dirname(including), text))
        if not self.options.allow_outside_root:
            if os.path.isabs(text):
                raise self._error("B003", f"{shorten(text)!r} is an absolute path; paths are relative to the file "
                                  "that names them", site, "write it relative to this file, or allow it with "
                                  "--allow-outside-root")
            if not _within(path, self.root):
                raise self._error("B003", f"{shorten(text)!r} leaves the project root {self.root}", site,
                                  "keep shared files inside the project, or allow it with --allow-outside-root")
        try:
            if not path.is_file():
                what = "is not a file" if path.exists() else "does not exist"
                raise self._error("B002", f"{shorten(display)} {what}", site)
        except (OSError, ValueError) as exc:  # a name too long, a folder that cannot be entered
            raise self._error("B002", f"cannot read {shorten(display)}: {getattr(exc, 'strerror', None) or exc}",
                              site) from None
        # a symlink out of the root is refused when the file is opened (read's check)
        return display, str(path)

    def _check_cycle(self, real: str, display: str, chain: tuple[tuple[str, str], ...],
                     site: tuple[str, Position], how: str) -> None:
        if len(chain) >= MAX_CHAIN:
            raise self._error("B006", f"more than {MAX_CHAIN} files extend or include one another in a chain",
                              site, "flatten the chain")
        seen = [path for path, _ in chain]
        target = os.path.realpath(real)
        if target in seen:
            cycle = [name for _, name in chain[seen.index(target):]] + [display]
            raise self._error("B001", f"{how} cycle: {' -> '.join(cycle)}", site,
                              "a file cannot extend or include itself, directly or through others")

    # -- ${VAR} -------------------------------------------------------------------------

    def interpolate(self, node: _Node, file: str, errors: list[Diagnostic]) -> None:
        if isinstance(node.value, dict):
            for child in node.value.values():
                self.interpolate(child, file, errors)
        elif isinstance(node.value, list):
            for child in node.value:
                self.interpolate(child, file, errors)
        elif isinstance(node.value, str) and "$" in node.value:
            names: list[str] = []

            def substitute(match: re.Match) -> str:
                if match.group() == "$$":
                    return "$"
                name, default = match.group(1), match.group(2)
                value = self.env.get(name)
                if value is None or (value == "" and default is not None):
                    if default is None:
                        errors.append(self._diagnostic("B004", f"environment variable {name} is not set",
                                                       (file, node.position),
                                                       f"set {name}, or give a default: ${{{name}:-...}}"))
                        return match.group()
                    return default
                names.append(name)
                self.expanded += len(value)
                if self.expanded > BUILD_BYTES * self.options.limits.max_bytes:
                    raise self._error("B006", f"${{VAR}} references add more than "
                                      f"{BUILD_BYTES * self.options.limits.max_bytes:,} characters to the config",
                                      (file, node.position), "refer to a long value once")
                if len(value) >= REDACT_FROM and value not in schema_text():
                    self.redactions[value] = f"${{{name}}}"
                return value

            written = node.value
            broken = [m.group() for m in _ANY_REFERENCE.finditer(_REFERENCE.sub("", written))]
            broken += [m.group() for m in _REFERENCE.finditer(written) if m.group(2) and "${" in m.group(2)]
            if broken:
                errors.append(self._diagnostic("B005", f"{broken[0]!r} is not a valid ${{VAR}} reference",
                                               (file, node.position),
                                               "write ${NAME} or ${NAME:-default}; $$ for a literal $"))
                return
            node.value = _REFERENCE.sub(substitute, written)
            if node.value != written:  # kept as written: shown wherever an expanded value could leak
                node.template = written
            if names:
                node.position = replace(node.position, origin=", ".join(f"${{{n}}}" for n in names))
            else:
                unset = [f"${{{m.group(1)}}}" for m in _REFERENCE.finditer(written) if m.group(1)]
                if unset:
                    node.position = replace(node.position, origin=f"{', '.join(unset)} not set: the default")

    # -- {$file: path} ------------------------------------------------------------------

    def include(self, node: _Node, file: str, chain: tuple[tuple[str, str], ...], depth: int) -> _Node:
        value = node.value
        if isinstance(value, dict):
            if INCLUDE in value:
                return self._included(node, file, chain, depth)
            for key, child in value.items():
                included = self.include(child, file, chain, depth + 1)
                if included is not child:  # the key stays where it was written, in this file
                    included.position = replace(included.position, key_line=child.position.key_line,
                                                key_column=child.position.key_column,
                                                key_file=child.position.file or file)
                value[key] = included
        elif isinstance(value, list):
            items: list[_Node] = []
            for child in value:
                included = self.include(child, file, chain, depth + 1)
                spliced = isinstance(child.value, dict) and INCLUDE in child.value and isinstance(included.value, list)
                items.extend(included.value if spliced else [included])
            node.value = items
        return node

    def _included(self, node: _Node, file: str, chain: tuple[tuple[str, str], ...], depth: int) -> _Node:
        reference = node.value[INCLUDE]
        site = (file, node.position)
        if len(node.value) != 1:
            raise self._error("B005", f"{{{INCLUDE}: ...}} must be the only key of its mapping", site,
                              f"move the other keys into the included file, or drop {INCLUDE}")
        display, real = self.resolve(reference, file)
        self._check_cycle(real, display, chain, (file, reference.position), "include")
        self.parts.add(os.path.realpath(real))
        where = f"included at {file}:{reference.position.line}:{reference.position.column}"
        suffix = Path(real).suffix.lower()
        if suffix in TEXT_SUFFIXES:  # a prompt: its text as written, never interpolated
            _, text = self.read(real, display, (file, reference.position))
            return _Node(text, Position(1, 1, file=display, origin=where))
        if suffix not in DATA_SUFFIXES:
            raise self._error("B005", f"cannot include {display}: a prompt must be .md or .txt, data .yaml, "
                              ".yml or .json", (file, reference.position))
        document = self.load(real, display, site, require_mapping=False)
        nesting = max(map(len, document.positions), default=0)
        limit = self.options.limits.max_depth
        if depth + nesting > limit:
            raise self._error("L005", f"with {display} included here, the config nests {depth + nesting} levels "
                              f"deep; the limit is {limit}, counting every file it includes",
                              (file, reference.position), "include it nearer the top, or nest less in it")
        included = self.prepared(document, chain + ((os.path.realpath(real), display),), depth)
        included.position = replace(included.position, origin=where)
        return included

    @staticmethod
    def _diagnostic(code: str, message: str, site: tuple[str, Position], hint: str | None = None) -> Diagnostic:
        file, position = site
        return Diagnostic(code, message, position.file or file, position.line, position.column, hint=hint)

    def _error(self, code: str, message: str, site: tuple[str, Position], hint: str | None = None) -> LoadError:
        return LoadError([self._diagnostic(code, message, site, hint)])


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents



# -- trees ---------------------------------------------------------------------------------


def _tree(value: Any, path: tuple, document: Document, parent: Position | None) -> _Node:
    """A document's data as _Nodes, each with its position (qualified with its file)."""
    written = document.positions.get(path)
    if written is not None:
        position = replace(written, file=written.file or document.name)
    else:
        position = parent or Position(1, 1, file=document.name)
    if isinstance(value, dict):
        value = {key: _tree(child, path + (key,), document, position) for key, child in value.items()}
    elif isinstance(value, list):
        value = [_tree(child, path + (index,), document, position) for index, child in enumerate(value)]
    return _Node(value, position)


def _flatten(node: _Node, path: tuple, positions: dict, templates: dict) -> Any:
    positions[path] = node.position
    if node.template is not None:
        templates[path] = node.template
    if isinstance(node.value, dict):
        return {key: _flatten(child, path + (key,), positions, templates) for key, child in node.value.items()}
    if isinstance(node.value, list):
        return [_flatten(child, path + (index,), positions, templates) for index, child in enumerate(node.value)]
    return node.value


def merge(base: _Node, over: _Node, top: bool = False) -> _Node:
    """`over` merged into `base` (see the module docstring); neither is changed."""
    if not (isinstance(base.value, dict) and isinstance(over.value, dict)):
        return over
    result = dict(base.value)
    for key, child in over.value.items():
        if top:  # the overlay's max_response_output_tokens replaces the base's max_output_tokens
            for twin in _twins(key):
                result.pop(twin, None)
        old = result.get(key)
        if old is None:
            result[key] = child
        elif top and key == "tools" and isinstance(old.value, list) and isinstance(child.value, list) and child.value:
            result[key] = _Node(_merge_tools(old.value, child.value), child.position)
        else:  # tools: [] in an overlay clears the base's tools, as it does in a session.update
            result[key] = merge(old, child)
    return _Node(result, over.position)


def _twins(key: str) -> list[str]:
    """The other spellings of a top-level field (x-rtcfg-alias-of in the schema)."""
    from ..schema.views import session_properties

    properties = session_properties()
    canonical = properties.get(key, {}).get("x-rtcfg-alias-of", key)
    return [name for name, schema in properties.items()
            if name != key and (name == canonical or schema.get("x-rtcfg-alias-of") == canonical)]


def _tool_name(tool: _Node) -> str | None:
    if not isinstance(tool.value, dict):
        return None
    for key in ("name", "server_label"):
        if key in tool.value and isinstance(tool.value[key].value, str):
            return f"{key}:{tool.value[key].value}"
    return None


def _merge_tools(base: list[_Node], over: list[_Node]) -> list[_Node]:
    result = list(base)
    index = {_tool_name(tool): i for i, tool in enumerate(result) if _tool_name(tool) is not None}
    for tool in over:
        name = _tool_name(tool)
        if name is not None and name in index:
            result[index[name]] = merge(result[index[name]], tool)
        else:
            result.append(tool)
    return result


# -- --set path=value ----------------------------------------------------------------------

# one part of a --set path: a field (`.name`, no dot before the first) or a list index (`[2]`)
_SEGMENT = re.compile(r"(\.?)([^.\[\]]+)|\[(\d{1,9})\]")


def parse_override(text: str) -> tuple[tuple, Any]:
    """("turn_detection", "silence_duration_ms"), 400 for `turn_detection.silence_duration_ms=400`.
    The value is read as YAML (safely), so 400 is a number, `null` is null, `[a, b]` a list."""
    shown = shorten(text, 80)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 on the command line arrive as surrogates
        raise OverrideError(f"--set {shown!r}: not valid UTF-8") from None
    path_text, equals, value_text = text.partition("=")
    path_text = path_text.strip()
    if not equals or not path_text:
        raise OverrideError(f"--set {shown!r}: write path=value, e.g. turn_detection.silence_duration_ms=400")
    unreadable = OverrideError(f"--set {shown!r}: cannot read the path {shorten(path_text)!r}; write fields "
                               "separated by dots and list indexes in brackets, e.g. tools[0].name")
    path: list[Any] = []
    position = 0
    while position < len(path_text):
        match = _SEGMENT.match(path_text, position)
        if match is None or (match.group(2) is not None and bool(match.group(1)) != bool(path)):
            raise unreadable  # a dot is needed between fields, and none before the first
        path.append(match.group(2) if match.group(2) is not None else int(match.group(3)))
        if len(path) > MAX_OVERRIDE_PARTS:
            raise OverrideError(f"--set {shown!r}: the path has more than {MAX_OVERRIDE_PARTS} parts")
        position = match.end()
    if not isinstance(path[0], str):
        raise unreadable
    try:
        value = loader.parse(value_text, "--set", "yaml", require_mapping=False).data
    except LoadError as exc:
        raise OverrideError(f"--set {shown!r}: the value is not valid YAML: {exc}") from None
    return tuple(path), value


def _apply_override(root: _Node, text: str) -> None:
    path, value = parse_override(text)
    position = Position(None, None, file="--set", origin=f"--set {text}")
    text = shorten(text, 80)  # as the messages below quote it
    node = root
    for depth, part in enumerate(path):
        container, shown = node.value, format_path(path[:depth + 1])
        last = depth == len(path) - 1
        if isinstance(part, int):
            if not isinstance(container, list) or not -len(container) <= part < len(container):
                raise OverrideError(f"--set {text!r}: there is no {shown}")
            if last:
                container[part] = _override_tree(value, position)
                return
            node = container[part]
        elif isinstance(container, dict):
            if depth == 0:
                for twin in _twins(part):
                    container.pop(twin, None)
            if last:
                container[part] = _override_tree(value, position)
                return
            node = container.setdefault(part, _Node({}, position))
        else:
            raise OverrideError(f"--set {text!r}: {format_path(path[:depth])} is a list; "
                                f"write {format_path(path[:depth])}[N]")
        if node.value is None:  # setting a field of a feature that is off turns it on
            node.value = {}
        elif not isinstance(node.value, (dict, list)):
            raise OverrideError(f"--set {text!r}: {shown} is {node.value!r}, not a mapping or list")


def _override_tree(value: Any, position: Position) -> _Node:
    if isinstance(value, dict):
        return _Node({k: _override_tree(v, position) for k, v in value.items()}, position)
    if isinstance(value, list):
        return _Node([_override_tree(v, position) for v in value], position)
    return _Node(value, position)
