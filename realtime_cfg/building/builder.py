"""Building one config: read each file it names (once), interpolate, include, merge over its
bases, apply overrides; the rules are in building/__init__.py."""

from __future__ import annotations

import os
import re
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from ..diagnostics import Diagnostic
from ..records import Record, replace
from ..report.masking import prepare_for_display, shorten
from ..source import loader
from ..source.document import Document, Limits, LoadError, Position
from ..source.problems import FILE_TOO_LARGE, NOT_A_MAPPING, TOO_DEEP
from .paths import project_root, real_root, referenced, within

# A config in one piece (the common case, and every file of a pre-commit run) needs none of
# the modules that build from parts: they are imported when a config names another part.
if TYPE_CHECKING:  # pragma: no cover
    from .nodes import Node
from .problems import BAD_REFERENCE, BUILD_TOO_LARGE, EXTENDS_CYCLE, MISSING_FILE, OUTSIDE_ROOT, at_site, error_at

EXTENDS = "extends"
INCLUDE = "$file"
TEXT_SUFFIXES = (".md", ".markdown", ".txt", ".text")
DATA_SUFFIXES = (".yaml", ".yml", ".json")
BUILT_FROM_PARTS = re.compile(r"\$\{|\$\$|\$file")  # text with none of these needs no building
# A build reads many files; these bound it as Limits bound one file, so that a chain of
# includes cannot do what a "billion laughs" alias bomb does.
MAX_CHAIN = 32  # files extending or including each other, one inside the next
MAX_BASES = 32  # files one `extends:` list names (each is merged over the ones before it)
BUILD_BYTES = 10  # times Limits.max_bytes, read in all, and again for what ${VAR} adds


class BuildOptions(Record):
    """How a config is built. `env` None: os.environ; `interpolate` False (--no-env): ${VAR}
    stays as written; `overrides`: "path=value", applied in order; `confine_source`: the config
    itself must be inside its project root too (a file found by walking a folder, where a
    symlink could point at ../../secrets.yaml; not one named on the command line). `texts`: a
    file's real path (or the name of a text never on disk, such as <stdin>) -> text to use
    instead of reading it: a fix's trial edits, checked in memory before anything is written
    (fixing/applying.py), and an editor's unsaved text (editor/workspace.py, which gives only
    files inside the project: no confinement check is made on these texts, and a file given
    here counts as existing); one file reached by two names is one key."""

    _fields = ("env", "interpolate", "overrides", "allow_outside_root", "limits", "confine_source", "texts")
    __slots__ = _fields

    def __init__(self, env: Mapping[str, str] | None = None, interpolate: bool = True,
                 overrides: Sequence[str] = (), allow_outside_root: bool = False, limits: Limits | None = None,
                 confine_source: bool = False, texts: Mapping[str, str] | None = None) -> None:
        self.env, self.interpolate, self.overrides, self.allow_outside_root = env, interpolate, overrides, allow_outside_root
        self.limits = Limits() if limits is None else limits
        self.confine_source, self.texts = confine_source, texts


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
    if not BUILT_FROM_PARTS.search(document.text) and EXTENDS not in document.data and not options.overrides:
        return document  # a config in one piece, the common case: nothing to build
    from .interpolation import normalized_forms
    from .nodes import flatten
    from .overrides import apply_override

    try:
        # stdin counts in the chain like a file (no real path: it can be in no cycle)
        here = (loader.STDIN_NAME if stdin else os.path.realpath(start), document.name)
        node = builder.config(document, chain=(here,))
    except LoadError as exc:  # point into whichever file is at fault, env values hidden
        prepare_for_display(exc.diagnostics, builder.sources, builder.redactions)
        raise
    for override in options.overrides:
        apply_override(node, override)
    positions: dict[tuple, Position] = {}
    templates: dict[tuple, str] = {}
    data = flatten(node, (), positions, templates)
    sources = {name: text for name, text in builder.sources.items() if name != document.name}
    redactions = {**builder.redactions, **normalized_forms(data, templates, builder.redactions)}
    return Document(document.name, data, positions, document.text, document.format, sources,
                    redactions, templates, frozenset(builder.parts))


class _Builder:
    def __init__(self, options: BuildOptions, start: Path) -> None:
        self.options = options
        self.start = start
        self.sources: dict[str, str] = {}
        self.bytes_read = 0
        self.values = 0
        self.parts: set[str] = set()
        # each file is read and parsed once however often it is included (an include bomb
        # costs its files, not its expansion); the limits still count every use
        self._parsed: dict[tuple[str, str | None, bool, bool], tuple[int, Document]] = {}
        self._texts: dict[tuple[str, str], tuple[str, int]] = {}

    @cached_property
    def interpolate(self):
        """Expands ${VAR} (building/interpolation.py), counting what it adds across the build."""
        from .interpolation import Interpolator

        return Interpolator(os.environ if self.options.env is None else self.options.env,
                            BUILD_BYTES * self.options.limits.max_bytes)

    @property
    def redactions(self) -> dict[str, str]:
        return self.interpolate.redactions

    @cached_property
    def root(self) -> Path:
        """The project root, looked for only when a config names another file."""
        return project_root(self.start)

    # -- files ------------------------------------------------------------------------

    def read(self, source: str | os.PathLike, display: str | None, site: tuple[str, Position] | None,
             confine: bool = True) -> tuple[str, str, int]:
        """(name, text, size in bytes) of one file. One that cannot be read is B002 at the place that named it;
        one that is not inside the project root, B003 (checked on the file that was opened)."""
        given = self.options.texts
        if given is not None:
            name = display or (loader.STDIN_NAME if str(source) == loader.STDIN else str(source))
            key = os.path.realpath(source) if loader.on_disk(name) else name
            if key in given:  # a fix's edit of a file read before, or an editor's text
                text = given[key]
                size = len(text.encode("utf-8", "surrogatepass"))
                if size > self.options.limits.max_bytes:  # as if it were read: a fix must not outgrow the limit
                    raise LoadError([FILE_TOO_LARGE.diagnostic(
                        f"file is {size:,} bytes, over the {self.options.limits.max_bytes:,}-byte limit", name, 1, 1)])
                self._spend(size, 0, site)
                self.sources[name] = text
                return name, text, size
        check = None
        if confine and not self.options.allow_outside_root:
            check = self._confinement(source, display or str(source), site)
        try:
            name, raw = loader.read_bytes(source, self.options.limits, check)
            name = display or name
            text = loader.decode(raw, name)
        except LoadError as exc:
            if site is None or exc.diagnostics[0].code == OUTSIDE_ROOT.code:
                raise
            reason = exc.diagnostics[0].message.removeprefix(f"cannot read {source}: ")
            raise error_at(MISSING_FILE, f"cannot read {display}: {reason}", site) from None
        self._spend(len(raw), 0, site)
        self.sources[name] = text
        return name, text, len(raw)

    def text(self, source: str, display: str, site: tuple[str, Position]) -> str:
        """A text file's content (a prompt), read once however often it is included."""
        key = (os.path.realpath(source), display)
        if key in self._texts:
            text, size = self._texts[key]
            self._spend(size, 0, site)
            return text
        _, text, size = self.read(source, display, site)
        self._texts[key] = (text, size)
        return text

    def _confinement(self, source: str | os.PathLike, display: str, site: tuple[str, Position] | None):
        """A check of an open file: the file opened is the one its name resolves to now, and that
        is inside the project root. A symlink swapped between the two is caught either way."""
        def check(fd: int) -> None:
            root = real_root(self.start)
            real = os.path.realpath(source)
            try:
                same = os.path.samestat(os.fstat(fd), os.stat(real))
            except OSError:
                same = False
            if same and within(Path(real), root):
                return
            why = (f"{display} is a symlink that points out of the project root {self.root}" if same
                   else f"{display} changed while it was opened")
            diagnostic = (at_site(OUTSIDE_ROOT, why, site, "copy the file into the project, or allow it with "
                                           "--allow-outside-root") if site is not None
                          else OUTSIDE_ROOT.diagnostic(why + "; not read", display,
                                          hint="name the file to check it, or allow it with --allow-outside-root"))
            raise LoadError([diagnostic])
        return check

    def load(self, source: str | os.PathLike, display: str | None, site: tuple[str, Position] | None,
             require_mapping: bool, confine: bool = True) -> Document:
        key = (os.path.realpath(source), display, require_mapping, confine) if site is not None else None
        if key in self._parsed:  # read before: the limits count it again, the disk and parser do not
            size, document = self._parsed[key]
            self._spend(size, len(document.positions), site)
            return document
        name, text, size = self.read(source, display, site, confine)
        document = loader.parse(text, name, loader.guess_format(name, text), self.options.limits, require_mapping)
        self._spend(0, len(document.positions), site)
        if key is not None:
            self._parsed[key] = (size, document)
        return document

    def _spend(self, size: int, values: int, site: tuple[str, Position] | None) -> None:
        self.bytes_read += size
        self.values += values
        limits = self.options.limits
        if site is not None and (self.bytes_read > BUILD_BYTES * limits.max_bytes or self.values > limits.max_nodes):
            raise error_at(BUILD_TOO_LARGE, f"the config's parts add up to more than {BUILD_BYTES * limits.max_bytes:,} "
                              f"bytes or {limits.max_nodes:,} values", site,
                              "include each file once; a file included by many is read each time")

    def config(self, document: Document, chain: tuple[tuple[str, str], ...]) -> Node:
        """A config file's tree: interpolated, includes replaced, merged over its bases."""
        node = self.prepared(document, chain)
        if not isinstance(node.value, dict):  # the whole config was {$file: ...} of something else
            raise error_at(NOT_A_MAPPING, "the top level is not a mapping; a session config is a mapping of session "
                              "fields", (document.name, node.position))
        reference = node.value.pop(EXTENDS, None)
        if reference is None:
            return node
        references = reference.value if isinstance(reference.value, list) else [reference]
        if not references or not all(isinstance(r.value, str) for r in references):
            raise error_at(BAD_REFERENCE, "extends takes a file name or a list of file names",
                              (document.name, reference.position))
        if len(references) > MAX_BASES:
            raise error_at(BUILD_TOO_LARGE, f"extends names {len(references):,} files; at most {MAX_BASES} are merged",
                              (document.name, reference.position), "merge some of the bases into one")
        from .merge import merge

        merged: Node | None = None
        for item in references:
            written_in = item.position.file or document.name  # extends may come from an included file
            display, real = self.resolve(item, written_in)
            site = (written_in, item.position)
            self._check_cycle(real, display, chain, site, "extends")
            base_document = self.load(real, display, site, require_mapping=True)
            base = self.config(base_document, chain + ((os.path.realpath(real), display),))
            merged = base if merged is None else merge(merged, base, top=True)
        return merge(merged, node, top=True)

    def prepared(self, document: Document, chain: tuple[tuple[str, str], ...], depth: int = 0) -> Node:
        """A file's tree, interpolated, its includes replaced; `depth` is how deep in the
        config it is included (the nesting of all its files counts against Limits.max_depth)."""
        from .nodes import tree

        node = tree(document.data, (), document, None)
        if self.options.interpolate:
            errors: list[Diagnostic] = []
            self.interpolate(node, document.name, errors)
            if errors:
                raise LoadError(errors)
        return self.include(node, document.name, chain, depth)

    def resolve(self, reference: Node, including: str) -> tuple[str, str]:
        """(display name, path to open) of a file named in `including`; B003 if the path
        leaves the project root, B002 if there is no such file."""
        site = (including, reference.position)
        text = reference.value
        if not isinstance(text, str) or not text.strip():
            raise error_at(BAD_REFERENCE, "a file name must be a non-empty string", site)
        if reference.template is not None:
            # a path from the environment would make diagnostics name files that differ per
            # machine, and could show the environment's value; paths are written out
            raise error_at(BAD_REFERENCE, "a file name cannot use ${VAR}", site,
                              "name the file; keep one overlay per environment instead")
        stdin = including == loader.STDIN_NAME
        path = Path(os.path.normpath(Path.cwd() / text)) if stdin else referenced(including, text)
        display = text if stdin else os.path.normpath(os.path.join(os.path.dirname(including), text))
        if not self.options.allow_outside_root:
            if os.path.isabs(text):
                raise error_at(OUTSIDE_ROOT, f"{shorten(text)!r} is an absolute path; paths are relative to the file "
                                  "that names them", site, "write it relative to this file, or allow it with "
                                  "--allow-outside-root")
            if not within(path, self.root):
                raise error_at(OUTSIDE_ROOT, f"{shorten(text)!r} leaves the project root {self.root}", site,
                                  "keep shared files inside the project, or allow it with --allow-outside-root")
        try:
            if self.options.texts and os.path.realpath(path) in self.options.texts:
                return display, str(path)  # an editor's text, not yet saved (perhaps never on disk)
            if not path.is_file():
                what = "is not a file" if path.exists() else "does not exist"
                raise error_at(MISSING_FILE, f"{shorten(display)} {what}", site)
        except (OSError, ValueError) as exc:  # a name too long, a folder that cannot be entered
            raise error_at(MISSING_FILE, f"cannot read {shorten(display)}: {getattr(exc, 'strerror', None) or exc}",
                              site) from None
        # a symlink out of the root is refused when the file is opened (read's check)
        return display, str(path)

    def _check_cycle(self, real: str, display: str, chain: tuple[tuple[str, str], ...],
                     site: tuple[str, Position], how: str) -> None:
        if len(chain) >= MAX_CHAIN:
            raise error_at(BUILD_TOO_LARGE, f"more than {MAX_CHAIN} files extend or include one another in a chain",
                              site, "flatten the chain")
        seen = [path for path, _ in chain]
        target = os.path.realpath(real)
        if target in seen:
            cycle = [name for _, name in chain[seen.index(target):]] + [display]
            raise error_at(EXTENDS_CYCLE, f"{how} cycle: {' -> '.join(cycle)}", site,
                              "a file cannot extend or include itself, directly or through others")


    # -- {$file: path} ------------------------------------------------------------------

    def include(self, node: Node, file: str, chain: tuple[tuple[str, str], ...], depth: int) -> Node:
        value = node.value
        if isinstance(value, dict):
            if INCLUDE in value:
                return self._included(node, file, chain, depth)
            for key, child in value.items():
                included = self.include(child, file, chain, depth + 1)
                if included is not child:  # the key stays where it was written, in this file
                    included.position = replace(included.position, key_line=child.position.key_line,
                                                key_column=child.position.key_column,
                                                key_file=child.position.file or file,
                                                key_start=child.position.key_start,
                                                key_end=child.position.key_end)
                value[key] = included
        elif isinstance(value, list):
            items: list[Node] = []
            for child in value:
                included = self.include(child, file, chain, depth + 1)
                spliced = isinstance(child.value, dict) and INCLUDE in child.value and isinstance(included.value, list)
                items.extend(included.value if spliced else [included])
            node.value = items
        return node

    def _included(self, node: Node, file: str, chain: tuple[tuple[str, str], ...], depth: int) -> Node:
        reference = node.value[INCLUDE]
        site = (file, node.position)
        if len(node.value) != 1:
            raise error_at(BAD_REFERENCE, f"{{{INCLUDE}: ...}} must be the only key of its mapping", site,
                              f"move the other keys into the included file, or drop {INCLUDE}")
        display, real = self.resolve(reference, file)
        self._check_cycle(real, display, chain, (file, reference.position), "include")
        self.parts.add(os.path.realpath(real))
        where = f"included at {file}:{reference.position.line}:{reference.position.column}"
        suffix = Path(real).suffix.lower()
        if suffix in TEXT_SUFFIXES:  # a prompt: its text as written, never interpolated
            from .nodes import Node

            return Node(self.text(real, display, (file, reference.position)), Position(1, 1, file=display,
                                                                                    origin=where))
        if suffix not in DATA_SUFFIXES:
            raise error_at(BAD_REFERENCE, f"cannot include {display}: a prompt must be .md or .txt, data .yaml, "
                              ".yml or .json", (file, reference.position))
        document = self.load(real, display, site, require_mapping=False)
        nesting = max(map(len, document.positions), default=0)
        limit = self.options.limits.max_depth
        if depth + nesting > limit:
            raise error_at(TOO_DEEP, f"with {display} included here, the config nests {depth + nesting} levels "
                              f"deep; the limit is {limit}, counting every file it includes",
                              (file, reference.position), "include it nearer the top, or nest less in it")
        included = self.prepared(document, chain + ((os.path.realpath(real), display),), depth)
        included.position = replace(included.position, origin=where)
        return included
