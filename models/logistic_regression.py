"""Logistic regression on a dense design matrix; size = number of observations (50 features)."""

import numpy as np

NAME = "logistic_regression"
DESCRIPTION = "Logistic regression, dense N x 50 design; size = N observations; 51 parameters"
DISCRETE = False
SIZES = (1_000, 10_000, 100_000)
DEFAULT_SIZE = 10_000
DATA_SEED = 42

N_FEATURES = 50


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """Standard-normal features scaled so the linear predictor has unit variance."""
    rng = np.random.default_rng(seed)
    beta = rng.normal(0.0, 1.0, size=N_FEATURES)
    X = rng.normal(0.0, 1.0, size=(size, N_FEATURES)) / np.sqrt(N_FEATURES)
    alpha = -0.5
    p = 1.0 / (1.0 + np.exp(-(alpha + X @ beta)))
    y = rng.binomial(1, p)
    return {"X": X, "y": y, "beta_true": beta, "alpha_true": alpha}


def build(data):
    """y ~ Bernoulli(logit_p = alpha + X @ beta), beta ~ Normal(0, 1), alpha ~ Normal(0, 2)."""
    import pymc as pm

    with pm.Model() as model:
        alpha = pm.Normal("alpha", 0, 2)
        beta = pm.Normal("beta", 0, 1, shape=data["X"].shape[1])
        pm.Bernoulli("y", logit_p=alpha + pm.math.dot(data["X"], beta), observed=data["y"])
    return model
