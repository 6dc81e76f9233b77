"""scripts/probe_tier_cost.py refuses what it cannot predict, before it compiles anything."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MACHINE = "x86_64-2cpu-24GB-intel-xeon-full"


@pytest.mark.parametrize("args, named", [
    (["eight_schools", "--machine", MACHINE], "unknown model 'eight_schools'; valid models: discrete_mixture"),
    (["switchpoint", "--machine", MACHINE], "switchpoint has one size"),
    (["garch11-7", "--machine", MACHINE], "has no size 7; valid sizes: [200, 1000, 5000]"),
    (["garch11-1000", "--machine", "nowhere"], "--machine nowhere: no results of it in results-full; machines: x86_64"),
])
def test_bad_input_is_one_line_naming_what_is_valid(args, named, tmp_path):
    out = tmp_path / "probe.json"
    run = subprocess.run([sys.executable, "scripts/probe_tier_cost.py", *args, "--results", "results-full", "--out",
                          str(out)], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 2 and named in run.stderr.splitlines()[-1], run.stderr
    assert not out.exists()
