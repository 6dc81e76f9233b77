"""scripts/measure_tier.py: a tier run one model case at a time through real asv, resumable."""

import itertools
import json
import os
import subprocess
import sys
import types

import asv_runs
from reporting import results as results_table

SCRIPT = asv_runs.ROOT / "scripts" / "measure_tier.py"
CASE = "eight_schools_noncentered"


def measure(tmp_path, *args, asv_flags=(), asv=f"{sys.executable} -m asv"):
    env = {**os.environ, "PMB_TIER": "tiny", "HOME": str(tmp_path),
           "PATH": f"{asv_runs.BASE_BIN}:{os.environ['PATH']}"}
    command = [sys.executable, str(SCRIPT), *args, "--machine", asv_runs.MACHINE,
               "--results", str(tmp_path / "results"), "--asv", asv, "--", *asv_flags]
    with asv_runs.env_lock():
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
    wrong_backend = measure(tmp_path, "0" * 40, "--cases", CASE, "--backends", "blackjax", "jax")
    assert wrong_backend.returncode == 2 and "not backends: jax; valid: pymc," in wrong_backend.stderr


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


FAKE_ASV = """
import json, sys
from pathlib import Path
bench = sys.argv[sys.argv.index("--bench") + 1]
with open(Path(sys.argv[0]).with_suffix(".calls"), "a") as calls:
    calls.write(bench + "\\n")
sys.exit(1 if "'pymc-jax'" in bench and Path(sys.argv[0]).with_suffix(".fail").exists() else 0)
"""


def test_per_backend_pieces_resume_and_count_the_case_once_every_backend_is_in(tmp_path):
    from benchmarks.common import BACKEND_NAMES

    fake = tmp_path / "fake_asv.py"
    fake.write_text(FAKE_ASV)
    fake.with_suffix(".fail").touch()  # asv itself fails on one piece: that piece is retried later
    commit = "1" * 40
    first = measure(tmp_path, commit, "--cases", CASE, "--per-backend", asv=f"{sys.executable} {fake}")
    assert first.returncode == 1 and f"asv itself failed on: {CASE} pymc-jax" in first.stderr
    calls = fake.with_suffix(".calls").read_text().splitlines()
    assert calls == [rf"\('{CASE}', '{backend}'\)" for backend in BACKEND_NAMES]
    assert f"0/{len(_tiny_cases())} cases" in first.stdout  # one piece missing: the case is not counted
    assert f"  {CASE}: {len(BACKEND_NAMES) - 1}/{len(BACKEND_NAMES)} backends measured" in first.stdout

    fake.with_suffix(".fail").unlink()
    again = measure(tmp_path, commit, "--cases", CASE, "--per-backend", asv=f"{sys.executable} {fake}")
    assert again.returncode == 0, again.stderr
    assert fake.with_suffix(".calls").read_text().splitlines()[len(BACKEND_NAMES):] == [rf"\('{CASE}', 'pymc-jax'\)"]
    assert f"1/{len(_tiny_cases())} cases" in again.stdout
    pieces = json.loads((tmp_path / "results" / asv_runs.MACHINE / "durations.json").read_text())[commit][CASE]
    assert set(pieces["backends"]) == set(BACKEND_NAMES)


def test_a_piece_selects_every_benchmark_of_its_pair_and_nothing_else():
    from asv.benchmarks import Benchmarks

    from benchmarks.common import BACKEND_NAMES

    selection = asv_runs.script_module("measure_tier").selection

    # the names and parameters of the full tier as asv discovered them
    discovered = json.loads((asv_runs.ROOT / "results-full" / "benchmarks.json").read_text())
    # the grid's benchmarks (the host canary has no parameters: it belongs to no pair)
    benchmarks = [benchmark for name, benchmark in discovered.items() if name != "version" and benchmark["params"]]
    case, backend = "gp_latent-100", "pymc"  # 'pymc' is a prefix of other backends' names
    conf = types.SimpleNamespace(benchmark_dir=str(asv_runs.ROOT / "benchmarks"))
    chosen = Benchmarks(conf, benchmarks, regex=selection(case, backend))
    assert set(chosen) == {benchmark["name"] for benchmark in benchmarks}  # every benchmark runs ...
    for name, indices in chosen.benchmark_selection.items():  # ... for this pair alone
        params = list(itertools.product(*discovered[name]["params"]))
        assert [params[i] for i in indices] == [(f"'{case}'", f"'{backend}'")], name
    assert len(BACKEND_NAMES) > 1


def test_backends_pick_and_order_the_pieces(tmp_path):
    from benchmarks.common import BACKEND_NAMES

    fake = tmp_path / "fake_asv.py"
    fake.write_text(FAKE_ASV)
    commit = "2" * 40
    chosen = ["blackjax", "numpyro-vectorized"]
    result = measure(tmp_path, commit, "--cases", CASE, "--backends", *chosen, asv=f"{sys.executable} {fake}")
    assert result.returncode == 0, result.stderr
    assert fake.with_suffix(".calls").read_text().splitlines() == [rf"\('{CASE}', '{backend}'\)" for backend in chosen]
    pieces = json.loads((tmp_path / "results" / asv_runs.MACHINE / "durations.json").read_text())[commit][CASE]
    assert list(pieces["backends"]) == chosen
    assert f"0/{len(_tiny_cases())} cases" in result.stdout  # two of ten pieces: the case is not counted
    assert f"  {CASE}: 2/{len(BACKEND_NAMES)} backends measured, " in result.stdout  # ... but they are shown
