"""Instructions per logp+gradient evaluation, counted by valgrind's callgrind: a cost that does not
move with the host's load or clock.

The counted process builds and warms up the evaluator with valgrind's instrumentation off (so that
importing PyMC and compiling cost no simulation), then turns it on for EVALUATIONS calls through
callgrind's client requests, issued from a small C library compiled here with gcc and loaded with
ctypes. callgrind counts every thread of the process, so a backend's worker threads are included.
The count per call includes the Python loop and the two client requests (about 15,000
instructions over the EVALUATIONS calls: a fixed part, the same on both sides of a review).

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
    reason = unavailable()
    if reason:
        raise NotImplementedError(reason)
    library = toggle_library()
    with tempfile.TemporaryDirectory(prefix="pmb-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", "--dump-instr=no",
            f"--callgrind-out-file={out}", sys.executable, "-m", "harness.instructions",
            model, str(size or 0), backend_name, str(evaluations), str(library),
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
        return total_instructions(out.read_text()) / evaluations


def total_instructions(dump: str) -> int:
    """The Ir total of a callgrind dump: its "totals:" line (with instrumentation off outside the
    counted calls, everything the dump holds)."""
    found = re.findall(r"^totals:\s*(\d+)", dump, re.MULTILINE)
    if not found:
        raise RuntimeError("callgrind dump has no totals line")
    return int(found[-1])


def _counted_process(model: str, size: int, backend_name: str, evaluations: int, library: str) -> None:
    import harness  # noqa: F401  (threads, BLAS and JAX configured as in every run)
    import models
    from harness.backends import get_backend

    evaluate = get_backend(backend_name).gradient_evaluator(models.get_model(model).build(size or None))
    for _ in range(WARM_UP_CALLS):
        evaluate()
    toggle = ctypes.CDLL(library)
    gc.collect()
    gc.disable()  # a collection inside the counted calls would land on one side of a review only
    toggle.pmb_start()
    for _ in range(evaluations):
        evaluate()
    toggle.pmb_stop()


if __name__ == "__main__":
    _counted_process(sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5])
