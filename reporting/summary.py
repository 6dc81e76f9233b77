"""`make summary`: the notebook's table for one commit, printed; one block per model, by ESS/s."""

from __future__ import annotations

from pathlib import Path

from reporting.results import model_table, result_files, select_commit, summary_table, tidy, to_markdown


def format_summary(table) -> str:
    models = sorted(table.index.get_level_values("model").unique())
    return "\n\n".join(f"{model}\n{to_markdown(model_table(table, model))}" for model in models)


def main(args) -> int:
    from reporting.report import branch_commits

    frame = tidy(result_files(Path(args.results), args.machine))
    chosen = select_commit(frame, args.commit, among=branch_commits(Path(args.repo)))
    print(f"PyMC commit {chosen['commit'].iloc[0][:10]}, machine {chosen['machine'].iloc[0]}\n")
    print(format_summary(summary_table(chosen)))
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", default=None)
    parser.add_argument("--commit", default=None, help="commit hash prefix; the newest by default")
    parser.add_argument("--repo", default=".asv/pymc-mirror",
                        help="the measured history: the newest commit is taken from its main branch")
