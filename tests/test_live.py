"""`rtcfg check --live` against servers on 127.0.0.1 that these tests start (tests/live_servers.py),
answering with bodies and frames recorded from OpenAI's spec and published logs
(tests/fixtures/live/, each with its source). The real command runs as a user runs it, in a
child process whose sockets cannot reach beyond loopback (a sitecustomize guard); each test
asserts what the user sees: the finding's position, code, message, the exit code, and that
the key is nowhere in any output.

None of these tests measures time: a "never answering" server is ended by the client's own
--timeout, and retries are made instant by the server's `retry-after-ms: 0` (or --retries 0).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import ROOT
from live_servers import (Close, ConnectProxy, Drop, Error, Frame, HttpServer, Never, Oversized, Reply, Refuse,
                          Silent, Updated, WebSocketServer, no_network_beyond_loopback, recorded, recorded_reply,
                          sitecustomize_dir)

KEY = "sk-live-test-0123456789abcdefghijklmnopqrstuv"  # what the tests' key variable holds
OTHER_KEY = "sk-proj-never-sent-0123456789abcdefghijkl"  # OPENAI_API_KEY: must never reach a local server
FORMATS = ("text", "json", "github", "sarif", "junit")


@pytest.fixture
def guard(tmp_path):
    """The child's guard (a sitecustomize on its PYTHONPATH), and the same in this process for
    the length of the test: neither the command nor the test's servers reach beyond loopback."""
    with no_network_beyond_loopback() as here:
        yield sitecustomize_dir(tmp_path)
    assert here.blocked == []


def live(guard, *args: str, env: dict | None = None, cwd=None, blocked: str = "") -> subprocess.CompletedProcess:
    """`rtcfg check --live ARGS` with RTCFG_TEST_KEY holding KEY, no proxy, and a guard that blocks
    every connection beyond 127.0.0.1; asserts no traceback, no key, and that the guard blocked
    no connection (but `blocked`)."""
    environment = {name: value for name, value in os.environ.items()
                   if name.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    environment.pop("FORCE_COLOR", None)
    environment.update({"RTCFG_TEST_KEY": KEY, "OPENAI_API_KEY": OTHER_KEY, "RTCFG_TODAY": "2026-06-01",
                        "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT / "tests")])})
    environment.update(env or {})
    run = subprocess.run([sys.executable, "-m", "realtime_cfg", "check", "--live", *args], capture_output=True,
                         env=environment, cwd=cwd or ROOT, timeout=120)
    run.stdout, run.stderr = run.stdout.decode("utf-8", "replace"), run.stderr.decode("utf-8", "replace")
    assert "Traceback" not in run.stderr, run.stderr
    for text in (run.stdout, run.stderr):
        assert KEY not in text and KEY[8:] not in text and OTHER_KEY not in text
    assert (guard / "blocked.log").read_text() == blocked
    return run


def findings(run) -> list[dict]:
    """The findings of a --format json report written to stdout."""
    return json.loads(run.stdout)["diagnostics"]


def config(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GA_CONFIG = """\
type: realtime
model: gpt-realtime-2
instructions: You are a friendly assistant.
audio:
  output:
    voice: marin
"""


def client_secrets_answer(voice: str = "alloy") -> dict:
    """The spec's client_secrets example answer (the voice it applied replaced)."""
    body = copy.deepcopy(recorded("client_secrets-200")["body"])
    body["session"]["audio"]["output"]["voice"] = voice
    body["session"]["model"] = "gpt-realtime-2"  # the tests' configs name a model with no shutdown date
    return body


# -- client_secrets over HTTP ------------------------------------------------------------------

def test_an_effective_session_that_differs_from_what_was_sent_is_reported_where_it_was_written(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
        request = api.requests[0]
    assert run.returncode == 0  # a warning does not fail the run
    assert f"{path}:6:12: A002 [warning] the server applied audio.output.voice = \"alloy\", not \"marin\" as sent" \
        in run.stdout
    assert "Asked http://127.0.0.1" in run.stdout and "1 accepted." in run.stdout
    # what was sent: the rendered payload, the shortest lifetime, the key as a Bearer token
    rendered = subprocess.run([sys.executable, "-m", "realtime_cfg", "render", "--target", "ga", str(path)],
                              capture_output=True, text=True, env={**os.environ, "RTCFG_TODAY": "2026-06-01"})
    assert request.method == "POST" and request.path == "/v1/realtime/client_secrets"
    assert request.json == {"expires_after": {"anchor": "created_at", "seconds": 10},
                            "session": json.loads(rendered.stdout)}
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"


def test_a_dated_snapshot_for_the_model_alias_and_the_echoed_defaults_are_no_difference(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    body = client_secrets_answer()
    body["session"]["model"] = "gpt-realtime-2-2026-07-15"
    with HttpServer([Reply(200, body)]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json", "--fail-on", "warning")
    assert run.returncode == 0, run.stdout
    assert [d["code"] for d in findings(run)] == []
    answer = json.loads(run.stdout)["live"]
    assert answer["endpoint"].startswith("http://127.0.0.1")
    [entry] = answer["configs"]
    assert entry["outcome"] == "accepted" and entry["status"] == 200 and entry["tries"] == 1
    assert {"kind": "changed", "path": "model", "old": "gpt-realtime-2", "new": "gpt-realtime-2-2026-07-15"} \
        in entry["changes"]
    assert "ek_68af296e8e408191a1120ab6383263c2" not in run.stdout  # the client secret is never kept


def test_fail_on_warning_makes_a_value_applied_differently_fail_the_run(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--fail-on", "warning")
    assert run.returncode == 1


def test_a_400_with_param_is_the_servers_message_at_the_value_it_names(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG + "  input:\n    format:\n      type: audio/pcm\n      rate: 24000\n")
    # (the fixture's message says "string": the server's words are reported as they are)
    with HttpServer([recorded_reply("client_secrets-400-param")]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
    assert run.returncode == 1
    assert (f"{path}:9:7: A001 the server rejected the session: Invalid type for "
            "'session.audio.input.format': expected an object, but got a string instead. [invalid_type]") \
        in run.stdout
    assert "= hint: param session.audio.input.format, HTTP 400" in run.stdout
    assert "1 rejected." in run.stdout


def test_a_rejection_is_reported_in_every_format(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    answer = recorded_reply("client_secrets-400-unknown-parameter")
    for fmt in FORMATS:
        with HttpServer([answer]) as api:
            run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                       "RTCFG_TEST_KEY", "--format", fmt)
        assert run.returncode == 1, (fmt, run.stdout, run.stderr)
        assert "A001" in run.stdout and "Unknown parameter: 'session.voice'." in run.stdout, fmt
        if fmt == "json":
            [finding] = findings(run)
            assert (finding["code"], finding["line"], finding["column"], finding["path"]) == ("A001", 6, 12,
                                                                                             "audio.output.voice")
        if fmt == "sarif":
            result = json.loads(run.stdout)["runs"][0]["results"][0]
            assert result["ruleId"] == "A001"
            assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
        if fmt == "github":
            assert run.stdout.startswith(f"::error file={path},line=6,col=12,")


def test_a_429_then_success_is_asked_again_and_reported_once(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    busy = recorded_reply("http-429-rate-limit")
    # the recorded retry-after is 20 s; the test's server asks for no wait, so no test sleeps
    busy = Reply(busy.status, busy.body, [(n, v) for n, v in busy.headers if n.lower() != "retry-after"]
                 + [("retry-after-ms", "0")])
    with HttpServer([busy, Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json")
        assert len(api.requests) == 2
    assert run.returncode == 0
    [entry] = json.loads(run.stdout)["live"]["configs"]
    assert (entry["outcome"], entry["tries"]) == ("accepted", 2)


def test_a_server_still_busy_after_the_retries_is_no_answer_with_what_was_tried(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(503, {"error": {"message": "The server is overloaded.", "type": "server_error",
                                           "param": None, "code": None}}, [("retry-after-ms", "0")])]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--retries", "2")
        assert len(api.requests) == 3
    assert run.returncode == 2
    assert f"{path}: F005 {api.url}/v1/realtime/client_secrets: HTTP 503: The server is overloaded. (tried 3 times)" \
        in run.stdout


def test_insufficient_quota_is_not_retried_and_refused(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([recorded_reply("http-429-insufficient-quota")]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
        assert len(api.requests) == 1
    assert run.returncode == 2
    assert "F006" in run.stdout and "You exceeded your current quota" in run.stdout


def test_a_refused_key_is_request_refused_and_the_key_is_not_shown(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    refusal = recorded_reply("http-401-invalid-key")
    # a server quoting the key it was sent, whole: the report shows the variable's name instead
    echoed = Reply(401, {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "invalid_request_error",
                                   "param": None, "code": "invalid_api_key"}})
    for answer in (refusal, echoed):
        with HttpServer([answer]) as api:
            run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                       "RTCFG_TEST_KEY", "--format", "json")
        assert run.returncode == 2
        [finding] = findings(run)
        assert finding["code"] == "F006" and "HTTP 401: Incorrect API key provided:" in finding["message"]
        assert "the key was refused" in finding["hint"]
    assert "${RTCFG_TEST_KEY}" in finding["message"]


def test_a_server_that_never_answers_is_ended_by_the_timeout_and_not_asked_again(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Never()]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--timeout", "0.5")
        assert len(api.requests) == 1
    assert run.returncode == 2
    assert f"{path}: F005 {api.url}/v1/realtime/client_secrets: no answer from 127.0.0.1:{api.port} within 0.5 s " \
           "(--timeout)" in run.stdout
    assert "= hint: check the network" in run.stdout


def test_a_dropped_connection_is_retried_then_no_answer(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Drop()]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--retries", "1")
        assert len(api.requests) == 2
    assert run.returncode == 2
    assert "F005" in run.stdout and "was dropped before the whole answer came" in run.stdout
    assert "(tried 2 times)" in run.stdout


def test_an_answer_that_is_not_json_is_no_answer(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(200, "<html><body>Welcome to nginx!</body></html>")]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
    assert run.returncode == 2
    assert "F005" in run.stdout and "HTTP 200 with an answer that is not JSON: not the client_secrets protocol" \
        in run.stdout


def test_an_error_page_that_is_not_json_is_no_answer_with_its_start(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(400, "<html><body>400 Bad Request</body></html>")]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
    assert run.returncode == 2
    assert "HTTP 400 (<html><body>400 Bad Request</body></html>): an answer that is not an OpenAI error" in run.stdout


@pytest.mark.parametrize("answer", [Oversized(3 * 1024 * 1024), "chunked"])
def test_an_oversized_answer_is_refused_without_reading_it_all(tmp_path, guard, answer):
    from live_servers import Chunked

    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    if answer == "chunked":  # no Content-Length to refuse it by: the read stops at the limit
        answer = Chunked({"value": "ek_1", "session": {"instructions": "x" * (3 * 1024 * 1024)}})
    with HttpServer([answer]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--retries", "0")
    assert run.returncode == 2
    assert re.search(r"F005 .*the answer from 127\.0\.0\.1:\d+ is (3,145,728 bytes, more|larger) than the "
                     r"1,04\d,\d\d\d bytes a session can take", run.stdout), run.stdout


def test_a_redirect_is_not_followed(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(307, "", [("location", "http://127.0.0.1:9/elsewhere")])]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
        assert len(api.requests) == 1
    assert run.returncode == 2
    assert "F006" in run.stdout and "rtcfg follows no redirect" in run.stdout


def test_a_config_with_errors_is_not_sent(tmp_path, guard):
    bad = config(tmp_path, "bad.yaml", GA_CONFIG.replace("voice: marin", "voice: marin\n    speeed: 1"))
    good = config(tmp_path, "good.yaml", GA_CONFIG.replace("marin", "alloy"))
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(bad), str(good), "--endpoint", f"{api.url}/v1/realtime/client_secrets",
                   "--api-key-env", "RTCFG_TEST_KEY", "--format", "json")
        assert len(api.requests) == 1 and api.requests[0].json["session"]["audio"]["output"]["voice"] == "alloy"
    assert run.returncode == 1
    assert [(d["file"], d["code"]) for d in findings(run)] == [(str(bad), "S001")]
    entries = json.loads(run.stdout)["live"]["configs"]
    assert [(e["file"], e["outcome"]) for e in entries] == [(str(bad), "not sent"), (str(good), "accepted")]


def test_many_configs_are_reported_in_order_whatever_answers_first(tmp_path, guard):
    paths = [config(tmp_path, f"agent{n}.yaml", GA_CONFIG.replace("marin", "alloy")) for n in range(7)]
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, *map(str, paths), "--endpoint", f"{api.url}/v1/realtime/client_secrets",
                   "--api-key-env", "RTCFG_TEST_KEY", "--format", "json", "--jobs", "3")
        assert len(api.requests) == 7
    assert [e["file"] for e in json.loads(run.stdout)["live"]["configs"]] == list(map(str, paths))


def test_show_effective_and_diff_print_the_answer_masked(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG + "  input:\n    noise_reduction: {type: near_field}\n"
                  "tools:\n  - type: mcp\n    server_label: crm\n    server_url: https://mcp.example.com\n"
                  "    authorization: ${CRM_TOKEN}\n")
    token = "crm-token-0123456789-very-secret"
    body = client_secrets_answer()
    body["session"]["tools"] = [{"type": "mcp", "server_label": "crm", "server_url": "https://mcp.example.com",
                                 "authorization": token}]  # a server that echoes the secret
    with HttpServer([Reply(200, body)]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--show-effective", "--diff", env={"CRM_TOKEN": token})
        assert api.requests[0].json["session"]["tools"][0]["authorization"] == token  # sent, as the app sends it
    assert token not in run.stdout + run.stderr
    diff, effective = run.stdout.split("\n{", 1)
    assert diff.splitlines()[0] == f"== {path}: accepted =="
    assert '~ audio.output.voice: "marin" -> "alloy"' in diff
    assert '~ audio.input.noise_reduction: {"type": "near_field"} -> null' in diff
    session = json.loads("{" + effective)
    assert session["tools"][0]["authorization"] == "${CRM_TOKEN}"
    assert "value" not in session and "ek_" not in run.stdout
    # the report goes to stderr, the answer to stdout
    assert "A002" in run.stderr and "A002" not in run.stdout


def test_machine_formats_with_show_effective_need_an_output_file(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    run = live(guard, str(path), "--show-effective", "--format", "json")
    assert run.returncode == 2 and "give the report an --output-file" in run.stderr


# -- WebSocket: session.update -------------------------------------------------------------------

BETA_CONFIG = """\
extends: base.yaml
instructions: Help the caller.
"""
BETA_BASE = """\
model: gpt-4o-realtime-preview
voice: alloy
input_audio_transcription:
  model: whisper-1
"""


def test_an_error_event_with_param_points_into_the_base_file(tmp_path, guard):
    config(tmp_path, "base.yaml", BETA_BASE)
    path = config(tmp_path, "agent.yaml", BETA_CONFIG)
    error = {k: v for k, v in recorded("ws-error-param")["body"]["error"].items() if k != "event_id"}
    error.update(message="Invalid value: 'whisper-1'. Supported values are: 'gpt-4o-transcribe'.",
                 param="session.input_audio_transcription.model", code="invalid_value")
    with WebSocketServer([Error(error)], created=recorded("ws-session.created-beta")["body"]) as ws:
        run = live(guard, str(path), "--endpoint",
                   f"{ws.url}/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview",
                   "--api-key-env", "RTCFG_TEST_KEY")
        [connection] = ws.connections
    assert run.returncode == 1
    assert (f"{tmp_path / 'base.yaml'}:4:10: A001 the server rejected the session: Invalid value: "
            "'whisper-1'. Supported values are: 'gpt-4o-transcribe'. [invalid_value]") in run.stdout
    # Azure's preview form: the beta shape, the key in api-key, no OpenAI-Beta header, the URL as given
    assert connection.headers["api-key"] == KEY and "authorization" not in connection.headers
    assert "openai-beta" not in connection.headers
    assert connection.path == "/openai/realtime?api-version=2025-04-01-preview&deployment=gpt-4o-realtime-preview"
    [update] = connection.frames[:1]
    assert update["type"] == "session.update" and update["event_id"].startswith("rtcfg_live_")
    assert update["session"]["voice"] == "alloy" and "type" not in update["session"]  # the flat beta shape


def test_session_updated_with_other_values_and_other_defaults(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG + "  input:\n    turn_detection:\n      type: server_vad\n")
    updated = recorded("ws-session.updated-ga")["body"]
    session = copy.deepcopy(updated["session"])
    session["tools"] = []
    with WebSocketServer([Updated(session)], created=recorded("ws-session.created-ga")["body"]) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--api-key-env", "RTCFG_TEST_KEY",
                   "--format", "json")
        [connection] = ws.connections
    assert run.returncode == 0
    got = [(d["code"], d["line"], d["column"], d["message"]) for d in findings(run)]
    assert ("A002", 3, 15, 'the server applied instructions = "Your knowledge cutoff is 2023-10. You are a helpful, '
            'witty, and friendly AI. A…, not "You are a friendly assistant." as sent') in got
    # the spec's answers fill in 200 ms; rtcfg documents 500 (docs/live-sources.md, f)
    assert ("A003", 8, 5, "the server filled in audio.input.turn_detection.silence_duration_ms = 200; rtcfg "
            "documents the default as 500") in got
    assert not any(code == "A002" and "voice" in message for code, _, _, message in got)  # marin applied
    assert connection.path == "/v1/realtime?model=gpt-realtime-2"  # the model added to the URL
    assert connection.headers["authorization"] == f"Bearer {KEY}"


def test_an_error_for_another_event_is_not_taken_for_the_answer(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    other = recorded("ws-error-example")["body"]  # answers event_567, not rtcfg's event
    with WebSocketServer([Updated(client_secrets_answer()["session"], extra_events=(other,))]) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--api-key-env", "RTCFG_TEST_KEY")
    assert run.returncode == 0 and "1 accepted." in run.stdout and "A001" not in run.stdout


def test_a_close_for_the_retired_beta_shape_is_request_refused(tmp_path, guard):
    config(tmp_path, "base.yaml", BETA_BASE)
    path = config(tmp_path, "agent.yaml", BETA_CONFIG)
    close = recorded("ws-close-beta-disabled")
    with WebSocketServer([Close(close["close_code"], close.get("reason") or "")]) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--target", "beta", "--api-key-env",
                   "RTCFG_TEST_KEY")
        [connection] = ws.connections
    assert connection.headers["openai-beta"] == "realtime=v1"  # OpenAI's beta shape
    assert run.returncode == 2
    assert "F006" in run.stdout and "the server closed the connection: 4000" in run.stdout


@pytest.mark.parametrize("answer, said", [
    (Never(), "no session.updated within 0.5 s (--timeout)"),
    (Drop(), "the connection was dropped before session.updated"),
    (Frame("not json"), "an event that is not JSON where session.updated was awaited"),
    (Frame(b"\x00\x01"), "a binary frame where session.updated was awaited"),
    (Oversized(3 * 1024 * 1024), "an event larger than the 1,04"),
])
def test_a_websocket_without_a_usable_answer_is_no_answer(tmp_path, guard, answer, said):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with WebSocketServer([answer]) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--api-key-env", "RTCFG_TEST_KEY",
                   "--timeout", "0.5", "--retries", "0")
    assert run.returncode == 2
    assert f"{path}: F005 {ws.url}/v1/realtime: {said}" in run.stdout


def test_a_websocket_whose_handshake_is_refused_is_request_refused(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    refusal = recorded("http-401-invalid-key")
    with WebSocketServer([Never()], handshake=Refuse(401, refusal["body"])) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--api-key-env", "RTCFG_TEST_KEY")
    assert run.returncode == 2
    assert "F006" in run.stdout and "HTTP 401: Incorrect API key provided: sk-VKMIs" in run.stdout


def test_a_websocket_endpoint_needs_a_model(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("model: gpt-realtime-2\n", ""))
    with WebSocketServer([Never()], created=Silent) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--api-key-env", "RTCFG_TEST_KEY")
        assert list(ws.connections) == []
    assert run.returncode == 2
    assert "F006" in run.stdout and "the config names no model, and the WebSocket URL needs one" in run.stdout


def test_a_transcription_session_opens_with_intent_transcription(tmp_path, guard):
    path = config(tmp_path, "captions.yaml", "type: transcription\naudio:\n  input:\n    transcription:\n"
                  "      model: gpt-4o-transcribe\n")
    answer = recorded("client_secrets-200-transcription")["body"]["session"]
    with WebSocketServer([Updated(answer)]) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--api-key-env", "RTCFG_TEST_KEY",
                   "--format", "json")
        [connection] = ws.connections
    assert connection.path == "/v1/realtime?intent=transcription"
    assert json.loads(run.stdout)["live"]["configs"][0]["outcome"] == "accepted"
    # the example answers its format as "pcm16": the same format as the object sent
    assert not [d for d in findings(run) if "format" in d["message"]]


# -- the network around it ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    """A test certificate authority (trustme) and a server context for `api.rtcfg.test`, a name
    only the test proxy resolves (to 127.0.0.1); the child trusts the CA by SSL_CERT_FILE."""
    import ssl

    import trustme

    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("api.rtcfg.test", "127.0.0.1").configure_cert(context)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return context, str(ca_file)


def test_a_proxy_from_the_environment_carries_https_and_wss_through_a_tunnel(tmp_path, guard, tls):
    context, ca_file = tls
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    with ConnectProxy(hosts={"api.rtcfg.test": "127.0.0.1"}) as proxy, \
            HttpServer([Reply(200, client_secrets_answer())], tls=context) as api, \
            WebSocketServer([Updated(client_secrets_answer()["session"])], tls=context) as ws:
        environment = {"https_proxy": proxy.url, "no_proxy": "", "SSL_CERT_FILE": ca_file}
        over_https = live(guard, str(path), "--endpoint", f"https://api.rtcfg.test:{api.port}/v1/realtime/client_secrets",
                          "--api-key-env", "RTCFG_TEST_KEY", env=environment)
        over_wss = live(guard, str(path), "--endpoint", f"wss://api.rtcfg.test:{ws.port}/v1/realtime",
                        "--api-key-env", "RTCFG_TEST_KEY", env=environment)
        tunnels = list(proxy.tunnels)
        assert api.requests[0].headers["authorization"] == f"Bearer {KEY}"  # inside the tunnel, over TLS
        assert ws.connections[0].headers["authorization"] == f"Bearer {KEY}"
    assert over_https.returncode == over_wss.returncode == 0, over_https.stdout + over_wss.stdout
    assert tunnels == [f"api.rtcfg.test:{api.port}", f"api.rtcfg.test:{ws.port}"]


def test_a_certificate_nobody_trusts_is_no_answer_and_not_retried(tmp_path, guard, tls):
    context, _ = tls
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with ConnectProxy(hosts={"api.rtcfg.test": "127.0.0.1"}) as proxy, \
            HttpServer([Reply(200, client_secrets_answer())], tls=context) as api:
        run = live(guard, str(path), "--endpoint", f"https://api.rtcfg.test:{api.port}/v1/realtime/client_secrets",
                   "--api-key-env", "RTCFG_TEST_KEY", env={"https_proxy": proxy.url, "no_proxy": ""})
        assert list(api.requests) == [] and len(proxy.tunnels) == 1
    assert run.returncode == 2
    assert f"F005 https://api.rtcfg.test:{api.port}/v1/realtime/client_secrets: cannot connect to api.rtcfg.test:" \
           f"{api.port} through the proxy 127.0.0.1:{proxy.port}: its TLS certificate is not trusted" in run.stdout


def test_plain_http_to_this_machine_never_goes_through_a_proxy(tmp_path, guard):
    """A proxy would see the key in a plain request: http:// and ws:// (loopback only) go direct."""
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    with ConnectProxy() as proxy, HttpServer([Reply(200, client_secrets_answer())]) as api, \
            WebSocketServer([Updated(client_secrets_answer()["session"])]) as ws:
        environment = {"http_proxy": proxy.url, "all_proxy": proxy.url, "https_proxy": proxy.url, "no_proxy": ""}
        for endpoint in (f"{api.url}/v1/realtime/client_secrets", f"{ws.url}/v1/realtime"):
            run = live(guard, str(path), "--endpoint", endpoint, "--api-key-env", "RTCFG_TEST_KEY", env=environment)
            assert run.returncode == 0, run.stdout
        assert list(proxy.tunnels) == [] and len(api.requests) == 1 and len(ws.connections) == 1


def test_offline_every_config_is_no_answer_with_what_was_tried(tmp_path, guard):
    paths = [config(tmp_path, name, GA_CONFIG) for name in ("a.yaml", "b.yaml")]
    with HttpServer([Never()]) as api:
        closed = f"http://127.0.0.1:{api.port}"  # a port that will refuse: the server is gone
    run = live(guard, *map(str, paths), "--endpoint", f"{closed}/v1/realtime/client_secrets", "--api-key-env",
               "RTCFG_TEST_KEY", "--retries", "0")
    assert run.returncode == 2
    for path in paths:
        assert f"{path}: F005 {closed}/v1/realtime/client_secrets: cannot connect to 127.0.0.1:" in run.stdout
    assert "Asked http://127.0.0.1" in run.stdout and "2 no answer." in run.stdout


def test_the_default_endpoint_is_openais_and_nothing_leaves_the_machine_in_the_tests(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    run = live(guard, str(path), "--retries", "0", "--format", "json", env={"OPENAI_API_KEY": OTHER_KEY},
               blocked="api.openai.com:443\n")
    # the guard refused the name lookup of api.openai.com: reported as offline, exit 2
    assert run.returncode == 2
    [finding] = findings(run)
    assert finding["code"] == "F005"
    assert finding["message"].startswith("https://api.openai.com/v1/realtime/client_secrets: cannot connect")


# -- keys and endpoints: usage errors, exit 2 ---------------------------------------------------

@pytest.mark.parametrize("args, env, said", [
    ([], {"OPENAI_API_KEY": ""}, "OPENAI_API_KEY is not set: export the key there"),
    (["--api-key-env", "RTCFG_TEST_KEY"], {"RTCFG_TEST_KEY": "sk-abc\nsk-def"},
     "RTCFG_TEST_KEY holds characters no key has"),
    (["--endpoint", "wss://RES.openai.azure.com/openai/v1/realtime?model=x"], {},
     "AZURE_OPENAI_API_KEY is not set"),
    (["--endpoint", "https://llm.example.com/v1/realtime/client_secrets"], {},
     "is neither OpenAI's nor Azure's: name the environment variable"),
])
def test_a_missing_or_unusable_key_is_exit_2_before_anything_is_sent(tmp_path, guard, args, env, said):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    run = live(guard, str(path), *args, env=env)
    assert run.returncode == 2
    assert said in run.stderr
    assert "sk-def" not in run.stderr


@pytest.mark.parametrize("url, said", [
    ("http://example.com/v1/realtime/client_secrets", "would send the key unencrypted"),
    ("ws://127.0.0.1.example.com/v1/realtime", "would send the key unencrypted"),
    ("https://user:pass@api.openai.com/v1/realtime/client_secrets", "a credential in the URL"),
    ("wss://x.openai.azure.com/openai/realtime?api-version=1&api-key=abc", "a credential in the URL"),
    ("ftp://api.openai.com/", "give an https:// (client_secrets) or wss:// (WebSocket) URL"),
    ("https://[::1", "is not a URL"),
])
def test_an_endpoint_that_would_leak_the_key_is_a_usage_error(tmp_path, guard, url, said):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    run = live(guard, str(path), "--endpoint", url, "--api-key-env", "RTCFG_TEST_KEY")
    assert run.returncode == 2 and said in run.stderr
    assert "pass" not in run.stderr.replace("--api", "") and "api-key=abc" not in run.stderr


def test_check_without_live_and_a_target_the_endpoint_cannot_take_are_usage_errors(tmp_path):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    run = subprocess.run([sys.executable, "-m", "realtime_cfg", "check", str(path)], capture_output=True, text=True)
    assert run.returncode == 2 and "give --live (rtcfg validate checks without one)" in run.stderr
    run = subprocess.run([sys.executable, "-m", "realtime_cfg", "check", "--live", "--target", "beta", str(path)],
                         capture_output=True, text=True, env={**os.environ, "OPENAI_API_KEY": OTHER_KEY})
    assert run.returncode == 2 and "takes GA sessions; the beta shape cannot be sent there" in run.stderr


# -- the pieces ------------------------------------------------------------------------------------

def test_param_paths():
    from realtime_cfg.live.answers import param_path

    assert param_path("session.audio.input.format") == ("audio", "input", "format")
    assert param_path("session.tools[2].meta") == ("tools", 2, "meta")
    assert param_path("session") == ()
    assert param_path("expires_after.seconds") is None
    assert param_path("") is None


@pytest.mark.parametrize("url, kind, shape, auth, variable, beta_header", [
    (None, "client_secrets", "ga", "bearer", "OPENAI_API_KEY", False),
    ("wss://api.openai.com/v1/realtime", "websocket", "ga", "bearer", "OPENAI_API_KEY", True),
    ("wss://r.openai.azure.com/openai/v1/realtime?model=d", "websocket", "ga", "api-key", "AZURE_OPENAI_API_KEY",
     False),
    ("wss://r.openai.azure.com/openai/realtime?api-version=2025-04-01-preview&deployment=d", "websocket", "beta",
     "api-key", "AZURE_OPENAI_API_KEY", False),
    ("wss://r.cognitiveservices.azure.com/openai/realtime?api-version=2024-10-01-preview&deployment=d", "websocket",
     "beta", "api-key", "AZURE_OPENAI_API_KEY", False),
    ("wss://llm.example.com/realtime", "websocket", None, "bearer", None, True),
    ("https://llm.example.com/v1/realtime/client_secrets", "client_secrets", "ga", "bearer", None, False),
])
def test_endpoints(url, kind, shape, auth, variable, beta_header):
    from realtime_cfg.live.endpoints import endpoint

    found = endpoint(url)
    assert (found.kind, found.shape, found.auth, found.key_variable) == (kind, shape, auth, variable)
    headers = found.headers("k", "beta")
    assert ("OpenAI-Beta" in headers) == beta_header
    assert headers.get("api-key" if auth == "api-key" else "Authorization") in ("k", "Bearer k")


@pytest.mark.parametrize("host", ["127.0.0.1", "127.5.5.5", "[::1]", "localhost"])
def test_plain_http_is_for_this_machine_only(host):
    from realtime_cfg.live.endpoints import EndpointError, endpoint

    assert endpoint(f"http://{host}:8080/x").kind == "client_secrets"
    for other in ("10.0.0.1", "[::ffff:127.0.0.1]", "0x7f000001", "localhost.example.com", "127.0.0.1.nip.io"):
        with pytest.raises(EndpointError):
            endpoint(f"http://{other}:8080/x")


def test_ctrl_c_while_a_server_is_silent_ends_the_run_at_once(tmp_path, guard):
    """SIGINT while a request waits for its answer (a 60 s timeout): `rtcfg: interrupted`, exit
    130, no traceback; the waiting is done by daemon threads, which do not hold the exit."""
    import signal

    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    environment = {**os.environ, "RTCFG_TEST_KEY": KEY, "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT / "tests")])}
    with HttpServer([Never()]) as api:
        process = subprocess.Popen([sys.executable, "-m", "realtime_cfg", "check", "--live", str(path), "--endpoint",
                                    f"{api.url}/v1/realtime/client_secrets", "--api-key-env", "RTCFG_TEST_KEY",
                                    "--timeout", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment)
        assert api.requests.wait_for(1, timeout=60)  # the request is out: the client now waits
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert stderr.decode().strip() == "rtcfg: interrupted" and b"Traceback" not in stderr


def test_a_config_from_standard_input_is_asked_like_a_file(tmp_path, guard):
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        environment = {**os.environ, "RTCFG_TEST_KEY": KEY, "RTCFG_TODAY": "2026-06-01",
                       "PYTHONPATH": os.pathsep.join([str(guard), str(ROOT / "tests")])}
        run = subprocess.run([sys.executable, "-m", "realtime_cfg", "check", "--live", "-", "--endpoint",
                              f"{api.url}/v1/realtime/client_secrets", "--api-key-env", "RTCFG_TEST_KEY"],
                             input=GA_CONFIG, capture_output=True, text=True, env=environment, timeout=60)
    assert run.returncode == 0, run.stdout + run.stderr
    assert '<stdin>:6:12: A002 [warning] the server applied audio.output.voice = "alloy"' in run.stdout


def test_a_part_taken_in_with_file_is_not_sent_as_a_config_of_its_own(tmp_path, guard):
    folder = tmp_path / "agents"
    folder.mkdir()
    config(folder, "agent.yaml", "type: realtime\nmodel: gpt-realtime-2\ninstructions: Hi.\naudio: {$file: audio.yaml}\n")
    config(folder, "audio.yaml", "output:\n  voice: alloy\n")
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(folder), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json")
        assert len(api.requests) == 1
        assert api.requests[0].json["session"]["audio"] == {"output": {"voice": "alloy"}}
    assert [e["file"] for e in json.loads(run.stdout)["live"]["configs"]] == [str(folder / "agent.yaml")]


# -- found by a hostile review: each a regression test -----------------------------------------

def test_the_timeout_bounds_the_status_line_and_headers_too(tmp_path, guard):
    """`100 Continue` forever: each read is quick, so only a deadline on the whole answer ends it."""
    from live_servers import Continues

    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Continues()]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--timeout", "0.5")
    assert run.returncode == 2
    assert f"no answer from 127.0.0.1:{api.port} within 0.5 s (--timeout)" in run.stdout


def test_a_websocket_redirect_is_not_followed_and_the_key_goes_nowhere_else(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with WebSocketServer([Never()]) as elsewhere:
        moved = Refuse(302, "", [("Location", f"{elsewhere.url}/stolen")])
        with WebSocketServer([Never()], handshake=moved) as ws:
            run = live(guard, str(path), "--endpoint", f"{ws.url}/openai/v1/realtime", "--auth", "api-key",
                       "--api-key-env", "RTCFG_TEST_KEY")
        assert list(elsewhere.connections) == []
    assert run.returncode == 2
    assert "F006" in run.stdout and "rtcfg follows no redirect" in run.stdout


@pytest.mark.parametrize("body, said", [
    ('{"value": "ek_1", "session": {"type": "realtime", "speed": NaN}}', "not JSON"),
    ('{"value": "ek_1", "session": ' + "[" * 500 + "]" * 500 + "}", "not JSON"),
])
def test_an_answer_that_is_not_strict_json_or_nested_too_deep_is_no_answer(tmp_path, guard, body, said):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(200, body, [("Content-Type", "application/json")])]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json")
    assert run.returncode == 2
    [finding] = findings(run)  # the report is valid JSON: no NaN from the server reached it
    assert finding["code"] == "F005" and said in finding["message"]


def test_a_deeply_nested_but_readable_answer_is_compared_without_failing(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    body = client_secrets_answer()
    nested: dict = {}
    body["session"]["tracing"] = {"metadata": nested}
    for _ in range(90):
        nested["a"] = nested = {}
    with HttpServer([Reply(200, body)]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json", "--show-effective", "-o", str(tmp_path / "report.json"))
    assert run.returncode == 0, run.stdout + run.stderr
    assert json.loads((tmp_path / "report.json").read_text())["live"]["configs"][0]["outcome"] == "accepted"


def test_a_long_param_is_placed_at_the_top_of_the_config_at_once(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    error = {"message": "Invalid value.", "type": "invalid_request_error", "code": None,
             "param": "session" + "[0]" * 100_000}
    with HttpServer([Reply(400, {"error": error})]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json")
    assert run.returncode == 1
    [finding] = findings(run)
    assert (finding["code"], finding["line"], finding["column"]) == ("A001", 1, 1)


def test_values_masked_in_the_answer_are_masked_in_strings_only(tmp_path, guard):
    """A ${VAR} value that also appears inside a number of the answer (expires_at) must not
    break the report: only strings are masked."""
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy")
                  + 'tracing:\n  workflow_name: "${BUILD_ID}"\n')
    body = client_secrets_answer()
    body["session"]["tracing"] = {"workflow_name": "1756310"}
    body["session"]["expires_at"] = 1756310470
    with HttpServer([Reply(200, body)]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--show-effective", env={"BUILD_ID": "1756310"})
    assert run.returncode == 0, run.stdout + run.stderr
    session = json.loads(run.stdout[run.stdout.index("{"):])
    assert session["tracing"] == {"workflow_name": "${BUILD_ID}"} and session["expires_at"] == 1756310470


def test_an_mcp_secret_the_server_masks_or_drops_is_no_difference(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy") + "tools:\n  - type: mcp\n"
                  "    server_label: crm\n    server_url: https://mcp.example.com\n    authorization: ${CRM_TOKEN}\n"
                  "    headers: {X-Tenant: acme, X-Key: \"${CRM_TOKEN}\"}\n")
    body = client_secrets_answer()
    body["session"]["tools"] = [{"type": "mcp", "server_label": "crm", "server_url": "https://mcp.example.com",
                                 "authorization": "***", "headers": {"X-Tenant": "acme"}}]
    with HttpServer([Reply(200, body)]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json", "--fail-on", "warning",
                   env={"CRM_TOKEN": "crm-0123456789abcdef"})
    assert run.returncode == 0 and findings(run) == []


def test_the_key_is_hidden_also_as_a_url_or_json_would_quote_it(tmp_path, guard):
    from urllib.parse import quote

    key = "sk-live+test/0123456789abcdef=="
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    echoed = Reply(401, {"error": {"message": f"Incorrect API key provided: {quote(key, safe='')}.",
                                   "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}})
    with HttpServer([echoed]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "OTHER_TEST_KEY", env={"OTHER_TEST_KEY": key})
        assert api.requests[0].headers["authorization"] == f"Bearer {key}"
    assert run.returncode == 2
    assert quote(key, safe="") not in run.stdout and "Incorrect API key provided: ${OTHER_TEST_KEY}." in run.stdout


# -- found by a second review ----------------------------------------------------------------------

def test_the_endpoint_decides_the_shape_over_the_projects_target(tmp_path, guard):
    (tmp_path / "pyproject.toml").write_text('[tool.rtcfg]\ntarget = "beta"\n', encoding="utf-8")
    path = config(tmp_path, "agent.yaml", "model: gpt-realtime-2\nvoice: alloy\ninstructions: Hi.\n")
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
        session = api.requests[0].json["session"]
    assert run.returncode == 0, run.stdout
    assert session["type"] == "realtime" and session["audio"]["output"]["voice"] == "alloy"  # GA, as render --target ga


@pytest.mark.parametrize("scheme", ["https", "wss"])
def test_a_socks_proxy_is_reported_as_unsupported_not_a_bug(tmp_path, guard, scheme):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    run = live(guard, str(path), "--endpoint", f"{scheme}://api.rtcfg.test:9/v1/realtime", "--api-key-env",
               "RTCFG_TEST_KEY", env={"https_proxy": "socks5://127.0.0.1:9", "no_proxy": ""})
    assert run.returncode == 2
    assert "the proxy socks5:// from the environment is not supported" in run.stdout and "bug" not in run.stdout


def test_a_wss_certificate_nobody_trusts_is_no_answer_and_not_retried(tmp_path, guard, tls):
    context, _ = tls
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with WebSocketServer([Never()], tls=context) as ws:
        run = live(guard, str(path), "--endpoint", f"wss://127.0.0.1:{ws.port}/v1/realtime", "--api-key-env",
                   "RTCFG_TEST_KEY", "--format", "json")
    assert run.returncode == 2
    [finding] = findings(run)
    assert finding["code"] == "F005" and "its TLS certificate is not trusted" in finding["message"]
    assert json.loads(run.stdout)["live"]["configs"][0]["tries"] == 1


def test_an_error_before_session_update_is_request_refused(tmp_path, guard):
    """OpenAI's answer to the beta header (docs/live-sources.md, d): an error event, then close 4000."""
    config(tmp_path, "base.yaml", BETA_BASE)
    path = config(tmp_path, "agent.yaml", BETA_CONFIG)
    disabled = {"type": "error", "error": {"type": "invalid_request_error", "code": "beta_api_shape_disabled",
                "message": "The Realtime Beta API is no longer supported. Please use /v1/realtime for the GA API.",
                "param": None}}
    with WebSocketServer([Close(4000)], created=disabled) as ws:
        run = live(guard, str(path), "--endpoint", ws.url + "/v1/realtime", "--target", "beta", "--api-key-env",
                   "RTCFG_TEST_KEY")
        assert [frame for connection in ws.connections for frame in connection.frames] == []  # nothing sent
    assert run.returncode == 2
    assert ("F006 " + ws.url + "/v1/realtime: an error before session.update was sent: The Realtime Beta API is "
            "no longer supported. Please use /v1/realtime for the GA API. [beta_api_shape_disabled]") in run.stdout


def test_results_keep_the_order_of_the_arguments_with_a_broken_project_among_them(tmp_path, guard):
    good = config(tmp_path, "good.yaml", GA_CONFIG)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "pyproject.toml").write_text("[tool.rtcfg\n", encoding="utf-8")
    bad = config(tmp_path / "bad", "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        run = live(guard, str(good), str(bad), "--endpoint", f"{api.url}/v1/realtime/client_secrets",
                   "--api-key-env", "RTCFG_TEST_KEY", "--format", "junit")
    assert run.returncode == 2
    cases = re.findall(r'<testcase classname="rtcfg.check.live" name="([^"]+)"', run.stdout)
    assert cases == [str(good), str(bad)]
    assert '<testsuite name="rtcfg check --live"' in run.stdout


def test_the_readme_example_is_what_the_command_prints(tmp_path, guard):
    """README, "Ask the real server": the example's output, from the spec's client_secrets answer
    with the model as a dated snapshot, the voice alloy and the turn detection of the GA
    session.updated example (the URL shown is OpenAI's; the test's server is local)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ OPENAI_API_KEY=... rtcfg check --live --diff agents/support.yaml\n"
    start = readme.index(command) + len(command)
    shown = readme[start:readme.index("```\n", start)]
    (tmp_path / "agents").mkdir()
    config(tmp_path / "agents", "support.yaml", "type: realtime\nmodel: gpt-realtime-2\n"
           "instructions: You answer support calls for Acme.\naudio:\n  output:\n    voice: marin\n")
    body = copy.deepcopy(recorded("client_secrets-200")["body"])
    body["session"].update(model="gpt-realtime-2-2026-07-15", instructions="You answer support calls for Acme.")
    body["session"]["audio"]["input"]["turn_detection"] = \
        recorded("ws-session.updated-ga")["body"]["session"]["audio"]["input"]["turn_detection"]
    with HttpServer([Reply(200, body)]) as api:
        url = f"{api.url}/v1/realtime/client_secrets"
        run = live(guard, "--diff", "agents/support.yaml", "--endpoint", url, "--api-key-env", "RTCFG_TEST_KEY",
                   cwd=tmp_path)
    assert run.returncode == 0
    printed = (run.stdout + run.stderr).replace(url, "https://api.openai.com/v1/realtime/client_secrets")
    assert printed == shown


def test_azure_answering_with_the_deployments_name_is_no_model_difference(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG.replace("marin", "alloy"))
    session = client_secrets_answer()["session"]
    session["model"] = "support-prod"  # the deployment the URL names
    with WebSocketServer([Updated(session)]) as ws:
        run = live(guard, str(path), "--endpoint", f"{ws.url}/openai/v1/realtime?model=support-prod",
                   "--api-key-env", "RTCFG_TEST_KEY", "--format", "json", "--fail-on", "warning")
        [connection] = ws.connections
    assert connection.path == "/openai/v1/realtime?model=support-prod" and connection.headers["api-key"] == KEY
    assert run.returncode == 0 and findings(run) == []
    [entry] = json.loads(run.stdout)["live"]["configs"]
    assert {"kind": "changed", "path": "model", "old": "gpt-realtime-2", "new": "support-prod"} in entry["changes"]


# -- the library ----------------------------------------------------------------------------------

def test_the_library_asks_the_server_as_the_command_does(tmp_path, guard):
    import realtime_cfg

    good = config(tmp_path, "agent.yaml", GA_CONFIG)
    bad = config(tmp_path, "bad.yaml", GA_CONFIG.replace("voice: marin", "voice: marin\n    speeed: 1"))
    with HttpServer([Reply(200, client_secrets_answer())]) as api:
        answered = realtime_cfg.ask_server([good, bad], endpoint=f"{api.url}/v1/realtime/client_secrets",
                                           api_key_env="K", environ={"K": KEY})
        assert len(api.requests) == 1
    first, second = answered
    assert (first.name, first.outcome, second.outcome) == (str(good), "accepted", "not sent")
    assert [(d.code, d.line, d.column) for d in first.findings] == [("A002", 6, 12)]
    assert first.sent["audio"]["output"]["voice"] == "marin" and first.effective["audio"]["output"]["voice"] == "alloy"
    assert [c.path for c in first.changes if c.kind == "changed"] == ["audio.output.voice"]
    assert [d.code for d in second.findings] == ["S001"] and second.sent is None and second.changes == []


@pytest.mark.parametrize("arguments, said", [
    ({"environ": {}}, "OPENAI_API_KEY is not set"),
    ({"endpoint": "http://example.com/x", "environ": {"K": KEY}, "api_key_env": "K"}, "unencrypted"),
    ({"target": "beta", "environ": {"OPENAI_API_KEY": OTHER_KEY}}, "the beta shape cannot be sent there"),
])
def test_the_library_raises_value_error_for_what_cannot_be_asked(tmp_path, arguments, said):
    import realtime_cfg

    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with pytest.raises(ValueError, match=said):
        realtime_cfg.ask_server([path], **arguments)


def test_the_library_takes_folders_leaves_out_parts_and_masks_what_it_returns(tmp_path, guard):
    import realtime_cfg

    folder = tmp_path / "agents"
    folder.mkdir()
    config(folder, "agent.yaml", "type: realtime\nmodel: gpt-realtime-2\ninstructions: Hi.\naudio: {$file: audio.yaml}\n")
    config(folder, "audio.yaml", "output:\n  voice: alloy\n")
    (tmp_path / "empty").mkdir()
    body = client_secrets_answer()
    body["session"]["instructions"] = f"Echoed: {KEY}"  # a server that shows the key back
    with HttpServer([Reply(200, body)]) as api:
        answered = realtime_cfg.ask_server([folder, tmp_path / "empty"], api_key_env="K", environ={"K": KEY},
                                           endpoint=f"{api.url}/v1/realtime/client_secrets")
    assert [(a.name, a.outcome) for a in answered] == [(str(tmp_path / "empty"), "not sent"),
                                                       (str(folder / "agent.yaml"), "accepted")]
    assert answered[0].findings[0].code == "F001"
    shown = repr((answered[1].effective, answered[1].changes, [d.message for d in answered[1].findings]))
    assert KEY not in shown and "Echoed: ${K}" in shown
    with pytest.raises(TypeError, match="a list of paths"):
        realtime_cfg.ask_server(str(folder / "agent.yaml"), environ={"OPENAI_API_KEY": OTHER_KEY})


def test_a_server_error_told_not_to_retry_is_no_answer_not_the_configs_fault(tmp_path, guard):
    path = config(tmp_path, "agent.yaml", GA_CONFIG)
    with HttpServer([Reply(500, {"error": {"message": "x", "type": "server_error", "param": None, "code": None}},
                           [("x-should-retry", "false")])]) as api:
        run = live(guard, str(path), "--endpoint", f"{api.url}/v1/realtime/client_secrets", "--api-key-env",
                   "RTCFG_TEST_KEY")
        assert len(api.requests) == 1
    assert run.returncode == 2 and "F005" in run.stdout and "A001" not in run.stdout


def test_retry_after_as_an_http_date_is_read():
    import email.utils
    import time

    from realtime_cfg.live.asking import _retry_after

    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 0 < _retry_after({"retry-after": soon}) <= 31  # seconds from now, however busy the machine
    assert _retry_after({"retry-after": "not a date"}) is None
    assert _retry_after({"retry-after-ms": "0"}) == 0
