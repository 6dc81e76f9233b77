"""The backend adapter: names, availability, skips, tiny real runs, and seeded reproducibility."""

import importlib
import warnings

import numpy as np
import pytest

import models
from harness import backends
from harness.backends import BACKENDS, get_backend
from harness.metrics import compute_metrics

TEN = [
    "pymc",
    "pymc-numba",
    "pymc-jax",
    "pymc-pytorch",
    "nutpie-numba",
    "nutpie-jax",
    "nutpie-jax-pytensor-grad",
    "numpyro",
    "numpyro-vectorized",
    "blackjax",
]
SMALL = models.get_model("eight_schools_noncentered")


def test_the_ten_names():
    assert backends.backend_names() == TEN


def test_unknown_backend_lists_valid_names():
    with pytest.raises(KeyError) as error:
        get_backend("nutpie")
    assert "'nutpie'" in str(error.value)
    assert all(name in str(error.value) for name in TEN)


def test_every_backend_is_installed_here():
    # make setup installs every backend: a skip here would hide a broken install from CI.
    reasons = {name: b.unavailable_reason() for name, b in BACKENDS.items()}
    assert reasons == {name: None for name in TEN}


@pytest.mark.parametrize("name", TEN)
def test_backend_samples_a_tiny_model(name, tiny):
    backend = get_backend(name)
    compiled = backend.compile(SMALL.build(), tiny)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*nuts_sampler_kwargs")  # a keyword the installed PyMC deprecates
        run = backend.sample(compiled, tiny)
    posterior = run.idata["posterior"]
    assert posterior["mu"].shape == (tiny.chains, tiny.draws)
    n_steps = run.idata["sample_stats"]["n_steps"].values
    assert n_steps.shape == (tiny.chains, tiny.draws) and n_steps.min() >= 1
    assert compiled.compile_seconds is not None and compiled.compile_seconds >= 0
    metrics = compute_metrics(run, compile_seconds=compiled.compile_seconds)
    assert metrics.grad_evals_draws == int(n_steps.sum())
    assert metrics.wall_seconds > 0 and metrics.cpu_seconds > 0
    assert metrics.peak_rss_bytes > 50 * 2**20  # at least a Python process with PyMC loaded
    if name.startswith(("pymc", "nutpie")):
        # these report tuning apart; numpyro and blackjax do not through pm.sample
        assert metrics.grad_evals_tune is not None and metrics.grad_evals_tune >= tiny.tune * tiny.chains


def test_discrete_model_runs_only_on_the_pymc_family(tiny):
    spec = models.get_model("discrete_mixture")
    for name, backend in BACKENDS.items():
        reason = backend.unsupported_reason(spec)
        if name.startswith("pymc"):
            assert reason is None
        else:
            assert "discrete" in reason
    backend = get_backend("pymc")
    run = backend.sample(backend.compile(spec.build(), tiny), tiny)
    assert run.idata["posterior"]["group_assignments"].shape == (tiny.chains, tiny.draws, 100)
    assert int(run.idata["sample_stats"]["n_steps"].sum()) > 0


@pytest.mark.parametrize("name", ["pymc", "nutpie-numba"])
def test_same_seed_same_draws(name, tiny):
    backend = get_backend(name)
    compiled = backend.compile(SMALL.build(), tiny)
    first = backend.sample(compiled, tiny).idata["posterior"]["theta"].values
    again = backend.sample(compiled, tiny).idata["posterior"]["theta"].values
    other_seed = backend.sample(compiled, type(tiny)(**{**tiny.__dict__, "seed": tiny.seed + 1}))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other_seed.idata["posterior"]["theta"].values)


def test_missing_package_is_a_skip_with_its_reason(monkeypatch):
    real_import = importlib.import_module

    def no_nutpie(name, *args, **kwargs):
        if name == "nutpie":
            raise ModuleNotFoundError("No module named 'nutpie'", name="nutpie")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(backends.importlib, "import_module", no_nutpie)
    for name in ("nutpie-numba", "nutpie-jax", "nutpie-jax-pytensor-grad"):
        assert get_backend(name).skip_reason(SMALL) == "nutpie not installed"
    assert get_backend("pymc-numba").skip_reason(SMALL) is None


def test_a_package_whose_own_import_needs_a_missing_one_fails_to_import(monkeypatch):
    real_import = importlib.import_module

    def nutpie_without_flowjax(name, *args, **kwargs):  # nutpie 0.14.1's wheel imports flowjax, an optional extra
        if name == "nutpie":
            raise ModuleNotFoundError("No module named 'flowjax'", name="flowjax")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(backends.importlib, "import_module", nutpie_without_flowjax)
    assert get_backend("nutpie-numba").skip_reason(SMALL) == "nutpie fails to import (No module named 'flowjax')"


def test_nutpie_numba_gradient_evaluator_calls_the_compiled_logp_nutpie_samples_with(monkeypatch):
    evaluate = get_backend("nutpie-numba").gradient_evaluator(SMALL.build())  # checked against PyMC's logp and gradient
    assert evaluate() == 0
    model = SMALL.build()
    monkeypatch.setattr(model, "compile_logp", lambda: lambda point: 0.0)
    with pytest.raises(RuntimeError, match="differ from PyMC"):
        get_backend("nutpie-numba").gradient_evaluator(model)


def test_pymc_modes_by_the_names_of_an_older_pytensor(monkeypatch):
    # PyTensor 2 (PyMC 5) has no CVM mode: its FAST_RUN is the C VM; it has no PYTORCH mode before 2.2x.
    from pytensor.compile import mode as pytensor_modes

    cvm = pytensor_modes.predefined_modes["CVM"]
    monkeypatch.setattr(pytensor_modes, "predefined_modes",
                        {"FAST_RUN": cvm, "NUMBA": pytensor_modes.predefined_modes["NUMBA"]})
    assert get_backend("pymc").pytensor_mode() == "FAST_RUN"
    assert get_backend("pymc-numba").pytensor_mode() == "NUMBA"
    assert get_backend("pymc-pytorch").pytensor_mode() is None
    assert "no PYTORCH mode" in get_backend("pymc-pytorch").skip_reason(SMALL)
