"""asv's result files as one tidy table: a row per machine, commit, environment, benchmark and pair.

The files are read raw: asv's own reader turns a failed benchmark (null) into NaN, and a report
must tell a failure from a skip (NaN) and both from a number.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path

import pandas as pd

WALL = "sampling.Sampling.time_sample"
GRADIENT = "gradient.Gradient.time_logp_dlogp"
COMPILE_WARM = "compile.CompileWarm.time_compile"
CANARY = "canary.Canary.time_interpreter"
INSTRUCTIONS = "instructions.Instructions.track_logp_dlogp"
SAMPLING_INSTRUCTIONS = "instructions.SamplingInstructions.track_sample"
TRACKED = "sampling.SamplingMetrics.track_"

# The notebook's table (wall, CPU, min and mean ESS, ESS/s, parallel efficiency) plus compile time
# and gradient evaluations per effective sample; ESS/s is derived (mean ESS / wall), as there.
TABLE_COLUMNS = {
    WALL: "wall s",
    TRACKED + "cpu_seconds": "CPU s",
    TRACKED + "ess_bulk_min": "min ESS",
    TRACKED + "ess_bulk_mean": "mean ESS",
    TRACKED + "parallel_efficiency": "parallel eff.",
    TRACKED + "compile_seconds": "compile s",
    TRACKED + "grad_evals_per_ess": "grad evals/ESS",
}
SHOWN_COLUMNS = ["status", "wall s", "CPU s", "min ESS", "mean ESS", "ESS/s", "parallel eff.", "compile s",
                 "grad evals/ESS"]
STAT_COLUMNS = {"stats_ci_99_a": "ci_low", "stats_ci_99_b": "ci_high"}


def result_files(results_dir: Path, machine: str | None = None) -> list[dict]:
    """Every asv result file under results_dir (one machine's, if named), parsed."""
    results_dir = Path(results_dir)
    if not results_dir.is_dir():
        raise SystemExit(f"no results folder {results_dir}")
    if machine:
        folders = [results_dir / machine]
        if not folders[0].is_dir():
            known = sorted(p.name for p in results_dir.iterdir() if (p / "machine.json").exists())
            raise SystemExit(f"no results for machine {machine!r} in {results_dir}; machines: {', '.join(known)}")
    else:
        folders = sorted(p for p in results_dir.iterdir() if (p / "machine.json").exists())
    parsed = ((path, _read(path)) for folder in folders for path in sorted(folder.glob("*.json")))
    # Beside asv's files lie machine.json and ours (versions.json, durations.json): no commit_hash.
    return [{**content, "path": str(path)} for path, content in parsed if content and "commit_hash" in content]


def in_progress(result: dict) -> bool:
    """A results file that asv is still writing, or that a killed run left for the next to resume
    (asv_plugins/checkpoint.py's journal beside it): its missing benchmarks are not skips."""
    from asv_plugins.checkpoint import JOURNAL_SUFFIX

    return Path(result["path"] + JOURNAL_SUFFIX).exists()


ASV_FIELDS = ("commit_hash", "env_name", "date", "params", "result_columns", "results")


def _read(path: Path) -> dict | None:
    """A results file's content; None, with one warning naming it, where it does not parse or an asv
    results file lacks the fields a report reads (a run killed while writing, a hand edit)."""
    try:
        content = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        _warn(f"skipped {path}: not readable JSON ({error})")
        return None
    if not isinstance(content, dict):
        _warn(f"skipped {path}: not a JSON object")
        return None
    missing = [name for name in ASV_FIELDS if name not in content]
    if "commit_hash" in content and missing:
        _warn(f"skipped {path}: an asv results file without {', '.join(missing)}")
        return None
    return content


_WARNED: set[str] = set()


def _warn(message: str) -> None:
    """Once a process: a report reads the results folder once per side."""
    if message not in _WARNED:
        _WARNED.add(message)
        print(f"warning: {message}", file=sys.stderr)


def status_of(value) -> str:
    """asv writes null for a failed benchmark and NaN for a skipped one (or one not selected)."""
    if value is None:
        return "failed"
    return "skipped" if isinstance(value, float) and math.isnan(value) else "ok"


def tidy(results: list[dict], plain: bool = False) -> pd.DataFrame:
    """One row per (machine, commit, env, benchmark, model, backend): value, status, spread, samples.

    Benchmarks without (model, backend) parameters (the canary) are rows only with `plain`, their
    model and backend empty.
    """
    rows = []
    for result in results:
        for benchmark, raw in result["results"].items():
            entry = dict(zip(result["result_columns"], raw))
            if not entry.get("params"):
                if not plain:
                    continue  # not a (model, backend) benchmark
                entry = {**entry, "params": [[""], [""]], "result": _as_list(entry["result"]),
                         "samples": _as_list(entry.get("samples"))}
            names = [[p.strip("'") for p in values] for values in entry["params"]]
            pairs = list(itertools.product(*names))
            values = entry["result"] if entry["result"] is not None else [None] * len(pairs)
            for index, (pair, value) in enumerate(zip(pairs, values)):
                row = {
                    "machine": result["params"]["machine"],
                    "commit": result["commit_hash"],
                    "date": pd.to_datetime(result["date"], unit="ms"),  # the commit's date
                    "run": pd.to_datetime(entry.get("started_at") or 0, unit="ms"),  # when it was measured
                    "env": result["env_name"],
                    "benchmark": benchmark,
                    "model": pair[0],
                    "backend": pair[1],
                    "value": math.nan if value is None else value,
                    "status": status_of(value),
                }
                for column, name in STAT_COLUMNS.items():
                    row[name] = _at(entry.get(column), index)
                # seconds the whole grid (every pair) took in this commit's last run; calls a sample times
                row["grid_seconds"] = entry.get("duration")
                row["number"] = _at(entry.get("stats_number"), index) or 1
                row["samples"] = _at(entry.get("samples"), index)
                rows.append(row)
    return pd.DataFrame(rows)


def _as_list(value):
    return value if value is None or isinstance(value, list) else [value]


def _at(values, index):
    return values[index] if values is not None and index < len(values) else None


def newest_commit(frame: pd.DataFrame, among: set[str] | None = None) -> str:
    """The commit with the newest commit date (ties: the one measured last), optionally among some."""
    candidates = frame[frame["commit"].isin(among)] if among else frame
    if candidates.empty:
        candidates = frame
    return candidates.sort_values(["date", "run"], kind="stable")["commit"].iloc[-1]


def busiest_machine(frame: pd.DataFrame, machine: str | None = None) -> str:
    """The named machine, or the one with the most values measured ok."""
    measured = frame[frame["status"] == "ok"]["machine"].value_counts()
    if measured.empty:
        raise SystemExit("no values measured ok in these results")
    if machine is None:
        return measured.index[0]
    if machine not in measured.index:
        raise SystemExit(f"machine {machine!r} has no values measured ok here; machines: {', '.join(measured.index)}")
    return machine


def select_commit(frame: pd.DataFrame, commit: str | None, among: set[str] | None = None,
                  env: str | None = None) -> pd.DataFrame:
    """The rows of one commit (a hash prefix; the newest by default) in one asv environment.

    A commit measured in several environments (the matrix or the stack changed) keeps `env` where it was
    measured there, else the one measured last.
    """
    if frame.empty:
        raise SystemExit("no asv results to report on")
    if commit is None:
        commit = newest_commit(frame, among)
    chosen = frame[frame["commit"].str.startswith(commit)]
    if chosen.empty:
        known = ", ".join(sorted(c[:8] for c in frame["commit"].unique()))
        raise SystemExit(f"no results for commit {commit!r}; commits with results: {known}")
    if chosen["commit"].nunique() > 1:
        raise SystemExit(f"commit prefix {commit!r} is ambiguous: {sorted(chosen['commit'].unique())}")
    if env is not None and (chosen["env"] == env).any():
        return chosen[chosen["env"] == env]
    newest_env = chosen.sort_values("run", kind="stable")["env"].iloc[-1]
    return chosen[chosen["env"] == newest_env]


def model_table(table: pd.DataFrame, model: str) -> pd.DataFrame:
    """One model's rows of summary_table, by backend, best ESS/s first."""
    rows = table.xs(model, level="model").droplevel("env")
    return rows.sort_values("ESS/s", ascending=False, na_position="last")


def to_markdown(rows: pd.DataFrame) -> str:
    """A table as GitHub markdown: 3 significant digits, "-" where a pair has no number."""
    return rows.astype(object).where(rows.notna(), None).to_markdown(floatfmt=".3g", missingval="-")


def summary_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The notebook's table for one commit: a row per (model, backend, env), a column per metric.

    status is that of the timed sampling run; a metric of a pair that did not run stays NaN.
    """
    chosen = frame[frame["benchmark"].isin(TABLE_COLUMNS)]
    status = chosen[chosen["benchmark"] == WALL].set_index(["model", "backend", "env"])["status"]
    # asv writes NaN for a skip and for a case left out of the run alike. PyMC's own NUTS runs every
    # model, so a model that every backend "skipped" was not measured at this commit: left out.
    measured = status.ne("skipped").groupby(level="model").transform("any")
    status = status[measured]
    # dropna=False keeps pairs whose every metric is NaN (skips); the timed runs say which pairs exist
    table = chosen.pivot_table(
        index=["model", "backend", "env"], columns="benchmark", values="value", aggfunc="first", dropna=False
    ).rename(columns=TABLE_COLUMNS)
    table = table.reindex(index=status.index, columns=list(TABLE_COLUMNS.values()))
    table.insert(0, "status", status)
    table["ESS/s"] = table["mean ESS"] / table["wall s"]
    return table[SHOWN_COLUMNS]
