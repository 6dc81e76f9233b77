"""Metrics on runs small enough to check by hand."""

import arviz as az
import numpy as np
import pytest

from harness.backends import SampleRun
from harness.metrics import compute_metrics, reference_error, scalar_means_and_sds

CHAINS, DRAWS = 2, 100
_rng = np.random.default_rng(0)
A = _rng.normal(size=(CHAINS, DRAWS))  # independent draws: high ESS
# b[0] is a rescaled copy of a; b[1] is a random walk, the worst-mixed entry.
B = np.stack([2.0 * A, np.cumsum(_rng.normal(size=(CHAINS, DRAWS)), axis=1)], axis=-1)
N_STEPS = np.full((CHAINS, DRAWS), 3)
DIVERGING = np.zeros((CHAINS, DRAWS), dtype=bool)
DIVERGING[1, 40] = True
WARMUP_N_STEPS = np.full((CHAINS, 20), 5)


def _run(posterior=None, wall=2.0, cpu=3.0):
    idata = az.from_dict(
        {
            "posterior": posterior or {"a": A, "b": B},
            "sample_stats": {"n_steps": N_STEPS, "diverging": DIVERGING},
            "warmup_sample_stats": {"n_steps": WARMUP_N_STEPS},
        },
        save_warmup=True,
    )
    return SampleRun(idata, wall, cpu)


def test_counts_costs_and_efficiency_by_hand():
    m = compute_metrics(_run(), compile_seconds=1.5)
    assert m.grad_evals_draws == 2 * 100 * 3
    assert m.grad_evals_tune == 2 * 20 * 5
    assert m.divergences == 1
    assert m.wall_seconds == 2.0 and m.cpu_seconds == 3.0
    assert m.parallel_efficiency == pytest.approx(1.5)
    assert m.compile_seconds == 1.5
    assert m.seconds_per_ess == pytest.approx(2.0 / m.ess_bulk_min)
    assert m.grad_evals_per_ess == pytest.approx(600 / m.ess_bulk_min)
    assert m.ess_per_second == pytest.approx(m.ess_bulk_mean / 2.0)
    assert m.reference_error is None
    assert m.peak_rss_bytes is None  # this run was not monitored


def test_ess_and_rhat_come_from_arviz_with_the_notebooks_mean():
    run = _run()
    m = compute_metrics(run)
    ess = az.ess(run.idata, method="bulk").to_dataset()
    ess_a, ess_b = float(ess["a"]), ess["b"].values
    assert ess_b[1] < ess_a / 5  # the random walk is the worst case
    assert m.ess_bulk_min == pytest.approx(ess_b[1])
    # the notebook averages per-variable means: (ess(a) + mean(ess(b))) / 2, not over 3 scalars
    assert m.ess_bulk_mean == pytest.approx((ess_a + ess_b.mean()) / 2)
    tail = az.ess(run.idata, method="tail").to_dataset()
    assert m.ess_tail_min == pytest.approx(min(float(tail["a"]), *tail["b"].values))
    rhat = az.rhat(run.idata).to_dataset()
    assert m.rhat_max == pytest.approx(max(float(rhat["a"]), *rhat["b"].values))
    assert m.rhat_max > 1.01  # the random walk has not converged


def test_reference_error_is_the_largest_standardized_mean_gap():
    # two chains of three draws: means 2.5 (a) and 5.0 (w[1,0]), easy to check by hand
    a = np.array([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    w = np.zeros((2, 3, 2, 1))
    w[:, :, 1, 0] = 2.0 * a
    posterior = _run({"a": a, "w": w}).idata["posterior"].to_dataset()
    summaries = scalar_means_and_sds(posterior)
    assert set(summaries) == {"a", "w[0,0]", "w[1,0]"}
    assert summaries["a"] == pytest.approx((2.5, np.std([1, 2, 3, 2, 3, 4], ddof=1)))
    assert summaries["w[1,0]"][0] == pytest.approx(5.0)
    reference = {"summary": {"a": {"mean": 2.0, "sd": 0.25}, "w[1,0]": {"mean": 5.5, "sd": 1.0}}}
    # |2.5 - 2.0| / 0.25 = 2.0 beats |5.0 - 5.5| / 1.0 = 0.5
    assert reference_error(posterior, reference) == pytest.approx(2.0)


def test_reference_error_reaches_the_metrics():
    reference = {"summary": {"a": {"mean": float(A.mean()) + 0.3, "sd": 0.1}}}
    assert compute_metrics(_run(), reference).reference_error == pytest.approx(3.0)


def test_reference_naming_a_missing_parameter_is_an_error():
    posterior = _run().idata["posterior"].to_dataset()
    with pytest.raises(ValueError, match="lacks reference parameters"):
        reference_error(posterior, {"summary": {"c": {"mean": 0.0, "sd": 1.0}}})


def test_run_without_gradient_counts_is_an_error():
    idata = az.from_dict({"posterior": {"a": A}, "sample_stats": {"diverging": DIVERGING}})
    with pytest.raises(ValueError, match="n_steps"):
        compute_metrics(SampleRun(idata, 1.0, 1.0))
