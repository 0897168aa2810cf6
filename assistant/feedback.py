"""Feedback on answers (thumbs up or down, an optional comment), kept durably for review.

Each record is one JSON line appended to a file (`assistant.json_lines`). The record keeps the
question, the answer and its citations, so a "down" can be understood later even after the index
has changed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assistant import json_lines
from assistant.answer import Citation
from assistant.json_lines import UtcTime

#: A comment longer than this is cut: feedback is a remark, not a document.
MAX_COMMENT_CHARS = 4000

Rating = Literal["up", "down"]


class FeedbackRecord(BaseModel):
    """One user's verdict on one answer, with what the answer was based on."""

    time: UtcTime
    rating: Rating
    comment: str = ""
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    filters: dict[str, str] = Field(
        default_factory=dict, description="What the user filtered on: {'kommun': 'Norrtälje'}."
    )

    @field_validator("comment")
    @classmethod
    def _short_comment(cls, value: str) -> str:
        return value.strip()[:MAX_COMMENT_CHARS]


class FeedbackStore:
    """Feedback records in a JSON Lines file, appended to and read back whole."""

    def __init__(self, file: Path) -> None:
        self.file = Path(file).resolve()

    def add(self, record: FeedbackRecord) -> None:
        """Append the record and make sure it is on disk before returning."""
        json_lines.append(self.file, record)

    def records(self) -> list[FeedbackRecord]:
        """Every stored record, oldest first; a line that cannot be read is logged and skipped."""
        return json_lines.read(self.file, FeedbackRecord)
