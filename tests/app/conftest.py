"""Browser fixtures: Debian's chromium driven by Playwright, and Gradio apps served in-process."""

from __future__ import annotations

import os

# Gradio reads this as each Blocks is built: no telemetry or version check from a test run.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gradio as gr
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import REPO

#: Debian's chromium (`make browser` installs it); Playwright's own builds need a download.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Debian's launcher picks this only when it can read /dev/shm's size; containers have 64 MB.
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
#: Screenshots for a person to look at (gitignored).
ARTIFACTS = REPO / "test-artifacts"
TIMEOUT_MS = 30_000
LOCAL = ("127.0.0.1", "localhost")

Serve = Callable[..., str]

# Two cores under CI: Playwright's 5 s default for expect() is too tight.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM}: run `make browser`")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            screenshot(page, f"FAILED-{request.node.name}")
    finally:
        context.close()


@pytest.fixture
def external_requests(page: Page) -> list[str]:
    """Every URL the page asks for beyond 127.0.0.1 (the app must work offline)."""
    urls: list[str] = []

    def record(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in LOCAL:
            urls.append(url)

    page.on("request", lambda req: record(req.url))
    page.on("websocket", lambda ws: record(ws.url))
    return urls


@contextmanager
def _serving() -> Iterator[Serve]:
    """serve(blocks, **launch_kwargs) launches a Blocks on 127.0.0.1 and returns its URL; every
    Blocks launched is closed on exit."""
    launched: list[gr.Blocks] = []

    def _serve(blocks: gr.Blocks, **launch_kwargs: Any) -> str:
        launched.append(blocks)
        _, url, _ = blocks.launch(
            server_name="127.0.0.1",
            server_port=free_port(),
            prevent_thread_lock=True,
            quiet=True,
            share=False,
            **launch_kwargs,
        )
        return str(url)

    try:
        yield _serve
    finally:
        for blocks in launched:
            blocks.close()


@pytest.fixture
def serve() -> Iterator[Serve]:
    """serve(blocks, **launch_kwargs) launches a Blocks on 127.0.0.1 and returns its URL.
    Gradio 6 takes theme, css and head in launch(), so pass the app's own to see what users see."""
    with _serving() as serve:
        yield serve


@pytest.fixture(scope="module")
def module_serve() -> Iterator[Serve]:
    """Like `serve`, but the apps stay up for the whole test module (an app over a real index is
    slow to set up, and each test opens its own page, so its own Gradio session)."""
    with _serving() as serve:
        yield serve


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep the call's report on the test item, so `page` can screenshot a failure."""
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save the page (or just the viewport) as test-artifacts/<name>.png and return the path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=path, full_page=full_page)
    return path
