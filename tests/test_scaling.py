"""reporting/scaling.py: seconds ∝ N^k per model and backend, from the full tier's results."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reporting import scaling

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_scaling_block_is_what_the_generator_writes():
    frame, machine = scaling.host_frame(ROOT / "results-full", None)
    page = (ROOT / "docs" / "scaling.md").read_text()
    assert scaling.block(frame, machine, "scaling.png") in page, "docs/scaling.md is stale: run make docs"


def test_the_fit_recovers_a_known_exponent_and_gives_no_interval_from_two_sizes():
    sizes = np.array([50, 100, 200, 400])
    noise = np.exp(np.array([0.02, -0.01, 0.015, -0.02]))
    found = scaling.fit(sizes, 3e-7 * sizes**2.5 * noise)
    assert found["low"] < 2.5 < found["high"] and abs(found["k"] - 2.5) < 0.05
    two = scaling.fit(sizes[:2], 3e-7 * sizes[:2] ** 2.5)
    assert math.isclose(two["k"], 2.5) and math.isnan(two["low"])


def test_sizes_without_a_value_are_named_not_fitted():
    rows = [{"machine": "m", "commit": "c" * 40, "benchmark": scaling.GRADIENT, "model": f"gp_latent-{size}",
             "backend": "pymc", "value": value, "status": status}
            for size, value, status in [(50, 1e-4, "ok"), (100, 4e-4, "ok"), (200, math.nan, "failed")]]
    table = scaling.exponents(scaling.sized(pd.DataFrame(rows)))
    [row] = table.to_dict("records")
    assert row["sizes"] == "50, 100" and row["not measured"] == "200 failed"
    assert row["k [95 % interval]"] == "2.00"


def test_an_unknown_machine_is_a_clear_error():
    with pytest.raises(SystemExit, match="machines: x86_64-2cpu-24GB-"):
        scaling.host_frame(ROOT / "results-full", "no-such-host")

