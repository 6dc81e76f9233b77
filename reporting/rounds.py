"""How many rounds a paired review needs: rounds are added while a kind's smallest detectable change
is above its goal and the review's time budget holds another pair of rounds.

The decision reads the rounds' spread only (the smallest detectable change), never the ratio they
measure. For normal log ratios the sample mean and variance are independent, so stopping on the
spread leaves the t-test's level where it was; stopping once a ratio looks significant would not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reporting import adjacent, compare
from reporting.paired import WARMUP_ROUNDS

GOALS = compare.GOALS
# Rounds are added two at a time: asv reverses the order of the sides every other round (ABBA).
STEP = 2
# The defaults of make continuous's REVIEW_MINUTES (the budget for the rounds) and MAX_ROUNDS.
MINUTES = 30.0
MAX_ROUNDS = 20


@dataclass(frozen=True)
class Decision:
    more: bool
    reason: str


def state(results_dir: Path, base: str, head: str, machine: str | None = None,
          bench: list[str] | None = None) -> tuple[int, pd.DataFrame]:
    """asv's rounds measured so far (the warm-up one included) and the smallest detectable change per kind, of those
    rounds only: a resumed review's adjacent processes (reporting/adjacent.py), timed after its rounds, are not asv's."""
    *_, pairs = compare.review_pairs(results_dir, compare.Side(base, machine), compare.Side(head, machine), bench)
    asv_pairs = pairs[~pairs["benchmark"].isin(list(adjacent.FILES))]
    review = compare.paired_review(asv_pairs)
    if review is None:  # no benchmark with a goal in asv's rounds (the canary alone, say): count them all the same
        judged = max((len(values) for values in asv_pairs["rounds_base"] if values is not None), default=0)
        return judged + WARMUP_ROUNDS if judged else 0, pd.DataFrame(columns=["kind", "benchmarks", "median", "largest"])
    return int(review.speed["rounds"].max()) + WARMUP_ROUNDS, compare.detectable_by_kind(review)


def _goals_text(kinds: pd.DataFrame) -> str:
    return "; ".join(f"{kind} {median:.1%} (goal {GOALS[kind]:.0%})"
                     for kind, median in zip(kinds["kind"], kinds["median"]) if kind in GOALS)


def decide(kinds: pd.DataFrame, rounds: int, minutes_used: float, minutes_per_round: float,
           budget_minutes: float, max_rounds: int) -> Decision:
    """Another STEP rounds, or enough, with the reason in one line."""
    judged = kinds[kinds["kind"].isin(GOALS)]
    if judged.empty:
        return Decision(False, f"after {rounds} rounds no benchmark with a goal has paired rounds to judge")
    missed = [kind for kind, median in zip(judged["kind"], judged["median"])
              if not (math.isfinite(median) and median <= GOALS[kind])]
    where = f"after {rounds} rounds, smallest detectable change (median): {_goals_text(judged)}"
    if not missed:
        return Decision(False, f"{where}: every goal met")
    if rounds + STEP > max_rounds:
        return Decision(False, f"{where}: stopping at the most rounds allowed ({max_rounds})")
    if not math.isfinite(minutes_per_round):  # resumed with its first rounds recorded before: no pace yet
        if minutes_used < budget_minutes:
            return Decision(True, f"{where}: {STEP} more rounds (their pace is not timed yet in this run)")
        return Decision(False, f"{where}: the {budget_minutes:g} min budget is spent")
    needed = STEP * minutes_per_round
    if minutes_used + needed > budget_minutes:
        return Decision(False, f"{where}: {STEP} more rounds would take about {needed:.0f} min, "
                               f"{max(budget_minutes - minutes_used, 0):.0f} of the {budget_minutes:g} min budget left")
    return Decision(True, f"{where}: {STEP} more rounds, about {needed:.0f} min "
                          f"({minutes_used:.0f} of {budget_minutes:g} min used)")
