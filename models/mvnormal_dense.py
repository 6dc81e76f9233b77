"""A dense, strongly correlated multivariate normal with no data: the posterior is known exactly."""

import numpy as np

NAME = "mvnormal_dense"
DESCRIPTION = "Dense multivariate normal, condition number 1000, no data (the posterior is analytic); size = dimension"
DISCRETE = False
SIZES = (10, 100, 400)
DEFAULT_SIZE = 100
DATA_SEED = 42

CONDITION = 1_000.0


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """A random rotation of variances spread evenly in log from 1/sqrt(CONDITION) to sqrt(CONDITION), and a
    random mean; the covariance's Cholesky factor."""
    rng = np.random.default_rng(seed)
    rotation, _ = np.linalg.qr(rng.normal(size=(size, size)))
    variances = np.sqrt(CONDITION) ** np.linspace(-1.0, 1.0, size)
    covariance = (rotation * variances) @ rotation.T
    return {"mean": rng.normal(size=size), "chol": np.linalg.cholesky(covariance)}


def build(data):
    """x ~ MvNormal(mean, chol=L)."""
    import pymc as pm

    with pm.Model() as model:
        pm.MvNormal("x", mu=data["mean"], chol=data["chol"])
    return model


def analytic_posterior(data):
    """Each coordinate's mean and sd, exactly."""
    sds = np.sqrt(np.sum(data["chol"] ** 2, axis=1))
    return {f"x[{i}]": (float(m), float(s)) for i, (m, s) in enumerate(zip(data["mean"], sds))}
