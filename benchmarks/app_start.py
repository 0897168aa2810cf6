"""How soon the web app is ready: `python app.py` started, page served, first answer given.

Runs the app as users do, against the data directory of the settings (PLANASSISTENT_DATA_DIR),
on a free port. The first run on a new data directory also rebuilds the model and ingests the
example plans; run it twice to see a warm start. `benchmarks.scale` starts it the same way on
its synthetic indexes.

    python -m benchmarks.app_start
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from gradio_client import Client

from settings import REPO_DIR

QUESTION = "Vilka tjänstegarantier gäller för försörjningsstöd?"
TIMEOUT_S = 300


@dataclass(frozen=True)
class AppStart:
    """Seconds from start to the served page, the first and the next answer; the app's resident
    memory after them."""

    served: float
    first: float
    second: float
    rss_mib: float


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_page(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the app stopped with exit code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"the app did not answer within {TIMEOUT_S} s")


def resident_mib(pid: int) -> float:
    """A running process's resident memory (VmRSS), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_app(env: dict[str, str] | None = None, *, quiet: bool = False) -> AppStart:
    """Start the app with `env` added to the environment, ask it twice and stop it; `quiet`
    hides its log."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {
        **os.environ,
        **(env or {}),
        "PLANASSISTENT_APP__PORT": str(port),
        "PLANASSISTENT_APP__AUTH": "",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, str(REPO_DIR / "app.py")],
        env=env,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.DEVNULL if quiet else None,
    )
    try:
        wait_for_page(url, process)
        served = time.perf_counter() - started
        client = Client(url, verbose=False)
        asked = time.perf_counter()
        client.predict(QUESTION, "", "", "", api_name="/ask")
        first = time.perf_counter() - asked
        asked = time.perf_counter()
        client.predict(QUESTION, "", "", "", api_name="/ask")
        second = time.perf_counter() - asked
        rss = resident_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return AppStart(served, first, second, rss)


def main() -> None:
    timings = start_app()
    print(f"page served:          {timings.served:.1f} s after start")
    print(
        f"first answer:         {timings.first:.2f} s "
        f"(ready {timings.served + timings.first:.1f} s after start)"
    )
    print(f"next answer:          {timings.second:.2f} s (through the Gradio API)")
    print(f"resident memory:      {timings.rss_mib:.0f} MiB")


if __name__ == "__main__":
    main()
