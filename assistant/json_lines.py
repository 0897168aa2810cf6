"""Append-only JSON Lines files of pydantic records (the feedback and the audit log).

Appending never rewrites what is already there, so a crash can at worst tear the line being
written, and reading skips such a line instead of losing the whole file. Every write is fsynced:
these are records someone may have to rely on later.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import AfterValidator, BaseModel, Field, ValidationError

logger = logging.getLogger(__name__)

Record = TypeVar("Record", bound=BaseModel)


def _in_utc(value: datetime) -> datetime:
    """A naive time is taken as UTC; an aware one is converted."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


#: A record's time: stored in UTC, now unless given.
UtcTime = Annotated[
    datetime,
    AfterValidator(_in_utc),
    Field(default_factory=lambda: datetime.now(UTC), description="Stored in UTC."),
]

#: One lock per file, shared by every writer on it: the web app serves requests from several
#: threads, and two appends of long lines could otherwise interleave.
_LOCKS: dict[Path, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def lock_for(file: Path) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(Path(file).resolve(), threading.Lock())


def append(file: Path, record: BaseModel) -> None:
    """Append the record as one line and make sure it is on disk before returning."""
    line = record.model_dump_json().encode("utf-8") + b"\n"
    with lock_for(file):
        file.parent.mkdir(parents=True, exist_ok=True)
        with file.open("a+b") as out:
            if out.seek(0, os.SEEK_END) > 0:
                out.seek(-1, os.SEEK_END)
                if out.read(1) != b"\n":
                    line = b"\n" + line  # after a torn line: do not glue this record onto it
            out.write(line)
            out.flush()
            os.fsync(out.fileno())


def read(file: Path, model: type[Record]) -> list[Record]:
    """Every record in the file, oldest first; a line that cannot be read is logged and skipped."""
    with lock_for(file):
        if not file.exists():
            return []
        data = file.read_bytes()
    records = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        try:
            records.append(model.model_validate_json(raw))
        except ValidationError as error:  # also bad JSON and bad UTF-8
            logger.warning(
                "Hoppar över trasig rad %d i %s: %s", number, file, " ".join(str(error).split())
            )
    return records
