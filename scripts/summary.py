"""Print the notebook's summary table from asv results: one row per model and backend.

    python scripts/summary.py [--machine NAME] [--commit HASH_PREFIX] [--results results]

Columns: wall time (median of the timed runs), CPU time, min and mean ESS, ESS/s (mean ESS /
wall), parallel efficiency (CPU / wall) and compile seconds, sorted by ESS/s within each model.
A combination asv skipped shows as "skipped", one that failed as "failed"; never as zero.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
from pathlib import Path

WALL = "sampling.Sampling.time_sample"
COLUMNS = {
    WALL: "wall s",
    "sampling.SamplingMetrics.track_cpu_seconds": "CPU s",
    "sampling.SamplingMetrics.track_ess_bulk_min": "min ESS",
    "sampling.SamplingMetrics.track_ess_bulk_mean": "mean ESS",
    "sampling.SamplingMetrics.track_parallel_efficiency": "parallel eff.",
    "sampling.SamplingMetrics.track_compile_seconds": "compile s",
}


def _result_files(results_dir: Path, machine: str | None, commit: str | None) -> list[dict]:
    """asv's result files (read raw: asv's reader turns failed None into NaN) of the newest commit."""
    machines = [results_dir / machine] if machine else [p for p in results_dir.iterdir() if p.is_dir()]
    found = [
        json.loads(path.read_text())
        for folder in machines
        for path in sorted(folder.glob("*.json"))
        if path.name != "machine.json"
    ]
    if commit:
        found = [r for r in found if r["commit_hash"].startswith(commit)]
    if not found:
        raise SystemExit(f"no asv results in {results_dir} (machine={machine}, commit={commit})")
    newest = max(found, key=lambda r: r["date"])
    return [r for r in found if r["commit_hash"] == newest["commit_hash"]]


def summary_table(results: list[dict]) -> "pd.DataFrame":
    """One row per (model, backend, environment), one column per summary metric."""
    import pandas as pd

    rows = {}
    for result in results:
        for key in set(COLUMNS) & set(result["results"]):
            entry = dict(zip(result["result_columns"], result["results"][key]))
            models, backends = ([p.strip("'") for p in values] for values in entry["params"])
            for (case, backend), value in zip(itertools.product(models, backends), entry["result"]):
                row = rows.setdefault((case, backend, result["env_name"]), {})
                row[COLUMNS[key]] = value
                if key == WALL:
                    # asv writes null for a failed combination and NaN for a skipped one (or one
                    # a --bench selection left out); pandas would make both NaN.
                    row["status"] = "failed" if value is None else "skipped" if math.isnan(value) else "ok"
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=["status", *COLUMNS.values()])
    frame.index.names = ["model", "backend", "env"]
    numeric = frame[list(COLUMNS.values())].apply(pd.to_numeric, errors="coerce")
    frame["ESS/s"] = numeric["mean ESS"] / numeric["wall s"]
    return frame


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", default=None)
    parser.add_argument("--commit", default=None)
    args = parser.parse_args(argv)

    from tabulate import tabulate

    results = _result_files(Path(args.results), args.machine, args.commit)
    frame = summary_table(results)
    print(f"PyMC commit {results[0]['commit_hash'][:10]}, machine {args.machine or 'any'}")
    shown_columns = ["status", "wall s", "CPU s", "min ESS", "mean ESS", "ESS/s", "parallel eff.", "compile s"]
    for model, table in frame.groupby(level="model", sort=True):
        table = table.droplevel(["model", "env"]).sort_values("ESS/s", ascending=False, na_position="last")
        print(f"\n{model}")
        shown = table[shown_columns].astype(object)
        shown = shown.where(shown.notna() & (table["status"] == "ok").to_numpy()[:, None], None)
        shown["status"] = table["status"]
        print(tabulate(shown, headers="keys", tablefmt="github", floatfmt=".3g", missingval="-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
