"""A real `chroma run` server for the session: the fixture of the tests of server mode (the index
and the app over a shared index)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from settings import ChromaSettings

# --- a real Chroma server ------------------------------------------------------------------------

SERVER_START_TIMEOUT_S = 60.0
#: How often each process of a test asks the server for changes.
REFRESH_S = 0.5


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _heartbeat_ok(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1) as r:
            return bool(r.status == 200)
    except OSError:
        return False


def _wait_for_server(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if _heartbeat_ok(port):
            return
        if process.poll() is not None:
            break
        time.sleep(0.2)
    pytest.fail(
        f"`chroma run` did not come up on port {port}. Log:\n{log.read_text(errors='replace')}"
    )


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaSettings]:
    """A `chroma run` server for the session (the console script next to this Python)."""
    chroma = Path(sys.executable).with_name("chroma")
    workdir = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = workdir / "server.log"
    command = [str(chroma), "run", "--path", str(workdir / "db"), "--host", "127.0.0.1"]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*command, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )
    try:
        _wait_for_server(process, port, log)
        yield ChromaSettings(mode="http", host="127.0.0.1", port=port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def fresh_collections(server: ChromaSettings) -> ChromaSettings:
    """The server, with collections that no other index uses."""
    collection = f"plans-{uuid.uuid4().hex[:12]}"
    return server.model_copy(update={"collection": collection, "refresh_seconds": REFRESH_S})


@pytest.fixture
def chroma(chroma_server: ChromaSettings) -> ChromaSettings:
    """The session's server, with fresh collections for this test."""
    return fresh_collections(chroma_server)
