"""Test helper: an ingest that `kill -9`s itself at a chosen write to the index.

`watching_writes` calls a function before every write to a store: Chroma's put and delete, each
atomic file write of a document's catalog entry or unit vectors and the rename that publishes it,
the deletion of such a file, the BM25 save; with a Chroma server (http mode), the unit vectors' put
and drop, the catalog item's put and removal, and each token that tells the other processes of a
change; and the app's own files: an upload's copy into the uploads folder and the saved word
rarities. A file write is labelled by its folder ("write:documents", "rename:units",
"unlink:units", "write:uploads", "rename:cache"). The test records the writes of a clean ingest
(or app upload) with it, then runs this module as a child process that is killed with SIGKILL
just before the Nth of them:

    python -m tests.index.crash_child DATA_DIR MODEL_DIR N PATH...
    python -m tests.index.crash_child --upload DATA_DIR MODEL_DIR N FILE...

The second uploads each file as the web app does (`Workspace.add_upload`, no metadata given).

The Chroma settings come from the environment (`PLANASSISTENT_CHROMA__*`), as the command line's.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

import assistant.evidence
import assistant.workspace
import index.catalog_files
import index.unit_vectors
from index.chroma_catalog import ChromaCatalog
from index.chroma_store import ChromaChunkStore
from index.chroma_units import ChromaUnitVectors
from index.lexical import LexicalIndex
from settings import Settings

#: The app's folders (under the data directory) of the files it writes atomically itself: the
#: uploaded plans, and the cache of the word rarities.
_APP_FOLDERS = Settings.model_construct(data_dir=Path("data"))
APP_FILES = (_APP_FOLDERS.uploads_dir.name, _APP_FOLDERS.word_rarities_file.parent.name)
#: The folders of the per-document files and of the app's files; renaming a file into one (a crash
#: may fall between writing and renaming) and deleting one are writes of their own.
FILE_STORES = (index.catalog_files.DOCUMENTS_DIR, index.unit_vectors.UNITS_DIR, *APP_FILES)

#: The methods that write to Chroma and BM25, with the label each write is announced by. The last
#: five are the server's (http mode): a put of the catalog writes a token, its item, the token again
#: (`ChromaCatalog._announce`), so a crash may fall between the item and the second token.
STORE_WRITES = [
    (ChromaChunkStore, "put", "chroma.put"),
    (ChromaChunkStore, "delete_ids", "chroma.delete"),
    (LexicalIndex, "save", "bm25.save"),
    (ChromaUnitVectors, "put", "units.put"),
    (ChromaUnitVectors, "drop", "units.drop"),
    (ChromaCatalog, "stored", "catalog.put"),
    (ChromaCatalog, "removed", "catalog.remove"),
    (ChromaCatalog, "_announce", "catalog.announce"),
]

BeforeWrite = Callable[[str], None]


@contextmanager
def watching_writes(before_write: BeforeWrite) -> Iterator[None]:
    """Call `before_write(label)` before each write to a store, while inside."""
    replace, unlink = os.replace, os.unlink
    with ExitStack() as stack:
        for owner, name, label in STORE_WRITES:
            wrapped = _announcing(getattr(owner, name), _constant(label), before_write)
            stack.enter_context(patch.object(owner, name, wrapped))
        writers = (index.catalog_files, index.unit_vectors, assistant.workspace, assistant.evidence)
        for module in writers:
            writer = _announcing(module.write_atomically, _written_file, before_write)
            stack.enter_context(patch.object(module, "write_atomically", writer))

        def announced_replace(source: Any, target: Any) -> None:
            if Path(target).parent.name in FILE_STORES:
                before_write(f"rename:{Path(target).parent.name}")
            replace(source, target)

        def announced_unlink(path: Any, *args: Any, **kwargs: Any) -> None:
            is_store = Path(path).parent.name in FILE_STORES and not Path(path).name.startswith(".")
            if is_store:
                before_write(f"unlink:{Path(path).parent.name}")
            unlink(path, *args, **kwargs)

        stack.enter_context(patch.object(os, "replace", announced_replace))
        stack.enter_context(patch.object(os, "unlink", announced_unlink))
        yield


def _announcing(
    write: Callable[..., Any], label: Callable[..., str], before_write: BeforeWrite
) -> Callable[..., Any]:
    def announced(*args: Any, **kwargs: Any) -> Any:
        before_write(label(*args))
        return write(*args, **kwargs)

    return announced


def _constant(label: str) -> Callable[..., str]:
    return lambda *_: label


def _written_file(file: Path, *_: Any) -> str:
    return f"write:{Path(file).parent.name}"


def main(argv: list[str]) -> None:
    from assistant.composition import build_workspace, open_index
    from index.builder import ingest_paths
    from ingest.metadata import MetaOverrides

    upload = argv[:1] == ["--upload"]
    data_dir, model_dir, kill_at, *paths = argv[1:] if upload else argv
    writes = 0

    def before_write(label: str) -> None:
        nonlocal writes
        writes += 1
        if writes == int(kill_at):
            print(f"killed before {label}", file=sys.stderr, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)

    settings = Settings(data_dir=Path(data_dir), model_dir=Path(model_dir))
    if upload:
        # Started as the app starts (`app.main`; it may save the word rarities then): only the
        # uploads are watched.
        index = open_index(settings)
        index.claim_writing()
        workspace = build_workspace(settings, index=index)
        with watching_writes(before_write):
            for path in paths:
                workspace.add_upload(Path(path), MetaOverrides())
        return
    with watching_writes(before_write):
        ingest_paths(open_index(settings), [Path(p) for p in paths], settings.ingest)


if __name__ == "__main__":
    main(sys.argv[1:])
