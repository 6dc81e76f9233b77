"""Verdicts from interleaved rounds: ratios with intervals and tests, false alarms bounded per report.

`make continuous` measures each side of a review in several rounds (asv's --interleave-rounds),
each round in fresh processes, the sides alternating, so a round's two measurements of one
benchmark are close in time. A benchmark's value in a round is the median of that process's
samples (asv writes them all; `repeat` of them per round). The first round warms compile and
disk caches and is kept in the results but not judged.

Per benchmark, the log ratio head/base is taken round by round (paired: a round's drift falls on
both sides), and its mean (trimmed by TRIM at each end from TRIM_FROM rounds on: Yuen's test) gets a t
interval and a one-sample t-test (scipy.stats). Per backend
family and benchmark kind, the same over the round-wise trimmed mean of its benchmarks' log ratios:
the (trimmed) geometric-mean ratio, whose test sees a change shared by the family even where each benchmark
alone is inside its noise. The p-values of the whole report are adjusted together
(Benjamini-Hochberg), and a change is flagged when its adjusted p-value is below FDR and it is at
least BENCHMARK_FLOOR (a benchmark; a sampling run's also RUN_FLOOR seconds) or FLOOR (an aggregate) in size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats
from scipy.stats import mstats

CONFIDENCE = 0.95
FDR = 0.05  # the expected share of false alarms among the report's flags
FLOOR = 0.01  # smaller changes of an aggregate are not flagged however certain (a code move can shift layout by that)
# A single benchmark's: two builds of one commit were once timed 2.4 % apart in every round of an A/A review
# (docs/evidence/aa-8.md: pymc-numba logistic_regression-1000, adjusted p 0.0015; 0.4 % in the next one), so
# a build's own offset reaches that size; across a family's cases such offsets average out.
BENCHMARK_FLOOR = 0.03
# A sampling run's change must also be this many seconds: a whole run carries fixed costs (threads started, traces
# allocated, first calls) that two builds can shift by milliseconds however short the run, as BENCHMARK_FLOOR's offset
# for a benchmark. nutpie-numba, which no injected change reaches, ran 13 ms (1.056x) slower on a 0.24 s run in every
# round (docs/evidence/inject-step5-both-ways.md, p 3e-5), and was flagged once more on a 34 ms run (1.045x, 1.5 ms,
# inject-step10-pr.md); over the committed reviews the test's raw p-values on runs < 0.5 s were as calibrated as on
# longer ones (p < 0.05 in 4 % of the 78 unchanged pairs), and the smallest flagged true change of a run moved 44 ms
# (pymc-numba eight_schools_centered, 0.946 s, 1.047x): a floor between the two costs no detection seen.
RUN_FLOOR = 0.02
POWER = 0.8  # for the smallest detectable change
WARMUP_ROUNDS = 1
# Some processes run one benchmark at half its speed throughout (gp_latent-50 through PyMC's C
# backend: a round at 2.0x in an A/A review, the other rounds within 2 %); with a plain mean one such
# round sets the whole interval. A trim of 20 % per end (Yuen's and Wilcox's usual choice) drops such
# rounds across a benchmark's rounds where it has TRIM_FROM or more, and such cases across a family's
# cases. 10 % left one of two odd rounds in (inject-grad10-adjacent: pymc eight_schools_centered,
# +52 % and +56 % in 2 of 11 rounds, unflagged at 10 %); at 20 % the adjacent reviews' largest
# detectable change fell from 6-22 % to 5-8 %, the median stayed within 0.3 points. From 7 rounds on (one a
# end below 10), not 10: the default review judges 7 sampling and 9 gradient rounds of adjacent processes,
# and untrimmed, one slow process a pair set aa-12's gradient (9 rounds) at 19.2 % (median), trimmed 4.8 %;
# of the committed adjacent runs' A/A pairs, trimmed, none gave p < 0.05 with a 3 % change at 7 or 9 rounds (docs/review.md).
TRIM = 0.2
TRIM_FROM = 7

FAMILIES = {"pymc": "pymc-*", "nutpie": "nutpie-*", "numpyro": "numpyro*", "blackjax": "blackjax"}


def family_of(backend: str) -> str:
    """pymc-*, nutpie-*, numpyro* or blackjax: backends that share a sampler."""
    return FAMILIES.get(backend.split("-")[0], backend)


def round_values(samples, per_round: int) -> np.ndarray | None:
    """The median of each judged round's samples (asv appends a round's `per_round` samples at a time)."""
    if not samples or per_round < 1:
        return None
    values = np.asarray([math.nan if s is None else s for s in samples], dtype=float)
    rounds = len(values) // per_round
    if rounds * per_round != len(values):
        return None  # a round cut short: the samples cannot be told apart by round
    medians = np.median(values.reshape(rounds, per_round), axis=1)[WARMUP_ROUNDS:]
    return medians if len(medians) and np.all(np.isfinite(medians)) and np.all(medians > 0) else None


@dataclass(frozen=True)
class Estimate:
    """head/base as a ratio, its interval, the test's p-value and the rounds behind it."""

    ratio: float
    low: float
    high: float
    p: float
    rounds: int
    se: float  # of the (trimmed) mean log ratio
    df: int  # the t distribution's degrees of freedom

    @property
    def detectable(self) -> float:
        """The smallest relative change this many rounds with this spread find with POWER at 5 %."""
        return detectable_change(self.se, self.df)


def detectable_change(se: float, df: int, floor: float = 0.0) -> float:
    """The smallest relative change a mean log ratio with this standard error and these degrees of
    freedom finds with POWER at a 5 % two-sided level (t distribution), and, with a floor, also beyond
    that floor: the estimate must pass the larger of the two bars in POWER of its draws."""
    bar = max(stats.t.ppf(0.975, df) * se, math.log1p(floor))
    return math.expm1(bar + stats.t.ppf(POWER, df) * se)


def trimmed_per_end(rounds: int) -> int:
    """Rounds cut off each end of a benchmark's log ratios: TRIM of them, none below TRIM_FROM rounds."""
    return int(TRIM * rounds) if rounds >= TRIM_FROM else 0


def degrees_of_freedom(rounds: int) -> int:
    """Of the (trimmed) one-sample t over this many rounds' log ratios."""
    return rounds - 2 * trimmed_per_end(rounds) - 1


def estimate(log_ratios: np.ndarray) -> Estimate | None:
    """The mean log ratio over the rounds, trimmed by TRIM at each end where there are TRIM_FROM or more
    (Yuen's one-sample trimmed t: a process that runs at half speed throughout is one round, and
    without the trim it sets the interval), with its t interval and test (scipy.stats)."""
    n = len(log_ratios)
    if n < 2:
        return None
    cut = trimmed_per_end(n)
    df = degrees_of_freedom(n)
    mean = float(stats.trim_mean(log_ratios, cut / n))
    se = float(mstats.trimmed_stde(np.asarray(log_ratios), limits=(cut / n, cut / n))) if cut else \
        float(np.std(log_ratios, ddof=1) / math.sqrt(n))
    if se == 0:
        return Estimate(math.exp(mean), math.exp(mean), math.exp(mean), 0.0 if mean else 1.0, n, 0.0, df)
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, df) * se
    p = float(2 * stats.t.sf(abs(mean) / se, df))
    return Estimate(math.exp(mean), math.exp(mean - half), math.exp(mean + half), p, n, se, df)


def log_ratios(base: np.ndarray, head: np.ndarray) -> np.ndarray | None:
    """Round-wise log(head/base) over the rounds both sides have (a review stopped inside a round has
    one more round on the sides that ran in it)."""
    if base is None or head is None:
        return None
    common = min(len(base), len(head))
    return np.log(head[:common]) - np.log(base[:common]) if common else None


def paired_estimate(base: np.ndarray, head: np.ndarray) -> Estimate | None:
    ratios = log_ratios(base, head)
    return None if ratios is None else estimate(ratios)


def across_cases(log_ratios: np.ndarray, axis: int = 0) -> np.ndarray:
    """A family's log ratio from its cases' (along `axis`): their mean, TRIM of them off each end."""
    return stats.trim_mean(log_ratios, TRIM, axis=axis)


def aggregate_estimate(members: list[np.ndarray]) -> Estimate | None:
    """The trimmed geometric-mean ratio over benchmarks' round-wise log ratios (those with the most
    common round count), TRIM of them off each end in every round."""
    members = [m for m in members if m is not None]
    if not members:
        return None
    counts = [len(m) for m in members]
    common = max(set(counts), key=counts.count)
    kept = np.vstack([m for m in members if len(m) == common])
    return estimate(across_cases(kept))


def round_sharing(log_ratios: np.ndarray) -> dict[str, float]:
    """How much of a family's noise its cases share round by round, from their log ratios (cases x rounds): the
    sd of the rounds' means, the same were the cases independent (their mean variance over the cases' count),
    and the mean correlation between two cases' rounds. A shared part (host drift between the sides) does not
    average out over the cases; the aggregate's rounds needed grow with its square."""
    cases = len(log_ratios)
    correlations = np.corrcoef(log_ratios)[~np.eye(cases, dtype=bool)]
    return {"round_means_sd": float(np.std(log_ratios.mean(axis=0), ddof=1)),
            "independent_sd": float(np.sqrt(np.var(log_ratios, axis=1, ddof=1).mean() / cases)),
            "correlation": float(correlations.mean())}


def adjusted(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values over every test of one report."""
    p_values = np.asarray(p_values, dtype=float)
    return stats.false_discovery_control(p_values, method="bh") if len(p_values) else p_values


def verdict(ratio: float, adjusted_p: float, floor: float = BENCHMARK_FLOOR) -> str:
    if adjusted_p < FDR and abs(ratio - 1) >= floor:
        return "slower" if ratio > 1 else "faster"
    return "same"


def posterior_tolerance(ess_run: float, ess_reference: float | None, parameters: int, level: float = 0.001) -> float:
    """How far (in reference sds) a correct run's posterior means may stray from the reference.

    Stan's performance tests allow 0.3 sds; on top of that, the Monte Carlo error of the run's and
    the reference's means (sd / sqrt(ESS), the run's smallest bulk ESS), at `level` over all of
    the reference's parameters (Bonferroni), so that short runs do not cry wolf.
    """
    variance = 1 / ess_run + (1 / ess_reference if ess_reference else 0.0)
    return 0.3 + stats.norm.isf(level / (2 * max(parameters, 1))) * math.sqrt(variance)
