"""The pre-commit hook's command lines without typer: `rtcfg validate FILES...` (with any of
validate's options) and `rtcfg --version`.

Importing typer (and the click it carries) costs nearly as much as a whole one-file run
(72-75 ms on the reference machine, docs/performance.md), and the hook pays it on every
commit. This module reads those two command lines with the declarations typer is given
(cli/options.py), as click reads them, and runs the same function (cli/validating.py). It only ever accepts: anything it is not sure of (an unknown
or misspelt option, a missing value, a value that is not one of the choices, --help, a
value starting with '-', an option written as `-qf=json`, ...) is left to typer, which then
reads the whole command line itself, so every error message is click's own.
tests/test_fast_path.py runs both readers over the same command lines and compares what
they pass to `validate` and what the user sees.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # not typing's: see realtime_cfg/__init__.py
if TYPE_CHECKING:  # pragma: no cover
    from .options import Option


def run(args: list[str]) -> bool:
    """Run `args` (the command line after `rtcfg`) if it is one of the hook's; False to leave
    it to typer."""
    if args == ["--version"]:
        from ..version import __version__

        sys.stdout.write(f"rtcfg {__version__}\n")
        return True
    if not args or args[0] != "validate" or "_RTCFG_COMPLETE" in os.environ:  # typer's completion variable
        return False
    from .options import VALIDATE

    given = parse(args[1:], VALIDATE)
    if given is None:
        return False
    from .common import UsageError, check_today
    from .validating import validate

    check_today()
    try:
        validate(**given)
    except UsageError as error:
        from .app import show_usage_error

        show_usage_error(args, error)
    return True


def parse(args: list[str], declared: tuple[Option, ...]) -> dict | None:
    """The keyword arguments typer passes the command for `args`, or None where this reader is
    not sure of them (see the module docstring)."""
    from .options import ARGUMENTS, VALUE, VALUES

    by_flag: dict[str, tuple[Option, bool]] = {}  # "--no-strict": (STRICT, False)
    for option in declared:
        for flag in option.flags:
            on, _, off = flag.partition("/")
            by_flag[on] = (option, True)
            if off:
                by_flag[off] = (option, False)
    given = {option.name: [] if option.kind == VALUES else option.default for option in declared}
    positional: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        index += 1
        if arg == "--":
            positional.extend(args[index:])
            break
        if arg == "-" or not arg.startswith("-"):
            positional.append(arg)
            continue
        if arg.startswith("--"):
            flag, equals, attached = arg.partition("=")
            names = [(flag, attached if equals else None)]
        else:  # -q, -f json, -fjson, -qf json: each letter a flag until one takes the rest as its value
            names = []
            for position in range(1, len(arg)):
                found = by_flag.get("-" + arg[position])
                if found is None:
                    return None
                rest = arg[position + 1:]
                if found[0].takes_value:
                    names.append(("-" + arg[position], rest if rest else None))
                    break
                names.append(("-" + arg[position], None))
        for flag, attached in names:
            found = by_flag.get(flag)
            if found is None:
                return None
            option, on = found
            if not option.takes_value:
                if attached is not None:
                    return None  # click: "Option '--quiet' does not take a value."
                given[option.name] = on
                continue
            if attached is None:
                if index == len(args):
                    return None
                attached = args[index]
                index += 1
            value = _value(option, attached)
            if value is None:
                return None
            if option.kind == VALUE:
                given[option.name] = value
            else:
                given[option.name].append(value)
    for option in declared:
        if option.kind == ARGUMENTS:
            if not positional:
                return None  # click: "Missing argument 'PATHS...'."
            given[option.name] = positional
        elif option.kind == VALUES and not given[option.name]:
            given[option.name] = option.default
    return given


def _value(option: Option, text: str):
    """`text` as the option's type, or None when click would refuse it (or might: an empty
    value or one starting with '-' is left to click)."""
    if not text or text.startswith("-"):
        return None
    try:
        if option.value is int:  # (int() refuses more than 4,300 digits, as click's int() does)
            return int(text) if text.isascii() and text.isdigit() else None
        return option.value(text)  # str, an enum (by its value, as click's choice) or a Path
    except ValueError:
        return None
