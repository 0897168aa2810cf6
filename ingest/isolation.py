"""Reading a file with a time limit: the parser runs in a child process that is killed when the
limit passes.

A parser can spin for hours on a pathological file (a PDF whose page tree or content stream is
built to trap it), and a thread cannot be stopped, so the file is read in a child process. One
child is started once and reused for file after file, so the common case pays only for sending the
path and receiving the text; a child that is killed (or dies) is replaced at the next file. The
child is a fresh interpreter that imports only the parsers: a fork would copy the parent's torch
and threads, and multiprocessing's "spawn" and "forkserver" children import the parent's
``__main__`` (for the web app, gradio and torch: seconds and hundreds of MB per child).

Only loading runs in the child: what follows (cleaning, sectioning, chunking) works on a text that
the ``max_text_chars`` limit has already bounded, and it is skipped for an unchanged file.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import threading
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ingest.document import IngestError, LoadedDocument
from ingest.loaders import load_document
from settings import IngestSettings

logger = logging.getLogger(__name__)

Loader = Callable[[Path, IngestSettings], LoadedDocument]

#: How long a new child may take to start and import the parsers (not part of the time limit).
_STARTUP_TIMEOUT_S = 120.0
_READY = "ready"


def _timed_out(seconds: float) -> str:
    return (
        f"filen tog längre än {seconds:g} s att läsa och avbröts "
        "(inställningen PLANASSISTENT_INGEST__PARSE_TIMEOUT_S)"
    )


#: Said when the child died while reading, e.g. killed by the system for using too much memory.
CHILD_DIED = "läsningen av filen avbröts oväntat (för lite minne, eller en krasch i PDF-läsaren?)"
#: Said when no child could be started (the machine is out of processes or memory).
NO_READER = "filen kunde inte läsas: processen som läser filer gick inte att starta (se loggen)"


def load_within_limit(
    path: Path, settings: IngestSettings, load: Loader = load_document
) -> LoadedDocument:
    """``load(path, settings)`` in the reader process, abandoned after
    ``settings.parse_timeout_s`` seconds with an IngestError naming the file. ``load`` must be a
    module-level function (it is sent to the child by name). A limit of 0 reads in this process,
    without a limit. One file is read at a time: a second caller waits its turn, and its time
    limit starts when its file is sent."""
    if settings.parse_timeout_s == 0:
        return load(path, settings)
    with _lock:
        try:
            reader = _reader()
        except OSError as error:
            logger.exception("The reader process did not start")
            raise IngestError(path, NO_READER) from error
        return reader.run(path, settings, load)


class _Reader:
    """The child process and the two pipes to it."""

    def __init__(self) -> None:
        parent_read, child_write = os.pipe()
        child_read, parent_write = os.pipe()
        self._process = subprocess.Popen(
            [sys.executable, "-m", __name__, str(child_read), str(child_write)],
            pass_fds=(child_read, child_write),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # a parser's print must not mix with the command's output
            env=_child_environment(),
        )
        os.close(child_read)
        os.close(child_write)
        self._results = Connection(parent_read, writable=False)
        self._jobs = Connection(parent_write, readable=False)
        if not self._started():
            self.stop()
            raise ChildProcessError("the reader process did not say it was ready")

    def _started(self) -> bool:
        try:
            return self._results.poll(_STARTUP_TIMEOUT_S) and self._results.recv() == _READY
        except EOFError:  # it exited at once: it could not import the parsers
            return False

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def run(self, path: Path, settings: IngestSettings, load: Loader) -> LoadedDocument:
        try:
            self._jobs.send((load, path, settings))
            if not self._results.poll(settings.parse_timeout_s):
                self.stop()
                raise IngestError(path, _timed_out(settings.parse_timeout_s))
            outcome, value = self._results.recv()
        except (EOFError, OSError) as error:  # the child died while reading
            self.stop()
            raise IngestError(path, CHILD_DIED) from error
        if outcome == "failed":
            name, trace = value
            logger.error("Oväntat fel vid läsning av %s:\n%s", path, trace)
            raise IngestError(path, f"oväntat fel vid läsningen ({name})")
        if outcome == "refused":
            raise value
        loaded: LoadedDocument = value
        return loaded

    def stop(self) -> None:
        self._process.kill()
        self._process.wait()
        self._jobs.close()
        self._results.close()


def _child_environment() -> dict[str, str]:
    """The parent's environment, with this project importable however the parent found it."""
    root = str(Path(__file__).resolve().parent.parent)
    inherited = os.environ.get("PYTHONPATH")
    return os.environ | {"PYTHONPATH": os.pathsep.join([root, inherited] if inherited else [root])}


_lock = threading.Lock()
_current: _Reader | None = None


def _reader() -> _Reader:
    """The running reader process, started anew if there is none or it was stopped."""
    global _current
    if _current is None or not _current.alive:
        _current = _Reader()
    return _current


def _serve(jobs: Connection, results: Connection) -> None:
    """The child: read each file it is sent and send back the text or why it cannot be used."""
    results.send(_READY)
    while True:
        try:
            load, path, settings = jobs.recv()
        except EOFError:  # the parent has gone
            return
        results.send(_outcome(load, path, settings))


def _outcome(load: Loader, path: Path, settings: IngestSettings) -> tuple[str, Any]:
    try:
        return "loaded", load(path, settings)
    except IngestError as error:
        return "refused", error
    except Exception as error:  # sent as text: the exception itself may not survive pickling
        return "failed", (type(error).__name__, traceback.format_exc())


if __name__ == "__main__":
    _serve(
        Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False)
    )
