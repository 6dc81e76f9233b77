"""Many small groups: a beta-binomial hierarchy in the style of the rat tumour experiments (BDA3, section 5.3)."""

import numpy as np

NAME = "hierarchical_binomial"
DESCRIPTION = ("Hierarchical binomial, rat tumours style (BDA3 5.3): 10-50 trials in each of many groups; "
               "size = groups; groups + 2 parameters")
DISCRETE = False
SIZES = (70, 700, 7_000)
DEFAULT_SIZE = 70
DATA_SEED = 42

MEAN_TRUE, CONCENTRATION_TRUE = 0.14, 15.0


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """Each group's rate from Beta(mean * concentration, (1 - mean) * concentration), its 10-50 trials."""
    rng = np.random.default_rng(seed)
    trials = rng.integers(10, 51, size=size)
    rates = rng.beta(MEAN_TRUE * CONCENTRATION_TRUE, (1 - MEAN_TRUE) * CONCENTRATION_TRUE, size=size)
    return {"trials": trials, "successes": rng.binomial(trials, rates)}


def build(data):
    """The rates on the logit scale, non-centered: logit(theta_j) = mu + tau z_j (a Beta hierarchy's
    logit-normal counterpart, which NUTS samples without divergences)."""
    import pymc as pm

    with pm.Model() as model:
        mu = pm.Normal("mu", -1.5, 1.5)
        tau = pm.HalfNormal("tau", 1.0)
        z = pm.Normal("z", 0, 1, shape=len(data["trials"]))
        pm.Binomial("successes", n=data["trials"], logit_p=mu + tau * z, observed=data["successes"])
    return model
