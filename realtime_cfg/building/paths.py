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
