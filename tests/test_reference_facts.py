"""One row per fact of the beta table in shared/reference/realtime-session.md (section 2).

Each fact has a config the server accepts and, where the fact constrains
something, one it rejects with the code rtcfg reports. Facts rtcfg does not
enforce are listed in docs/reference-coverage.md with the reason."""

from __future__ import annotations

import pytest

from conftest import codes, error_codes

FACTS = [
    # (fact, accepted config, rejected config or None, code)
    ("model is a string", "model: gpt-4o-realtime-preview-2024-12-17\n", "model: [4]\n", "S003"),
    ("model is not empty", "model: gpt-realtime\n", "model: ''\n", "S009"),
    ("modalities: text only", "modalities: [text]\n", "modalities: [audio]\n", "S002"),
    ("modalities: text+audio in any order", "modalities: [audio, text]\n", "modalities: [text, text]\n", "S002"),
    ("modalities items are text/audio", "modalities: [text, audio]\n", "modalities: [text, video]\n", "S002"),
    ("instructions: '' clears", "instructions: ''\n", "instructions: null\n", "S003"),
    ("voice: an open set; an unknown name is a warning", "voice: verse\n", "voice: Puck\n", "R013"),
    ("voice: TTS-only voices are not server voices", "voice: sage\n", "voice: fable\n", "R006"),
    ("input_audio_format enum", "input_audio_format: g711_alaw\n", "input_audio_format: g711_law\n", "S002"),
    ("output_audio_format enum", "output_audio_format: pcm16\n", "output_audio_format: g711-alaw\n", "S002"),
    ("input_audio_transcription null turns it off", "input_audio_transcription: null\n",
     "input_audio_transcription: whisper-1\n", "S003"),
    ("transcription models: an open set", "input_audio_transcription: {model: gpt-transcribe}\n",
     "input_audio_transcription: {model: whisper-2}\n", "R014"),
    ("transcription keys", "input_audio_transcription: {language: en, prompt: 'keywords'}\n",
     "input_audio_transcription: {enabled: true}\n", "S001"),
    ("turn_detection null: no VAD", "turn_detection: null\n", "turn_detection: off\n", "S006"),
    ("VAD type enum", "turn_detection: {type: semantic_vad}\n", "turn_detection: {type: semantic-vad}\n", "S002"),
    ("VAD type defaults to server_vad", "turn_detection: {threshold: 0.2}\n",
     "turn_detection: {eagerness: low}\n", "S007"),
    ("threshold 0.0-1.0", "turn_detection: {type: server_vad, threshold: 1.0}\n",
     "turn_detection: {type: server_vad, threshold: 1.5}\n", "S004"),
    ("prefix_padding_ms integer", "turn_detection: {prefix_padding_ms: 300}\n",
     "turn_detection: {prefix_padding_ms: 300.5}\n", "S003"),
    ("silence_duration_ms integer", "turn_detection: {silence_duration_ms: 500}\n",
     "turn_detection: {silence_duration_ms: '500'}\n", "S003"),
    ("eagerness enum", "turn_detection: {type: semantic_vad, eagerness: auto}\n",
     "turn_detection: {type: semantic_vad, eagerness: fast}\n", "S002"),
    ("eagerness is semantic_vad only", "turn_detection: {type: semantic_vad, eagerness: high}\n",
     "turn_detection: {type: server_vad, eagerness: high}\n", "S007"),
    ("server_vad numbers are server_vad only", "turn_detection: {type: server_vad, silence_duration_ms: 200}\n",
     "turn_detection: {type: semantic_vad, silence_duration_ms: 200}\n", "S007"),
    ("create_response / interrupt_response are booleans",
     "turn_detection: {create_response: true, interrupt_response: false}\n",
     "turn_detection: {create_response: 'yes'}\n", "S003"),
    ("idle_timeout_ms is GA only", "turn_detection: {type: server_vad}\n",
     "turn_detection: {type: server_vad, idle_timeout_ms: 6000}\n", "T001"),
    ("noise reduction near/far field", "input_audio_noise_reduction: {type: near_field}\n",
     "input_audio_noise_reduction: {type: nearfield}\n", "S002"),
    ("noise reduction null is off", "input_audio_noise_reduction: null\n",
     "input_audio_noise_reduction: near_field\n", "S003"),
    ("tools: [] clears", "tools: []\n", "tools: {}\n", "S003"),
    ("function tool type", "tools: [{type: function, name: f}]\n", "tools: [{type: fn, name: f}]\n", "S002"),
    ("extra keys in a tool are rejected", "tools: [{type: function, name: f, description: d}]\n",
     "tools: [{type: function, name: f, meta: {}}]\n", "S001"),
    ("parameters is a JSON Schema", "tools: [{type: function, name: f, parameters: {type: object}}]\n",
     "tools: [{type: function, name: f, parameters: {type: obj}}]\n", "S008"),
    ("tool_choice keywords", "tool_choice: required\n", "tool_choice: [auto]\n", "S003"),
    ("tool_choice forced function names a tool", "tools: [{type: function, name: f}]\ntool_choice: f\n",
     "tool_choice: f\n", "R002"),
    ("tool_choice forced function: the name, or the GA object form", 
     "tools: [{type: function, name: f}]\ntool_choice: {type: function, name: f}\n",
     "tools: [{type: function, name: f}]\ntool_choice: {type: function}\n", "S005"),
    ("temperature 0.6-1.2", "temperature: 1.2\n", "temperature: 1.3\n", "S004"),
    ("temperature minimum 0.6", "temperature: 0.6\n", "temperature: 0.59\n", "S004"),
    ("token limit 1-4096", "max_response_output_tokens: 4096\n", "max_response_output_tokens: 0\n", "S004"),
    ("token limit inf", "max_response_output_tokens: inf\n", "max_response_output_tokens: infinite\n", "S002"),
    ("seed name max_output_tokens is accepted", "max_output_tokens: 5\n",
     "max_output_tokens: 5\nmax_response_output_tokens: 5\n", "S010"),
    ("speed 0.25-1.5", "speed: 0.25\n", "speed: 1.6\n", "S004"),
    ("tracing auto", "tracing: auto\n", "tracing: on\n", "S006"),
    ("tracing object keys", "tracing: {workflow_name: w, group_id: g, metadata: {a: 1}}\n",
     "tracing: {workflow: w}\n", "S001"),
    ("tracing null is off", "tracing: null\n", "tracing: 'off'\n", "S002"),
    ("client_secret is rejected in session.update", "voice: alloy\n",
     "client_secret: {expires_after: {anchor: created_at, seconds: 600}}\n", "S011"),
    ("beta names are not GA fields", "type: realtime\noutput_modalities: [text]\n",
     "type: realtime\nmodalities: [text]\n", "S012"),
    ("GA sessions require type: realtime", "type: realtime\naudio: {output: {voice: ash}}\n",
     "audio: {output: {voice: ash}}\n", "S005"),
]


@pytest.mark.parametrize("fact, good, bad, code", FACTS, ids=[f[0] for f in FACTS])
def test_fact(fact, good, bad, code):
    assert error_codes(good) == [], fact
    assert code in codes(bad), (fact, codes(bad))


# One row per fact of the GA table (section 3), written as GA-shaped files.
GA = "type: realtime\n"
GA_FACTS = [
    ("type is required and is realtime", GA, "output_modalities: [audio]\n", "S005"),
    ("type is the const realtime", GA, "type: conversation\n", "S002"),
    ("model is an open string", GA + "model: gpt-realtime-mini-2025-12-15\n", GA + "model: 5\n", "S003"),
    ("instructions: '' clears", GA + "instructions: ''\n", GA + "instructions: [a]\n", "S003"),
    ("output_modalities: [audio]", GA + "output_modalities: [audio]\n", GA + "output_modalities: [text, audio]\n", "S002"),
    ("output_modalities: [text]", GA + "output_modalities: [text]\n", GA + "output_modalities: [video]\n", "S002"),
    ("audio format is an object, not a string", GA + "audio: {input: {format: {type: audio/pcmu}}}\n",
     GA + "audio: {input: {format: pcm16}}\n", "S003"),
    ("PCM rate is 24000 only", GA + "audio: {output: {format: {type: audio/pcm, rate: 24000}}}\n",
     GA + "audio: {output: {format: {type: audio/pcm, rate: 16000}}}\n", "S002"),
    ("A-law format type", GA + "audio: {output: {format: {type: audio/pcma}}}\n",
     GA + "audio: {output: {format: {type: audio/alaw}}}\n", "S002"),
    ("transcription object or null", GA + "audio: {input: {transcription: null}}\n",
     GA + "audio: {input: {transcription: whisper-1}}\n", "S003"),
    ("transcription models: an open set", GA + "audio: {input: {transcription: {model: gpt-realtime-whisper}}}\n",
     GA + "audio: {input: {transcription: {model: whisper-2}}}\n", "R014"),
    ("noise_reduction near/far or null", GA + "audio: {input: {noise_reduction: {type: far_field}}}\n",
     GA + "audio: {input: {noise_reduction: {type: far}}}\n", "S002"),
    ("turn_detection null is manual", GA + "audio: {input: {turn_detection: null}}\n",
     GA + "audio: {input: {turn_detection: {type: push_to_talk}}}\n", "S002"),
    ("idle_timeout_ms 5000-30000 or null",
     GA + "audio: {input: {turn_detection: {type: server_vad, idle_timeout_ms: null}}}\n",
     GA + "audio: {input: {turn_detection: {type: server_vad, idle_timeout_ms: 100}}}\n", "S004"),
    ("voice: beta voices plus marin and cedar", GA + "audio: {output: {voice: cedar}}\n",
     GA + "audio: {output: {voice: Puck}}\n", "R013"),
    ("speed 0.25-1.5", GA + "audio: {output: {speed: 0.25}}\n", GA + "audio: {output: {speed: 1.6}}\n", "S004"),
    ("tools: function and MCP", GA + "tools: [{type: mcp, server_label: s, connector_id: connector_dropbox}]\n",
     GA + "tools: [{type: web_search}]\n", "S002"),
    ("MCP: exactly one of server_url / connector_id",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s.example'}]\n",
     GA + "tools: [{type: mcp, server_label: s}]\n", "S005"),
    ("MCP headers are a string map",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', headers: {X-A: b}}]\n",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', headers: [a]}]\n", "S003"),
    ("MCP require_approval", GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', require_approval: "
     "{never: {tool_names: [read]}}}]\n",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', require_approval: sometimes}]\n", "S002"),
    ("tool_choice keyword or object", GA + "tool_choice: required\n", GA + "tool_choice: maybe\n", "S002"),
    ("tool_choice function object", GA + "tools: [{type: function, name: f}]\ntool_choice: {type: function, name: f}\n",
     GA + "tool_choice: {type: function}\n", "S005"),
    ("tool_choice MCP object", GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s'}]\n"
     "tool_choice: {type: mcp, server_label: s}\n", GA + "tool_choice: {type: mcp, name: x}\n", "S005"),
    ("max_output_tokens 1-4096 or inf", GA + "max_output_tokens: inf\n", GA + "max_output_tokens: 4097\n", "S004"),
    ("tracing auto, object or null", GA + "tracing: {group_id: g}\n", GA + "tracing: on\n", "S006"),
    ("truncation auto/disabled/retention_ratio", GA + "truncation: {type: retention_ratio, retention_ratio: 0.3}\n",
     GA + "truncation: {type: retention_ratio, retention_ratio: -0.1}\n", "S004"),
    ("prompt object or null", GA + "prompt: null\n", GA + "prompt: pmpt_1\n", "S003"),
    ("include: only transcription logprobs", GA + "include: [item.input_audio_transcription.logprobs]\n",
     GA + "include: [logprobs]\n", "S002"),
    ("temperature is absent in GA", GA, GA + "temperature: 0.8\n", "S012"),
    ("client_secret is not a session field", GA, GA + "client_secret: {}\n", "S011"),
    # the 2026 API (docs/reference-coverage.md, "2026 additions")
    ("reasoning effort minimal..xhigh", GA + "reasoning: {effort: xhigh}\n", GA + "reasoning: {effort: extreme}\n",
     "S002"),
    ("reasoning has only effort", GA + "reasoning: {}\n", GA + "reasoning: {level: low}\n", "S001"),
    ("parallel_tool_calls is a boolean", GA + "parallel_tool_calls: false\n", GA + "parallel_tool_calls: 1\n", "S003"),
    ("custom voice {id}", GA + "audio: {output: {voice: {id: voice_1234}}}\n",
     GA + "audio: {output: {voice: {id: voice_1234, name: Ada}}}\n", "S001"),
    ("custom voice needs its id", GA + "audio: {output: {voice: {id: voice_1234}}}\n",
     GA + "audio: {output: {voice: {}}}\n", "S005"),
    ("transcription languages: at least one", GA + "audio: {input: {transcription: {model: gpt-transcribe, "
     "languages: [en, es]}}}\n", GA + "audio: {input: {transcription: {model: gpt-transcribe, languages: []}}}\n",
     "S009"),
    ("transcription keywords: a list of strings", GA + "audio: {input: {transcription: {model: gpt-transcribe, "
     "keywords: [Lumen]}}}\n", GA + "audio: {input: {transcription: {model: gpt-transcribe, keywords: Lumen}}}\n",
     "S003"),
    ("transcription delay minimal..xhigh", GA + "audio: {input: {transcription: {model: gpt-realtime-whisper, "
     "delay: xhigh}}}\n", GA + "audio: {input: {transcription: {model: gpt-realtime-whisper, delay: slow}}}\n",
     "S002"),
    ("noise_reduction strength: a number, not negative", GA + "audio: {input: {noise_reduction: {type: near_field, "
     "strength: 0.5}}}\n", GA + "audio: {input: {noise_reduction: {type: near_field, strength: -1}}}\n", "S004"),
    ("truncation token_limits.post_instructions >= 0", GA + "truncation: {type: retention_ratio, retention_ratio: "
     "0.5, token_limits: {post_instructions: 5000}}\n", GA + "truncation: {type: retention_ratio, retention_ratio: "
     "0.5, token_limits: {post_instructions: -1}}\n", "S004"),
    ("prompt version and variables may be null", GA + "prompt: {id: pmpt_1, version: null, variables: null}\n",
     GA + "prompt: {id: pmpt_1, version: 2}\n", "S003"),
    ("prompt variables: strings or content parts", GA + "prompt: {id: pmpt_1, variables: {city: {type: input_text, "
     "text: Paris}}}\n", GA + "prompt: {id: pmpt_1, variables: {city: {type: text}}}\n", "S002"),
    ("MCP tunnel_id pattern", GA + "tools: [{type: mcp, server_label: s, tunnel_id: tunnel_" + "a1" * 16 + "}]\n",
     GA + "tools: [{type: mcp, server_label: s, tunnel_id: tunnel_abc}]\n", "S009"),
    ("MCP: one of server_url / connector_id / tunnel_id",
     GA + "tools: [{type: mcp, server_label: s, tunnel_id: tunnel_" + "a1" * 16 + "}]\n",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', tunnel_id: tunnel_" + "a1" * 16 + "}]\n",
     "S010"),
    ("MCP allowed_callers: direct/programmatic, at least one",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', allowed_callers: [direct, programmatic]}]\n",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', allowed_callers: [robot]}]\n", "S002"),
    ("MCP defer_loading is a boolean",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', defer_loading: true}]\n",
     GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s', defer_loading: later}]\n", "S003"),
    ("MCP tool_choice name may be null", GA + "tools: [{type: mcp, server_label: s, server_url: 'https://s'}]\n"
     "tool_choice: {type: mcp, server_label: s, name: null}\n", GA + "tool_choice: {type: mcp, server_label: s, "
     "name: ''}\n", "S009"),
    ("transcription session: only audio.input and include", "type: transcription\n"
     "audio: {input: {transcription: {model: gpt-transcribe}}}\ninclude: [item.input_audio_transcription.logprobs]\n",
     "type: transcription\ninstructions: Transcribe.\n", "S007"),
    ("transcription session: no audio output", "type: transcription\naudio: {input: {turn_detection: null}}\n",
     "type: transcription\naudio: {output: {voice: ash}}\n", "S007"),
]


@pytest.mark.parametrize("fact, good, bad, code", GA_FACTS, ids=[f[0] for f in GA_FACTS])
def test_ga_fact(fact, good, bad, code):
    assert error_codes(good) == [], (fact, codes(good))
    assert code in codes(bad), (fact, codes(bad))
