"""Write a model's reference posterior (mean and sd per scalar parameter) from one long converged run.

    .venv/bin/python scripts/make_reference.py MODEL [--size N] [--from OTHER_MODEL]

posteriordb's standard: 10,000 draws (4 chains x 2,500), R-hat < 1.01 on every parameter and no
divergences, else nothing is written. ``--from`` samples another model with the same posterior
(eight_schools_centered's reference comes from the non-centered model, which does not diverge)
and keeps the parameters both share. Settings and diagnostics are written beside the numbers. A model
whose posterior is known exactly (its ``analytic_posterior``) gets that instead, with no run.
"""

from __future__ import annotations

import argparse
import datetime
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import harness  # noqa: E402,F401
import models  # noqa: E402
from harness.backends import SampleRun, SampleSettings, get_backend  # noqa: E402
from harness.metrics import compute_metrics, scalar_means_and_sds  # noqa: E402

BACKEND = "nutpie-numba"
SETTINGS = SampleSettings(draws=2_500, tune=2_000, chains=4, seed=31415)
# Smaller steps than the benchmarks' default 0.8, so that heavy-tailed posteriors do not diverge.
TARGET_ACCEPT = 0.95
RHAT_LIMIT = 1.01


def _versions() -> dict[str, str]:
    import arviz
    import nutpie
    import pymc
    import pytensor

    return {m.__name__: m.__version__ for m in (pymc, pytensor, nutpie, arviz)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--size", type=int, default=None)
    parser.add_argument("--from", dest="source", default=None, help="model to sample (same posterior)")
    args = parser.parse_args(argv)

    target = models.get_model(args.model)
    source = models.get_model(args.source or args.model)
    size = target.check_size(args.size)
    if target.analytic_posterior is not None and args.source is None:
        return _write(target, size, {"source": "analytic", "versions": _versions(),
                                     "created": datetime.date.today().isoformat()},
                      {name: {"mean": mean, "sd": sd} for name, (mean, sd) in target.analytic_posterior(target.data(size)).items()})
    target_names = {v.name for v in target.build(size).unobserved_RVs}

    import nutpie

    compiled = get_backend(BACKEND).compile(source.build(size), SETTINGS)
    start = time.perf_counter()
    idata = nutpie.sample(
        compiled.state,
        draws=SETTINGS.draws,
        tune=SETTINGS.tune,
        chains=SETTINGS.chains,
        cores=SETTINGS.resolved_cores(),
        seed=SETTINGS.seed,
        target_accept=TARGET_ACCEPT,
        progress_bar=False,
    )
    run = SampleRun(idata, time.perf_counter() - start, float("nan"))
    metrics = compute_metrics(run)
    posterior = run.idata["posterior"].to_dataset()
    kept = posterior[[name for name in posterior.data_vars if name in target_names]]

    converged = metrics.rhat_max < RHAT_LIMIT and metrics.divergences == 0
    print(f"{source.name}: rhat_max={metrics.rhat_max:.4f} divergences={metrics.divergences} "
          f"ess_bulk_min={metrics.ess_bulk_min:.0f} wall={metrics.wall_seconds:.1f}s")
    if not converged:
        print(f"not converged (need R-hat < {RHAT_LIMIT} and no divergences): nothing written", file=sys.stderr)
        return 1

    # constants (a correlation matrix's unit diagonal: sd 1e-16) have no sd to measure an error in
    summary = {name: {"mean": mean, "sd": sd} for name, (mean, sd) in scalar_means_and_sds(kept).items()
               if sd > 1e-9 * max(1.0, abs(mean))}
    record = {
        "sampled_model": source.name,
        "backend": BACKEND,
        "settings": {**SETTINGS.__dict__, "target_accept": TARGET_ACCEPT},
        "diagnostics": {
            "rhat_max": metrics.rhat_max,
            "divergences": metrics.divergences,
            "ess_bulk_min": metrics.ess_bulk_min,
            "ess_tail_min": metrics.ess_tail_min,
        },
        "versions": _versions(),
        "created": datetime.date.today().isoformat(),
    }
    return _write(target, size, record, summary)


def _write(target, size, record: dict, summary: dict) -> int:
    path = models.REFERENCE_DIR / models.reference_filename(target.name, size)
    path.write_text(json.dumps({"model": target.name, "size": size, **record, "summary": summary}, indent=1) + "\n")
    print(f"wrote {path} ({len(summary)} parameters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
