"""The asv suite under asv itself: check, and a real run from the local PyMC history."""

import json

import asv_runs
from asv.util import load_json

from reporting import results as results_table

ROOT = asv_runs.ROOT


def test_asv_check(tmp_path):
    result = asv_runs.asv("check", "--python=same", "--config", str(asv_runs.config(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found" in result.stdout


def _only_result_file(results_dir):
    files = [p for p in results_dir.rglob("*.json") if p.name not in ("machine.json", "benchmarks.json")]
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


def _values(result_file, key):
    """"model|backend" -> (value, status) of one benchmark, read as the reports read it."""
    rows = results_table.tidy([result_file])
    rows = rows[rows["benchmark"] == key]
    return {f"{m}|{b}": (v, s) for m, b, v, s in zip(rows["model"], rows["backend"], rows["value"], rows["status"])}


def test_end_to_end_run_from_the_mirror_records_values_and_skips(tmp_path):
    """A virtualenv built from the newest mirrored PyMC release, without nutpie installed."""
    head = asv_runs.rev("main")
    config = asv_runs.config(tmp_path, matrix=asv_runs.SMALL_MATRIX)
    selection = r"eight_schools_noncentered', '(pymc|nutpie-numba)'\)"
    asv_runs.register_machine(tmp_path)
    run = asv_runs.asv("run", "--config", str(config), "--machine", asv_runs.MACHINE, "--show-stderr",
                       "--launch-method", "forkserver", "--bench", selection, f"{head}^!", home=tmp_path)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-5000:]
    assert "nutpie not installed" in run.stdout

    results = _only_result_file(tmp_path / "results")
    assert results["commit_hash"] == head
    wall = _values(results, "sampling.Sampling.time_sample")
    value, status = wall["eight_schools_noncentered|pymc"]
    assert status == "ok" and value > 0
    assert wall["eight_schools_noncentered|nutpie-numba"][1] == "skipped"  # asv's NaN, not a failure's null
    for key, check in {
        "sampling.SamplingMetrics.track_ess_bulk_min": lambda v: v > 1,
        "sampling.SamplingMetrics.track_grad_evals": lambda v: v >= 2 * 20,
        "sampling.SamplingMetrics.track_seconds_per_ess": lambda v: 0 < v < 60,
        "sampling.SamplingMetrics.track_compile_seconds": lambda v: v > 0,
        "sampling.SamplingReference.track_reference_error": lambda v: 0 <= v < 10,
    }.items():
        values = _values(results, key)
        value, status = values["eight_schools_noncentered|pymc"]
        assert status == "ok" and check(value), (key, values)
        assert values["eight_schools_noncentered|nutpie-numba"][1] == "skipped", (key, values)


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


def test_nutpie_release_history_pins_one_release_per_commit(tmp_path):
    import subprocess
    import sys

    history = tmp_path / "nutpie-releases"
    build = subprocess.run([sys.executable, "scripts/build_nutpie_history.py", str(history), "0.16.10", "0.16.11"],
                           capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stderr

    def git(*args):
        return subprocess.run(["git", "-C", str(history), *args], capture_output=True, text=True,
                              check=True).stdout.strip()

    assert git("tag").split() == ["v0.16.10", "v0.16.11"]
    assert 'dependencies = ["nutpie==0.16.10"]' in git("show", "v0.16.10:pyproject.toml")
    assert git("log", "-1", "--format=%cs", "v0.16.11") == "2026-06-30"  # its PyPI upload
    before = git("rev-parse", "v0.16.10")
    # a copy of the folder that lost its tags, on a machine with another git identity: the tags come back
    # from the commits' subjects and nothing is committed again (that would move every hash)
    both = git("rev-parse", "v0.16.10", "v0.16.11")
    git("tag", "-d", "v0.16.10", "v0.16.11")
    git("config", "--unset", "user.name")
    again = subprocess.run([sys.executable, "scripts/build_nutpie_history.py", str(history), "0.16.10", "0.16.11"],
                           capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0 and again.stdout.count("(tag restored)") == 2, again.stderr
    assert git("rev-parse", "v0.16.10", "v0.16.11") == both and len(git("log", "--format=%H", "main").split()) == 2
    older = subprocess.run([sys.executable, "scripts/build_nutpie_history.py", str(history), "0.16.9"],
                           capture_output=True, text=True, cwd=ROOT)
    assert older.returncode == 0 and "rebuilding all 3 in order" in older.stdout, older.stderr
    assert git("log", "--format=%s", "main").splitlines() == [f"nutpie {v} (PyPI)" for v in ("0.16.11", "0.16.10", "0.16.9")]
    assert git("rev-parse", "v0.16.10") != before  # a new parent, a new hash: rekey_results.py follows it by tag
    assert not list(tmp_path.glob("nutpie-releases.*"))  # the rebuild's scratch and the old history are gone

    config = load_json(str(ROOT / "asv.nutpie-releases.conf.json"), js_comments=True)
    assert config["results_dir"] == "results-nutpie"  # apart: asv publish reads all of results/
    config.update(repo=str(history), benchmark_dir=str(ROOT / "benchmarks"), results_dir=str(tmp_path / "results"),
                  html_dir=str(tmp_path / "html"), env_dir=str(tmp_path / "env"))
    (tmp_path / "conf.json").write_text(json.dumps(config))
    check = asv_runs.asv("check", "--python=same", "--config", str(tmp_path / "conf.json"))
    assert check.returncode == 0, check.stdout + check.stderr


def test_nutpie_history_matrix_agrees_with_its_fixed_stack():
    config = load_json(str(ROOT / "asv.nutpie-releases.conf.json"), js_comments=True)
    pins = dict(line.split("==") for line in (ROOT / "asv_nutpie_stack.txt").read_text().splitlines()
                if line and not line.startswith("#"))
    matrix = {name: versions for name, versions in config["matrix"]["req"].items() if name != "psutil"}
    assert matrix and all(versions == [pins[name]] for name, versions in matrix.items()), (matrix, pins)
    assert "--constraint {conf_dir}/asv_nutpie_stack.txt" in config["install_command"][0]
