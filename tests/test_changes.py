"""Change points across releases (reporting/changes.py) and the findings page (reporting/findings.py)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from reporting import adjacent, changes, findings

ROOT = Path(__file__).resolve().parent.parent
RELEASES = [f"5.{minor}.0" for minor in range(13, 29)] + ["6.0.0", "6.1.0", "6.2.0", "6.3.0", "6.4.0"]


def _series(step_at=None, factor=1.10, noise=0.02, seed=0):
    values = np.exp(np.random.default_rng(seed).normal(0.0, noise, len(RELEASES)))
    if step_at is not None:
        values[step_at:] *= factor
    return values


def test_a_ten_percent_step_is_found_at_its_release_with_an_interval_around_it():
    found = [step for step in changes.steps(_series(step_at=9)) if step.p_value <= changes.FDR]
    assert [step.index for step in found] == [9]
    assert found[0].low < found[0].ratio < found[0].high and abs(found[0].ratio - 1.10) < 0.03
    assert found[0].high / found[0].low < 1.1


def test_two_steps_in_one_series_are_both_found():
    values = _series(step_at=6, factor=0.8)
    values[15:] *= 1.25
    assert [s.index for s in changes.steps(values) if s.p_value <= changes.FDR] == [6, 15]


def test_a_series_without_a_step_raises_no_alarm_in_most_seeds():
    alarms = sum(any(s.p_value <= changes.FDR for s in changes.steps(_series(seed=seed))) for seed in range(200))
    assert alarms <= 16  # the test's level is 5 %: about 10 of 200 by chance (11 with these seeds)


def test_nine_releases_with_a_large_step_give_a_p_value_that_survives_the_false_discovery_control():
    # PyMC 6.0's step in the release-day pymc-* sampling series (geometric means, seconds): shuffling nine
    # releases could not give p below 0.04, so over 115 series nothing was flagged
    series = [12.53, 11.30, 11.63, 3.57, 3.35, 3.12, 3.04, 3.69, 3.52]
    first = changes.steps(series)[0]
    assert first.index == 3 and first.p_value < 0.05 / 115
    assert first.low < 3.35 / 11.8 < first.high


def test_the_noise_of_a_series_is_not_moved_by_a_step():
    flat = _series(noise=0.03, seed=3)
    stepped = flat.copy()
    stepped[7:] *= 3.0
    assert 0.02 < changes.noise(np.log(flat)) < 0.045
    assert 0.8 < changes.noise(np.log(stepped)) / changes.noise(np.log(flat)) < 1.25
    assert np.std(np.diff(np.log(stepped))) / np.sqrt(2) > 3 * changes.noise(np.log(flat))  # what a plain spread says


def test_the_noise_estimate_is_unbiased_for_normal_noise():
    rng = np.random.default_rng(7)
    estimates = [changes.noise(rng.normal(0, 0.04, 12)) for _ in range(400)]
    assert abs(np.median(estimates) / 0.04 - 1) < 0.05


def test_the_smallest_detectable_step_grows_with_the_noise_and_shrinks_with_the_releases():
    assert changes.smallest_step(9, 0.02, 0.01) < changes.smallest_step(9, 0.04, 0.01)
    assert changes.smallest_step(21, 0.02, 0.01) < changes.smallest_step(9, 0.02, 0.01)
    # at the middle of a series whose noise is exactly sd, a step 10 % above that size is flagged, 10 % below not
    n, sd, level = 16, 0.03, 0.01
    logs = np.where(np.arange(n) % 2, 1, -1) * sd * changes._null(n)[1] / np.sqrt(2)
    assert abs(changes.noise(logs) - sd) < 1e-12
    smallest = np.log(changes.smallest_step(n, sd, level))
    for scale, flagged in ((1.1, True), (0.9, False)):
        stepped = logs + np.where(np.arange(n) >= n // 2, scale * smallest, 0.0)
        assert any(s.index == n // 2 and s.p_value <= level for s in changes.steps(np.exp(stepped), level=level)) \
            is flagged


def test_the_validation_finds_a_ten_percent_step_added_to_a_quiet_family_series_and_few_false_alarms():
    names = ["machine", "env", "benchmark", "model", "backend"]
    family = ("host", "env", changes.WALL, "(family)", "pymc-*")
    cases = [("host", "env", changes.WALL, f"case{i}", "pymc") for i in range(10)]
    data = {family: _series(noise=0.01, seed=5), **{case: _series(noise=0.05, seed=10 + i) for i, case in enumerate(cases)}}
    data[cases[0]][8:] *= 2.0  # a measured step of its own: taken out before the false alarms are counted
    table = pd.DataFrame(data, index=RELEASES)
    table.columns = pd.MultiIndex.from_tuples([family, *cases], names=names)
    found = changes.injected_steps_found(table, family)
    assert list(found) == RELEASES[changes.MIN_SEGMENT:len(RELEASES) - changes.MIN_SEGMENT + 1]
    assert sum(found.values()) >= 0.9 * len(found)
    raw, flagged = changes.false_alarms(table, shuffles=5)
    assert raw <= 0.15 and flagged <= 0.05


def test_findings_flag_the_stepped_series_only_and_control_the_false_discoveries():
    columns = pd.MultiIndex.from_tuples(
        [("host", "env", changes.GRADIENT, case, backend) for case in ("a", "b", "c") for backend in ("pymc", "pymc-numba")],
        names=["machine", "env", "benchmark", "model", "backend"])
    data = {column: _series(seed=index) for index, column in enumerate(columns)}
    stepped = columns[2]
    data[stepped] = _series(step_at=12, factor=1.3, seed=99)
    table = pd.DataFrame(data, index=RELEASES)
    table.columns = columns
    found = changes.findings(table)
    flagged = found[found["flagged"]]
    assert list(zip(flagged["model"], flagged["backend"], flagged["release"])) == [("b", "pymc", RELEASES[12])]
    assert (found["adjusted"] >= found["p_value"]).all()
    assert list(changes.family_table(table).columns) == [("host", "env", changes.GRADIENT, "(family)", "pymc-*")]


def test_the_findings_page_and_readme_lines_of_the_committed_history_are_current():
    machine = "x86_64-2cpu-24GB-amd-epyc-quick"  # the Makefile's HISTORY_MACHINE
    page, _, measured, steps = findings.analyse(ROOT / "results", ROOT / "history-tags" / "pymc-mirror.json", machine,
                                                replicates=ROOT / "results-replicate",
                                                paired=ROOT / "results-paired" / machine)
    assert "## Checked against the paired history" in page
    assert (ROOT / "docs" / "findings.md").read_text() == page, "run `make findings` and commit docs/findings.md"
    assert findings.readme_block(measured, steps, machine) in (ROOT / "README.md").read_text(), \
        "run `make findings` and commit README.md"
    nutpie_page, _, measured, steps = findings.analyse(ROOT / "results-nutpie", ROOT / "history-tags" /
                                                       "nutpie-releases.json", machine, "nutpie",
                                                       paired=ROOT / "results-paired-nutpie" / machine)
    assert (ROOT / "docs" / "findings-nutpie.md").read_text() == nutpie_page, "run `make findings`"
    assert findings.readme_block(measured, steps, machine, "nutpie", "docs/findings-nutpie.md") in \
        (ROOT / "README.md").read_text(), "run `make findings` and commit README.md"


def test_each_stack_gets_its_own_family_series_over_the_releases_it_measured():
    columns = pd.MultiIndex.from_tuples(
        [("host", env, changes.GRADIENT, "a", backend) for env in ("today", "release-day")
         for backend in ("pymc", "nutpie-numba")], names=["machine", "env", "benchmark", "model", "backend"])
    table = pd.DataFrame(np.nan, index=RELEASES, columns=columns)
    table.iloc[:10, 2:] = 1.0  # release-day: the first ten releases
    table.iloc[10:, :2] = 2.0  # today: the rest
    families = changes.family_table(table)
    assert sorted(families.columns) == sorted(
        ("host", env, changes.GRADIENT, "(family)", family) for env in ("today", "release-day")
        for family in ("pymc-*", "nutpie-*"))
    assert families[("host", "release-day", changes.GRADIENT, "(family)", "pymc-*")].notna().sum() == 10


def test_a_family_series_trims_one_cases_own_step_and_keeps_a_shared_one():
    columns = pd.MultiIndex.from_tuples([("host", "env", changes.GRADIENT, case, "pymc") for case in "abcde"],
                                        names=["machine", "env", "benchmark", "model", "backend"])
    levels = np.array([1.0, 3.0, 10.0, 0.5, 40.0])  # cases of very different sizes: each counts relative to itself
    table = pd.DataFrame(np.tile(levels, (len(RELEASES), 1)), index=RELEASES, columns=columns)
    table.iloc[12:, 0] *= 0.4  # case a alone gets much faster
    family = changes.family_table(table).iloc[:, 0]
    assert family.iloc[12] / family.iloc[11] == pytest.approx(1.0)
    table.iloc[15:] *= 1.10  # then every case is 10 % slower
    family = changes.family_table(table).iloc[:, 0]
    assert family.iloc[15] / family.iloc[14] == pytest.approx(1.10)
    again = changes.family_table(table * 1.05, scale=table.median()).iloc[:, 0]
    assert (again / family).to_numpy() == pytest.approx(1.05)  # a second run compares on the first run's scale


def test_a_step_across_unmeasured_releases_says_how_many_lie_between():
    from reporting.findings import step_releases

    commits = {f"c{i}": release for i, release in enumerate(["5.14.0", "5.15.0", "5.16.0", "5.17.0", "6.0.0", "6.0.1"])}
    assert step_releases(pd.Series({"before": "5.15.0", "release": "6.0.0"}), commits) == \
        "5.15.0 -> 6.0.0 (2 releases between not measured)"
    assert step_releases(pd.Series({"before": "6.0.0", "release": "6.0.1"}), commits) == "6.0.0 -> 6.0.1"


def _runs(values: dict, canary_ms: float = 2.4) -> pd.DataFrame:
    """Tidy rows of one history run per release (commits c0, c1, ...): the canary, and the sampling time of each
    (model, backend), as reporting.findings.measurements gives them."""
    rows = []
    for index in range(len(next(iter(values.values())))):
        day = pd.Timestamp(2025, 1, 1) + pd.Timedelta(days=index)
        rows.append({"commit": f"c{index}", "benchmark": findings.CANARY, "model": "", "backend": "",
                     "value": canary_ms / 1e3, "date": day})
        rows += [{"commit": f"c{index}", "benchmark": changes.WALL, "model": model, "backend": backend,
                  "value": value[index], "date": day} for (model, backend), value in values.items()]
    return pd.DataFrame(rows).assign(machine="m", env="e", status="ok")


def test_a_release_measured_twice_keeps_its_faster_run_and_says_how_far_apart_the_two_lay():
    commits = {f"c{index}": release for index, release in enumerate(RELEASES[:8])}
    cases = {("a", "pymc"): np.full(8, 1.0), ("b", "pymc-numba"): np.full(8, 2.0)}
    first = _runs(cases)
    first.loc[(first["commit"] == "c3") & (first["benchmark"] == changes.WALL), "value"] *= 1.5  # a slow host
    again = _runs({key: value * np.exp(0.02) for key, value in cases.items()}, canary_ms=2.9)
    again = again[again["commit"].isin(["c3", "c6"])]
    measured = findings.history(first, again, commits)
    assert measured.twice == [(RELEASES[3], "e"), (RELEASES[6], "e")]
    _, table, _ = findings.series_tables(measured.everything, commits)
    a = ("m", "e", changes.WALL, "a", "pymc")
    assert table[a].loc[RELEASES[3]] == pytest.approx(np.exp(0.02))  # the second run: faster, whatever its canary
    assert table[a].loc[RELEASES[6]] == pytest.approx(1.0)  # the first run: faster
    assert measured.canary[(RELEASES[3], "e")] == pytest.approx(2.9e-3)  # the kept run's canary
    family = ("m", "e", changes.WALL, "(family)", "pymc-*")
    speed = findings.series_tables(measured.everything, commits)[2]
    members = changes.family_members(speed)
    searched = pd.concat([speed, changes.family_table(speed, members)], axis=1)
    apart = findings.runs_apart(searched, members, measured.other, commits)
    assert apart[family] == pytest.approx([0.02 - np.log(1.5), -0.02])  # the kept run over the other (log)


def test_a_step_says_when_its_two_releases_runs_began_and_how_far_apart():
    commits = {"c0": "5.18.0", "c1": "5.19.0"}
    kept = pd.DataFrame({"commit": ["c0", "c0", "c1", "c9"], "env": "e",
                         "run": pd.to_datetime(["2026-12-05 13:40", "2026-12-05 13:10", "2026-12-06 14:40",
                                                "2026-12-01 00:00"])})
    starts = findings.run_starts(kept, commits)
    assert starts == {("5.18.0", "e"): pd.Timestamp("2026-12-05 13:10"), ("5.19.0", "e"): pd.Timestamp("2026-12-06 14:40")}
    step = pd.Series({"before": "5.18.0", "release": "5.19.0", "env": "e"})
    assert findings.when_measured(step, starts) == "2026-12-05 13:10 and 2026-12-06 14:40 UTC, 25.5 h apart"
    assert findings.when_measured(step.replace("5.18.0", "5.17.0"), starts) == "not recorded"


def test_the_steps_found_at_releases_measured_as_pairs_are_checked_against_the_pairs_verdicts():
    env = "conda-py3.12-PMB_STACKrelease-day"
    step = {"flagged": True, "benchmark": findings.GRADIENT, "env": env, "before": "5.18.0", "release": "5.19.0"}
    found = pd.DataFrame([{**step, "model": "radon", "backend": "pymc", "ratio": 0.5},  # the pair agrees
                          {**step, "model": "radon", "backend": "numpyro", "ratio": 1.2},  # the pair: same
                          {**step, "model": "radon", "backend": "nutpie-numba", "ratio": 0.8},  # the pair: the other way
                          {**step, "model": "radon", "backend": "pymc-jax", "ratio": 0.4},  # not measured by the pair
                          {**step, "model": "radon", "backend": "pymc-numba", "ratio": 0.9, "flagged": False},
                          {**step, "model": findings.FAMILY, "backend": "pymc-*", "ratio": 0.5},
                          {**step, "model": "radon", "backend": "blackjax", "ratio": 1.5, "env": "conda-py3.12"}])
    pair = {"before": "5.18.0", "release": "5.19.0", "model": "radon", "low": 0, "high": 0, "flagged_from": 0.01}
    verdicts = pd.DataFrame([{**pair, "backend": "pymc", "ratio": 0.55, "verdict": "faster"},
                             {**pair, "backend": "numpyro", "ratio": 1.005, "verdict": "same"},
                             {**pair, "backend": "nutpie-numba", "ratio": 1.05, "verdict": "slower"},
                             {**pair, "backend": "pymc-numba", "ratio": 0.97, "verdict": "faster"},  # the pair only
                             {**pair, "backend": "blackjax", "ratio": 1.0, "verdict": "same"},
                             {**pair, "release": "5.18.0", "before": "5.17.0", "backend": "pymc", "ratio": 1.02,
                              "verdict": "slower"}])
    lines = findings.paired_check(found, verdicts, ["5.16.0", "5.17.0", "5.18.0", "5.19.0", "5.20.0", "5.21.0"])
    text = "\n".join(lines)
    assert "of 3 found here, the pairs agree with 1, judge 1 the same and 1 the other way" in text
    assert "the pairs flagged 2 steps of those cases that this page did not, x0.970 to x1.020" in text
    rows = {line.split("|")[1].strip(): [cell.strip() for cell in line.split("|")[2:-1]]
            for line in text.splitlines() if line.startswith("| 5.")}
    assert list(rows) == ["5.17.0 -> 5.18.0", "5.18.0 -> 5.19.0"]  # in release order
    assert rows["5.18.0 -> 5.19.0"] == ["5", "3", "1", "1", "1", "1", "x0.970"]  # one size alone
    assert rows["5.17.0 -> 5.18.0"][:2] == ["1", "0"]
    near_end = findings.paired_check(found, verdicts, ["5.17.0", "5.18.0", "5.19.0"])
    assert "5.18.0 -> 5.19.0 (no step can be placed here)" in "\n".join(near_end)
    assert findings.paired_check(found, verdicts.iloc[:0], ["5.18.0"]) == []
    sampled = found.assign(benchmark=findings.WALL).iloc[:1]  # the pair's sampling verdicts check sampling steps only
    both = pd.concat([found, sampled.assign(ratio=0.6)], ignore_index=True)
    sampling = "\n".join(findings.paired_check(both, verdicts.iloc[:1], ["5.16.0", "5.17.0", "5.18.0", "5.19.0",
                                                                          "5.20.0", "5.21.0"], findings.WALL))
    assert sampling.startswith("Sampling time: 1 pair of neighbouring releases") and "sampling time of pymc." in sampling
    assert "of 1 found here, the pairs agree with 1, judge 0 the same and 0 the other way" in sampling


def test_a_family_step_found_at_a_paired_release_carries_the_pairs_family_verdict():
    step = {"flagged": True, "benchmark": findings.GRADIENT, "env": "conda-py3.12-PMB_STACKrelease-day",
            "before": "5.15.0", "release": "5.16.0", "model": findings.FAMILY, "low": 1.06, "high": 1.28}
    steps = pd.DataFrame([{**step, "backend": "pymc-*", "ratio": 1.168},
                          {**step, "backend": "numpyro*", "ratio": 1.3, "benchmark": findings.WALL},  # not sampled
                          {**step, "backend": "pymc-*", "ratio": 0.7, "benchmark": findings.WALL},
                          {**step, "backend": "nutpie-*", "ratio": 0.9, "before": "6.0.0", "release": "6.0.1"}])
    pair = {"before": "5.15.0", "release": "5.16.0", "low": 0.99, "high": 1.01, "kind": adjacent.KIND}
    families = pd.DataFrame([{**pair, "family": "pymc-*", "backends": ("pymc", "pymc-numba"), "ratio": 1.001,
                              "verdict": "same"},
                             {**pair, "family": "numpyro*", "backends": ("numpyro",), "ratio": 1.022, "verdict": "slower"},
                             {**pair, "family": "pymc-*", "backends": ("pymc",), "ratio": 0.8, "low": 0.78, "high": 0.82,
                              "verdict": "faster", "kind": adjacent.SAMPLING_KIND}])
    matched = [findings.pair_match(row, families) for _, row in steps.iterrows()]
    steps = steps.assign(pair_verdict=[pair["verdict"] if pair is not None else "" for pair in matched],
                         paired=[findings.pair_says(pair) for pair in matched])
    assert list(steps["paired"]) == ["the pair on pymc, pymc-numba: same, x1.001 [0.990, 1.010]", "",
                                     "the pair on pymc: faster, x0.800 [0.780, 0.820]", ""]
    text = "\n".join(findings.family_check(steps, families))
    assert "pymc-* x1.168 at 5.15.0 -> 5.16.0 (the pair on pymc, pymc-numba: same, x1.001 [0.990, 1.010])" in text
    assert "Of the pairs' 2 gradient family aggregates, 1 flagged a step that this page did not find (x1.022" in text
    assert ("Sampling time (1 aggregate of pairs that also sampled): pymc-* x0.700 at 5.15.0 -> 5.16.0 (the pair on "
            "pymc: faster, x0.800 [0.780, 0.820])") in text
    measured = pd.DataFrame({"stack": ["release-day"], "release": ["5.16.0"]})
    block = findings.readme_block(measured, steps, "host")
    listed, judged_same = block.split("; and ")
    assert "1.168" not in listed and "numpyro* sampling time x1.300" in listed and "nutpie-* gradient time x0.900" in listed
    assert "pymc-* sampling time x0.700 [1.060, 1.280] at 5.15.0 -> 5.16.0 (the pair on pymc: faster" in listed
    assert judged_same.startswith("1 that the paired history, which measured both releases at once, judges the same")
    assert ("pymc-* gradient time x1.168 [1.060, 1.280] at 5.15.0 -> 5.16.0 (the pair on pymc, pymc-numba: same, "
            "x1.001 [0.990, 1.010]).") in judged_same
