"""The one way from a file to findings and payloads, shared by every command and the library:

    load ─▶ build ─▶ check ─▶ suppress ─▶ render │ explain │ diff │ migrate
    source/  building/  check/   check/         output/
                                    └──▶ fix (fixing/: edits checked again, then written)

`check` takes a file through the first four steps and returns a Checked: the document (if
it could be built), the findings a report shows, the ones its suppressions hid, and the
target it was checked for. The outputs take a Checked without errors. The CLI only turns
flags and [tool.rtcfg] into Options, calls these, and picks a reporter; realtime_cfg.api
does the same for applications, raising where the CLI prints.

Suppressions are the file's own statement: a `# rtcfg: ignore[CODE]` comment holds for the
library as for the CLI (so `render` and `load_session` agree on a file); the project's list
(`ignore`) comes with the options.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from .building.builder import BuildOptions, build
from .building.overrides import OverrideError
from .records import replace
from .check.rules.limits import capped
from .check.rules.open_sets import check_known
from .check.suppression import Suppressed, split
from .check.validation import validate
from .diagnostics import Diagnostic
from .source.document import Document, LoadError
from .source.loader import STDIN, STDIN_NAME, on_disk
from .source.problems import internal_error
from .targets import COMMON, display_name, target_module
from .targets.canonical import normalize, render_session

if TYPE_CHECKING:  # pragma: no cover
    from .fixing.applying import FixResult
    from .output.diffing import Change
    from .output.migration import MigrationNote
    from .output.provenance import Origin


class Options:
    """How to check a config: what the command-line flags and [tool.rtcfg] say. (Plain classes
    here, not dataclasses: a dataclass costs about half a millisecond of every start-up.)"""

    __slots__ = ("target", "strict", "ignore", "known", "build", "cap")

    def __init__(self, target: str | None = None, strict: bool = False, ignore: Sequence[str] = (),
                 known: Mapping[str, Sequence[str]] | None = None, build: BuildOptions | None = None,
                 cap: bool = True) -> None:
        self.target = target  # None: the config's own shape
        self.strict = strict  # a field the target would drop (T002) is an error
        self.ignore = tuple(ignore)  # codes the project suppresses
        self.known = known  # a project's own names for the open sets
        self.build = build  # how to build a file (None: the defaults)
        self.cap = cap  # list at most MAX_FINDINGS findings a file, and X001 for the rest

    def but(self, **changes: Any) -> Options:
        """A copy with some options changed."""
        values = {name: getattr(self, name) for name in self.__slots__}
        return Options(**{**values, **changes})

    def check(self) -> None:
        """Raise the caller's mistakes (ValueError/TypeError) before any file is read."""
        if self.target is not None:
            target_module(self.target)
        check_known(self.known)

    def __repr__(self) -> str:
        return "Options(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


class Checked:
    """One config after load, build, check and suppress."""

    __slots__ = ("name", "document", "findings", "suppressed", "target")

    def __init__(self, name: str, document: Document | None, findings: list[Diagnostic],
                 suppressed: list[Suppressed] | None = None, target: str | None = None) -> None:
        self.name = name  # as reports name it (<stdin> for "-")
        self.document = document  # None: it could not be read, parsed or built (findings say why)
        self.findings = findings  # what a report shows: every finding its suppressions leave
        self.suppressed = suppressed or []
        self.target = target  # the target it was checked for

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.findings if d.severity == "error"]

    @property
    def unreadable(self) -> bool:
        """It could not be read at all (F codes: exit code 2, not 1)."""
        return any(d.is_io_error for d in self.findings)

    @property
    def ok(self) -> bool:
        """Built, and no error left: its payload can be rendered."""
        return self.document is not None and not self.errors

    def __repr__(self) -> str:
        return f"Checked({self.name!r}, {len(self.findings)} findings, target={self.target!r})"


def load(source: str | os.PathLike, options: BuildOptions | None = None) -> Document:
    """Read and build one config ("-" for stdin). Raises LoadError, or OverrideError for a --set
    that does not apply (the caller's mistake, not the file's)."""
    return build(source, options or BuildOptions())


def check(source: str | os.PathLike, options: Options | None = None, contain_bugs: bool = True) -> Checked:
    """Load, build, check and suppress one config; never raises for what its files hold.

    With contain_bugs, an internal error (a bug in rtcfg) is the file's F003 finding, so a run
    over many files still checks the others."""
    options = options or Options()
    options.check()
    name = report_name(source)
    try:
        document = load(source, options.build)
    except LoadError as exc:
        return Checked(name, None, exc.diagnostics)
    except OverrideError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - see the docstring
        if not contain_bugs:
            raise
        return Checked(name, None, [internal_error(name, exc)])
    try:
        return check_document(document, options)
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001
        if not contain_bugs:
            raise
        return Checked(name, None, [internal_error(name, exc)])


def fix(source: str | os.PathLike, options: Options | None = None, unsafe: bool = False,
        texts: Mapping[str, str] | None = None) -> FixResult:
    """Check one config and apply the fixes its findings carry (safe ones; with unsafe, unsafe
    ones too), in memory: fixing/applying.py, whose `write` puts the result on disk. `texts`
    stands in for files (by the names reports give them), over the options' own `build.texts`
    (by real path: an editor's unsaved text). Never raises for what its files hold."""
    from .fixing.applying import FixResult, fix as apply_fixes

    options = options or Options()
    options.check()

    build = options.build or BuildOptions()

    def checked_with(edited: dict[str, str] | None) -> Checked:  # every finding: see validation.validate
        by_path = dict(build.texts or {})  # what the caller holds in memory (an editor's unsaved text)
        by_path.update({real_name(name): text for name, text in (edited or {}).items()})
        return check(source, options.but(build=replace(build, texts=by_path or None), cap=False))

    try:
        result = apply_fixes(checked_with, unsafe, dict(texts) if texts is not None else None)
        if options.cap and result.checked.document is not None:  # what is left, listed as check() lists it
            result.checked.findings = capped(result.checked.findings, result.name)
        return result
    except OverrideError:
        raise
    except (Exception, RecursionError, MemoryError) as exc:  # noqa: BLE001 - a bug in rtcfg, as in check()
        name = report_name(source)
        return FixResult(name, {}, {}, [], [], Checked(name, None, [internal_error(name, exc)]))


class FixRun:
    """`validate --fix` or `--diff` over many configs. --fix writes each config's fixes, all its
    files or none (when one cannot be, F004 and the config as it is on disk); --diff writes
    nothing and keeps the edits, so that later configs build on them (a base two configs share,
    by whatever names, is fixed once), for one diff of each changed file at the end."""

    def __init__(self, diff_only: bool, unsafe: bool) -> None:
        self.diff_only, self.unsafe = diff_only, unsafe
        # by real path: the name it is shown by, its text as read, and as fixed so far
        self.shown_as: dict[str, str] = {}
        self.before: dict[str, str] = {}
        self.after: dict[str, str] = {}

    def fix(self, source: str | os.PathLike, options: Options) -> tuple[Checked, int]:
        """(the config as the report shows it, how many findings were fixed)."""
        from .building.paths import real_root
        from .fixing.applying import not_written, write

        pending = {self.shown_as[real]: text for real, text in self.after.items()} if self.diff_only else None
        result = fix(source, options, self.unsafe, pending)
        if self.diff_only:
            for file, fixed_text in result.changed.items():
                real = real_name(file)
                self.shown_as.setdefault(real, file)
                self.before.setdefault(real, result.original[file])
                self.after[real] = fixed_text
        elif result.changed:
            start = Path(os.path.abspath(source)).parent if str(source) != STDIN else Path.cwd()
            refused = write(result, real_root(start))
            if refused:  # nothing of this config was written: report it as it is on disk
                result.first.findings = not_written(result, refused)
                return result.first, 0
        return result.checked, len(result.applied)

    def diff(self) -> str:
        """A unified diff of every file the run would change."""
        from .fixing.applying import unified_diff

        return "".join(unified_diff(self.shown_as[real], self.before[real], self.after[real])
                       for real in self.after if self.after[real] != self.before[real])


def check_document(document: Document, options: Options | None = None, check_target: bool = True) -> Checked:
    """Check and suppress a loaded config. Without check_target, only what holds for every
    target is checked (the canonical form of a config, which has no target yet)."""
    options = options or Options()  # validate raises the caller's mistakes itself
    found = validate(document, options.target, options.strict, check_target, options.known, options.cap)
    kept, suppressed = split(found, options.ignore)
    return Checked(document.name, document, kept, suppressed, options.target or document.shape)


def real_name(name: str) -> str:
    """What names a file a report names `name`, however it was reached: its real path (a text
    never on disk, <stdin>, keeps its name)."""
    return os.path.realpath(name) if on_disk(name) else name


def report_name(source: str | os.PathLike) -> str:
    """How reports name a source: its path, or <stdin> for "-"."""
    return STDIN_NAME if str(source) == STDIN else str(source)


def comparison_target(old: Document, new: Document) -> str:
    """The target two configs are compared in when none is given: their shape if they
    share it, else the one every config can be rendered for."""
    return old.shape if old.shape == new.shape else COMMON


# -- outputs: each takes a Checked that is ok ------------------------------------------------

def _valid(checked: Checked) -> Document:
    if not checked.ok:
        raise ValueError(f"{checked.name} has errors; it has no payload")
    return checked.document


def canonical(checked: Checked) -> dict:
    """The canonical form (targets/canonical.py): the flat session, whichever shape the config
    is written in; a transcription session has no flat form, so its own session."""
    document = _valid(checked)
    flat = normalize(document.data, document.shape)
    return flat if document.session_type == "realtime" else render_session(flat, document.shape)


def session(checked: Checked, with_defaults: bool = False) -> tuple[dict, set[tuple]]:
    """(the payload for the target it was checked for, the paths filled in with server defaults)."""
    document = _valid(checked)
    payload = render_session(normalize(document.data, document.shape), checked.target)
    if not with_defaults:
        return payload, set()
    from .output.defaults import with_defaults as fill

    return fill(payload, checked.target)


def event(payload: dict, event_id: str | None = None) -> dict:
    """The `session.update` client event around a payload (ValueError for a bad event_id)."""
    from .output.payload import envelope

    return envelope(payload, event_id)


def origins(checked: Checked, payload: dict, filled: set[tuple] = frozenset()) -> list[Origin]:
    """Where each field of the payload came from (`render --explain`)."""
    from .output.provenance import explain

    return explain(_valid(checked), payload, checked.target, filled)


def changes(old: Checked, new: Checked) -> list[Change]:
    """Differences between two configs' payloads, tools matched by name (both checked for one target)."""
    from .output.diffing import diff

    if old.target != new.target:
        raise ValueError("configs checked for different targets cannot be compared")
    return diff(session(old)[0], session(new)[0])


def rewritten(checked: Checked, payload: dict) -> list[Change]:
    """What rendering changed against the config as written (`render --diff`)."""
    from .output.diffing import diff

    return diff(_valid(checked).data, payload)


class Asked:
    """One config after `check --live`: the config (its findings now include the server's),
    the payload sent (None: not sent, it has errors) and what asking came to."""

    __slots__ = ("checked", "sent", "outcome")

    def __init__(self, checked: Checked, sent: dict | None = None, outcome=None) -> None:
        self.checked, self.sent, self.outcome = checked, sent, outcome


def live_endpoint(url: str | None, auth: str | None = None):
    """The server `check --live` asks (live/endpoints.Endpoint): --endpoint's URL, else OpenAI's
    client_secrets. Raises ValueError (live.endpoints.EndpointError) for a URL that cannot be
    used."""
    from .live.endpoints import endpoint

    return endpoint(url, auth)


def live_target(server, target: str | None) -> str | None:
    """The target to render for: the endpoint's shape where it decides one (a `target` that
    disagrees is a ValueError), else `target` (None: the project's or the file's own)."""
    if target is not None and server.shape is not None and target != server.shape:
        raise ValueError(f"{server.shown} takes {display_name(server.shape)} sessions; the "
                         f"{display_name(target)} shape cannot be sent there")
    return server.shape or target


def live_key(server, variable: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    """(the variable, the key) for the server: `variable`'s, else the endpoint's own. Raises
    ValueError (never quoting the key) when there is none or it cannot be sent."""
    from .live.endpoints import key

    return key(server, variable, environ)


def ask_server(configs: Sequence[tuple[Checked, Options]], endpoint, key: tuple[str, str], *,
               connect_timeout: float = 10.0, timeout: float = 30.0, retries: int = 2,
               jobs: int = 4) -> list[Asked]:
    """Send each config without errors, rendered as `session` renders it, to a server
    (live/endpoints.Endpoint; `key`: (its variable, its value)), a few at a time, and add what
    the answer says to its findings (in place), suppressed as the config's own are. Not sent:
    a config with errors, and a file another takes in with `$file` (a part, no config of its
    own). The key is shown nowhere: wherever it appears it is replaced by its variable's name.
    Raises ImportError for a WebSocket endpoint without the extra `rtcfg[live]`."""
    from .live.answers import findings, key_redactions
    from .live.asking import Request, Settings, ask_all
    from .report.masking import prepare_for_display

    if endpoint.kind == "websocket":
        import importlib.util

        if importlib.util.find_spec("websockets") is None:  # before any config is asked, not as each one's F005
            raise ImportError("a wss:// endpoint needs the live extra: pip install 'rtcfg[live]'", name="websockets")
    asked = [Asked(checked) for checked, _ in configs]
    parts = {part for checked, _ in configs if checked.document for part in checked.document.parts}
    ready = [(index, checked) for index, (checked, _) in enumerate(configs)
             if checked.ok and real_name(checked.name) not in parts]
    requests = [Request(session(checked)[0], checked.target, checked.document.session_type) for _, checked in ready]
    outcomes = ask_all(requests, endpoint, key[1], Settings(connect_timeout, timeout, retries, jobs))
    for (index, checked), request, outcome in zip(ready, requests, outcomes):
        document = checked.document
        found = findings(document, request.payload, checked.target, outcome, endpoint.shown)
        prepare_for_display(found, document.texts(), {**document.redactions, **key_redactions(key)})
        kept, suppressed = split(found, configs[index][1].ignore)
        checked.findings = checked.findings + kept
        checked.suppressed = checked.suppressed + suppressed
        asked[index] = Asked(checked, request.payload, outcome)
    return asked


def answer(asked: Asked, with_effective: bool, key: tuple[str, str]) -> dict:
    """What the server answered about one config, masked, for reports (report/live.py)."""
    from .live.answers import entry

    return entry(asked.checked.document, asked.sent, asked.outcome, key, with_effective)


def applied(asked: Asked, key: tuple[str, str]) -> tuple[dict | None, list[Change]]:
    """(the session the server applied, without the client secret; what changed from what was
    sent), masked as reports mask them, for a config the server accepted; (None, []) otherwise."""
    from .live.answers import masked, visible_changes

    effective = asked.outcome.effective if asked.outcome is not None else None
    if effective is None or asked.sent is None:
        return None, []
    document = asked.checked.document
    effective = masked({k: v for k, v in effective.items() if k != "client_secret"}, document, key)
    return effective, visible_changes(masked(asked.sent, document, key), effective)


class LeakError(ValueError):
    """A migrated config would hold the value of an environment variable, not its ${VAR}."""

    def __init__(self, variable: str) -> None:
        super().__init__(f"the migrated config would hold the value of {variable}, not {variable} itself")
        self.variable = variable


def migrate(checked: Checked, to: str) -> tuple[dict, list[MigrationNote]]:
    """The config in shape `to`, with every ${VAR} as written (never its value), and a note for
    each field that moved, changed spelling, was added or could not be carried over. Raises
    LeakError where a value was reshaped so that its ${VAR} cannot be put back."""
    from .output.migration import migrate as reshape
    from .output.provenance import as_written

    document = _valid(checked)
    migrated, notes = reshape(normalize(document.data, document.shape), document.shape, to)
    migrated = as_written(migrated, document, to)
    leaked = leaked_variable(migrated, document)
    if leaked:
        raise LeakError(leaked)
    return migrated, notes


def leaked_variable(value: Any, document: Document) -> str | None:
    """The ${VAR} whose value a key or string of `value` holds, if any."""
    if not document.redactions:
        return None
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            for secret, variable in document.redactions.items():
                if secret in item:
                    return variable
    return None
