"""What the web app works with: questions, comparisons, the law register, the documents and the
feedback, behind one object that is safe to call from the app's worker threads.

Adding and removing plans are done one at a time. What is derived from the indexed chunks (the
word rarities, the law register) is brought up to date after each change and swapped in whole, so a
question asked meanwhile sees either the old or the new index, never half of one; a quote's section
text is read from its document when it is shown. A change made by another process (an index in a
Chroma server) is noticed through the index's `generation`, looked at before each question and
listing.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from assistant.answer import Answer, Citation
from assistant.answerers.base import AnswerListener
from assistant.audit import AuditLog
from assistant.conversation import resolve
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.law_register import LawEntry, LawRegister
from assistant.question import QuestionIntent
from assistant.service import Assistant, Scope
from assistant.sources import QuoteInContext, SectionTexts
from index.builder import IngestReport, duplicate_of, ingest_paths
from index.catalog import DocumentRecord, remove_interrupted_writes_of, write_atomically
from ingest.document import DocumentMeta, IngestError, LoadedDocument
from ingest.isolation import load_within_limit
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.metadata import MetaOverrides
from ingest.pipeline import process_document
from settings import Settings

logger = logging.getLogger(__name__)

#: Called while a plan is embedded, with the share done (0–1).
Progress = Callable[[float], None]


@dataclass(frozen=True)
class Filters:
    """What the user narrowed a question to in the app; None: no restriction."""

    organisation: str | None = None  # an official name: "Norrköpings kommun", "Region Halland"
    year: int | None = None
    document: str | None = None  # a document's id (`DocumentRecord.id`), never its path

    def described(self) -> dict[str, str]:
        return {k: str(v) for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True)
class Turn:
    """One question in a conversation: what was asked, how it was understood, the answer."""

    question: str
    intent: QuestionIntent
    answer: Answer
    filters: Filters
    #: The answer is still being written: its text is not verified yet.
    writing: bool = False


def preview_turn(
    question: str, filters: Filters, previous: Turn | None, text: str, passages: list[Citation]
) -> Turn:
    """A turn whose answer is being written: the text so far and the passages it cites from."""
    answer = Answer(question=question, answer=text, refused=False, citations=passages)
    intent = resolve(question, previous.intent if previous else None)
    return Turn(question, intent, answer, filters, writing=True)


def _share_of(progress: Progress) -> Callable[[Path, int, int], None]:
    return lambda _file, done, total: progress(done / total)


def comparison_sides(organisations: list[str], years: list[int]) -> list[Scope]:
    """The sides chosen for a comparison: organisations (in one year, if one is chosen) or years
    (of one organisation, if one is chosen). Raises ValueError, in Swedish, for any other
    choice."""
    if len(organisations) >= 2 and len(years) >= 2:
        raise ValueError("Jämför antingen kommuner och regioner eller år, inte båda på en gång.")
    if len(organisations) >= 2:
        year = years[0] if years else None
        return [Scope(name, year) for name in organisations]
    if len(years) >= 2:
        only = organisations[0] if organisations else None
        return [Scope(only, year) for year in sorted(years)]
    raise ValueError("Välj minst två kommuner eller regioner, eller minst två år, att jämföra.")


class Workspace:
    def __init__(self, settings: Settings, assistant: Assistant, audit: AuditLog) -> None:
        self._settings = settings
        self._assistant = assistant
        self._feedback = FeedbackStore(settings.feedback_file)
        self._audit = audit
        self._writing = threading.Lock()
        self._refitting = threading.Lock()
        self._generation = assistant.index.generation
        self._register = LawRegister()
        self._laws = self._register.entries(assistant.index.chunks())

    @property
    def settings(self) -> Settings:
        return self._settings

    def warm_up(self) -> None:
        """Load the embedding model, the vector store and BM25 now (seconds), so the first
        question does not wait for them."""
        started = time.perf_counter()
        self._assistant.index.search("tjänstegarantier", k=1)
        logger.info(
            "Redo att svara: modell och index inlästa på %.1f s", time.perf_counter() - started
        )

    # --- questions ---------------------------------------------------------------------------

    @property
    def streams(self) -> bool:
        return self._assistant.streams

    def ask(
        self,
        question: str,
        filters: Filters,
        previous: Turn | None = None,
        listener: AnswerListener | None = None,
        user: str | None = None,
    ) -> Turn:
        """Answer a question of a conversation, and log it for `user` in the audit log;
        ``listener`` follows a streaming answer."""
        self._follow_index()
        previous_intent = previous.intent if previous else None
        answer = self._assistant.ask(
            question,
            organisation=filters.organisation,
            year=filters.year,
            previous=previous_intent,
            document=filters.document,
            listener=listener,
        )
        self._audit.log("question", answer, filters.described(), user)
        return Turn(question, resolve(question, previous_intent), answer, filters)

    def compare(self, question: str, sides: list[Scope], user: str | None = None) -> Turn:
        """Answer a question for each side, and log it for `user` in the audit log."""
        self._follow_index()
        answer = self._assistant.compare(question, sides)
        self._audit.log("comparison", answer, {"sides": " | ".join(s.label for s in sides)}, user)
        return Turn(question, resolve(question, None), answer, Filters())

    def context(self, chunk_id: str, quote: str) -> QuoteInContext:
        """The quote in its section: from the chunks of its document alone, so nothing over the
        whole index is built for it (at 50,000 chunks that took seconds at every start)."""
        self._follow_index()
        index = self._assistant.index
        chunk = index.chunk(chunk_id)
        record = index.document(chunk.path) if chunk else None
        siblings = [index.chunk(cid) for cid in record.chunk_ids] if record else []
        return SectionTexts([c for c in siblings if c is not None]).context(chunk_id, quote)

    def indexed(self) -> dict[str, list[int]]:
        """Organisation (official name) → the years its indexed documents cover."""
        return self._assistant.indexed()

    def laws(self) -> list[LawEntry]:
        self._follow_index()
        return self._laws

    # --- documents ---------------------------------------------------------------------------

    def documents(self) -> list[DocumentRecord]:
        return sorted(
            self._assistant.index.documents(),
            key=lambda r: (r.organisation or "", r.year or 0, r.title),
        )

    def read_only_reason(self) -> str | None:
        """Why plans cannot be added or removed here (another process writes to the index)."""
        return self._assistant.index.write_refusal

    def detect(self, upload: Path) -> DocumentMeta:
        """The metadata detected in an uploaded file, for the user to check before ingest.
        Raises IngestError (with a Swedish reason) for a file that cannot be indexed."""
        return process_document(self._load(upload), self._settings.ingest).meta

    def add_upload(
        self, upload: Path, overrides: MetaOverrides, progress: Progress | None = None
    ) -> IngestReport:
        """Keep an uploaded plan under the uploads folder and index it. The file is checked
        first, so a broken upload never replaces an earlier plan of the same name. Raises
        IndexBusy, before anything is copied, if another process writes to the index."""
        self._assistant.index.claim_writing()
        self.detect(upload)
        target = self._settings.uploads_dir / upload.name
        on_embedded = None if progress is None else _share_of(progress)
        with self._writing:
            if upload.resolve() != target.resolve():
                # Atomically: a crash mid-copy must not leave half a plan among the uploads. Its
                # hidden temporary file would stay there for good (nothing else looks for it):
                # the plan's upload again removes it.
                remove_interrupted_writes_of(target)
                write_atomically(target, upload.read_bytes())
            index = self._assistant.index
            report = ingest_paths(
                index, [target], self._settings.ingest, overrides, progress=on_embedded
            )
            self._changed()
        return report

    def _load(self, upload: Path) -> LoadedDocument:
        if upload.suffix.lower() not in SUPPORTED_SUFFIXES:
            allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
            raise IngestError(upload, f"filtypen stöds inte (tillåtna: {allowed})")
        loaded = load_within_limit(upload, self._settings.ingest)
        target = self._settings.uploads_dir / upload.name
        duplicate = duplicate_of(self._assistant.index, target, loaded.sha256)
        if duplicate is not None:
            raise IngestError(upload, f"samma plan är redan inläst, som {duplicate.file}")
        return loaded

    def remove(self, document_id: str) -> DocumentRecord | None:
        """Remove a plan, named by its id, from the index; an uploaded copy is deleted too, an
        example plan or a file elsewhere on disk is left where it is. None if it was not
        indexed; raises IndexBusy if another process writes to the index."""
        with self._writing:
            index = self._assistant.index
            record = index.document_by_id(document_id)
            if record is None or not index.remove_document(record.path):
                return None
            uploaded = Path(record.path)
            if uploaded.parent.resolve() == self._settings.uploads_dir.resolve():
                uploaded.unlink(missing_ok=True)
            self._changed()
        return record

    @property
    def shared(self) -> bool:
        """Whether other processes change the index too (it lives in a Chroma server)."""
        return self._assistant.index.shared

    def generation(self) -> int:
        """The index's generation, after looking for other processes' changes: a page compares
        it with the one it last showed."""
        self._follow_index()
        return self._generation

    def _follow_index(self) -> None:
        """Refit what derives from the chunks if the index changed since it was fitted, here or
        in another process."""
        if self._assistant.index.refresh() != self._generation:
            self._changed()

    def _changed(self) -> None:
        with self._refitting:
            generation = self._assistant.index.generation
            if generation == self._generation:
                return  # another thread refitted while this one waited
            # Taken first: a change made during the refit gets a refit of its own.
            self._generation = generation
            # BM25 here rather than at the next question: the rebuild takes seconds at 50,000
            # chunks, and questions asked meanwhile go on with the previous one.
            self._assistant.index.refresh_lexical()
            self._assistant.refresh()
            self._laws = self._register.entries(self._assistant.index.chunks())

    # --- feedback ----------------------------------------------------------------------------

    def give_feedback(self, turn: Turn, rating: str, comment: str) -> None:
        self._feedback.add(
            FeedbackRecord.model_validate(
                {
                    "rating": rating,
                    "comment": comment,
                    "question": turn.question,
                    "answer": turn.answer.answer,
                    "refused": turn.answer.refused,
                    "citations": turn.answer.citations,
                    "filters": turn.filters.described(),
                }
            )
        )
