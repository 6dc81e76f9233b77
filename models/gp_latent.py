"""Latent Gaussian process with Student-T noise, from the PyMC notebook "Faster Sampling with JAX and Numba"."""

import numpy as np

NAME = "gp_latent"
DESCRIPTION = "Latent GP (ExpQuad) with Student-T noise; the notebook's model; size = number of points"
DISCRETE = False
SIZES = (50, 100, 200, 400, 800)
DEFAULT_SIZE = 100
DATA_SEED = 42

LENGTHSCALE_TRUE = 1.0
SCALE_TRUE = 4.0
JITTER = 1e-6
NOISE_SIGMA_TRUE = 1.0
NOISE_NU_TRUE = 5.0


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """The notebook's data: X on [0, 10], f from the GP prior, y = f + Student-T(5) noise.

    Reproduces the notebook's ``pm.draw(pm.MvNormal.dist(...), 1, random_seed=rng)`` with NumPy
    alone (PyMC turns the generator into one integer seed, reseeds a PCG64 from it and draws
    through a Cholesky factor), so the data do not change with the PyMC under test.
    """
    rng = np.random.default_rng(seed)
    X = np.linspace(0, 10, size)[:, None]
    # Squared distances the way PyMC's ExpQuad forms them: K is ill-conditioned, so rounding matters.
    Xs = X / LENGTHSCALE_TRUE
    X2 = np.sum(Xs**2, axis=1)
    sq_dist = np.clip(-2.0 * Xs @ Xs.T + (X2[:, None] + X2[None, :]), 0.0, np.inf)
    K = SCALE_TRUE**2 * np.exp(-0.5 * sq_dist) + JITTER * np.eye(size)
    draw_seed = int(rng.integers(2**30, dtype=np.int64, size=1)[0])
    (child_seed,) = np.random.SeedSequence(draw_seed).spawn(1)
    draw_rng = np.random.Generator(np.random.PCG64(child_seed))
    f_true = np.linalg.cholesky(K) @ draw_rng.normal(size=size)
    y = f_true + NOISE_SIGMA_TRUE * rng.standard_t(df=NOISE_NU_TRUE, size=size)
    return {"X": X, "y": y, "f_true": f_true}


def build(data):
    """The notebook's ``gp_latent_model``."""
    import pymc as pm

    with pm.Model() as model:
        ell = pm.Gamma("ell", alpha=2, beta=1)
        eta = pm.HalfNormal("eta", sigma=5)
        cov = eta**2 * pm.gp.cov.ExpQuad(1, ell)
        gp = pm.gp.Latent(cov_func=cov)
        f = gp.prior("f", X=data["X"])
        sigma = pm.HalfNormal("sigma", sigma=2.0)
        nu = 1 + pm.Gamma("nu", alpha=2, beta=0.1)
        pm.StudentT("y", mu=f, lam=1.0 / sigma, nu=nu, observed=data["y"])
    return model
