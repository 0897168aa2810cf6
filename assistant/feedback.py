"""Feedback on answers (thumbs up or down, an optional comment), kept durably for review.

Each record is one JSON line appended to a file: appending never rewrites what is already there,
so a crash can at worst tear the line being written, and reading skips such a line instead of
losing all feedback. The record keeps the question, the answer and its citations, so a "down" can
be understood later even after the index has changed.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, field_validator

from assistant.answer import Citation

logger = logging.getLogger(__name__)

#: A comment longer than this is cut: feedback is a remark, not a document.
MAX_COMMENT_CHARS = 4000

Rating = Literal["up", "down"]


class FeedbackRecord(BaseModel):
    """One user's verdict on one answer, with what the answer was based on."""

    time: datetime = Field(
        default_factory=lambda: datetime.now(UTC),
        description="When the feedback was given; stored in UTC, a naive time is taken as UTC.",
    )
    rating: Rating
    comment: str = ""
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    filters: dict[str, str] = Field(
        default_factory=dict, description="What the user filtered on: {'kommun': 'Norrtälje'}."
    )

    @field_validator("time")
    @classmethod
    def _in_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @field_validator("comment")
    @classmethod
    def _short_comment(cls, value: str) -> str:
        return value.strip()[:MAX_COMMENT_CHARS]


#: One lock per file, shared by every store on it: the web app serves requests from several threads.
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock_for(file: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(file, threading.Lock())


class FeedbackStore:
    """Feedback records in a JSON Lines file, appended to and read back whole."""

    def __init__(self, file: Path) -> None:
        self.file = Path(file).resolve()
        self._lock = _lock_for(self.file)

    def add(self, record: FeedbackRecord) -> None:
        """Append the record and make sure it is on disk before returning."""
        line = record.model_dump_json().encode("utf-8") + b"\n"
        with self._lock:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with self.file.open("a+b") as out:
                if out.seek(0, os.SEEK_END) > 0:
                    out.seek(-1, os.SEEK_END)
                    if out.read(1) != b"\n":
                        line = b"\n" + line  # after a torn line: do not glue this record onto it
                out.write(line)
                out.flush()
                os.fsync(out.fileno())

    def records(self) -> list[FeedbackRecord]:
        """Every stored record, oldest first; a line that cannot be read is logged and skipped."""
        with self._lock:
            if not self.file.exists():
                return []
            data = self.file.read_bytes()
        records = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                records.append(FeedbackRecord.model_validate_json(raw))
            except ValidationError as error:  # also bad JSON and bad UTF-8
                logger.warning(
                    "Hoppar över trasig rad %d i %s: %s",
                    number,
                    self.file,
                    " ".join(str(error).split()),
                )
        return records
