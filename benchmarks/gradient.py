"""One logp+gradient evaluation of the compiled model: the low-noise measure of compute speed."""

import statistics
import timeit

from benchmarks.common import ModelBackendGrid, skip_unless_runnable

_EVALUATORS = {}
CALLS, SAMPLES = 50, 10


def _sampler(evaluate):
    """A call that takes one sample of `evaluate`: the mean seconds of CALLS calls."""
    timer = timeit.Timer(evaluate)
    return lambda: timer.timeit(CALLS) / CALLS


def prepared_sample(case, backend_name):
    """The case's logp+gradient compiled for the backend and warmed up (200 calls, JIT done), and a call that takes
    one sample of it (scripts/adjacent_pairs.py's processes)."""
    spec, size, backend = skip_unless_runnable(case, backend_name)
    evaluate = backend.gradient_evaluator(spec.build(size))
    for _ in range(200):
        evaluate()
    return _sampler(evaluate)


def median_sample(sample) -> float:
    """What one process of Gradient gives, timed outside asv: the median of SAMPLES samples."""
    return statistics.median(sample() for _ in range(SAMPLES))


def seconds_per_evaluation(evaluate) -> float:
    """The median of SAMPLES samples of `evaluate`, each the mean of CALLS calls."""
    return median_sample(_sampler(evaluate))


class Gradient(ModelBackendGrid):
    """Seconds per logp+gradient evaluation at the initial point, warmed up (JIT done)."""

    # Each sample is the mean of 50 calls: asv_runner 0.3 times every call of a benchmark with a
    # setup on its own (setup re-runs between calls), so a sample of one call was the timer and
    # the Python call as much as the work, and a median of single calls hides a cost that only
    # some calls pay. A fixed repeat per process lets a review split interleaved rounds.
    number = CALLS
    repeat = SAMPLES
    rounds = 1
    warmup_time = 0.1
    timeout = 300

    def setup(self, case, backend_name):
        key = (case, backend_name)
        if key not in _EVALUATORS:
            spec, size, backend = skip_unless_runnable(case, backend_name)
            _EVALUATORS[key] = backend.gradient_evaluator(spec.build(size))
        self.evaluate = _EVALUATORS[key]

    def time_logp_dlogp(self, case, backend_name):
        self.evaluate()
