"""The one place the object graph is built from `Settings`: the index, the embedder it loads when
it must, the answerer, the assistant, the app's workspace and the audit log. The app, the command
line, the eval and the tests all build through here; a test passes a fake embedder or answerer.
"""

from __future__ import annotations

from assistant.answerers.base import Answerer
from assistant.answerers.registry import make_answerer
from assistant.audit import AuditLog
from assistant.service import Assistant
from assistant.workspace import Workspace
from index.embedding import Embedder, load_embedder
from index.plan_index import PlanIndex
from settings import Settings


def open_index(settings: Settings, embedder: Embedder | None = None) -> PlanIndex:
    """The plan index; the configured embedding model is loaded only when text must be embedded."""
    if embedder is not None:
        given = embedder
        return PlanIndex.open(settings, lambda: given)
    return PlanIndex.open(
        settings, lambda: load_embedder(settings.embedding, settings.model_cache_dir)
    )


def build_assistant(
    settings: Settings,
    *,
    index: PlanIndex | None = None,
    embedder: Embedder | None = None,
    answerer: Answerer | None = None,
) -> Assistant:
    """The assistant over ``index`` (default: the configured one), answering with ``answerer``
    (default: the one the `answer.answerer` setting names); the extractive answerer is always
    its fallback."""
    index = index or open_index(settings, embedder)
    configured, fallback = make_answerer(settings, index.chunk)
    return Assistant(settings, index, answerer or configured, fallback)


def build_workspace(
    settings: Settings,
    *,
    index: PlanIndex | None = None,
    embedder: Embedder | None = None,
    answerer: Answerer | None = None,
) -> Workspace:
    """What the web app works with, over the assistant `build_assistant` makes."""
    assistant = build_assistant(settings, index=index, embedder=embedder, answerer=answerer)
    return Workspace(settings, assistant, open_audit_log(settings))


def open_audit_log(settings: Settings) -> AuditLog:
    """The audit log that the app and the command line's `ask` append to."""
    return AuditLog(settings.audit_dir, settings.audit)
