"""A tiny eval result rendered to JSON, Markdown, HTML and PNG; the baseline gate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.answer import Citation
from eval.command import check_against_baseline, summary_table, write_baseline
from eval.metrics import (
    CITATION_ACCURACY,
    COMPLETENESS,
    FALSE_REFUSAL,
    HIT_AT_5,
    METRICS,
    REFUSAL,
    summarise,
)
from eval.report import write_report
from eval.runner import EvalResult, ItemResult

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def item(
    id: str,
    kind: str,
    persona: str,
    answer: str,
    scores: dict[str, float],
    failures: list[str] | None = None,
    refused: bool = False,
    latency_s: float = 0.5,
) -> ItemResult:
    citation = Citation(
        id=1,
        chunk_id="f6aff624fa9b20e8-0026",
        file="002_5a882963cc8bcb49.txt",
        title="Socialnämndens verksamhetsplan 2023",
        municipality="Norrtälje",
        year=2023,
        section="Mål, indikatorer och uppdrag",
        page=None,
        quote="den 27:e i varje månad",
    )
    return ItemResult(
        id=id,
        question=f"Fråga {id}?",
        kind=kind,
        persona=persona,
        answerable=kind != "unanswerable",
        answer=answer,
        refused=refused,
        citations=[] if refused else [citation],
        retrieved=["f6aff624fa9b20e8-0026"],
        metrics={**dict.fromkeys(METRICS), **scores},
        failures=failures or [],
        latency_s=latency_s,
    )


def tiny_result(**overrides: float) -> EvalResult:
    items = [
        item(
            "fact-001",
            "fact",
            "caseworker",
            "Den 27:e i varje månad [1].",
            {HIT_AT_5: 1.0, COMPLETENESS: 1.0, CITATION_ACCURACY: 1.0, FALSE_REFUSAL: 0.0},
            latency_s=0.4,
        ),
        item(
            "fact-002",
            "fact",
            "legal",
            "<script>alert('x')</script> | 654 848 tkr",
            {HIT_AT_5: 0.0, COMPLETENESS: 0.0, CITATION_ACCURACY: 1.0, FALSE_REFUSAL: 0.0},
            failures=["completeness: missing '(2010:1622)'", "hit@5: <b>none</b>"],
            latency_s=1.2,
        ),
        item(
            "unans-001",
            "unanswerable",
            "politician",
            "Planerna säger inget om det.",
            {REFUSAL: 1.0},
            refused=True,
        ),
    ]
    for result in items:
        result.metrics.update({k: v for k, v in overrides.items() if result.metrics[k] is not None})
    return EvalResult(set_path="plans.jsonl", items=items, summary=summarise(items))


def test_report_files_are_written(tmp_path: Path) -> None:
    files = write_report(tiny_result(), tmp_path / "report")
    for path in (files.json, files.markdown, files.html, *files.charts):
        assert path.is_file() and path.stat().st_size > 0, path
    assert len(files.charts) == 3
    for chart in files.charts:
        assert chart.read_bytes().startswith(PNG_SIGNATURE)


def test_json_has_metrics_breakdowns_and_failing_items(tmp_path: Path) -> None:
    files = write_report(tiny_result(), tmp_path)
    report = json.loads(files.json.read_text(encoding="utf-8"))
    assert report["summary"]["metrics"][COMPLETENESS] == {"mean": 0.5, "n": 2}
    assert report["summary"]["by_kind"]["unanswerable"][REFUSAL]["mean"] == 1.0
    assert set(report["summary"]["by_persona"]) == {"caseworker", "legal", "politician"}
    [failing] = report["failing"]
    assert failing["id"] == "fact-002"
    assert failing["question"] == "Fråga fact-002?"
    assert failing["citations"][0]["quote"] == "den 27:e i varje månad"
    assert "completeness: missing '(2010:1622)'" in failing["failures"]
    assert len(report["items"]) == 3


def test_markdown_has_tables_charts_and_failing_items(tmp_path: Path) -> None:
    files = write_report(tiny_result(), tmp_path)
    markdown = files.markdown.read_text(encoding="utf-8")
    assert "## By kind" in markdown and "## By persona" in markdown
    assert "| completeness | 0.50 (n=2) |" in markdown
    for chart in files.charts:
        assert f"]({chart.name})" in markdown
    assert "### fact-002 (fact, legal)" in markdown
    assert "### fact-001" not in markdown


def test_html_escapes_text_from_answers_and_is_self_contained(tmp_path: Path) -> None:
    files = write_report(tiny_result(), tmp_path)
    page = files.html.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;none&lt;/b&gt;" in page
    assert page.count('src="data:image/png;base64,') == 3
    assert "27:e i varje månad" in page


def test_summary_table_lists_each_metric_and_kind() -> None:
    table = summary_table(tiny_result())
    assert "completeness" in table and "unanswe" in table
    assert "latency p50" in table


def test_gate_passes_the_baseline_itself_and_small_drops(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    write_baseline(tiny_result(), baseline)
    assert json.loads(baseline.read_text(encoding="utf-8"))["metrics"][COMPLETENESS] == 0.5
    assert check_against_baseline(tiny_result(), baseline) == []
    # completeness 0.5 -> 0.49 is within the tolerance of 0.02
    slightly_worse = tiny_result()
    slightly_worse.summary.metrics[COMPLETENESS].mean = 0.49
    assert check_against_baseline(slightly_worse, baseline) == []


@pytest.mark.parametrize(
    ("metric", "value", "fails"),
    [
        (COMPLETENESS, 0.0, True),  # a drop beyond the tolerance
        (COMPLETENESS, 1.0, False),  # a rise is fine
        (FALSE_REFUSAL, 1.0, True),  # false refusals must not rise...
        (FALSE_REFUSAL, 0.0, False),  # ...and may fall
    ],
)
def test_gate_direction(tmp_path: Path, metric: str, value: float, fails: bool) -> None:
    baseline = tmp_path / "baseline.json"
    write_baseline(tiny_result(**{FALSE_REFUSAL: 0.5}), baseline)
    regressions = check_against_baseline(tiny_result(**{metric: value}), baseline)
    assert [r.split(":")[0] for r in regressions] == ([metric] if fails else [])


def test_gate_ignores_latency_and_flags_a_missing_metric(tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    write_baseline(tiny_result(), baseline)
    slow = tiny_result()
    for result in slow.items:
        result.latency_s = 60.0
    slow.summary = summarise(slow.items)
    assert check_against_baseline(slow, baseline) == []
    del slow.summary.metrics[REFUSAL]
    assert check_against_baseline(slow, baseline) == [f"{REFUSAL}: missing (baseline 1.000)"]
