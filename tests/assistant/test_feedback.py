"""Feedback on answers: stored durably, read back, safe from threads and from a torn line."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from assistant.answer import Citation
from assistant.feedback import MAX_COMMENT_CHARS, FeedbackRecord, FeedbackStore

CITATION = Citation(
    id=1,
    chunk_id="5a882963cc8bcb49-0012",
    file="002_5a882963cc8bcb49.txt",
    title="Socialnämndens verksamhetsplan 2023",
    municipality="Norrtälje",
    year=2023,
    section="Socialnämndens ansvarsområde",
    page=None,
    quote="Socialnämnden är även ansvarig för ärenden enligt alkohollagen (2010:1622)",
)


def record(
    question: str = "Vilka lagar ansvarar socialnämnden för?", **changes: object
) -> FeedbackRecord:
    values: dict[str, object] = {
        "rating": "up",
        "question": question,
        "answer": "Enligt Socialnämndens verksamhetsplan 2023 (Norrtälje) … alkohollagen [1].",
        "refused": False,
        "citations": [CITATION],
        "filters": {"kommun": "Norrtälje", "år": "2023"},
    }
    return FeedbackRecord.model_validate(values | changes)


def test_round_trip(tmp_path: Path) -> None:
    file = tmp_path / "nested" / "dir" / "feedback.jsonl"
    store = FeedbackStore(file)
    assert store.records() == []  # nothing given yet: no file, no error
    given = record(rating="down", comment="Citatet svarar inte på frågan.")
    store.add(given)
    assert store.records() == [given]
    assert file.read_text(encoding="utf-8").count("\n") == 1  # one JSON line
    assert store.records()[0].citations[0].quote == CITATION.quote


def test_appends_survive_a_new_store(tmp_path: Path) -> None:
    file = tmp_path / "feedback.jsonl"
    FeedbackStore(file).add(record("första"))
    FeedbackStore(file).add(record("andra", rating="down", refused=True, citations=[]))
    assert [r.question for r in FeedbackStore(file).records()] == ["första", "andra"]


def test_concurrent_adds_all_land(tmp_path: Path) -> None:
    file = tmp_path / "feedback.jsonl"
    stores = [FeedbackStore(file), FeedbackStore(file)]  # two stores on one file share a lock
    threads_count, per_thread = 8, 25
    start = threading.Barrier(threads_count)

    def give(thread: int) -> None:
        start.wait()
        for n in range(per_thread):
            stores[thread % 2].add(record(f"fråga {thread}-{n}", comment="x" * 2000))

    threads = [threading.Thread(target=give, args=(t,)) for t in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    questions = [r.question for r in stores[0].records()]
    expected = {f"fråga {t}-{n}" for t in range(threads_count) for n in range(per_thread)}
    assert len(questions) == len(expected) and set(questions) == expected


def test_torn_line_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    file = tmp_path / "feedback.jsonl"
    store = FeedbackStore(file)
    store.add(record("före kraschen"))
    torn = record("avbruten").model_dump_json().encode("utf-8")[:60]
    with file.open("ab") as out:
        out.write(torn)  # a crash mid-write: no newline
    with caplog.at_level(logging.WARNING, logger="assistant.json_lines"):
        assert [r.question for r in store.records()] == ["före kraschen"]
    assert "trasig rad 2" in caplog.text
    # The next record starts on its own line instead of being glued onto the torn one.
    store.add(record("efter kraschen"))
    assert [r.question for r in store.records()] == ["före kraschen", "efter kraschen"]


def test_unreadable_lines_are_skipped(tmp_path: Path) -> None:
    file = tmp_path / "feedback.jsonl"
    good = record()
    bad_rating = good.model_dump_json().replace('"rating":"up"', '"rating":"meh"')
    file.write_bytes(b"\xff\xfe not utf-8\n" + bad_rating.encode() + b"\n\n{}\n")
    FeedbackStore(file).add(good)
    assert FeedbackStore(file).records() == [good]


def test_rating_is_validated() -> None:
    with pytest.raises(ValidationError):
        record(rating="meh")
    with pytest.raises(ValidationError):
        record(rating="UP")


def test_long_comment_is_cut() -> None:
    assert len(record(comment="å" * (MAX_COMMENT_CHARS + 500)).comment) == MAX_COMMENT_CHARS
    assert record(comment="  Bra svar!\n").comment == "Bra svar!"


def test_time_is_utc() -> None:
    assert record().time.tzinfo is not None
    assert record(time="2025-03-01T12:00:00Z").time == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert record(time="2025-03-01T13:00:00+01:00").time == datetime(2025, 3, 1, 12, tzinfo=UTC)
    assert record(time=datetime(2025, 3, 1, 12)).time == datetime(2025, 3, 1, 12, tzinfo=UTC)
