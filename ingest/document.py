"""The data that ingest produces: a loaded source, its metadata, and the chunks that get indexed."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ingest.table_model import Table

#: Separates pages in a loaded text, as pdftotext does; cleaning turns it into page offsets.
PAGE_BREAK = "\f"

#: The version of what ingest makes of a file. Bump it whenever a change to ingest changes the
#: chunks (text, sections, units, metadata) of a file: indexed files of an older version are then
#: processed again at the next ingest, though their content is unchanged.
INGEST_VERSION = 11

#: Joins the cells of a table row that a loader read from a Word, HTML or PDF table.
TABLE_CELL_SEPARATOR = " | "

#: How a list item starts in cleaned text and in chunks: a bullet, "1." / "1)" or "a)".
LIST_MARKER = re.compile(r"^(?:[•▪◦·●○■□➢►‣∙*\-–—]|\d{1,2}[.)]|[a-z]\))\s+")


def leads_in(text: str) -> bool:
    """Whether a paragraph introduces the list after it: "Socialnämnden ansvarar för:", or with
    a semicolon, "Strategiska fastighetsinvesteringar innehåller förstudier inom nedan ärenden;"."""
    return text.rstrip().endswith((":", ";"))


class IngestError(Exception):
    """A file that cannot be ingested; the message names the file and the reason, in Swedish."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")

    def __reduce__(self) -> tuple[type[IngestError], tuple[Path, str]]:
        # Sent back from the reader process (ingest.isolation): rebuilt from path and reason.
        return IngestError, (self.path, self.reason)


class LoadedDocument(BaseModel):
    """A source file turned into text. Paged formats join their pages with PAGE_BREAK."""

    path: Path
    sha256: str
    text: str
    paged: bool = Field(description="True when the format has real pages (PDF).")


#: Metadata fields that detection may read from weak evidence (see `DocumentMeta.uncertain`).
UncertainField = Literal["organisation", "year"]


class DocumentMeta(BaseModel):
    """What a document is: detected from its text, or given by the user."""

    title: str
    organisation: str | None = Field(
        default=None,
        description="The organisation's official name: 'Norrköpings kommun', 'Region Värmland', "
        "'Region Gotland'.",
    )
    municipality: str | None = Field(
        default=None,
        description="The kommun's name ('Norrköping') when the organisation is a kommun; "
        "None for a region.",
    )
    committee: str | None = None
    doc_type: str | None = None
    year: int | None = Field(
        default=None,
        description="The year the document is for; a protocol's: the year of the meeting; a "
        "period's: its first year.",
    )
    year_end: int | None = Field(
        default=None, description="The last year of a period ('2026–2028' → 2028), else None."
    )
    date: datetime.date | None = Field(
        default=None,
        description="A protocol's meeting date (sammanträdesdatum); for other documents the date "
        "of decision, when the text states one.",
    )
    uncertain: list[UncertainField] = Field(
        default_factory=list,
        description="Fields detected from weak evidence: a ranking signal, not a filter.",
    )

    def as_meta(self) -> DocumentMeta:
        """Just the metadata, also of a subclass (a chunk, an index record)."""
        return DocumentMeta(**self.model_dump(include=set(DocumentMeta.model_fields)))


class Chunk(DocumentMeta):
    """One indexed passage: sentences and list items packed within one section, with the
    metadata of its document."""

    id: str
    ingest_version: int = Field(
        default=1, description="INGEST_VERSION of the ingest that made the chunk."
    )
    file: str = Field(description="The file's name.")
    path: str = Field(description="The file's absolute path: the document's identity.")
    sha256: str
    section: list[str] = Field(description="Heading path, outermost first.")
    page: int | None = Field(
        description="1-based page where the chunk starts, if the source has pages."
    )
    start: int = Field(description="Character offset of the chunk in the cleaned text.")
    end: int = Field(description="End offset (exclusive) in the cleaned text.")
    laws: list[str] = Field(default_factory=list, description="Laws the chunk mentions.")
    text: str
    units: list[tuple[int, int]] = Field(
        default_factory=list,
        description="Sentences, list items and table rows as (start, end) offsets in `text`: "
        "the pieces an answer quotes.",
    )
    tables: list[Table] = Field(
        default_factory=list,
        description="The tables in `text`: rows with their labels and cells, and the header "
        "(empty in catalogs written before tables were read).",
    )

    def unit_texts(self) -> list[str]:
        return [self.text[start:end] for start, end in self.units]

    def opens_paragraph(self, index: int) -> bool:
        """Whether unit `index` starts a paragraph: it is the first, or a blank line precedes it."""
        return index == 0 or "\n\n" in self.text[self.units[index - 1][1] : self.units[index][0]]

    def same_as(self, known: Chunk | None) -> bool:
        """Whether `known` (the chunk kept under this id at another moment) is this very chunk:
        what is derived from it may be reused. The catalog keeps the objects of documents that did
        not change, so identity answers at once; a file processed again keeps its ids."""
        return known is not None and (known is self or known == self)

    def table_at(self, offset: int) -> Table | None:
        """The table whose text holds ``offset`` of `text`, if any."""
        return next((t for t in self.tables if t.span[0] <= offset < t.span[1]), None)

    @property
    def section_path(self) -> str:
        return " > ".join(self.section)

    @property
    def header(self) -> str:
        """The short context line embedded and indexed with the text: the kommun's name, or a
        region's ("Region Halland"), the title and the section path."""
        parts = [self.municipality or self.organisation or "", self.title, self.section_path]
        return " | ".join(p for p in parts if p)
