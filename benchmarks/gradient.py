"""One logp+gradient evaluation of the compiled model: the low-noise measure of compute speed."""

from benchmarks.common import ModelBackendGrid, skip_unless_runnable

_EVALUATORS = {}


class Gradient(ModelBackendGrid):
    """Seconds per logp+gradient evaluation at the initial point, warmed up (JIT done)."""

    number = 1
    rounds = 1
    repeat = (20, 200, 1.0)  # at least 20 samples, at most 200 or 1 s of samples
    warmup_time = 0.2
    timeout = 300

    def setup(self, case, backend_name):
        key = (case, backend_name)
        if key not in _EVALUATORS:
            spec, size, backend = skip_unless_runnable(case, backend_name)
            _EVALUATORS[key] = backend.gradient_evaluator(spec.build(size))
        self.evaluate = _EVALUATORS[key]

    def time_logp_dlogp(self, case, backend_name):
        self.evaluate()
