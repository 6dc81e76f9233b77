"""Predict a tier's sampling runs at sizes not measured yet, from a few seconds of gradient timings.

    python scripts/probe_tier_cost.py CASE... --results results-full --machine NAME [--backends pymc ...]
        [--out FILE]

For each case (e.g. garch11-1000), the model's smallest size whose timed runs the results hold on that
machine is the anchor. A run's cost is taken as gradient evaluations times their price: per backend, one
logp+gradient evaluation is timed at the case and at the anchor in this process (benchmarks/gradient.py's
measure), and the count of evaluations, which grows where a larger posterior needs deeper trees, is
counted at both by one short run of the fastest sampler (COUNTER at COUNT_SETTINGS: a ratio of counts, where
the tier's own settings would cost the run predicted). The anchor's measured run times the two ratios is
the prediction. A prediction, not a measurement: it scales the fixed costs of a short run too, and takes
one sampler's count for every backend's. It is what decides which sizes a tier samples
(benchmarks/common.py's gradient_only).
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from functools import cache
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import parse_case, write_json_atomically  # noqa: E402
from benchmarks.gradient import seconds_per_evaluation  # noqa: E402
from harness.backends import SampleSettings, get_backend  # noqa: E402
from harness.metrics import compute_metrics  # noqa: E402
from reporting.full_tier import median_runs  # noqa: E402
from reporting.results import result_files, tidy  # noqa: E402

DEFAULT_BACKENDS = ("pymc", "pymc-numba", "nutpie-numba", "numpyro")
COUNTER = "nutpie-numba"
VERSIONS = ("pymc", "pytensor", "nutpie", "numba", "jax", "numpyro")
COUNT_SETTINGS = SampleSettings(draws=100, tune=300, chains=2, seed=1)
# A size is sampled by the tier only where its slowest predicted run takes at most a third of the tier's
# 3600 s timeout: room for what the prediction misses.
BUDGET_SECONDS = 1200


def measured_runs(results_dir: Path, machine: str) -> dict[tuple[str, str], float]:
    """(case, backend) -> the median timed run in seconds, of every ok run on that machine."""
    return {key: float(value) for key, value in median_runs(tidy(result_files(results_dir, machine)), machine).items()}


def anchor_of(case: str, runs: dict) -> str | None:
    """The smallest measured size of the case's model (None where none is measured)."""
    spec, _ = parse_case(case)
    for size in sorted(spec.sizes):
        if any(key[0] == f"{spec.name}-{size}" for key in runs):
            return f"{spec.name}-{size}"
    return None


def gradient_seconds(case: str, backend_name: str) -> float:
    spec, size = parse_case(case)
    return seconds_per_evaluation(get_backend(backend_name).gradient_evaluator(spec.build(size)))


@cache
def gradient_evaluations(case: str) -> int:
    """Gradient evaluations of one COUNTER run of the case at COUNT_SETTINGS, tuning included."""
    spec, size = parse_case(case)
    backend = get_backend(COUNTER)
    metrics = compute_metrics(backend.sample(backend.compile(spec.build(size), COUNT_SETTINGS), COUNT_SETTINGS))
    return (metrics.grad_evals_tune or 0) + metrics.grad_evals_draws


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="+")
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--machine", required=True)
    parser.add_argument("--backends", nargs="+", default=list(DEFAULT_BACKENDS))
    parser.add_argument("--out", type=Path, help="the predictions as JSON")
    args = parser.parse_args(argv)
    for case in args.cases:
        try:
            spec, size = parse_case(case)
        except (KeyError, ValueError) as error:
            parser.error(f"{case}: {error.args[0]}")
        if not spec.sizes:
            parser.error(f"{case}: {spec.name} has one size; there is nothing to predict from")
    if not (args.results / args.machine / "machine.json").is_file():
        known = sorted(path.parent.name for path in args.results.glob("*/machine.json"))
        parser.error(f"--machine {args.machine}: no results of it in {args.results}; machines: {', '.join(known)}")
    runs = measured_runs(args.results, args.machine)
    predictions = []
    for case in args.cases:
        anchor = anchor_of(case, runs)
        if anchor is None:
            print(f"{case}: no size of its model measured on {args.machine}", file=sys.stderr)
            continue
        evaluations = gradient_evaluations(case) / gradient_evaluations(anchor)
        for backend in args.backends:
            if (anchor, backend) not in runs:
                continue
            try:
                ratio = gradient_seconds(case, backend) / gradient_seconds(anchor, backend)
            except Exception as error:  # a backend that cannot compile this model: say so, go on
                print(f"{case} {backend}: {type(error).__name__}: {str(error)[:200]}", file=sys.stderr)
                continue
            row = {"case": case, "backend": backend, "anchor": anchor, "anchor_run_seconds": runs[(anchor, backend)],
                   "gradient_ratio": round(ratio, 3), "evaluations_ratio": round(evaluations, 3),
                   "predicted_run_seconds": round(runs[(anchor, backend)] * ratio * evaluations, 1)}
            predictions.append(row)
            print(json.dumps(row), flush=True)
    if args.out:
        slowest = {}
        for row in predictions:
            slowest[row["case"]] = max(slowest.get(row["case"], 0), row["predicted_run_seconds"])
        write_json_atomically(args.out, {"machine": args.machine, "date": datetime.date.today().isoformat(),
                                         "versions": {name: metadata.version(name) for name in VERSIONS},
                                         "counter": COUNTER, "budget_seconds": BUDGET_SECONDS,
                                         "sampled": {case: seconds <= BUDGET_SECONDS for case, seconds in slowest.items()},
                                         "predictions": predictions})
    return 0


if __name__ == "__main__":
    sys.exit(main())
