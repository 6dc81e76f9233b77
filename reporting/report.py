"""`make report`: the notebook's table and figure per model, the ESS/s heatmap and history lines.

    python -m reporting report [--results results] [--machine M] [--commit HASH] [--out html/report]
                               [--metric sampling.Sampling.time_sample]

Writes into --out: <model>.md and <model>.csv (the table, sorted by ESS/s), <model>.png (the
four-panel figure), heatmap.png, history-<metric>.png, and report.json (what was written, for the
landing page). A pair that failed or was skipped is labelled so in every table and figure, never
given a number.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pandas as pd

from reporting import figures, versions
from reporting.results import TRACKED, WALL, model_table, result_files, select_commit, summary_table, tidy, to_markdown


def model_sizes(cases) -> dict[str, int]:
    """Number of unobserved values of each model case: the order of the heatmap's rows."""
    from benchmarks.common import parse_case
    from harness.cli import count_parameters

    sizes = {}
    for case in cases:
        spec, size = parse_case(case)
        sizes[case] = count_parameters(spec.build(size))
    return sizes


def branch_commits(repo: Path, branch: str = "main") -> set[str] | None:
    """The commits of the history's main branch (review controls like aa are not on it), if known."""
    result = subprocess.run(["git", "-C", str(repo), "rev-list", branch], capture_output=True, text=True)
    return set(result.stdout.split()) if result.returncode == 0 else None


def history_series(frame: pd.DataFrame, metric: str, known_versions: dict) -> pd.DataFrame:
    """The chosen metric's values across commits, labelled by PyMC version (and hash, if shared)."""
    chosen = frame[frame["benchmark"] == metric].copy()
    if chosen.empty:
        metrics = sorted(frame["benchmark"].unique())
        raise SystemExit(f"no results for metric {metric!r}; metrics with results: {', '.join(metrics)}")
    labels = {commit: versions.label(commit, known_versions) for commit in chosen["commit"].unique()}
    shared = pd.Series(labels).duplicated(keep=False)
    chosen["label"] = [f"{labels[c]} {c[:7]}" if shared[c] else labels[c] for c in chosen["commit"]]
    return chosen


def write_report(results_dir: Path, out: Path, machine: str | None, commit: str | None, metric: str,
                 repo: Path | None = None, say=print) -> dict:
    frame = tidy(result_files(results_dir, machine))
    if frame.empty:
        raise SystemExit(f"no asv results in {results_dir}")
    if machine is None:  # the machine measured last
        machine = frame.sort_values("run", kind="stable")["machine"].iloc[-1]
        say(f"machine {machine} (of {', '.join(sorted(frame['machine'].unique()))})")
        frame = frame[frame["machine"] == machine]
    on_branch = branch_commits(repo) if repo else None
    chosen = select_commit(frame, commit, among=on_branch)
    known_versions = versions.load(results_dir)
    commit = chosen["commit"].iloc[0]
    table = summary_table(chosen)
    out.mkdir(parents=True, exist_ok=True)
    cases = table.index.get_level_values("model").unique()
    sizes = model_sizes(cases)
    order = sorted(cases, key=sizes.get)  # smallest model first
    written = {"commit": commit, "label": versions.label(commit, known_versions),
               "machine": chosen["machine"].iloc[0], "measured": chosen["run"].max().strftime("%Y-%m-%d %H:%M UTC"),
               "versions": known_versions.get(commit, {}), "models": []}

    for number, case in enumerate(order, start=1):
        say(f"[{number}/{len(order)}] {case}: table and figure")
        rows = model_table(table, case)
        rows.to_csv(out / f"{case}.csv", float_format="%.6g")
        (out / f"{case}.md").write_text(to_markdown(rows) + "\n")
        figures.four_panel(rows, f"{case} ({sizes[case]} unobserved values), {written['label']}",
                           out / f"{case}.png")
        written["models"].append({"model": case, "size": sizes[case], "table": f"{case}.md",
                                  "csv": f"{case}.csv", "figure": f"{case}.png"})

    say("heatmap of ESS/s, models by size")
    flat = table.droplevel("env")
    ess = flat["ESS/s"].unstack("backend").reindex(order)
    status = flat["status"].unstack("backend").reindex(index=order, columns=ess.columns).fillna("skipped")
    ess.index = status.index = [f"{case} ({sizes[case]})" for case in order]
    figures.heatmap(ess, status, f"ESS/s, {written['label']} on {written['machine']}", out / "heatmap.png")
    written["heatmap"] = "heatmap.png"

    history = frame[frame["env"] == chosen["env"].iloc[0]]
    if on_branch:
        history = history[history["commit"].isin(on_branch)]
    say(f"history of {metric} across {history['commit'].nunique()} commits")
    series = history_series(history, metric, known_versions)
    name = metric.rsplit(".", 1)[-1]
    figures.history(series, name, "seconds" if name.startswith("time_") else name.removeprefix("track_"),
                    out / f"history-{name}.png")
    written["history"] = f"history-{name}.png"
    # what each point of the history ran with (asv's graphs show the commit only)
    points = series.drop_duplicates("commit").sort_values("date")
    written["commits"] = [{"commit": row.commit, "label": row.label, "versions": known_versions.get(row.commit, {})}
                          for row in points.itertuples()]
    (out / "report.json").write_text(json.dumps(written, indent=1) + "\n")
    say(f"report written to {out}")
    return written


def main(args) -> int:
    write_report(Path(args.results), Path(args.out), args.machine, args.commit, args.metric, Path(args.repo))
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", default=None, help="asv machine name (results/<machine>)")
    parser.add_argument("--commit", default=None, help="commit hash prefix; the newest by default")
    parser.add_argument("--out", default="html/report")
    parser.add_argument("--repo", default=".asv/pymc-mirror",
                        help="the measured history; its main branch picks the commits of the history plot")
    parser.add_argument("--metric", default=WALL,
                        help=f"benchmark for the history plot, e.g. {TRACKED}seconds_per_ess")
