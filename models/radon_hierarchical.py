"""Varying-intercept regression in the style of the radon data: 919 houses in 85 counties."""

import numpy as np

NAME = "radon_hierarchical"
DESCRIPTION = "Radon-style varying intercepts (non-centered), 919 observations in 85 groups; 89 parameters"
DISCRETE = False
SIZES = ()
DEFAULT_SIZE = None
DATA_SEED = 42

N_OBS = 919
N_GROUPS = 85


def generate_data(seed=DATA_SEED):
    """Unbalanced groups (a few large, many with a handful of houses), a floor indicator, log radon."""
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(mean=0.0, sigma=1.2, size=N_GROUPS)
    # Every county gets at least one house; the rest fall by the lognormal weights, as in radon.
    extra = rng.multinomial(N_OBS - N_GROUPS, weights / weights.sum())
    group = np.repeat(np.arange(N_GROUPS), extra + 1)
    floor = rng.binomial(1, 0.2, size=N_OBS).astype(float)
    county_effect = rng.normal(1.5, 0.35, size=N_GROUPS)
    log_radon = county_effect[group] - 0.65 * floor + rng.normal(0.0, 0.75, size=N_OBS)
    return {"group": group, "floor": floor, "log_radon": log_radon, "n_groups": N_GROUPS}


def build(data):
    """log_radon ~ Normal(a[county] + b * floor, sigma), a = mu_a + sigma_a * z."""
    import pymc as pm

    with pm.Model() as model:
        mu_a = pm.Normal("mu_a", 0, 10)
        sigma_a = pm.HalfNormal("sigma_a", 5)
        z = pm.Normal("a_offset", 0, 1, shape=data["n_groups"])
        a = pm.Deterministic("a", mu_a + sigma_a * z)
        b = pm.Normal("b", 0, 10)
        sigma = pm.HalfNormal("sigma", 5)
        mu = a[data["group"]] + b * data["floor"]
        pm.Normal("log_radon", mu, sigma, observed=data["log_radon"])
    return model
