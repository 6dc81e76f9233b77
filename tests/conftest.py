"""Shared fixtures: tiny sampling settings, so the whole suite stays well inside CI's budget."""

import warnings

import pytest

import harness  # noqa: F401  (configures threads, BLAS and JAX before PyTensor or JAX load)
from harness.backends import SampleSettings

TINY = SampleSettings(draws=30, tune=30, chains=2, cores=2, seed=7)


@pytest.fixture(autouse=True)
def _quiet_sampler_warnings():
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*samples per chain.*")
        warnings.filterwarnings("ignore", category=FutureWarning)
        yield


@pytest.fixture
def tiny():
    return TINY
