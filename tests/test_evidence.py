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
