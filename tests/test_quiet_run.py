"""scripts/quiet_run.py on real asv output: the progress and one line per failure on screen, all in the log.

tests/data/asv-run-output.txt is an excerpt of `asv run --show-stderr` of PyMC 5.14.0 on the quick
tier (AMD EPYC, 2026-12-04): the sampling benchmark with two failed combinations (an error, a
timeout), 29 skipped ones and the sampler chatter of the successful ones.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "tests" / "data" / "asv-run-output.txt"


def test_the_screen_shows_progress_and_one_line_per_failure(tmp_path):
    log = tmp_path / "logs" / "bench.log"
    command = [sys.executable, str(ROOT / "scripts" / "quiet_run.py"), str(log), "--",
               sys.executable, "-c", f"import sys; sys.stdout.write(open({str(OUTPUT)!r}).read()); sys.exit(2)"]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 2  # the command's own status
    screen = run.stdout.splitlines()
    assert screen[0] == f"full output (tracebacks included): {log}"
    assert screen[-1] == f"full output: {log}"
    assert [line.split(" ··· ")[-1].split()[0] for line in screen if " ··· " in line] == [
        "canary.Canary.time_interpreter", "sampling.Sampling.time_sample",
        "sampling.SamplingCost.track_grad_evals_total"]
    failures = [line.strip() for line in screen if line.startswith("    failed")]
    assert failures == [
        "failed 'discrete_mixture', 'pymc-jax': ValueError: list.remove(x): x not in list",
        "failed 'gp_latent-50', 'pymc-jax': asv: benchmark timed out (timeout 600s)",
    ]
    assert len(screen) == 9
    assert log.read_text() == OUTPUT.read_text()


def test_without_a_command_it_says_how_to_call_it():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "quiet_run.py"), "x.log"],
                         capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stderr.strip() == "usage: quiet_run.py LOG -- COMMAND [ARGS...]"
