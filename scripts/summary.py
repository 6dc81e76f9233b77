"""Print the notebook's summary table from asv results: one row per model and backend.

    python scripts/summary.py [--machine NAME] [--commit HASH_PREFIX] [--results results]

Columns: wall time (median of the timed runs), CPU time, min and mean ESS, ESS/s (mean ESS /
wall), parallel efficiency (CPU / wall) and compile seconds, sorted by ESS/s within each model.
A combination asv skipped shows as "skipped", one that failed as "failed"; never as zero.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

COLUMNS = {
    "sampling.Sampling.time_sample": "wall s",
    "sampling.SamplingMetrics.track_cpu_seconds": "CPU s",
    "sampling.SamplingMetrics.track_ess_bulk_min": "min ESS",
    "sampling.SamplingMetrics.track_ess_bulk_mean": "mean ESS",
    "sampling.SamplingMetrics.track_parallel_efficiency": "parallel eff.",
    "sampling.SamplingMetrics.track_compile_seconds": "compile s",
}


def _newest(results_dir: Path, machine: str | None, commit: str | None):
    from asv.results import iter_results

    machines = [p for p in results_dir.iterdir() if p.is_dir()] if machine is None else [results_dir / machine]
    found = [r for m in machines for r in iter_results(str(m))]
    if commit:
        found = [r for r in found if r.commit_hash.startswith(commit)]
    if not found:
        raise SystemExit(f"no asv results in {results_dir} (machine={machine}, commit={commit})")
    newest = max(found, key=lambda r: r.date or 0)
    return [r for r in found if r.commit_hash == newest.commit_hash]


def summary_table(results) -> "pd.DataFrame":
    """One row per (model, backend, environment), one column per summary metric."""
    import pandas as pd

    rows = {}
    for result in results:
        for key in set(COLUMNS) & set(result.get_all_result_keys()):
            params = result.get_result_params(key)
            values = result.get_result_value(key, params)
            for (case, backend), value in zip(itertools.product(*params), values):
                row = rows.setdefault((case.strip("'"), backend.strip("'"), result.env_name), {})
                row[COLUMNS[key]] = value
    frame = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(COLUMNS.values()))
    frame.index.names = ["model", "backend", "env"]
    # asv writes NaN for a skipped combination and null (None) for a failed one.
    wall = frame["wall s"]
    # (asv also writes NaN for combinations a --bench selection left out: "skipped" covers both.)
    frame.insert(0, "status", ["failed" if v is None else "skipped" if math.isnan(v) else "ok" for v in wall])
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

    results = _newest(Path(args.results), args.machine, args.commit)
    frame = summary_table(results)
    print(f"PyMC commit {results[0].commit_hash[:10]}, machine {args.machine or 'any'}")
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
