"""An experiment for the review's precision: the gradient micro-benchmark with the sides' processes adjacent.

    python scripts/adjacent_pairs.py OUT.json ROUNDS [SIDE=REVISION ...]   (run with .venv's python)

asv's interleaved rounds measure one commit's benchmarks, then install the next commit and measure its:
the two measurements of a benchmark lie tens of seconds apart, with a reinstall between. Here each
side's PyMC (a revision of the local mirror, the first side the base) is built once into its own
folder, and every round runs each model case once per side in fresh processes, one right after the
other, the order of the sides rotated and reversed round by round. Each process times the pymc
backend's logp+gradient as benchmarks/gradient.py does (the median of 10 samples of the mean of 50
calls, after 200 warm-up calls). The samples go to OUT.json as they come; `scripts/evidence.py`
judges them with the review's own estimator (reporting/paired.py) against the base.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / ".asv" / "pymc-mirror"
CASES = ["eight_schools_noncentered", "gp_latent-50", "logistic_regression-1000", "stochastic_volatility-500"]
SIDES = {"base": "aa^", "aa": "aa", "grad5": "inject-grad5"}
CHILD = """
import statistics, sys, timeit
from benchmarks.common import skip_unless_runnable
spec, size, backend = skip_unless_runnable(sys.argv[1], "pymc")
evaluate = backend.gradient_evaluator(spec.build(size))
for _ in range(200):
    evaluate()
timer = timeit.Timer(evaluate)
print(statistics.median(timer.timeit(50) / 50 for _ in range(10)))
"""


def install(revision: str, folder: Path) -> Path:
    """The mirror's PyMC at `revision`, built and installed (no dependencies) into folder/site."""
    source, wheels, site = folder / "source", folder / "wheels", folder / "site"
    source.mkdir(parents=True)
    commit = subprocess.run(["git", "-C", str(MIRROR), "rev-parse", revision + "^{commit}"], capture_output=True,
                            text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", str(MIRROR), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)], check=True)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(next(wheels.glob("*.whl")))], check=True)
    return site


def measure(case: str, site: Path) -> float | None:
    env = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PATH": "/usr/bin:/bin", "HOME": os.environ["HOME"],
           "PYTHONPATH": f"{site}:{ROOT}"}
    run = subprocess.run([sys.executable, "-c", CHILD, case], capture_output=True, text=True, env=env, cwd=ROOT)
    return float(run.stdout.split()[-1]) if run.returncode == 0 else None


def main(argv: list[str]) -> int:
    if len(argv) < 2 or not argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    out, rounds = Path(argv[0]), int(argv[1])
    sides = dict(arg.split("=", 1) for arg in argv[2:]) or SIDES
    with tempfile.TemporaryDirectory(prefix="pmb-sides-") as scratch:
        sites = {name: install(revision, Path(scratch) / name) for name, revision in sides.items()}
        names = list(sides)
        samples = {"sides": sides, "cases": {case: {name: [] for name in names} for case in CASES}}
        for round_ in range(rounds):
            for index, case in enumerate(CASES):
                shift = (round_ + index) % len(names)
                order = names[shift:] + names[:shift]
                for name in order[::-1] if round_ % 2 else order:
                    samples["cases"][case][name].append(measure(case, sites[name]))
            out.write_text(json.dumps(samples, indent=1))
            print(f"round {round_ + 1}/{rounds} written to {out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
