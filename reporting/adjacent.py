"""The gradient micro-benchmark and the sampling run measured with the sides in adjacent processes
(scripts/adjacent_pairs.py, `make continuous REVIEW_ADJACENT=N` and `REVIEW_SAMPLING_ADJACENT=N`), as review
pairs: per (case, backend), each side's values round by round, the first round not judged, paired over the rounds
both sides have; and a pair that ran on one side only, with the other side's status (failed, skipped), for the
review's list of changed statuses."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.paired import WARMUP_ROUNDS

ADJACENT = "adjacent.gradient"  # the pairs' benchmark name in a review
FILE = "adjacent_pairs.json"  # in the review's results folder
KIND = "gradient, adjacent processes"
SAMPLING = "adjacent.sampling"
SAMPLING_FILE = "adjacent_sampling.json"
SAMPLING_KIND = "sampling, adjacent processes"
CANARY_CASE = "canary"  # the host-drift canary, timed in the duets beside the cases
CANARY = "adjacent.canary"  # its pairs' benchmark name in a review (no kind: it judges the machine, not PyMC)
# A duet round whose canary ran this much faster in one side's process than in the other's is not judged (the AMD
# host, 20261206T0839: pymc-numba's head process ran 1.52x slower on the canary and 1.52-1.67x on every case for a
# round; the canary's round-to-round spread elsewhere: a few %, once 12 %).
UNEVEN = 0.25
FILES = {ADJACENT: FILE, SAMPLING: SAMPLING_FILE}  # benchmark -> its file
KINDS = {ADJACENT: KIND, SAMPLING: SAMPLING_KIND}


def _full(commits: list[str], commit: str) -> str | None:
    """The full hash of `commit` (or of the one commit it starts) among the measured ones."""
    return next((full for full in commits if full.startswith(commit) or commit.startswith(full)), None)


def _canary_ratios(samples: dict, base_hash: str, head_hash: str) -> dict[str, np.ndarray]:
    """Per backend whose duets timed the canary, its ratio head/base round by round (the rounds both sides have)."""
    ratios = {}
    for backend, by_case in samples.items():
        if CANARY_CASE in by_case:
            base_values, head_values = (np.asarray(by_case[CANARY_CASE][side], dtype=float) for side in (base_hash, head_hash))
            common = min(len(base_values), len(head_values))
            ratios[backend] = head_values[:common] / base_values[:common]
    return ratios


def uneven_rounds(samples: dict, base_hash: str, head_hash: str) -> np.ndarray:
    """Per round, whether some backend's canary (timed in each side's own process beside the cases) ran more than
    UNEVEN faster in one side's process than in the other's: that process ran at another speed for the whole round,
    and every case of the round with it. The round is then judged for no backend, so that the rounds of a family
    aggregate stay aligned. None uneven without a canary."""
    return _uneven(_canary_ratios(samples, base_hash, head_hash))


def _uneven(ratios: dict[str, np.ndarray]) -> np.ndarray:
    uneven = np.zeros(0, dtype=bool)
    for ratio in ratios.values():
        these = np.abs(np.log(ratio)) > np.log1p(UNEVEN)
        size = max(len(uneven), len(these))
        uneven = np.pad(uneven, (0, size - len(uneven))) | np.pad(these, (0, size - len(these)))
    return uneven


def pairs(measured: dict, base: str, head: str, benchmark: str = ADJACENT) -> pd.DataFrame:
    """Review pairs of base and head from a scripts/adjacent_pairs.py file's contents (none if it lacks either),
    named `benchmark`. The rounds where a backend's canary ran unevenly (`uneven_rounds`) are judged for no case, the
    canaries included (the canary does not depend on the commit, so dropping them biases no side)."""
    base_hash, head_hash = _full(measured["commits"], base), _full(measured["commits"], head)
    rows = []
    uneven = uneven_rounds(measured["samples"], base_hash, head_hash) if base_hash and head_hash else []
    for backend, by_case in measured["samples"].items() if base_hash and head_hash else []:
        for case, by_commit in by_case.items():
            base_values = np.asarray(by_commit[base_hash], dtype=float)
            head_values = np.asarray(by_commit[head_hash], dtype=float)
            common = min(len(base_values), len(head_values))
            judged = np.arange(WARMUP_ROUNDS, common)
            dropped = judged[np.pad(uneven, (0, max(0, common - len(uneven))))[judged]]
            judged = np.setdiff1d(judged, dropped)
            if len(judged) <= 1:
                continue
            rows.append({"benchmark": _named(case, benchmark), "model": case, "backend": backend,
                         "value_base": float(np.median(base_values)), "value_head": float(np.median(head_values)),
                         "status_base": "ok", "status_head": "ok",
                         "rounds_base": base_values[judged], "rounds_head": head_values[judged]})
    for pair, why in measured.get("skipped", {}).items() if base_hash and head_hash else []:
        case, backend = pair.split(" / ")
        status_base, status_head = (_status(why, side) for side in (base_hash, head_hash))
        if status_base != status_head:
            rows.append({"benchmark": _named(case, benchmark), "model": case, "backend": backend, "value_base": np.nan,
                         "value_head": np.nan, "status_base": status_base, "status_head": status_head})
    return pd.DataFrame(rows)


def _named(case: str, benchmark: str) -> str:
    return CANARY if case == CANARY_CASE else benchmark


def _status(why: str | dict, commit: str) -> str:
    """ok, skipped or failed: a pair's status on one side (`why`: per commit, or one reason for every side)."""
    reason = why.get(commit) if isinstance(why, dict) else why
    return reason.split(":", 1)[0] if reason else "ok"


def read(results_dir: Path) -> list[tuple[str, dict]]:
    """(benchmark, contents) of every adjacent-process file in the review's folder: what the functions below take."""
    return [(benchmark, json.loads(path.read_text())) for benchmark, name in FILES.items()
            if (path := Path(results_dir) / name).exists()]


def review_pairs(files: list[tuple[str, dict]], base: str, head: str) -> pd.DataFrame:
    """The pairs of every adjacent-process file of the review (`read`)."""
    found = [pairs(measured, base, head, benchmark) for benchmark, measured in files]
    return pd.concat(found, ignore_index=True) if found else pd.DataFrame()


def budget_stops(files: list[tuple[str, dict]]) -> list[str]:
    """Where the adjacent rounds stopped short of their number at their budget (scripts/adjacent_pairs.py --minutes)."""
    return [f"{KINDS[benchmark]}: {stopped['rounds']} of the {stopped['planned']} rounds asked for; one more would "
            f"have passed its budget of {stopped['minutes']:g} min"
            for benchmark, measured in files if (stopped := measured.get("stopped"))]


def uneven_notes(files: list[tuple[str, dict]], base: str, head: str) -> list[str]:
    """Per adjacent-process file, the judged rounds it dropped because a backend's canary ran unevenly, with the
    canaries' ratios head/base that round."""
    notes = []
    for benchmark, measured in files:
        base_hash, head_hash = _full(measured["commits"], base), _full(measured["commits"], head)
        if not (base_hash and head_hash):
            continue
        ratios = _canary_ratios(measured["samples"], base_hash, head_hash)
        uneven = _uneven(ratios)
        for round_ in np.flatnonzero(uneven[WARMUP_ROUNDS:]) + WARMUP_ROUNDS:
            that_round = ", ".join(f"{backend} {ratio[round_]:.2f}" for backend, ratio in ratios.items()
                                   if round_ < len(ratio))
            notes.append(f"{KINDS[benchmark]}, round {round_ + 1} of {len(uneven)} (canary head/base: {that_round})")
    return notes


def duets(files: list[tuple[str, dict]]) -> list[str]:
    """The kinds whose rounds ran as duets (scripts/adjacent_pairs.py --duet): the sides' processes alive at once."""
    return [KINDS[benchmark] for benchmark, measured in files if measured.get("mode") == "duet"]
