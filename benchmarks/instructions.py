"""Instructions per logp+gradient evaluation (valgrind's callgrind): the gradient micro-benchmark's
cost without the host's noise, for a review to judge beside its wall time."""

import os

from benchmarks.common import ModelBackendGrid, parse_case, skip_unless_runnable
from harness import instructions

# Half a minute a pair under valgrind: counted where a review asks for them (make continuous sets
# it), not in every run of the suite.
ENABLED = os.environ.get("PMB_INSTRUCTIONS") == "1"


class Instructions(ModelBackendGrid):
    """Instructions counted over harness.instructions.EVALUATIONS calls, per call."""

    # One count is the result: the count repeats to within its A/A spread (docs/review.md).
    repeat = 1
    rounds = 1
    timeout = 900

    def setup(self, case, backend_name):
        if not ENABLED:
            raise NotImplementedError("instruction counts run only where PMB_INSTRUCTIONS=1 (make continuous)")
        skip_unless_runnable(case, backend_name)
        reason = instructions.unavailable()
        if reason:
            raise NotImplementedError(reason)

    def track_logp_dlogp(self, case, backend_name):
        spec, size = parse_case(case)
        return instructions.count(spec.name, size, backend_name)

    track_logp_dlogp.unit = "instructions"
