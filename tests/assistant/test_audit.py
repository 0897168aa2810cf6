"""The audit log: what a record holds with and without content, retention, threads, a bad disk."""

from __future__ import annotations

import json
import logging
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.answer import Answer
from assistant.audit import AuditLog, AuditRecord
from assistant.json_lines import read
from settings import AuditSettings
from tests.assistant.test_feedback import CITATION

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
QUESTION = "Vilka lagar ansvarar socialnämnden för när det gäller familjen Andersson?"
QUOTE = CITATION.quote
ANSWER = Answer(
    question=QUESTION,
    answer=f"Enligt verksamhetsplanen: {QUOTE} [1].",
    refused=False,
    citations=[CITATION],
    answerer="openai",
)


def audit_log(directory: Path, clock: list[datetime] | None = None, **settings: object) -> AuditLog:
    times = clock or [NOW]
    return AuditLog(directory, AuditSettings.model_validate(settings), lambda: times[-1])


def test_a_record_with_content_holds_the_question_answer_and_quotes(tmp_path: Path) -> None:
    log = audit_log(tmp_path, content=True)
    log.log("question", ANSWER, {"organisation": "Norrtälje kommun"}, "handlaggare")
    [record] = read(log.file_of(NOW.date()), AuditRecord)
    assert log.file_of(NOW.date()).name == "audit-2026-03-10.jsonl"
    assert (record.time, record.user, record.kind) == (NOW, "handlaggare", "question")
    assert (record.question, record.answer) == (QUESTION, ANSWER.answer)
    assert (record.refused, record.answerer) == (False, "openai")
    assert record.filters == {"organisation": "Norrtälje kommun"}
    [passage] = record.passages
    assert (passage.file, passage.section, passage.quote) == (
        "002_5a882963cc8bcb49.txt",
        "Socialnämndens ansvarsområde",
        QUOTE,
    )


def test_content_is_off_by_default(tmp_path: Path) -> None:
    log = audit_log(tmp_path)
    log.log("comparison", ANSWER, {}, None)
    stored = log.file_of(NOW.date()).read_text(encoding="utf-8")
    assert "Andersson" not in stored and "alkohollagen" not in stored
    record = json.loads(stored)
    assert record["question"] is record["answer"] is record["user"] is None
    assert record["passages"] == [
        {
            "file": "002_5a882963cc8bcb49.txt",
            "title": "Socialnämndens verksamhetsplan 2023",
            "section": "Socialnämndens ansvarsområde",
            "quote": None,
        }
    ]
    assert (record["kind"], record["refused"], record["time"]) == (
        "comparison",
        False,
        "2026-03-10T09:30:00Z",
    )


def test_a_disabled_log_writes_nothing(tmp_path: Path) -> None:
    audit_log(tmp_path, enabled=False).log("question", ANSWER, {}, "handlaggare")
    assert list(tmp_path.iterdir()) == []


def test_files_past_retention_are_deleted_when_a_new_day_begins(tmp_path: Path) -> None:
    def day_file(days_ago: int) -> Path:
        file = tmp_path / f"audit-{(NOW.date() - timedelta(days=days_ago)).isoformat()}.jsonl"
        file.write_text("{}\n", encoding="utf-8")
        return file

    kept, expired = [day_file(1), day_file(30)], [day_file(31), day_file(400)]
    other = tmp_path / "anteckningar.txt"
    other.write_text("inte en logg", encoding="utf-8")
    clock = [NOW]
    log = audit_log(tmp_path, clock, retention_days=30)

    log.log("question", ANSWER, {}, None)
    assert all(f.exists() for f in [*kept, other]) and not any(f.exists() for f in expired)

    clock.append(NOW + timedelta(days=1))
    log.log("question", ANSWER, {}, None)
    assert not kept[1].exists() and kept[0].exists()
    assert {f.name for f in tmp_path.glob("audit-*")} == {
        kept[0].name,
        "audit-2026-03-10.jsonl",
        "audit-2026-03-11.jsonl",
    }


def test_retention_zero_keeps_every_file(tmp_path: Path) -> None:
    old = tmp_path / "audit-2001-01-01.jsonl"
    old.write_text("{}\n", encoding="utf-8")
    audit_log(tmp_path, retention_days=0).log("question", ANSWER, {}, None)
    assert old.exists()


def test_concurrent_records_are_whole_lines(tmp_path: Path) -> None:
    log = audit_log(tmp_path, content=True)
    threads_count, per_thread = 8, 25
    start = threading.Barrier(threads_count)
    long_answer = ANSWER.model_copy(update={"answer": "x" * 20_000})

    def write(thread: int) -> None:
        start.wait()
        for n in range(per_thread):
            log.log("question", long_answer, {"n": f"{thread}-{n}"}, f"user{thread}")

    threads = [threading.Thread(target=write, args=(t,)) for t in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = log.file_of(NOW.date()).read_text(encoding="utf-8").splitlines()
    records = [AuditRecord.model_validate_json(line) for line in lines]
    expected = {f"{t}-{n}" for t in range(threads_count) for n in range(per_thread)}
    assert len(records) == len(expected) and {r.filters["n"] for r in records} == expected


def test_a_failing_disk_is_logged_not_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "audit"
    blocked.write_text("en fil där katalogen skulle ligga", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="assistant.audit"):
        audit_log(blocked).log("question", ANSWER, {}, None)
    assert "Kunde inte skriva granskningsloggen" in caplog.text
