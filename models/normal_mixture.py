"""A marginalized Gaussian mixture: three components, their means ordered so that labels cannot switch."""

import numpy as np

NAME = "normal_mixture"
DESCRIPTION = "Gaussian mixture of 3 components, marginalized (NormalMixture), ordered means; size = N observations; 3 weights, means and sds"
DISCRETE = False
SIZES = (1_000, 10_000)
DEFAULT_SIZE = 1_000
DATA_SEED = 42

WEIGHTS_TRUE = np.array([0.35, 0.4, 0.25])
MEANS_TRUE = np.array([-4.0, 0.0, 4.0])
SDS_TRUE = np.array([1.0, 0.8, 1.2])


def generate_data(seed=DATA_SEED, size=DEFAULT_SIZE):
    """Each observation's component by the weights, then its normal draw."""
    rng = np.random.default_rng(seed)
    component = rng.choice(len(WEIGHTS_TRUE), size=size, p=WEIGHTS_TRUE)
    return {"y": rng.normal(MEANS_TRUE[component], SDS_TRUE[component])}


def build(data):
    """pymc-examples' marginalized mixture: w ~ Dirichlet(1), mu ordered, sigma ~ HalfNormal(2)."""
    import pymc as pm

    components = len(WEIGHTS_TRUE)
    with pm.Model() as model:
        w = pm.Dirichlet("w", a=np.ones(components))
        mu = pm.Normal("mu", 0.0, 5.0, shape=components, transform=pm.distributions.transforms.ordered,
                       initval=np.linspace(-1.0, 1.0, components))
        sigma = pm.HalfNormal("sigma", 2.0, shape=components)
        pm.NormalMixture("y", w=w, mu=mu, sigma=sigma, observed=data["y"])
    return model
