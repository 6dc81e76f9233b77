"""Eight schools, non-centered: the same posterior as the centered model without the funnel."""

from models._eight_schools import generate_data  # noqa: F401  (part of the model's face)

NAME = "eight_schools_noncentered"
DESCRIPTION = "Eight schools, non-centered parameterization; 10 parameters"
DISCRETE = False
SIZES = ()
DEFAULT_SIZE = None
DATA_SEED = None


def build(data):
    """theta = mu + tau * theta_tilde, theta_tilde ~ Normal(0, 1)."""
    import pymc as pm

    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 5)
        tau = pm.HalfCauchy("tau", 5)
        theta_tilde = pm.Normal("theta_tilde", 0, 1, shape=len(data["y"]))
        theta = pm.Deterministic("theta", mu + tau * theta_tilde)
        pm.Normal("y", theta, data["sigma"], observed=data["y"])
    return model
