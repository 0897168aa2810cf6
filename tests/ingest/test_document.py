"""The chunk's header: what is embedded and indexed with its text besides the text itself."""

from __future__ import annotations

import pytest

from ingest.document import Chunk


def _chunk(organisation: str | None, municipality: str | None) -> Chunk:
    return Chunk(
        id="x-0000", file="plan.txt", path="/plan.txt", sha256="0" * 64, title="Budget 2026",
        organisation=organisation, municipality=municipality, section=["Ekonomi", "Drift"],
        page=None, start=0, end=4, text="Text",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("organisation", "municipality", "header"),
    [
        ("Lomma kommun", "Lomma", "Lomma | Budget 2026 | Ekonomi > Drift"),
        ("Region Halland", None, "Region Halland | Budget 2026 | Ekonomi > Drift"),
        (None, None, "Budget 2026 | Ekonomi > Drift"),
    ],
)
def test_header_names_the_kommun_or_the_region(
    organisation: str | None, municipality: str | None, header: str
) -> None:
    assert _chunk(organisation, municipality).header == header
