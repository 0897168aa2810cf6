"""The web app in a real browser, over the example plans and one hostile plan.

One app is served for the whole module: a copy of the session's example index (ingesting the
examples again would take a minute) plus a plan whose title and text carry markup that would run if
it were not escaped. Every test opens its own page, so its own Gradio session and conversation.
Each test leaves a screenshot in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import docx
import httpx
import pytest
from playwright.sync_api import Dialog, Locator, Page, expect

from app import ALL, LOOK, UPLOAD_ROUTE, build_app
from assistant.audit import AuditRecord
from assistant.composition import build_workspace, open_index
from assistant.json_lines import read
from assistant.uploads import UNKNOWN
from assistant.workspace import Workspace
from index.builder import ingest_paths
from index.embedding import Embedder
from index.plan_index import PlanIndex
from settings import Settings
from tests.app.conftest import Serve, screenshot
from tests.conftest import TEST_MODEL_CACHE

pytestmark = pytest.mark.slow

GUARANTEE_QUESTION = "Vilka tjänstegarantier gäller för försörjningsstöd?"
#: The three service guarantees of Norrtälje's 2023 plan, as the plan words them.
GUARANTEES = ("27:e", "tio arbetsdagar", "en gång per månad")

#: A plan whose title line and body hold markup: shown as text, it must never run.
HOSTILE_FILE = "ljusdal-verksamhetsplan.txt"
HOSTILE_SCRIPT = "<script>window.__planXss = 1</script>"
HOSTILE_IMG = '<img src=x onerror="window.__planXss = 2">'
HOSTILE_PLAN = f"""Socialnämndens verksamhetsplan 2026 {HOSTILE_SCRIPT}
Ljusdals kommun

Fritidsbanken
Socialnämnden i Ljusdals kommun ska under 2026 öppna en Fritidsbanken vid resecentrum. \
Fritidsbanken lånar ut sport- och fritidsutrustning gratis till alla invånare. {HOSTILE_SCRIPT} \
Utrustningen lånas i fjorton dagar åt gången.
Fritidsbanken ska bemannas av deltagare i arbetsmarknadsinsatser. {HOSTILE_IMG} \
Målet är att minst tvåtusen lån görs under året.
"""

#: An uploaded plan from a municipality that has no plan in the index.
UPLOAD_FILE = "vaxholm-uppdragsplan.docx"
UPLOAD_PARAGRAPHS = [
    "Vaxholms kommun",
    "Socialnämnden i Vaxholms kommun ansvarar för individ- och familjeomsorgen, stödet till "
    "personer med funktionsnedsättning och äldreomsorgen på öarna.",
    "Skärgårdslotsen",
    "Under året startar socialnämnden Skärgårdslotsen, en uppsökande verksamhet för äldre som bor "
    "på öarna utan fast vägförbindelse. Skärgårdslotsen besöker varje hushåll med en person över "
    "80 år minst två gånger per år.",
    "Skärgårdslotsen samarbetar med sjötrafiken så att hembesöken kan göras även vintertid när "
    "isen lägger sig.",
    "Ekonomi",
    "Nämndens budget ska vara i balans. Kostnaderna för ekonomiskt bistånd följs upp varje månad.",
]


@dataclass(frozen=True)
class Served:
    url: str
    settings: Settings
    workspace: Workspace


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory,
    example_settings: Settings,
    example_index: PlanIndex,
    embedder: Embedder,
    module_serve: Serve,
) -> Iterator[Served]:
    """The app over a copy of the example index plus the hostile plan, served for this module."""
    data_dir = tmp_path_factory.mktemp("app-data")
    shutil.copytree(example_settings.index_dir, data_dir / "index")
    settings = Settings(data_dir=data_dir, model_dir=TEST_MODEL_CACHE)
    index = open_index(settings, embedder)
    assert len(index.documents()) == len(example_index.documents())
    hostile = tmp_path_factory.mktemp("hostile") / HOSTILE_FILE
    hostile.write_text(HOSTILE_PLAN, encoding="utf-8")
    report = ingest_paths(index, [hostile], settings.ingest)
    assert report.added and not report.failed, report.failed
    workspace = build_workspace(settings, index=index)
    yield Served(module_serve(build_app(workspace), **LOOK), settings, workspace)


# --- helpers -----------------------------------------------------------------------------------


def open_app(page: Page, served: Served) -> None:
    page.goto(served.url)
    # The page's load event fills the dropdowns: wait for it, so no choice is made on a stale list.
    combobox = page.get_by_role("combobox", name="Kommun eller region", exact=True)
    expect(combobox).to_be_visible()
    combobox.click()
    expect(listbox(page, combobox).get_by_role("option", name="Norrtälje kommun")).to_be_visible()
    page.keyboard.press("Escape")
    page.locator("#samtal").click()  # away from the dropdown, so its list closes


def listbox(page: Page, combobox: Locator) -> Locator:
    """The option list a Gradio dropdown controls."""
    return page.locator(f"[id='{combobox.get_attribute('aria-controls')}']")


def choose(page: Page, combobox: Locator, option: str) -> None:
    combobox.click()
    listbox(page, combobox).get_by_role("option", name=option, exact=True).click()
    expect(combobox).to_have_value(option)


def open_tab(page: Page, name: str) -> None:
    tab = page.get_by_role("tab", name=name, exact=True)
    tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def ask(page: Page, question: str) -> Locator:
    """Ask in the Fråga tab and return the new turn, once its answer is shown."""
    turns = page.locator("#samtal .tur")
    before = turns.count()
    page.locator("#fraga-text").get_by_role("textbox").fill(question)
    page.locator("#fraga-knapp").click()
    expect(turns).to_have_count(before + 1)
    turn = turns.nth(before)
    expect(turn.locator(".fraga")).to_contain_text(question)
    return turn


def text(locator: Locator) -> str:
    return locator.text_content() or ""


def assert_no_injected_markup(page: Page) -> None:
    assert page.evaluate("window.__planXss") is None
    assert page.locator("script:has-text('__planXss'), img[onerror*='__planXss']").count() == 0


# --- the tests ---------------------------------------------------------------------------------


def test_guarantee_question_is_answered_from_norrtalje_offline(
    page: Page, served: Served, external_requests: list[str]
) -> None:
    open_app(page, served)
    turn = ask(page, GUARANTEE_QUESTION)
    answer = turn.locator(".svar")
    expect(answer).not_to_have_class(re.compile(r"\bavbojt\b"))
    for guarantee in GUARANTEES:
        expect(answer).to_contain_text(guarantee)
    cards = page.locator("#kallor .kalla")
    expect(cards.filter(has_text="Norrtälje").first).to_be_visible()
    for guarantee in GUARANTEES:
        expect(cards.locator(".sammanhang mark").filter(has_text=guarantee)).to_have_count(1)
    screenshot(page, "app-1-garantier")
    assert external_requests == []


def test_marker_opens_its_source_with_the_quote_marked(page: Page, served: Served) -> None:
    open_app(page, served)
    turn = ask(page, GUARANTEE_QUESTION)
    # The line that quotes the first guarantee, and its marker.
    line = turn.locator(".svar li").filter(has_text=GUARANTEES[0])
    marker = line.locator("a.markor")
    expect(marker).to_have_count(1)
    href = marker.get_attribute("href") or ""
    assert re.fullmatch(r"#fraga-1-kalla-\d+", href), href
    quote = re.sub(r"\s*\[\d+\]\s*$", "", text(line)).strip()

    marker.click()
    expect(page).to_have_url(re.compile(re.escape(href) + "$"))
    card = page.locator(f"#kallor [id='{href[1:]}']")
    expect(card).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target')?.id") == href[1:]
    expect(card).to_contain_text("Norrtälje")
    mark = card.locator(".sammanhang mark")
    expect(mark).to_have_count(1)
    marked = text(mark)
    assert marked == quote
    assert marked in text(card.locator(".sammanhang"))
    screenshot(page, "app-2-kalla-oppnad", full_page=False)


def test_refusal_shows_closest_passages_and_follow_up_is_interpreted(
    page: Page, served: Served
) -> None:
    open_app(page, served)
    refusal = ask(page, "Vad kostar en ny simhall i Norrtälje?")
    expect(refusal.locator(".svar.avbojt")).to_be_visible()
    expect(refusal.locator(".svar .etikett")).to_have_text("Inget svar i planerna")
    expect(refusal.locator(".narmast-lista a.markor.narmast").first).to_be_visible()
    closest = page.locator("#kallor .kalla.narmast")
    expect(closest.first).to_be_visible()
    assert closest.count() == refusal.locator(".narmast-lista a.markor.narmast").count()
    for link in refusal.locator(".narmast-lista a.markor.narmast").all():
        target = (link.get_attribute("href") or "#")[1:]
        expect(page.locator(f"#kallor .kalla.narmast[id='{target}']")).to_have_count(1)
    screenshot(page, "app-3a-avbojt")

    ask(page, GUARANTEE_QUESTION)
    follow_up = ask(page, "och i Söderköping?")
    understood = follow_up.locator(".tolkning")
    expect(understood).to_contain_text("Tolkad som")
    expect(understood).to_contain_text("Söderköping")
    expect(understood).to_contain_text("tjänstegarantier")
    # The newest sources come first, and the follow-up's are from Söderköping.
    newest = page.locator("#kallor .kallgrupp").first
    expect(newest.locator("h3")).to_have_text("Källor till fråga 3")
    expect(newest.locator(".kalla").first).to_contain_text("Söderköping")
    screenshot(page, "app-3b-foljdfraga")


def test_comparison_table_cites_each_side_or_says_it_is_silent(page: Page, served: Served) -> None:
    open_app(page, served)
    open_tab(page, "Jämför")
    municipalities = page.locator("#jamfor-kommuner")
    municipalities.get_by_label("Norrköpings kommun", exact=True).check()
    municipalities.get_by_label("Norrtälje kommun", exact=True).check()
    page.locator("#jamfor-text").get_by_role("textbox").fill(
        "Vad prioriteras när det gäller våld i nära relationer?"
    )
    page.locator("#jamfor-knapp").click()

    table = page.locator("#jamforelse table.jamforelse")
    expect(table).to_be_visible()
    expect(table.locator("th")).to_have_text(["Norrköpings kommun", "Norrtälje kommun"])
    cells = table.locator("tbody td")
    expect(cells).to_have_count(2)
    cited = 0
    for cell in cells.all():
        if "tyst" in (cell.get_attribute("class") or "").split():
            expect(cell.locator("a.markor")).to_have_count(0)
            continue
        markers = cell.locator("a.markor").all()
        assert markers, text(cell)
        for marker in markers:
            target = (marker.get_attribute("href") or "#")[1:]
            assert target.startswith("jamfor-1-kalla-"), target
            expect(page.locator(f"#jamfor-kallor .kalla[id='{target}']")).to_have_count(1)
            cited += 1
    assert cited, "neither side cites anything"
    screenshot(page, "app-4-jamforelse")


def test_upload_override_ask_and_remove(page: Page, served: Served, tmp_path: Path) -> None:
    plan = tmp_path / UPLOAD_FILE
    document = docx.Document()
    document.add_heading("Socialnämndens uppdragsplan 2026", level=1)
    for paragraph in UPLOAD_PARAGRAPHS:
        if len(paragraph.split()) <= 2:
            document.add_heading(paragraph, level=2)
        else:
            document.add_paragraph(paragraph)
    document.save(str(plan))
    kept = served.settings.uploads_dir / UPLOAD_FILE

    open_app(page, served)
    open_tab(page, "Dokument")
    documents = page.locator("#dokumentlista")
    expect(documents).to_contain_text("Norrtälje")
    expect(documents).not_to_contain_text(UPLOAD_FILE)
    add = page.locator("#las-in")
    expect(add).to_be_disabled()

    page.locator("#uppladdning input[type=file]").set_input_files(plan)
    municipality = page.locator("#meta-kommun").get_by_role("textbox")
    expect(municipality).to_have_value("Vaxholm")
    expect(page.locator("#meta-titel").get_by_role("textbox")).to_have_value(
        "Socialnämndens uppdragsplan 2026"
    )
    expect(page.locator("#meta-namnd").get_by_role("textbox")).to_have_value("Socialnämnden")
    expect(page.locator("#meta-typ").get_by_role("textbox")).to_have_value("uppdragsplan")
    year = page.locator("#meta-ar").get_by_role("textbox")
    expect(year).to_have_value("2026")
    year.fill("2027")  # the user corrects the detected year
    expect(add).to_be_enabled()
    screenshot(page, "app-5a-uppladdning-granskas")
    add.click()

    status = page.locator("#uppladdning-status")
    expect(status).to_contain_text(f"{UPLOAD_FILE} är inläst")
    assert kept.is_file()
    row = documents.locator("[data-testid^='cell-']").filter(has_text=UPLOAD_FILE)
    expect(row).to_have_count(1)
    # The override won: the year and the title composed from it.
    expect(documents).to_contain_text("Socialnämndens uppdragsplan 2027")
    expect(documents).not_to_contain_text("Socialnämndens uppdragsplan 2026")
    record = next(r for r in served.workspace.documents() if r.file == UPLOAD_FILE)
    assert (record.municipality, record.year) == ("Vaxholm", 2027)
    screenshot(page, "app-5b-uppladdad")

    open_tab(page, "Fråga")
    choose(
        page,
        page.get_by_role("combobox", name="Kommun eller region", exact=True),
        "Vaxholms kommun",
    )
    turn = ask(page, "Vad är Skärgårdslotsen?")
    expect(turn.locator(".svar")).not_to_have_class(re.compile(r"\bavbojt\b"))
    expect(turn.locator(".svar")).to_contain_text("Skärgårdslotsen")
    cards = page.locator("#kallor .kalla")
    expect(cards.first).to_contain_text(UPLOAD_FILE)
    expect(cards.first).to_contain_text("Vaxholm")
    expect(cards.first).to_contain_text("2027")
    screenshot(page, "app-5c-svar-fran-uppladdad")

    open_tab(page, "Dokument")
    dialogs: list[str] = []

    def accept(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    choose(
        page,
        page.locator("#ta-bort-val").get_by_role("combobox"),
        f"Socialnämndens uppdragsplan 2027 ({UPLOAD_FILE})",
    )
    page.locator("#ta-bort").click()
    expect(page.locator("#ta-bort-status")).to_contain_text(f"{UPLOAD_FILE} är borttagen")
    assert dialogs == ["Ta bort planen ur indexet?"]
    expect(documents).not_to_contain_text(UPLOAD_FILE)
    expect(documents).to_contain_text("Norrtälje")
    assert not kept.exists()
    assert all(r.file != UPLOAD_FILE for r in served.workspace.documents())
    screenshot(page, "app-5d-borttagen")


@pytest.mark.parametrize(
    ("name", "content", "told"),
    [
        ("program.exe", b"MZ" + bytes(200), "program.exe: filtypen stöds inte"),
        (
            "stor-plan.pdf",
            b"%PDF-1.7\n" + bytes(1_500_000),
            "stor-plan.pdf: filen är 1.5 MB; den största som läses in är 1 MB",
        ),
    ],
    ids=["okand-typ", "for-stor"],
)
def test_a_refused_upload_is_told_in_swedish_naming_the_file(
    page: Page,
    served: Served,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
    told: str,
) -> None:
    # Ingest's limit on a plan, not the upload limit (below): by default app.max_upload_mb is far
    # above ingest.max_file_mb. A small limit keeps the upload quick.
    assert Settings().app.max_upload_mb >= 10 * Settings().ingest.max_file_mb
    monkeypatch.setattr(served.settings.ingest, "max_file_mb", 1)
    upload = tmp_path / name
    upload.write_bytes(content)
    documents_before = served.workspace.documents()

    open_app(page, served)
    open_tab(page, "Dokument")
    page.locator("#uppladdning input[type=file]").set_input_files(upload)

    status = page.locator("#uppladdning-status")
    expect(status).to_contain_text(told)
    expect(status).not_to_contain_text("Invalid")
    expect(page.locator("#las-in")).to_be_disabled()
    assert served.workspace.documents() == documents_before


def test_a_file_over_the_upload_limit_is_refused_in_swedish_and_not_kept(
    page: Page, served: Served, module_serve: Serve, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload = tmp_path / "for-stor.pdf"
    upload.write_bytes(b"%PDF-1.7\n" + bytes(1_500_000))
    told = "for-stor.pdf: filen är 1.5 MB; den största som tas emot är 1 MB."
    staged_before = staged(served.settings)
    monkeypatch.setattr(served.settings.app, "max_upload_mb", 1)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if UPLOAD_ROUTE in r.url else None)

    def choose_on(app: Served) -> None:
        open_app(page, app)
        open_tab(page, "Dokument")
        page.locator("#uppladdning input[type=file]").set_input_files(upload)
        expect(page.locator("#uppladdning .besked")).to_have_text(told)
        expect(page.locator("#las-in")).to_be_disabled()

    # The page was built with the default limit, so it sends the file: the server refuses it.
    choose_on(served)
    assert len(sent) == 1
    screenshot(page, "app-5e-for-stor-fil")

    # A page built with the limit refuses the file before sending it.
    limited = Served(
        module_serve(build_app(served.workspace), **LOOK), served.settings, served.workspace
    )
    choose_on(limited)
    assert len(sent) == 1
    assert staged(served.settings) == staged_before


def test_markup_in_a_plan_is_shown_as_text_and_never_runs(page: Page, served: Served) -> None:
    open_app(page, served)
    document = page.get_by_role("combobox", name="Dokument", exact=True)
    choose(page, document, f"Socialnämndens verksamhetsplan 2026 {HOSTILE_SCRIPT} ({HOSTILE_FILE})")
    turn = ask(page, "Vad är Fritidsbanken?")
    expect(turn.locator(".svar")).not_to_have_class(re.compile(r"\bavbojt\b"))
    expect(turn.locator(".svar")).to_contain_text("Fritidsbanken")
    sources = page.locator("#kallor")
    expect(sources).to_contain_text(HOSTILE_SCRIPT)
    expect(sources.locator(".kalla-rubrik").first).to_contain_text(HOSTILE_SCRIPT)
    expect(sources).to_contain_text(HOSTILE_IMG)
    expect(sources.locator("script, img")).to_have_count(0)
    expect(page.locator("#samtal script, #samtal img")).to_have_count(0)
    assert_no_injected_markup(page)
    screenshot(page, "app-6a-fientlig-plan")

    open_tab(page, "Dokument")
    expect(page.locator("#dokumentlista")).to_contain_text(HOSTILE_SCRIPT)
    removable = page.locator("#ta-bort-val").get_by_role("combobox")
    removable.click()
    expect(listbox(page, removable)).to_contain_text(HOSTILE_SCRIPT)
    assert_no_injected_markup(page)
    screenshot(page, "app-6b-fientlig-plan-dokument")
    page.keyboard.press("Escape")

    open_tab(page, "Lagar")
    first_law = page.locator("#lagregister [data-testid='cell-0-0']")
    expect(first_law).not_to_be_empty()
    first_law.click()
    expect(page.locator("#lag-avsnitt .kalla mark").first).to_be_visible()
    assert_no_injected_markup(page)
    screenshot(page, "app-6c-lagar")


def test_feedback_is_saved_with_question_and_citations(page: Page, served: Served) -> None:
    open_app(page, served)
    ask(page, GUARANTEE_QUESTION)
    feedback = page.locator("#omdome")
    feedback.get_by_role("button", name="Var svaret till hjälp?").click()
    comment = "Tydligt svar, bra att garantierna citeras."
    feedback.get_by_label("Kommentar (valfri)").fill(comment)
    page.locator("#bra-svar").click()
    expect(feedback).to_contain_text("Tack! Ditt omdöme om svaret på fråga 1 är sparat.")
    expect(feedback.get_by_label("Kommentar (valfri)")).to_have_value("")
    screenshot(page, "app-7-omdome")

    lines = served.settings.feedback_file.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    record = next(r for r in records if r["comment"] == comment)
    assert record["rating"] == "up"
    assert record["question"] == GUARANTEE_QUESTION
    assert record["refused"] is False
    quotes = [c["quote"] for c in record["citations"]]
    assert all(any(g in q for q in quotes) for g in GUARANTEES), quotes
    assert {c["municipality"] for c in record["citations"]} == {"Norrtälje"}


# --- layout and filters that once failed ------------------------------------------------------


def test_sources_scroll_beside_the_answer(page: Page, served: Served) -> None:
    open_app(page, served)
    turn = ask(page, GUARANTEE_QUESTION)
    cards = page.locator("#kallor .kalla")
    page.locator("#kallor").hover()
    for _ in range(10):
        page.mouse.wheel(0, 600)
    screenshot(page, "app-8-kallor-rullas", full_page=False)
    expect(cards.last).to_be_in_viewport(timeout=5_000)
    # Opening a source scrolls the sources, not the page: the answer stays in view.
    marker = turn.locator("a.markor").first
    marker.click()
    target = (marker.get_attribute("href") or "#")[1:]
    expect(page.locator(f"#kallor [id='{target}']")).to_be_in_viewport()
    expect(marker).to_be_in_viewport(timeout=5_000)


def test_a_filter_on_a_removed_plan_does_not_break_the_next_question(
    page: Page, served: Served, tmp_path: Path
) -> None:
    plan = tmp_path / "ekero-uppdragsplan.txt"
    plan.write_text(
        "Socialnämndens uppdragsplan 2026\nEkerö kommun\n\nSocialnämnden i Ekerö kommun startar "
        "Öbussen, som kör äldre till vårdcentralen på Färingsö varje tisdag.\n",
        encoding="utf-8",
    )
    open_app(page, served)
    open_tab(page, "Dokument")
    page.locator("#uppladdning input[type=file]").set_input_files(plan)
    expect(page.locator("#meta-kommun").get_by_role("textbox")).to_have_value("Ekerö")
    page.locator("#las-in").click()
    expect(page.locator("#uppladdning-status")).to_contain_text("är inläst")

    open_tab(page, "Fråga")
    choose(
        page, page.get_by_role("combobox", name="Kommun eller region", exact=True), "Ekerö kommun"
    )
    open_tab(page, "Dokument")
    page.on("dialog", lambda dialog: dialog.accept())
    choose(
        page,
        page.locator("#ta-bort-val").get_by_role("combobox"),
        f"Socialnämndens uppdragsplan 2026 ({plan.name})",
    )
    page.locator("#ta-bort").click()
    expect(page.locator("#ta-bort-status")).to_contain_text("är borttagen")

    open_tab(page, "Fråga")
    page.locator("#fraga-text").get_by_role("textbox").fill("Vad är Öbussen?")
    page.locator("#fraga-knapp").click()
    screenshot(page, "app-9-borttagen-kommun-vald")
    expect(page.locator("#samtal .tur")).to_have_count(1, timeout=15_000)


# --- what the browser is sent ------------------------------------------------------------------


def event_stream(
    client: httpx.Client, url: str, session: str, api_name: str, data: list[Any]
) -> str:
    """Run one of the page's events in a browser session as the browser does (join the queue,
    read the server-sent events) and return everything it was sent, as text."""
    config = client.get(f"{url}config").json()
    event = next(d for d in config["dependencies"] if d["api_name"] == api_name)
    joined = {"data": data, "fn_index": event["id"], "session_hash": session, "trigger_id": None}
    client.post(f"{url}gradio_api/queue/join", json=joined).raise_for_status()
    lines = []
    params = {"session_hash": session}
    with client.stream("GET", f"{url}gradio_api/queue/data", params=params) as stream:
        for line in stream.iter_lines():
            lines.append(line)
            if '"process_completed"' in line:
                break
    return "\n".join(lines)


def send_file(
    client: httpx.Client, url: str, name: str, content: bytes, replaces: str = ""
) -> httpx.Response:
    """Upload a file as the page does: the body is the file, its name in a header."""
    headers = {"X-Filnamn": quote(name), "X-Ersatter": replaces}
    return client.post(f"{url}{UPLOAD_ROUTE.lstrip('/')}", content=content, headers=headers)


def staged(settings: Settings) -> set[str]:
    """The uploads waiting in the staging folder, by token."""
    folder = settings.staging_dir
    return {slot.name for slot in folder.iterdir()} if folder.is_dir() else set()


def audited(settings: Settings) -> list[AuditRecord]:
    return [r for f in sorted(settings.audit_dir.iterdir()) for r in read(f, AuditRecord)]


def test_no_server_path_is_sent_and_documents_go_by_id(served: Served) -> None:
    name = "tyreso-uppdragsplan.txt"
    plan = (
        "Socialnämndens uppdragsplan 2026\nTyresö kommun\n\nSocialnämnden i Tyresö kommun "
        "startar Bryggcaféet, en mötesplats för unga vuxna vid Tyresö strand.\n"
    )
    url, session, question = served.url, uuid.uuid4().hex, "Vad är Bryggcaféet?"
    with httpx.Client(timeout=120) as client:
        # Through the page's own route and events, as the browser uploads and adds a plan.
        first = send_file(client, url, "utkast.txt", b"Ett utkast")
        uploaded = send_file(client, url, name, plan.encode(), replaces=first.json()["token"])
        token = uploaded.json()["token"]
        sent = {
            "upload": first.text + uploaded.text,
            "page": client.get(url).text,
            "config": client.get(f"{url}config").text,
            "info": client.get(f"{url}gradio_api/info").text,
            "detect": event_stream(client, url, session, "detect", [token]),
            "unknown token": event_stream(client, url, session, "detect", ["x" * 43]),
            "path as token": event_stream(client, url, session, "detect", ["../uploads"]),
            "add": event_stream(client, url, session, "add", [token, "", "", "", "", ""]),
        }
        assert staged(served.settings).isdisjoint({token, first.json()["token"]})
        record = next(r for r in served.workspace.documents() if r.file == name)
        assert Path(record.path).parent == served.settings.uploads_dir.resolve()
        sent |= {
            # The page's load event: it offers the documents indexed since the page was built.
            "refresh": event_stream(client, url, session, "refresh", [ALL, ALL, ALL, [], []]),
            "ask": event_stream(client, url, session, "ask", [question, ALL, ALL, record.id, None]),
            "choice error": event_stream(
                client, url, session, "ask", [question, ALL, ALL, "x", None]
            ),
            "remove": event_stream(client, url, session, "remove", [record.id]),
        }
    folders = {
        served.settings.data_dir,
        served.settings.uploads_dir,
        served.settings.staging_dir,
        served.settings.app.example_plans,
        *(Path(r.path).parent for r in served.workspace.documents()),
        Path(record.path).parent,
        Path(tempfile.gettempdir()),
        Path(os.environ.get("GRADIO_TEMP_DIR") or Path(tempfile.gettempdir()) / "gradio"),
    }
    for folder in folders:
        for shown in {str(folder), str(folder.resolve())}:
            leaks = [what for what, text in sent.items() if shown in text]
            assert not leaks, f"{shown} is sent in {leaks}"
    assert uploaded.json() == {"token": token, "namn": name}
    assert "Tyresö" in sent["detect"] and "Läs in planen" in sent["detect"]
    assert UNKNOWN in sent["unknown token"] and UNKNOWN in sent["path as token"]
    assert f"{name}** är inläst" in sent["add"]
    assert record.id in sent["refresh"]
    assert "Bryggcaféet" in sent["ask"] and name in sent["ask"]
    [asked] = [r for r in audited(served.settings) if r.filters.get("document") == record.id]
    assert (asked.user, asked.question, asked.passages[0].file) == (None, None, name)
    assert "is not in the list of choices" in sent["choice error"]
    assert f"{name}** är borttagen" in sent["remove"]
    assert all(r.file != name for r in served.workspace.documents())
    assert not Path(record.path).exists()


def test_the_audit_log_names_the_basic_auth_user(served: Served, module_serve: Serve) -> None:
    url = module_serve(build_app(served.workspace), auth=("granskare", "hemligt"), **LOOK)
    session, sides = uuid.uuid4().hex, ["Norrköpings kommun", "Norrtälje kommun"]
    with httpx.Client(timeout=120) as client:
        login = {"username": "granskare", "password": "hemligt"}
        client.post(f"{url}login", data=login).raise_for_status()
        event_stream(client, url, session, "refresh", [ALL, ALL, ALL, [], []])
        event_stream(client, url, session, "compare", ["Vad prioriteras?", sides, []])
    last = audited(served.settings)[-1]
    assert (last.kind, last.user, last.channel) == ("comparison", "granskare", "app")
    assert last.filters == {"sides": " | ".join(sides)}


def test_the_upload_route_needs_the_login_and_gradios_own_is_refused(
    served: Served, module_serve: Serve
) -> None:
    url = module_serve(build_app(served.workspace), auth=("granskare", "hemligt"), **LOOK)
    before = staged(served.settings)
    with httpx.Client(timeout=120) as client:
        refused = send_file(client, url, "plan.txt", "Socialnämnden".encode())
        assert refused.status_code == 401
        assert staged(served.settings) == before
        login = {"username": "granskare", "password": "hemligt"}
        client.post(f"{url}login", data=login).raise_for_status()
        taken = send_file(client, url, "plan.txt", "Socialnämnden".encode())
        assert taken.status_code == 200 and taken.json()["namn"] == "plan.txt"
        assert staged(served.settings) == before | {taken.json()["token"]}
        # Gradio's upload route would answer with its temporary path: no component uses it.
        gradios = client.post(f"{url}gradio_api/upload", files={"files": ("a.txt", b"a")})
        assert gradios.status_code == 404
        assert tempfile.gettempdir() not in gradios.text
        assert send_file(client, url, "plan.txt", b"x", replaces=taken.json()["token"]).is_success
    assert taken.json()["token"] not in staged(served.settings)  # replaced by the newer upload


def test_the_upload_route_refuses_a_file_over_the_limit_or_a_name_with_a_path(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(served.settings.app, "max_upload_mb", 1)
    before = staged(served.settings)
    with httpx.Client(timeout=120) as client:
        large = send_file(client, served.url, "stor-plan.pdf", bytes(1_500_000))
        named = send_file(client, served.url, "../../plan.txt", "Socialnämnden".encode())
    assert large.status_code == 413
    assert large.json() == {
        "fel": "stor-plan.pdf: filen är 1.5 MB; den största som tas emot är 1 MB."
    }
    assert named.status_code == 400
    assert named.json()["fel"].startswith("'../../plan.txt': ett filnamn får inte innehålla /")
    assert staged(served.settings) == before
