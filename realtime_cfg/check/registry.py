"""The catalog of rule codes: what each checks, how severe it is, why it matters, and
a bad and a good example (`rtcfg rules`, `rtcfg explain CODE`).

Codes never change meaning once released: suppressions and CI reports refer to them.
F = the file could not be read (exit code 2), L = loading the file, B = building a config
from its parts (extends, $file, ${VAR}), S = the schema,
R = rules the schema cannot express, T = what the chosen target (beta or GA) can carry,
X = a limit of rtcfg's own (a report shows at most so many findings a file).
The examples are tested: each bad one is reported with its code, each good one is clean.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str
    why: str
    bad: str  # a config (YAML) that gets this code, or a description where no file shows it
    good: str  # the same config, fixed
    example_target: str | None = None  # the --target the examples need, if not the file's own shape


_RULES = (
    Rule("F001", "unreadable-file", "error",
         "The file cannot be read (missing, a directory, a named pipe or device, no permission, closed stdin).",
         "Nothing was checked, so nothing can be promised about it; rtcfg exits with 2, not 1, so CI "
         "can tell a broken pipeline from a broken config.",
         "rtcfg validate sesion.yaml   # a path that does not exist", "rtcfg validate session.yaml"),
    Rule("F002", "bad-project-settings", "error",
         "The [tool.rtcfg] table of the pyproject.toml that applies to the file cannot be used (not TOML, "
         "not UTF-8, a setting of the wrong type, too large, or a symlink out of its folder).",
         "The project's settings (target, strict, ignore) decide what the file is checked for; checking it "
         "without them could pass a config the project means to fail. rtcfg exits with 2 and goes on with the "
         "other files.",
         "# pyproject.toml\n[tool.rtcfg]\ntarget = [\"ga\"]", "# pyproject.toml\n[tool.rtcfg]\ntarget = \"ga\""),
    Rule("F003", "internal-error", "error",
         "rtcfg itself failed on this file (a bug in rtcfg); the other files are still checked.",
         "Nothing in the file was checked, so nothing can be promised about it; exit code 2 says so. Please "
         "report it with the file that caused it.",
         "(no config should cause it)", "(no config should cause it)"),
    Rule("L001", "syntax-error", "error", "The file is not well-formed YAML or JSON.",
         "The application would fail to parse it at start-up, or a half-read file would send the wrong session.",
         "model: [gpt-realtime-2\n", "model: gpt-realtime-2\n"),
    Rule("L002", "duplicate-key", "error", "A mapping gives the same key twice; only one value could ever be used.",
         "YAML and JSON parsers silently keep one of the two (usually the last), so the other line is dead "
         "text that a reviewer still reads as live.",
         "voice: alloy\nvoice: ash\n", "voice: ash\n"),
    Rule("L003", "not-a-mapping", "error", "The top level of a session config must be a mapping of session fields.",
         "A session is an object of named settings; a list or a bare string cannot be sent as one.",
         "- model: gpt-realtime-2\n", "model: gpt-realtime-2\n"),
    Rule("L004", "forbidden-tag", "error",
         "A YAML tag that would build a non-JSON value (Python objects, binary, sets) or is unknown.",
         "Python tags run code when loaded with an unsafe loader, and no tag's value can be sent as JSON.",
         "instructions: !!python/object/apply:os.system [ls]\n", "instructions: ls\n"),
    Rule("L005", "too-deep", "error", "Nesting deeper than the loader's limit.",
         "Thousands of levels of nesting exhaust parsers' stacks; no real session needs more than a few.",
         "tracing: {metadata: {a: {a: {a: ... 120 levels ... }}}}", "tracing: {metadata: {a: {a: 1}}}\n"),
    Rule("L006", "alias-expansion", "error",
         "YAML aliases expand to more values than the loader's limit (a 'billion laughs' bomb).",
         "A few lines of aliases can expand to billions of values and take any tool that reads the file down.",
         "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
         + "".join(f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
                   for p, c in zip("abcdef", "bcdefg")),
         "tools: &t []\n"),
    Rule("L007", "multiple-documents", "error",
         "A YAML stream with more than one document; a session config is one document.",
         "Checking only the first document would hide whatever follows the `---`.",
         "voice: alloy\n---\nvoice: ash\n", "voice: ash\n"),
    Rule("L008", "bad-encoding", "error",
         "The file is not UTF-8/UTF-16 text (binary data, invalid bytes or NUL characters).",
         "A binary or mis-encoded file is not a config; its text could not be sent as JSON.",
         "a file holding bytes such as 0xff 0x00", "the same settings saved as UTF-8 text"),
    Rule("L009", "file-too-large", "error", "The file is larger than the size limit (--max-bytes, 1 MiB by default).",
         "A session config is a few kilobytes; a huge file is a mistake or an attack and is refused unread.",
         "a 5 MiB file", "the session settings alone"),
    Rule("B001", "extends-cycle", "error", "Files that extend or include each other in a circle.",
         "The config could never be built: each file waits for the other.",
         "# base.yaml\nextends: prod.yaml\n# prod.yaml\nextends: base.yaml\n",
         "# base.yaml\nmodel: gpt-realtime-2\n# prod.yaml\nextends: base.yaml\n"),
    Rule("B002", "missing-file", "error", "A file named by extends or $file does not exist or cannot be read.",
         "The config would be built without the part it names.",
         "instructions: {$file: prompts/suport.md}\n", "instructions: {$file: prompts/support.md}\n"),
    Rule("B003", "outside-root", "error",
         "A path in extends or $file, or a config found in a folder, leaves the project root (absolute, `..`, "
         "or a symlink out).",
         "A config that reads files from anywhere builds differently on each machine, and can be made to "
         "read files it should not. Allow it explicitly with --allow-outside-root.",
         "extends: /etc/shared/base.yaml\n", "extends: ../shared/base.yaml   # inside the project\n"),
    Rule("B004", "undefined-variable", "error", "A ${VAR} whose environment variable is not set and has no default.",
         "The value would silently be empty, or the literal text ${VAR} would reach the server.",
         "voice: ${AGENT_VOICE}\n", "voice: ${AGENT_VOICE:-ash}\n"),
    Rule("B005", "bad-reference", "error",
         "An extends, $file or ${...} that is not written the way rtcfg reads it.",
         "rtcfg could not tell which file or variable is meant.",
         "instructions: {$file: prompt.md, note: draft}\n", "instructions: {$file: prompt.md}\n"),
    Rule("B006", "build-too-large", "error",
         "Extends and includes nest more than 32 files deep, an extends list names more than 32 files, or the "
         "parts (or what ${VAR} adds) come to more than 10 times the size limit or 100,000 values.",
         "A few files including each other many times can expand like a 'billion laughs' bomb; a real "
         "session is a few kilobytes.",
         "# a.yaml includes b.yaml 10 times, b.yaml includes c.yaml 10 times, ...",
         "each part included once"),
    Rule("S001", "unknown-key", "error", "A key the server does not know; the server rejects unknown parameters.",
         "The server closes the session with `Unknown parameter`; a typo is found in production instead of at commit.",
         "max_tokens: 300\n", "max_output_tokens: 300\n"),
    Rule("S002", "invalid-value", "error", "A value outside the field's allowed set.",
         "The server rejects the session.update with `Invalid value`.",
         "input_audio_format: g711-ulaw\n", "input_audio_format: g711_ulaw\n"),
    Rule("S003", "wrong-type", "error", "A value of the wrong JSON type.",
         "The server rejects the session.update with `Invalid type`.",
         "temperature: warm\n", "temperature: 0.9\n"),
    Rule("S004", "out-of-range", "error", "A number outside the field's documented range.",
         "The server rejects it (`decimal below minimum value`); rtcfg never clamps a value into range for you.",
         "temperature: 0.3\n", "temperature: 0.6\n"),
    Rule("S005", "missing-key", "error", "A required key is missing.",
         "The server rejects an object without it, e.g. a function tool without a name.",
         "tools:\n  - type: function\n    description: no name\n",
         "tools:\n  - type: function\n    name: f\n    description: named\n"),
    Rule("S006", "yaml-implicit-type", "error",
         "YAML 1.1 read an unquoted scalar (no, off, yes, 1.10 ...) as a boolean or number where a string is required.",
         "`language: no` (Norwegian) is read as false and `turn_detection: off` as false: the file says one "
         "thing and the payload another.",
         "input_audio_transcription:\n  language: no\n", "input_audio_transcription:\n  language: \"no\"\n"),
    Rule("S007", "wrong-variant-field", "error",
         "A field that belongs to another variant of a union (a server_vad field under semantic_vad).",
         "The server rejects the field, or the author believes a setting is active when it cannot be.",
         "turn_detection:\n  type: semantic_vad\n  threshold: 0.5\n",
         "turn_detection:\n  type: server_vad\n  threshold: 0.5\n"),
    Rule("S008", "invalid-tool-parameters", "error", "A function tool's parameters is not a valid JSON Schema object.",
         "The model gets a broken schema for the function's arguments, or the server refuses the tool.",
         "tools:\n  - type: function\n    name: f\n    parameters: {type: object, required: city}\n",
         "tools:\n  - type: function\n    name: f\n    parameters: {type: object, required: [city]}\n"),
    Rule("S009", "constraint", "error", "A length, pattern or uniqueness constraint is not met.",
         "The server rejects empty names and repeated items.", "tool_choice: ''\n", "tool_choice: auto\n"),
    Rule("S010", "conflicting-keys", "error", "Two keys that set the same thing.",
         "Only one of them can win, and which one depends on the server.",
         "max_output_tokens: 10\nmax_response_output_tokens: 10\n", "max_response_output_tokens: 10\n"),
    Rule("S011", "not-a-session-field", "error", "A key that exists in the API but is rejected in session.update.",
         "client_secret belongs to the request that creates a session token, not to the session itself.",
         "client_secret: {expires_after: {anchor: created_at, seconds: 60}}\n", "model: gpt-realtime-2\n"),
    Rule("S012", "wrong-shape-field", "error",
         "A beta field name in a GA-shaped file (or the reverse); the hint says where it goes.",
         "A GA server does not know the flat beta names and rejects them.",
         "type: realtime\nvoice: ash\n", "type: realtime\naudio: {output: {voice: ash}}\n"),
    Rule("R001", "non-finite-number", "error", "NaN or infinity where JSON can only carry finite numbers.",
         "JSON has no NaN or infinity: the payload could not be serialized, or would be invalid JSON.",
         "speed: .nan\n", "speed: 1.0\n"),
    Rule("R002", "unknown-tool-choice", "error", "tool_choice names a function (or MCP server) that no tool defines.",
         "The server rejects forcing a tool the session does not have.",
         "tools: [{type: function, name: lookup}]\ntool_choice: lookpu\n",
         "tools: [{type: function, name: lookup}]\ntool_choice: lookup\n"),
    Rule("R003", "duplicate-tool-name", "error", "Two tools share a name; the model could not tell them apart.",
         "Calls to that name are ambiguous; the server or the application handles only one of them.",
         "tools:\n  - {type: function, name: f}\n  - {type: function, name: f}\n",
         "tools:\n  - {type: function, name: f}\n  - {type: function, name: g}\n"),
    Rule("R004", "tool-name-format", "warning",
         "A tool name outside letters, digits, '_' and '-' (at most 64), the rule OpenAI documents for function names.",
         "Realtime documents no rule of its own, but other OpenAI APIs reject such names; a warning, not an error.",
         "tools:\n  - {type: function, name: look up}\n", "tools:\n  - {type: function, name: look_up}\n"),
    Rule("R005", "unknown-model", "warning", "A model name that is not one of the Realtime models rtcfg knows.",
         "A typo in the model name fails only when the socket opens. The API takes any name and new models appear "
         "often, so this is a warning with the nearest known name. On Azure `model` is a deployment name: list "
         "yours in `models = [...]` under [tool.rtcfg].",
         "model: gpt-realtime-2-mini\n", "model: gpt-realtime-2.1-mini\n"),
    Rule("R006", "tts-only-voice", "error",
         "A text-to-speech voice of the audio.speech API (fable, onyx, nova), which Realtime does not have.",
         "Older SDK versions listed these voices, so they look valid in an editor, but no Realtime server "
         "accepts them.",
         "voice: nova\n", "voice: coral\n"),
    Rule("R007", "audio-output-unused", "warning",
         "A voice or output audio format is set while the model answers in text only.",
         "With text-only output the audio settings do nothing; either audio output was meant, or the "
         "settings are stale and mislead the next reader.",
         "modalities: [text]\nvoice: ash\n", "modalities: [text, audio]\nvoice: ash\n"),
    Rule("R008", "tools-disabled", "warning", "Tools are defined but tool_choice is none, so none can be called.",
         "Usually a leftover from debugging: the agent silently stops calling its tools.",
         "tools: [{type: function, name: lookup}]\ntool_choice: none\n",
         "tools: [{type: function, name: lookup}]\ntool_choice: auto\n"),
    Rule("R009", "required-without-tools", "warning", "tool_choice is required but no tool is defined.",
         "The model is told it must call a tool and has none to call.",
         "tool_choice: required\n", "tools: [{type: function, name: lookup}]\ntool_choice: required\n"),
    Rule("R010", "half-turn-taking", "warning",
         "turn_detection has create_response false and interrupt_response true.",
         "The user can interrupt the assistant but speaking never starts a new response: turn taking is half "
         "off, which is rarely what was meant.",
         "turn_detection:\n  create_response: false\n  interrupt_response: true\n",
         "turn_detection:\n  create_response: false\n  interrupt_response: false\n"),
    Rule("R011", "empty-instructions", "warning", "instructions is empty or only white space.",
         "An empty string clears the server's default instructions: the agent runs with no system prompt at all.",
         "instructions: ''\n", "instructions: You are a helpful support agent.\n"),
    Rule("R012", "committed-secret", "error",
         "A string that looks like an OpenAI API key, a client secret or a bearer token.",
         "A key committed to a repository is leaked: rotate it. Read it from the environment at run time instead. "
         "rtcfg never prints the secret in full.",
         "type: realtime\ntools:\n  - type: mcp\n    server_label: crm\n    server_url: https://mcp.example.com\n"
         "    authorization: sk-proj-AbCdEfGhIjKlMnOpQrStUvWx\n",
         "type: realtime\ntools:\n  - type: mcp\n    server_label: crm\n    server_url: https://mcp.example.com\n"),
    Rule("R013", "unknown-voice", "warning", "A voice name that is not one of the built-in Realtime voices.",
         "The API takes any voice name, so this is a warning; a misspelt voice fails only when the session starts. "
         "A custom voice is written `{id: voice_...}`; a server's own voice names go in `voices = [...]` under "
         "[tool.rtcfg].",
         "voice: shimer\n", "voice: shimmer\n"),
    Rule("R014", "unknown-transcription-model", "warning",
         "A transcription model that is not one of those rtcfg knows.",
         "The API takes any transcription model name, so this is a warning with the nearest known name; a typo "
         "would otherwise only show as transcripts that never arrive. Your own names go in "
         "`transcription-models = [...]` under [tool.rtcfg].",
         "input_audio_transcription:\n  model: gpt-4o-transcriber\n",
         "input_audio_transcription:\n  model: gpt-transcribe\n"),
    Rule("R015", "model-shutdown", "warning",
         "A model or transcription model with a shutdown date announced by OpenAI; after that date, an error.",
         "The session stops working on the day the model is shut down. The warning names the date early enough "
         "to move; from the date on the finding is an error, since the server no longer serves the model. "
         "Today is the machine's date; RTCFG_TODAY=YYYY-MM-DD checks a config against another day.",
         "model: gpt-realtime-mini\n", "model: gpt-realtime-2.1-mini\n"),
    Rule("R016", "deprecated-field", "warning", "A field OpenAI has deprecated (an MCP tool's connector_id).",
         "A deprecated field stops working for newer models; the message says what to use instead.",
         "type: realtime\ntools:\n  - type: mcp\n    server_label: mail\n    connector_id: connector_gmail\n",
         "type: realtime\ntools:\n  - type: mcp\n    server_label: mail\n    server_url: https://mcp.example.com/mcp\n"),
    Rule("R017", "delay-needs-realtime-whisper", "warning",
         "A transcription delay with a model other than gpt-realtime-whisper (GA).",
         "OpenAI documents delay as supported only with gpt-realtime-whisper in GA sessions; with another model the "
         "setting does nothing at best.",
         "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n      delay: low\n",
         "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
         "      delay: low\n"),
    Rule("R018", "prompt-not-with-realtime-whisper", "warning",
         "A transcription prompt with gpt-realtime-whisper (GA).",
         "OpenAI documents that the prompt is not supported with gpt-realtime-whisper in GA sessions: the guidance "
         "the file gives would be lost.",
         "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
         "      prompt: Expect product names\n",
         "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n"
         "      prompt: Expect product names\n"),
    Rule("R019", "languages-need-gpt-transcribe", "warning",
         "Transcription languages or keywords with a model other than gpt-transcribe and gpt-live-transcribe.",
         "OpenAI documents languages and keywords as supported by gpt-transcribe and gpt-live-transcribe only; "
         "another model would not use them.",
         "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
         "      languages: [en, de]\n",
         "type: realtime\naudio:\n  input:\n    transcription:\n      model: gpt-transcribe\n"
         "      languages: [en, de]\n"),
    Rule("R020", "realtime-whisper-needs-no-vad", "error",
         "A gpt-realtime-whisper transcription session whose turn_detection is not set to null.",
         "OpenAI states that turn detection must be set to null for gpt-realtime-whisper transcription sessions: "
         "VAD is not supported with it. (A realtime session may use it as its transcription model with VAD on.)",
         "type: transcription\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
         "    turn_detection:\n      type: server_vad\n",
         "type: transcription\naudio:\n  input:\n    transcription:\n      model: gpt-realtime-whisper\n"
         "    turn_detection: null\n"),
    Rule("T001", "not-in-target", "error",
         "A field or value the chosen target's API does not have (a GA-only setting rendered for beta).",
         "The target's server rejects the field, or the value does not exist there.",
         "voice: ash\ntruncation: disabled\n", "voice: ash\n"),
    Rule("T002", "dropped-for-target", "warning",
         "A field the chosen target has no equivalent for, left out of its payload (temperature for GA); "
         "an error with --strict.",
         "The rendered payload does not carry a setting the file makes: the session behaves differently "
         "from what the file says.",
         "voice: ash\ntemperature: 0.7\n", "voice: ash\n", example_target="ga"),
    Rule("T003", "unconfirmed-in-target", "warning",
         "A value OpenAI's sources disagree on for the chosen target (marin or cedar for beta).",
         "OpenAI's 2026 spec lists marin and cedar for beta sessions while openai-python's beta types do not, and "
         "OpenAI's own beta endpoint is retired: whether a beta server (Azure's beta endpoint) takes them cannot be "
         "checked. A warning, not an error, so configs that work stay green.",
         "voice: marin\n", "voice: ash\n"),
    Rule("X001", "too-many-findings", "error",
         "The file has more findings than a report lists for one file (1,000); the rest are counted, not listed.",
         "A file with thousands of findings is rarely a config with thousands of mistakes (a wrong file, a "
         "generated mass); listing them all would make the report cost more than the check. Its severity is the "
         "highest of the findings left out, so the exit code stays what the whole list would give.",
         "(a file with more than 1,000 findings)", "(fix the first ones; the rest often go with them)"),
)

RULES: dict[str, Rule] = {rule.code: rule for rule in _RULES}
