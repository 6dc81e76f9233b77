"""A review selection chosen by measured noise per second: which benchmarks, and how many rounds.

    python -m reporting plan BASE HEAD --results results-review/<id> [--machine M] [--minutes 30]
                             [--sides 2] [--max-rounds 20] [--out review-plan.mk]

From a paired review already measured on this host (an A/A pair is best: its spread is noise
alone), per timed benchmark: the spread of its round-wise log ratios and the seconds one round of
it costs a side (its samples' time plus an even share of its grid's set-up, from asv's durations).
Hence the judged rounds it needs for its kind's goal (reporting/rounds.py GOALS; every sampling run
is held to the long runs' 10 %). The plan takes the number of rounds that lets the most benchmarks
reach their goal within the budget (`sides` commits a round, the canary included), and writes a
make fragment for `make continuous REVIEW_PLAN=<file>` with that selection, its rounds and budget.
The full selection stays the default of `make continuous`.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from reporting import compare, paired, rounds
from reporting.results import CANARY, GRADIENT, WALL

TRACKED_SAMPLING = r"^sampling\.Sampling(Cost|Metrics|Reference)\."


def seconds_per_round(rows: pd.DataFrame, per_round: dict[str, int]) -> pd.Series:
    """Seconds one round of each (benchmark, model, backend) costs a side, averaged over the sides:
    its samples' time (value x calls a sample x samples a round) plus an even share of the rest of
    its grid's duration (processes, imports, set-up and compiles)."""
    ok = rows[(rows["status"] == "ok") & rows["benchmark"].isin([WALL, GRADIENT, CANARY])].copy()
    ok["work"] = ok["value"] * ok["number"] * ok["benchmark"].map(per_round).fillna(1)
    grid = ok.groupby(["commit", "benchmark"])
    ok["overhead"] = ((grid["grid_seconds"].transform("first") - grid["work"].transform("sum")).clip(lower=0)
                      / grid["work"].transform("count"))
    ok["seconds"] = ok["work"] + ok["overhead"]
    return ok.groupby(["benchmark", "model", "backend"])["seconds"].mean()


def goal_of(kind: str) -> float:
    return rounds.GOALS["gradient"] if kind == "gradient" else rounds.GOALS[compare.LONG_RUNS]


def rounds_needed(log_ratios: np.ndarray, goal: float, max_judged: int) -> int | None:
    """The fewest judged rounds whose smallest detectable change reaches the goal at this spread."""
    sd = float(np.std(log_ratios, ddof=1))
    for judged in range(2, max_judged + 1):
        if paired.detectable_change(sd / math.sqrt(judged), paired.degrees_of_freedom(judged)) <= goal:
            return judged
    return None


def candidates(results_dir: Path, base: str, head: str, machine: str | None, max_rounds: int) -> tuple[pd.DataFrame, float]:
    """Per timed benchmark of the measured review: kind, spread, rounds needed, seconds a round; and the canary's."""
    base_rows, head_rows, pairs = compare.review_pairs(results_dir, compare.Side(base, machine),
                                                       compare.Side(head, machine))
    speed = compare.paired_speed(pairs)
    if speed.empty:
        raise SystemExit(f"{results_dir} holds no paired rounds of {base[:10]} and {head[:10]}: measure a review first "
                         "(make continuous)")
    cost = seconds_per_round(pd.concat([base_rows, head_rows]), compare.samples_per_round(results_dir))
    max_judged = max_rounds - paired.WARMUP_ROUNDS
    table = speed[["benchmark", "model", "backend", "family", "kind", "log_ratios"]].copy()
    table["goal"] = table["kind"].map(goal_of)
    table["spread"] = [float(np.std(r, ddof=1)) for r in table["log_ratios"]]
    table["needed"] = [rounds_needed(r, g, max_judged) for r, g in zip(table["log_ratios"], table["goal"])]
    table["seconds"] = [cost.get((b, m, k), math.nan) for b, m, k in zip(table["benchmark"], table["model"], table["backend"])]
    canary = float(cost[cost.index.get_level_values("benchmark") == CANARY].sum())
    return table, canary


def choose(table: pd.DataFrame, canary: float, minutes: float, sides: int, max_rounds: int) -> tuple[int, pd.Series]:
    """The judged rounds, and the benchmarks (a mask) that reach their goal in them, that fit the most
    benchmarks in the budget (the cheaper on a tie)."""
    best = (0, pd.Series(False, index=table.index))
    best_key = (0, 0.0)
    for judged in range(2, max_rounds - paired.WARMUP_ROUNDS + 1):
        chosen = table["needed"].notna() & (table["needed"] <= judged) & table["seconds"].notna()
        cost = minutes_of(table, chosen, judged, canary, sides)
        if cost <= minutes and chosen.any() and (int(chosen.sum()), -cost) > best_key:
            best, best_key = (judged, chosen), (int(chosen.sum()), -cost)
    return best


def minutes_of(table: pd.DataFrame, chosen: pd.Series, judged: int, canary: float, sides: int) -> float:
    """Minutes the chosen benchmarks take in this many judged rounds (and the warm-up round), every side."""
    return (judged + paired.WARMUP_ROUNDS) * sides * (table.loc[chosen, "seconds"].sum() + canary) / 60


def _pair_regex(benchmark: str, model: str, backend: str) -> str:
    # \s, not a space: make splits words on spaces, and asv matches the regex against name(params)
    return "^" + re.escape(benchmark) + rf"\('{re.escape(model)}',\s'{re.escape(backend)}'\)$$"


def fragment(table: pd.DataFrame, chosen: pd.Series, judged: int, minutes: float, source: str) -> str:
    """make variables for `make continuous REVIEW_PLAN=<file>`."""
    timed = ['--bench "^canary\\."'] + [f'--bench "{_pair_regex(b, m, k)}"' for b, m, k in
                                        table.loc[chosen, ["benchmark", "model", "backend"]].itertuples(index=False)]
    sampled = table[chosen & (table["kind"] == "sampling")]
    tracked = [f'--bench "{TRACKED_SAMPLING}.*' + rf"\('{re.escape(m)}',\s'{re.escape(k)}'\)$$" + '"'
               for m, k in sampled[["model", "backend"]].itertuples(index=False)]
    return "\n".join([
        f"# Written by python -m reporting plan from {source}: {int(chosen.sum())} of {len(table)} timed benchmarks,",
        f"# {judged} judged rounds, within {minutes:g} minutes for the rounds. Use: make continuous REVIEW_PLAN=<this file>",
        f"ROUNDS := {judged + paired.WARMUP_ROUNDS}",
        f"REVIEW_MINUTES := {minutes:g}",
        "REVIEW_TIMED := " + " ".join(timed),
        "REVIEW_TRACKED := " + " ".join(tracked),
        "",
    ])


def render(table: pd.DataFrame, chosen: pd.Series, judged: int, canary: float, minutes: float, sides: int,
           source: str) -> str:
    cost = minutes_of(table, chosen, judged, canary, sides)
    full = minutes_of(table, table["seconds"].notna(), judged, canary, sides)
    shown = table.assign(
        selected=np.where(chosen, "yes", "no"), spread=[f"{s:.1%}" for s in table["spread"]],
        goal=[f"{g:.0%}" for g in table["goal"]], needed=[f"{int(n)}" if pd.notna(n) else "more than allowed"
                                                         for n in table["needed"]],
        seconds=[f"{s:.1f}" for s in table["seconds"]],
        benchmark=table["benchmark"].str.rsplit(".", n=1).str[-1])
    lines = [f"## Review plan from {source}", "",
             f"{int(chosen.sum())} of {len(table)} timed benchmarks reach their goal in {judged} judged rounds "
             f"({judged + paired.WARMUP_ROUNDS} with the warm-up), about {cost:.0f} min for {sides} sides "
             f"(budget {minutes:g} min; every benchmark at these rounds: about {full:.0f} min).", "",
             "spread: sd of the round-wise log ratio in the measured review; needed: judged rounds for the goal "
             "(80 % power, 5 % level); seconds: one round, one side.", ""]
    columns = {"benchmark": "benchmark", "model": "model", "backend": "backend", "spread": "spread", "goal": "goal",
               "needed": "needed", "seconds": "seconds", "selected": "selected"}
    lines.append(shown.sort_values(["kind", "backend", "model"])[list(columns)].rename(columns=columns)
                 .to_markdown(index=False))
    return "\n".join(lines) + "\n"


def main(args) -> int:
    if not args.minutes > 0 or args.sides < 2 or args.max_rounds < 3:
        print(f"error: --minutes must be positive, --sides at least 2 and --max-rounds at least 3 "
              f"(got {args.minutes:g}, {args.sides}, {args.max_rounds})", file=sys.stderr)
        return 2
    try:
        table, canary = candidates(Path(args.results), args.base, args.head, args.machine, args.max_rounds)
    except SystemExit as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    judged, chosen = choose(table, canary, args.minutes, args.sides, args.max_rounds)
    source = f"{args.results} ({args.base[:10]} vs {args.head[:10]})"
    if not chosen.any():
        print(f"error: no benchmark of {source} reaches its goal within {args.minutes:g} min", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_text(fragment(table, chosen, judged, args.minutes, source))
    print(render(table, chosen, judged, canary, args.minutes, args.sides, source))
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("base", help="base commit of the measured review (hash prefix)")
    parser.add_argument("head", help="head commit of the measured review (hash prefix)")
    parser.add_argument("--results", required=True, help="the measured review's results folder")
    parser.add_argument("--machine", default=None)
    parser.add_argument("--minutes", type=float, default=rounds.MINUTES, help="time budget for the rounds")
    parser.add_argument("--sides", type=int, default=2, help="commits measured in each round")
    parser.add_argument("--max-rounds", type=int, default=rounds.MAX_ROUNDS)
    parser.add_argument("--out", default=None, help="write the make fragment here")
