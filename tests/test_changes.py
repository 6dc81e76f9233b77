"""Change points across releases (reporting/changes.py) and the findings page (reporting/findings.py)."""

from pathlib import Path

import numpy as np
import pandas as pd

from reporting import changes, findings

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
    alarms = sum(any(s.p_value <= changes.FDR for s in changes.steps(_series(seed=seed))) for seed in range(40))
    assert alarms <= 5  # the permutation test's level is 5 %: about 2 of 40 by chance


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
    page, steps_table, measured = findings.analyse(ROOT / "results", ROOT / "history-tags" / "pymc-mirror.json", machine)
    assert (ROOT / "docs" / "findings.md").read_text() == page, "run `make findings` and commit docs/findings.md"
    assert findings.readme_block(measured, steps_table, machine) in (ROOT / "README.md").read_text(), \
        "run `make findings` and commit README.md"


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


def test_a_step_across_unmeasured_releases_says_how_many_lie_between():
    from reporting.findings import step_releases

    commits = {f"c{i}": release for i, release in enumerate(["5.14.0", "5.15.0", "5.16.0", "5.17.0", "6.0.0", "6.0.1"])}
    assert step_releases(pd.Series({"before": "5.15.0", "release": "6.0.0"}), commits) == \
        "5.15.0 -> 6.0.0 (2 releases between not measured)"
    assert step_releases(pd.Series({"before": "6.0.0", "release": "6.0.1"}), commits) == "6.0.0 -> 6.0.1"
