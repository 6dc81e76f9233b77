"""The review plan (reporting/plan.py) on a committed review: benchmarks and rounds by noise per second."""

import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from asv_runs import committed
from reporting import compare, plan

ROOT = Path(__file__).resolve().parent.parent
REVIEW = ROOT / "results-review" / "20261203T1355"  # A/A pair v6.4.0 vs aa, Intel Xeon
BASE, HEAD = committed("v6.4.0"), committed("aa")


def test_rounds_needed_grow_with_the_square_of_the_spread():
    def spread(sd):  # four log ratios whose sample sd is exactly sd
        return sd * np.array([1.0, -1.0, 1.0, -1.0]) * math.sqrt(3 / 4)
    # a goal that needs dozens of rounds: with a few, the t quantile of the trimmed test's few degrees of freedom
    # adds rounds of its own
    few, many = plan.rounds_needed(spread(0.01), 0.005, 400), plan.rounds_needed(spread(0.02), 0.005, 400)
    assert few is not None and many is not None and 3 * few < many < 4 * few + 2
    assert plan.rounds_needed(spread(0.02), 0.005, few) is None  # beyond the rounds allowed


def test_the_plan_fits_its_budget_and_selects_only_benchmarks_that_reach_their_goal():
    table, canary = plan.candidates(REVIEW, BASE, HEAD, None, 20)
    assert len(table) == 40 and table["seconds"].gt(0).all() and canary > 0
    for minutes in (10, 35):
        judged, chosen = plan.choose(table, canary, minutes, 2, 20)
        cost = plan.minutes_of(table, chosen, judged, canary, 2)
        assert chosen.any() and cost <= minutes
        assert (table.loc[chosen, "needed"] <= judged).all()
    # a larger budget never selects fewer benchmarks
    assert plan.choose(table, canary, 35, 2, 20)[1].sum() >= plan.choose(table, canary, 10, 2, 20)[1].sum()


def test_the_seconds_of_a_round_add_up_to_what_asv_recorded():
    base_rows, head_rows = compare.one_machine_rows(REVIEW, compare.Side(BASE, None), compare.Side(HEAD, None))
    seconds = plan.seconds_per_round(base_rows, compare.samples_per_round(REVIEW))
    recorded = base_rows[base_rows["benchmark"].isin(seconds.index.get_level_values("benchmark"))]
    assert math.isclose(seconds.sum(), recorded.groupby("benchmark")["grid_seconds"].first().sum(), rel_tol=1e-6)


def test_the_fragment_selects_exactly_the_chosen_benchmarks(tmp_path):
    out = tmp_path / "plan.mk"
    done = subprocess.run([sys.executable, "-m", "reporting", "plan", BASE, HEAD, "--results", str(REVIEW),
                           "--minutes", "20", "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    variables = dict(line.split(" := ", 1) for line in out.read_text().splitlines() if " := " in line)
    timed = [regex.replace("$$", "$") for regex in re.findall(r'--bench "([^"]+)"', variables["REVIEW_TIMED"])]
    table, canary = plan.candidates(REVIEW, BASE, HEAD, None, 20)
    judged, chosen = plan.choose(table, canary, 20, 2, 20)
    assert variables["ROUNDS"] == str(judged + 1)
    names = pd.DataFrame({"benchmark": table["benchmark"], "model": table["model"], "backend": table["backend"]})
    assert compare.selected(names, timed).index.equals(table.index[chosen])
    tracked = re.findall(r'--bench "([^"]+)"', variables["REVIEW_TRACKED"])
    assert len(tracked) == int((chosen & (table["kind"] == "sampling")).sum())
    assert f"{int(chosen.sum())} of 40 timed benchmarks" in done.stdout


def test_bad_input_is_one_line_and_exit_2(tmp_path):
    out = tmp_path / "plan.mk"
    for args in (["--minutes", "0"], ["--results", str(tmp_path)]):
        done = subprocess.run([sys.executable, "-m", "reporting", "plan", BASE, HEAD, "--results", str(REVIEW), *args,
                               "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 2 and done.stderr.startswith("error: ") and len(done.stderr.splitlines()) == 1
        assert not out.exists()
