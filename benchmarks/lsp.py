"""Does `rtcfg server` answer a change in a 1,000-line config within the time the command
line needs for that file? Wall times of both, on the same generated config.

    python benchmarks/lsp.py                        # 1,000 lines, 15 runs
    python benchmarks/lsp.py --lines 1000 5000 --runs 15
    python benchmarks/lsp.py --json benchmarks/.work/lsp.json

The config is a realistic flat session (model, voice, instructions as a block scalar, audio
formats, VAD, transcription, many tools with parameters) with a few mistakes, generated to
exactly --lines lines and written into a temporary project (with a `.git` folder).

- CLI: `rtcfg validate FILE` as a fresh process, as benchmarks/bench.py runs it (its
  run_once: one run to warm caches, then --runs runs).
- server: `rtcfg server` is started once (start to the first diagnostics is shown, once),
  the file is opened, then --runs times a didChange with the whole text (alternating two
  texts whose findings differ) is timed from writing it to reading the publishDiagnostics of
  that version; then hover and completion at a few places, --runs times each.

The client here is a minimal one written for this script (JSON-RPC over the server's stdin
and stdout, one thread), so the times include no client machinery: what is measured is the
server's own turn-around, as an editor would wait for it. "ratio" is the server's median over
the CLI's median. This is a measurement, not a test: machines are noisy, so no threshold
fails it.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench import run_once, tool  # noqa: E402  (benchmarks/, this script's folder)

WAIT = 120  # seconds: a bound on a broken server, never a measure

# -- the config ----------------------------------------------------------------------------------

HEAD = """\
# yaml-language-server: $schema=session.schema.json
# A support agent of a (made-up) online shop: audio in and out, server VAD, many tools.
model: gpt-realtime
modalities: [text, audio]
voice: coral
input_audio_format: g711-ulaw
output_audio_format: pcm16
input_audio_transcription:
  model: gpt-4o-mini-transcribe
  language: en
turn_detection:
  type: server_vad
  threshold: 0.6
  prefix_padding_ms: 300
  silence_duration_ms: 600
  create_response: true
  interrupt_response: true
tool_choice: auto
TEMPERATURE
max_response_output_tokens: 1024
instructions: |
"""
SENTENCES = [
    "You are Mira, the voice assistant of the shop's customer service.",
    "Greet the caller by name when the CRM lookup returns one, and keep every answer short.",
    "Never read out a full card number, an address or a phone number; confirm the last digits only.",
    "When the caller asks about an order, look it up with lookup_order before you answer.",
    "If a refund is over the limit, hand the call over with transfer_to_agent and say why.",
    "Speak in the caller's language when it is one of the supported ones; otherwise use English.",
    "Do not promise delivery dates that the tracking tool has not returned.",
    "Summarise what was agreed at the end of the call, in two sentences at most.",
]
PARAMETER_TYPES = [
    ("string", '{type: string, description: "%s"}'),
    ("integer", "{type: integer, minimum: 1, maximum: 100, description: \"%s\"}"),
    ("enum", '{type: string, enum: [standard, express, pickup], description: "%s"}'),
    ("boolean", '{type: boolean, description: "%s"}'),
]


def _tool(index: int, broken: bool) -> list[str]:
    """One function tool of 10-14 lines; `broken` gives one parameter a type that does not exist."""
    count = 3 + index % 3
    lines = ["  - type: function",
             f"    name: tool_{index:04d}",
             f"    description: Looks up record {index} of the shop's systems and returns it as JSON.",
             "    parameters:",
             "      type: object",
             "      properties:"]
    names = []
    for number in range(count):
        kind, template = PARAMETER_TYPES[(index + number) % len(PARAMETER_TYPES)]
        name = f"field_{number}"
        names.append(name)
        spec = template % f"the {kind} {name} of the request"
        if broken and number == 0:
            spec = spec.replace("type: string", "type: strng").replace("type: integer", "type: integr")
            spec = spec.replace("type: boolean", "type: bool")
        lines.append(f"        {name}: {spec}")
    lines.append(f"      required: [{', '.join(names[:2])}]")
    lines.append("      additionalProperties: false")
    return lines


def config(lines: int, variant: int) -> str:
    """A flat config of exactly `lines` lines. Variants 0 and 1 have the same lines in the same
    places but different findings (temperature, and which tool is broken)."""
    temperature = "temperature: 0.3" if variant == 0 else "temperature: 0.8"
    head = HEAD.replace("TEMPERATURE", temperature).splitlines()
    prompt_lines = max(4, lines // 10)
    body: list[str] = []
    tools: list[str] = ["tools:"]
    index = 0
    budget = lines - len(head) - prompt_lines - 1  # the last line: an unknown key
    while True:
        broken = index % 25 == (7 if variant == 0 else 19)
        chunk = _tool(index, broken)
        if len(tools) + len(chunk) > budget:
            break
        tools += chunk
        index += 1
    prompt_lines = lines - len(head) - len(tools) - 1
    for number in range(prompt_lines):
        body.append("  " + SENTENCES[number % len(SENTENCES)])
    text = head + body + tools + ["max_tokens: 500" if variant == 0 else "max_output_token: 500"]
    assert len(text) == lines, (len(text), lines)
    return "\n".join(text) + "\n"


# -- a minimal LSP client ---------------------------------------------------------------------------


class Client:
    """`rtcfg server` over pipes, spoken to from this thread."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.errors = tempfile.TemporaryFile()
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors,
                                        cwd=cwd)
        self.buffer = b""
        self.next_id = 0
        self.published: dict[tuple[str, int | None], list] = {}
        self.logs: list[str] = []

    def _write(self, message: dict) -> None:
        body = json.dumps(message).encode("utf-8")
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()

    def _fill(self) -> None:
        ready, _, _ = select.select([self.process.stdout], [], [], WAIT)
        chunk = os.read(self.process.stdout.fileno(), 1 << 20) if ready else b""
        if not chunk:
            raise RuntimeError(f"the server stopped answering (exit {self.process.poll()}):\n{self.stderr()[-3000:]}")
        self.buffer += chunk

    def _read(self) -> dict:
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        header, _, rest = self.buffer.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in header.split(b"\r\n")
                      if line.lower().startswith(b"content-length"))
        self.buffer = rest
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return json.loads(body)

    def _handle(self, message: dict) -> None:
        """A message that is not the answer waited for: a notification is kept, a request answered."""
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.published.setdefault((params["uri"], params.get("version")), []).append(params["diagnostics"])
        elif method == "window/logMessage":
            self.logs.append(message["params"]["message"])
        elif method is not None and "id" in message:  # a request from the server
            self._write({"jsonrpc": "2.0", "id": message["id"], "result": None})

    def request(self, method: str, params: dict):
        self.next_id += 1
        self._write({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            message = self._read()
            if message.get("id") == self.next_id and "method" not in message:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result")
            self._handle(message)

    def notify(self, method: str, params: dict) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri: str, version: int) -> list:
        """Wait for the diagnostics of `version` of `uri` (returns the first publication)."""
        while (uri, version) not in self.published:
            self._handle(self._read())
        return self.published[(uri, version)][0]

    def stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode("utf-8", "replace")

    def stop(self) -> int:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.stdin.close()
        code = self.process.wait(WAIT)
        self.process.stdout.close()
        return code


# -- measuring ------------------------------------------------------------------------------------


def summary(seconds: list[float]) -> dict:
    ordered = sorted(seconds)
    return {"median_ms": statistics.median(ordered) * 1000,
            "p90_ms": ordered[min(len(ordered) - 1, max(0, round(0.9 * len(ordered)) - 1))] * 1000,
            "max_ms": ordered[-1] * 1000, "best_ms": ordered[0] * 1000, "runs": len(ordered)}


def measure_cli(rtcfg: str, path: Path, runs: int) -> dict:
    command = [rtcfg, "validate", str(path)]
    run_once(command)  # warm the page cache and .pyc files, as bench.py's measure does
    results = [run_once(command) for _ in range(runs)]
    codes = sorted({code for _, _, code in results})
    return {**summary([wall for wall, _, _ in results]), "exit": codes,
            "rss_mib": max(rss for _, rss, _ in results) / 1024}


def measure_server(rtcfg: str, project: Path, path: Path, texts: list[str], runs: int) -> dict:
    uri = path.as_uri()
    started = time.perf_counter()
    client = Client([rtcfg, "server"], project)
    result: dict = {}
    try:
        client.request("initialize", {"processId": os.getpid(), "rootUri": project.as_uri(), "capabilities": {},
                                      "workspaceFolders": [{"uri": project.as_uri(), "name": project.name}]})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                                "text": texts[0]}})
        opened = client.diagnostics(uri, 1)
        result["cold_start_ms"] = (time.perf_counter() - started) * 1000
        version = 1
        for warm in (1, 0):  # not measured: the first check of each text
            version += 1
            client.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                                     "contentChanges": [{"text": texts[warm]}]})
            client.diagnostics(uri, version)
        changes, counts = [], {0: set(), 1: set()}
        for run in range(runs):
            which = (run + 1) % 2
            version += 1
            message = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": texts[which]}]}
            began = time.perf_counter()
            client.notify("textDocument/didChange", message)
            found = client.diagnostics(uri, version)
            changes.append(time.perf_counter() - began)
            counts[which].add(len(found))
        result["change"] = summary(changes)
        result["findings"] = {"opened": len(opened), "text_a": sorted(counts[0]), "text_b": sorted(counts[1])}
        text = texts[which]  # the text the server holds now
        lines = text.splitlines()
        tools = [number for number, line in enumerate(lines) if line.startswith("    name: tool_")]
        prompt = [number for number, line in enumerate(lines) if line.startswith("  ") and " " in line.strip()
                  and number < tools[0]]
        places = {  # label: (method, line, character)
            "hover: `model` key": ("textDocument/hover", lines.index("model: gpt-realtime"), 2),
            "hover: `name` of the last tool": ("textDocument/hover", tools[-1], 6),
            "hover: instructions (middle)": ("textDocument/hover", prompt[len(prompt) // 2], 10),
            "completion: input_audio_format value": ("textDocument/completion",
                                                     lines.index("input_audio_format: g711-ulaw"), 22),
            "completion: a key in the middle tool": ("textDocument/completion", tools[len(tools) // 2], 6),
            "completion: a top-level key (last line)": ("textDocument/completion", len(lines) - 1, 3),
        }
        result["requests"] = {}
        for label, (method, line, character) in places.items():
            position = {"line": line, "character": character}
            params = {"textDocument": {"uri": uri}, "position": position}
            answer = client.request(method, params)  # warm
            times = []
            for _ in range(runs):
                began = time.perf_counter()
                client.request(method, params)
                times.append(time.perf_counter() - began)
            items = (answer or {}).get("items", answer) if method == "textDocument/completion" else None
            result["requests"][label] = {**summary(times), "position": position,
                                         "answered": (len(items) if isinstance(items, list) else None)
                                         if method == "textDocument/completion" else answer is not None}
        failed = [message for message in client.logs if "failed" in message]
        result["failed_logs"] = failed
        result["exit"] = client.stop()
    except BaseException:
        if client.process.poll() is None:
            client.process.kill()
        sys.stderr.write(client.stderr()[-3000:])
        raise
    return result


def _ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"


def run_size(rtcfg: str, lines: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="rtcfg-lsp-bench-") as folder:
        project = Path(folder)
        (project / ".git").mkdir()
        path = project / "session.yaml"
        texts = [config(lines, 0), config(lines, 1)]
        path.write_text(texts[0], encoding="utf-8")
        cli = measure_cli(rtcfg, path, runs)
        server = measure_server(rtcfg, project, path, texts, runs)
    return {"lines": lines, "bytes": len(texts[0].encode()), "runs": runs, "cli": cli, "server": server,
            "ratio_change_to_cli": server["change"]["median_ms"] / cli["median_ms"],
            "ratio_change_to_cli_best": server["change"]["best_ms"] / cli["best_ms"]}


def print_size(result: dict) -> None:
    cli, server = result["cli"], result["server"]
    findings = server["findings"]
    print(f"### {result['lines']:,} lines ({result['bytes']:,} bytes), {result['runs']} runs; findings "
          f"{findings['text_a']} / {findings['text_b']} in the two texts\n")
    print("| what | median | p90 | max | best |")
    print("|---|---:|---:|---:|---:|")

    def row(label: str, numbers: dict) -> None:
        print(f"| {label} | {_ms(numbers['median_ms'])} | {_ms(numbers['p90_ms'])} | {_ms(numbers['max_ms'])} "
              f"| {_ms(numbers['best_ms'])} |")

    row(f"`rtcfg validate FILE`, a fresh process (exit {cli['exit']}, {cli['rss_mib']:.1f} MiB)", cli)
    row("server: didChange → its publishDiagnostics", server["change"])
    for label, numbers in server["requests"].items():
        answered = numbers["answered"]
        shown = (f"{answered} items" if type(answered) is int else "answered" if answered else "no answer")
        row(f"server: {label} ({shown})", numbers)
    print(f"\nserver start → first diagnostics (once): {_ms(server['cold_start_ms'])}; "
          f"server exit code {server['exit']}; handlers logged as failed: {len(server['failed_logs'])}")
    print(f"**ratio server change / CLI: {result['ratio_change_to_cli']:.2f} (medians)**, "
          f"{result['ratio_change_to_cli_best']:.2f} (bests)\n", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, nargs="+", default=[1000], help="config sizes in lines (default 1000)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON to FILE ('-': stdout)")
    args = parser.parse_args()
    rtcfg = tool("rtcfg")
    if rtcfg is None:
        sys.exit("rtcfg is not installed: pip install -e '.[lsp]' first")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.runs} runs per row\n")
    results = []
    for lines in args.lines:
        results.append(run_size(rtcfg, lines, args.runs))
        print_size(results[-1])
    if len(results) > 1:
        print("| lines | CLI median (best) | server change median (best) | ratio of medians (bests) "
              "| change ms per 1,000 lines, median (best) |")
        print("|---:|---:|---:|---:|---:|")
        for result in results:
            cli, change = result["cli"], result["server"]["change"]
            per = 1000 / result["lines"]
            print(f"| {result['lines']:,} | {_ms(cli['median_ms'])} ({_ms(cli['best_ms'])}) "
                  f"| {_ms(change['median_ms'])} ({_ms(change['best_ms'])}) "
                  f"| {result['ratio_change_to_cli']:.2f} ({result['ratio_change_to_cli_best']:.2f}) "
                  f"| {change['median_ms'] * per:,.1f} ({change['best_ms'] * per:,.1f}) |")
    if args.json:
        payload = json.dumps({"python": sys.version.split()[0], "cores": os.cpu_count(), "results": results}, indent=2)
        if args.json == "-":
            print(payload)
        else:
            Path(args.json).parent.mkdir(parents=True, exist_ok=True)
            Path(args.json).write_text(payload + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
