"""The register of laws behind the app's "Lagar" tab: every law and regulation the indexed plans
cite, with the passages that cite it.

People look for "what do our plans say about LVU" or "which plans cite 2010:1622": the register
groups each plan's different ways of writing one law (by `ingest.laws`'s key) so that one entry
shows every passage, highlighted where the law is named.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from ingest.document import Chunk
from ingest.laws import LawMention, find_laws

#: Swedish alphabetical order: å, ä, ö come after z (and é sorts as e).
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}", "é": "e"})


class LawPassage(BaseModel):
    """One chunk that cites the law, with where the law is named in its text."""

    chunk_id: str
    file: str
    title: str
    organisation: str | None = None
    municipality: str | None
    year: int | None
    section: str = Field(description="Heading path, outermost first, joined by ' > '.")
    page: int | None
    text: str = Field(description="The chunk's whole text.")
    mentions: list[tuple[int, int]] = Field(
        description="(start, end) offsets in `text` of each mention of this law: to highlight."
    )


class LawEntry(BaseModel):
    """One law or regulation and every passage that cites it."""

    key: str = Field(
        description="The grouping key from ingest.laws: 'alkohollagen', 'SOSFS 2014:5'."
    )
    name: str = Field(description="A display name as a plan writes it: 'Alkohollagen'.")
    sfs: list[str] = Field(default_factory=list, description="SFS numbers as written.")
    abbreviations: list[str] = Field(default_factory=list)
    plans: list[str] = Field(default_factory=list, description="'Kommun År' labels, sorted.")
    passages: list[LawPassage] = Field(default_factory=list)

    @property
    def passage_count(self) -> int:
        """How many passages cite the law: the tab's "Avsnitt" column."""
        return len(self.passages)


#: What one chunk contributes: per law key, its mentions there and the passage that shows them.
_Found = dict[str, tuple[list[LawMention], LawPassage]]


class LawRegister:
    """Builds the register again after the indexed plans change, reading only the chunks it has
    not read before (`Chunk.same_as`). Reading them all took 3-4 s per change at 50,000 chunks."""

    def __init__(self) -> None:
        self._found: dict[str, tuple[Chunk, _Found]] = {}

    def entries(self, chunks: Iterable[Chunk]) -> list[LawEntry]:
        """One entry per law the chunks cite, sorted by name; passages keep the chunks' order."""
        self._found = {chunk.id: self._read(chunk) for chunk in chunks if chunk.laws}
        return _entries(chunk_found for _, chunk_found in self._found.values())

    def _read(self, chunk: Chunk) -> tuple[Chunk, _Found]:
        known = self._found.get(chunk.id)
        if known is not None and chunk.same_as(known[0]):
            return known
        return chunk, _found_in(chunk)


def build_register(chunks: Iterable[Chunk]) -> list[LawEntry]:
    """One entry per law the chunks cite, sorted by name; passages keep the chunks' order."""
    return LawRegister().entries(chunks)


def _found_in(chunk: Chunk) -> _Found:
    """The laws a chunk cites. Only chunks where ingest found a law (`Chunk.laws`, by the same
    finder over the same text) are read: most cite none (86 % in the example plans)."""
    in_chunk: dict[str, list[LawMention]] = {}
    for mention in find_laws(chunk.text):
        in_chunk.setdefault(mention.key, []).append(mention)
    return {key: (mentions, _passage(chunk, mentions)) for key, mentions in in_chunk.items()}


def _entries(found: Iterable[_Found]) -> list[LawEntry]:
    mentions_by_key: dict[str, list[LawMention]] = {}
    passages_by_key: dict[str, list[LawPassage]] = {}
    plans_by_key: dict[str, set[str]] = {}
    for chunk_found in found:
        for key, (mentions, passage) in chunk_found.items():
            mentions_by_key.setdefault(key, []).extend(mentions)
            passages_by_key.setdefault(key, []).append(passage)
            plans_by_key.setdefault(key, set()).add(_plan_label(passage))
    entries = [
        LawEntry(
            key=key,
            name=_display_name(mentions),
            sfs=_distinct(m.sfs for m in mentions),
            abbreviations=_distinct(m.abbreviation for m in mentions),
            plans=sorted(plans_by_key[key], key=swedish_sort_key),
            passages=passages_by_key[key],
        )
        for key, mentions in mentions_by_key.items()
    ]
    return sorted(entries, key=lambda entry: (swedish_sort_key(entry.name), entry.key))


def search_register(entries: Iterable[LawEntry], query: str) -> list[LawEntry]:
    """The entries whose name, key, SFS numbers or abbreviations contain every word of the query,
    ignoring case ("lvu", "2010:1622", "vård unga"); an empty query keeps them all. An entry
    whose abbreviation or SFS number is exactly the query comes first: "hsl" finds
    hälso- och sjukvårdslagen before the HSLF-FS regulations."""
    words = query.casefold().split()
    found = [entry for entry in entries if all(w in _search_text(entry) for w in words)]
    wanted = " ".join(words)
    return sorted(found, key=lambda entry: wanted not in _exact_codes(entry))


def swedish_sort_key(text: str) -> str:
    """Case-insensitive key that puts å, ä, ö after z, as a Swedish reader expects."""
    return text.casefold().translate(_SWEDISH_ORDER)


def _exact_codes(entry: LawEntry) -> set[str]:
    return {code.casefold() for code in (*entry.sfs, *entry.abbreviations)}


def _search_text(entry: LawEntry) -> str:
    return " ".join([entry.name, entry.key, *entry.sfs, *entry.abbreviations]).casefold()


def _passage(chunk: Chunk, mentions: list[LawMention]) -> LawPassage:
    return LawPassage(
        chunk_id=chunk.id,
        file=chunk.file,
        title=chunk.title,
        organisation=chunk.organisation,
        municipality=chunk.municipality,
        year=chunk.year,
        section=chunk.section_path,
        page=chunk.page,
        text=chunk.text,
        mentions=[(m.start, m.end) for m in mentions],
    )


def _plan_label(passage: LawPassage) -> str:
    """ "Norrtälje 2023", "Region Halland 2026"; a plan without a detected organisation goes by
    its title."""
    owner = passage.municipality or passage.organisation
    if not owner:
        return passage.title
    return f"{owner} {passage.year}" if passage.year else owner


def _display_name(mentions: list[LawMention]) -> str:
    """The name as a plan writes it, best first: a full name over a bare abbreviation ("LVU"),
    one written with its SFS number (the formal citation), one capitalised (as in a list of laws),
    then the first written."""

    def rank(indexed: tuple[int, LawMention]) -> tuple[bool, bool, bool, int]:
        order, mention = indexed
        full = mention.name != mention.abbreviation
        return (not full, mention.sfs is None, not mention.name[:1].isupper(), order)

    return min(enumerate(mentions), key=rank)[1].name


def _distinct(values: Iterable[str | None]) -> list[str]:
    """The values that are set, once each, in first-seen order."""
    return list(dict.fromkeys(v for v in values if v))
