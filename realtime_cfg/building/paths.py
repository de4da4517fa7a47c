"""The project root a config's paths may not leave (B003)."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_PROJECT_MARKERS = ("pyproject.toml", ".git")


@lru_cache(maxsize=1024)  # a run over a folder asks once per folder, not once per file
def project_root(start: Path) -> Path:
    """The nearest folder from `start` upwards with a pyproject.toml or .git, else `start`."""
    for folder in (start, *start.parents):
        if any(os.path.lexists(folder / marker) for marker in _PROJECT_MARKERS):
            return folder
    return start


@lru_cache(maxsize=1024)
def real_root(start: Path) -> Path:
    return Path(os.path.realpath(project_root(start)))


def within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def referenced(including: str, name: str) -> Path:
    """The file `extends:` or `$file:` names in `including`: relative to that file's folder."""
    return Path(os.path.normpath(Path(os.path.abspath(including)).parent / name))


def forget() -> None:
    """Look for the project roots again (a long-running `rtcfg server`: a `.git` or a
    pyproject.toml made since counts)."""
    project_root.cache_clear()
    real_root.cache_clear()
