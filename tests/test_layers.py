"""Data flows one way: ingest → index → assistant → app and CLI; eval drives the assistant from
above, and the CLI sits above the eval. No package imports one above it (a module run as a
program, `__main__.py`, is no import), and `settings` imports nothing of the project."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: What each layer may import from the project, besides itself.
ALLOWED = {
    "settings": set(),
    "prompts": set(),
    "ingest": {"settings"},
    "index": {"settings", "ingest"},
    "assistant": {"settings", "prompts", "ingest", "index"},
    "eval": {"settings", "prompts", "ingest", "index", "assistant"},
    "cli": {"settings", "prompts", "ingest", "index", "assistant", "eval"},
    "app": {"settings", "prompts", "ingest", "index", "assistant"},
}


def project_imports(path: Path) -> set[str]:
    """The top-level project packages a module imports, wherever in the module."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


def modules(layer: str) -> list[Path]:
    single = REPO / f"{layer}.py"
    if single.exists():
        return [single]
    return [p for p in sorted((REPO / layer).rglob("*.py")) if p.name != "__main__.py"]


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_no_layer_imports_one_above_it(layer: str) -> None:
    wrong = {
        str(path.relative_to(REPO)): sorted(project_imports(path) - ALLOWED[layer] - {layer})
        for path in modules(layer)
    }
    assert {path: names for path, names in wrong.items() if names} == {}


def test_the_rule_sees_an_upward_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from eval.command import run\n", encoding="utf-8")
    assert project_imports(module) == {"eval"}
