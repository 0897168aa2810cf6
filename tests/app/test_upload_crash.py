"""Crash consistency of the app's upload (issue #12): `kill -9` at a write of an upload
(`Workspace.add_upload`), of a new plan or of a changed plan of the same name, then the same upload
again in a restarted app gives what a clean upload gives: the catalog, Chroma contents, BM25 index
and unit vectors (compared as `tests/index/test_crash.py` compares them), the uploads folder, the
saved word rarities and `planassistent check`; and the restarted app lists the plan once and
answers from it. As there, embedded the upload again is enough; with a Chroma server a crash that
leaves the old chunks of a replacement beside the catalog's new ones needs `check --repair` after.

A document's identity is its path, and an uploaded plan's path is its copy's in the uploads folder:
every data directory here has its `uploads` as a link to one folder of the mode, so that a crashed
upload and the clean one name the same files (and chunk ids). That folder is set back to the plans
uploaded before, each time a copy of the index before the upload is made.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

import cli
from app import become_writer
from assistant import composition
from assistant.workspace import Filters, Workspace
from index.embedding import Embedder
from ingest.metadata import MetaOverrides
from settings import ChromaSettings, Settings, get_settings
from tests.conftest import NORRKOPING_2024, NORRTALJE_2023, SODERKOPING_2025, TEST_MODEL_CACHE
from tests.index.crash_child import watching_writes
from tests.index.test_crash import (
    ADDED,
    CHANGED,
    DROPPED,
    EMBEDDED,
    ENDED,
    HTTP,
    MODES,
    assert_same_index,
    change_plan,
    copy_index,
    crash_at,
    opened,
    position,
    server_of,
    settings_for,
    write_plans,
)
from tests.index.test_server_mode import server_env

pytestmark = pytest.mark.slow

#: Uploaded before: the index a crashed upload starts from.
BEFORE = [NORRKOPING_2024.name, NORRTALJE_2023.name]
#: Uploaded then: a new plan, or `CHANGED` changed (a replacement).
NEW, REPLACED = "new", "replaced"
#: An upload's own writes: its copy into the uploads folder first, the word rarities' save last.
COPIED = ["write:uploads", "rename:uploads"]
RARITIES_SAVED = ["write:cache", "rename:cache"]
#: A question each upload answers from its new text: a new plan's, a changed plan's added sentence.
QUESTIONS = {
    NEW: ("Vilka långsiktiga mål har kommunfullmäktige fastställt?", "långsiktiga mål"),
    REPLACED: ("Hur ofta följer nämnden upp planen?", "varje kvartal"),
}


@dataclass(frozen=True)
class Before:
    """The index with `BEFORE` uploaded, the uploads folder its data directories share, and the
    files that folder held then."""

    settings: Settings
    folder: Path
    files: dict[str, bytes]

    def copy(self, data_dir: Path) -> Settings:
        """A copy of the index and the saved word rarities, the uploads folder set back."""
        copy = linked_data_dir(data_dir, self.folder, self.settings.chroma)
        copy_index(self.settings, copy)
        shutil.copytree(self.settings.word_rarities_file.parent, copy.word_rarities_file.parent)
        shutil.rmtree(self.folder)
        self.folder.mkdir()
        for name, content in self.files.items():
            (self.folder / name).write_bytes(content)
        return copy


@dataclass(frozen=True)
class Upload:
    """An upload after `Before`: the file uploaded, the clean index after it, its writes and the
    uploads folder it left."""

    file: Path
    clean: Settings
    writes: list[str]
    files: dict[str, bytes]


def files_in(folder: Path) -> dict[str, bytes]:
    """A folder's files (hidden ones too, as an interrupted write leaves them): name → content."""
    return {file.name: file.read_bytes() for file in sorted(folder.iterdir())}


def linked_data_dir(data_dir: Path, uploads: Path, chroma: ChromaSettings | None) -> Settings:
    """Settings for `data_dir` (in the mode of `chroma`, with fresh collections), whose uploads
    folder is a link to `uploads`."""
    settings = settings_for(data_dir, chroma)
    data_dir.mkdir(parents=True)
    settings.uploads_dir.symlink_to(uploads, target_is_directory=True)
    return settings


def restarted_app(settings: Settings, embedder: Embedder) -> Workspace:
    """The workspace of an app started over `settings` (the writer, as `app.main` makes it)."""
    index = composition.open_index(settings, embedder)
    assert become_writer(index)
    return composition.build_workspace(settings, index=index)


def upload(workspace: Workspace, file: Path) -> list[str]:
    """Upload `file` as the app does, with no metadata given; returns the labels of the writes."""
    writes: list[str] = []
    with watching_writes(writes.append):
        report = workspace.add_upload(file, MetaOverrides())
    assert not report.failed, report.failed
    return writes


@pytest.fixture(scope="module")
def made_once() -> dict[str, tuple[Before, dict[str, Upload]]]:
    return {}


@pytest.fixture
def uploads(
    request: pytest.FixtureRequest,
    made_once: dict[str, tuple[Before, dict[str, Upload]]],
    tmp_path_factory: pytest.TempPathFactory,
    embedder: Embedder,
) -> tuple[Before, dict[str, Upload]]:
    """In the mode `request.param`: the index before, and each case's clean upload after it (made
    when a test first needs them)."""
    mode = request.param
    if mode not in made_once:
        root = tmp_path_factory.mktemp(f"uploads-{mode}")
        offered = write_plans(root / "offered")  # where the browser's upload lands
        changed = write_plans(root / "changed")
        change_plan(changed)
        folder = root / "uploads"
        folder.mkdir()
        settings = linked_data_dir(root / "before", folder, server_of(mode, request))
        app = restarted_app(settings, embedder)
        for name in BEFORE:
            upload(app, offered / name)
        before = Before(settings, folder, files_in(folder))
        cases = {}
        for case, file in {
            NEW: offered / SODERKOPING_2025.name,
            REPLACED: changed / CHANGED,
        }.items():
            clean = before.copy(root / f"clean-{case}")
            writes = upload(restarted_app(clean, embedder), file)
            cases[case] = Upload(file, clean, writes, files_in(folder))
        made_once[mode] = before, cases
    return made_once[mode]


# --- what `planassistent check` says --------------------------------------------------------------


def run_check(
    settings: Settings,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *options: str,
) -> tuple[int, dict]:
    """`planassistent check --json OPTIONS` over `settings`, in this process."""
    with monkeypatch.context() as patched:
        patched.setenv("PLANASSISTENT_DATA_DIR", str(settings.data_dir))
        patched.setenv("PLANASSISTENT_MODEL_DIR", str(TEST_MODEL_CACHE))
        for name, value in (
            server_env(settings.chroma).items() if settings.chroma.mode == HTTP else []
        ):
            patched.setenv(name, value)
        patched.setattr(cli, "open_index", lambda s: composition.open_index(s, embedder))
        get_settings.cache_clear()
        try:
            capsys.readouterr()
            status = cli.main(["check", "--json", *options])
            return status, json.loads(capsys.readouterr().out)
        finally:
            get_settings.cache_clear()


def rarities(settings: Settings) -> dict:
    return dict(json.loads(settings.word_rarities_file.read_bytes()))


# --- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("uploads", MODES, indirect=True)
def test_a_clean_upload_copies_indexes_then_saves_the_word_rarities(
    uploads: tuple[Before, dict[str, Upload]],
) -> None:
    """The order the crash points rely on."""
    before, cases = uploads
    mode = before.settings.chroma.mode
    assert cases[NEW].writes == COPIED + ADDED[mode] + ENDED[mode] + RARITIES_SAVED
    replaced = ADDED[mode] + DROPPED[mode] + ENDED[mode]
    assert cases[REPLACED].writes == COPIED + replaced + RARITIES_SAVED


@pytest.mark.parametrize(
    ("uploads", "case", "label", "occurrence", "repair"),
    [
        (EMBEDDED, NEW, "rename:uploads", 1, False),  # half a copy, under a hidden name
        (EMBEDDED, NEW, "chroma.put", 1, False),  # a copy that nothing indexes
        (EMBEDDED, NEW, "write:units", 1, False),  # in Chroma only
        (EMBEDDED, NEW, "rename:documents", 1, False),  # in every store but the catalog
        (EMBEDDED, NEW, "bm25.save", 1, False),  # BM25 is the old catalog's
        (EMBEDDED, NEW, "rename:cache", 1, False),  # the word rarities are the old index's
        (EMBEDDED, REPLACED, "chroma.put", 1, False),  # the new copy beside the old index
        (EMBEDDED, REPLACED, "chroma.delete", 1, False),  # the old chunks beside the new
        (EMBEDDED, REPLACED, "write:cache", 1, False),  # the word rarities are the old plan's
        (HTTP, NEW, "catalog.put", 1, False),  # in Chroma and the unit vectors only
        (HTTP, REPLACED, "catalog.announce", 2, True),  # the catalog's item names the new
        # chunks, the stores still hold the old
    ],
    indirect=["uploads"],
)
def test_a_crashed_upload_uploaded_again_equals_a_clean_one(
    uploads: tuple[Before, dict[str, Upload]],
    case: str,
    label: str,
    occurrence: int,
    repair: bool,
    tmp_path: Path,
    embedder: Embedder,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before, cases = uploads
    done = cases[case]
    crashed = before.copy(tmp_path / "data")
    killed = crash_at(crashed, done.file, position(done.writes, label, occurrence), upload=True)
    assert killed.rstrip().endswith(f"killed before {label}")

    app = restarted_app(crashed, embedder)
    upload(app, done.file)
    if repair:  # with a server, where an upload repairs nothing
        status, repaired = run_check(crashed, embedder, monkeypatch, capsys, "--repair")
        assert status == 0 and repaired["repaired"], repaired

    assert_same_index(crashed, done.clean)
    assert files_in(before.folder) == done.files
    assert rarities(crashed) == rarities(done.clean)
    cache = crashed.word_rarities_file.parent
    assert list(files_in(cache)) == [crashed.word_rarities_file.name], "no interrupted write left"
    status, checked = run_check(crashed, embedder, monkeypatch, capsys)
    assert status == 0 and checked == run_check(done.clean, embedder, monkeypatch, capsys)[1]

    # The restarted app lists the plan once, as the clean upload left it, and answers from it.
    listed = [record for record in app.documents() if record.file == done.file.name]
    assert len(listed) == 1
    assert listed[0] == opened(done.clean).document(listed[0].path)
    question, answered_by = QUESTIONS[case]
    answer = app.ask(question, Filters(document=listed[0].id)).answer
    assert not answer.refused and answer.citations, answer.answer
    assert {c.chunk_id for c in answer.citations} <= set(listed[0].chunk_ids)
    cited = [opened(crashed).chunk(c.chunk_id) for c in answer.citations]
    assert any(chunk and answered_by in chunk.text for chunk in cited), answer.answer
