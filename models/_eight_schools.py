"""The eight schools data (Rubin 1981), shared by both parameterizations."""

import numpy as np

EFFECTS = (28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0)
STANDARD_ERRORS = (15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0)


def generate_data(seed=None):
    """The published data; there is nothing to draw, so no seed is accepted."""
    if seed is not None:
        raise ValueError("the eight schools data are fixed; seed must be None")
    return {"y": np.array(EFFECTS), "sigma": np.array(STANDARD_ERRORS)}
