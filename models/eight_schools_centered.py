"""Eight schools, centered: the funnel where NUTS diverges."""

from models._eight_schools import generate_data  # noqa: F401  (part of the model's face)

NAME = "eight_schools_centered"
DESCRIPTION = "Eight schools, centered parameterization (a funnel: divergences expected); 10 parameters"
DISCRETE = False
SIZES = ()
DEFAULT_SIZE = None
DATA_SEED = None


def build(data):
    """theta_j ~ Normal(mu, tau), y_j ~ Normal(theta_j, sigma_j)."""
    import pymc as pm

    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 5)
        tau = pm.HalfCauchy("tau", 5)
        theta = pm.Normal("theta", mu, tau, shape=len(data["y"]))
        pm.Normal("y", theta, data["sigma"], observed=data["y"])
    return model
