"""Record what a real OpenAI-compatible server sends back, for the fake to replay in tests.

    python -m tests.fakes.record_wire BASE_URL MODEL NAME

asks the server the question below with the prompt the openai answerer builds over the indexed
plans (the configured data directory), once as a JSON completion and once streamed, and writes
the raw response bodies to `tests/fakes/recorded/NAME.json` and `NAME.sse`. Recorded once from
llama-cpp-python's `llama_cpp.server` (see README); `test_recorded_wire.py` replays them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx

from assistant.answerers.openai_chat import ChatAnswerer
from assistant.answerers.registry import make_answerer
from assistant.composition import build_assistant
from assistant.conversation import resolve
from assistant.runtime import configure_runtime
from settings import get_settings

RECORDED = Path(__file__).parent / "recorded"
QUESTION = "Hur stor är socialnämndens budget 2024 i Norrköping?"


def prompt(base_url: str, model: str) -> list[dict[str, str]]:
    """The messages the openai answerer would send for QUESTION."""
    settings = get_settings()
    openai = settings.openai.model_copy(update={"base_url": base_url, "model": model})
    settings = settings.model_copy(update={"openai": openai})
    assistant = build_assistant(settings)
    intent = resolve(QUESTION, None)
    (scope,) = assistant.scopes(intent, None, None)
    years = assistant.plan_years(scope.organisation)
    _, evidence, _ = assistant.evidence(intent, scope, intent.text, years)
    judgement = assistant.judge.judge(intent.text, evidence)
    _, fallback = make_answerer(settings, assistant.index.chunk)
    chat = ChatAnswerer(settings, assistant.index.chunk, fallback)
    return [dict(m) for m in chat.messages(QUESTION, chat.passages(judgement))]  # type: ignore[arg-type]


def main(base_url: str, model: str, name: str) -> None:
    configure_runtime()
    request = {"model": model, "messages": prompt(base_url, model), "temperature": 0.0}
    url = f"{base_url.rstrip('/')}/chat/completions"
    with httpx.Client(timeout=600) as client:
        whole = client.post(url, json=request)
        (RECORDED / f"{name}.json").write_text(whole.text, encoding="utf-8")
        with client.stream("POST", url, json={**request, "stream": True}) as streamed:
            (RECORDED / f"{name}.sse").write_bytes(b"".join(streamed.iter_raw()))
    print(json.dumps(whole.json()["choices"][0]["message"], ensure_ascii=False))


if __name__ == "__main__":
    main(*sys.argv[1:4])
