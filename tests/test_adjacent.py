"""The gradient micro-benchmark and the sampling run with the sides in adjacent processes: scripts/adjacent_pairs.py (real processes,
the mirror's commits built once) and its pairs in the review (reporting/adjacent.py)."""

import importlib.util
import json
import os
from dataclasses import replace
import subprocess
import sys
from pathlib import Path

import asv_runs
import numpy as np
import pandas as pd

from benchmarks.gradient import SAMPLES
from reporting import adjacent, compare

SCRIPT = asv_runs.ROOT / "scripts" / "adjacent_pairs.py"


def _run(*args, env=None):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=asv_runs.ROOT,
                          env=env)


def _sides(tmp_path):
    """The mirror's aa^ and aa, and a commits file that names them."""
    commits = tmp_path / "commits.txt"
    base, head = asv_runs.rev("aa^"), asv_runs.rev("aa")
    commits.write_text(f"{base}\n{head}\n")
    return base, head, commits


def test_bad_input_names_what_is_valid(tmp_path):
    commits = tmp_path / "commits.txt"
    commits.write_text(asv_runs.rev("aa^") + "\n")
    common = ["--repo", str(asv_runs.MIRROR), "--out", str(tmp_path / "out.json")]
    for extra, message in [(["--commits", str(commits)], "at least a base and a head"),
                           (["--commits", str(commits), "--backends", "stan"], "not backends: stan; valid: pymc"),
                           (["--commits", str(commits), "--cases", "gp_latent-7"], "not model cases: gp_latent-7"),
                           (["--commits", str(commits), "--rounds", "2"], "at least 3"),
                           (["--commits", str(commits), "--minutes", "0"], "must be a positive number of minutes"),
                           (["--commits", str(commits), "--pin"], "--pin: for the gradient's duets only"),
                           (["--commits", str(commits), "--duet", "--pin", "--metric", "sampling"],
                            "--pin: for the gradient's duets only"),
                           (["--commits", str(commits), "--as-of", str(tmp_path), "--nutpie-stack", str(tmp_path)],
                            "--as-of and --nutpie-stack: one or the other")]:
        run = _run(*common, *extra)
        assert run.returncode == 2 and message in run.stderr, run.stderr
    assert not (tmp_path / "out.json").exists()


def test_the_sides_are_measured_round_by_round_and_a_second_run_resumes(tmp_path):
    base, head, commits = _sides(tmp_path)
    out = tmp_path / "adjacent_pairs.json"
    args = ["--repo", str(asv_runs.MIRROR), "--commits", str(commits), "--out", str(out), "--backends", "pymc",
            "blackjax", "--cases", "eight_schools_noncentered", "discrete_mixture"]
    first = _run(*args, "--rounds", "3")
    assert first.returncode == 0, first.stderr[-3000:]
    measured = json.loads(out.read_text())
    values = measured["samples"]["pymc"]["eight_schools_noncentered"]
    assert measured["commits"] == [base, head] and [len(values[base]), len(values[head])] == [3, 3]
    assert all(1e-7 < value < 1e-2 for value in values[base] + values[head])  # seconds per evaluation
    # one process per (backend, commit): a case it cannot run is left out, the process's other cases kept
    assert list(measured["skipped"]) == ["discrete_mixture / blackjax"]
    assert len(measured["samples"]["blackjax"]["eight_schools_noncentered"][head]) == 3
    second = _run(*args, "--rounds", "4")
    assert second.returncode == 0, second.stderr[-3000:]
    again = json.loads(out.read_text())["samples"]["pymc"]["eight_schools_noncentered"]
    assert again[base][:3] == values[base] and len(again[base]) == len(again[head]) == 4
    pairs = adjacent.pairs(json.loads(out.read_text()), base[:10], head[:10])
    assert list(zip(pairs["backend"], pairs["model"])) == [("pymc", "eight_schools_noncentered"),
                                                           ("pymc", "discrete_mixture"),
                                                           ("blackjax", "eight_schools_noncentered")]
    assert all(len(rounds) == 3 for rounds in pairs["rounds_base"])  # the first of four rounds is not judged
    assert adjacent.budget_stops(adjacent.read(tmp_path)) == []
    # a budget spent: one round of its own for the pace, then no more, and the file says where it stopped
    third = _run(*args, "--rounds", "8", "--minutes", "0.001")
    assert third.returncode == 0 and "stopped after 5 of 8 rounds" in third.stdout, third.stdout + third.stderr[-3000:]
    measured = json.loads(out.read_text())
    assert measured["stopped"] == {"minutes": 0.001, "rounds": 5, "planned": 8}
    assert len(measured["samples"]["pymc"]["eight_schools_noncentered"][head]) == 5
    assert adjacent.budget_stops(adjacent.read(tmp_path)) == [f"{adjacent.KIND}: 5 of the 8 rounds asked for; one more would have "
                                               "passed its budget of 0.001 min"]


def test_sampling_runs_are_timed_in_adjacent_processes_and_not_resumed_as_gradients(tmp_path):
    base, head, commits = _sides(tmp_path)
    out = tmp_path / "adjacent_sampling.json"
    args = ["--repo", str(asv_runs.MIRROR), "--commits", str(commits), "--out", str(out), "--backends", "pymc",
            "--cases", "eight_schools_noncentered", "--rounds", "3"]
    run = _run(*args, "--metric", "sampling", env={**os.environ, "PMB_TIER": "tiny"})
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads(out.read_text())
    values = measured["samples"]["pymc"]["eight_schools_noncentered"]
    assert measured["metric"] == "sampling" and [len(values[base]), len(values[head])] == [3, 3]
    assert all(0.01 < value < 120 for value in values[base] + values[head])  # seconds per sampling run
    pairs = adjacent.pairs(measured, base[:10], head[:10], adjacent.SAMPLING)
    assert pairs["benchmark"].tolist() == [adjacent.SAMPLING]
    # the gradient into the same file starts afresh: its rounds are not the sampling run's
    adjacent_pairs = asv_runs.script_module("adjacent_pairs")
    samples = {"pymc": {"eight_schools_noncentered": {base: [], head: []}}}
    assert adjacent_pairs.resumed(out, "gradient", [base, head], samples) == 0
    assert adjacent_pairs.resumed(out, "sampling", [base, head], samples) == 3


def test_a_process_that_dies_fails_each_of_its_cases_with_its_last_words(tmp_path):
    site = tmp_path / "site"
    (site / "pymc").mkdir(parents=True)
    (site / "pymc" / "__init__.py").write_text("import os, sys\nprint('this PyMC dies', file=sys.stderr)\nos._exit(3)\n")
    script = asv_runs.script_module("adjacent_pairs")
    reasons = script.measure("gradient", "pymc", ["eight_schools_noncentered", "radon_hierarchical"], script.Side.site(site))
    assert list(reasons) == ["eight_schools_noncentered", "radon_hierarchical"]
    assert set(reasons.values()) == {"failed: the process ended (this PyMC dies)"}, reasons


def test_adjacent_pairs_are_judged_as_their_own_kind():
    rng = np.random.default_rng(4)
    commits = ["b" * 40, "h" * 40]
    samples = {"pymc": {case: {commits[0]: list(1e-5 * np.exp(rng.normal(0, 0.01, 10))),
                               commits[1]: list(1.1e-5 * np.exp(rng.normal(0, 0.01, 10)))} for case in ("a", "c")}}
    pairs = adjacent.pairs({"commits": commits, "samples": samples}, "b" * 8, "h" * 8)
    assert adjacent.pairs({"commits": commits, "samples": samples}, "b" * 8, "x" * 8).empty
    review = compare.paired_review(pd.DataFrame(pairs))
    assert set(review.speed["verdict"]) == {"slower"} and set(review.speed["kind"]) == {adjacent.KIND}
    assert adjacent.KIND in set(compare.detectable_by_kind(review)["kind"])


def test_a_round_whose_canary_ran_unevenly_between_the_sides_processes_is_judged_for_no_backend(tmp_path):
    """As on the AMD host (20261206T0839, once): for a round, pymc-numba's head process ran 1.5x slower on everything;
    here twice, more than the estimator's trim absorbs."""
    rng = np.random.default_rng(6)
    commits = ["b" * 40, "h" * 40]

    def sides(value, slow_rounds=()):
        head = value * np.exp(rng.normal(0, 0.01, 10))
        head[list(slow_rounds)] *= 1.5
        return {commits[0]: list(value * np.exp(rng.normal(0, 0.01, 10))), commits[1]: list(head)}

    samples = {"pymc": {"a": sides(1e-5), adjacent.CANARY_CASE: sides(2.5e-3)},
               "pymc-numba": {"a": sides(1e-5, (3, 7)), "c": sides(2e-5, (3, 7)),
                              adjacent.CANARY_CASE: sides(2.5e-3, (3, 7))}}
    measured = {"commits": commits, "samples": samples, "mode": "duet"}
    assert np.flatnonzero(adjacent.uneven_rounds(samples, *commits)).tolist() == [3, 7]
    pairs = adjacent.pairs(measured, "b" * 8, "h" * 8)
    assert all(len(rounds) == 7 for rounds in pairs["rounds_base"])  # dropped for every backend: aligned
    review = compare.paired_review(pairs)
    assert set(review.speed["verdict"]) == {"same"} and set(review.aggregates["verdict"]) == {"same"}
    assert review.canary_in_duets and abs(review.canary.ratio - 1) < 0.02
    (tmp_path / adjacent.FILE).write_text(json.dumps(measured))
    notes = adjacent.uneven_notes(adjacent.read(tmp_path), "b" * 8, "h" * 8)
    assert len(notes) == 2 and "round 8 of 10" in notes[1] and "pymc-numba 1.5" in notes[1], notes
    empty = pd.DataFrame(columns=["verdict", "status_head", "status_base"])
    markdown, _ = compare.render(compare.Side("b" * 40, "m"), compare.Side("h" * 40, "m"), empty, empty, empty,
                                 compare.Thresholds({}, "m"), review=replace(review, uneven=notes))
    assert "Rounds not judged, for any case: a backend's canary ran more than 25% faster" in markdown
    kept = dict(samples, **{backend: {k: v for k, v in by_case.items() if k != adjacent.CANARY_CASE}
                            for backend, by_case in samples.items()})
    unchecked = compare.paired_review(adjacent.pairs({"commits": commits, "samples": kept}, "b" * 8, "h" * 8))
    def widths(judged):
        numba = judged.speed[judged.speed["backend"] == "pymc-numba"]
        return (numba["high"] - numba["low"]).to_numpy()
    assert (widths(unchecked) > 3 * widths(review)).all()  # without the canary the slow rounds blur pymc-numba's


def test_a_case_that_fails_on_one_side_only_is_a_new_failure():
    commits = ["b" * 40, "h" * 40]
    samples = {"pymc": {"a": {commits[0]: [1e-5] * 5, commits[1]: [1e-5] * 5}}}
    skipped = {"c / pymc": {commits[1]: "failed: ValueError: broken"},  # head broke it
               "d / pymc": "skipped: not runnable",                    # every side (an older file's form)
               "e / pymc": {commits[0]: "skipped: x", commits[1]: "skipped: x"}}
    pairs = adjacent.pairs({"commits": commits, "samples": samples, "skipped": skipped}, "b" * 8, "h" * 8)
    statuses = compare.status_changes(pairs)
    assert list(zip(statuses["model"], statuses["status_base"], statuses["status_head"])) == [("c", "ok", "failed")]
    assert compare.paired_review(pairs).speed["model"].tolist() == ["a"]  # the failed pair is not judged for speed


def test_adjacent_sampling_runs_are_their_own_kind_and_the_time_split_prefers_them():
    rng = np.random.default_rng(5)
    commits = ["b" * 40, "h" * 40]

    def sides(value, ratio, spread):
        return {commits[0]: list(value * np.exp(rng.normal(0, spread, 10))),
                commits[1]: list(value * ratio * np.exp(rng.normal(0, spread, 10)))}

    measured = {"commits": commits, "samples": {"pymc": {case: sides(3.0, 1.08, 0.005) for case in ("a", "c")}}}
    pairs = adjacent.pairs(measured, "b" * 8, "h" * 8, adjacent.SAMPLING)
    # the same runs in asv's rounds, noisier and unchanged: the split must take the adjacent ones
    in_asv = pairs.assign(benchmark=compare.WALL,
                          rounds_base=[np.full(9, 3.0) * np.exp(rng.normal(0, 0.05, 9)) for _ in range(2)],
                          rounds_head=[np.full(9, 3.0) * np.exp(rng.normal(0, 0.05, 9)) for _ in range(2)])
    review = compare.paired_review(pd.concat([pairs, in_asv], ignore_index=True))
    adjacent_rows = review.speed[review.speed["kind"] == adjacent.SAMPLING_KIND]
    assert set(adjacent_rows["verdict"]) == {"slower"} and len(adjacent_rows) == 2
    assert compare.LONG_ADJACENT in set(compare.detectable_by_kind(review)["kind"])
    split = compare.time_split(pd.concat([pairs, in_asv], ignore_index=True), review.speed)
    assert len(split) == 2 and all(abs(wall - 1.08) < 0.02 for wall in split["wall"])


def test_a_duet_times_the_sides_in_live_processes_sample_by_sample_and_resumes_only_a_duet(tmp_path):
    base, head, commits = _sides(tmp_path)
    out = tmp_path / "adjacent_pairs.json"
    args = ["--repo", str(asv_runs.MIRROR), "--commits", str(commits), "--out", str(out), "--backends", "pymc",
            "blackjax", "--cases", "eight_schools_noncentered", "discrete_mixture", "--rounds", "3"]
    run = _run(*args, "--duet")
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads(out.read_text())
    values = measured["samples"]["pymc"]["eight_schools_noncentered"]
    assert measured["mode"] == "duet" and [len(values[base]), len(values[head])] == [3, 3]
    assert all(1e-7 < value < 1e-2 for value in values[base] + values[head])
    assert list(measured["skipped"]) == ["discrete_mixture / blackjax"]
    assert set(measured["skipped"]["discrete_mixture / blackjax"]) == {base, head}  # each side's own reason
    # the canary, timed in every process beside the cases, three rounds a side
    canary = {backend: by_case.pop(adjacent.CANARY_CASE) for backend, by_case in measured["samples"].items()}
    assert sorted(canary) == ["blackjax", "pymc"] and all(len(by_side[side]) == 3 for by_side in canary.values()
                                                          for side in (base, head))
    assert all(1e-4 < value < 1e-1 for by_side in canary.values() for side in (base, head) for value in by_side[side])
    # the cases paired over the judged rounds (without the canary: under a loaded CI a round it finds uneven would be
    # dropped, which tests of adjacent.uneven_rounds check on fixed data)
    pairs = adjacent.pairs(measured, base[:10], head[:10])
    assert len(pairs) == 3 and all(len(rounds) == 2 for rounds in pairs["rounds_base"])
    assert adjacent.duets(adjacent.read(tmp_path)) == [adjacent.KIND]  # the review says how its gradient rounds were timed
    adjacent_pairs = asv_runs.script_module("adjacent_pairs")
    samples = {"pymc": {"eight_schools_noncentered": {base: [], head: []}}}
    assert adjacent_pairs.resumed(out, "gradient", [base, head], samples) == 0  # not a duet: starts afresh
    assert adjacent_pairs.resumed(out, "gradient", [base, head], samples, "duet") == 3
    assert adjacent_pairs.resumed(out, "gradient", [base, head], samples, "duet", pinned=True) == 0


def test_pinning_puts_every_thread_of_a_live_process_on_the_one_core(tmp_path):
    """--pin (the gradient's duets): after the sides' preparation, which may start threads (numba's, XLA's)."""
    child = subprocess.Popen([sys.executable, "-c", "import threading, sys\n"
                              "threading.Thread(target=sys.stdin.read, daemon=True).start()\nprint('ready', flush=True)\n"
                              "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        core = max(os.sched_getaffinity(0))
        asv_runs.script_module("adjacent_pairs").pin([child], core)
        tasks = list(Path(f"/proc/{child.pid}/task").iterdir())
        assert len(tasks) == 2 and all(os.sched_getaffinity(int(task.name)) == {core} for task in tasks)
    finally:
        child.kill()
        child.wait()


def test_sampling_runs_in_a_duet_are_each_process_first_run_after_its_compile(tmp_path):
    base, head, commits = _sides(tmp_path)
    out = tmp_path / "adjacent_sampling.json"
    run = _run("--repo", str(asv_runs.MIRROR), "--commits", str(commits), "--out", str(out), "--backends", "pymc",
               "--cases", "eight_schools_noncentered", "--rounds", "3", "--metric", "sampling", "--duet",
               env={**os.environ, "PMB_TIER": "tiny"})
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads(out.read_text())
    values = measured["samples"]["pymc"]["eight_schools_noncentered"]
    assert measured["metric"] == "sampling" and measured["mode"] == "duet"
    assert [len(values[base]), len(values[head])] == [3, 3] and all(0.01 < v < 120 for v in values[base] + values[head])
    assert adjacent.duets(adjacent.read(tmp_path)) == [adjacent.SAMPLING_KIND]
    canary = measured["samples"]["pymc"][adjacent.CANARY_CASE]  # beside the runs in each side's process, every round
    assert [len(canary[base]), len(canary[head])] == [3, 3]
    assert all(1e-4 < value < 1e-1 for value in canary[base] + canary[head])


def test_a_duet_samples_the_canary_after_every_sampling_run_and_beside_every_gradient_pass():
    schedule = asv_runs.script_module("adjacent_pairs").schedule
    assert schedule("sampling", ["a", "b", adjacent.CANARY_CASE]) == ["a", adjacent.CANARY_CASE, "b",
                                                                      adjacent.CANARY_CASE]
    assert schedule("sampling", [adjacent.CANARY_CASE]) == [adjacent.CANARY_CASE]  # every run failed: the canary still
    assert schedule("sampling", ["a", "b"]) == ["a", "b"]
    assert schedule("gradient", ["a", adjacent.CANARY_CASE]) == ["a", adjacent.CANARY_CASE] * SAMPLES


def test_a_duet_side_whose_process_dies_fails_its_cases_and_the_other_side_reports_none(tmp_path):
    dying = tmp_path / "dying"
    (dying / "pymc").mkdir(parents=True)
    (dying / "pymc" / "__init__.py").write_text("import os, sys\nprint('this PyMC dies', file=sys.stderr)\nos._exit(3)\n")
    healthy = Path(importlib.util.find_spec("pymc").origin).parent.parent  # the venv's site-packages
    cases = ["eight_schools_noncentered"]
    script = asv_runs.script_module("adjacent_pairs")
    values = script.duet("gradient", "pymc", cases, {"base": script.Side.site(healthy), "head": script.Side.site(dying)},
                         ["base", "head"])
    assert values["head"] == {"eight_schools_noncentered": "failed: the process ended (this PyMC dies)"}, values
    assert values["base"] == {}
