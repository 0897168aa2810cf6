"""The app's workspace on a copy of the example index: uploads, removals, filters, feedback."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.audit import AuditRecord
from assistant.composition import build_workspace, open_index
from assistant.feedback import FeedbackStore
from assistant.json_lines import read
from assistant.service import Scope
from assistant.workspace import Filters, Workspace, comparison_sides
from index.embedding import Embedder
from index.plan_index import PlanIndex
from ingest.document import IngestError
from ingest.metadata import MetaOverrides
from settings import Settings
from tests.conftest import NORRTALJE_2023, copy_of_index

pytestmark = pytest.mark.slow

NEW_PLAN = """Socialnämndens uppdragsplan 2026

Vaxholms kommun

Inledning

Socialnämnden i Vaxholm ansvarar för verksamhet enligt alkohollagen (2010:1622).
Fritidsbanken ska under året låna ut sportutrustning gratis till alla barn i kommunen.
Nämnden ska öppna två nya mötesplatser för äldre under hösten.
"""


@pytest.fixture(scope="module")
def workspace(
    example_index: PlanIndex, example_settings: Settings, embedder: Embedder, tmp_path_factory
) -> Workspace:
    settings = copy_of_index(example_settings, tmp_path_factory.mktemp("workspace"))
    index = open_index(settings, embedder)
    return build_workspace(settings, index=index)


@pytest.fixture
def upload(tmp_path: Path) -> Path:
    path = tmp_path / "vaxholm-uppdragsplan.txt"
    path.write_text(NEW_PLAN, encoding="utf-8")
    return path


def test_comparison_sides() -> None:
    kommuner = ["Norrköpings kommun", "Region Halland"]
    assert comparison_sides(kommuner, []) == [
        Scope("Norrköpings kommun", None),
        Scope("Region Halland", None),
    ]
    assert comparison_sides(kommuner, [2024]) == [
        Scope("Norrköpings kommun", 2024),
        Scope("Region Halland", 2024),
    ]
    assert comparison_sides(["Norrköpings kommun"], [2024, 2017]) == [
        Scope("Norrköpings kommun", 2017),
        Scope("Norrköpings kommun", 2024),
    ]
    for organisations, years in ((["Region Halland"], [2017]), ([], []), (["A", "B"], [1, 2])):
        with pytest.raises(ValueError):
            comparison_sides(organisations, years)


def test_upload_with_corrected_metadata_then_remove(workspace: Workspace, upload: Path) -> None:
    detected = workspace.detect(upload)
    assert (detected.municipality, detected.year) == ("Vaxholm", 2026)
    shares: list[float] = []
    report = workspace.add_upload(upload, MetaOverrides(year=2025), shares.append)
    assert not report.failed and report.chunks >= 1
    assert shares and shares[-1] == 1.0 and shares == sorted(shares)
    stored = workspace.settings.uploads_dir / upload.name
    record = next(r for r in workspace.documents() if r.file == upload.name)
    assert record.path == str(stored.resolve()) and stored.is_file()
    assert (record.municipality, record.year) == ("Vaxholm", 2025)
    assert workspace.indexed()["Vaxholms kommun"] == [2025]
    alcohol = next(e for e in workspace.laws() if e.key == "alkohollagen")
    assert "Vaxholm 2025" in alcohol.plans

    turn = workspace.ask("Vad ska Fritidsbanken göra?", Filters(document=record.id))
    assert not turn.answer.refused
    assert {c.file for c in turn.answer.citations} == {upload.name}
    assert "Fritidsbanken" in turn.answer.answer

    assert workspace.remove(record.id) == record
    assert upload.name not in {r.file for r in workspace.documents()}
    assert not stored.exists()
    assert "Vaxholms kommun" not in workspace.indexed()
    alcohol = next(e for e in workspace.laws() if e.key == "alkohollagen")
    assert not any("Vaxholm" in plan for plan in alcohol.plans)
    gone = workspace.ask("Vad ska Fritidsbanken göra?", Filters(document=record.id))
    assert gone.answer.refused


def test_a_broken_upload_changes_nothing(workspace: Workspace, tmp_path: Path) -> None:
    before = workspace.documents()
    empty = tmp_path / "tom.pdf"
    empty.write_bytes(b"")
    wrong = tmp_path / "program.exe"
    wrong.write_bytes(b"MZ\x90\x00")
    for broken in (empty, wrong):
        with pytest.raises(IngestError):
            workspace.add_upload(broken, MetaOverrides())
        assert not (workspace.settings.uploads_dir / broken.name).exists()
    assert workspace.documents() == before


def test_the_same_plan_twice_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    copy = tmp_path / "kopia.txt"
    copy.write_bytes(NORRTALJE_2023.read_bytes())
    with pytest.raises(IngestError, match=f"redan inläst, som {NORRTALJE_2023.name}"):
        workspace.add_upload(copy, MetaOverrides())
    assert not (workspace.settings.uploads_dir / copy.name).exists()


def test_removing_an_example_plan_keeps_its_file(workspace: Workspace) -> None:
    example = next(r for r in workspace.documents() if r.path == str(NORRTALJE_2023.resolve()))
    assert workspace.remove(example.id) == example
    assert NORRTALJE_2023.is_file()
    assert "Norrtälje kommun" not in workspace.indexed()
    assert workspace.remove(example.id) is None
    assert workspace.remove(example.path) is None  # a path is not an id


def test_filters_narrow_the_answer(workspace: Workspace) -> None:
    turn = workspace.ask(
        "Vilka tjänstegarantier gäller?", Filters(organisation="Söderköpings kommun")
    )
    assert all(c.organisation == "Söderköpings kommun" for c in turn.answer.citations)


def test_feedback_is_stored_with_the_answer(workspace: Workspace) -> None:
    turn = workspace.ask("Vilka tjänstegarantier gäller för försörjningsstöd?", Filters())
    workspace.give_feedback(turn, "down", "Saknar barn och unga.")
    stored = FeedbackStore(workspace.settings.feedback_file).records()[-1]
    assert (stored.rating, stored.comment, stored.question) == (
        "down",
        "Saknar barn och unga.",
        turn.question,
    )
    assert stored.answer == turn.answer.answer
    assert stored.citations == turn.answer.citations


def test_questions_and_comparisons_are_audited_without_their_text(workspace: Workspace) -> None:
    question = "Vilka tjänstegarantier gäller för försörjningsstöd?"
    workspace.ask(question, Filters(year=2023), user="handlaggare")
    sides = [Scope("Norrköpings kommun", None), Scope("Norrtälje kommun", None)]
    workspace.compare(question, sides)
    audit_dir = workspace.settings.audit_dir
    asked, compared = [r for f in sorted(audit_dir.iterdir()) for r in read(f, AuditRecord)][-2:]
    assert (asked.kind, asked.user, asked.filters) == ("question", "handlaggare", {"year": "2023"})
    assert asked.passages and asked.answerer == "extractive"
    assert compared.kind == "comparison" and compared.user is None
    assert compared.filters == {"sides": "Norrköpings kommun | Norrtälje kommun"}
    assert question not in "".join(f.read_text(encoding="utf-8") for f in audit_dir.iterdir())
