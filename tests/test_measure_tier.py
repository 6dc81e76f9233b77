"""scripts/measure_tier.py: a tier run one model case at a time through real asv, resumable."""

import json
import os
import subprocess
import sys

import asv_runs
from reporting import results as results_table

SCRIPT = asv_runs.ROOT / "scripts" / "measure_tier.py"
CASE = "eight_schools_noncentered"


def measure(tmp_path, *args, asv_flags=(), asv=f"{sys.executable} -m asv"):
    env = {**os.environ, "PMB_TIER": "tiny", "HOME": str(tmp_path),
           "PATH": f"{asv_runs.BASE_BIN}:{os.environ['PATH']}"}
    command = [sys.executable, str(SCRIPT), *args, "--machine", asv_runs.MACHINE,
               "--results", str(tmp_path / "results"), "--asv", asv, "--", *asv_flags]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=asv_runs.ROOT, timeout=1800)


def test_one_case_is_measured_once_and_its_duration_kept(tmp_path):
    head = asv_runs.rev("main")
    config = asv_runs.config(tmp_path, matrix=asv_runs.SMALL_MATRIX)
    asv_runs.register_machine(tmp_path)
    flags = ("--config", str(config), "--machine", asv_runs.MACHINE, "--launch-method", "forkserver")

    first = measure(tmp_path, head, "--cases", CASE, asv_flags=flags)
    assert first.returncode == 0, first.stdout[-5000:] + first.stderr[-5000:]
    ledger_file = tmp_path / "results" / asv_runs.MACHINE / "durations.json"
    entry = json.loads(ledger_file.read_text())[head][CASE]
    assert entry["exit"] == 0 and entry["seconds"] > 0 and entry["tier"] == "tiny"
    assert f"1/{len(_tiny_cases())} cases" in first.stdout

    # every benchmark of the case ran, and nothing of another case
    rows = results_table.tidy(results_table.result_files(tmp_path / "results", asv_runs.MACHINE))
    sampled = rows[rows["benchmark"] == "sampling.Sampling.time_sample"].set_index(["model", "backend"])
    assert sampled.loc[(CASE, "pymc"), "status"] == "ok" and sampled.loc[(CASE, "pymc"), "value"] > 0
    assert sampled.loc[(CASE, "nutpie-numba"), "status"] == "skipped"  # not installed here
    others = rows[rows["model"] != CASE]
    assert not (others["status"] == "ok").any(), others[others["status"] == "ok"]
    assert (rows[(rows["model"] == CASE) & (rows["backend"] == "pymc")]["status"] == "ok").sum() >= 12

    again = measure(tmp_path, head, "--cases", CASE, asv_flags=flags)
    assert again.returncode == 0, again.stderr
    assert f"[{CASE}] measured already" in again.stdout
    assert json.loads(ledger_file.read_text())[head][CASE] == entry


def test_bad_input_names_what_is_valid(tmp_path):
    wrong_case = measure(tmp_path, "0" * 40, "--cases", "eight_schools")
    assert wrong_case.returncode == 2 and "valid: discrete_mixture" in wrong_case.stderr
    short_hash = measure(tmp_path, "aad86fe8", "--cases", CASE)
    assert short_hash.returncode == 2 and "full 40-character hash" in short_hash.stderr


def _tiny_cases():
    from benchmarks.common import TIERS, model_cases

    return model_cases(TIERS["tiny"])


def test_a_case_where_asv_itself_failed_is_not_counted_and_is_retried(tmp_path):
    failing_asv = "false"  # exits 1, as asv does when it cannot build the environment
    first = measure(tmp_path, "0" * 40, "--cases", CASE, asv=failing_asv)
    assert first.returncode == 1 and f"asv itself failed on: {CASE}" in first.stderr
    assert f"0/{len(_tiny_cases())} cases" in first.stdout
    again = measure(tmp_path, "0" * 40, "--cases", CASE, asv=failing_asv)
    assert f"[{CASE}] running" in again.stdout  # not taken for measured
