"""The host-drift canary: a fixed pure-Python workload that no PyMC commit or dependency touches.

A review measures it in every round beside the model benchmarks: a shift that every series and
the canary share is the host's, not PyMC's.
"""

_WORK = list(range(20_000))


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
