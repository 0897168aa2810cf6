"""Swedish text templates, kept as files so that wording is reviewed apart from code."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib.resources import files


@cache
def templates(name: str) -> dict[str, str]:
    """The templates in ``prompts/<name>.toml`` (read once)."""
    text = files(__package__).joinpath(f"{name}.toml").read_text(encoding="utf-8")
    return {key: str(value) for key, value in tomllib.loads(text).items()}
