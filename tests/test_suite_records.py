"""The records that let tracked benchmarks reuse the timed run (skips, failures, killed runs), and cache cleanup."""

import os

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


def test_a_backend_that_cannot_be_imported_is_recorded_as_a_skip_with_its_reason(monkeypatch):
    # nutpie 0.14.1 imports flowjax, which its wheel declares only for an extra: the run's record keeps that reason
    # (for reasons.json), and the tracked benchmarks skip on it without trying the import again
    from harness.backends import get_backend

    backend = type(get_backend("nutpie-numba"))
    monkeypatch.setattr(backend, "unavailable_reason", lambda self: "nutpie fails to import (No module named 'flowjax')")
    with pytest.raises(NotImplementedError, match="flowjax"):
        sampling.Sampling().setup("radon_hierarchical", "nutpie-numba")
    assert common.read_record("radon_hierarchical", "nutpie-numba")["skipped"] == (
        "nutpie fails to import (No module named 'flowjax')")
    monkeypatch.setattr(backend, "unavailable_reason", lambda self: pytest.fail("the import was tried again"))
    with pytest.raises(NotImplementedError, match="flowjax"):
        sampling._load_record("radon_hierarchical", "nutpie-numba")


def test_discrete_model_is_skipped_before_any_record_is_looked_for():
    with pytest.raises(NotImplementedError, match="discrete"):
        sampling._load_record("discrete_mixture", "numpyro")


def test_unknown_tier_names_the_valid_ones(monkeypatch):
    monkeypatch.setenv("PMB_TIER", "fast")
    with pytest.raises(ValueError, match="valid tiers: tiny, quick, full"):
        common.current_tier_name()


HUNG_RUN = """
import sys, time
from pathlib import Path
from benchmarks import common, sampling
from harness.backends import get_backend

common.RECORD_ROOT = Path(sys.argv[1])
type(get_backend("pymc")).sample = lambda self, compiled, settings: time.sleep(3600)  # a hung sampler
bench = sampling.Sampling()
bench.setup("eight_schools_noncentered", "pymc")
bench.time_sample("eight_schools_noncentered", "pymc")
"""


def test_a_run_killed_at_its_timeout_fails_the_tracked_benchmarks_without_sampling_again(tmp_path, monkeypatch):
    import signal
    import subprocess
    import sys
    import time

    monkeypatch.setattr(sampling, "_sample", lambda *_: pytest.fail("the tracked benchmark sampled again"))
    root = common.RECORD_ROOT
    hung = subprocess.Popen([sys.executable, "-c", HUNG_RUN, str(root)])
    try:
        path = common.record_path("eight_schools_noncentered", "pymc")
        deadline = time.monotonic() + 240
        while not (path.exists() and "started" in path.read_text()):
            assert hung.poll() is None, "the sampling process ended before it began sampling"
            assert time.monotonic() < deadline, "the sampling process never began sampling"
            time.sleep(0.1)
        hung.send_signal(signal.SIGKILL)  # what asv does at a benchmark's timeout
        hung.wait()
    finally:
        hung.kill()
    with pytest.raises(RuntimeError, match=rf"sampling run did not finish: its process \(pid {hung.pid}\) ended"):
        sampling._load_record("eight_schools_noncentered", "pymc")


def test_cold_compile_caches_of_ended_processes_are_removed_and_others_kept(tmp_path, monkeypatch):
    import subprocess
    import sys
    import tempfile

    from benchmarks import compile as compile_benchmarks

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    of_ended = tmp_path / f"pmb-cold-{ended.stdout.strip()}-abc"
    of_this = tmp_path / f"pmb-cold-{os.getpid()}-def"
    not_ours = tmp_path / "pmb-cold-notes-2026"
    for folder in (of_ended, of_this, not_ours):
        (folder / "pytensor").mkdir(parents=True)
    compile_benchmarks._remove_caches_of_ended_processes()
    assert not of_ended.exists() and of_this.exists() and not_ours.exists()
