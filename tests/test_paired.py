"""The paired review's statistics (reporting/paired.py) on rounds drawn with known noise and shifts."""

import numpy as np
import pandas as pd
import pytest

from reporting import compare, paired
from reporting.results import GRADIENT, WALL


def _rounds(rng, n, noise, shift=1.0, drift=None):
    drift = np.ones(n) if drift is None else drift
    return shift * drift * np.exp(rng.normal(0, noise, n))


def test_round_values_split_samples_by_round_and_drop_the_warm_up_round():
    samples = [9.0, 9.0, 1.0, 3.0, 2.0, 2.0]  # three rounds of two; the first is the warm-up
    assert list(paired.round_values(samples, 2)) == [2.0, 2.0]
    assert paired.round_values(samples, 4) is None  # 6 samples are not rounds of 4
    assert paired.round_values([1.0, 1.0, 2.0, None], 2) is None  # a judged round with a failed sample
    assert paired.round_values(None, 1) is None


def test_a_five_percent_slowdown_is_flagged_and_its_absence_is_not():
    rng = np.random.default_rng(0)
    drift = np.exp(rng.normal(0, 0.2, 6))  # the host moves 20 % from round to round, both sides alike
    base = _rounds(rng, 6, 0.01, drift=drift)
    slow = paired.paired_estimate(base, _rounds(rng, 6, 0.01, 1.05, drift))
    same = paired.paired_estimate(base, _rounds(rng, 6, 0.01, 1.0, drift))
    assert slow.low > 1.02 and paired.verdict(slow.ratio, slow.p) == "slower"
    assert same.low < 1 < same.high and paired.verdict(same.ratio, same.p) == "same"
    assert same.detectable < 0.05


def test_the_change_flagged_with_power_is_never_below_the_floor_and_is_the_tests_where_the_floor_is_lower():
    precise, spread = 0.001, 0.02  # standard errors of a mean log ratio
    assert paired.detectable_change(precise, 8) < paired.BENCHMARK_FLOOR  # the test alone would find 1 %
    assert paired.detectable_change(precise, 8, paired.BENCHMARK_FLOOR) > paired.BENCHMARK_FLOOR
    assert paired.detectable_change(spread, 8, paired.FLOOR) == paired.detectable_change(spread, 8)


def test_a_change_below_the_floor_is_not_flagged_however_certain():
    assert paired.verdict(1.005, 1e-9) == "same"
    assert paired.verdict(1.024, 1e-9) == "same"  # a single benchmark: below a build's own offset
    assert paired.verdict(1.024, 1e-9, paired.FLOOR) == "slower"  # an aggregate


def test_a_short_sampling_run_is_flagged_only_for_a_change_of_some_milliseconds():
    rng = np.random.default_rng(3)
    rows = []
    for model, seconds in [("short", 0.034), ("long", 1.0)]:
        base = seconds * np.exp(rng.normal(0, 0.002, 8))
        for benchmark in (WALL, GRADIENT):  # the same 5 % on a run and on an evaluation (no run: no seconds floor)
            rows.append({"benchmark": benchmark, "model": model, "backend": "nutpie-numba",
                         "value_base": float(np.median(base)), "value_head": float(np.median(1.05 * base)),
                         "status_base": "ok", "status_head": "ok", "rounds_base": base, "rounds_head": 1.05 * base})
    review = compare.paired_review(pd.DataFrame(rows))
    verdicts = review.speed.set_index(["benchmark", "model"])["verdict"]
    assert verdicts[(WALL, "short")] == "same"  # 1.7 ms: within a run's fixed costs, however certain
    assert verdicts[(WALL, "long")] == "slower" and verdicts[(GRADIENT, "short")] == "slower"
    assert max(review.speed["p_adjusted"]) < 1e-6


def test_the_family_aggregate_sees_a_shared_shift_that_no_case_shows_alone():
    rng = np.random.default_rng(1)
    bases = [_rounds(rng, 8, 0.06) for _ in range(16)]
    members = [paired.log_ratios(base, _rounds(rng, 8, 0.06, 1.04)) for base in bases]
    alone = paired.adjusted([paired.estimate(m).p for m in members])
    together = paired.aggregate_estimate(members)
    assert not any(alone < paired.FDR)  # no case alone can tell 4 % from its 6 % noise
    assert together.low > 1.01 and together.p < 0.01


def test_false_discoveries_are_controlled_over_the_report():
    p_values = [0.001, 0.01, 0.02, 0.5, 0.04]
    adjusted = paired.adjusted(p_values)
    # Benjamini-Hochberg by hand: p * m / rank, then the running minimum from the top
    assert adjusted == pytest.approx([0.005, 0.025, 0.0333, 0.5, 0.05], abs=1e-4)


def test_a_correct_short_run_is_within_tolerance_and_a_shifted_one_is_not():
    tolerance = paired.posterior_tolerance(ess_run=20, ess_reference=5000, parameters=10)
    assert 0.3 + 0.8 < tolerance < 0.3 + 1.0  # 3.9 x sqrt(1/20 + 1/5000)
    assert paired.posterior_tolerance(ess_run=2000, ess_reference=5000, parameters=10) < 0.45


def test_a_review_judges_rounds_and_splits_the_sampling_time():
    rng = np.random.default_rng(2)
    rows = []
    # pymc-jax: its rest moves by 2 %, certain but below a sampling run's floor (3 %), as an A/A's build offsets do
    for backend, grad_shift, rest_shift in [("pymc", 1.10, 1.0), ("pymc-numba", 1.0, 1.10), ("pymc-jax", 1.0, 1.02)]:
        grad_base = 1e-4 * np.exp(rng.normal(0, 0.005, 7))
        grad_head = 1e-4 * grad_shift * np.exp(rng.normal(0, 0.005, 7))
        # 10000 evaluations: 1 s of gradient in a 2 s run
        wall_base = 1.0 + 1.0 + rng.normal(0, 0.005, 7)
        wall_head = 10000 * grad_head + 1.0 * rest_shift + rng.normal(0, 0.005, 7)
        for benchmark, base, head in [(GRADIENT, grad_base, grad_head), (WALL, wall_base, wall_head)]:
            rows.append({"benchmark": benchmark, "model": "m", "backend": backend,
                         "value_base": float(np.median(base)), "value_head": float(np.median(head)),
                         "status_base": "ok", "status_head": "ok",
                         "rounds_base": base[1:], "rounds_head": head[1:]})
        for benchmark, value in [(compare.GRAD_EVALS_TOTAL, 10000.0), (compare.TRACKED + "cpu_seconds", 2.0)]:
            rows.append({"benchmark": benchmark, "model": "m", "backend": backend, "value_base": value,
                         "value_head": value, "status_base": "ok", "status_head": "ok",
                         "rounds_base": None, "rounds_head": None})
    review = compare.paired_review(pd.DataFrame(rows))
    verdicts = review.speed.set_index(["benchmark", "backend"])["verdict"]
    assert verdicts[(GRADIENT, "pymc")] == "slower" and verdicts[(GRADIENT, "pymc-numba")] == "same"
    assert verdicts[(WALL, "pymc")] == "slower" and verdicts[(WALL, "pymc-numba")] == "slower"
    moved = review.split.set_index("backend")["moved"]
    assert moved["pymc"] == "time per evaluation" and moved["pymc-numba"] == "the sampler's own work"
    assert moved["pymc-jax"] == "none beyond the noise"
    assert review.split.set_index("backend")["share"]["pymc"] == pytest.approx(0.5, rel=0.02)


def _kinds(gradient, long_runs, aggregates):
    from reporting import rounds
    return pd.DataFrame({"kind": ["gradient", rounds.compare.LONG_RUNS, "sampling, runs < 2 s", "family aggregates"],
                         "benchmarks": [14, 6, 8, 4], "median": [gradient, long_runs, 0.5, aggregates],
                         "largest": [0.6, 0.6, 0.9, 0.6]})


def test_rounds_are_added_only_while_a_goal_is_missed_and_the_budget_holds_them():
    from reporting import rounds

    met = rounds.decide(_kinds(0.029, 0.09, 0.02), 6, 30.0, 5.0, 45.0, 20)
    assert not met.more and met.reason.endswith("every goal met")  # the short runs' 50 % has no goal
    missed = rounds.decide(_kinds(0.05, 0.09, 0.02), 6, 30.0, 5.0, 45.0, 20)
    assert missed.more and "gradient 5.0% (goal 3%)" in missed.reason and "about 10 min" in missed.reason
    over_budget = rounds.decide(_kinds(0.05, 0.09, 0.02), 6, 40.0, 5.0, 45.0, 20)
    assert not over_budget.more and "5 of the 45 min budget left" in over_budget.reason
    capped = rounds.decide(_kinds(0.05, 0.09, 0.02), 20, 1.0, 0.1, 45.0, 20)
    assert not capped.more and "most rounds allowed (20)" in capped.reason
    nothing = rounds.decide(_kinds(0.05, 0.09, 0.02).iloc[2:3], 6, 1.0, 0.1, 45.0, 20)
    assert not nothing.more  # only the short runs, which have no goal: no reason to go on


def test_from_seven_rounds_one_process_at_half_speed_does_not_set_the_interval():
    rng = np.random.default_rng(5)
    ratios = rng.normal(0.0, 0.01, 12)
    ratios[4] = np.log(2.0)  # one round's process ran at half speed throughout
    trimmed = paired.estimate(ratios)
    assert trimmed.df == 12 - 2 * 2 - 1 and trimmed.high < 1.03 and paired.verdict(trimmed.ratio, trimmed.p) == "same"
    few = paired.estimate(ratios[:6])  # below seven rounds nothing is trimmed: the odd round widens it
    assert few.df == 5 and few.high > 1.1
    nine = paired.estimate(ratios[:9])  # the gradient's judged rounds in the default review: one off each end
    assert nine.df == 9 - 2 - 1 and nine.high < 1.03
    ratios[9] = np.log(1.5)  # and a second odd round (two in eleven, as inject-grad10-adjacent had)
    two = paired.estimate(ratios[:11])
    assert two.df == 11 - 2 * 2 - 1 and two.high < 1.03


def test_a_review_stopped_inside_a_round_pairs_the_rounds_both_sides_have():
    base, head = np.array([1.0, 1.1, 0.9, 1.0]), np.array([1.1, 1.21, 0.99])
    assert np.allclose(paired.log_ratios(base, head), np.log(1.1))
    assert paired.log_ratios(base, head[:0]) is None


def _a_a_review(noise, seed=3, canary_slower=1.0):
    """A review of one commit against itself: six cases' gradient in 8 rounds of the given noise, and the canary in
    asv's rounds and in two backends' duets (its head side `canary_slower` times slower there)."""
    from reporting import adjacent
    from reporting.results import CANARY
    rng = np.random.default_rng(seed)
    rows = [{"benchmark": GRADIENT, "model": f"m{i}", "backend": "pymc", "value_base": 1e-4, "value_head": 1e-4,
             "status_base": "ok", "status_head": "ok",
             "rounds_base": 1e-4 * _rounds(rng, 7, noise), "rounds_head": 1e-4 * _rounds(rng, 7, noise)}
            for i in range(6)]
    canaries = [(CANARY, "", 1.0), (adjacent.CANARY, "pymc", canary_slower), (adjacent.CANARY, "nutpie-numba", canary_slower)]
    rows += [{"benchmark": benchmark, "model": "canary", "backend": backend, "value_base": 4e-3, "value_head": 4e-3,
              "status_base": "ok", "status_head": "ok",
              "rounds_base": 4e-3 * _rounds(rng, 7, noise), "rounds_head": slower * 4e-3 * _rounds(rng, 7, noise)}
             for benchmark, backend, slower in canaries]
    review = compare.paired_review(pd.DataFrame(rows))
    empty = pd.DataFrame(columns=["verdict", "status_head", "status_base"])
    sides = compare.Side("b" * 40, "m"), compare.Side("c" * 40, "m")
    thresholds = compare.Thresholds({}, "m")
    return compare.render(*sides, empty, empty, empty, thresholds, review=review)


def test_nothing_found_by_a_review_too_noisy_for_its_goals_is_inconclusive_not_no_change():
    quiet, quiet_worse = _a_a_review(0.002)
    assert quiet.startswith("**No change**") and not quiet_worse
    assert "timed in the duets" in quiet and "the sides' processes ran at one speed, within" in quiet
    noisy, noisy_worse = _a_a_review(0.2)
    headline = noisy.splitlines()[0]
    assert headline.startswith("**Inconclusive**") and not noisy_worse
    assert "gradient" in headline and "(goal 3%)" in headline
    assert "**too noisy to tell whether the sides' processes ran at one speed**" in noisy and "speed, within" not in noisy
    assert "| goal" in noisy.split("### Smallest detectable change", 1)[1]
    assert " flagged from |" in quiet.split("### Smallest detectable change", 1)[1]


def test_the_canary_of_the_duets_is_the_one_reported_and_a_shift_there_is_the_machines():
    slower, _ = _a_a_review(0.002, canary_slower=1.2)
    canary_line = next(line for line in slower.splitlines() if line.startswith("Host canary"))
    assert "timed in the duets" in canary_line and canary_line.split(": ", 1)[1].startswith("1.2")
    assert "**the sides' processes ran at different speeds**" in canary_line


def test_every_goal_the_rounds_rule_reads_is_one_the_review_judges_by():
    from reporting import rounds
    assert rounds.GOALS is compare.GOALS
    assert compare.GOALS[compare.LONG_ADJACENT] == compare.GOALS[compare.LONG_RUNS] == 0.10
    kinds = pd.DataFrame({"kind": ["gradient, adjacent processes", "sampling, runs < 2 s"], "median": [0.04, 0.5]})
    assert compare.missed_goals(kinds) == ["gradient, adjacent processes 4.0% (goal 3%)"]


def test_a_review_with_nothing_paired_on_both_sides_has_no_paired_verdicts():
    # e.g. a duet whose every round was dropped as uneven: nothing to judge, and no KeyError for the missing columns
    assert compare.paired_review(pd.DataFrame()) is None
