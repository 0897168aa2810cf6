"""Files and folders → the index: load, process and add each plan; report what happened.

One bad file never stops a batch and never touches what is already indexed: it is reported with its
reason, and the next file goes on. A writer's first ingest repairs what a crashed one left (orphans
in the stores; not on a shared index, see `ingest_paths`); every ingest ends with a BM25 index of
the catalog, so after it the stores agree with the catalog.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from index import consistency
from index.catalog import DocumentRecord
from index.plan_index import PlanIndex, ProgressCallback
from ingest.document import IngestError
from ingest.isolation import load_within_limit
from ingest.loaders import BROKEN_LINK, SUPPORTED_SUFFIXES
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
    the embedding of each file, the slow part. Raises IndexBusy, before reading any file, if
    another process writes to the index."""
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
    for file in files:
        try:
            on_embedded = None if progress is None else partial(progress, file)
            _ingest_file(index, file.resolve(), settings, overrides, report, on_embedded)
        except IngestError as error:
            _fail(report, error, on_error)
        except Exception as error:  # one file's unforeseen failure must not end the batch
            logger.exception("Oväntat fel vid inläsning av %s", file)
            _fail(report, IngestError(file, f"oväntat fel ({type(error).__name__})"), on_error)
        if on_done is not None:
            on_done(file)
    if prune:
        report.pruned = index.prune_missing()
    index.refresh_lexical()
    report.seconds = time.perf_counter() - started
    return report


def _ingest_file(
    index: PlanIndex,
    file: Path,
    settings: IngestSettings,
    overrides: MetaOverrides | None,
    report: IngestReport,
    progress: ProgressCallback | None,
) -> None:
    loaded = load_within_limit(file, settings)
    duplicate = duplicate_of(index, file, loaded.sha256)
    if duplicate is not None:
        raise IngestError(file, f"samma plan är redan inläst, som {duplicate.file}")
    combined = _combine(read_sidecar(file), overrides)
    if index.has_document(file, loaded.sha256) and not combined.model_dump(exclude_none=True):
        report.unchanged.append(str(file))
        return
    processed = process_document(loaded, settings, combined)
    recorded = index.document(file)
    if recorded is not None and recorded.is_current(loaded.sha256):
        # Same text, metadata given: only a real change of metadata re-indexes the document.
        if recorded.as_meta() == processed.meta:
            report.unchanged.append(str(file))
            return
        index.remove_document(file)
    index.add_document(processed.chunks, progress)
    report.added.append(str(file))
    report.chunks += len(processed.chunks)


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
