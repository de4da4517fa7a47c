"""The rtcfg-validate pre-commit hook (.pre-commit-hooks.yaml), run by the real pre-commit.

`pre-commit try-repo` builds the hook's virtualenv exactly as a user's pre-commit
does: it pip-installs rtcfg from the hook repository, which fetches the hatchling
build backend and rtcfg's dependencies from PyPI (or pip's cache). So these tests
need git, and PyPI or a warm pip cache. Each try-repo call builds its own throwaway
hook environment (pre-commit does not cache it for try-repo): about 10-20 s a call.

The hook repository handed to try-repo is a one-commit snapshot of this working
tree (tracked and untracked, not ignored, files), not the checkout itself:
try-repo on a checkout with local changes carries over only changes to tracked
files (`git add -u`), so a new file that is not yet committed (a new module, or the
manifest itself) would be silently missing. In a fresh clone (CI) the snapshot is
the same as HEAD.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES

pytestmark = pytest.mark.slow

HOOK = "rtcfg-validate"
TIMEOUT = 600  # one try-repo call: builds a virtualenv and pip-installs rtcfg

GOOD = (SAMPLES / "voice-agent.yaml").read_text(encoding="utf-8")
BAD = """\
model: gpt-4o-realtime-preview-2025-06-03
modalites: [text]
input_audio_format: g711-ulaw
"""
BAD_JSON = """\
{
  "voice": "coral",
  "modalities": ["txt"]
}
"""
# YAML that is not a session config: rtcfg would report it, so the hook must not see it
WORKFLOW = """\
name: ci
on: [push]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""
COMPOSE = """\
services:
  web:
    image: nginx
"""
UNRELATED = {
    ".github/workflows/ci.yml": WORKFLOW,
    ".github/workflows/realtime-configs.yml": WORKFLOW,  # "realtime" in the name, but under .github/
    "docker-compose.yml": COMPOSE,
    "package.json": '{"name": "app", "version": "1.0.0"}\n',
}


def _git(*args: str, cwd: Path, env: dict) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
    return result.stdout


def _new_repo(path: Path, files: dict[str, str], env: dict) -> Path:
    """A git repository at `path` holding `files` (all staged, and committed)."""
    path.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        target = path / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    _git("init", "-q", cwd=path, env=env)
    _git("config", "user.name", "rtcfg tests", cwd=path, env=env)
    _git("config", "user.email", "rtcfg-tests@example.invalid", cwd=path, env=env)
    _git("config", "commit.gpgsign", "false", cwd=path, env=env)
    _git("add", "-A", cwd=path, env=env)
    _git("commit", "-q", "--no-verify", "-m", "test files", cwd=path, env=env)
    return path


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict:
    """Environment for git and pre-commit: pre-commit's cache in a temporary folder,
    no colour, and no GIT_* variables (set when the suite runs inside a git hook)."""
    if shutil.which("git") is None:
        pytest.skip("git is not on PATH (pre-commit needs it)")
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith(("GIT_", "PRE_COMMIT")) and key != "FORCE_COLOR"}
    environment.update(PRE_COMMIT_HOME=str(tmp_path_factory.mktemp("pre-commit-home")),
                       NO_COLOR="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return environment


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory, env) -> Path:
    """A one-commit git repository with this working tree's files (see the module docstring)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    if listed.returncode != 0:
        pytest.skip(f"{ROOT} is not a git checkout: {listed.stderr.strip()}")
    files = {}
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():  # skip files deleted in the work tree
            files[name] = source.read_bytes()
    assert ".pre-commit-hooks.yaml" in files
    snapshot = tmp_path_factory.mktemp("hook-repo") / "rtcfg"
    snapshot.mkdir()
    for name, data in files.items():
        target = snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return _new_repo(snapshot, {}, env)


def _try_repo(consumer: Path, hook_repo: Path, env: dict) -> tuple[int, str]:
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), HOOK, "--all-files", "--color", "never"],
        cwd=consumer, env=env, capture_output=True, text=True, timeout=TIMEOUT)
    output = result.stdout + result.stderr
    # an install failure (no PyPI, a build error) is not a verdict of the hook
    assert "An unexpected error has occurred" not in output, output
    return result.returncode, output


def test_hook_reports_the_bad_configs_only(tmp_path, hook_repo, env):
    consumer = _new_repo(tmp_path / "app", {
        "realtime/good-session.yaml": GOOD,
        "realtime/bad-session.yaml": BAD,        # matched by its folder
        "agents/phone-session.json": BAD_JSON,   # matched by its name
        **UNRELATED,
    }, env)

    code, output = _try_repo(consumer, hook_repo, env)

    assert code != 0, output
    assert re.search(r"^rtcfg validate\.+Failed$", output, re.M), output
    assert re.search(r"^realtime/bad-session\.yaml:2:1: S001 unknown key 'modalites'", output, re.M), output
    assert re.search(r"^realtime/bad-session\.yaml:3:21: S002 ", output, re.M), output
    assert re.search(r"^agents/phone-session\.json:3:18: S002 ", output, re.M), output
    assert "good-session.yaml" not in output, output
    for name in UNRELATED:  # rtcfg would have reported any of them (e.g. unknown key 'jobs')
        assert name not in output, output
    assert "'jobs'" not in output and "'services'" not in output, output


def test_hook_passes_a_good_config(tmp_path, hook_repo, env):
    consumer = _new_repo(tmp_path / "app", {"realtime/good-session.yaml": GOOD, **UNRELATED}, env)

    code, output = _try_repo(consumer, hook_repo, env)

    assert code == 0, output
    assert re.search(r"^rtcfg validate\.+Passed$", output, re.M), output  # it ran: not "(no files to check)"


def test_the_language_server_checks_the_files_the_hook_checks():
    """`rtcfg server` takes the hook's `files:` pattern to tell a session config from other
    YAML (realtime_cfg/editor/workspace.py): the two must not drift apart."""
    import re

    import yaml

    from realtime_cfg.editor.workspace import HOOK_FILES

    hook = yaml.safe_load((Path(__file__).resolve().parent.parent / ".pre-commit-hooks.yaml").read_text())[0]
    assert re.sub(r"\s+", "", hook["files"]) == re.sub(r"\s+", "", HOOK_FILES.pattern)
    assert re.compile(hook["files"]).flags == HOOK_FILES.flags
