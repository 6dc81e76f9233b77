"""Steps across releases: change-point detection over every history series, with a test and an interval.

A series is one benchmark of one (model, backend) on one machine and stack, a value per PyMC release
in release order; a family series is the geometric mean over the family's cases that ran at every
release (a change of a shared part shows there even where each case alone is inside its noise).

Binary segmentation on log values: the segment of releases whose mean differs most from the rest's
(the largest two-sample t; a segment at either end is one step, one inside a step and a step back;
every level at least two releases long) gives steps if that maximum is improbable under the series'
own noise, judged by a permutation test (scipy.stats.permutation_test: the same statistic over
shuffles of the releases' order, which keep the measured noise and remove any step); then the
pieces are searched again. A step's ratio is the
ratio of its two segments' geometric means, its interval a t interval from the pooled spread within
segments. Over a whole report the false alarms are controlled by Benjamini-Hochberg
(scipy.stats.false_discovery_control) at FDR.

Tried first, on simulated series of 23 releases with 5 % noise and a 10 % step (2026-12-04): asv's
own step detection (asv.step_detect.detect_steps, an L1 piecewise-constant fit with an
information-criterion penalty) found the step in 1 of 5 series; with a penalty set from the noise
instead, the step was found at its release in at most 58 % of series while 18-69 % of step-free
series raised an alarm. apache-otava 0.8 (E-divisive) pins numpy 2.2.* and brings
google-cloud-bigquery, pg8000 and slack-sdk, and MongoDB's signal-processing-algorithms 2.1 needs
numpy < 2: neither installs beside PyMC 6 (numpy 2.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from scipy import stats

from reporting.paired import family_of
from reporting.results import GRADIENT, TRACKED, WALL

FDR = 0.05
# the speed benchmarks whose steps are findings; ESS and gradient counts say whether a step is algorithmic
SERIES = {WALL: "sampling time", GRADIENT: "gradient time"}
ALGORITHMIC = {TRACKED + "grad_evals": "gradient evaluations", TRACKED + "ess_bulk_mean": "mean bulk ESS"}
# a tracked count that moved by more than this at the step's release moved with it
ALGORITHMIC_TOLERANCE = 0.02


RESAMPLES = 9999  # permutations a test: p-values down to 1e-4, small enough for Benjamini-Hochberg over hundreds
CHECK_RESAMPLES = 999  # enough to tell p <= 5 % in the validation's many shuffled series
MIN_POINTS = 4  # a segment shorter than this is not searched for a further step
# A level must hold for two releases at least: one release off its neighbours is as likely one odd process
# (a release is one sample) as a change, and a step at the newest release waits for the next (asv's min_size too).
MIN_SEGMENT = 2


@dataclass(frozen=True)
class Step:
    index: int  # the first position of the new level
    ratio: float  # new level / old level (geometric means)
    low: float
    high: float
    p_value: float


def _segment_t(logs: np.ndarray) -> np.ndarray:
    """|t| of inside vs outside (pooled variance) for every candidate segment [i, j), last axis.

    A segment reaching either end is a single step; one inside is a step and a step back (a slowdown
    that a later release fixed), which a search for single steps sees poorly.
    """
    y = np.asarray(logs, dtype=float)
    n = y.shape[-1]
    zero = np.zeros(y.shape[:-1] + (1,))
    sums = np.concatenate([zero, np.cumsum(y, axis=-1)], axis=-1)
    squares = np.concatenate([zero, np.cumsum(y * y, axis=-1)], axis=-1)
    i, j = _segments(n)
    inside, inside_squares, k = sums[..., j] - sums[..., i], squares[..., j] - squares[..., i], j - i
    outside, outside_squares = sums[..., -1:] - inside, squares[..., -1:] - inside_squares
    within = (inside_squares - inside ** 2 / k) + (outside_squares - outside ** 2 / (n - k))
    sd = np.sqrt(np.maximum(within, 1e-300) / (n - 2))
    return np.abs(inside / k - outside / (n - k)) / (sd * np.sqrt(1 / k + 1 / (n - k)))


@cache
def _segments(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (i, j) of the candidate segments of a series of n: every level at least MIN_SEGMENT long."""
    i, j = np.triu_indices(n + 1, k=1)
    keep = ((j - i >= MIN_SEGMENT) & ((i == 0) | (i >= MIN_SEGMENT)) & ((j == n) | (n - j >= MIN_SEGMENT))
            & ~((i == 0) & (j == n)))
    return i[keep], j[keep]


def _max_segment_t(logs: np.ndarray, axis: int = -1) -> np.ndarray:
    return _segment_t(np.moveaxis(logs, axis, -1)).max(axis=-1)


def _search(logs: np.ndarray, offset: int, level: float, rng, found: list, resamples: int) -> None:
    """Test the most improbable segment of `logs`; after a step at `level`, search the pieces it leaves."""
    if len(logs) < MIN_POINTS:
        return
    test = stats.permutation_test((logs,), _max_segment_t, permutation_type="pairings", n_resamples=resamples,
                                  vectorized=True, alternative="greater", random_state=rng)
    i, j = _segments(len(logs))
    best = int(_segment_t(logs).argmax())
    cuts = [cut for cut in (int(i[best]), int(j[best])) if 0 < cut < len(logs)]
    found.extend((offset + cut, float(test.pvalue)) for cut in cuts)
    if test.pvalue <= level:
        bounds = [0, *cuts, len(logs)]
        for left, right in zip(bounds, bounds[1:]):
            _search(logs[left:right], offset + left, level, rng, found, resamples)


def steps(values, level: float = FDR, confidence: float = 0.95, seed: int = 0,
          resamples: int = RESAMPLES) -> list[Step]:
    """Every split tested in one series (positive values in release order), with its permutation p-value.

    A side is searched again only after a step at `level`. The steps at `level` carry the ratio of
    their adjacent segments and its t interval (the spread pooled within all segments); the other
    tested splits only their p-values (a report's false-discovery control counts every test).
    """
    logs = np.log(np.asarray(values, dtype=float))
    if len(logs) < MIN_POINTS or not np.all(np.isfinite(logs)):
        return []
    tested: list[tuple[int, float]] = []
    _search(logs, 0, level, np.random.default_rng(seed), tested, resamples)
    bounds = sorted({0, len(logs), *(at for at, p_value in tested if p_value <= level)})
    segments = [logs[left:right] for left, right in zip(bounds, bounds[1:])]
    df = len(logs) - len(segments)
    residuals = np.concatenate([segment - segment.mean() for segment in segments])
    sd = math.sqrt(residuals @ residuals / df) if df > 0 else math.inf
    found = []
    for at, p_value in sorted(tested):
        if p_value > level:
            found.append(Step(at, math.nan, math.nan, math.nan, p_value))
            continue
        before, after = segments[bounds.index(at) - 1], segments[bounds.index(at)]
        difference = after.mean() - before.mean()
        half = (float(stats.t(df).ppf(0.5 + confidence / 2)) * sd * math.sqrt(1 / len(before) + 1 / len(after))
                if df > 0 else math.inf)
        found.append(Step(at, math.exp(difference), math.exp(difference - half), math.exp(difference + half), p_value))
    return found


def release_rows(frame: pd.DataFrame, releases: dict[str, str]) -> pd.DataFrame:
    """The rows of released commits (commit -> release in `releases`), with a `release` column, in release order."""
    rows = frame[frame["commit"].isin(releases) & frame["status"].eq("ok")].copy()
    rows["release"] = rows["commit"].map(releases)
    return rows.sort_values(["date", "release"], kind="stable")


def series_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One column per (machine, env, benchmark, model, backend), one row per release: the values, NaN where none."""
    keys = ["machine", "env", "benchmark", "model", "backend"]
    order = list(dict.fromkeys(rows["release"]))
    table = rows.pivot_table(index="release", columns=keys, values="value", aggfunc="median")
    return table.reindex(order)


def family_table(table: pd.DataFrame) -> pd.DataFrame:
    """Geometric mean per (machine, env, benchmark, family) over the cases that have a value at every release
    of their series (the releases measured in that environment: each stack has its own)."""
    families = []
    for key, block in table.T.groupby(level=["machine", "env", "benchmark"]):
        measured = block.T.dropna(how="all")
        complete = measured.loc[:, measured.notna().all()]
        if complete.empty:
            continue
        logs = np.log(complete)
        means = logs.T.groupby([family_of(backend) for backend in complete.columns.get_level_values("backend")]).mean().T
        means.columns = pd.MultiIndex.from_tuples([(*key, "(family)", family) for family in means.columns],
                                                  names=table.columns.names)
        families.append(np.exp(means))
    return pd.concat(families, axis=1).reindex(table.index) if families else table.iloc[:, :0]


def findings(table: pd.DataFrame, fdr: float = FDR) -> pd.DataFrame:
    """Every step of every series (columns of `table`), with Benjamini-Hochberg adjusted p-values; flagged at fdr."""
    rows = []
    for column in table.columns:
        present = table[column].dropna()
        for step in steps(present.to_numpy()):
            rows.append({**dict(zip(table.columns.names, column)), "release": present.index[step.index],
                         "before": present.index[step.index - 1], "ratio": step.ratio, "low": step.low,
                         "high": step.high, "p_value": step.p_value, "points": len(present)})
    found = pd.DataFrame(rows, columns=[*table.columns.names, "release", "before", "ratio", "low", "high", "p_value",
                                        "points"])
    if found.empty:
        return found.assign(adjusted=pd.Series(dtype=float), flagged=pd.Series(dtype=bool))
    found["adjusted"] = stats.false_discovery_control(found["p_value"].to_numpy())
    found["flagged"] = found["adjusted"] <= fdr
    return found


def moved_with(step: pd.Series, table: pd.DataFrame) -> list[str]:
    """The tracked counts (ESS, gradient evaluations) of the same case that changed at the step's release."""
    moved = []
    for benchmark, label in ALGORITHMIC.items():
        key = (step["machine"], step["env"], benchmark, step["model"], step["backend"])
        if key not in table.columns:
            continue
        before, after = table[key].get(step["before"]), table[key].get(step["release"])
        if before and after and not (math.isnan(before) or math.isnan(after)) \
                and abs(after / before - 1) > ALGORITHMIC_TOLERANCE:
            moved.append(f"{label} x{after / before:.2f}")
    return moved


def injected_step_found(series: pd.Series, at: int, factor: float = 1.10) -> bool:
    """Does a step of `factor` added to a measured series from position `at` on come out flagged at `at`?"""
    values = series.to_numpy(dtype=float).copy()
    values[at:] *= factor
    return any(step.index == at and step.p_value <= FDR for step in steps(values))


def false_alarm_rate(table: pd.DataFrame, shuffles: int = 3, seed: int = 0) -> float:
    """Share of series with at least one step at p <= FDR once each measured series' releases are shuffled
    (no step left, the noise kept)."""
    rng = np.random.default_rng(seed)
    alarms, trials = 0, 0
    for column in table.columns:
        present = table[column].dropna().to_numpy(dtype=float)
        if len(present) < MIN_POINTS:
            continue
        for _ in range(shuffles):
            trials += 1
            shuffled = steps(rng.permutation(present), seed=trials, resamples=CHECK_RESAMPLES)
            alarms += any(step.p_value <= FDR for step in shuffled)
    return alarms / trials if trials else math.nan
