"""The asv suite under asv itself: check, and a real run from the local PyMC history."""

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from asv.util import load_json

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / ".asv" / "pymc-mirror"
# base_prefix: the interpreter the venv was made from, which asv must find as python3.12
BASE_BIN = str(Path(sys.base_prefix) / "bin")


def _config(tmp_path, **changes):
    config = load_json(str(ROOT / "asv.conf.json"), js_comments=True)
    config.update(
        repo=str(MIRROR),
        benchmark_dir=str(ROOT / "benchmarks"),
        results_dir=str(tmp_path / "results"),
        html_dir=str(tmp_path / "html"),
        env_dir=str(tmp_path / "env"),
        **changes,
    )
    path = tmp_path / "asv.test.conf.json"
    path.write_text(json.dumps(config))
    # asv resolves {conf_dir} in install_command against the config's folder
    (tmp_path / "asv_constraints.txt").write_text((ROOT / "asv_constraints.txt").read_text())
    return path


def _asv(*args, tier="tiny", timeout=1800):
    env = {**os.environ, "PMB_TIER": tier, "PATH": f"{BASE_BIN}:{os.environ['PATH']}"}
    return subprocess.run(
        [sys.executable, "-m", "asv", *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout
    )


def _mirror_head():
    if not (MIRROR / ".git").exists():
        pytest.fail(f"no PyMC history at {MIRROR}: run `make mirror` (make test does)")
    return subprocess.run(
        ["git", "-C", str(MIRROR), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_asv_check(tmp_path):
    result = _asv("check", "--python=same", "--config", str(_config(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found" in result.stdout


def _only_result_file(results_dir):
    files = [p for p in results_dir.rglob("*.json") if p.name not in ("machine.json", "benchmarks.json")]
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


def _values(result_file, key):
    columns = result_file["result_columns"]
    entry = result_file["results"][key]
    row = dict(zip(columns, entry))
    models, backends = ([p.strip("'") for p in values] for values in row["params"])  # asv stores reprs
    return dict(zip((f"{m}|{b}" for m in models for b in backends), row["result"]))


def test_end_to_end_run_from_the_mirror_records_values_and_skips(tmp_path):
    """A virtualenv built from the newest mirrored PyMC release, without nutpie installed."""
    head = _mirror_head()
    matrix = {"req": {"nutpie": [None], "psutil": ["7.2.2"]}, "env_nobuild": {"OMP_NUM_THREADS": ["1"]}}
    config = _config(tmp_path, matrix=matrix)
    selection = r"eight_schools_noncentered', '(pymc|nutpie-numba)'\)"
    machine = ["--machine", "pmb-test", "--os", "test", "--arch", "x86_64", "--cpu", "test", "--num_cpu", "2",
               "--ram", "1GB"]
    env = {**os.environ, "HOME": str(tmp_path)}  # asv's machine file lives in HOME
    subprocess.run([sys.executable, "-m", "asv", "machine", "--yes", *machine], check=True, env=env,
                   capture_output=True)
    run = subprocess.run(
        [sys.executable, "-m", "asv", "run", "--config", str(config), "--machine", "pmb-test", "--show-stderr",
         "--launch-method", "forkserver", "--bench", selection, f"{head}^!"],
        capture_output=True, text=True, timeout=1800, cwd=ROOT,
        env={**env, "PMB_TIER": "tiny", "PATH": f"{BASE_BIN}:{os.environ['PATH']}"},
    )
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "nutpie not installed" in run.stdout

    results = _only_result_file(tmp_path / "results")
    assert results["commit_hash"] == head
    wall = _values(results, "sampling.Sampling.time_sample")
    assert wall["eight_schools_noncentered|pymc"] > 0
    assert math.isnan(wall["eight_schools_noncentered|nutpie-numba"])  # skipped (NaN), not failed (None)
    for key, check in {
        "sampling.SamplingMetrics.track_ess_bulk_min": lambda v: v > 1,
        "sampling.SamplingMetrics.track_grad_evals": lambda v: v >= 2 * 20,
        "sampling.SamplingMetrics.track_seconds_per_ess": lambda v: 0 < v < 60,
        "sampling.SamplingMetrics.track_compile_seconds": lambda v: v > 0,
        "sampling.SamplingReference.track_reference_error": lambda v: 0 <= v < 10,
    }.items():
        values = _values(results, key)
        assert check(values["eight_schools_noncentered|pymc"]), (key, values)
        assert math.isnan(values["eight_schools_noncentered|nutpie-numba"]), (key, values)


def test_nutpie_config_runs_the_same_suite_with_pymc_pinned():
    pymc_config = load_json(str(ROOT / "asv.conf.json"), js_comments=True)
    nutpie_config = load_json(str(ROOT / "asv.nutpie.conf.json"), js_comments=True)
    assert nutpie_config["repo"].endswith("pymc-devs/nutpie.git")
    assert nutpie_config["benchmark_dir"] == pymc_config["benchmark_dir"]
    assert nutpie_config["matrix"]["req"]["pymc"] == ["6.4.0"]
    assert "nutpie" not in nutpie_config["matrix"]["req"]
    # every backend pin of the PyMC config holds here too, so the two histories measure alike
    for package, versions in pymc_config["matrix"]["req"].items():
        if package != "nutpie":
            assert nutpie_config["matrix"]["req"][package] == versions, package
