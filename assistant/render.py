"""HTML for the web app: answers with clickable markers, sources with the quote highlighted in its
section, comparison tables and law passages.

Every piece of text that comes from a plan, an upload or a user goes through `html.escape` before
it reaches the page, so markup inside a plan is shown as text and never runs. Only the tags written
here are real tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape

from assistant.answer import Answer, Citation, ComparisonSide
from assistant.answerers.grounding import MARKER
from assistant.law_register import LawEntry
from assistant.sources import QuoteInContext
from assistant.workspace import Turn

#: The quote in its section, for a chunk id and a quote.
ContextLookup = Callable[[str, str], QuoteInContext]

SILENT = "Planen säger inget om detta."


def turn_key(tab: str, number: int) -> str:
    """Names one turn of one tab's conversation: the prefix of its source cards' element ids."""
    return f"{tab}-{number}"


def source_anchor(key: str, marker: int, closest: bool = False) -> str:
    """The element id of a source card: unique across the tabs and the turns of a conversation."""
    return f"{key}-{'narmast' if closest else 'kalla'}-{marker}"


# --- answers --------------------------------------------------------------------------------


def conversation_html(turns: list[Turn], tab: str) -> str:
    """The whole conversation, oldest first."""
    if not turns:
        return (
            '<div class="tom">Ställ en fråga om de inlästa planerna, eller välj ett exempel. '
            "Varje svar visar avsnittet och citatet det bygger på.</div>"
        )
    return "\n".join(
        _turn_html(number, turn_key(tab, number), turn)
        for number, turn in enumerate(turns, start=1)
    )


def _turn_html(number: int, key: str, turn: Turn) -> str:
    answer = turn.answer
    understood = ""
    if turn.intent.text.strip() != turn.question.strip():
        understood = f'<div class="tolkning">Tolkad som: {escape(turn.intent.text)}</div>'
    if answer.comparison:
        body = comparison_table_html(answer.comparison, key)
    else:
        body = answer_text_html(answer.answer, key)
    kind = "svar avbojt" if answer.refused else "svar"
    badge = '<div class="etikett">Inget svar i planerna</div>' if answer.refused else ""
    if turn.writing:
        badge = '<div class="etikett skrivs">Skrivs … kontrolleras sedan mot källorna</div>'
    elif answer.fallback_reason:
        badge += (
            '<div class="etikett reserv">Det skrivna svaret kunde inte beläggas med källorna; '
            "här visas i stället planernas egna ord.</div>"
        )
    return (
        f'<div class="tur" id="tur-{number}">'
        f'<div class="fraga"><span class="vem">Fråga {number}</span> {escape(turn.question)}</div>'
        f"{understood}"
        f'<div class="{kind}">{badge}{body}{_closest_links(answer, key)}</div>'
        "</div>"
    )


def answer_text_html(text: str, key: str) -> str:
    """Answer text as paragraphs, lists and tables (Markdown rows: "| a | b |", the first one the
    header), its [n] markers links to the source cards."""
    parts: list[str] = []
    items: list[str] = []
    rows: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("| ") and line.endswith(" |"):
            rows.append([cell.strip() for cell in line[2:-2].split(" | ")])
            continue
        if rows:
            parts.append(_table_html(rows, key))
            rows = []
        if line.startswith("- "):
            items.append(f"<li>{_with_markers(line[2:], key)}</li>")
            continue
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
            items = []
        if line.strip():
            parts.append(f"<p>{_with_markers(line, key)}</p>")
    if items:
        parts.append(f"<ul>{''.join(items)}</ul>")
    if rows:
        parts.append(_table_html(rows, key))
    return "".join(parts)


def _table_html(rows: list[list[str]], key: str) -> str:
    """A Markdown table of an answer: its first row the header, its "---" row dropped."""
    header, *body = rows
    body = [row for row in body if not all(set(cell) <= {"-"} for cell in row)]
    heads = "".join(f"<th>{_with_markers(cell, key)}</th>" for cell in header)
    lines = "".join(
        "<tr>" + "".join(f"<td>{_with_markers(cell, key)}</td>" for cell in row) + "</tr>"
        for row in body
    )
    return (
        f'<table class="svarstabell"><thead><tr>{heads}</tr></thead><tbody>{lines}</tbody></table>'
    )


def _with_markers(line: str, key: str) -> str:
    return MARKER.sub(
        lambda m: (
            f'<a class="markor" href="#{source_anchor(key, int(m.group(1)))}" '
            f'title="Visa källa {m.group(1)}">[{m.group(1)}]</a>'
        ),
        escape(line),
    )


def _closest_links(answer: Answer, key: str) -> str:
    if not answer.closest:
        return ""
    links = " ".join(
        f'<a class="markor narmast" href="#{source_anchor(key, c.id, closest=True)}">'
        f"{escape(_place(c))}</a>"
        for c in answer.closest
    )
    return (
        '<div class="narmast-lista">Närmaste stycken i planerna (de besvarar inte frågan): '
        f"{links}</div>"
    )


def comparison_table_html(sides: list[ComparisonSide], key: str) -> str:
    """One column per side; a side the plans are silent on says so instead of quoting."""
    heads = "".join(f"<th>{escape(_side_label(side))}</th>" for side in sides)
    cells = "".join(
        f'<td class="tyst">{escape(side.answer or SILENT)}</td>'
        if side.refused
        else f"<td>{answer_text_html(side.answer, key)}</td>"
        for side in sides
    )
    return (
        f'<table class="jamforelse"><thead><tr>{heads}</tr></thead>'
        f"<tbody><tr>{cells}</tr></tbody></table>"
    )


def _side_label(side: ComparisonSide) -> str:
    owner = side.organisation or side.municipality
    return " ".join(str(p) for p in (owner, side.year) if p) or "Alla planer"


# --- sources --------------------------------------------------------------------------------


def sources_html(turns: list[Turn], context: ContextLookup, tab: str) -> str:
    """The sources of every turn, newest first: each citation with the quote in its section."""
    if not turns:
        return '<div class="tom">Källorna till svaren visas här.</div>'
    groups = []
    for number in range(len(turns), 0, -1):
        answer, key = turns[number - 1].answer, turn_key(tab, number)
        cards = [source_card_html(c, key, context) for c in answer.citations]
        cards += [source_card_html(c, key, context, closest=True) for c in answer.closest]
        if not cards:
            cards = ['<div class="tom">Inga källor: planerna säger inget om detta.</div>']
        heading = f"<h3>Källor till fråga {number}</h3>"
        groups.append(f'<section class="kallgrupp">{heading}{"".join(cards)}</section>')
    return "".join(groups)


def source_card_html(
    citation: Citation, key: str, context: ContextLookup, closest: bool = False
) -> str:
    found = context(citation.chunk_id, citation.quote)
    label = "Närmaste stycke – inget svar" if closest else f"Källa [{citation.id}]"
    return (
        f'<div class="kalla{" narmast" if closest else ""}" '
        f'id="{source_anchor(key, citation.id, closest)}">'
        f'<div class="kalla-rubrik"><span class="nr">{label}</span> '
        f"{escape(citation.title)}</div>"
        f"{_facts(_owner(citation), citation.year, citation.section, citation.page)}"
        f'<blockquote class="sammanhang">{_highlighted(found)}</blockquote>'
        f"{_table_header(citation.header)}"
        f'<div class="fil">Fil: {escape(citation.file)}</div>'
        "</div>"
    )


def _table_header(header: str | None) -> str:
    """The header a cited table row is read under, as the plan writes it."""
    if not header:
        return ""
    return f'<div class="tabellhuvud">Tabellhuvud: {escape(" ".join(header.split()))}</div>'


def _owner(citation: Citation) -> str | None:
    """The organisation a citation's document is by; old citations name only the kommun."""
    return citation.organisation or citation.municipality


def _facts(organisation: str | None, year: int | None, section: str, page: int | None) -> str:
    rows = [
        ("Organisation", organisation or "okänd"),
        ("År", str(year) if year else "okänt"),
        ("Avsnitt", section or "(inledning)"),
        ("Sida", str(page) if page else "–"),
    ]
    return (
        '<dl class="fakta">'
        + "".join(f"<dt>{name}</dt><dd>{escape(value)}</dd>" for name, value in rows)
        + "</dl>"
    )


def _highlighted(found: QuoteInContext) -> str:
    return (
        ("…" if found.cut_before else "")
        + escape(found.before)
        + f"<mark>{escape(found.quote)}</mark>"
        + escape(found.after)
        + ("…" if found.cut_after else "")
    )


def _place(citation: Citation) -> str:
    parts = [_owner(citation), str(citation.year) if citation.year else None, citation.section]
    return " · ".join(p for p in parts if p) or citation.title


# --- laws -----------------------------------------------------------------------------------


def law_passages_html(entry: LawEntry) -> str:
    """Every passage that cites a law, the mentions highlighted."""
    heading = escape(entry.name) + (f" ({escape(', '.join(entry.sfs))})" if entry.sfs else "")
    cards = "".join(
        '<div class="kalla">'
        f'<div class="kalla-rubrik">{escape(p.title)}</div>'
        f"{_facts(p.organisation or p.municipality, p.year, p.section, p.page)}"
        f'<blockquote class="sammanhang">{_marked(p.text, p.mentions)}</blockquote>'
        f'<div class="fil">Fil: {escape(p.file)}</div>'
        "</div>"
        for p in entry.passages
    )
    count = len(entry.passages)
    return (
        f'<h3 class="lag-rubrik">{heading}</h3>'
        f"<p>Citeras i {count} avsnitt, i {escape(', '.join(entry.plans))}.</p>{cards}"
    )


def _marked(text: str, spans: Iterable[tuple[int, int]]) -> str:
    out, at = [], 0
    for start, end in sorted(spans):
        out += [escape(text[at:start]), f"<mark>{escape(text[start:end])}</mark>"]
        at = end
    out.append(escape(text[at:]))
    return "".join(out)
