"""Write an eval result as report.json, report.md, report.html and PNG charts in one directory.

The HTML is self-contained (inline CSS, charts embedded as data URIs) so it can be mailed or
attached to a CI run; the Markdown links the PNG files beside it. Answers and quotes come from plans
and from the assistant, so every such text is escaped in the HTML.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from eval.metrics import LOWER_IS_BETTER, METRICS, MetricSummary, Summary, percentile
from eval.runner import EvalResult, ItemResult

METRICS_BY_KIND_PNG = "metrics_by_kind.png"
METRICS_BY_PERSONA_PNG = "metrics_by_persona.png"
LATENCY_PNG = "latency.png"


@dataclass(frozen=True)
class ReportFiles:
    json: Path
    markdown: Path
    html: Path
    charts: list[Path]


def write_reports(results: Sequence[tuple[str, EvalResult]], report_dir: Path) -> Path:
    """One report per set in `report_dir/<set>/`, and `index.html` / `index.md` beside them with
    the sets' metrics side by side (fit set in sample, held-out set out of sample). Returns the
    HTML index."""
    for name, result in results:
        write_report(result, report_dir / name)
    header, rows = side_by_side_rows(results)
    markdown = [
        "# Grounding eval: the sets side by side",
        "",
        "Values are fitted on `plans` only; `more` is out of sample.",
        "",
        markdown_table(header, rows),
        "",
        *(f"- [{name}]({name}/report.md): {result.set_path}" for name, result in results),
    ]
    (report_dir / "index.md").write_text("\n".join(markdown) + "\n", encoding="utf-8")
    links = "".join(
        f'<li><a href="{html.escape(name)}/report.html">{html.escape(name)}</a></li>'
        for name, _ in results
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Grounding eval</title><style>{_CSS}</style></head>\n<body>\n"
        "<h1>Grounding eval: the sets side by side</h1>"
        "<p>Values are fitted on <code>plans</code> only; <code>more</code> is out of sample.</p>"
        f"{html_table(header, rows)}<ul>{links}</ul>\n</body></html>\n"
    )
    index = report_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    return index


def side_by_side_rows(
    results: Sequence[tuple[str, EvalResult]],
) -> tuple[list[str], list[list[str]]]:
    """Metric rows with one column per set: overall, then each kind the sets have."""
    header = ["metric", *(name for name, _ in results)]
    rows = [
        [metric_label(metric)]
        + [format_cell(result.summary.metrics.get(metric)) for _, result in results]
        for metric in METRICS
    ]
    kinds = sorted({kind for _, result in results for kind in result.summary.by_kind})
    for kind in kinds:
        for metric in METRICS:
            cells = [result.summary.by_kind.get(kind, {}).get(metric) for _, result in results]
            if any(cells):
                rows.append([f"{kind}: {metric_label(metric)}", *map(format_cell, cells)])
    latency = [
        f"p50 {r.summary.latency.p50:.2f} s, p95 {r.summary.latency.p95:.2f} s" for _, r in results
    ]
    rows.append(["latency", *latency])
    return header, rows


def write_report(result: EvalResult, report_dir: Path) -> ReportFiles:
    """Write every report file into `report_dir` (created if needed)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    charts = write_charts(result, report_dir)
    files = ReportFiles(
        json=report_dir / "report.json",
        markdown=report_dir / "report.md",
        html=report_dir / "report.html",
        charts=charts,
    )
    files.json.write_text(render_json(result), encoding="utf-8")
    files.markdown.write_text(render_markdown(result, charts), encoding="utf-8")
    files.html.write_text(render_html(result, charts), encoding="utf-8")
    return files


# --- JSON --------------------------------------------------------------------------------------


def render_json(result: EvalResult) -> str:
    """The summary, the failing items in full, then every item (for diffing two runs)."""
    payload = {
        "set": result.set_path,
        "summary": result.summary.model_dump(mode="json"),
        "failing": [item.model_dump(mode="json") for item in result.failing()],
        "items": [item.model_dump(mode="json") for item in result.items],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# --- tables shared by Markdown and HTML --------------------------------------------------------


def metric_label(metric: str) -> str:
    return f"{metric} ↓" if metric in LOWER_IS_BETTER else metric


def format_cell(summary: MetricSummary | None) -> str:
    return "–" if summary is None else f"{summary.mean:.2f} (n={summary.n})"


def breakdown_rows(
    groups: Mapping[str, Mapping[str, MetricSummary]], overall: Mapping[str, MetricSummary]
) -> tuple[list[str], list[list[str]]]:
    """A metrics × groups table: the header (metric, all, each group) and one row per metric that
    applies somewhere."""
    header = ["metric", "all", *groups]
    rows = [
        [metric_label(metric), format_cell(overall.get(metric))]
        + [format_cell(groups[name].get(metric)) for name in groups]
        for metric in METRICS
        if metric in overall
    ]
    return header, rows


def latency_line(summary: Summary) -> str:
    latency = summary.latency
    return (
        f"Latency over {latency.n} questions: p50 {latency.p50:.2f} s, p95 {latency.p95:.2f} s, "
        f"mean {latency.mean:.2f} s, max {latency.max:.2f} s."
    )


def citation_line(item: ItemResult, index: int) -> str:
    citation = item.citations[index]
    where = " – ".join(
        str(part)
        for part in (citation.municipality, citation.year, citation.title, citation.section)
        if part
    )
    return f"[{citation.id}] {where} ({citation.file}, {citation.chunk_id}): “{citation.quote}”"


# --- Markdown ----------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(_md_cell(h) for h in header) + " |"]
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _md_quote(text: str) -> str:
    return "\n".join("> " + line for line in (text or "(empty)").splitlines())


def markdown_item(item: ItemResult) -> str:
    lines = [
        f"### {item.id} ({item.kind}, {item.persona})",
        "",
        f"**Question:** {item.question}",
        "",
        f"**Answer** ({'refused' if item.refused else 'answered'}, {item.latency_s:.2f} s):",
        "",
        _md_quote(item.answer),
        "",
        "**Failed:**",
        "",
        *(f"- {failure}" for failure in item.failures),
    ]
    if item.citations:
        lines += ["", "**Citations:**", ""]
        lines += [f"- {citation_line(item, i)}" for i in range(len(item.citations))]
    return "\n".join(lines)


def render_markdown(result: EvalResult, charts: Sequence[Path]) -> str:
    summary = result.summary
    failing = result.failing()
    parts = [
        "# Grounding eval",
        "",
        f"Set `{result.set_path}`: {summary.items} questions, {len(failing)} with a failure.",
        latency_line(summary),
        "Each cell: mean over the items the metric applies to (n). ↓: lower is better.",
        "",
        "## By kind",
        "",
        markdown_table(*breakdown_rows(summary.by_kind, summary.metrics)),
        "",
        "## By persona",
        "",
        markdown_table(*breakdown_rows(summary.by_persona, summary.metrics)),
        "",
        "## Charts",
        "",
        *(f"![{chart.stem}]({chart.name})\n" for chart in charts),
        f"## Failing items ({len(failing)})",
        "",
        *(markdown_item(item) + "\n" for item in failing),
    ]
    return "\n".join(parts).rstrip() + "\n"


# --- HTML --------------------------------------------------------------------------------------

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
blockquote { border-left: 3px solid #ccc; margin: 0.5em 0; padding-left: 1em; }
blockquote { white-space: pre-wrap; }
.item { border-top: 1px solid #ddd; padding-top: 0.5em; }
.failures { color: #a00; }
img { max-width: 100%; }
"""


def html_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def html_item(item: ItemResult) -> str:
    e = html.escape
    state = "refused" if item.refused else "answered"
    failures = "".join(f"<li>{e(failure)}</li>" for failure in item.failures)
    citations = "".join(f"<li>{e(citation_line(item, i))}</li>" for i in range(len(item.citations)))
    return (
        f'<div class="item" id="{e(item.id)}"><h3>{e(item.id)} ({e(item.kind)}, '
        f"{e(item.persona)})</h3>"
        f"<p><b>Question:</b> {e(item.question)}</p>"
        f"<p><b>Answer</b> ({state}, {item.latency_s:.2f} s):</p>"
        f"<blockquote>{e(item.answer) or '(empty)'}</blockquote>"
        f'<p><b>Failed:</b></p><ul class="failures">{failures}</ul>'
        + (f"<p><b>Citations:</b></p><ul>{citations}</ul>" if item.citations else "")
        + "</div>"
    )


def embedded_png(chart: Path) -> str:
    data = base64.b64encode(chart.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(chart.stem)}" src="data:image/png;base64,{data}">'


def render_html(result: EvalResult, charts: Sequence[Path]) -> str:
    e = html.escape
    summary = result.summary
    failing = result.failing()
    body = [
        "<h1>Grounding eval</h1>",
        f"<p>Set <code>{e(result.set_path)}</code>: {summary.items} questions, "
        f"{len(failing)} with a failure.</p>",
        f"<p>{e(latency_line(summary))}</p>",
        "<p>Each cell: mean over the items the metric applies to (n). ↓: lower is better.</p>",
        "<h2>By kind</h2>",
        html_table(*breakdown_rows(summary.by_kind, summary.metrics)),
        "<h2>By persona</h2>",
        html_table(*breakdown_rows(summary.by_persona, summary.metrics)),
        "<h2>Charts</h2>",
        *(embedded_png(chart) for chart in charts),
        f"<h2>Failing items ({len(failing)})</h2>",
        *(html_item(item) for item in failing),
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Grounding eval</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


# --- charts ------------------------------------------------------------------------------------


def write_charts(result: EvalResult, report_dir: Path) -> list[Path]:
    summary = result.summary
    charts = [
        grouped_bar_chart(summary.by_kind, "Metrics by kind", report_dir / METRICS_BY_KIND_PNG),
        grouped_bar_chart(
            summary.by_persona, "Metrics by persona", report_dir / METRICS_BY_PERSONA_PNG
        ),
        latency_histogram([item.latency_s for item in result.items], report_dir / LATENCY_PNG),
    ]
    return charts


def _save(figure: Figure, path: Path) -> Path:
    # The Agg canvas directly, not pyplot: no global figure state and no GUI backend to pick.
    FigureCanvasAgg(figure)
    figure.savefig(path, dpi=100)
    return path


def grouped_bar_chart(
    groups: Mapping[str, Mapping[str, MetricSummary]], title: str, path: Path
) -> Path:
    """One cluster of bars per metric, one bar per group (kind or persona)."""
    metrics = [m for m in METRICS if any(m in values for values in groups.values())]
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    axes = figure.add_subplot()
    width = 0.8 / max(len(groups), 1)
    for offset, (name, values) in enumerate(groups.items()):
        positions = [i + offset * width for i in range(len(metrics))]
        heights = [values[m].mean if m in values else 0.0 for m in metrics]
        axes.bar(positions, heights, width, label=name)
    axes.set_xticks([i + 0.4 - width / 2 for i in range(len(metrics))])
    axes.set_xticklabels([metric_label(m) for m in metrics], rotation=30, ha="right")
    axes.set_ylim(0, 1.05)
    axes.set_title(title)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return _save(figure, path)


def latency_histogram(latencies: Sequence[float], path: Path) -> Path:
    figure = Figure(figsize=(7, 4), layout="constrained")
    axes = figure.add_subplot()
    axes.hist(latencies, bins=min(30, max(len(latencies), 1)))
    for q, style in ((50, "--"), (95, ":")):
        value = percentile(latencies, q)
        axes.axvline(value, color="black", linestyle=style, label=f"p{q} {value:.2f} s")
    axes.legend(fontsize="small")
    axes.set_xlabel("seconds per question")
    axes.set_ylabel("questions")
    axes.set_title("Latency")
    return _save(figure, path)
