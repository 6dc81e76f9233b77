"""`make summary`: the notebook's table for one commit, printed; one block per model, by ESS/s."""

from __future__ import annotations

from pathlib import Path

from reporting.results import result_files, select_commit, summary_table, tidy


def format_summary(table) -> str:
    blocks = []
    for model, rows in table.groupby(level="model", sort=True):
        rows = rows.droplevel(["model", "env"]).sort_values("ESS/s", ascending=False, na_position="last")
        shown = rows.astype(object).where(rows.notna(), None)
        markdown = shown.to_markdown(floatfmt=".3g", missingval="-")
        blocks.append(f"{model}\n{markdown}")
    return "\n\n".join(blocks)


def main(args) -> int:
    chosen = select_commit(tidy(result_files(Path(args.results), args.machine)), args.commit)
    print(f"PyMC commit {chosen['commit'].iloc[0][:10]}, machine {chosen['machine'].iloc[0]}\n")
    print(format_summary(summary_table(chosen)))
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", default=None)
    parser.add_argument("--commit", default=None, help="commit hash prefix; the newest by default")
