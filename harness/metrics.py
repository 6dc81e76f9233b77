"""One function from a sampling run to its numbers; every ESS and R-hat comes from ArviZ."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Metrics:
    """The numbers of one run; None where the backend does not report what a metric needs."""

    ess_bulk_min: float
    ess_bulk_mean: float
    ess_tail_min: float
    rhat_max: float
    divergences: int
    grad_evals_tune: int | None
    grad_evals_draws: int
    grad_evals_per_ess: float
    wall_seconds: float
    cpu_seconds: float
    parallel_efficiency: float
    seconds_per_ess: float
    ess_per_second: float
    reference_error: float | None
    compile_seconds: float | None
    peak_rss_bytes: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _group(idata, name: str):
    """A group of an InferenceData (ArviZ < 1) or a DataTree (ArviZ >= 1) as an xarray Dataset."""
    try:
        group = idata[name]
    except KeyError:
        return None
    return group.to_dataset() if hasattr(group, "to_dataset") else group


def _as_dataset(result):
    return result.to_dataset() if hasattr(result, "to_dataset") else result


def _finite_values(dataset) -> np.ndarray:
    values = np.concatenate([np.ravel(dataset[var].values) for var in dataset.data_vars])
    return values[np.isfinite(values)]


def _total(stats, variable: str) -> int | None:
    if stats is None or variable not in stats:
        return None
    return int(np.sum(stats[variable].values))


def scalar_means_and_sds(posterior) -> dict[str, tuple[float, float]]:
    """Posterior mean and sd of every scalar parameter, named like ``theta[0]`` or ``w[1,2]``."""
    summaries = {}
    for var in posterior.data_vars:
        values = np.asarray(posterior[var].values, dtype=float)
        flat = values.reshape(values.shape[0] * values.shape[1], -1)
        inner_shape = values.shape[2:]
        for flat_index in range(flat.shape[1]):
            if inner_shape:
                index = ",".join(str(i) for i in np.unravel_index(flat_index, inner_shape))
                key = f"{var}[{index}]"
            else:
                key = str(var)
            column = flat[:, flat_index]
            summaries[key] = (float(column.mean()), float(column.std(ddof=1)))
    return summaries


def reference_error(posterior, reference: dict[str, Any]) -> float:
    """Largest |posterior mean - reference mean| / reference sd over the reference's parameters."""
    summaries = scalar_means_and_sds(posterior)
    missing = sorted(set(reference["summary"]) - set(summaries))
    if missing:
        raise ValueError(f"the posterior lacks reference parameters {missing[:5]} (of {len(missing)})")
    return max(
        abs(summaries[name][0] - ref["mean"]) / ref["sd"] for name, ref in reference["summary"].items()
    )


def compute_metrics(run, reference: dict[str, Any] | None = None, compile_seconds: float | None = None) -> Metrics:
    """The metrics of one ``SampleRun`` (idata, wall and CPU seconds), checked against ``reference``."""
    import arviz as az

    posterior = _group(run.idata, "posterior")
    ess_bulk = _as_dataset(az.ess(posterior, method="bulk"))
    ess_tail = _as_dataset(az.ess(posterior, method="tail"))
    rhat = _as_dataset(az.rhat(posterior))

    ess_bulk_min = float(np.min(_finite_values(ess_bulk)))
    # The notebook's mean ESS: the mean over variables of each variable's mean ESS.
    ess_bulk_mean = float(np.mean([np.nanmean(ess_bulk[var].values) for var in ess_bulk.data_vars]))

    stats = _group(run.idata, "sample_stats")
    warmup_stats = _group(run.idata, "warmup_sample_stats")
    grad_evals_draws = _total(stats, "n_steps")
    if grad_evals_draws is None:
        raise ValueError("sample_stats has no n_steps: this run does not report gradient evaluations")
    divergences = _total(stats, "diverging") or 0
    wall, cpu = run.wall_seconds, run.cpu_seconds

    return Metrics(
        ess_bulk_min=ess_bulk_min,
        ess_bulk_mean=ess_bulk_mean,
        ess_tail_min=float(np.min(_finite_values(ess_tail))),
        rhat_max=float(np.max(_finite_values(rhat))),
        divergences=divergences,
        grad_evals_tune=_total(warmup_stats, "n_steps"),
        grad_evals_draws=grad_evals_draws,
        grad_evals_per_ess=grad_evals_draws / ess_bulk_min,
        wall_seconds=wall,
        cpu_seconds=cpu,
        parallel_efficiency=cpu / wall,
        seconds_per_ess=wall / ess_bulk_min,
        ess_per_second=ess_bulk_mean / wall,
        reference_error=None if reference is None else reference_error(posterior, reference),
        compile_seconds=compile_seconds,
        peak_rss_bytes=run.peak_rss_bytes,
    )


def format_metrics(metrics: Metrics) -> str:
    """The metrics as aligned ``name  value`` lines."""
    width = max(len(name) for name in metrics.as_dict())
    lines = []
    for name, value in metrics.as_dict().items():
        if value is None:
            shown = "n/a"
        elif isinstance(value, float) and math.isfinite(value):
            shown = f"{value:.4g}"
        else:
            shown = str(value)
        lines.append(f"{name:<{width}}  {shown}")
    return "\n".join(lines)
