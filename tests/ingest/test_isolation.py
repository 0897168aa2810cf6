"""Reading in a child process with a time limit: a file that takes too long is given up on, and the
next file is read as usual."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from ingest import isolation
from ingest.document import IngestError
from ingest.isolation import CHILD_DIED, NO_READER, load_within_limit
from ingest.loaders import load_document
from settings import IngestSettings
from tests.bad_inputs import LAST_PLAN
from tests.ingest.reader_loaders import dying_load, failing_load, hanging_load, in_this_process

LIMIT = IngestSettings(parse_timeout_s=0.5)


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(LAST_PLAN, encoding="utf-8")
    return path


def test_a_file_read_in_time_comes_back_whole(plan: Path) -> None:
    assert load_within_limit(plan, LIMIT) == load_document(plan, LIMIT)


def test_a_refusal_comes_back_with_its_file_and_reason(tmp_path: Path) -> None:
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    with pytest.raises(IngestError) as refused:
        load_within_limit(empty, LIMIT)
    assert (refused.value.path, refused.value.reason) == (empty, "filen är tom")


def test_a_file_that_takes_too_long_is_given_up_and_the_next_is_read(plan: Path) -> None:
    started = time.perf_counter()
    with pytest.raises(IngestError) as stopped:
        load_within_limit(plan, LIMIT, hanging_load)
    assert time.perf_counter() - started < 5
    assert str(stopped.value).startswith("plan.txt: filen tog längre än 0.5 s att läsa")

    assert load_within_limit(plan, LIMIT).text == LAST_PLAN


def test_an_unforeseen_error_in_the_reader_is_named_in_swedish(plan: Path) -> None:
    with pytest.raises(IngestError, match=r"oväntat fel vid läsningen \(KeyError\)"):
        load_within_limit(plan, LIMIT, failing_load)
    assert load_within_limit(plan, LIMIT).text == LAST_PLAN


def test_a_reader_that_dies_is_replaced(plan: Path) -> None:
    with pytest.raises(IngestError) as died:
        load_within_limit(plan, LIMIT, dying_load)
    assert died.value.reason == CHILD_DIED
    assert load_within_limit(plan, LIMIT).text == LAST_PLAN


def test_a_reader_that_cannot_start_is_told_in_swedish(
    plan: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(isolation, "_current", None)  # the running reader is put back afterwards
    monkeypatch.setattr(sys, "executable", str(plan.parent / "ingen-python"))
    with pytest.raises(IngestError) as refused:
        load_within_limit(plan, LIMIT)
    assert refused.value.reason == NO_READER


def test_no_limit_reads_in_this_process(plan: Path) -> None:
    unlimited = IngestSettings(parse_timeout_s=0)
    assert load_within_limit(plan, unlimited, in_this_process).sha256 == str(os.getpid())
    assert load_within_limit(plan, LIMIT, in_this_process).sha256 != str(os.getpid())
