"""Instructions counted by valgrind's callgrind: costs that do not move with the host's load or clock.

Two counts, each in a fresh process: per logp+gradient evaluation (`count`), and per leapfrog step
of a short run of PyMC's own NUTS (`count_sampling`: the sampler's work as well as the gradient's).
The counted process builds, compiles and warms up with valgrind's instrumentation off (so that
importing PyMC and compiling cost no simulation), then turns it on around the counted work
through callgrind's client requests, issued from a small C library compiled here with gcc and
loaded with ctypes. callgrind counts every thread of the process, so a backend's worker threads
are included. The count includes the Python loop and the two client requests (about 15,000
instructions over EVALUATIONS calls: a fixed part, the same on both sides of a review).

valgrind 3.19 decodes no AVX-512, and valgrind's virtual CPU reports none, so numpy, OpenBLAS, Numba
and XLA choose AVX2 code under it by themselves; PyTensor's C code is compiled for the host's
-march=native unless told otherwise, so the counted process compiles it for x86-64-v3 (AVX2, in
its own PyTensor cache entries). What is counted is therefore the AVX2 build of every backend.
"""

from __future__ import annotations

import ctypes
import gc
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from harness.environment import CACHE_ROOT

EVALUATIONS = 20
WARM_UP_CALLS = 3
SAMPLING_DRAWS = 20  # tuning steps, and draws, of a counted sampling run (50 took over 10 min for gp_latent-50)
TIMEOUT = 800  # seconds
ROOT = Path(__file__).resolve().parent.parent
CACHE = CACHE_ROOT / "callgrind"
_TOGGLE_SOURCE = """
#include <valgrind/callgrind.h>
void pmb_start(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void pmb_stop(void) { CALLGRIND_STOP_INSTRUMENTATION; }
"""
PYTENSOR_MARCH = "gcc__cxxflags=-march=x86-64-v3"
HEADER = Path("/usr/include/valgrind/callgrind.h")


def unavailable() -> str | None:
    """Why instructions cannot be counted on this machine, or None."""
    for tool in ("valgrind", "gcc"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (apt-get install valgrind gcc)"
    if not HEADER.exists():
        return f"{HEADER} is missing (Debian's valgrind package ships it)"
    return None


def toggle_library() -> Path:
    """The compiled client-request library (built once per source text)."""
    digest = hashlib.sha256(_TOGGLE_SOURCE.encode()).hexdigest()[:12]
    library = CACHE / f"toggle-{digest}.so"
    if not library.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        source = CACHE / f"toggle-{digest}.c"
        source.write_text(_TOGGLE_SOURCE)
        partial = library.with_suffix(f".{os.getpid()}.tmp")
        subprocess.run(["gcc", "-O1", "-shared", "-fPIC", "-o", str(partial), str(source)], check=True)
        partial.replace(library)
    return library


def count(model: str, size: int | None, backend_name: str, evaluations: int = EVALUATIONS) -> float:
    """Instructions per logp+gradient evaluation of the model at size through the backend, counted
    in a fresh process."""
    return _counted("evaluations", model, size, backend_name, evaluations)


def count_sampling(model: str, size: int | None, backend_name: str, draws: int = SAMPLING_DRAWS) -> float:
    """Instructions per gradient evaluation (leapfrog step) of one short run of PyMC's own NUTS
    (`draws` tuning steps and `draws` draws, one chain, a fixed seed), its compile outside the
    count: the sampler's own work per step as well as the gradient's. Per step, so that a sampler
    that takes more steps (a behaviour change, seen in the gradient counts) reads as such, not as
    a slower one."""
    return _counted("sampling", model, size, backend_name, draws)


def _counted(what: str, model: str, size: int | None, backend_name: str, repeats: int) -> float:
    """The instructions `_counted_process` counts in a fresh process under callgrind, per unit of
    work (a call, a leapfrog step) it reports on its last line of output."""
    reason = unavailable()
    if reason:
        raise NotImplementedError(reason)
    library = toggle_library()
    with tempfile.TemporaryDirectory(prefix="pmb-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no",
            f"--callgrind-out-file={out}", sys.executable, "-m", "harness.instructions",
            what, model, str(size or 0), backend_name, str(repeats), str(library),
        ]
        # A fixed hash seed: dict and set layouts, and so the interpreter's paths, repeat.
        flags = os.environ.get("PYTENSOR_FLAGS", "")
        env = {**os.environ, "PYTHONHASHSEED": "0",
               "PYTENSOR_FLAGS": f"{flags},{PYTENSOR_MARCH}" if flags else PYTENSOR_MARCH}
        # Inside asv's 900 s timeout, so that valgrind is killed with its benchmark, not orphaned.
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                              cwd=ROOT)
        if done.returncode != 0:
            raise RuntimeError(f"callgrind run failed ({done.returncode}): {done.stderr.strip()[-600:]}")
        units = float(done.stdout.strip().splitlines()[-1].split()[-1])
        return total_instructions(out.read_text()) / units


def total_instructions(dump: str) -> int:
    """The Ir total of a callgrind dump: its "totals:" line (with instrumentation off outside the
    counted calls, everything the dump holds)."""
    found = re.findall(r"^totals:\s*(\d+)", dump, re.MULTILINE)
    if not found:
        raise RuntimeError("callgrind dump has no totals line")
    return int(found[-1])


def _evaluations(model, backend, repeats: int):
    """`repeats` logp+gradient calls, warmed up."""
    evaluate = backend.gradient_evaluator(model)
    for _ in range(WARM_UP_CALLS):
        evaluate()

    def counted():
        for _ in range(repeats):
            evaluate()
        return repeats
    return counted


def _sampling(model, backend, draws: int):
    """One short pm.sample run with a NUTS step compiled beforehand, after a first run that warms
    up what pm.sample loads and caches on its first call."""
    import pymc as pm

    from harness.backends import PymcNuts

    if not isinstance(backend, PymcNuts):
        raise SystemExit(f"{backend.name} is not PyMC's own NUTS: its sampling is not counted")
    if model.discrete_value_vars:
        raise SystemExit("the model has discrete variables: pm.sample would compile their steps inside the count")
    settings = dict(draws=draws, tune=draws, chains=1, cores=1, random_seed=1, progressbar=False,
                    compute_convergence_checks=False, return_inferencedata=False, discard_tuned_samples=False,
                    model=model)

    def step():
        return pm.NUTS(model=model, compile_kwargs={"mode": backend.pytensor_mode()})

    pm.sample(step=step(), **settings)
    fresh = step()

    def counted():
        trace = pm.sample(step=fresh, **settings)
        return int(sum(trace.get_sampler_stats("tree_size", combine=True)))  # leapfrog steps (n_steps in ArviZ)
    return counted


def _counted_process(what: str, model: str, size: int, backend_name: str, repeats: int, library: str) -> None:
    import harness  # noqa: F401  (threads, BLAS and JAX configured as in every run)
    import models
    from harness.backends import get_backend

    prepare = {"evaluations": _evaluations, "sampling": _sampling}[what]
    run = prepare(models.get_model(model).build(size or None), get_backend(backend_name), repeats)
    toggle = ctypes.CDLL(library)
    gc.collect()
    gc.disable()  # a collection inside the counted calls would land on one side of a review only
    toggle.pmb_start()
    units = run()
    toggle.pmb_stop()
    print(f"units {units}")


if __name__ == "__main__":
    _counted_process(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), sys.argv[6])
