"""The host-drift canary: a fixed pure-Python workload that no PyMC commit or dependency touches.

A review measures it in every round beside the model benchmarks: a shift that every series and
the canary share is the host's, not PyMC's. The review's duets (scripts/adjacent_pairs.py) time it
too, in each side's own process beside the cases (`prepared_sample`).
"""

import timeit

_WORK = list(range(20_000))
CALLS = 5  # a sample in a duet: the mean of CALLS runs of the work (about 3 ms each on the AMD host)


class Canary:
    """Seconds for a fixed amount of interpreter work (arithmetic, a sort, a dict)."""

    number = 0
    sample_time = 0.02
    repeat = 10
    rounds = 1
    warmup_time = 0.1

    def time_interpreter(self):
        squares = {i: (i * i) % 7919 for i in _WORK}
        sorted(squares.values(), reverse=True)


def prepared_sample():
    """The canary's work, warmed up, and a call that takes one sample of it: the mean seconds of CALLS runs."""
    timer = timeit.Timer(Canary().time_interpreter)
    timer.timeit(CALLS)
    return lambda: timer.timeit(CALLS) / CALLS
