"""Stochastic volatility of a return series: one latent log-volatility per time step."""

import numpy as np

NAME = "stochastic_volatility"
DESCRIPTION = "Stochastic volatility, Gaussian random walk log-volatility; size = T steps; T + 2 parameters"
DISCRETE = False
SIZES = (500, 1_000, 2_000, 8_000)
DEFAULT_SIZE = 500
DATA_SEED = 42


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """Returns with Student-T(nu=8) shocks scaled by exp(log-volatility random walk, step 0.1)."""
    rng = np.random.default_rng(seed)
    log_volatility = np.cumsum(rng.normal(0.0, 0.1, size=size)) - 4.0
    returns = np.exp(log_volatility) * rng.standard_t(df=8.0, size=size)
    return {"returns": returns, "log_volatility_true": log_volatility}


def build(data):
    """PyMC's stochastic volatility example: returns ~ StudentT(nu, lam=exp(-2 s)), s a random walk."""
    import pymc as pm

    returns = data["returns"]
    with pm.Model() as model:
        step_size = pm.Exponential("step_size", 10)
        volatility = pm.GaussianRandomWalk(
            "volatility", sigma=step_size, init_dist=pm.Normal.dist(-4.0, 2.0), shape=len(returns)
        )
        nu = pm.Exponential("nu", 0.1)
        pm.StudentT("returns", nu=nu, lam=pm.math.exp(-2 * volatility), observed=returns)
    return model
