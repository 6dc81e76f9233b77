"""Steps across releases: change-point detection over every history series, with a test and an interval.

A series is one benchmark of one (model, backend) on one machine and stack, a value per PyMC release
in release order; a family series is, release by release, the geometric mean over the family's cases that ran
at every release, each case relative to its median over the releases, paired.TRIM of the cases off each end (a change
of a shared part shows there even where each case alone is inside its noise; one case's own step is trimmed off
and does not read as the family's, the paired history's family aggregate is trimmed the same way).

Binary segmentation on log values: the segment of releases whose mean differs most from the rest's
(a segment at either end is one step, one inside a step and a step back; every level at least two
releases long) is judged against the series' measured noise: the spread of one release's value, from
the differences between neighbouring releases (the largest left out, so that a step does not count
as noise). The largest difference of means in units of that noise is compared with its distribution over
simulated step-free series of the same length (normal noise, the same statistic, the noise estimated
the same way), which gives p-values far below what shuffling nine releases can give; then the pieces
are searched again. A step's ratio is the ratio of its two segments' geometric means, its interval a
t interval from the pooled spread within segments. Over a whole report the false alarms are controlled
by Benjamini-Hochberg (scipy.stats.false_discovery_control) at FDR.

Tried before, and why not kept (2026-12-04): a permutation test of the largest split t (shuffles of the
releases) cannot give p below about 0.04 with nine releases (a block of three at either end is that
likely among shuffles), so over 115 series nothing passed the false-discovery control, not even PyMC
6.0's 3.5x; asv's own step detection (asv.step_detect.detect_steps, an L1 piecewise-constant fit with
an information-criterion penalty) found a simulated 10 % step in 1 of 5 series of 23 releases with 5 %
noise, and with a penalty set from the noise at most 58 % while 18-69 % of step-free series raised an
alarm. apache-otava 0.8 (E-divisive) pins numpy 2.2.* and brings google-cloud-bigquery, pg8000 and
slack-sdk, and MongoDB's signal-processing-algorithms 2.1 needs numpy < 2: neither installs beside
PyMC 6 (numpy 2.5).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd
from scipy import stats

from reporting.paired import across_cases, family_of
from reporting.results import GRADIENT, TRACKED, WALL

FDR = 0.05
# the speed benchmarks whose steps are findings; ESS and gradient counts say whether a step is algorithmic
SERIES = {WALL: "sampling time", GRADIENT: "gradient time"}
ALGORITHMIC = {TRACKED + "grad_evals": "gradient evaluations", TRACKED + "ess_bulk_mean": "mean bulk ESS"}
# a tracked count that moved by more than this at the step's release moved with it
ALGORITHMIC_TOLERANCE = 0.02

NULL_SERIES = 50_000  # simulated step-free series per length: p-values down to 2e-5, below Benjamini-Hochberg's needs
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


def spread(logs: np.ndarray) -> np.ndarray:
    """The spread of a series' values from its neighbours' differences (last axis, log scale), the largest
    difference left out: a step is one large difference among small ones, and leaving it out keeps the spread of
    the noise; a spread pooled within segments would swallow any step not yet found. (The median difference is
    robust to more steps, but from ten releases so uncertain itself that the smallest step the test flags in
    normal noise is about twice as large.)
    Biased low for normal noise; `noise` corrects it."""
    differences = np.sort(np.abs(np.diff(logs, axis=-1)), axis=-1)[..., :-1]
    return np.sqrt(np.mean(differences ** 2, axis=-1) / 2)


def noise(logs: np.ndarray) -> float:
    """The standard deviation of one release's value in a step-free stretch of normal noise, estimated by
    `spread` and unbiased for the series' length."""
    logs = np.asarray(logs, dtype=float)
    return float(spread(logs)) / _null(logs.shape[-1])[1]


def _segment_z(logs: np.ndarray) -> np.ndarray:
    """|mean inside - mean outside| in units of the series' noise, for every candidate segment [i, j), last axis."""
    y = np.asarray(logs, dtype=float)
    n = y.shape[-1]
    sums = np.concatenate([np.zeros(y.shape[:-1] + (1,)), np.cumsum(y, axis=-1)], axis=-1)
    i, j = _segments(n)
    inside, k = sums[..., j] - sums[..., i], j - i
    outside = sums[..., -1:] - inside
    sd = np.maximum(spread(y), 1e-300)[..., None]
    return np.abs(inside / k - outside / (n - k)) / (sd * np.sqrt(1 / k + 1 / (n - k)))


@cache
def _segments(n: int) -> tuple[np.ndarray, np.ndarray]:
    """Bounds (i, j) of the candidate segments of a series of n: every level at least MIN_SEGMENT long."""
    i, j = np.triu_indices(n + 1, k=1)
    keep = ((j - i >= MIN_SEGMENT) & ((i == 0) | (i >= MIN_SEGMENT)) & ((j == n) | (n - j >= MIN_SEGMENT))
            & ~((i == 0) & (j == n)))
    return i[keep], j[keep]


@cache
def _null(n: int) -> tuple[np.ndarray, float]:
    """Over NULL_SERIES simulated step-free series of n standard normal values: their largest segment z, sorted,
    and the median of their spread (what `spread` gives for a standard deviation of one)."""
    rng = np.random.default_rng(n)
    series = [rng.standard_normal((5_000, n)) for _ in range(NULL_SERIES // 5_000)]
    largest = np.sort(np.concatenate([_segment_z(chunk).max(axis=-1) for chunk in series]))
    return largest, float(np.median(np.concatenate([spread(chunk) for chunk in series])))


def null_p_value(z: float, n: int) -> float:
    null = _null(n)[0]
    return (1 + null.size - np.searchsorted(null, z, side="left")) / (null.size + 1)


def smallest_step(n: int, sd: float, level: float) -> float:
    """The smallest step (a ratio above 1) at the middle of a step-free series of n with noise sd (as `noise`
    estimates it) that p <= level flags."""
    null, typical_spread = _null(n)
    critical = null[min(null.size - 1, int(math.ceil((1 - level) * (null.size + 1))) - 1)]
    k = n // 2
    return math.exp(critical * sd * typical_spread * math.sqrt(1 / k + 1 / (n - k)))


def _search(logs: np.ndarray, offset: int, level: float, found: list) -> None:
    """Test the most improbable segment of `logs`; after a step at `level`, search the pieces it leaves."""
    if len(logs) < MIN_POINTS or spread(logs) <= 0:
        return
    z = _segment_z(logs)
    best = int(z.argmax())
    p = null_p_value(float(z[best]), len(logs))
    i, j = _segments(len(logs))
    cuts = [cut for cut in (int(i[best]), int(j[best])) if 0 < cut < len(logs)]
    found.extend((offset + cut, p) for cut in cuts)
    if p <= level:
        bounds = [0, *cuts, len(logs)]
        for left, right in zip(bounds, bounds[1:]):
            _search(logs[left:right], offset + left, level, found)


def steps(values, level: float = FDR, confidence: float = 0.95) -> list[Step]:
    """Every split tested in one series (positive values in release order), with its p-value.

    A side is searched again only after a step at `level`. The steps at `level` carry the ratio of
    their adjacent segments and its t interval (the spread pooled within all segments); the other
    tested splits only their p-values (a report's false-discovery control counts every test).
    """
    logs = np.log(np.asarray(values, dtype=float))
    if len(logs) < MIN_POINTS or not np.all(np.isfinite(logs)):
        return []
    tested: list[tuple[int, float]] = []
    _search(logs, 0, level, tested)
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


def family_members(table: pd.DataFrame) -> dict[tuple, list[tuple]]:
    """Per (machine, env, benchmark, "(family)", family): the cases that have a value at every release of their
    series (the releases measured in that environment: each stack has its own)."""
    members: dict[tuple, list[tuple]] = {}
    for key, block in table.T.groupby(level=["machine", "env", "benchmark"]):
        measured = block.T.dropna(how="all")
        for column in measured.columns[measured.notna().all().to_numpy()]:
            members.setdefault((*key, "(family)", family_of(column[-1])), []).append(column)
    return members


def family_table(table: pd.DataFrame, members: dict[tuple, list[tuple]] | None = None,
                 scale: pd.Series | None = None) -> pd.DataFrame:
    """Per (machine, env, benchmark, family), release by release: the geometric mean over its `members` (default:
    family_members(table)) of each case relative to its `scale` (default: the case's median over the releases),
    paired.TRIM of the cases off each end; NaN at a release where one of them has no value. Another run of the same
    releases takes the first run's `scale`, so that the two runs' family series compare."""
    members = family_members(table) if members is None else members
    scale = table.median() if scale is None else scale
    families = {family: _trimmed_family(table.reindex(columns=cases) / scale.reindex(cases).to_numpy())
                for family, cases in sorted(members.items())}
    if not families:
        return table.iloc[:, :0]
    return pd.DataFrame(families, index=table.index).rename_axis(columns=table.columns.names)


def _trimmed_family(relative: pd.DataFrame) -> pd.Series:
    logs = np.log(relative.to_numpy(dtype=float))
    trimmed = np.exp(across_cases(logs, axis=1)) if logs.shape[1] else np.full(len(logs), np.nan)
    return pd.Series(np.where(np.isnan(logs).any(axis=1), np.nan, trimmed), index=relative.index)


def run_to_run(table: pd.DataFrame, other: pd.DataFrame) -> dict[tuple, list[float]]:
    """Per column of `table` also in `other` (another run of some of its releases, the same columns): the log
    differences between the two runs, release by release."""
    differences = {}
    for column in table.columns.intersection(other.columns):
        both = np.log(pd.concat([table[column], other[column]], axis=1, join="inner").dropna().to_numpy(dtype=float))
        if len(both):
            differences[column] = list(both[:, 0] - both[:, 1])
    return differences


STEP_FIELDS = ("release", "before", "ratio", "low", "high", "p_value", "points")


def tested(table: pd.DataFrame) -> pd.DataFrame:
    """Every split tested in every series (columns of `table`), with its p-value; no false-discovery control yet."""
    rows = []
    for column in table.columns:
        present = table[column].dropna()
        for step in steps(present.to_numpy()):
            rows.append({**dict(zip(table.columns.names, column)), "release": present.index[step.index],
                         "before": present.index[step.index - 1], "ratio": step.ratio, "low": step.low,
                         "high": step.high, "p_value": step.p_value, "points": len(present)})
    return pd.DataFrame(rows, columns=[*table.columns.names, *STEP_FIELDS])


def flag(found: pd.DataFrame, fdr: float = FDR) -> pd.DataFrame:
    """`found` with Benjamini-Hochberg adjusted p-values over all its tests, flagged at fdr where the step's
    interval also excludes no change (the test reads the noise from neighbouring releases, the interval from the
    spread within the segments; a step is listed only where both say it is one)."""
    if found.empty:
        return found.assign(adjusted=pd.Series(dtype=float), flagged=pd.Series(dtype=bool))
    adjusted = stats.false_discovery_control(found["p_value"].to_numpy())
    apart = ((found["low"] > 1) | (found["high"] < 1)).to_numpy()
    return found.assign(adjusted=adjusted, flagged=(adjusted <= fdr) & apart)


def findings(table: pd.DataFrame, fdr: float = FDR) -> pd.DataFrame:
    """Every step of every series (columns of `table`), with Benjamini-Hochberg adjusted p-values; flagged at fdr."""
    return flag(tested(table), fdr)


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


def _of(found: pd.DataFrame, column: tuple, names: list) -> pd.Series:
    return np.logical_and.reduce([found[name] == value for name, value in zip(names, column)])


def injected_steps_found(table: pd.DataFrame, column: tuple, factor: float = 1.10,
                         everything: pd.DataFrame | None = None) -> dict[str, bool]:
    """For every release a step can start at, except where the series has a flagged step of its own: is a step of
    `factor`, added to the column's measured series from that release on, flagged there by the whole report (the
    other series as measured)? `everything`: findings(table), where the caller has it already."""
    names = list(table.columns.names)
    everything = findings(table) if everything is None else everything
    mine = _of(everything, column, names)
    own = set(everything.loc[mine & everything["flagged"], "release"])
    others = everything.loc[~mine, [*names, *STEP_FIELDS]]
    series = table[column].dropna()
    found = {}
    for at in range(MIN_SEGMENT, len(series) - MIN_SEGMENT + 1):
        if series.index[at] in own:
            continue
        injected = series.copy()
        injected.iloc[at:] *= factor
        report = flag(pd.concat([others, tested(injected.to_frame(column).rename_axis(columns=names))]))
        mine = report[_of(report, column, names) & report["flagged"]]
        found[series.index[at]] = bool((mine["release"] == series.index[at]).any())
    return found


def step_free(series: pd.Series, found: pd.DataFrame) -> np.ndarray:
    """The series' log values less the level of each segment between its flagged steps: its noise as measured."""
    logs = np.log(series.to_numpy(dtype=float))
    cuts = sorted(series.index.get_loc(release) for release in found["release"])
    bounds = [0, *cuts, len(logs)]
    return np.concatenate([logs[left:right] - logs[left:right].mean() for left, right in zip(bounds, bounds[1:])])


def false_alarms(table: pd.DataFrame, shuffles: int = 3, seed: int = 0,
                 measured: pd.DataFrame | None = None) -> tuple[float, float]:
    """With each searched series' flagged steps taken out and its releases shuffled (its measured noise kept, no
    step left): the share of series with a step at p <= FDR, and the share the whole report flags. `measured`:
    findings(table), where the caller has it already."""
    rng = np.random.default_rng(seed)
    names = list(table.columns.names)
    measured = findings(table) if measured is None else measured
    searched = [column for column in table.columns if table[column].dropna().size >= MIN_POINTS]
    raw, flagged = [], []
    for _ in range(shuffles):
        shuffled = {}
        for column in searched:
            series = table[column].dropna()
            own = measured[_of(measured, column, names) & measured["flagged"]]
            shuffled[column] = pd.Series(np.exp(rng.permutation(step_free(series, own))), index=series.index)
        frame = pd.DataFrame(shuffled).reindex(table.index)
        frame.columns = pd.MultiIndex.from_tuples(searched, names=names)
        report = findings(frame)
        for column in searched:
            mine = report[_of(report, column, names)]
            raw.append(bool((mine["p_value"] <= FDR).any()))
            flagged.append(bool(mine["flagged"].any()))
    return (float(np.mean(raw)), float(np.mean(flagged))) if raw else (math.nan, math.nan)
