"""`python -m harness list` and `run`: the matrix and the metrics a newcomer sees."""

import subprocess
import sys

from harness.backends import BACKENDS
from harness.cli import matrix_rows

import models


def test_matrix_has_every_model_and_backend():
    rows = {row[0]: row[2:] for row in matrix_rows()}
    assert set(rows) == set(models.model_names())
    assert len(rows) >= 7
    for name, cells in rows.items():
        assert len(cells) == len(BACKENDS)
        for backend, cell in zip(BACKENDS, cells):
            if models.get_model(name).discrete and not backend.startswith("pymc"):
                assert cell.startswith("skip: discrete"), (name, backend, cell)
            else:
                assert cell == "runs", (name, backend, cell)


def test_run_prints_metrics():
    result = subprocess.run(
        [sys.executable, "-m", "harness", "run", "eight_schools_noncentered", "nutpie-numba",
         "--draws", "40", "--tune", "40", "--chains", "2"],
        capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr
    for metric in ("ess_bulk_min", "grad_evals_per_ess", "seconds_per_ess", "parallel_efficiency", "compile_seconds"):
        assert metric in result.stdout


def test_unknown_names_are_usage_errors():
    result = subprocess.run(
        [sys.executable, "-m", "harness", "run", "eight_schools", "pymc"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 2
    assert "valid models" in result.stderr and "eight_schools_noncentered" in result.stderr


def test_zero_or_negative_settings_are_usage_errors():
    for flag, value in [("--draws", "-5"), ("--tune", "0"), ("--chains", "0"), ("--cores", "-1")]:
        result = subprocess.run([sys.executable, "-m", "harness", "run", "eight_schools_noncentered", "pymc", flag, value],
                                capture_output=True, text=True, timeout=600)
        assert result.returncode == 2, result.stderr
        assert result.stderr.splitlines()[-1].endswith(f"{flag} {value}: must be a whole number of at least 1")
        assert "Traceback" not in result.stderr


def test_an_unknown_tier_is_refused_by_make_in_one_line():
    from pathlib import Path

    from benchmarks.common import TIERS

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(["make", "-n", "list", "PMB_TIER=bogus"], capture_output=True, text=True, cwd=root)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"Makefile:{_line_of(root / 'Makefile', '$(error PMB_TIER')}: *** PMB_TIER=bogus is not a tier; "
        f"valid tiers: {' '.join(TIERS)}.  Stop."]


def _line_of(path, text):
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_an_unknown_stack_is_refused_by_make_in_one_line():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(["make", "-n", "list", "STACK=yesterday"], capture_output=True, text=True, cwd=root)
    assert result.returncode == 2
    assert result.stderr.strip().endswith("STACK=yesterday is not a stack; valid stacks: today release-day.  Stop.")


def test_a_model_size_that_does_not_exist_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "harness", "run", "gp_latent", "pymc", "--size", "7"],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].endswith("model 'gp_latent' has no size 7; valid sizes: [50, 100, 200, 400, 800]")


def test_a_range_that_matches_no_commit_is_refused_before_asv_runs():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    results = root / "results"
    before = sorted(path.name for path in results.rglob("*"))
    result = subprocess.run(["make", "history", "RANGE=v0.0.1^!"], capture_output=True, text=True, cwd=root,
                            timeout=900)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.splitlines()[0].startswith("error: RANGE=v0.0.1^! matches no commit of .asv/pymc-mirror")
    assert sorted(path.name for path in results.rglob("*")) == before  # nothing written


def test_reporting_refuses_a_machine_without_results_in_one_line():
    result = subprocess.run([sys.executable, "-m", "reporting", "summary", "--machine", "no-such-host"],
                            capture_output=True, text=True, timeout=600)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2 and len(lines) == 1, result.stderr
    assert lines[0].startswith("error: no results for machine 'no-such-host' in results; machines: ")


def test_history_runs_again_only_what_failed_when_asked():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent

    def dry_run(*variables):
        # the asv line is printed before the recursive publish, which needs the page's npm packages
        result = subprocess.run(["make", "-n", "history", "RANGE=v6.4.0^!", *variables], capture_output=True,
                                text=True, cwd=root)
        (asv_run,) = [line for line in result.stdout.splitlines() if " run --config " in line]
        return asv_run

    assert "--skip-existing v6.4.0^!" in dry_run()  # resumes: every recorded result, failed or not, is kept
    assert "--skip-existing-successful v6.4.0^!" in dry_run("RETRY_FAILED=1")
