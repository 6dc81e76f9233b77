"""Hierarchical logistic regression with unknown group membership, from the notebook's discrete example."""

import numpy as np

NAME = "discrete_mixture"
DESCRIPTION = "Logistic regression with a Categorical group per observation (discrete: PyMC's compound step only)"
DISCRETE = True
SIZES = ()
DEFAULT_SIZE = None
DATA_SEED = 42

N_OBS = 100
N_GROUPS = 3
N_FEATURES = 4
TRUE_INTERCEPTS = np.array([-1.5, 0.0, 1.2])


def generate_data(seed=DATA_SEED):
    """The notebook's ``generate_group_data(n_obs=100, n_groups=3)``, draw for draw."""
    rng = np.random.default_rng(seed)
    true_groups = rng.choice(N_GROUPS, size=N_OBS)
    true_slopes = rng.normal(0, 0.8, size=(N_GROUPS, N_FEATURES))
    X = rng.standard_normal(size=(N_OBS, N_FEATURES))
    y = np.zeros(N_OBS, dtype=int)
    for i in range(N_OBS):
        group = true_groups[i]
        logit_p = TRUE_INTERCEPTS[group] + X[i] @ true_slopes[group]
        y[i] = rng.binomial(1, 1 / (1 + np.exp(-logit_p)))
    return {"X": X, "y": y, "true_groups": true_groups, "true_slopes": true_slopes}


def build(data):
    """The notebook's ``discrete_mixture_model``."""
    import pymc as pm

    X = data["X"]
    n_obs, n_features = X.shape
    with pm.Model() as model:
        group_probs = pm.Dirichlet("group_probs", a=np.ones(N_GROUPS))
        groups = pm.Categorical("group_assignments", p=group_probs, shape=n_obs)
        mu_intercept = pm.Normal("mu_intercept", 0, 2)
        sigma_intercept = pm.HalfNormal("sigma_intercept", 1)
        intercepts = pm.Normal("intercepts", mu_intercept, sigma_intercept, shape=N_GROUPS)
        mu_slopes = pm.Normal("mu_slopes", 0, 1, shape=n_features)
        sigma_slopes = pm.HalfNormal("sigma_slopes", 1, shape=n_features)
        slopes = pm.Normal("slopes", mu_slopes, sigma_slopes, shape=(N_GROUPS, n_features))
        linear_pred = intercepts[groups] + pm.math.sum(slopes[groups] * X, axis=1)
        pm.Bernoulli("y_obs", logit_p=linear_pred, observed=data["y"])
    return model
