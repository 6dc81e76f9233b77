"""Reference posteriors: converged runs only, names the model has, and known values where published."""

import json

import pytest

import models

FILES = sorted(models.REFERENCE_DIR.glob("*.json"))


def test_references_exist_for_several_models():
    assert {json.loads(p.read_text())["model"] for p in FILES} >= {
        "eight_schools_noncentered",
        "eight_schools_centered",
        "radon_hierarchical",
        "logistic_regression",
    }


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_reference_is_converged_and_matches_its_model(path):
    record = json.loads(path.read_text())
    spec = models.get_model(record["model"])
    if record.get("source") == "analytic":  # known exactly: the model's own formula, no run
        exact = spec.analytic_posterior(spec.data(record["size"]))
        # (to rounding: the covariance's Cholesky factor may differ in its last bits between BLAS builds)
        assert record["summary"].keys() == exact.keys()
        for name, (mean, sd) in exact.items():
            assert (record["summary"][name]["mean"], record["summary"][name]["sd"]) == pytest.approx((mean, sd), rel=1e-9)
    else:
        assert record["diagnostics"]["rhat_max"] < 1.01
        assert record["diagnostics"]["divergences"] == 0
        assert record["settings"]["chains"] * record["settings"]["draws"] >= 10_000
    assert spec.reference(record["size"]) == record
    variables = {v.name for v in spec.build(record["size"]).unobserved_RVs}
    for name, moments in record["summary"].items():
        assert name.split("[")[0] in variables, name
        assert moments["sd"] > 0


def test_eight_schools_reference_matches_the_published_posterior():
    # posteriordb's eight_schools_noncentered gold: mu 4.4 (sd 3.3), tau 3.6 (sd 3.2)
    summary = models.get_model("eight_schools_centered").reference()["summary"]
    assert summary["mu"]["mean"] == pytest.approx(4.4, abs=0.3)
    assert summary["mu"]["sd"] == pytest.approx(3.3, abs=0.3)
    assert summary["tau"]["mean"] == pytest.approx(3.6, abs=0.3)
    assert summary["tau"]["sd"] == pytest.approx(3.2, abs=0.4)


def test_an_analytic_reference_agrees_with_a_run():
    """mvnormal_dense's exact posterior against a short nutpie run: within the review's own tolerance."""
    from harness.backends import SampleSettings, get_backend
    from harness.metrics import compute_metrics
    from reporting.paired import posterior_tolerance

    spec = models.get_model("mvnormal_dense")
    reference = spec.reference(10)
    assert reference["source"] == "analytic"
    settings = SampleSettings(draws=500, tune=500, chains=2, seed=3)
    backend = get_backend("nutpie-numba")
    metrics = compute_metrics(backend.sample(backend.compile(spec.build(10), settings), settings), reference)
    assert 0 < metrics.reference_error < posterior_tolerance(metrics.ess_bulk_min, None, len(reference["summary"]))
