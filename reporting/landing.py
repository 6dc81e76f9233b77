"""html/index.html: links to the asv dashboards and the newest report's tables and figures."""

from __future__ import annotations

import html
import json
import os
from pathlib import Path

import pandas as pd

DASHBOARDS = {
    "pymc": "PyMC history: every benchmark across PyMC commits (quick tier)",
    "pymc-full": "PyMC history at the notebook's settings, every size (full tier)",
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


def report_section(report_dir: Path, html_dir: Path) -> str:
    index = report_dir / "report.json"
    if not index.exists():
        return '<p class="note">No report yet: run <code>make report</code>.</p>'
    written = json.loads(index.read_text())
    base = Path(os.path.relpath(report_dir, html_dir)).as_posix()
    versions = ", ".join(f"{package} {version}" for package, version in sorted(written["versions"].items()))
    parts = [
        f"<h2>Newest report: {html.escape(written['label'])} on {html.escape(written['machine'])}</h2>",
        f'<p class="note">commit {written["commit"][:10]}; {html.escape(versions or "versions not recorded")}. '
        "ESS/s = mean bulk ESS / wall seconds; a pair that failed or was skipped says so.</p>",
        f'<h3>ESS/s, models by size</h3><img src="{base}/{written["heatmap"]}" alt="ESS/s heatmap">',
        f'<h3>History</h3><img src="{base}/{written["history"]}" alt="history">',
        versions_table(written.get("commits", [])),
    ]
    for entry in written["models"]:
        table = pd.read_csv(report_dir / entry["csv"], index_col=0)
        parts.append(f'<h3 id="{html.escape(entry["model"])}">{html.escape(entry["model"])} '
                     f'({entry["size"]} unobserved values)</h3>')
        parts.append(table.to_html(na_rep="-", float_format=lambda value: f"{value:.3g}", border=0))
        parts.append(f'<img src="{base}/{entry["figure"]}" alt="{html.escape(entry["model"])}: four panels">')
    return "\n".join(parts)


def write_landing(html_dir: Path, report_dir: Path) -> Path:
    page = PAGE.format(dashboards=dashboard_links(html_dir), report=report_section(report_dir, html_dir))
    path = html_dir / "index.html"
    html_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(page)
    return path


def main(args) -> int:
    path = write_landing(Path(args.html), Path(args.report))
    print(f"landing page: {path}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--html", default="html")
    parser.add_argument("--report", default="html/report")
