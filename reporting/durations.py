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
from reporting.findings import release_commits, release_key, stack_of
from reporting.pages import replace_block, update_block
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


def folders_table(folders: list[Path], tags_file: Path) -> pd.DataFrame:
    """durations_table of every results folder that exists (the quick tier's and the notebook tier's), as one."""
    tables = [table for table in (durations_table(folder, tags_file) for folder in folders if folder.is_dir())
              if not table.empty]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()


def block(table: pd.DataFrame) -> str:
    body = to_markdown(table.set_index("machine")) if not table.empty else "No results yet."
    return f"{START}\n{body}\n{END}"


README_START, README_END = "<!-- bench minutes: written by make docs -->", "<!-- bench minutes end -->"


def newest_runs(table: pd.DataFrame, tier: str) -> tuple[str, str] | None:
    """The newest release a tier measured on today's stack, and its minutes on each host."""
    if table.empty:
        return None
    today = table[(table["stack"] == "today") & table["commit"].str.fullmatch(r"[0-9.]+")
                  & table["machine"].str.endswith(f"-{tier}")]
    if today.empty:
        return None
    newest = max(today["commit"], key=release_key)
    runs = today[today["commit"] == newest]
    return newest, ", ".join(f"{row['total']:.0f} min on {row['machine']} ({row['measured']})" for _, row in runs.iterrows())


def readme_block(table: pd.DataFrame) -> str:
    """README.md's lines: the minutes `make bench` measured (quick tier, today's stack, the newest release) on
    each host, and `PMB_TIER=notebook make bench`'s."""
    quick = newest_runs(table, "quick")
    if quick is None:
        return f"{README_START}\nNo quick-tier run of a release on today's stack is committed yet.\n{README_END}"
    lines = [f"Measured: `make bench`'s benchmarks at PyMC {quick[0]} took {quick[1]}, as asv recorded them "
             "(environment build and install not included; every run in docs/tiers-and-history.md)."]
    notebook = newest_runs(table, "notebook")
    if notebook:
        lines.append(f"`PMB_TIER=notebook make bench` (the notebook's two runs) at PyMC {notebook[0]}: {notebook[1]}.")
    return "\n".join([README_START, " ".join(lines), README_END])


def main(args) -> int:
    page = Path(args.page)
    table = folders_table([Path(args.results), Path(args.notebook)], Path(args.tags))
    text = replace_block(page.read_text(), START, END, block(table), str(page))
    releases = release_commits(Path(args.tags)) if Path(args.tags).exists() else {}
    text = replace_block(text, full_tier.START, full_tier.END, full_tier.block(Path(args.full), releases), str(page))
    page.write_text(text)
    print(f"wrote {page}")
    if args.readme:
        readme = Path(args.readme)
        update_block(readme, README_START, README_END, readme_block(table))
        print(f"wrote {readme}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results")
    parser.add_argument("--full", default="results-full", help="the full tier's results and ledgers")
    parser.add_argument("--notebook", default="results-notebook", help="the notebook tier's results")
    parser.add_argument("--tags", default="history-tags/pymc-mirror.json")
    parser.add_argument("--page", default="docs/tiers-and-history.md")
    parser.add_argument("--readme", help="also rewrite the minutes of make bench in this README")

