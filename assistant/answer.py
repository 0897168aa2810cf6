"""What the assistant returns: an answer, its citations, and per-side answers for comparisons.

The JSON of `Answer` is the public contract of `ask --json` (extra keys may be added, none removed):
{question, answer, refused, citations: [{id, file, title, organisation, municipality, year, date,
section, page, quote, header}], comparison: null | [{organisation, municipality, year, answer,
refused, citations}], answerer, verified, fallback_reason, dropped_sentences}; `header` is null
unless the quote is a table row; `municipality` is the kommun's short name, null for a region;
`date` is a protocol's meeting date.
"""

from __future__ import annotations

import datetime

from pydantic import BaseModel, Field

from ingest.document import Chunk


class Citation(BaseModel):
    id: int = Field(description="The marker number: [id] in the answer text.")
    chunk_id: str
    file: str
    title: str
    organisation: str | None = Field(default=None, description="The organisation's official name.")
    municipality: str | None
    year: int | None
    date: datetime.date | None = Field(
        default=None, description="The document's date: a protocol's meeting date."
    )
    section: str = Field(description="Heading path, outermost first, joined by ' > '.")
    page: int | None
    quote: str = Field(description="Verbatim: an exact substring of the cited chunk's text.")
    header: str | None = Field(
        default=None,
        description="For a table row: the table's header, verbatim in the cited chunk's text (or "
        "in `header_chunk_id`'s, for a table cut between chunks).",
    )
    header_chunk_id: str | None = Field(
        default=None, description="The chunk that holds `header`, when it is not `chunk_id`."
    )

    @classmethod
    def of(
        cls,
        marker: int,
        chunk: Chunk,
        quote: str,
        header: str | None = None,
        header_chunk: Chunk | None = None,
    ) -> Citation:
        if quote not in chunk.text:
            raise ValueError(f"citatet finns inte ordagrant i avsnittet {chunk.id}")
        if header is not None and header not in (header_chunk or chunk).text:
            raise ValueError(f"tabellhuvudet finns inte ordagrant i avsnittet {chunk.id}")
        return cls(
            id=marker,
            chunk_id=chunk.id,
            file=chunk.file,
            title=chunk.title,
            organisation=chunk.organisation,
            municipality=chunk.municipality,
            year=chunk.year,
            date=chunk.date,
            section=chunk.section_path,
            page=chunk.page,
            quote=quote,
            header=header,
            header_chunk_id=header_chunk.id if header_chunk is not None else None,
        )


class ComparisonSide(BaseModel):
    organisation: str | None = None
    municipality: str | None
    year: int | None
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)


class Answer(BaseModel):
    question: str
    answer: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    comparison: list[ComparisonSide] | None = None
    closest: list[Citation] = Field(
        default_factory=list,
        description="Närmaste träffar: shown with a refusal, never used as the answer.",
    )
    retrieved: list[str] = Field(
        default_factory=list, description="Chunk ids the retriever found, best first."
    )
    answerer: str = Field(default="extractive", description="The answerer that was configured.")
    verified: bool = Field(
        default=True,
        description="Every statement was checked against its citations (the extractive "
        "answerer's statements are quotes, verified by construction).",
    )
    fallback_reason: str | None = Field(
        default=None,
        description="Why the configured answerer's draft was not shown and the extractive "
        "answer is; null when it was shown.",
    )
    dropped_sentences: int = Field(
        default=0,
        description="Sentences of the configured answerer's draft left out because the passages "
        "they cite do not support them (the rest was shown).",
    )
