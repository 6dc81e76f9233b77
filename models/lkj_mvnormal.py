"""Dense covariance estimation: a multivariate normal with an LKJ prior on its Cholesky factor (pymc-examples'
"LKJ Cholesky Covariance Priors for Multivariate Normal Models")."""

import numpy as np

NAME = "lkj_mvnormal"
DESCRIPTION = ("Multivariate normal with an LKJ Cholesky covariance prior, 500 observations; size = dimension; "
               "d + d (d + 1) / 2 parameters")
DISCRETE = False
SIZES = (3, 10, 30)
DEFAULT_SIZE = 3
DATA_SEED = 42

N_OBS = 500


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """Draws from a normal with random means, sds from 0.5 to 3 and a random correlation matrix."""
    rng = np.random.default_rng(seed)
    factors = rng.normal(size=(size, size))
    covariance = factors @ factors.T + size * np.eye(size)
    scale = np.sqrt(np.diag(covariance))
    correlation = covariance / np.outer(scale, scale)
    sds = rng.uniform(0.5, 3.0, size=size)
    mean = rng.normal(0.0, 2.0, size=size)
    x = rng.multivariate_normal(mean, correlation * np.outer(sds, sds), size=N_OBS)
    return {"x": x}


def build(data):
    """The notebook's model: chol ~ LKJCholeskyCov(eta=2, sd_dist=Exponential(1)), mu ~ Normal(0, 1.5)."""
    import pymc as pm

    dimension = data["x"].shape[1]
    with pm.Model() as model:
        chol, _, _ = pm.LKJCholeskyCov("chol", n=dimension, eta=2.0, sd_dist=pm.Exponential.dist(1.0, shape=dimension),
                                       compute_corr=True)
        mu = pm.Normal("mu", 0.0, 1.5, shape=dimension)
        pm.MvNormal("x", mu=mu, chol=chol, observed=data["x"])
    return model
