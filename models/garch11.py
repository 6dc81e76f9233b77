"""GARCH(1,1) volatility of a return series, its variance recursion a PyTensor scan (posteriordb's garch11)."""

import numpy as np

NAME = "garch11"
DESCRIPTION = "GARCH(1,1), the conditional variance a scan over time (posteriordb's garch11); size = T steps; 4 parameters"
DISCRETE = False
SIZES = (200, 1_000, 5_000)
DEFAULT_SIZE = 200
DATA_SEED = 42

MU_TRUE, ALPHA0_TRUE, ALPHA1_TRUE, BETA1_TRUE = 0.05, 0.1, 0.15, 0.8
SIGMA1 = 1.0  # the first step's sd, given as data (posteriordb's sigma1)


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """y_t ~ Normal(mu, sigma_t), sigma_t^2 = alpha0 + alpha1 (y_{t-1} - mu)^2 + beta1 sigma_{t-1}^2."""
    rng = np.random.default_rng(seed)
    y = np.empty(size)
    variance = SIGMA1**2
    for t in range(size):
        if t:
            variance = ALPHA0_TRUE + ALPHA1_TRUE * (y[t - 1] - MU_TRUE) ** 2 + BETA1_TRUE * variance
        y[t] = MU_TRUE + np.sqrt(variance) * rng.normal()
    return {"y": y, "sigma1": SIGMA1}


def build(data):
    """posteriordb's garch11 (Stan), with weakly informative priors for its flat ones; the stationarity
    bound alpha1 + beta1 < 1 as beta1's upper bound."""
    import pymc as pm
    import pytensor
    import pytensor.tensor as pt

    y = data["y"]
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 10)
        alpha0 = pm.HalfNormal("alpha0", 1)
        alpha1 = pm.Uniform("alpha1", 0, 1)
        beta1 = pm.Uniform("beta1", 0, 1 - alpha1)

        def step(squared_deviation, variance, alpha0, alpha1, beta1):
            return alpha0 + alpha1 * squared_deviation + beta1 * variance

        variances, _ = pytensor.scan(step, sequences=[(y[:-1] - mu) ** 2],
                                     outputs_info=[pt.as_tensor_variable(np.float64(data["sigma1"] ** 2))],
                                     non_sequences=[alpha0, alpha1, beta1])
        sigma = pt.concatenate([[np.float64(data["sigma1"])], pt.sqrt(variances)])
        pm.Normal("y", mu, sigma, observed=y)
    return model
