"""The audit log: one JSON line per question answered, so an organisation can see afterwards who
relied on which answer, and what it cited.

A file a day (`audit-YYYY-MM-DD.jsonl`, UTC) under `Settings.audit_dir`, appended to like the
feedback (`assistant.json_lines`); a day's file is deleted whole once it is older than the
retention. Whether the free text (question, answer, quotes) is kept is a setting of its own
(`audit.content`), off by default: a question may hold personal data. Passages are named by file
name, title and section, never by their path on the server.

Writing never stops an answer: a failing disk is logged as a warning and the answer is given.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant import json_lines
from assistant.answer import Answer, Citation
from assistant.json_lines import UtcTime
from settings import AuditSettings

logger = logging.getLogger(__name__)

_DAY_FILE = re.compile(r"audit-(\d{4}-\d{2}-\d{2})\.jsonl")

Clock = Callable[[], datetime]
Channel = Literal["app", "cli"]


class AuditedPassage(BaseModel):
    """A cited passage, as the audit keeps it."""

    file: str = Field(description="The file's name, without its folder.")
    title: str
    section: str
    quote: str | None = Field(default=None, description="Only when content is logged.")


class AuditRecord(BaseModel):
    time: UtcTime
    user: str | None = Field(
        description="The web app's basic-auth user (None without auth), or the login name of "
        "whoever asked at the command line."
    )
    channel: Channel = Field(default="app", description="Where the question was asked.")
    kind: Literal["question", "comparison"]
    question: str | None = Field(description="Only when content is logged.")
    answer: str | None = Field(description="Only when content is logged.")
    refused: bool
    answerer: str = Field(description="The answerer configured: `Answer.answerer`.")
    passages: list[AuditedPassage]
    filters: dict[str, str] = Field(description="What the question was narrowed to.")


class AuditLog:
    def __init__(
        self, directory: Path, settings: AuditSettings, clock: Clock = lambda: datetime.now(UTC)
    ) -> None:
        self.directory = Path(directory)
        self._settings = settings
        self._clock = clock
        self._day: date | None = None
        self._day_lock = threading.Lock()

    def file_of(self, day: date) -> Path:
        return self.directory / f"audit-{day.isoformat()}.jsonl"

    def log(
        self,
        kind: Literal["question", "comparison"],
        answer: Answer,
        filters: dict[str, str],
        user: str | None,
        channel: Channel = "app",
    ) -> None:
        """Append a record of an answer given; a failing disk is logged, not raised."""
        if not self._settings.enabled:
            return
        now = self._clock()
        record = self._record(kind, answer, filters, user, channel, now)
        try:
            self._begin_day(now.date())
            json_lines.append(self.file_of(now.date()), record)
        except OSError as error:
            logger.warning("Kunde inte skriva granskningsloggen i %s: %s", self.directory, error)

    def _record(
        self,
        kind: Literal["question", "comparison"],
        answer: Answer,
        filters: dict[str, str],
        user: str | None,
        channel: Channel,
        now: datetime,
    ) -> AuditRecord:
        content = self._settings.content
        return AuditRecord(
            time=now,
            user=user,
            channel=channel,
            kind=kind,
            question=answer.question if content else None,
            answer=answer.answer if content else None,
            refused=answer.refused,
            answerer=answer.answerer,
            passages=[self._passage(c) for c in answer.citations],
            filters=filters,
        )

    def _passage(self, citation: Citation) -> AuditedPassage:
        quote = citation.quote if self._settings.content else None
        return AuditedPassage(
            file=citation.file, title=citation.title, section=citation.section, quote=quote
        )

    def _begin_day(self, today: date) -> None:
        """The first record of a day (or of this process) deletes the files past retention."""
        with self._day_lock:
            if self._day == today:
                return
            self._day = today
            if self._settings.retention_days:
                self._delete_before(today - timedelta(days=self._settings.retention_days))

    def _delete_before(self, oldest_kept: date) -> None:
        if not self.directory.is_dir():
            return
        for file in self.directory.iterdir():
            match = _DAY_FILE.fullmatch(file.name)
            if match and date.fromisoformat(match[1]) < oldest_kept:
                file.unlink(missing_ok=True)
                logger.info("Granskningslogg äldre än lagringstiden borttagen: %s", file.name)
