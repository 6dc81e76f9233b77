"""Compile time from empty compile caches (full tier); warm compile time is tracked with sampling, and timed
in a review's rounds (CompileWarm) where it asks for it."""

import glob
import os
import shutil
import tempfile

from benchmarks.common import BACKEND_NAMES, TIER, ModelBackendGrid, cold_compile_cases, skip_unless_runnable

# A process a sample, seconds each: timed where a review asks for it (make continuous REVIEW_COMPILE=1 sets
# it), so that a slower graph rewrite gets an interval and a test, not in every run of the suite.
ROUNDS_ENABLED = os.environ.get("PMB_COMPILE_ROUNDS") == "1"


def _remove_caches_of_ended_processes():
    # Up to tens of MB per pair, 140 pairs per commit. Here and not in a teardown: asv's
    # benchmark version hashes setup and teardown, and a new version would orphan the results.
    for path in glob.glob(os.path.join(tempfile.gettempdir(), "pmb-cold-*-*")):
        pid = os.path.basename(path).split("-")[2]
        if not pid.isdigit():  # not a folder of ours (pmb-cold-<pid>-<random>)
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(path, ignore_errors=True)
        except PermissionError:
            pass  # another user's live process


def _use_fresh_caches():
    # Before PyTensor, Numba or JAX is imported in this process: each reads its cache dir once.
    _remove_caches_of_ended_processes()
    root = tempfile.mkdtemp(prefix=f"pmb-cold-{os.getpid()}-")
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    os.environ["PYTENSOR_FLAGS"] = f"{flags},base_compiledir={root}/pytensor" if flags else f"base_compiledir={root}/pytensor"
    os.environ["NUMBA_CACHE_DIR"] = f"{root}/numba"
    os.environ["JAX_COMPILATION_CACHE_DIR"] = f"{root}/jax"


# The compile benchmarks pass TIER.settings, not settings_for(case): no tier with settings of its own
# for a case compiles here, and asv hashes these methods' source into the version of their recorded
# results (an edit orphans the results already recorded).
class _CompileCold(ModelBackendGrid):
    """Seconds to compile a model with every compile cache empty (the tier's cold_compile cases)."""

    timeout = TIER.timeout

    def setup(self, case, backend_name):
        _use_fresh_caches()
        spec, size, backend = skip_unless_runnable(case, backend_name)
        if not backend.separable_compile:
            raise NotImplementedError("compile cannot be run apart from sampling; tracked with sampling")
        self.backend, self.model = backend, spec.build(size)

    def track_compile_cold_seconds(self, case, backend_name):
        return self.backend.compile(self.model, TIER.settings).compile_seconds

    track_compile_cold_seconds.unit = "seconds"


# Defined for the tier's cold-compile cases only: elsewhere asv would start one process per
# combination just to skip it (and asv rejects an empty parameter list).
if cold_compile_cases():

    class CompileCold(_CompileCold):  # asv names a benchmark by its class's own name
        """Seconds to compile a model with every compile cache empty (the tier's cold_compile cases)."""

        params = (cold_compile_cases(), BACKEND_NAMES)


class CompileWarm(ModelBackendGrid):
    """Seconds to compile a model in a fresh process with the disk caches (PyTensor's C modules, Numba's, JAX's) as
    earlier runs left them: the compile of a user's second session, graph rewriting and linking included."""

    # One compile a process: a second one would reuse what the first left in memory.
    number = 1
    repeat = 1
    rounds = 1
    warmup_time = 0
    timeout = TIER.timeout

    def setup(self, case, backend_name):
        if not ROUNDS_ENABLED:
            raise NotImplementedError("compile rounds run only where PMB_COMPILE_ROUNDS=1 (make continuous "
                                      "REVIEW_COMPILE=1)")
        spec, size, backend = skip_unless_runnable(case, backend_name)
        if not backend.separable_compile:
            raise NotImplementedError("compile cannot be run apart from sampling; tracked with sampling")
        self.backend, self.model = backend, spec.build(size)

    def time_compile(self, case, backend_name):
        self.backend.compile(self.model, TIER.settings)
