"""The mechanisms behind "no crash, no hang, no leak", each at the seam where it works: the
opened file is the one checked, one file's failure is that file's finding, nesting and
expansion are bounded across files, writes never replace a device or a link."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import realtime_cfg
from realtime_cfg.source import loader
from realtime_cfg.building.builder import MAX_BASES, BuildOptions, build
from realtime_cfg.building.overrides import OverrideError, parse_override
from realtime_cfg.source.document import LoadError
from realtime_cfg.output.files import write_atomic

from conftest import SAMPLES, run_cli


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'agents'\n")
    return root


# -- confinement is checked on the file that was opened ------------------------------------


def test_a_symlink_swapped_after_the_path_check_is_still_refused(project, tmp_path, monkeypatch):
    """The include's name is checked (inside the root), then an attacker points it out of the
    project before it is opened: what was opened is checked, so it is refused."""
    (tmp_path / "secret.md").write_text("TOP SECRET\n")
    (project / "inside.md").write_text("Be kind.\n")
    (project / "prompt.md").symlink_to(project / "inside.md")
    (project / "agent.yaml").write_text("instructions: {$file: prompt.md}\n")
    real_open = os.open

    def swap_then_open(path, *args, **kwargs):
        if str(path).endswith("prompt.md"):
            os.unlink(path)
            os.symlink(tmp_path / "secret.md", path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(loader.os, "open", swap_then_open)
    with pytest.raises(LoadError) as info:
        build(project / "agent.yaml")
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == "B003" and "points out of the project root" in diagnostic.message
    assert "TOP SECRET" not in str(info.value.diagnostics)


def test_a_file_found_by_walking_that_links_out_of_the_project_is_not_read(project, tmp_path):
    (tmp_path / "secrets.yaml").write_text("instructions: MARKER-of-the-secret-file\nbogus: 1\n")
    (project / "configs").mkdir()
    (project / "configs" / "link.yaml").symlink_to(tmp_path / "secrets.yaml")
    (project / "configs" / "ok.yaml").write_text("voice: ash\n")
    result = run_cli("validate", str(project / "configs"))
    assert result.returncode == 1
    assert "link.yaml: B003" in result.stdout and "not read" in result.stdout
    assert "MARKER" not in result.stdout + result.stderr and "of 2 files." in result.stdout
    # named on the command line, it is the user's choice: read
    assert "link.yaml:2:1: S001 unknown key 'bogus'" in run_cli("validate", str(project / "configs" / "link.yaml")).stdout


# -- one file's failure is that file's finding ----------------------------------------------


def test_an_internal_error_in_one_file_is_its_F003_and_the_others_are_checked(tmp_path, monkeypatch):
    from realtime_cfg import api, pipeline

    real = pipeline.validate

    def fails_on_boom(document, *args, **kwargs):
        if document.name.endswith("boom.yaml"):
            raise RecursionError("maximum recursion depth exceeded")
        return real(document, *args, **kwargs)

    monkeypatch.setattr(pipeline, "validate", fails_on_boom)
    (tmp_path / "boom.yaml").write_text("voice: ash\n")
    (tmp_path / "typo.yaml").write_text("voice: ash\nmodalites: [text]\n")
    results = [api.check_file(tmp_path / name) for name in ("boom.yaml", "typo.yaml")]
    assert results[0][0] is None and [d.code for d in results[0][1]] == ["F003"]
    assert "RecursionError" in results[0][1][0].message and results[0][1][0].severity == "error"
    assert [d.code for d in results[1][1]] == ["S001"]


def test_the_callers_mistakes_still_raise(tmp_path):
    (tmp_path / "a.yaml").write_text("voice: ash\n")
    with pytest.raises(ValueError):
        realtime_cfg.check_file(tmp_path / "a.yaml", target="gamma")
    with pytest.raises(OverrideError):
        realtime_cfg.check_file(tmp_path / "a.yaml", options=BuildOptions(overrides=("voice",)))


# -- bounds that hold across files ------------------------------------------------------------


def test_nesting_counts_across_includes(project):
    """Each file nests 60 levels, under the 100-level limit; included in one another they
    would nest 120: refused where the include that crosses the limit is written."""
    deep = "a: " + "{b: " * 59 + "{$file: inner.yaml}" + "}" * 59 + "\n"
    (project / "agent.yaml").write_text("metadata_ignored: 1\ntracing: {$file: outer.yaml}\n")
    (project / "outer.yaml").write_text(deep)
    (project / "inner.yaml").write_text("a: " + "{b: " * 59 + "1" + "}" * 59 + "\n")
    with pytest.raises(LoadError) as info:
        build(project / "agent.yaml")
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == "L005" and diagnostic.file.endswith("outer.yaml")
    assert (diagnostic.line, diagnostic.column) == (1, deep.index("inner.yaml") + 1)
    assert "counting every file it includes" in diagnostic.message


def test_extends_names_a_bounded_number_of_bases(project):
    (project / "base.yaml").write_text("voice: ash\n")
    names = ", ".join(["base.yaml"] * (MAX_BASES + 1))
    (project / "agent.yaml").write_text(f"extends: [{names}]\n")
    with pytest.raises(LoadError) as info:
        build(project / "agent.yaml")
    assert info.value.diagnostics[0].code == "B006" and f"at most {MAX_BASES}" in info.value.diagnostics[0].message
    (project / "agent.yaml").write_text(f"extends: [{', '.join(['base.yaml'] * MAX_BASES)}]\n")
    assert build(project / "agent.yaml").data == {"voice": "ash"}


def test_environment_expansion_is_bounded(project):
    """Each ${BIG} adds 100,000 characters: a file of 200 of them would be 20 MB."""
    (project / "agent.yaml").write_text("instructions: '" + "${BIG}" * 200 + "'\n")
    with pytest.raises(LoadError) as info:
        build(project / "agent.yaml", BuildOptions(env={"BIG": "x" * 100_000}))
    diagnostic = info.value.diagnostics[0]
    assert diagnostic.code == "B006" and "${VAR} references add more than" in diagnostic.message
    assert (diagnostic.line, diagnostic.column) == (1, 15)


@pytest.mark.parametrize("text, message", [
    (".voice=ash", "cannot read the path"),
    ("voice.=ash", "cannot read the path"),
    ("tools.[0]=1", "cannot read the path"),
    ("tools[99999999999]=1", "cannot read the path"),
    (".".join(["a"] * 101) + "=1", "more than 100 parts"),
])
def test_malformed_override_paths_are_usage_errors(text, message):
    with pytest.raises(OverrideError) as info:
        parse_override(text)
    assert message in str(info.value) and len(str(info.value)) < 300


# -- writing ------------------------------------------------------------------------------------


def test_writing_through_a_symlink_keeps_the_link(tmp_path):
    (tmp_path / "real.json").write_text("old\n")
    (tmp_path / "link.json").symlink_to("real.json")
    write_atomic(tmp_path / "link.json", "new\n")
    assert (tmp_path / "link.json").is_symlink() and (tmp_path / "real.json").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_writing_to_a_named_pipe_writes_into_it_instead_of_replacing_it(tmp_path):
    """-o /dev/stdout or a pipe: renaming a temporary file over it would replace the device."""
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text()))
    reader.start()
    write_atomic(pipe, "payload\n")
    reader.join()
    assert received == ["payload\n"] and Path(pipe).is_fifo()


def test_render_to_a_device_reports_the_failure(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    result = run_cli("render", str(SAMPLES / "voice-agent.yaml"), "-o", "/dev/full")
    assert result.returncode == 2 and "cannot write /dev/full: No space left on device" in result.stderr
    assert Path("/dev/full").is_char_device()


# -- found by review ------------------------------------------------------------------------------


def test_a_pyproject_number_too_long_to_read_is_F002_and_the_run_goes_on(tmp_path):
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "pyproject.toml").write_text("[tool.rtcfg]\nstrict = false\n[x]\ny = " + "1" * 5000 + "\n")
    (tmp_path / "project" / "a.yaml").write_text("voice: ash\n")
    result = run_cli("validate", str(tmp_path / "project" / "a.yaml"), str(SAMPLES / "voice-agent.yaml"))
    assert result.returncode == 2 and "a.yaml: F002 " in result.stdout and "is not valid TOML" in result.stdout
    assert "of 2 files." in result.stdout


def test_settings_are_not_read_from_above_the_repository_root(tmp_path):
    """A checkout inside a folder whose pyproject.toml allows reading outside the root."""
    (tmp_path / "pyproject.toml").write_text("[tool.rtcfg]\nallow-outside-root = true\n")
    (tmp_path / "secret.md").write_text("outside\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "a.yaml").write_text("instructions: {$file: ../secret.md}\n")
    result = run_cli("validate", str(repo / "a.yaml"))
    assert result.returncode == 1 and "B003" in result.stdout


def test_the_rest_of_a_token_folded_onto_the_next_line_is_masked(tmp_path):
    path = tmp_path / "f.yaml"
    path.write_text("{model: gpt-realtime-2, instructions: Authorization Bearer\n"
                    "  abcdefghijklmnopqrstuvwxyz0123456789, voice: nosuchvoice}\n")
    result = run_cli("validate", str(path))
    assert "R012" in result.stdout and "R013" in result.stdout
    assert "abcdefghij" not in result.stdout


def test_an_environment_value_respelled_by_normalization_is_still_hidden(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text('model: gpt-realtime-2\ninstructions: hi\nmax_response_output_tokens: "${TOK}"\n')
    result = run_cli("validate", str(path), env={"TOK": "+009876543210123"})
    assert "S004 max_response_output_tokens ${TOK} is above the maximum" in result.stdout
    assert "9876543210" not in result.stdout
    explained = run_cli("render", "--explain", str(path), env={"TOK": "+0002048"})
    assert 'max_response_output_tokens  "${TOK}"' in explained.stdout


def test_a_set_value_that_is_not_utf8_is_a_usage_error():
    with pytest.raises(OverrideError, match="not valid UTF-8"):
        parse_override("model=\udcff")


def test_a_json_number_longer_than_the_limit_is_refused_like_a_yaml_one(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"temperature": 0.' + "1" * 100_000 + "}")
    result = run_cli("validate", str(path))
    assert result.returncode == 1 and "a.json:1:17: L001 the number 0.1111" in result.stdout


def test_messages_about_paths_show_terminal_controls_replaced(tmp_path):
    folder = tmp_path / "no\x1b[31m\u009b2J\u202efolder"
    result = run_cli("render", str(SAMPLES / "voice-agent.yaml"), "-o", str(folder / "x.json"))
    assert result.returncode == 2 and "rtcfg: cannot write" in result.stderr
    assert not any(char in result.stderr for char in "\x1b\u009b\u202e")
