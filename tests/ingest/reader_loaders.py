"""Loaders that misbehave, for the reader process's tests (tests/ingest/test_isolation.py).

They are sent to the reader by name, so the reader imports this module inside the time limit: it
imports nothing heavy."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ingest.document import LoadedDocument
from ingest.loaders import load_document
from settings import IngestSettings


def hanging_load(path: Path, settings: IngestSettings) -> LoadedDocument:
    time.sleep(600)
    return load_document(path, settings)


def failing_load(path: Path, settings: IngestSettings) -> LoadedDocument:
    raise KeyError("no such key")


def dying_load(path: Path, settings: IngestSettings) -> LoadedDocument:
    os._exit(9)  # as if the system had killed the reader for its memory


def in_this_process(path: Path, settings: IngestSettings) -> LoadedDocument:
    return LoadedDocument(path=path, sha256=str(os.getpid()), text="", paged=False)
