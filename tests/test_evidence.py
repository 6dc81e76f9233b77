"""The review's evidence (docs/evidence/) and its summary in docs/review.md are what scripts/evidence.py writes
from the committed review results: no figure in them is typed by hand."""

import subprocess
import sys

import asv_runs


def test_committed_evidence_is_what_the_generator_writes():
    asv_runs.rev("inject-grad10")  # the mirror with its control tags (make test builds it)
    run = subprocess.run([sys.executable, "scripts/evidence.py", "--check"], capture_output=True, text=True,
                         cwd=asv_runs.ROOT)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_adjacent_pairs_experiment_refuses_a_call_without_its_output_and_rounds():
    run = subprocess.run([sys.executable, str(asv_runs.ROOT / "scripts" / "adjacent_pairs.py"), "out.json"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "python scripts/adjacent_pairs.py OUT.json ROUNDS" in run.stderr
