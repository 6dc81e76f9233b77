"""One logp+gradient evaluation of the compiled model: the low-noise measure of compute speed."""

from benchmarks.common import ModelBackendGrid, skip_unless_runnable

_EVALUATORS = {}


class Gradient(ModelBackendGrid):
    """Seconds per logp+gradient evaluation at the initial point, warmed up (JIT done)."""

    # number = 0: asv times as many evaluations per sample as fill sample_time, so that a sample of
    # a few-microsecond evaluation is not the timer and the Python call (number = 1 timed those).
    # A fixed repeat per process lets a review split the samples of interleaved rounds by round.
    number = 0
    sample_time = 0.02
    repeat = 10
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
