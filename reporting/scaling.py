"""How cost grows with model size, per backend: seconds ∝ size^k, fitted on the full tier's results.

    python -m reporting scaling [--results results-full] [--machine M] [--out docs/scaling.md]
                                [--figure docs/scaling.png]

The full tier measures every size of every model that scales. For one host (the one with the most
values by default), each such model, backend and metric (seconds per logp+gradient evaluation; the
wall time of a sampling run), a least-squares line through log(seconds) against log(size)
(scipy.stats.linregress) over the sizes measured ok: its slope k, with a 95 % t interval where
three or more sizes give one (two sizes give a slope and no interval). A size that failed or timed
out has no value and is named in the table. Writes the page's generated block (`make docs`) and a
log-log figure, a panel per model and metric.
"""

from __future__ import annotations

import math
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from scipy import stats  # noqa: E402

from reporting.pages import update_block, write_standalone  # noqa: E402
from reporting.results import WALL, busiest_machine, result_files, tidy, to_markdown  # noqa: E402

GRADIENT = "gradient.Gradient.time_logp_dlogp"
METRICS = {GRADIENT: "seconds per logp+gradient evaluation", WALL: "seconds per sampling run"}
START, END = "<!-- scaling: written by make docs (python -m reporting scaling) -->", "<!-- scaling end -->"


def sized(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of models measured at a size: model name and size apart (gp_latent-100 -> gp_latent, 100)."""
    frame = frame[frame["benchmark"].isin(METRICS) & frame["model"].str.match(r".+-\d+$")].copy()
    frame[["name", "size"]] = frame["model"].str.extract(r"^(.+)-(\d+)$")
    frame["size"] = frame["size"].astype(int)
    return frame


def fit(sizes, seconds) -> dict:
    """The exponent k of seconds ∝ size^k, with its 95 % interval (NaN from two sizes)."""
    line = stats.linregress([math.log(s) for s in sizes], [math.log(t) for t in seconds])
    dof = len(sizes) - 2
    half = stats.t.ppf(0.975, dof) * line.stderr if dof > 0 else math.nan
    return {"k": line.slope, "low": line.slope - half, "high": line.slope + half}


def exponents(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per metric, model and backend: the sizes measured, the others and why, and k."""
    rows = []
    for (benchmark, name, backend), group in frame.groupby(["benchmark", "name", "backend"], sort=True):
        ok = group[(group["status"] == "ok") & (group["value"] > 0)].sort_values("size")
        others = group[~group.index.isin(ok.index)].sort_values("size")
        if others["status"].eq("skipped").all() and ok.empty:
            continue  # the backend cannot run this model at all
        row = {"metric": METRICS[benchmark], "model": name, "backend": backend,
               "sizes": ", ".join(str(size) for size in ok["size"]),
               "not measured": ", ".join(f"{size} {status}" for size, status in zip(others["size"], others["status"]))}
        if len(ok) >= 2:
            result = fit(ok["size"], ok["value"])
            interval = "" if math.isnan(result["low"]) else f" [{result['low']:.2f}, {result['high']:.2f}]"
            row.update({"k [95 % interval]": f"{result['k']:.2f}{interval}",
                        "seconds at the largest": f"{ok['value'].iloc[-1]:.3g} (N = {ok['size'].iloc[-1]})"})
        else:
            row.update({"k [95 % interval]": "n/a (fewer than two sizes)", "seconds at the largest": ""})
        rows.append(row)
    return pd.DataFrame(rows)


def figure(frame: pd.DataFrame, title: str, path: Path) -> Path:
    """log-log lines per backend: a row per metric, a column per model."""
    names = sorted(frame["name"].unique())
    fig, axes = plt.subplots(len(METRICS), len(names), figsize=(4.2 * len(names), 3.6 * len(METRICS)), squeeze=False)
    ok = frame[(frame["status"] == "ok") & (frame["value"] > 0)]
    colours = {backend: f"C{number % 10}" for number, backend in enumerate(sorted(ok["backend"].unique()))}
    for row, (benchmark, label) in enumerate(METRICS.items()):
        for column, name in enumerate(names):
            ax = axes[row, column]
            for backend, points in ok[(ok["benchmark"] == benchmark) & (ok["name"] == name)].groupby("backend"):
                points = points.sort_values("size")
                ax.plot(points["size"], points["value"], marker="o", label=backend, color=colours[backend])
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_title(f"{name}", fontsize=10)
            ax.set_xlabel("size N")
            if column == 0:
                ax.set_ylabel(label, fontsize=9)
            if ax.lines:
                ax.legend(fontsize=6)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=70)
    plt.close(fig)
    return path


def block(frame: pd.DataFrame, machine: str, figure_name: str) -> str:
    table = exponents(frame)
    commits = ", ".join(sorted(commit[:8] for commit in frame["commit"].unique()))
    parts = [START, "",
             f"From the full tier's results on {machine} (commit {commits}): k of seconds ∝ N^k per model and "
             "backend, over the sizes measured ok. Not measured: failed (the run raised or reached the timeout), "
             "or skipped (not runnable, or, where the tier was measured in pieces across hosts, not run on this "
             "host).", "",
             f"![cost against size, log-log]({figure_name})", ""]
    for metric, rows in table.groupby("metric", sort=False):
        parts += [f"**{metric}**", "", to_markdown(rows.drop(columns="metric").set_index("model")), ""]
    return "\n".join(parts + [END])


def host_frame(results: Path, machine: str | None) -> tuple[pd.DataFrame, str]:
    """The sized rows of one host's results, and that host."""
    frame = sized(tidy(result_files(results, None)))
    machine = busiest_machine(frame, machine)
    return frame[frame["machine"] == machine], machine


def write(results: Path, machine: str | None, out: Path, figure_path: Path) -> str:
    frame, machine = host_frame(results, machine)
    figure(frame, f"cost against model size, {machine}", figure_path)
    text = block(frame, machine, figure_path.name)
    update_block(out, START, END, text)
    return text


def write_html(results: Path, machine: str | None, html_dir: Path) -> Path:
    """html/scaling.html and its figure, for the landing page."""
    frame, machine = host_frame(results, machine)
    html_dir.mkdir(parents=True, exist_ok=True)
    figure(frame, f"cost against model size, {machine}", html_dir / "scaling.png")
    tables = "\n".join(f"<h2>{metric}</h2>\n" + rows.drop(columns="metric").to_html(index=False, border=0)
                       for metric, rows in exponents(frame).groupby("metric", sort=False))
    body = (f"<p>From the full tier's results on {machine}; k with its 95 % interval, over the sizes measured ok.</p>\n"
            f'<img src="scaling.png" alt="cost against model size, log-log">\n{tables}')
    return write_standalone(html_dir / "scaling.html", "Cost against model size", "Cost against model size: seconds ∝ N^k",
                            body)


def main(args) -> int:
    if args.html:
        print(f"scaling: {write_html(Path(args.results), args.machine, Path(args.html))}")
        return 0
    write(Path(args.results), args.machine, Path(args.out), Path(args.figure))
    print(f"scaling: {args.out}, {args.figure}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results-full")
    parser.add_argument("--machine", default=None, help="the host (default: the one with the most sized values)")
    parser.add_argument("--out", default="docs/scaling.md")
    parser.add_argument("--figure", default="docs/scaling.png")
    parser.add_argument("--html", default=None, help="write DIR/scaling.html and its figure instead (make publish)")
