"""The command line: `planassistent` / `python -m cli` (also `python -m assistant`). It sits above
the assistant and the eval, and builds what it uses through `assistant.composition`.

Public contract (scripts depend on it): `ingest`, `documents --json`, `search --json`, and `check`'s
exit status (0: the stores agree with the catalog). Heavy modules are imported inside the commands,
so `--help` and `documents` answer at once.
"""

from __future__ import annotations

import argparse
import getpass
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.runtime import configure_runtime
from prompts import templates
from settings import Settings, get_settings

if TYPE_CHECKING:
    from assistant.answer import Answer, Citation
    from index.builder import IngestReport
    from index.consistency import ConsistencyReport
    from index.plan_index import PlanIndex
    from ingest.metadata import MetaOverrides


def open_index(settings: Settings) -> PlanIndex:
    from assistant.composition import open_index as open_plan_index

    return open_plan_index(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="planassistent",
        description="Planassistenten: svar på frågor om kommunala planer, med källhänvisningar.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="Läs in planer (filer eller mappar) i indexet.")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ingest.add_argument("--municipality", help="Kommun (ersätter den som hittas i texten).")
    ingest.add_argument(
        "--organisation", help="Kommun eller region, t.ex. 'Region Värmland' (ersätter texten)."
    )
    ingest.add_argument("--committee", help="Nämnd (ersätter den som hittas i texten).")
    ingest.add_argument("--doc-type", help="Dokumenttyp, t.ex. verksamhetsplan.")
    ingest.add_argument("--year", type=int, help="År (ersätter det som hittas i texten).")
    ingest.add_argument("--title", help="Dokumentets titel.")
    ingest.add_argument("--prune", action="store_true", help="Ta bort dokument vars filer saknas.")

    documents = commands.add_parser("documents", help="Lista indexerade dokument.")
    documents.add_argument("--json", action="store_true", help="Skriv ut JSON.")

    search = commands.add_parser("search", help="Sök textavsnitt i planerna.")
    search.add_argument("query")
    search.add_argument("--json", action="store_true", help="Skriv ut JSON.")
    search.add_argument("--k", type=int, default=None, help="Antal träffar.")
    search.add_argument("--municipality", help="Bara denna kommun.")
    search.add_argument("--organisation", help="Bara denna kommun eller region.")
    search.add_argument("--year", type=int, help="Bara detta år.")
    search.add_argument("--doc-type", help="Bara denna dokumenttyp.")

    ask = commands.add_parser("ask", help="Ställ en fråga; svaret citerar planerna.")
    ask.add_argument("question", nargs="?", help="Frågan (utelämnas med --batch).")
    ask.add_argument("--json", action="store_true", help="Skriv ut JSON.")
    ask.add_argument("--batch", type=Path, help="Fil med en fråga per rad; ett svar per rad.")
    ask.add_argument("--municipality", help="Bara denna kommun (går före frågan).")
    ask.add_argument("--organisation", help="Bara denna kommun eller region (går före frågan).")
    ask.add_argument("--year", type=int, help="Bara detta år (går före frågan).")

    check = commands.add_parser(
        "check", help="Kontrollera att Chroma, meningsvektorer och BM25 stämmer med katalogen."
    )
    check.add_argument("--repair", action="store_true", help="Rätta det som inte stämmer.")
    check.add_argument("--json", action="store_true", help="Skriv ut JSON.")

    from eval.command import add_arguments as add_eval_arguments

    evaluate = commands.add_parser("eval", help="Utvärdera svaren mot en eval-mängd.")
    add_eval_arguments(evaluate)
    return parser


def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.service import saved_word_rarities, word_rarities
    from index.writer_lock import IndexBusy
    from ingest.metadata import MetaOverrides

    overrides = MetaOverrides(
        organisation=args.organisation,
        municipality=args.municipality,
        committee=args.committee,
        doc_type=args.doc_type,
        year=args.year,
        title=args.title,
    )
    index = open_index(settings)
    try:
        # Held for the whole command, so another process cannot write in between the files.
        with index.writing():
            rarities = saved_word_rarities(settings, index)
            report = _ingest_with_bar(index, args, overrides, settings)
            # Counted here, from the changed chunks only, so that the next start need not read
            # every chunk (at 50,000 chunks 23 CPU-s before the first answer).
            word_rarities(settings, index, rarities)
    except IndexBusy as busy:
        print(f"Fel: {busy}", file=sys.stderr)
        return 1
    print(report.summary())
    return 1 if report.failed else 0


#: Files are embedded in groups, and a bar that moved only as each is written would stand still for
#: minutes: it moves as each file's texts are embedded, and counts the files done beside it.
_BAR_FORMAT = "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}{postfix}]"
#: The part of a file's time that embedding takes, roughly: writing it to the index takes the rest.
_EMBEDDING_SHARE = 0.9


def _ingest_with_bar(
    index: PlanIndex, args: argparse.Namespace, overrides: MetaOverrides, settings: Settings
) -> IngestReport:
    from tqdm import tqdm

    from index.builder import collect_files, ingest_paths

    files, _ = collect_files(args.paths)
    with tqdm(total=len(files), desc="Indexerar", file=sys.stderr, bar_format=_BAR_FORMAT) as bar:
        shares: dict[Path, float] = {}
        finished: list[Path] = []

        def advance(path: Path, share: float) -> None:
            shares[path] = share
            bar.n = math.fsum(shares.values())  # summed afresh: added steps drift past the total
            bar.refresh()

        def on_done(path: Path) -> None:
            advance(path, 1.0)
            finished.append(path)
            bar.set_postfix_str(f"{len(finished)}/{len(files)} filer klara, {path.name}")

        return ingest_paths(
            index,
            args.paths,
            settings.ingest,
            overrides,
            prune=args.prune,
            on_done=on_done,
            on_error=lambda error: tqdm.write(f"Fel: {error}", file=sys.stderr),
            progress=lambda path, done, total: advance(path, _EMBEDDING_SHARE * done / total),
        )


def run_documents(args: argparse.Namespace, settings: Settings) -> int:
    from index.catalog_files import listed_documents

    records = listed_documents(settings)
    rows = [
        {
            "file": r.file,
            "sha256": r.sha256,
            "title": r.title,
            "organisation": r.organisation,
            "municipality": r.municipality,
            "committee": r.committee,
            "doc_type": r.doc_type,
            "year": r.year,
            "year_end": r.year_end,
            "date": r.date.isoformat() if r.date else None,
            "chunks": len(r.chunk_ids),
        }
        for r in records
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif not rows:
        print("Inga dokument är indexerade. Läs in planer med: planassistent ingest MAPP")
    else:
        for row in rows:
            print(f"{row['organisation']} {row['year']}  {row['title']}  ({row['chunks']} avsnitt)")
            print(f"    {row['file']}")
    return 0


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    index = open_index(settings)
    hits = index.search(
        args.query,
        k=args.k or settings.search.k,
        municipality=args.municipality,
        year=args.year,
        doc_type=args.doc_type,
        organisation=_official_name(args.organisation),
    )
    rows = [
        {
            "rank": hit.rank,
            "score": round(hit.score, 6),
            "file": hit.chunk.file,
            "title": hit.chunk.title,
            "organisation": hit.chunk.organisation,
            "municipality": hit.chunk.municipality,
            "year": hit.chunk.year,
            "section": hit.chunk.section_path,
            "page": hit.chunk.page,
            "text": hit.chunk.text,
        }
        for hit in hits
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Inga träffar.")
    for row in rows:
        where = f"{row['organisation']} {row['year']} – {row['title']} – {row['section']}"
        print(f"[{row['rank']}] {where}")
        print(f"    {str(row['text'])[:300]}")
    return 0


def run_ask(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.composition import build_assistant, open_audit_log

    if (args.question is None) == (args.batch is None):
        print("Ange antingen en fråga eller --batch FIL.", file=sys.stderr)
        return 2
    questions = (
        args.batch.read_text(encoding="utf-8").splitlines() if args.batch else [args.question]
    )
    assistant = build_assistant(settings)
    audit = open_audit_log(settings)
    filters = {
        name: str(value)
        for name in ("municipality", "organisation", "year")
        if (value := getattr(args, name)) is not None
    }
    for question in questions:
        answer = assistant.ask(
            question,
            municipality=args.municipality,
            year=args.year,
            organisation=args.organisation,
        )
        audit.log("question", answer, filters, _login_name(), channel="cli")
        if args.json:
            print(answer.model_dump_json(), flush=True)
        else:
            print(render_answer(answer), flush=True)
    return 0


def _login_name() -> str | None:
    """Who asks at the command line, for the audit log; None where the system cannot say."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no such user in the password database, no LOGNAME
        return None


def _official_name(written: str | None) -> str | None:
    """ "Region Värmland" for "region värmland" or "Värmlands läns landsting"; None for None."""
    if written is None:
        return None
    from ingest.organisations import organisation_named

    found = organisation_named(written)
    return found.name if found else written


def render_answer(answer: Answer) -> str:
    """An answer for reading in a terminal: the text, then its sources with their quotes."""
    lines = [answer.answer, ""]
    if answer.citations:
        lines.append("Källor:")
        lines.extend(_render_citation(citation) for citation in answer.citations)
    if answer.closest:
        lines.append(templates("extractive_sv")["closest_intro"])
        lines.extend(_render_citation(citation) for citation in answer.closest)
    return "\n".join(lines)


def _render_citation(citation: Citation) -> str:
    where = [f"{citation.organisation or ''} {citation.year or ''}".strip(), citation.title]
    where.append(citation.section)
    if citation.page:
        where.append(f"s. {citation.page}")
    quote = " ".join(citation.quote.split())
    text = f"[{citation.id}] {' – '.join(p for p in where if p)} ({citation.file})\n    ”{quote}”"
    if citation.header:
        text += f"\n    Tabellhuvud: ”{' '.join(citation.header.split())}”"
    return text


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    """Exit status 0 when every store agrees with the catalog (after repair, with --repair). A
    repair writes, so it is refused while another process writes to an embedded index: what that
    writer has stored but not yet put in the catalog would look orphaned."""
    from index.consistency import check, repair
    from index.writer_lock import IndexBusy

    index = open_index(settings)
    if not args.repair:
        found = check(index)
        return _print_check(args, found, [], found.consistent)
    try:
        with index.writing():
            found = check(index)
            repaired = repair(index, found) if not found.consistent else []
            consistent = check(index).consistent if repaired else found.consistent
    except IndexBusy as busy:
        print(f"Fel: {busy}", file=sys.stderr)
        return 1
    return _print_check(args, found, repaired, consistent)


def _print_check(
    args: argparse.Namespace, found: ConsistencyReport, repaired: list[str], consistent: bool
) -> int:
    if args.json:
        result = found.as_json() | {"consistent": consistent}
        if args.repair:
            result["repaired"] = repaired
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print("\n".join(found.lines() + repaired))
        print("Indexet stämmer." if consistent else "Indexet stämmer inte med katalogen.")
    return 0 if consistent else 1


def run_eval(args: argparse.Namespace, settings: Settings) -> int:
    from eval.command import run

    return run(args, settings)


COMMANDS = {
    "ingest": run_ingest,
    "documents": run_documents,
    "search": run_search,
    "ask": run_ask,
    "check": run_check,
    "eval": run_eval,
}


def main(argv: Sequence[str] | None = None) -> int:
    configure_runtime()
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args, get_settings())
