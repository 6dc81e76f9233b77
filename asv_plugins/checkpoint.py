"""asv plugin: a commit's results kept as they are measured, so that a kill loses one measurement.

asv writes a commit's results file once, when every benchmark of the commit has run: a kill -9 at
minute 39 of a 40-minute release lost all 39. With this plugin (asv.conf.json "plugins"):

- each parameter combination's result is saved as soon as it is measured, and each finished
  benchmark too, into asv's own results file (not yet measured combinations are NaN there, asv's
  "not run");
- every save is atomic (a complete file is written beside the folder and renamed over the old one),
  so a kill, a full disk or a read-only folder never leaves a half-written file, and a failed save
  is one error naming the file, with the file as it was before;
- beside the results file, `<file>.inprogress` is the journal of an unfinished run: the benchmarks
  finished and, per unfinished benchmark, the parameter combinations done. The next `asv run` of
  that commit and environment resumes it: what the journal lists as done is kept, the rest is
  measured (with or without --skip-existing). Delete the journal to start the commit over.

Checkpoints are taken in plain runs only (one round, no appended samples, no profiling);
interleaved rounds and --append-samples keep asv's own behaviour, with atomic saves.
It patches asv 0.6's runner and results (the versions requirements.txt pins); with another asv it
stays off and says so.
"""

from __future__ import annotations

import copy
import datetime
import glob
import json
import math
import os
import tempfile
import time

import asv
import asv.commands.run as asv_run
import asv.runner as asv_runner
from asv import util
from asv.console import log
from asv.results import Results

JOURNAL_SUFFIX = ".inprogress"
_UMASK = os.umask(0)
os.umask(_UMASK)

_original = {}
_active: _Checkpoint | None = None


class _Checkpoint:
    """The live Results of one (commit, environment) while asv runs its benchmarks."""

    def __init__(self, results: Results, result_dir: str):
        self.results = results
        self.result_dir = result_dir
        self.path = os.path.join(result_dir, results._filename) + JOURNAL_SUFFIX
        self.journal = read_journal(self.path)
        self.kept: set[str] = set()  # finished before the kill: their results stay as recorded
        _remove_stale_scratch(os.path.dirname(self.path))
        if self.journal["finished"] or self.journal["unfinished"]:
            log.info(f"Resuming the interrupted run recorded in {self.path}: "
                     f"{len(self.journal['finished'])} benchmarks finished, "
                     f"{len(self.journal['unfinished'])} begun (delete that file to start over)")

    def finished(self, benchmark) -> bool:
        return (self.journal["finished"].get(benchmark["name"]) == benchmark["version"]
                and benchmark["name"] in self.results._results)

    def done(self, benchmark) -> set[int]:
        entry = self.journal["unfinished"].get(benchmark["name"])
        if not entry or entry["version"] != benchmark["version"] or benchmark["name"] not in self.results._results:
            return set()
        return set(entry["done"])

    def save_partial(self, benchmark, pieces: dict, started_at) -> None:
        """The results as they stand, with this benchmark's measured combinations, on disk."""
        snapshot = copy.deepcopy(self.results)
        snapshot.add_result(benchmark, _combined(benchmark, pieces), started_at=started_at,
                            record_samples=True, selected_idx=set(pieces))
        snapshot.save(self.result_dir)
        self.journal["unfinished"][benchmark["name"]] = {"version": benchmark["version"],
                                                         "done": sorted(pieces)}
        self._write_journal()

    def save_finished(self, name: str) -> None:
        self.results.save(self.result_dir)
        self.journal["unfinished"].pop(name, None)
        self.journal["finished"][name] = self.results._benchmark_version.get(name)
        self._write_journal()

    def close(self) -> None:
        """The run ended without a kill: asv saves the file itself, and the journal is done."""
        if os.path.exists(self.path):
            os.remove(self.path)

    def _write_journal(self) -> None:
        _atomic_write(self.path, lambda scratch: _write_json(scratch, self.journal))


def read_journal(path: str) -> dict:
    try:
        with open(path) as file:
            journal = json.load(file)
        if isinstance(journal.get("finished"), dict) and isinstance(journal.get("unfinished"), dict):
            return journal
        log.warning(f"{path}: not a journal of an interrupted run; starting that commit over")
    except FileNotFoundError:
        pass
    except (OSError, ValueError) as error:
        log.warning(f"{path}: unreadable ({error}); starting that commit over")
    return {"finished": {}, "unfinished": {}}


def _remove_stale_scratch(folder: str) -> None:
    """Files a kill left mid-save (an hour old: not another asv's save in progress)."""
    for scratch in glob.glob(os.path.join(folder, ".saving-*")):
        if time.time() - os.path.getmtime(scratch) > 3600:
            os.remove(scratch)


def _write_json(path: str, data) -> None:
    with open(path, "w") as file:
        json.dump(data, file, indent=1)


def _atomic_write(path: str, write) -> None:
    """write(scratch_path) writes the whole file; it then replaces `path` in one rename."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
        descriptor, scratch = tempfile.mkstemp(prefix=".saving-", dir=folder)
        os.close(descriptor)
        os.chmod(scratch, 0o666 & ~_UMASK)  # as open() would have made it, not mkstemp's 0600
    except OSError as error:
        raise util.UserError(f"cannot save {path}: {error}; what was recorded there is unchanged")
    try:
        write(scratch)
        os.replace(scratch, path)
    except OSError as error:
        raise util.UserError(f"cannot save {path}: {error}; what was recorded there is unchanged")
    finally:
        if os.path.exists(scratch):
            os.remove(scratch)


def _combinations(benchmark) -> int:
    return math.prod(len(values) for values in benchmark["params"]) if benchmark["params"] else 1


def _combined(benchmark, pieces: dict) -> asv_runner.BenchmarkResult:
    """One BenchmarkResult over every parameter combination; those not in `pieces` not run (NaN)."""
    empty = (math.nan, None, None)
    values = [pieces[index]["value"] if index in pieces else empty for index in range(_combinations(benchmark))]
    stderr = "".join(piece["stderr"] for _, piece in sorted(pieces.items()))
    errcodes = [piece["errcode"] for _, piece in sorted(pieces.items()) if piece["errcode"]]
    return asv_runner.BenchmarkResult(
        result=[value[0] for value in values], samples=[value[1] for value in values],
        number=[value[2] for value in values], errcode=errcodes[-1] if errcodes else 0,
        stderr=stderr, profile=None)


def _recorded_piece(results: Results, benchmark, index: int) -> dict:
    """A combination measured before the kill, as the results file holds it."""
    name, params = benchmark["name"], benchmark["params"]

    def at_index(getter):
        found = getter(name, params)
        return found[index] if params else found

    samples, stats = at_index(results.get_result_samples), at_index(results.get_result_stats)
    # With its samples asv recomputes the same statistics; without, the value is kept as it is.
    number = stats.get("number") if stats and samples is not None else None
    return {"value": (at_index(results.get_result_value), samples, number), "stderr": "", "errcode": 0}


def _run_benchmark(benchmark, spawner, profile, selected_idx=None, extra_params=None, cwd=None,
                   prev_result=None):
    checkpoint = _active
    run = _original["run_benchmark"]
    if checkpoint is None or profile:
        return run(benchmark, spawner, profile, selected_idx=selected_idx,
                   extra_params=extra_params, cwd=cwd)
    count = _combinations(benchmark)
    wanted = set(range(count)) if selected_idx is None else set(selected_idx)
    if checkpoint.finished(benchmark):
        checkpoint.kept.add(benchmark["name"])
        done = wanted
    else:
        done = checkpoint.done(benchmark) & wanted
    pieces = {index: _recorded_piece(checkpoint.results, benchmark, index) for index in done}
    started_at = datetime.datetime.now(datetime.timezone.utc)
    for index in sorted(wanted - done):
        measured = run(benchmark, spawner, profile, selected_idx={index} if benchmark["params"] else None,
                       extra_params=extra_params, cwd=cwd)
        pieces[index] = {"value": (measured.result[index], measured.samples[index], measured.number[index]),
                         "stderr": f"\n\n{measured.stderr}" if measured.stderr else "",
                         "errcode": measured.errcode}
        if benchmark["params"] and len(pieces) < count:
            checkpoint.save_partial(benchmark, pieces, started_at)
    return _combined(benchmark, pieces)


def _add_result(self, benchmark, *args, **kwargs):
    live = _active is not None and self is _active.results
    if live and benchmark["name"] in _active.kept:
        return  # asv would store it again without the samples its statistics came from
    _original["add_result"](self, benchmark, *args, **kwargs)
    if live:
        _active.save_finished(benchmark["name"])


def _run_benchmarks(benchmarks, env, results=None, **kwargs):
    global _active
    result_dir = getattr(results, "_pmb_result_dir", None)
    plain = (kwargs.get("run_rounds") is None and not kwargs.get("append_samples")
             and not kwargs.get("profile") and all(int(b.get("rounds", 1)) == 1 for b in benchmarks.values()))
    _active = _Checkpoint(results, result_dir) if plain and result_dir else None
    checkpoint = _active
    try:
        returned = _original["run_benchmarks"](benchmarks, env, results=results, **kwargs)
    finally:
        _active = None
    if checkpoint is not None:
        results._pmb_journal = checkpoint  # closed by asv's own save of the finished commit
    return returned


def _load_data(self, result_dir):
    self._pmb_result_dir = result_dir
    return _original["load_data"](self, result_dir)


def _save(self, result_dir):
    def write(scratch):
        filename, self._filename = self._filename, os.path.basename(scratch)
        try:
            _original["save"](self, os.path.dirname(scratch))
        finally:
            self._filename = filename

    _atomic_write(os.path.join(result_dir, self._filename), write)
    journal = getattr(self, "_pmb_journal", None)
    if journal is not None and _active is None:
        # asv's own save after the last benchmark: the run is complete.
        self._pmb_journal = None
        journal.close()


def _iter_results_for_machine_and_hash(result_dir, machine, commit):
    """asv's --skip-existing must not skip a benchmark an interrupted run left unfinished."""
    for results in _original["iter_results_for_machine_and_hash"](result_dir, machine, commit):
        journal = read_journal(os.path.join(result_dir, results._filename) + JOURNAL_SUFFIX)
        for name in journal["unfinished"]:
            if name in results._results:
                results.remove_result(name)
        yield results


def setup():
    """asv calls this when it loads the plugin."""
    if not asv.__version__.startswith("0.6."):
        log.warning(f"asv_plugins.checkpoint is written for asv 0.6, found {asv.__version__}: "
                    "results are saved only when a commit's run ends")
        return
    if _original:
        return
    _original.update(run_benchmark=asv_runner.run_benchmark, run_benchmarks=asv_run.run_benchmarks,
                     add_result=Results.add_result, load_data=Results.load_data, save=Results.save,
                     iter_results_for_machine_and_hash=asv_run.iter_results_for_machine_and_hash)
    asv_runner.run_benchmark = _run_benchmark
    asv_run.run_benchmarks = _run_benchmarks
    asv_run.iter_results_for_machine_and_hash = _iter_results_for_machine_and_hash
    Results.add_result = _add_result
    Results.load_data = _load_data
    Results.save = _save

