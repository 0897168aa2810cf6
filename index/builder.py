"""Files and folders → the index: load, process and add each plan; report what happened.

One bad file never stops a batch and never touches what is already indexed: it is reported with its
reason, and the next file goes on. A writer's first ingest repairs what a crashed one left (orphans
in the stores; not on a shared index, see `ingest_paths`); every ingest ends with a BM25 index of
the catalog, so after it the stores agree with the catalog. Files are read and processed until
their chunks reach `ingest.group_chunks`, embedded together (the slow part, faster so) and then
written one document at a time, as a single file is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from index import consistency
from index.catalog import DocumentRecord
from index.plan_index import EmbeddedDocument, PlanIndex, ProgressCallback
from ingest.document import Chunk, IngestError
from ingest.isolation import load_within_limit
from ingest.loaders import SUPPORTED_SUFFIXES
from ingest.loaders.reasons import BROKEN_LINK
from ingest.metadata import MetaOverrides, read_sidecar
from ingest.pipeline import process_document
from settings import IngestSettings

logger = logging.getLogger(__name__)

SIDECAR_SUFFIX = ".meta.json"
#: Files in a plans folder that describe the folder rather than being plans.
_NOT_PLANS = ("readme", "license", "licence", "changelog")


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[IngestError] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        parts = [
            f"{len(self.added)} dokument indexerade ({self.chunks} textavsnitt)",
            f"{len(self.unchanged)} oförändrade",
            f"{len(self.failed)} misslyckade",
        ]
        if self.pruned:
            parts.append(f"{len(self.pruned)} borttagna")
        return ", ".join(parts) + f" på {self.seconds:.1f} s."


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[IngestError]]:
    """The plan files named, directly or inside folders (recursively, sorted). A folder's README,
    sidecar manifests and hidden files are not plans; a file named explicitly always is. A link
    that leads nowhere (dangling, or a loop) is reported, inside a folder too; rglob does not
    follow links to folders, so a folder that links to itself is read once."""
    files: list[Path] = []
    errors: list[IngestError] = []
    for path in paths:
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                if _is_plan_in_folder(found):
                    files.append(found)
                elif _leads_nowhere(found) and found.suffix.lower() in SUPPORTED_SUFFIXES:
                    errors.append(IngestError(found, BROKEN_LINK))
        elif path.exists():
            files.append(path)
        elif _leads_nowhere(path):
            errors.append(IngestError(path, BROKEN_LINK))
        else:
            errors.append(IngestError(path, "filen eller mappen finns inte"))
    return files, errors


def _leads_nowhere(path: Path) -> bool:
    # exists() follows the link: False for a loop or a dangling link.
    return path.is_symlink() and not path.exists()


def _is_plan_in_folder(path: Path) -> bool:
    name = path.name.lower()
    return (
        path.is_file()
        and not name.startswith(".")
        and not name.endswith(SIDECAR_SUFFIX)
        and not name.startswith(_NOT_PLANS)
        and path.suffix.lower() in SUPPORTED_SUFFIXES
    )


def ingest_paths(
    index: PlanIndex,
    paths: Iterable[Path],
    settings: IngestSettings,
    overrides: MetaOverrides | None = None,
    *,
    prune: bool = False,
    on_done: Callable[[Path], None] | None = None,
    on_error: Callable[[IngestError], None] | None = None,
    progress: Callable[[Path, int, int], None] | None = None,
) -> IngestReport:
    """Ingest every plan under ``paths``; ``overrides`` (from the command line) beat a sidecar
    manifest, which beats what is detected in the text. ``progress(file, done, total)`` follows
    the embedding of each file, the slow part (files embedded together move together);
    ``on_done(file)`` follows once a file is indexed, unchanged or failed. Raises IndexBusy,
    before reading any file, if another process writes to the index."""
    index.claim_writing()
    started = time.perf_counter()
    report = IngestReport()
    # Once per writer: a full comparison lists every id, and only a writer that died before this one
    # became the writer can have left the stores out of step. Not on a shared index: what looks
    # orphaned there may be another writer's document, whose vectors are stored and whose catalog
    # entry is about to be (`planassistent check --repair`).
    if not index.shared and not index.stores_checked:
        for repaired in consistency.repair(index, consistency.check(index), rebuild_bm25=False):
            logger.warning(repaired)
        index.mark_stores_checked()
    files, missing = collect_files(paths)
    for error in missing:
        _fail(report, error, on_error)
    batch = _GroupedIngest(
        index, settings, overrides, report, _Listeners(on_done, on_error, progress)
    )
    for file in files:
        batch.add(file)
    batch.flush()
    if prune:
        report.pruned = index.prune_missing()
    index.refresh_lexical()
    report.seconds = time.perf_counter() - started
    return report


@dataclass(frozen=True)
class _Listeners:
    on_done: Callable[[Path], None] | None
    on_error: Callable[[IngestError], None] | None
    progress: Callable[[Path, int, int], None] | None


@dataclass(frozen=True)
class _Processed:
    """A file cut into chunks, waiting to be embedded with its group."""

    file: Path  # as named, for the listeners
    path: str  # resolved: the document's identity
    sha256: str
    chunks: list[Chunk]
    #: Its text is indexed with other metadata: that version is removed when this one is written.
    replaces: bool


class _GroupedIngest:
    """Reads and processes files until their chunks reach ``settings.group_chunks``, embeds that
    group in one pass (`PlanIndex.embed_documents`, faster than file by file) and then
    writes its documents one at a time, in order, exactly as a single file is written: a crash
    leaves what one write leaves, and a file that fails costs no other its place."""

    def __init__(
        self,
        index: PlanIndex,
        settings: IngestSettings,
        overrides: MetaOverrides | None,
        report: IngestReport,
        listeners: _Listeners,
    ) -> None:
        self._index = index
        self._settings = settings
        self._overrides = overrides
        self._report = report
        self._listeners = listeners
        self._pending: list[_Processed] = []

    def add(self, file: Path) -> None:
        """Read and process ``file``; embed and write the group once it is full."""
        resolved = file.resolve()
        processed = None
        try:
            processed = self._process(file, resolved)
            if processed is None:
                self._report.unchanged.append(str(resolved))
        except Exception as error:
            self._fail(file, error)
        if processed is None:
            self._done(file)
            return
        self._pending.append(processed)
        if sum(len(p.chunks) for p in self._pending) >= self._settings.group_chunks:
            self.flush()

    def flush(self) -> None:
        """Embed and write the files read so far."""
        group, self._pending = self._pending, []
        embedded = self._embedded(group) if len(group) > 1 else [None] * len(group)
        for processed, vectors in zip(group, embedded, strict=True):
            try:
                self._write(processed, vectors)
            except Exception as error:
                self._fail(processed.file, error)
            self._done(processed.file)

    def _process(self, file: Path, resolved: Path) -> _Processed | None:
        """The file cut into chunks; None if it is indexed as it is."""
        if any(p.path == str(resolved) for p in self._pending):  # named twice
            return None
        loaded = load_within_limit(resolved, self._settings)
        copy_of = self._copy_of(resolved, loaded.sha256)
        if copy_of is not None:
            raise IngestError(resolved, f"samma plan är redan inläst, som {copy_of}")
        combined = _combine(read_sidecar(resolved), self._overrides)
        given = combined.model_dump(exclude_none=True)
        if self._index.has_document(resolved, loaded.sha256) and not given:
            return None
        processed = process_document(loaded, self._settings, combined)
        recorded = self._index.document(resolved)
        current = recorded is not None and recorded.is_current(loaded.sha256)
        same_text = recorded if current else None
        # Same text, metadata given: only a real change of metadata re-indexes the document.
        if same_text is not None and same_text.as_meta() == processed.meta:
            return None
        replaces = same_text is not None
        return _Processed(file, str(resolved), loaded.sha256, processed.chunks, replaces)

    def _copy_of(self, path: Path, sha256: str) -> str | None:
        """The name of an indexed plan, or one waiting in this group, with the same bytes under
        another path."""
        indexed = duplicate_of(self._index, path, sha256)
        if indexed is not None:
            return indexed.file
        waiting = (p.file.name for p in self._pending if p.sha256 == sha256)
        return next(waiting, None)

    def _embedded(self, group: list[_Processed]) -> Sequence[EmbeddedDocument | None]:
        files = {p.path: p.file for p in group}
        listener = self._listeners.progress
        on_slice = (
            None
            if listener is None
            else lambda path, done, total: listener(files[path], done, total)
        )
        try:
            return self._index.embed_documents([p.chunks for p in group], on_slice)
        except Exception:
            # What one file holds may be what fails (too much for memory, say): then each is
            # embedded on its own as it is written, and only that file fails.
            logger.exception("Gruppen kunde inte bäddas in; filerna bäddas in var för sig")
            return [None] * len(group)

    def _write(self, processed: _Processed, embedded: EmbeddedDocument | None) -> None:
        """Index one document: its vectors embedded with its group, or now on its own."""
        if processed.replaces:
            self._index.remove_document(processed.path)
        if embedded is not None:
            self._index.add_embedded(embedded)
        else:
            self._index.add_document(processed.chunks, self._progress_of(processed.file))
        self._report.added.append(processed.path)
        self._report.chunks += len(processed.chunks)

    def _progress_of(self, file: Path) -> ProgressCallback | None:
        listener = self._listeners.progress
        return None if listener is None else partial(listener, file)

    def _fail(self, file: Path, error: Exception) -> None:
        if not isinstance(error, IngestError):
            # One file's unforeseen failure must not end the batch. Called while it is handled.
            logger.exception("Oväntat fel vid inläsning av %s", file)
            error = IngestError(file, f"oväntat fel ({type(error).__name__})")
        _fail(self._report, error, self._listeners.on_error)

    def _done(self, file: Path) -> None:
        if self._listeners.on_done is not None:
            self._listeners.on_done(file)


def duplicate_of(index: PlanIndex, path: Path, sha256: str) -> DocumentRecord | None:
    """The indexed document with the same bytes under another path, if any: a copy under a new
    name would put every passage in the index twice."""
    target = str(path.resolve())
    return next(
        (r for r in index.documents() if r.sha256 == sha256 and r.path != target),
        None,
    )


def _combine(sidecar: MetaOverrides, given: MetaOverrides | None) -> MetaOverrides:
    if given is None:
        return sidecar
    return sidecar.model_copy(update=given.model_dump(exclude_none=True))


def _fail(
    report: IngestReport, error: IngestError, on_error: Callable[[IngestError], None] | None
) -> None:
    report.failed.append(error)
    if on_error is not None:
        on_error(error)
