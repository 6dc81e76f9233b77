"""The records that let tracked benchmarks reuse the timed run, and how they carry skips and failures."""

import pytest

from benchmarks import common, sampling


@pytest.fixture(autouse=True)
def _records_in_tmp(tmp_path, monkeypatch):
    monkeypatch.setattr(common, "RECORD_ROOT", tmp_path)
    monkeypatch.setenv("ASV_COMMIT", "0123abcd")


def test_a_recorded_run_is_read_back_for_the_same_settings():
    common.write_record("radon_hierarchical", "pymc", {"ess_bulk_min": 12.5}, "compiled once")
    record = sampling._load_record("radon_hierarchical", "pymc")
    assert record["metrics"] == {"ess_bulk_min": 12.5}
    assert record["settings"] == common.TIER.settings.__dict__
    assert "pymc" in record["versions"]


def test_a_skipped_compile_stays_a_skip_and_a_failure_stays_a_failure():
    common.write_failure("gp_latent-50", "pymc-pytorch", "No PyTorch conversion for Cholesky", skipped=True)
    with pytest.raises(NotImplementedError, match="Cholesky"):
        sampling._load_record("gp_latent-50", "pymc-pytorch")
    common.write_failure("logistic_regression-1000", "pymc-pytorch", "TorchRuntimeError: where")
    with pytest.raises(RuntimeError, match="sampling run failed: TorchRuntimeError"):
        sampling._load_record("logistic_regression-1000", "pymc-pytorch")


def test_discrete_model_is_skipped_before_any_record_is_looked_for():
    with pytest.raises(NotImplementedError, match="discrete"):
        sampling._load_record("discrete_mixture", "numpyro")


def test_unknown_tier_names_the_valid_ones(monkeypatch):
    monkeypatch.setenv("PMB_TIER", "fast")
    with pytest.raises(ValueError, match="valid tiers: tiny, quick, full"):
        common.current_tier_name()
