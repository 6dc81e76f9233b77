"""Sampling runs: the timed run, and the metrics of that run tracked from its record."""

import time
from contextlib import contextmanager

from benchmarks.common import (
    SampledGrid,
    TIER,
    parse_case,
    read_record,
    skip_unless_runnable,
    write_failure,
    write_record,
    write_started,
)
from harness.backends import get_backend

# One process samples one (model, backend): asv re-runs setup before every timed call, so the
# compiled model is kept here and compiled once per process. _RUNS holds the timed runs.
_COMPILED = {}
_RUNS = []


def _compiled(case, backend_name):
    key = (case, backend_name)
    if key not in _COMPILED:
        with _failures_recorded(case, backend_name):  # a backend that cannot run, too: its reason kept as a skip's
            spec, size, backend = skip_unless_runnable(case, backend_name)
            # A process that asv kills at its timeout records nothing; without this marker every tracked
            # benchmark of the pair would find no record and sample again, each to its own timeout.
            # (Written here, in setup, and not in the timed call, whose time it would add to.)
            write_started(case, backend_name)
            _COMPILED[key] = (spec, size, backend, backend.compile(spec.build(size), TIER.settings_for(case)))
    return _COMPILED[key]


@contextmanager
def _failures_recorded(case, backend_name):
    # A failed compile or run is recorded too, so the tracked benchmarks fail at once instead of
    # each sampling again into the same error.
    try:
        yield
    except NotImplementedError as error:  # the backend cannot run this model: a skip for asv
        write_failure(case, backend_name, str(error), skipped=True)
        raise
    except Exception as error:
        write_failure(case, backend_name, f"{type(error).__name__}: {error}")
        raise


def _sample(case, backend_name):
    _, _, backend, compiled = _compiled(case, backend_name)
    with _failures_recorded(case, backend_name):
        return backend.sample(compiled, TIER.settings_for(case))


def prepared_run(case, backend_name):
    """The case compiled for the backend, and a call that returns the wall time of its next sampling run."""
    spec, size, backend = skip_unless_runnable(case, backend_name)
    settings = TIER.settings_for(case)
    compiled = backend.compile(spec.build(size), settings)  # no run records: asv's runs own those

    def timed_run():
        started = time.perf_counter()
        backend.sample(compiled, settings)
        return time.perf_counter() - started

    return timed_run


def seconds_per_run(case, backend_name):
    """What one process of Sampling gives, timed outside asv (scripts/adjacent_pairs.py --metric sampling):
    the wall time of the first sampling run after the compile."""
    return prepared_run(case, backend_name)()


def _record_run(case, backend_name, run):
    from harness.metrics import compute_metrics

    spec, size, _, compiled = _compiled(case, backend_name)
    metrics = compute_metrics(run, spec.reference(size), compiled.compile_seconds)
    return write_record(case, backend_name, metrics.as_dict(), compiled.compile_method)


class Sampling(SampledGrid):
    """Wall time of one sampling run (tune + draws, fixed seed), compiled beforehand."""

    number = 1
    rounds = 1
    repeat = TIER.repeat
    min_run_count = 1  # asv's default, 2, would time even a half-hour run twice
    warmup_time = 0
    timeout = TIER.timeout

    def setup(self, case, backend_name):
        _compiled(case, backend_name)

    def time_sample(self, case, backend_name):
        _RUNS.append(_sample(case, backend_name))

    def teardown(self, case, backend_name):
        # The first timed run of this process becomes the record the tracked metrics read
        # (asv calls teardown between timed calls too, where the metrics cost no timed time).
        if len(_RUNS) == 1:
            _record_run(case, backend_name, _RUNS[0])
            _RUNS.append(None)


def _track(metric, unit):
    def track(self, case, backend_name):
        value = self.record["metrics"][metric]
        if value is None:
            raise ValueError(f"{backend_name} reports no {metric} for {case}")
        return value

    track.unit = unit
    track.__name__ = f"track_{metric}"
    return track


def _load_record(case, backend_name):
    """The recorded run; checks that need no backend import come first (one process per metric)."""
    spec, size = parse_case(case)
    reason = get_backend(backend_name).unsupported_reason(spec)
    if reason:
        raise NotImplementedError(reason)
    record = read_record(case, backend_name)
    if record is None:  # no timed run recorded yet (a --bench selection without it): run once
        record = _record_run(case, backend_name, _sample(case, backend_name))
    if "skipped" in record:
        raise NotImplementedError(record["skipped"])
    if "failure" in record:
        raise RuntimeError(f"the sampling run failed: {record['failure']}")
    if "started" in record:
        raise RuntimeError(
            f"the compile or sampling run did not finish: its process (pid {record['started']['pid']}) ended before "
            f"recording it, killed at asv's timeout of {record['started']['timeout']:g} s or crashed"
        )
    return record


# Class names start with "Sampling" so that asv, which runs benchmarks sorted by name, runs the
# timed Sampling benchmark first and the tracked ones find its record.
class SamplingMetrics(SampledGrid):
    """Metrics of the recorded sampling run; ESS and R-hat from ArviZ."""

    timeout = TIER.timeout

    def setup(self, case, backend_name):
        self.record = _load_record(case, backend_name)

    # asv compares every number as lower-is-better: costs first; ESS is tracked for the graphs.
    track_seconds_per_ess = _track("seconds_per_ess", "seconds per effective sample")
    track_grad_evals_per_ess = _track("grad_evals_per_ess", "gradient evaluations per effective sample")
    track_grad_evals = _track("grad_evals_draws", "gradient evaluations")
    track_cpu_seconds = _track("cpu_seconds", "seconds")
    track_parallel_efficiency = _track("parallel_efficiency", "CPU seconds per wall second")
    track_compile_seconds = _track("compile_seconds", "seconds")
    track_peak_memory = _track("peak_rss_bytes", "bytes")
    track_divergences = _track("divergences", "divergences")
    track_rhat_max = _track("rhat_max", "R-hat")
    track_ess_bulk_min = _track("ess_bulk_min", "effective samples")
    track_ess_bulk_mean = _track("ess_bulk_mean", "effective samples")
    track_ess_tail_min = _track("ess_tail_min", "effective samples")


class SamplingReference(SampledGrid):
    """Largest posterior-mean error of the recorded run against the model's reference, in sds."""

    timeout = TIER.timeout

    def setup(self, case, backend_name):
        spec, size = parse_case(case)
        if spec.reference(size) is None:
            raise NotImplementedError(f"{case} has no reference posterior")
        self.record = _load_record(case, backend_name)

    track_reference_error = _track("reference_error", "reference sds")


class SamplingCost(SampledGrid):
    """Gradient evaluations of the recorded run, tuning included: the count a review's split of
    the sampling time multiplies by the time per evaluation. Skipped where the backend does not
    report tuning's count (numpyro and blackjax through pm.sample)."""

    timeout = TIER.timeout

    def setup(self, case, backend_name):
        self.record = _load_record(case, backend_name)
        if self.record["metrics"].get("grad_evals_tune") is None:
            raise NotImplementedError(f"{backend_name} reports no gradient evaluations for tuning")

    def track_grad_evals_total(self, case, backend_name):
        metrics = self.record["metrics"]
        return metrics["grad_evals_tune"] + metrics["grad_evals_draws"]

    track_grad_evals_total.unit = "gradient evaluations"
