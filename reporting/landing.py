"""html/index.html: links to the asv dashboards and the newest report's tables and figures."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pandas as pd

from reporting.versions import listed

DASHBOARDS = {
    "pymc": "PyMC history: every benchmark across PyMC commits (quick tier)",
    "pymc-full": "PyMC history at the notebook's settings, every size (full tier)",
    "pymc-notebook": "PyMC history of the notebook's two runs (notebook tier)",
    "nutpie": "nutpie history: the nutpie backends across nutpie releases, PyMC fixed",
}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>PyMC sampling backends: benchmarks</title>
<style>
body {{ font-family: sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; }}
table {{ border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }}
th, td {{ border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
img {{ max-width: 100%; }}
.note {{ color: #555; }}
</style>
</head>
<body>
<h1>PyMC sampling backends: benchmarks</h1>
<h2>Dashboards</h2>
<ul id="dashboards">
{dashboards}
</ul>
{report}
</body>
</html>
"""


def dashboard_links(html_dir: Path) -> str:
    items = []
    for name, description in DASHBOARDS.items():
        if (html_dir / name / "index.html").exists():
            items.append(f'<li><a href="{name}/index.html">{html.escape(description)}</a></li>')
        else:
            items.append(f"<li>{html.escape(description)}: no results published yet</li>")
    if (html_dir / "guidance.html").exists():
        items.append('<li><a href="guidance.html">Which backend for which model</a> (ranking by ESS/s, compile '
                     "cold and warm, break-even; full tier)</li>")
    if (html_dir / "scaling.html").exists():
        items.append('<li><a href="scaling.html">Cost against model size</a> (seconds ∝ N^k per backend, '
                     "full tier)</li>")
    if (html_dir / "findings.html").exists():
        items.append('<li><a href="findings.html">Steps found across releases</a> (change points in every '
                     "history series, tested against its noise)</li>")
    return "\n".join(items)


def versions_table(commits: list[dict]) -> str:
    """The packages each commit of the history ran with."""
    if not commits:
        return ""
    rows = {entry["label"]: {"commit": entry["commit"][:10], **entry["versions"]} for entry in commits}
    table = pd.DataFrame.from_dict(rows, orient="index")
    return "<h4>Versions at each commit</h4>\n" + table.to_html(na_rep="-", border=0, table_id="versions")


def model_sections(written: dict, report_dir: Path, base: str, anchor_prefix: str = "") -> list[str]:
    """Each model's table (the notebook's columns) and four-panel figure."""
    parts = []
    for entry in written["models"]:
        table = pd.read_csv(report_dir / entry["csv"], index_col=0)
        anchor = html.escape(anchor_prefix + entry["model"])
        parts.append(f'<h3 id="{anchor}">{html.escape(entry["model"])} ({entry["size"]} unobserved values)</h3>')
        parts.append(table.to_html(na_rep="-", float_format=lambda value: f"{value:.3g}", border=0))
        parts.append(f'<img src="{base}/{entry["figure"]}" alt="{html.escape(entry["model"])}: four panels">')
    return parts


def notebook_section(notebook_dir: Path, html_dir: Path) -> str:
    """The notebook tier's table and figure per host (one report a machine under notebook_dir)."""
    indexes = sorted(notebook_dir.glob("*/report.json"))
    if not indexes:
        return ('<h2 id="notebook">The notebook\'s runs</h2><p class="note">Not measured yet: '
                "<code>PMB_TIER=notebook make bench</code>.</p>")
    from benchmarks.common import TIERS

    tier = TIERS["notebook"]
    runs = "; ".join(f"{case}: {settings.tune} tune, {settings.draws} draws, {settings.chains} chains"
                     for case, settings in ((case, tier.settings_for(case)) for case in tier.cases))
    parts = ['<h2 id="notebook">The notebook\'s runs: "Faster Sampling with JAX and Numba", measured</h2>',
             f'<p class="note">{html.escape(runs)}; every backend that can run the model, one run each, '
             "per host.</p>"]
    for index in indexes:
        written = json.loads(index.read_text())
        base = Path(os.path.relpath(index.parent, html_dir)).as_posix()
        versions = listed(written["versions"])
        parts.append(f'<h3>{html.escape(written["machine"])}: {html.escape(written["label"])}, measured '
                     f'{html.escape(written.get("measured", "(date not recorded)"))}</h3>')
        parts.append(f'<p class="note">commit {written["commit"][:10]}; {html.escape(versions or "versions not recorded")}.</p>')
        parts.extend(model_sections(written, index.parent, base, anchor_prefix=f"{written['machine']}-"))
    return "\n".join(parts)


def report_section(report_dir: Path, html_dir: Path) -> str:
    index = report_dir / "report.json"
    if not index.exists():
        return '<p class="note">No report yet: run <code>make report</code>.</p>'
    written = json.loads(index.read_text())
    base = Path(os.path.relpath(report_dir, html_dir)).as_posix()
    versions = listed(written["versions"])
    parts = [
        f"<h2>Newest report: {html.escape(written['label'])} on {html.escape(written['machine'])}</h2>",
        f'<p class="note">commit {written["commit"][:10]}; {html.escape(versions or "versions not recorded")}. '
        "ESS/s = mean bulk ESS / wall seconds; a pair that failed or was skipped says so.</p>",
        f'<h3>ESS/s, models by size</h3><img src="{base}/{written["heatmap"]}" alt="ESS/s heatmap">',
        f'<h3>History</h3><img src="{base}/{written["history"]}" alt="history">',
        versions_table(written.get("commits", [])),
    ]
    return "\n".join(parts + model_sections(written, report_dir, base))


def write_landing(html_dir: Path, report_dir: Path, notebook_dir: Path | None = None) -> Path:
    sections = [report_section(report_dir, html_dir)]
    if notebook_dir is not None:
        sections.insert(0, notebook_section(notebook_dir, html_dir))
    page = PAGE.format(dashboards=dashboard_links(html_dir), report="\n".join(sections))
    path = html_dir / "index.html"
    html_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(page)
    return path


def main(args) -> int:
    path = write_landing(Path(args.html), Path(args.report), Path(args.notebook) if args.notebook else None)
    print(f"landing page: {path}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--html", default="html")
    parser.add_argument("--report", default="html/report")
    parser.add_argument("--notebook", default=None,
                        help="the notebook tier's reports, one folder a machine (html/report-notebook)")
