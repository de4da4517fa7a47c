"""The library API: the same steps the CLI runs, for applications and scripts.

    import realtime_cfg
    event = realtime_cfg.load_session("agent.yaml", target="ga", envelope=True)
    await connection.send(event)          # the exact payload `rtcfg render` prints

Every function raises instead of printing: LoadError when a file cannot be
read or parsed, ConfigError when a config has errors (both carry diagnostics).
Warnings (a field the target leaves out, T002) are issued as RtcfgWarning with
Python's warnings module, so nothing is dropped silently.

`target` is "beta" or "ga"; None means the config's own shape (a flat file is
beta, a GA-shaped file is GA). Project settings ([tool.rtcfg]) are the CLI's
business: the library takes its arguments as given.
"""

from __future__ import annotations

import os
import warnings
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from . import pipeline
from .building.builder import BuildOptions
from .diagnostics import ConfigError, Diagnostic
from .records import replace
from .source import loader
from .source.document import Document, Limits

if TYPE_CHECKING:  # pipeline imports diffing and migration where used: `rtcfg validate` needs neither  # pragma: no cover
    from .fixing.applying import FixResult
    from .output.diffing import Change
    from .output.migration import MigrationNote


class RtcfgWarning(UserWarning):
    """A warning diagnostic from rendering (e.g. temperature left out of a GA payload)."""


def load(source: str | os.PathLike, *, limits: Limits | None = None) -> Document:
    """Read one YAML or JSON file ("-" for stdin) as written, keeping every value's
    position: no `extends`, `$file` or `${VAR}` is resolved (that is `build`).

    Raises LoadError (with diagnostics) if it cannot be read or parsed."""
    return loader.load(source, limits)


def loads(text: str, *, name: str = "<string>", format: str = "yaml",
          limits: Limits | None = None) -> Document:
    """Parse config text ("yaml" or "json"). Raises LoadError."""
    return loader.parse(text, name, format, limits)


def build(source: str | os.PathLike, *, env: Mapping[str, str] | None = None, interpolate: bool = True,
          overrides: Sequence[str] = (), allow_outside_root: bool = False, limits: Limits | None = None) -> Document:
    """Load a config and build it from its parts: `extends` overlays, `{$file: path}`
    includes, `${VAR}` from `env` (default: os.environ; interpolate=False leaves them as
    written) and `overrides` ("path=value", as `--set`). See realtime_cfg.building.

    Raises LoadError if it cannot be built (diagnostics point into the file at fault)
    and building.overrides.OverrideError for an override that does not apply."""
    return pipeline.load(source, BuildOptions(env, interpolate, overrides, allow_outside_root, limits or Limits()))


def check_file(source: str | os.PathLike, *, limits: Limits | None = None, target: str | None = None,
               strict: bool = False, options: BuildOptions | None = None,
               known: Mapping[str, Sequence[str]] | None = None,
               ignore: Sequence[str] = ()) -> tuple[Document | None, list[Diagnostic]]:
    """Build and validate one config without raising for anything its files hold: what
    `rtcfg validate` reports for it.

    Returns (document, diagnostics); document is None when it could not be read,
    parsed or built, and the diagnostics then say why. Findings the file suppresses
    (`# rtcfg: ignore[CODE]`) or `ignore` lists are left out. `limits`, if given, wins over
    those in `options`. `known` as for `validate`. An internal error (a bug in rtcfg) is
    the file's F003 finding, so a run over many files still checks the others. Raises
    ValueError/TypeError for a bad target or `known`, OverrideError for a bad override."""
    options = options or BuildOptions()
    if limits is not None:
        options = replace(options, limits=limits)
    checked = pipeline.check(source, pipeline.Options(target, strict, tuple(ignore), known, options))
    return checked.document, checked.findings


def fix(source: str | os.PathLike, *, unsafe: bool = False, write: bool = False, target: str | None = None,
        strict: bool = False, known: Mapping[str, Sequence[str]] | None = None, ignore: Sequence[str] = (),
        options: BuildOptions | None = None) -> FixResult:
    """Apply the fixes of a config's findings (`rtcfg validate --fix`; with unsafe, also
    `--unsafe-fixes`), editing the text where each value is written: comments, order, quoting
    and blank lines stay as they are. Each fix is checked to remove its finding and add none.

    `source` is a path (an os.PathLike always; a str without a line break that names a file or
    ends in .yaml, .yml or .json, so that a mistyped name is F001, not text) or else config text
    (YAML, or JSON if it starts with `{`). Texts are as decoded: a file's byte order mark is kept
    when it is written, not in `.text`. Returns a FixResult: `.text` (the
    new text), `.changed` (file -> new text, files reached through extends and $file included),
    `.applied` and `.skipped` (finding, why) fixes, `.remaining` findings. Nothing is written
    unless write=True (each changed file atomically; ValueError for text, and OSError if a file
    cannot be written or changed on disk since it was read). Other arguments as for check_file."""
    from .fixing.applying import write as write_files

    texts, mark = None, ""
    if not isinstance(source, os.PathLike) and ("\n" in source or "\r" in source or not (
            os.path.isfile(source) or source.lower().endswith(loader.CONFIG_SUFFIXES))):
        if write:
            raise ValueError("fix(write=True) needs a path: text has no file to write")
        # read as a file is: without its byte order mark (JSON is told by its first `{`)
        mark = "\ufeff" if source.startswith("\ufeff") else ""
        texts, source = {loader.TEXT_NAME: source.removeprefix("\ufeff")}, loader.TEXT_NAME
    build = options or BuildOptions()
    result = pipeline.fix(source, pipeline.Options(target, strict, tuple(ignore), known, build), unsafe, texts)
    if mark and source in result.texts:
        for version in (result.texts, result.original):  # the text as given, its byte order mark too
            version[source] = mark + version[source]
    if write:
        failed = write_files(result)
        if failed:
            file, why = failed[0]
            raise OSError(f"{file} was not written: {why}")
    return result


def _as_document(config: Document | Mapping[str, Any]) -> Document:
    if isinstance(config, Document):
        return config
    return Document("<data>", dict(config))


def validate(config: Document | Mapping[str, Any], *, target: str | None = None, strict: bool = False,
             known: Mapping[str, Sequence[str]] | None = None, ignore: Sequence[str] = ()) -> list[Diagnostic]:
    """Every problem in a config (errors and warnings), sorted by position. Never raises for bad data.

    Findings the file suppresses (`# rtcfg: ignore[CODE]` on their line) or `ignore` lists are
    left out, as `rtcfg validate` leaves them out. `known` adds your own names to the sets the
    API leaves open, by set: `{"models": [...], "voices": [...], "transcription-models": [...]}`
    (an Azure deployment name, say), as [tool.rtcfg] does for the CLI."""
    return pipeline.check_document(_as_document(config), pipeline.Options(target, strict, tuple(ignore), known)).findings


def _valid(document: Document, target: str | None, strict: bool = False,
           known: Mapping[str, Sequence[str]] | None = None, ignore: Sequence[str] = ()) -> pipeline.Checked:
    """The document checked: ConfigError on errors; warnings issued as RtcfgWarning. With no
    target, only what holds for every target is checked."""
    checked = pipeline.check_document(document, pipeline.Options(target, strict, tuple(ignore), known),
                                      check_target=target is not None)
    if checked.errors:
        raise ConfigError(checked.errors)
    for diagnostic in checked.findings:
        warnings.warn(f"{diagnostic.file}: {diagnostic.code} {diagnostic.message}", RtcfgWarning, stacklevel=3)
    return checked


def normalize(config: Document | Mapping[str, Any]) -> dict:
    """Validate, then return the canonical form (see realtime_cfg.targets.canonical): the
    flat session, whichever shape the config is written in. A transcription session has no
    flat form: its canonical form is its GA session.

    Raises ConfigError, carrying the errors, if the config has any."""
    return pipeline.canonical(_valid(_as_document(config), None))


def render(config: Document | Mapping[str, Any], *, target: str | None = None, envelope: bool = False,
           event_id: str | None = None, strict: bool = False,
           known: Mapping[str, Sequence[str]] | None = None, ignore: Sequence[str] = ()) -> dict:
    """The payload for `target`; with envelope (or an event_id), the whole
    `session.update` client event. Raises ConfigError if the config is invalid
    for that target (with strict, also if the target would leave a field out).
    `known` and `ignore` as for `validate` (fewer RtcfgWarnings for your own model names)."""
    document = _as_document(config)
    session, _ = pipeline.session(_valid(document, target or document.shape, strict, known, ignore))
    return pipeline.event(session, event_id) if envelope or event_id is not None else session


def load_session(source: str | os.PathLike, *, target: str | None = None, envelope: bool = False,
                 event_id: str | None = None, strict: bool = False, limits: Limits | None = None,
                 known: Mapping[str, Sequence[str]] | None = None, ignore: Sequence[str] = ()) -> dict:
    """build + validate + normalize + render in one call: what an application sends
    (overlays and includes resolved, ${VAR} from the environment)."""
    return render(build(source, limits=limits), target=target, envelope=envelope, event_id=event_id, strict=strict,
                  known=known, ignore=ignore)


def diff(old: Document | Mapping[str, Any], new: Document | Mapping[str, Any], *,
         target: str | None = None, strict: bool = False, known: Mapping[str, Sequence[str]] | None = None,
         ignore: Sequence[str] = ()) -> list[Change]:
    """Differences between two configs after normalization, tools matched by name.
    A flat file and a GA file that mean the same thing have none."""
    old, new = _as_document(old), _as_document(new)
    target = target or pipeline.comparison_target(old, new)
    return pipeline.changes(_valid(old, target, strict, known, ignore), _valid(new, target, strict, known, ignore))


def migrate(config: Document | Mapping[str, Any], *, to: str = "ga", strict: bool = False,
            known: Mapping[str, Sequence[str]] | None = None,
            ignore: Sequence[str] = ()) -> tuple[dict, list[MigrationNote]]:
    """The config in shape `to` ("ga" or "beta") and a note for every field that moved,
    changed spelling, was added or could not be carried over. A value a ${VAR} made is
    written as the ${VAR}, as `rtcfg migrate` writes it. Raises ConfigError if the config is
    invalid or has a field `to` cannot carry (with strict, also one it would drop), and
    pipeline.LeakError (a ValueError) where a reshaped value would carry an environment value."""
    return pipeline.migrate(_valid(_as_document(config), to, strict, known, ignore), to)


class Answered:
    """What `ask_server` learned about one config (what `rtcfg check --live` reports for it)."""

    __slots__ = ("name", "findings", "outcome", "sent", "effective", "changes")

    def __init__(self, name: str, findings: list[Diagnostic], outcome: str, sent: dict | None,
                 effective: dict | None, changes: list[Change]) -> None:
        self.name = name
        self.findings = findings  # rtcfg's own and the server's (A, F005, F006), masked as reports are
        self.outcome = outcome  # accepted, rejected, refused, no answer, or not sent (it has errors)
        self.sent = sent  # the payload sent (None: not sent)
        self.effective = effective  # the session the server applied (accepted only; no client secret)
        self.changes = changes  # sent -> effective, as `rtcfg check --live --diff` shows them

    def __repr__(self) -> str:
        return f"Answered({self.name!r}, {self.outcome!r}, {len(self.findings)} findings)"


def ask_server(sources: Sequence[str | os.PathLike], *, endpoint: str | None = None,
               api_key_env: str | None = None, auth: str | None = None, target: str | None = None,
               strict: bool = False, known: Mapping[str, Sequence[str]] | None = None, ignore: Sequence[str] = (),
               options: BuildOptions | None = None, timeout: float = 30.0, connect_timeout: float = 10.0,
               retries: int = 2, jobs: int = 4, environ: Mapping[str, str] | None = None) -> list[Answered]:
    """Send each config to a real server and compare its answer (`rtcfg check --live`; the
    README's "Ask the real server" says what is sent and what it costs). `endpoint`: OpenAI's
    client_secrets by default, or an https:// or wss:// URL (wss needs `rtcfg[live]`); the key
    is read from `environ` (os.environ by default): `api_key_env`'s variable, or the endpoint's
    own. `sources` are files, folders (searched as `rtcfg check` searches them) or "-". The
    endpoint decides the shape where it can (`target` may only agree). `effective` and
    `changes` are masked as reports are; `sent` is the payload as the application sends it.
    Never raises for what a config holds or a server answers (those are findings); raises
    ValueError for an endpoint, key or target that cannot be used, TypeError for a single path
    (give a list), and ImportError for wss:// without the extra."""
    from .source.problems import no_configs_in

    if isinstance(sources, (str, bytes, os.PathLike)):
        raise TypeError("ask_server takes a list of paths: ask_server([path])")
    server = pipeline.live_endpoint(endpoint, auth)
    checking = pipeline.Options(pipeline.live_target(server, target), strict, tuple(ignore), known,
                                options or BuildOptions())
    key = pipeline.live_key(server, api_key_env, os.environ if environ is None else environ)
    found = loader.discover([os.fspath(source) for source in sources])
    configs = [(pipeline.check(path, checking.but(build=replace(checking.build, confine_source=path in found.walked))),
                checking) for path in found.files]
    parts = {part for checked, _ in configs if checked.document for part in checked.document.parts}
    answered = [Answered(folder, [no_configs_in(folder)], "not sent", None, None, []) for folder in found.empty]
    for asked in pipeline.ask_server(configs, server, key, connect_timeout=connect_timeout, timeout=timeout,
                                     retries=retries, jobs=jobs):
        if pipeline.real_name(asked.checked.name) in parts:  # taken in with $file: no config of its own
            continue
        effective, changes = pipeline.applied(asked, key)
        outcome = asked.outcome.label if asked.outcome is not None else "not sent"
        answered.append(Answered(asked.checked.name, asked.checked.findings, outcome, asked.sent, effective, changes))
    return answered
