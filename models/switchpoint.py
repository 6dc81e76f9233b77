"""A discrete change point: the coal-mining disasters model of PyMC's introduction, on seeded counts."""

import numpy as np

NAME = "switchpoint"
DESCRIPTION = ("Poisson counts with one discrete change point (the coal-mining disasters model), 111 years; "
               "1 discrete and 2 continuous parameters")
DISCRETE = True
SIZES = ()
DEFAULT_SIZE = None
DATA_SEED = 42

N_YEARS = 111  # 1851-1961, as in the disasters data
SWITCH_TRUE, EARLY_RATE_TRUE, LATE_RATE_TRUE = 40, 3.0, 1.0


def generate_data(seed=DATA_SEED):
    """Yearly counts at one rate before the switch year and another after it."""
    rng = np.random.default_rng(seed)
    years = np.arange(N_YEARS)
    rates = np.where(years < SWITCH_TRUE, EARLY_RATE_TRUE, LATE_RATE_TRUE)
    return {"counts": rng.poisson(rates), "years": years}


def build(data):
    """PyMC's disaster model: switchpoint ~ DiscreteUniform over the years, rates ~ Exponential(1)."""
    import pymc as pm

    years = data["years"]
    with pm.Model() as model:
        switchpoint = pm.DiscreteUniform("switchpoint", lower=int(years.min()), upper=int(years.max()))
        early_rate = pm.Exponential("early_rate", 1.0)
        late_rate = pm.Exponential("late_rate", 1.0)
        rate = pm.math.switch(switchpoint >= years, early_rate, late_rate)
        pm.Poisson("counts", rate, observed=data["counts"])
    return model
