"""Word rarities: counted once, then kept up to date from the documents that changed, and saved
for the next start. They must equal a count over the whole index every time."""

from __future__ import annotations

import json
from pathlib import Path

from assistant.evidence import PARENT_SHARE, EvidenceScorer, coverage
from assistant.terms import TERMS_VERSION, TermNormaliser
from ingest.document import Chunk, LoadedDocument
from ingest.pipeline import process_document
from settings import IngestSettings

ONE = """Plan för äldreomsorgen 2025

Hemtjänst

Hemtjänsten ger stöd i hemmet. Trygghetslarm installeras inom tre dagar.

Demensvård

Satsningen på demensvården fortsätter med fler utbildade medarbetare.
"""
TWO = """Plan för socialtjänsten 2025

Försörjningsstöd

Beslut om försörjningsstöd fattas inom tio arbetsdagar.

Hemtjänst

Hemtjänsten i kommunen utökas med kvällsbesök.
"""


def chunks_of(text: str, name: str, tmp_path: Path) -> list[Chunk]:
    loaded = LoadedDocument(path=tmp_path / name, sha256=name[0] * 64, text=text, paged=False)
    return process_document(loaded, IngestSettings(chunk_min_words=5)).chunks


def scorer() -> EvidenceScorer:
    return EvidenceScorer(TermNormaliser(), lexical_weight=0.2, rank_weight=0.0)


def rarities(fitted: EvidenceScorer) -> list[tuple[str, float]]:
    terms = fitted.weighted_terms("hemtjänst trygghetslarm försörjningsstöd matlådor demens")
    return [(term.term.form, round(term.weight, 9)) for term in terms]


def counted(chunks: list[Chunk]) -> EvidenceScorer:
    fitted = scorer()
    fitted.fit(chunks)
    return fitted


def test_a_change_is_counted_as_a_count_over_everything(tmp_path: Path) -> None:
    one, two = chunks_of(ONE, "a.txt", tmp_path), chunks_of(TWO, "b.txt", tmp_path)
    before = counted(one)
    added = scorer()
    added.fit(one + two, previous=before)
    assert rarities(added) == rarities(counted(one + two))
    removed = scorer()
    removed.fit(two, previous=added)
    assert rarities(removed) == rarities(counted(two))


def test_a_chunk_processed_again_under_its_id_is_counted_anew(tmp_path: Path) -> None:
    one = chunks_of(ONE, "a.txt", tmp_path)
    relabelled = [c.model_copy(update={"section": ["Trygghetslarm"]}) for c in one]
    assert rarities(counted(relabelled)) != rarities(counted(one))
    again = scorer()
    again.fit(relabelled, previous=counted(one))
    assert rarities(again) == rarities(counted(relabelled))


def test_saved_rarities_are_taken_only_for_their_index(tmp_path: Path) -> None:
    one = chunks_of(ONE, "a.txt", tmp_path)
    file = tmp_path / "cache" / "rarities.json"
    counted(one).save(file, "fingerprint-1")
    loaded = scorer()
    assert loaded.load(file, "fingerprint-1", one)
    assert rarities(loaded) == rarities(counted(one))
    assert not scorer().load(file, "fingerprint-2", one)
    assert not scorer().load(tmp_path / "missing.json", "fingerprint-1", one)


def test_rarities_saved_by_another_terms_version_are_counted_again(tmp_path: Path) -> None:
    one = chunks_of(ONE, "a.txt", tmp_path)
    file = tmp_path / "cache" / "rarities.json"
    counted(one).save(file, "fingerprint-1")
    saved = json.loads(file.read_text(encoding="utf-8"))
    file.write_text(json.dumps(saved | {"terms": TERMS_VERSION - 1}), encoding="utf-8")
    assert not scorer().load(file, "fingerprint-1", one)


def test_a_word_is_as_rare_as_the_commoner_of_its_two_stems(tmp_path: Path) -> None:
    """The base form of "vuxen" is "växa", which no plan here uses: it is as common as "vuxna"."""
    adults = "Plan 2025\n\nAvgifter\n\n" + "\n\n".join(
        f"Vuxna betalar {n} kr för besök {n}." for n in range(1, 6)
    )
    fitted = counted(chunks_of(adults + "\n\nHemtjänst ges dagligen.\n", "a.txt", tmp_path))
    weights = {term.term.form: term.weight for term in fitted.weighted_terms("vuxen hemtjänst")}
    assert weights["väx"] < weights["hemtjänst"]


def test_a_term_only_a_heading_above_holds_counts_half(tmp_path: Path) -> None:
    """ "3.1 Hemtjänst" > "3.1.2 Utan behovsprövning": the units below are about hemtjänst, as
    every unit of the section is, so the term counts less than in the unit itself."""
    text = (
        "Riktlinjer för handläggning\n\n3 Ordinärt boende\n\n"
        "Den som bor hemma kan få stöd på flera sätt av kommunen.\n\n3.1 Hemtjänst\n\n"
        "Hemtjänst beviljas efter en utredning av behovet hos den enskilde.\n\n"
        "3.1.2 Utan behovsprövning\n\n"
        "Kommunen får erbjuda serviceinsatser utan individuell prövning till äldre.\n"
    )
    fitted = counted(chunks_of(text, "r.txt", tmp_path))
    (below,) = [c for c in fitted._fitted.values() if c.section[-1] == "3.1.2 Utan behovsprövning"]
    wanted = fitted.weighted_terms("hemtjänst serviceinsatser")
    (forms,) = fitted.unit_forms(below)
    weight = {w.term.form: w.weight for w in wanted}
    service, home_help = (weight[fitted.term(w).form] for w in ("serviceinsatser", "hemtjänst"))
    total = service + home_help
    assert coverage(wanted, forms) == service / total
    held = service + PARENT_SHARE * home_help
    assert coverage(wanted, forms, fitted.held_above(wanted, below)) == held / total
