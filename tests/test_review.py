"""The review catches what it should: the mirror's injected commits, run under asv in the tiny tier.

aa (no change), inject-slow (10 ms per logp+gradient call) and inject-adapt (target_accept 0.8 ->
0.7) are children of the newest release (scripts/inject_changes.py); compare judges each against
it with the committed A/A thresholds.
"""

import json
import shutil
import subprocess
import sys

import asv_runs
import pytest

SELECTION = r"eight_schools_noncentered', 'pymc'\)"
THRESHOLDS = asv_runs.ROOT / "reporting" / "thresholds" / "x86_64-2cpu-24GB-amd-epyc-quick.json"  # its quick tier's A/A


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """asv results of the release and its three control commits, one environment, one pair."""
    tmp_path = tmp_path_factory.mktemp("review")
    commits = {name: asv_runs.rev(name) for name in ("aa^", "aa", "inject-slow", "inject-adapt")}
    asv_runs.register_machine(tmp_path)
    config = asv_runs.config(tmp_path, matrix=asv_runs.SMALL_MATRIX)
    # inject-adapt first, alone: the first commit measured pays for cold compile caches, and the
    # A/A pair must not differ by that.
    hashfile = tmp_path / "commits.txt"
    hashfile.write_text("\n".join(commits[name] for name in ("aa^", "aa", "inject-slow")) + "\n")
    for commits_spec in (f"{commits['inject-adapt']}^!", f"HASHFILE:{hashfile}"):
        run = asv_runs.asv("run", "--config", str(config), "--machine", asv_runs.MACHINE, "--show-stderr",
                           "--launch-method", "forkserver", "--bench", SELECTION, commits_spec, home=tmp_path)
        assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    return tmp_path / "results", commits


def _tiny_tier_thresholds(results):
    """The committed A/A thresholds, but peak memory is not judged: a tiny run lasts under a second,
    and the monitor's 50 ms polls catch its chain processes at different stages of starting. CI
    runs measured 305-695 MB for this pair; the quick tier's A/A spread was 5.5 %."""
    thresholds = json.loads(THRESHOLDS.read_text())
    thresholds["thresholds"]["memory"]["relative"] = 100.0
    path = results.parent / "thresholds-tiny.json"
    path.write_text(json.dumps(thresholds))
    return path


def _compare(measured, head, *selection):
    results, commits = measured[:2]
    return subprocess.run(
        [sys.executable, "-m", "reporting", "compare", commits["aa^"], commits[head], "--results", str(results),
         "--machine", asv_runs.MACHINE, "--thresholds", str(_tiny_tier_thresholds(results)), *selection],
        capture_output=True, text=True, cwd=asv_runs.ROOT,
    )


def _section(markdown, title):
    return markdown.split(f"### {title}", 1)[1].split("###", 1)[0]


def test_a_a_compare_finds_no_behaviour_change(measured):
    """Judged on the deterministic part only: the timing rows are not asserted, since the tiny
    tier's runs last about a second, and one CI run timed seconds per ESS at 1.33x the base's
    (0.366 -> 0.485 s) with the same draws, a "Worse" verdict from the host's load alone."""
    review = _compare(measured, "aa")
    assert review.returncode in (0, 1), review.stdout + review.stderr
    verdict = review.stdout.splitlines()[0]
    assert "Algorithmic change" not in verdict and "behaviour changed" not in verdict
    assert "### Algorithmic changes (0)" in review.stdout  # fixed seeds: the same draws
    assert "### Failures and skips that changed (0)" in review.stdout


def test_injected_slowdown_is_a_speed_regression(measured):
    review = _compare(measured, "inject-slow")
    assert review.returncode == 1, review.stdout + review.stderr
    assert review.stdout.startswith("**Worse**")
    slower = _section(review.stdout, "Slower")
    assert "time_logp_dlogp" in slower and "time_sample" in slower
    assert "### Algorithmic changes (0)" in review.stdout  # a delay changes no draw


def test_injected_adaptation_change_is_an_algorithmic_change(measured):
    """Judged on the deterministic part only: inject-adapt runs first, on cold compile caches that
    pm.sample's own compile pays inside the sampling time, and one CI run timed it at 2x the base
    (1.88 -> 3.88 s wall, 2.02 -> 4.16 s CPU), a "Worse" verdict with the algorithmic change in it."""
    review = _compare(measured, "inject-adapt")
    assert review.returncode in (0, 1), review.stdout + review.stderr
    verdict = review.stdout.splitlines()[0]
    assert verdict.startswith("**Algorithmic change**") or "the sampler's behaviour changed too" in verdict
    assert "### Failures and skips that changed (0)" in review.stdout
    changed = _section(review.stdout, "Algorithmic changes")
    assert "gradient evaluations" in changed and "mean bulk ESS" in changed


@pytest.fixture(scope="module")
def measured_in_rounds(tmp_path_factory):
    """The release, inject-slow and inject-wrong measured as `make continuous` does: the timed
    benchmarks in four interleaved rounds (three judged), then the tracked metrics once."""
    tmp_path = tmp_path_factory.mktemp("rounds")
    commits = {name: asv_runs.rev(name) for name in ("aa^", "inject-slow", "inject-wrong")}
    asv_runs.register_machine(tmp_path)
    config = asv_runs.config(tmp_path, matrix=asv_runs.SMALL_MATRIX)
    hashfile = tmp_path / "commits.txt"
    hashfile.write_text("\n".join(commits.values()) + "\n")
    common = ["--config", str(config), "--machine", asv_runs.MACHINE, "--show-stderr", "--launch-method", "forkserver"]
    timed = ["--bench", r"^canary\.", "--bench", r"^(gradient|sampling\.Sampling)\..*" + SELECTION]
    tracked = ["--bench", r"^sampling\.Sampling(Cost|Metrics|Reference)\..*" + SELECTION]
    # The timed rounds as make continuous runs them: 3, then 2 more unless the goals are met already.
    rounds = asv_runs.run_script("review_rounds.py", "--asv", f"{sys.executable} -m asv", "--commits", str(hashfile),
                                 "--results", str(tmp_path / "results"), "--machine", asv_runs.MACHINE,
                                 "--rounds", "3", "--max-rounds", "5", "--minutes", "60", "--", *common, *timed,
                                 home=tmp_path)
    assert rounds.returncode == 0, rounds.stdout[-5000:] + rounds.stderr[-5000:]
    run = asv_runs.asv("run", *common, *tracked, f"HASHFILE:{hashfile}", home=tmp_path)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    return tmp_path / "results", commits, timed + tracked


def test_a_stopped_review_run_again_keeps_its_rounds_and_appends_to_them(measured_in_rounds, tmp_path):
    """review_rounds.py over a review's results resumes: it never starts the rounds afresh, asks asv only to
    append, and stops (exit 1) when an asv call recorded no further round instead of asking again."""
    results, commits, selection = measured_in_rounds
    shutil.copytree(results, tmp_path / "results")
    hashfile = tmp_path / "commits.txt"
    hashfile.write_text("\n".join(commits.values()) + "\n")
    calls = tmp_path / "calls.txt"
    fake_asv = tmp_path / "asv"
    fake_asv.write_text(f"#!/bin/sh\necho \"$*\" >> {calls}\n")
    fake_asv.chmod(0o755)
    run = asv_runs.run_script("review_rounds.py", "--asv", str(fake_asv), "--commits", str(hashfile),
                              "--results", str(tmp_path / "results"), "--machine", asv_runs.MACHINE,
                              "--rounds", "3", "--max-rounds", "20", "--minutes", "60", "--", *selection,
                              home=tmp_path)
    log = (tmp_path / "results" / "rounds.txt").read_text().splitlines()
    recorded = (results / "rounds.txt").read_text().splitlines()
    assert log[:len(recorded)] == recorded  # the first run's decisions are kept
    assert log[len(recorded)].startswith("resuming: ") and "rounds of base and head already recorded" in log[len(recorded)]
    asked = calls.read_text().splitlines() if calls.exists() else []
    assert all("--append-samples" in call for call in asked)
    if asked:  # a goal was missed: two more rounds asked for, none recorded by the fake asv
        assert run.returncode == 1 and len(asked) == 1 and log[-1].startswith("asv ran but recorded no further round")
    else:
        assert run.returncode == 0


def test_a_resumed_review_counts_asv_rounds_only(measured_in_rounds, tmp_path):
    """A review whose adjacent processes ran after its rounds (scripts/adjacent_pairs.py, more rounds than asv's)
    resumes with asv's rounds: the adjacent rounds count neither as asv's rounds nor in their spread."""
    from reporting import adjacent, rounds

    results, commits, selection = measured_in_rounds
    shutil.copytree(results, tmp_path / "results")
    base, head = commits["aa^"], commits["inject-slow"]
    before = rounds.state(tmp_path / "results", base, head, asv_runs.MACHINE, selection)
    twelve = {"eight_schools_noncentered": {base: [1.0] * 12, head: [1.3, 1.2] * 6}}
    (tmp_path / "results" / adjacent.SAMPLING_FILE).write_text(json.dumps(
        {"metric": "sampling", "commits": [base, head], "samples": {"pymc": twelve}}))
    assert len(adjacent.review_pairs(adjacent.read(tmp_path / "results"), base, head)) == 1  # the file is read by the review
    after = rounds.state(tmp_path / "results", base, head, asv_runs.MACHINE, selection)
    assert after[0] == before[0] < 12
    assert after[1].equals(before[1])


def test_rounds_of_the_canary_alone_are_counted(measured_in_rounds):
    """With the sampling runs and the gradient in adjacent processes, asv's rounds time the canary alone:
    they are counted all the same, with no kind to judge."""
    from reporting import rounds

    results, commits, selection = measured_in_rounds
    base, head = commits["aa^"], commits["inject-slow"]
    everything = rounds.state(results, base, head, asv_runs.MACHINE, selection)
    canary_only = rounds.state(results, base, head, asv_runs.MACHINE, ["--bench", r"^canary\."])
    assert canary_only[0] == everything[0] >= 3
    assert canary_only[1].empty


def _compare_rounds(measured_in_rounds, head):
    return _compare(measured_in_rounds, head, *measured_in_rounds[2])


def test_rounds_are_added_while_the_goals_are_missed(measured_in_rounds):
    """Three rounds, then two more only if a kind's smallest detectable change missed its goal; each
    decision is kept with its reason."""
    decisions = (measured_in_rounds[0] / "rounds.txt").read_text().splitlines()
    assert decisions[0].startswith("after 3 rounds, smallest detectable change (median): gradient ")
    if "2 more rounds" in decisions[0]:
        assert len(decisions) == 2 and decisions[1].startswith("after 5 rounds")
        assert decisions[1].endswith(("every goal met", "stopping at the most rounds allowed (5)"))
    else:
        assert decisions == [decisions[0]] and decisions[0].endswith("every goal met")


def test_rounds_give_the_slowdown_an_interval_and_place_it_in_the_gradient(measured_in_rounds):
    review = _compare_rounds(measured_in_rounds, "inject-slow")
    assert review.returncode == 1, review.stdout + review.stderr
    judged = 4 if "2 more rounds" in (measured_in_rounds[0] / "rounds.txt").read_text() else 2
    assert review.stdout.startswith("**Worse**") and f"Paired rounds judged a side: {judged} in asv's interleaved rounds" in review.stdout
    slower = _section(review.stdout, "Slower")
    assert "time_logp_dlogp" in slower and "[" in slower  # a ratio with its interval
    assert "time per evaluation" in _section(review.stdout, "Where the sampling time went")
    assert "### Algorithmic changes (0)" in review.stdout


def test_a_wrong_posterior_is_the_headline(measured_in_rounds):
    review = _compare_rounds(measured_in_rounds, "inject-wrong")
    assert review.returncode == 1, review.stdout + review.stderr
    assert review.stdout.startswith("**Wrong posterior**: 1 runs' means beyond their reference")
    wrong = _section(review.stdout, "Wrong posterior")
    assert "eight_schools_noncentered" in wrong and "True" in wrong


def test_bad_round_settings_are_refused_before_anything_runs(tmp_path):
    hashfile = tmp_path / "commits.txt"
    hashfile.write_text("a" * 40 + "\n" + "b" * 40 + "\n")
    results = tmp_path / "results"
    for bad, message in [(["--rounds", "2"], "at least 3 rounds"), (["--rounds", "6", "--max-rounds", "4"], "below --rounds"),
                         (["--minutes", "0"], "must be a positive number"), (["--minutes", "soon"], "invalid")]:
        run = asv_runs.run_script("review_rounds.py", "--commits", str(hashfile), "--results", str(results),
                                  "--machine", asv_runs.MACHINE, "--asv", "false", *bad, "--", "--bench", "x")
        assert run.returncode == 2 and message in run.stderr.splitlines()[-1], run.stderr
        assert not results.exists()
