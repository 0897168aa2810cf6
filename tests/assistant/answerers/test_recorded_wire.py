"""The openai answerer reads what a real server sends: responses recorded from llama-cpp-python's
`llama_cpp.server` (0.3.36, Qwen2.5-Coder-0.5B-Instruct; `python -m tests.fakes.record_wire`),
replayed byte for byte by the fake server. The real stream differs from the fake's own: its first
chunk carries only the role, its last an empty delta with the finish reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer import Citation
from assistant.composition import build_assistant
from index.plan_index import PlanIndex
from settings import Settings
from tests.fakes.chat_server import FakeChatServer, Reply
from tests.fakes.record_wire import QUESTION, RECORDED

pytestmark = pytest.mark.slow

RECORDED_JSON = RECORDED / "llama-cpp-python-0.3.36.json"
RECORDED_EVENTS = RECORDED / "llama-cpp-python-0.3.36.sse"


def recorded_text(path: Path) -> str:
    return str(json.loads(path.read_text(encoding="utf-8"))["choices"][0]["message"]["content"])


def test_a_recorded_stream_is_read_piece_by_piece(
    chat_server: FakeChatServer, example_settings: Settings, example_index: PlanIndex
) -> None:
    chat_server.script(Reply(events=RECORDED_EVENTS.read_bytes()))
    heard: list[str] = []

    class Listener:
        def passages(self, citations: list[Citation]) -> None:
            """Not what this test looks at."""

        def text(self, delta: str) -> None:
            heard.append(delta)

    settings = chat_server.settings(example_settings, stream=True)
    answer = build_assistant(settings, index=example_index).ask(QUESTION, listener=Listener())
    assert "".join(heard) == recorded_text(RECORDED_JSON)
    assert len(heard) > 5
    assert answer.fallback_reason is None or "kunde inte svara" not in answer.fallback_reason


def test_a_recorded_completion_is_read(
    chat_server: FakeChatServer, example_settings: Settings, example_index: PlanIndex
) -> None:
    chat_server.script(Reply(body=RECORDED_JSON.read_text(encoding="utf-8")))
    settings = chat_server.settings(example_settings, stream=False)
    answer = build_assistant(settings, index=example_index).ask(QUESTION)
    assert answer.fallback_reason is None, answer.fallback_reason
    assert "654 848 tkr" in answer.answer
