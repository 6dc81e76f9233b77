"""A large generalized linear model: Poisson regression with a log link on a dense design."""

import numpy as np

NAME = "poisson_regression"
DESCRIPTION = "Poisson regression, log link, dense N x 20 design; size = N observations; 21 parameters"
DISCRETE = False
SIZES = (10_000, 100_000, 1_000_000)
DEFAULT_SIZE = 10_000
DATA_SEED = 42

N_FEATURES = 20


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """Standard-normal features scaled so the log rate has sd 0.5 around log 3."""
    rng = np.random.default_rng(seed)
    beta = rng.normal(0.0, 1.0, size=N_FEATURES)
    X = rng.normal(0.0, 1.0, size=(size, N_FEATURES)) * (0.5 / np.sqrt(N_FEATURES))
    intercept = np.log(3.0)
    return {"X": X, "y": rng.poisson(np.exp(intercept + X @ beta)), "beta_true": beta, "intercept_true": intercept}


def build(data):
    """y ~ Poisson(exp(intercept + X @ beta)), beta ~ Normal(0, 1), intercept ~ Normal(0, 2)."""
    import pymc as pm

    with pm.Model() as model:
        intercept = pm.Normal("intercept", 0, 2)
        beta = pm.Normal("beta", 0, 1, shape=data["X"].shape[1])
        pm.Poisson("y", mu=pm.math.exp(intercept + pm.math.dot(data["X"], beta)), observed=data["y"])
    return model
