"""What a tier costs, from the committed results: minutes per phase of every measured commit.

`python -m reporting durations` rewrites the durations block of docs/tiers-and-history.md (`make
docs`): per machine and commit, the minutes asv recorded for each phase (the gradient
micro-benchmark, the timed sampling runs, the tracked metrics, the rest), summed over each
benchmark's last run. Environment builds and installs are not in asv's durations; a benchmark
run again later, alone, counts only that run. It also rewrites the full tier's block (reporting/full_tier.py).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from reporting import full_tier
from reporting.findings import release_commits, stack_of
from reporting.pages import replace_block
from reporting.results import in_progress, result_files, to_markdown

START, END = "<!-- durations: written by make docs (python -m reporting durations) -->", "<!-- durations end -->"
PHASES = {"gradient.": "gradient", "sampling.Sampling.": "timed sampling", "sampling.": "tracked metrics"}


def phase_of(benchmark: str) -> str:
    return next((phase for prefix, phase in PHASES.items() if benchmark.startswith(prefix)), "other")


def durations_table(results_dir: Path, tags_file: Path) -> pd.DataFrame:
    releases = release_commits(tags_file) if Path(tags_file).exists() else {}
    rows = []
    for result in result_files(results_dir):
        if in_progress(result):
            continue
        minutes = dict.fromkeys([*PHASES.values(), "other"], 0.0)
        started = []
        for benchmark, raw in result["results"].items():
            entry = dict(zip(result["result_columns"], raw))
            minutes[phase_of(benchmark)] += (entry.get("duration") or 0) / 60
            if entry.get("started_at"):
                started.append(entry["started_at"])
        commit = result["commit_hash"]
        rows.append({"machine": result["params"]["machine"],
                     "commit": releases.get(commit, commit[:8]), "stack": stack_of(result["env_name"]),
                     "measured": str(pd.to_datetime(min(started), unit="ms").date()) if started else "-",
                     **{phase: round(value, 1) for phase, value in minutes.items()},
                     "total": round(sum(minutes.values()), 1)})
    if not rows:
        return pd.DataFrame(rows)
    return pd.DataFrame(rows).sort_values(["machine", "measured", "commit"], kind="stable")


def block(table: pd.DataFrame) -> str:
    body = to_markdown(table.set_index("machine")) if not table.empty else "No results yet."
    return f"{START}\n{body}\n{END}"


def main(args) -> int:
    page = Path(args.page)
    text = replace_block(page.read_text(), START, END, block(durations_table(Path(args.results), Path(args.tags))),
                         str(page))
    releases = release_commits(Path(args.tags)) if Path(args.tags).exists() else {}
    text = replace_block(text, full_tier.START, full_tier.END, full_tier.block(Path(args.full), releases), str(page))
    page.write_text(text)
    print(f"wrote {page}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results")
    parser.add_argument("--full", default="results-full", help="the full tier's results and ledgers")
    parser.add_argument("--tags", default="history-tags/pymc-mirror.json")
    parser.add_argument("--page", default="docs/tiers-and-history.md")

