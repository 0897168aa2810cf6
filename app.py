"""The web app (`python app.py`). For now a minimal search page; the full workspace comes later.

At start, an empty index gets the bundled example plans, so a new install has something to show.
"""

from __future__ import annotations

import logging

from assistant.cli import configure_runtime, open_index

configure_runtime()

import gradio as gr  # noqa: E402  (after the offline environment is set)

from index.builder import ingest_paths  # noqa: E402
from index.plan_index import PlanIndex  # noqa: E402
from settings import Settings, get_settings  # noqa: E402

logger = logging.getLogger("planassistent.app")
RESULT_COLUMNS = ["#", "Kommun", "År", "Dokument", "Avsnitt", "Sida", "Text"]


def ensure_examples(index: PlanIndex, settings: Settings) -> None:
    if index.documents() or not settings.app.example_plans.is_dir():
        return
    logger.warning("Indexet är tomt: läser in exempelplanerna i %s", settings.app.example_plans)
    report = ingest_paths(index, [settings.app.example_plans], settings.ingest)
    logger.warning(report.summary())


def build_app(index: PlanIndex, settings: Settings) -> gr.Blocks:
    def search(query: str) -> list[list[object]]:
        if not query.strip():
            return []
        hits = index.search(query, k=settings.search.k)
        return [
            [
                hit.rank,
                hit.chunk.municipality or "",
                hit.chunk.year or "",
                hit.chunk.title,
                hit.chunk.section_path,
                hit.chunk.page or "",
                hit.chunk.text,
            ]
            for hit in hits
        ]

    with gr.Blocks(title="Planassistenten") as app:
        gr.Markdown("# Planassistenten\nSök i de inlästa planerna. Varje träff visar var den står.")
        query = gr.Textbox(label="Sökfråga", placeholder="t.ex. tjänstegarantier försörjningsstöd")
        button = gr.Button("Sök", variant="primary")
        results = gr.Dataframe(headers=RESULT_COLUMNS, label="Träffar", wrap=True)
        button.click(search, inputs=query, outputs=results)
        query.submit(search, inputs=query, outputs=results)
    return app


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()
    index = open_index(settings)
    ensure_examples(index, settings)
    auth = None
    if settings.app.auth:
        user, _, password = settings.app.auth.partition(":")
        auth = (user, password)
    build_app(index, settings).launch(
        server_name=settings.app.host, server_port=settings.app.port, auth=auth
    )


if __name__ == "__main__":
    main()
