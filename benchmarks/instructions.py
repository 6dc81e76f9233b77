"""Instructions counted by valgrind's callgrind: the gradient micro-benchmark's cost, and a short
sampling run's, without the host's noise, for a review to judge beside their wall times."""

import os

from benchmarks.common import ModelBackendGrid, SampledGrid, parse_case, skip_unless_runnable
from harness import instructions
from harness.backends import PymcNuts

# Half a minute to minutes a pair under valgrind: counted where a review asks for them (make
# continuous sets it), not in every run of the suite.
ENABLED = os.environ.get("PMB_INSTRUCTIONS") == "1"


def _skip_unless_counted(case, backend_name):
    if not ENABLED:
        raise NotImplementedError("instruction counts run only where PMB_INSTRUCTIONS=1 (make continuous)")
    reason = instructions.unavailable()
    if reason:
        raise NotImplementedError(reason)
    return skip_unless_runnable(case, backend_name)


class Instructions(ModelBackendGrid):
    """Instructions counted over harness.instructions.EVALUATIONS calls, per call."""

    # One count is the result: the count repeats to within its A/A spread (docs/review.md).
    repeat = 1
    rounds = 1
    timeout = 900

    def setup(self, case, backend_name):
        _skip_unless_counted(case, backend_name)

    def track_logp_dlogp(self, case, backend_name):
        spec, size = parse_case(case)
        return instructions.count(spec.name, size, backend_name)

    track_logp_dlogp.unit = "instructions"


class SamplingInstructions(SampledGrid):
    """Instructions of one short run of PyMC's own NUTS (harness.instructions.SAMPLING_DRAWS tuning
    steps and draws, one chain, a fixed seed), its compile outside the count: the sampler's work and
    the gradient's together, where a change to the NUTS loop shows."""

    repeat = 1
    rounds = 1
    timeout = 900

    def setup(self, case, backend_name):
        spec, _, backend = _skip_unless_counted(case, backend_name)
        if not isinstance(backend, PymcNuts):
            raise NotImplementedError(f"{backend_name} is not PyMC's own NUTS, whose Python loop this counts")
        if spec.discrete:
            raise NotImplementedError("discrete variables: pm.sample would compile their steps inside the count")

    def track_sample(self, case, backend_name):
        spec, size = parse_case(case)
        return instructions.count_sampling(spec.name, size, backend_name)

    track_sample.unit = "instructions"
