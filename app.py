"""The web app (`python app.py`): ask, compare, look up laws and manage the plans, in Swedish.

The page is built here; what it shows comes from `assistant.workspace` (the data) and
`assistant.render` (the HTML, every plan text escaped). At start an empty index gets the bundled
example plans, and the embedding model and the index are loaded before the page is served, so the
first question is answered as fast as any other.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import unquote

from assistant.runtime import configure_runtime

configure_runtime()
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import fastapi  # noqa: E402
import gradio as gr  # noqa: E402  (after the offline environment is set)
from fastapi.responses import JSONResponse, PlainTextResponse  # noqa: E402
from fastapi.routing import APIRoute  # noqa: E402
from gradio.route_utils import API_PREFIX  # noqa: E402
from starlette.middleware import Middleware  # noqa: E402
from starlette.requests import ClientDisconnect  # noqa: E402
from starlette.types import ASGIApp, Receive, Scope, Send  # noqa: E402

from assistant import render  # noqa: E402
from assistant.composition import build_workspace, open_index  # noqa: E402
from assistant.law_register import LawEntry, search_register  # noqa: E402
from assistant.live import Preview, follow  # noqa: E402
from assistant.uploads import (  # noqa: E402
    CHOOSER_HTML,
    CHOOSER_JS,
    StagedUploads,
    UploadRefused,
    too_large,
)
from assistant.workspace import (  # noqa: E402
    Filters,
    Turn,
    Workspace,
    comparison_sides,
    preview_turn,
)
from index.builder import ingest_paths  # noqa: E402
from index.plan_index import PlanIndex  # noqa: E402
from index.writer_lock import IndexBusy  # noqa: E402
from ingest.document import DocumentMeta, IngestError  # noqa: E402
from ingest.metadata import MetaOverrides  # noqa: E402
from settings import Settings, get_settings  # noqa: E402

logger = logging.getLogger("planassistent.app")

EXAMPLES = {
    "Handläggare": [
        "Vilka tjänstegarantier gäller för försörjningsstöd?",
        "Hur ska barns rätt till delaktighet säkerställas i utredningar?",
    ],
    "Politiker": [
        "Vad prioriterar Norrköping respektive Norrtälje när det gäller våld i nära relationer?",
        "Vilka mål har socialnämnden i Söderköping för 2025?",
    ],
    "Jurist": [
        "Enligt vilken lag ansvarar nämnden för serveringstillstånd?",
        "Vilka lagar ansvarar socialnämnden i Norrtälje för?",
    ],
}
ALL = ""  # the value of "no filter" in every dropdown
DOCUMENT_COLUMNS = ["Titel", "Organisation", "Nämnd", "Dokumenttyp", "År", "Textavsnitt", "Fil"]
LAW_COLUMNS = ["Lag eller föreskrift", "SFS-nummer", "Förkortning", "Planer", "Avsnitt"]
THEME = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["monospace"])
CSS = """
.tom { color: #666; font-style: italic; padding: 1em; }
.tur { margin-bottom: 1.2em; }
.fraga { background: #eef3fb; border-radius: 8px; padding: .6em .8em; font-weight: 600; }
.vem { color: #4a6fa5; margin-right: .4em; }
.tolkning { color: #666; font-size: .9em; margin: .3em .8em; }
.svar { border-left: 4px solid #2e7d32; padding: .4em .8em; margin-top: .4em; }
.svar.avbojt { border-left-color: #b26a00; background: #fff8e6; }
.etikett { display: inline-block; background: #b26a00; color: #fff; border-radius: 4px;
  padding: 0 .5em; font-size: .85em; margin-bottom: .3em; }
.markor { font-weight: 700; text-decoration: none; padding: 0 .15em; }
.narmast-lista { margin-top: .5em; font-size: .9em; }
.kalla { border: 1px solid #ddd; border-radius: 8px; padding: .6em .8em; margin: .6em 0;
  scroll-margin-top: 1em; }
.kalla:target { border-color: #1565c0; box-shadow: 0 0 0 3px #90caf9; }
.kalla.narmast { border-style: dashed; background: #fafafa; }
.kalla-rubrik { font-weight: 600; }
.kalla-rubrik .nr { color: #1565c0; margin-right: .3em; }
.fakta { display: grid; grid-template-columns: max-content 1fr; gap: 0 .8em; margin: .4em 0;
  font-size: .9em; }
.fakta dt { color: #666; }
/* !important: Gradio sets an inline overflow on every block. */
#kallor { max-height: 85vh; overflow-y: auto !important; position: sticky; top: .5em; }
.sammanhang { white-space: pre-wrap; margin: .4em 0;
  padding: .4em .6em; border-left: 3px solid #ccc; color: #444; font-size: .92em; }
.sammanhang mark { background: #fff176; color: #000; }
.fil { color: #888; font-size: .8em; }
.jamforelse { width: 100%; border-collapse: collapse; table-layout: fixed; }
.jamforelse th, .jamforelse td { border: 1px solid #ddd; padding: .5em; vertical-align: top;
  text-align: left; }
.jamforelse td.tyst { color: #8a5a00; background: #fff8e6; font-style: italic; }
.svarstabell { border-collapse: collapse; margin: .3em 0 .6em; }
.svarstabell th, .svarstabell td { border: 1px solid #ddd; padding: .25em .6em; text-align: right; }
.svarstabell th:first-child, .svarstabell td:first-child { text-align: left; }
.tabellhuvud { color: #555; font-size: .85em; margin: -.2em 0 .4em; }
#uppladdning { border: 1px solid var(--border-color-primary); border-radius: var(--block-radius);
  padding: .6em .8em; }
#uppladdning .planfil { display: block; font-weight: 600; }
#uppladdning .besked { color: #8a5a00; min-height: 1.2em; margin: .3em 0; }
"""
#: How the page looks (Gradio 6 takes these at launch); the browser tests serve it the same way.
LOOK: dict[str, Any] = {"theme": THEME, "css": CSS}
#: Questions and comparisons share one queue that answers two at a time, over all sessions (the
#: workspace is safe to call from several worker threads). With Gradio's default, one at a time,
#: 20 users × 10 questions on 2 cores (`benchmarks/load.py`) waited p50 2.2–2.5 s, p95 3.4 s; two
#: at a time p50 1.6 s, p95 2.3 s, with the same answers; three or four gained nothing more.
ANSWERING: dict[str, Any] = {"concurrency_limit": 2, "concurrency_id": "answer"}
#: Said with every refused upload or removal: this app stays a reader until it is restarted.
READ_ONLY = (
    "Appen startade medan den andra processen skrev i indexet och svarar därför bara på frågor: "
    "starta om appen när den processen är klar."
)


#: Where the page sends a chosen file: the answer is a token for it, never where it is kept.
UPLOAD_ROUTE = "/planassistent/uppladdning"


class Page(gr.Blocks):
    """The page, with the routes it needs on the server that `launch()` builds.

    Gradio 6 has no public way to add a route to that server: `mount_gradio_app` wants a server of
    our own (and the tests and the benchmark launch the Blocks), `launch(_app=…)` is private, and
    `blocks.app` exists only once the server already runs. But launch hands `app_kwargs` to
    FastAPI and chains a `lifespan` given there into its own, and that runs as the server starts,
    before it answers any request. So every launch of a Page adds the routes there (gr.Interface
    and gr.ChatInterface are Blocks subclasses too)."""

    def __init__(self, serve: Callable[[fastapi.FastAPI], None], **options: Any) -> None:
        super().__init__(**options)
        self._serve = serve

    def launch(self, *args: Any, **options: Any) -> Any:
        app_kwargs = dict(options.pop("app_kwargs", None) or {})
        given = app_kwargs.get("lifespan")

        @asynccontextmanager
        async def lifespan(server: fastapi.FastAPI) -> AsyncIterator[Any]:
            self._serve(server)
            if given is None:
                yield None
            else:
                async with given(server) as state:
                    yield state

        app_kwargs["lifespan"] = lifespan
        app_kwargs["middleware"] = [
            *app_kwargs.get("middleware", []),
            Middleware(RefuseGradioUploads),
        ]
        return super().launch(*args, app_kwargs=app_kwargs, **options)


def _route_named(routes: list[Any], name: str) -> APIRoute | None:
    """A route of the server by its endpoint's name, also among included routers (FastAPI 0.16x
    keeps an included router whole) and mounts."""
    for route in routes:
        if isinstance(route, APIRoute) and route.name == name:
            return route
        inner = getattr(getattr(route, "original_router", route), "routes", None)
        found = _route_named(inner, name) if inner else None
        if found is not None:
            return found
    return None


class RefuseGradioUploads:
    """Answers Gradio's own upload route with 404: it tells the browser where Gradio keeps the
    file, and no component of this page uses it (the page sends files to UPLOAD_ROUTE). A
    middleware, so Gradio's route table is left as Gradio made it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].rstrip("/").endswith(f"{API_PREFIX}/upload"):
            await PlainTextResponse("Not Found", status_code=404)(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def become_writer(index: PlanIndex) -> bool:
    """Make the app its index's writer for its whole life. If another process writes to the
    index, the app still answers questions (readers are never blocked) but refuses uploads and
    removals until restarted: what it read at start may be outdated by that process."""
    try:
        index.claim_writing()
    except IndexBusy as busy:
        logger.warning("%s %s", busy, READ_ONLY)
        return False
    return True


def ensure_examples(index: PlanIndex, settings: Settings) -> None:
    if index.documents() or not settings.app.example_plans.is_dir():
        return
    logger.warning("Indexet är tomt: läser in exempelplanerna i %s", settings.app.example_plans)
    report = ingest_paths(index, [settings.app.example_plans], settings.ingest)
    logger.warning(report.summary())


# --- choices that follow the indexed documents -------------------------------------------------


def _organisation_choices(workspace: Workspace) -> list[tuple[str, str]]:
    return [("Alla kommuner och regioner", ALL), *((name, name) for name in workspace.indexed())]


def _year_choices(workspace: Workspace) -> list[tuple[str, str]]:
    years = sorted({year for years in workspace.indexed().values() for year in years})
    return [("Alla år", ALL), *((str(year), str(year)) for year in years)]


def _document_choices(workspace: Workspace) -> list[tuple[str, str]]:
    return [("Alla dokument", ALL), *_documents(workspace)]


def _documents(workspace: Workspace) -> list[tuple[str, str]]:
    """Each document's label and value: its id, since a path would tell the browser where the
    server keeps its files."""
    return [(f"{r.title} ({r.file})", r.id) for r in workspace.documents()]


def _document_rows(workspace: Workspace) -> list[list[Any]]:
    return [
        [r.title, r.organisation, r.committee, r.doc_type, r.year, len(r.chunk_ids), r.file]
        for r in workspace.documents()
    ]


def _still_offered(choices: list[tuple[str, str]], value: str | None) -> Any:
    """New choices for a filter; its value is kept if it is still one of them, else "all"."""
    kept = value if value in {v for _, v in choices} else ALL
    return gr.update(choices=choices, value=kept)


def _law_rows(entries: list[LawEntry]) -> list[list[Any]]:
    return [
        [e.name, ", ".join(e.sfs), ", ".join(e.abbreviations), ", ".join(e.plans), len(e.passages)]
        for e in entries
    ]


# --- the tabs ------------------------------------------------------------------------------


class App:
    """The page's components, and the handlers that connect them to the workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.staging = StagedUploads(workspace.settings.staging_dir)
        self.staging.clean()

    def build(self) -> gr.Blocks:
        with Page(self.serve, title="Planassistenten", analytics_enabled=False) as blocks:
            gr.Markdown(
                "# Planassistenten\nSvar på frågor om kommunernas antagna planer. Varje svar "
                "citerar avsnittet det bygger på; säger planerna inget, säger assistenten det."
            )
            with gr.Tabs():
                with gr.Tab("Fråga", id="fraga"):
                    self._question_tab()
                with gr.Tab("Jämför", id="jamfor"):
                    self._compare_tab()
                with gr.Tab("Lagar", id="lagar"):
                    self._laws_tab()
                with gr.Tab("Dokument", id="dokument"):
                    self._documents_tab()
            self._refreshed = [
                self.organisation,
                self.year,
                self.document,
                self.compare_municipalities,
                self.compare_years,
                self.law_table,
                self.law_keys,
                self.document_table,
                self.removable,
            ]
            # The filters' current values go in: a value whose plan is gone is reset.
            chosen = self._refreshed[:5]
            blocks.load(self.refresh, chosen, self._refreshed)
            self.after_change.then(self.refresh, chosen, self._refreshed)
            self.after_removal.then(self.refresh, chosen, self._refreshed)
            if self.workspace.shared:
                self._follow_other_processes(chosen)
        return blocks

    def _follow_other_processes(self, chosen: list[Any]) -> None:
        """On a shared index an open page shows the plans that other app processes add or remove,
        as soon as this process has noticed them (`chroma.refresh_seconds`)."""
        shown = gr.State(self.workspace.generation())
        timer = gr.Timer(self.workspace.settings.chroma.refresh_seconds)
        timer.tick(self.follow, [shown, *chosen], [shown, *self._refreshed], show_progress="hidden")

    def follow(self, shown: int, *chosen: Any) -> tuple[Any, ...]:
        """New choices if the index changed since the page last showed it; else nothing sent."""
        current = self.workspace.generation()
        if current == shown:
            return (shown, *[gr.skip()] * len(self._refreshed))
        return (current, *self.refresh(*chosen))

    def refresh(
        self,
        organisation: str | None,
        year: str | None,
        document: str | None,
        compared: list[str] | None,
        compared_years: list[int] | None,
    ) -> tuple[Any, ...]:
        """New choices everywhere, after the indexed documents changed (or a page load); a chosen
        value that is no longer offered is dropped."""
        w = self.workspace
        organisation_choices, year_choices = _organisation_choices(w), _year_choices(w)
        organisations = [name for _, name in organisation_choices[1:]]
        years = [int(value) for _, value in year_choices[1:]]
        laws = w.laws()
        return (
            _still_offered(organisation_choices, organisation),
            _still_offered(year_choices, year),
            _still_offered(_document_choices(w), document),
            gr.update(
                choices=organisations, value=[m for m in compared or [] if m in organisations]
            ),
            gr.update(choices=years, value=[y for y in compared_years or [] if y in years]),
            _law_rows(laws),
            [entry.key for entry in laws],
            _document_rows(w),
            gr.update(choices=_documents(w), value=None),
        )

    # --- Fråga ---------------------------------------------------------------------------------

    def _question_tab(self) -> None:
        turns = gr.State([])
        with gr.Row():
            w = self.workspace
            self.organisation = gr.Dropdown(
                _organisation_choices(w),
                value=ALL,
                label="Kommun eller region",
                elem_id="filter-kommun",
            )
            self.year = gr.Dropdown(_year_choices(w), value=ALL, label="År", elem_id="filter-ar")
            self.document = gr.Dropdown(
                _document_choices(w), value=ALL, label="Dokument", elem_id="filter-dokument"
            )
        with gr.Row():
            with gr.Column(scale=3):
                conversation = gr.HTML(render.conversation_html([], "fraga"), elem_id="samtal")
                question = gr.Textbox(
                    label="Din fråga",
                    placeholder="t.ex. Vilka tjänstegarantier gäller för försörjningsstöd?",
                    elem_id="fraga-text",
                )
                with gr.Row():
                    ask = gr.Button("Fråga", variant="primary", elem_id="fraga-knapp")
                    clear = gr.Button("Ny konversation", elem_id="ny-konversation")
                for persona, questions in EXAMPLES.items():
                    gr.Examples(questions, inputs=question, label=f"Exempel för {persona.lower()}")
                with gr.Accordion("Var svaret till hjälp?", open=False, elem_id="omdome"):
                    comment = gr.Textbox(label="Kommentar (valfri)", lines=2)
                    with gr.Row():
                        good = gr.Button("👍 Bra svar", elem_id="bra-svar")
                        bad = gr.Button("👎 Dåligt svar", elem_id="daligt-svar")
                    feedback_status = gr.Markdown()
            with gr.Column(scale=2):
                sources = gr.HTML(
                    render.sources_html([], self.workspace.context, "fraga"), elem_id="kallor"
                )

        asked = [question, self.organisation, self.year, self.document, turns]
        answered = [conversation, sources, turns, question]
        ask.click(self.ask, asked, answered, **ANSWERING)
        question.submit(self.ask, asked, answered, **ANSWERING)
        clear.click(self.clear, None, answered)
        good.click(self.rate("up"), [comment, turns], [feedback_status, comment])
        bad.click(self.rate("down"), [comment, turns], [feedback_status, comment])

    def ask(
        self,
        question: str,
        organisation: str,
        year: str,
        document: str,
        turns: list[Turn],
        request: gr.Request,
    ) -> Iterator[tuple[str, str, list[Turn], str]]:
        """The answer; a streaming answerer's passages and text are shown as they come, then
        replaced by the verified answer."""
        if not question.strip():
            raise gr.Error("Skriv en fråga först.")
        filters = Filters(organisation or None, int(year) if year else None, document or None)
        previous = turns[-1] if turns else None
        user = request.username  # the basic-auth user, for the audit log; None without auth
        if not self.workspace.streams:
            turn = self.workspace.ask(question, filters, previous, user=user)
            yield self._shown([*turns, turn], "")
            return
        for step in follow(
            lambda heard: self.workspace.ask(question, filters, previous, heard, user)
        ):
            if isinstance(step, Preview):
                shown = preview_turn(question, filters, previous, step.text, step.passages)
                yield self._shown([*turns, shown], question)
            else:
                yield self._shown([*turns, step], "")

    def _shown(self, turns: list[Turn], question: str) -> tuple[str, str, list[Turn], str]:
        """The conversation, its sources, the turns kept (a preview is not kept) and the question
        box's text."""
        kept = [turn for turn in turns if not turn.writing]
        return (
            render.conversation_html(turns, "fraga"),
            render.sources_html(turns, self.workspace.context, "fraga"),
            kept,
            question,
        )

    def clear(self) -> tuple[str, str, list[Turn], str]:
        return (
            render.conversation_html([], "fraga"),
            render.sources_html([], self.workspace.context, "fraga"),
            [],
            "",
        )

    def rate(self, rating: str) -> Callable[[str, list[Turn]], tuple[str, str]]:
        def give(comment: str, turns: list[Turn]) -> tuple[str, str]:
            if not turns:
                return "Ställ en fråga först; omdömet gäller det senaste svaret.", comment
            self.workspace.give_feedback(turns[-1], rating, comment)
            return f"Tack! Ditt omdöme om svaret på fråga {len(turns)} är sparat.", ""

        return give

    # --- Jämför --------------------------------------------------------------------------------

    def _compare_tab(self) -> None:
        gr.Markdown(
            "Välj två eller fler kommuner – eller två eller fler år – och ställ frågan en gång. "
            "Varje ruta citerar sin plan eller säger att planen inte tar upp frågan."
        )
        with gr.Row():
            self.compare_municipalities = gr.CheckboxGroup(
                label="Kommuner och regioner", elem_id="jamfor-kommuner"
            )
            self.compare_years = gr.CheckboxGroup(label="År", elem_id="jamfor-ar")
        question = gr.Textbox(
            label="Fråga att jämföra",
            placeholder="t.ex. Vad prioriteras när det gäller våld i nära relationer?",
            elem_id="jamfor-text",
        )
        run = gr.Button("Jämför", variant="primary", elem_id="jamfor-knapp")
        table = gr.HTML(elem_id="jamforelse")
        sources = gr.HTML(elem_id="jamfor-kallor")
        inputs = [question, self.compare_municipalities, self.compare_years]
        run.click(self.compare, inputs, [table, sources], **ANSWERING)
        question.submit(self.compare, inputs, [table, sources], **ANSWERING)

    def compare(
        self, question: str, municipalities: list[str], years: list[int], request: gr.Request
    ) -> tuple[str, str]:
        if not question.strip():
            raise gr.Error("Skriv en fråga att jämföra.")
        try:
            sides = comparison_sides(municipalities, [int(y) for y in years])
        except ValueError as error:
            raise gr.Error(str(error)) from error
        turns = [self.workspace.compare(question, sides, request.username)]
        return (
            render.conversation_html(turns, "jamfor"),
            render.sources_html(turns, self.workspace.context, "jamfor"),
        )

    # --- Lagar ---------------------------------------------------------------------------------

    def _laws_tab(self) -> None:
        gr.Markdown(
            "Alla lagar och föreskrifter som de inlästa planerna hänvisar till. "
            "Klicka på en rad för att se avsnitten som nämner den."
        )
        search = gr.Textbox(label="Sök lag, SFS-nummer eller förkortning", elem_id="lag-sok")
        self.law_keys = gr.State([])
        self.law_table = gr.Dataframe(
            headers=LAW_COLUMNS, interactive=False, wrap=True, elem_id="lagregister"
        )
        passages = gr.HTML(elem_id="lag-avsnitt")
        search.change(self.search_laws, search, [self.law_table, self.law_keys])
        self.law_table.select(self.open_law, self.law_keys, passages)

    def search_laws(self, query: str) -> tuple[list[list[Any]], list[str]]:
        found = search_register(self.workspace.laws(), query)
        return _law_rows(found), [entry.key for entry in found]

    def open_law(self, keys: list[str], event: gr.SelectData) -> str:
        row = event.index[0] if isinstance(event.index, list | tuple) else event.index
        entry = next((e for e in self.workspace.laws() if e.key == keys[row]), None)
        if entry is None:
            return '<div class="tom">Lagen finns inte längre i de inlästa planerna.</div>'
        return render.law_passages_html(entry)

    # --- Dokument ------------------------------------------------------------------------------

    def _documents_tab(self) -> None:
        self.document_table = gr.Dataframe(
            headers=DOCUMENT_COLUMNS,
            interactive=False,
            wrap=True,
            column_widths=["30%", "10%", "12%", "12%", "6%", "10%", "20%"],
            elem_id="dokumentlista",
        )
        refused = self.workspace.read_only_reason()
        if refused:
            gr.Markdown(
                f"**Planer kan inte läsas in eller tas bort:** {refused} {READ_ONLY}",
                elem_id="bara-lasning",
            )
        with gr.Row():
            with gr.Column():
                gr.Markdown("### Ladda upp en plan\nPDF, DOCX, TXT, Markdown eller HTML.")
                # No accept= on the input: detect() says why another type is not read, in
                # Swedish, naming the types it reads.
                limit = self.workspace.settings.app.max_upload_mb
                chooser = gr.HTML(
                    "",
                    html_template=CHOOSER_HTML,
                    js_on_load=CHOOSER_JS,
                    elem_id="uppladdning",
                    route=UPLOAD_ROUTE.lstrip("/"),
                    limit_bytes=limit * 1_000_000,
                    too_large=too_large("{namn}", limit, "{mb}"),
                    not_logged_in="Du är inte inloggad längre: ladda om sidan och logga in.",
                    failed="Filen kom inte fram till servern: försök igen.",
                )
                title = gr.Textbox(label="Titel", elem_id="meta-titel")
                with gr.Row():
                    municipality = gr.Textbox(label="Kommun", elem_id="meta-kommun")
                    committee = gr.Textbox(label="Nämnd", elem_id="meta-namnd")
                with gr.Row():
                    doc_type = gr.Textbox(label="Dokumenttyp", elem_id="meta-typ")
                    year = gr.Textbox(label="År", elem_id="meta-ar")
                add = gr.Button(
                    "Läs in planen", variant="primary", interactive=False, elem_id="las-in"
                )
                status = gr.Markdown(elem_id="uppladdning-status")
            with gr.Column():
                gr.Markdown("### Ta bort en plan")
                self.removable = gr.Dropdown(label="Plan", elem_id="ta-bort-val")
                remove = gr.Button("Ta bort planen", variant="stop", elem_id="ta-bort")
                removal_status = gr.Markdown(elem_id="ta-bort-status")
        fields = [title, municipality, committee, doc_type, year]
        chooser.input(self.detect, chooser, [*fields, add, status])
        self.after_change = add.click(self.add, [chooser, *fields], [status, chooser, add])
        self.after_removal = remove.click(
            self.remove,
            self.removable,
            removal_status,
            js="(id) => (id && confirm('Ta bort planen ur indexet?')) ? id : ''",
        )

    def serve(self, server: fastapi.FastAPI) -> None:
        """The page's route on its server: UPLOAD_ROUTE, behind Gradio's own login check, the
        one before every event (a server without it is never started)."""
        login_check = _route_named(server.router.routes, "login_check")
        if login_check is None:
            raise RuntimeError("Gradio's login check was not found: the upload route is off")
        server.add_api_route(
            UPLOAD_ROUTE,
            self.receive,
            methods=["POST"],
            dependencies=[fastapi.Depends(login_check.endpoint)],
            include_in_schema=False,
        )

    async def receive(self, request: fastapi.Request) -> JSONResponse:
        """Keep the file in the body (its name in the X-Filnamn header, percent-encoded) and
        answer with its token and name, or with why it is refused; an upload it replaces (the
        X-Ersatter header) is deleted."""
        name = unquote(request.headers.get("x-filnamn", ""))
        size = request.headers.get("content-length", "")
        limit = self.workspace.settings.app.max_upload_mb
        try:
            staged = await self.staging.receive_from(
                request.stream(), name, int(size) if size.isdigit() else None, limit
            )
        except UploadRefused as refused:
            return JSONResponse({"fel": str(refused)}, status_code=refused.status)
        except ClientDisconnect:
            return JSONResponse({}, status_code=400)  # nobody is left to read it
        finally:
            self.staging.discard(request.headers.get("x-ersatter"))
        return JSONResponse({"token": staged.token, "namn": staged.name})

    def detect(self, token: str | None) -> tuple[Any, ...]:
        """The metadata found in the uploaded file the token stands for, for the user to check."""
        if not token:
            return "", "", "", "", "", gr.update(interactive=False), ""
        refused = self.workspace.read_only_reason()
        if refused:
            failed = f"**Planen kan inte läsas in:** {refused} {READ_ONLY}"
            return "", "", "", "", "", gr.update(interactive=False), failed
        try:
            meta = self.workspace.detect(self.staging.path(token))
        except (IngestError, UploadRefused) as error:
            failed = f"**Filen kan inte läsas in:** {error}"
            return "", "", "", "", "", gr.update(interactive=False), failed
        return (
            *_meta_fields(meta),
            gr.update(interactive=True),
            "Kontrollera uppgifterna som hittades i texten, rätta dem vid behov och klicka "
            "sedan på **Läs in planen**.",
        )

    def add(
        self,
        token: str | None,
        title: str,
        municipality: str,
        committee: str,
        doc_type: str,
        year: str,
        progress: gr.Progress = gr.Progress(),  # noqa: B008  (how Gradio finds the bar)
    ) -> tuple[str, Any, Any]:
        """Index the uploaded file the token stands for. The file leaves the staging folder
        whatever comes of it, unless a field only needs correcting."""
        if not token:
            raise gr.Error("Välj en fil att ladda upp först.")
        done = ("", gr.update(interactive=False))  # the chooser emptied, the button off
        try:
            path = self.staging.path(token)
            detected = self.workspace.detect(path)
        except (UploadRefused, IngestError) as error:
            self.staging.discard(token)
            return f"**Planen lästes inte in:** {error}", *done
        try:
            overrides = _changed_fields(detected, title, municipality, committee, doc_type, year)
        except ValueError as error:
            return f"**Planen lästes inte in:** {error}", gr.update(), gr.update()
        progress(0, desc="Läser in och bäddar in texten …")
        try:
            report = self.workspace.add_upload(
                path, overrides, lambda share: progress(share, desc="Bäddar in texten …")
            )
        except IndexBusy as busy:
            return f"**Planen lästes inte in:** {busy} {READ_ONLY}", *done
        finally:
            self.staging.discard(token)
        if report.failed:
            return f"**Planen lästes inte in:** {report.failed[0]}", *done
        if report.unchanged:
            return f"{path.name} finns redan inläst, oförändrad.", *done
        return (
            f"**{path.name}** är inläst: {report.chunks} textavsnitt på {report.seconds:.1f} s.",
            *done,
        )

    def remove(self, document_id: str | None) -> str:
        if not document_id:
            return "Ingen plan togs bort."
        try:
            removed = self.workspace.remove(document_id)
        except IndexBusy as busy:
            return f"**Planen togs inte bort:** {busy} {READ_ONLY}"
        if removed is None:
            return "Planen fanns inte längre i indexet."
        return f"**{removed.file}** är borttagen ur indexet."


def _meta_fields(meta: DocumentMeta) -> tuple[str, str, str, str, str]:
    return (
        meta.title,
        meta.municipality or "",
        meta.committee or "",
        meta.doc_type or "",
        str(meta.year) if meta.year else "",
    )


def _changed_fields(
    detected: DocumentMeta, title: str, municipality: str, committee: str, doc_type: str, year: str
) -> MetaOverrides:
    """Only what the user changed: an unchanged detected title is composed again from the parts."""
    written = (title, municipality, committee, doc_type, year)
    if year.strip() and not year.strip().isdigit():
        raise ValueError(f"året måste vara ett årtal, inte {year!r}")
    names = ("title", "municipality", "committee", "doc_type", "year")
    changed = {
        name: value.strip()
        for name, value, before in zip(names, written, _meta_fields(detected), strict=True)
        if value.strip() and value.strip() != before
    }
    return MetaOverrides.model_validate(changed)


def build_app(workspace: Workspace) -> gr.Blocks:
    return App(workspace).build()


def launch(blocks: gr.Blocks, settings: Settings, **options: Any) -> None:
    auth = None
    if settings.app.auth:
        user, _, password = settings.app.auth.partition(":")
        auth = (user, password)
    blocks.launch(
        server_name=settings.app.host,
        server_port=settings.app.port,
        auth=auth,
        **LOOK,
        **options,
    )


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    # Their every index build and HTTP request is not news to whoever runs the app.
    for chatty in ("bm25s", "httpx"):
        logging.getLogger(chatty).setLevel(logging.WARNING)
    settings = get_settings()
    index = open_index(settings)
    if become_writer(index):
        ensure_examples(index, settings)
    workspace = build_workspace(settings, index=index)
    # Before serving, not beside it: on two cores a warm-up thread slowed both down (the page came
    # 3 s later and the first answer no sooner), and a served page should answer at once.
    workspace.warm_up()
    launch(build_app(workspace), settings)


if __name__ == "__main__":
    main()
