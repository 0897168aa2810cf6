"""A real HTTP server on 127.0.0.1 that speaks the OpenAI chat-completions API, for tests.

It answers `POST /v1/chat/completions` (a JSON completion, or with ``"stream": true`` server-sent
events `data: {...}` ending with `data: [DONE]`) and `GET /v1/models`, replaying scripted replies
in order (`FakeChatServer.script`) or, once they are used up, those of a function of the request
(`FakeChatServer.responder`; default `echo`). A reply may be text, an HTTP error status, a delay
longer than the client waits, or a malformed body. Every request it got is kept in `requests`.

`echo` is a generic faithful model: it answers with the text of the first fenced passage of the
user message followed by its marker, so any answerer that fences its passages can be tested
against it.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from settings import OpenAISettings, Settings

#: The model name the fake serves.
MODEL = "fake-chat"
#: A fenced passage of the user message: its number and its verbatim text (after "Text: ").
_PASSAGE = re.compile(r'<källa nr="(\d+)">.*?^Text: (.*?)\n</källa>', re.DOTALL | re.MULTILINE)


@dataclass(frozen=True)
class Reply:
    """What the fake model answers: ``text`` (status 200), or an error ``status``, after ``delay``
    seconds; ``body`` replaces the whole response body (malformed output, or a recorded one); a
    streamed text comes a word every ``pace`` seconds (a model writing), or as the recorded
    ``events``."""

    text: str = ""
    status: int = 200
    delay: float = 0.0
    body: str | None = None
    pace: float = 0.0
    #: A recorded server-sent-event stream, sent byte for byte to a streaming request.
    events: bytes | None = None


Request = dict[str, Any]
Responder = Callable[[Request], Reply]


def user_message(request: Request) -> str:
    return next(str(m["content"]) for m in request["messages"] if m["role"] == "user")


def system_message(request: Request) -> str:
    return next(str(m["content"]) for m in request["messages"] if m["role"] == "system")


def passages(request: Request) -> dict[int, str]:
    """The fenced passages of the user message by number: their text on one line."""
    return {
        int(number): " ".join(text.split())
        for number, text in _PASSAGE.findall(user_message(request))
    }


def echo(request: Request) -> Reply:
    """A faithful answer: the first passage's text with its marker."""
    given = passages(request)
    if not given:
        return Reply("PLANERNA_SVARAR_INTE")
    number, text = next(iter(given.items()))
    return Reply(f"{text} [{number}]")


class FakeChatServer:
    def __init__(self) -> None:
        self.requests: list[Request] = []
        self.responder: Responder = echo
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False  # a delayed reply must not hold up shutdown
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The base URL a client is given (the API's paths start after it)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *replies: Reply | str) -> None:
        """Replies to give, in order, before the responder takes over."""
        self._script.extend(Reply(r) if isinstance(r, str) else r for r in replies)

    def start(self) -> FakeChatServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply_to(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            scripted = self._script.popleft() if self._script else None
        return scripted or self.responder(request)

    def settings(self, settings: Settings, **openai: Any) -> Settings:
        """``settings`` with the openai answerer pointed at this server (``openai``: more of its
        section's fields, e.g. ``stream=False``, ``timeout=1``)."""
        section = OpenAISettings(
            **{"base_url": self.url, "model": MODEL, "timeout": 10.0, **openai}
        )
        answer = settings.answer.model_copy(update={"answerer": "openai"})
        return settings.model_copy(update={"answer": answer, "openai": section})


def _handler(server: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                models = {"object": "list", "data": [{"id": MODEL, "object": "model"}]}
                self._send(200, json.dumps(models))
            else:
                self._send(404, json.dumps({"error": {"message": "not found"}}))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            request = json.loads(self.rfile.read(length) or b"{}")
            if not self.path.rstrip("/").endswith("/chat/completions"):
                self._send(404, json.dumps({"error": {"message": "not found"}}))
                return
            reply = server.reply_to(request)
            time.sleep(reply.delay)
            try:
                if reply.status != 200:
                    error = {"error": {"message": "scripted failure", "type": "server_error"}}
                    self._send(reply.status, json.dumps(error))
                elif request.get("stream") and reply.events is not None:
                    self._replay(reply.events)
                elif reply.body is not None:
                    self._send(200, reply.body)
                elif request.get("stream"):
                    self._stream(reply.text, reply.pace)
                else:
                    self._send(200, json.dumps(_completion(reply.text)))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up waiting (a timeout test)

        def _send(self, status: int, body: str) -> None:
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, text: str, pace: float) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            for chunk in _chunks(text):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(pace)
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _replay(self, events: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(events)
            self.wfile.flush()
            self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the tests read `requests`, not the log."""

    return Handler


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 0,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


def _chunks(text: str) -> Iterator[dict[str, Any]]:
    """The text as stream chunks, a word (with the space before it) at a time, then the end."""
    pieces = re.findall(r"\s*\S+", text)
    for delta in [{"role": "assistant", "content": ""}] + [{"content": p} for p in pieces]:
        yield _chunk(delta, None)
    yield _chunk({}, "stop")


def _chunk(delta: dict[str, str], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
    }


@pytest.fixture
def chat_server() -> Iterator[FakeChatServer]:
    """A running fake chat-completions server, stopped after the test."""
    server = FakeChatServer().start()
    yield server
    server.stop()
