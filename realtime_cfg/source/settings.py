"""Project settings: the `[tool.rtcfg]` table of a pyproject.toml.

Found the way ruff finds its settings: from the config file's folder upwards, the
first pyproject.toml that has a [tool.rtcfg] table wins (one without the table is
passed over), but not above the repository's root (the folder with .git): a checkout
inside another folder must not take that folder's settings (allow-outside-root, say).
For stdin the search starts in the working directory. Command-line flags win over
these settings.

    [tool.rtcfg]
    target = "ga"      # default --target for render, validate, diff and migrate
    strict = true      # a field the target would drop (temperature for GA) is an error
    ignore = ["R005"]  # codes never reported in this project (counted as suppressed)
    allow-outside-root = true  # extends/$file may name files outside the project
    models = ["my-realtime-deployment"]  # known model names besides OpenAI's (Azure deployments)
    voices = ["my-voice"]                # known voice names besides the built-in ones
    transcription-models = ["my-whisper"]  # known transcription model names
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ..records import FrozenRecord
from ..report.masking import quoted
from ..targets import TARGETS

PYPROJECT = "pyproject.toml"


class SettingsError(Exception):
    """A [tool.rtcfg] table that cannot be used (the message names the file)."""


class Settings(FrozenRecord):
    """A project's [tool.rtcfg]: `target` None is each config's own shape; `source` the
    pyproject.toml they came from; `known` the project's own names for the open value sets, by
    the set's name ("models": (...))."""

    _fields = ("target", "strict", "ignore", "allow_outside_root", "source", "known")
    __slots__ = _fields

    def __init__(self, target: str | None = None, strict: bool = False, ignore: tuple[str, ...] = (),
                 allow_outside_root: bool = False, source: Path | None = None,
                 known: dict[str, tuple[str, ...]] | None = None) -> None:
        self.target, self.strict, self.ignore, self.allow_outside_root = target, strict, ignore, allow_outside_root
        self.source, self.known = source, {} if known is None else known


# the open value sets a project can add names to (the schema's `x-rtcfg-open-set` names;
# realtime_cfg.check.rules.open_sets.open_set_names() reads them, and a test keeps the two equal)
OPEN_SETS = ("models", "voices", "transcription-models")
_KNOWN = {"target": "beta or ga", "strict": "true or false", "ignore": "a list of rule codes",
          "allow-outside-root": "true or false", **{name: "a list of names" for name in OPEN_SETS}}


# A pyproject.toml is read whole; one this large is no settings file (the same bound as a config's
# default --max-bytes).
MAX_PYPROJECT_BYTES = 1024 * 1024


def _read_toml(path: Path) -> dict:
    """The TOML document at `path`; SettingsError for anything that is not a readable, confined,
    UTF-8 TOML file of sensible size. A file that cannot hold a [tool.rtcfg] table is not
    parsed (an empty document): see _may_configure_rtcfg."""
    from .document import Limits, LoadError
    from .loader import read_bytes

    real = Path(os.path.realpath(path))
    folder = Path(os.path.realpath(path.parent))
    if real.parent != folder and folder not in real.parents:
        raise SettingsError(f"{path} is a symlink to a file outside its folder; rtcfg does not read it")
    try:
        _, raw = read_bytes(path, Limits(max_bytes=MAX_PYPROJECT_BYTES))
    except LoadError as exc:
        raise SettingsError(f"{path}: {exc.diagnostics[0].message.removeprefix(f'cannot read {path}: ')}") from None
    if not _may_configure_rtcfg(raw):
        return {}
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SettingsError(f"{path} is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    except RecursionError:  # tomllib parses nested arrays recursively
        raise SettingsError(f"{path} nests arrays or tables too deeply to read") from None
    except ValueError as exc:  # TOMLDecodeError, or a number of more digits than Python converts
        raise SettingsError(f"{path} is not valid TOML: {str(exc)[:200]}") from None


def _may_configure_rtcfg(raw: bytes) -> bool:
    """Whether a pyproject.toml could hold a [tool.rtcfg] table: its key is written `rtcfg`
    somewhere (bare, quoted, dotted), or a quoted key spells it with an escape ("\\u0072tcfg",
    TOML 1.1's "\\x72tcfg"), or the file looks like UTF-16 (reported as not UTF-8).
    Most pyproject.toml files are other tools' only; not parsing those spares every run that
    meets one tomllib's import and parse (5-10 ms of a one-file run). The cost: such a file
    that is broken TOML is not reported by rtcfg (it configures nothing of rtcfg's; pip and
    the tools it does configure report it)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        return True  # UTF-16 (Windows PowerShell's `>`): parsed, so that it is reported as not UTF-8
    return b"rtcfg" in raw or b"\\u" in raw or b"\\U" in raw or b"\\x" in raw  # \x: TOML 1.1 (tomli 2.4+)


def _parse(path: Path) -> Settings | None:
    document = _read_toml(path)
    tool = document.get("tool", {})
    if not isinstance(tool, dict):
        raise SettingsError(f"{path}: `tool` must be a table, not {quoted(tool)}")
    table = tool.get("rtcfg")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [tool.rtcfg] must be a table")
    for key in table:
        if key not in _KNOWN:
            known = ", ".join(f"{k} ({v})" for k, v in _KNOWN.items())
            raise SettingsError(f"{path}: unknown key {quoted(key)} in [tool.rtcfg]; known keys: {known}")
    target: Any = table.get("target")
    if target is not None and (not isinstance(target, str) or target not in TARGETS):
        raise SettingsError(f"{path}: [tool.rtcfg] target must be one of {', '.join(TARGETS)}, not {quoted(target)}")
    flags = {}
    for key in ("strict", "allow-outside-root"):
        flags[key] = table.get(key, False)
        if not isinstance(flags[key], bool):
            raise SettingsError(f"{path}: [tool.rtcfg] {key} must be true or false, not {quoted(flags[key])}")
    known = {name: _names(table[name], name, path) for name in OPEN_SETS if name in table}
    return Settings(target, flags["strict"], _ignore_list(table.get("ignore", []), path),
                    flags["allow-outside-root"], path, known)


def _names(value: Any, key: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(name, str) and name for name in value):
        raise SettingsError(f"{path}: [tool.rtcfg] {key} must be a list of names such as [\"my-deployment\"]")
    return tuple(value)


def _ignore_list(value: Any, path: Path) -> tuple[str, ...]:
    from ..check.registry import RULES
    from ..check.suppression import why_unsuppressible

    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise SettingsError(f"{path}: [tool.rtcfg] ignore must be a list of rule codes such as [\"R005\"]")
    codes = tuple(code.strip().upper() for code in value)
    for code in codes:
        if code not in RULES:
            raise SettingsError(f"{path}: [tool.rtcfg] ignore lists {quoted(code)}, which is no rule code; "
                                "`rtcfg rules` lists them")
        if why_unsuppressible(code):
            raise SettingsError(f"{path}: [tool.rtcfg] ignore lists {code}, which cannot be ignored: "
                                f"{why_unsuppressible(code)}")
    return codes


# A batch of files in one folder reads its pyproject.toml once; a broken one is remembered
# too (each config under it reports it, without parsing it again).
_BY_FOLDER: dict[Path, Settings | SettingsError] = {}


def _for_folder(start: Path) -> Settings:
    visited = []
    folder, result = start, Settings()
    while True:
        if folder in _BY_FOLDER:
            result = _BY_FOLDER[folder]
            break
        visited.append(folder)
        candidate = folder / PYPROJECT
        try:
            found = _parse(candidate) if os.path.lexists(candidate) else None
        except SettingsError as exc:
            found = exc
        if found is not None:
            result = found
            break
        if folder.parent == folder or os.path.lexists(folder / ".git"):
            break  # a repository's settings are its own: none is read from above its root
        folder = folder.parent
    for folder in visited:
        _BY_FOLDER[folder] = result
    if isinstance(result, SettingsError):
        raise result
    return result


def forget() -> None:
    """Read every pyproject.toml again from now on (a long-running `rtcfg server`: a file saved
    since the last check counts)."""
    _BY_FOLDER.clear()


def settings_for(config_path: str | os.PathLike) -> Settings:
    """The settings that apply to a config file ("-" for stdin: the working directory's).
    Raises SettingsError for a broken pyproject.toml on the way up."""
    start = Path.cwd() if str(config_path) == "-" else Path(os.path.abspath(config_path)).parent
    return _for_folder(start)
