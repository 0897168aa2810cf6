"""The process environment every entry point (command line, app, benchmarks) sets first."""

from __future__ import annotations

import os


def configure_runtime() -> None:
    """Offline, and no idle-spinning OpenMP threads (they make a query take seconds)."""
    for name, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "OMP_WAIT_POLICY": "PASSIVE",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
    }.items():
        os.environ.setdefault(name, value)
