"""`make compare`: what changed between two commits, as markdown a reviewer pastes into a PR.

    python -m reporting compare BASE HEAD [--machine M] [--results results]
                                          [--thresholds FILE] [--bench REGEX ...] [--out report.md]

Verdicts, in order of harm: a wrong posterior (a run's means beyond the reference's, by more than
0.3 sds plus both runs' Monte Carlo error), new failures, slower, a changed sampler
(algorithmic), faster. Where both sides were measured in interleaved rounds (`make continuous`),
the timed benchmarks (sampling, gradient) get a ratio with a 95 % interval and a paired test per
benchmark and per backend family (reporting/paired.py), false alarms bounded over the whole report
(Benjamini-Hochberg), the sampling time split into gradient evaluations x time per evaluation +
the rest, the host's drift from a canary, and the smallest change the rounds could detect: where nothing was
found but a kind's smallest detectable change missed its goal (GOALS), the verdict is "inconclusive", not
"no change".
Metrics measured once a side (CPU, compile seconds, memory; every metric of a run without
rounds) are held against per-family thresholds from an A/A run on the results' machine
(reporting/thresholds/<machine>.json, or another machine's, said so): beyond |head - base| >
relative x base + absolute, and where asv has finite 99 % intervals for both sides, those separate
too. In a paired review they are listed, not judged. Algorithmic metrics (ESS, gradient
evaluations, divergences, R-hat, reference error) are exactly reproducible for a commit under fixed
seeds on one host, so any change in them is a change of the sampler's behaviour. Instructions per
logp+gradient evaluation (callgrind, where a review counted them) change beyond
INSTRUCTION_TOLERANCE or not; more of them is worse. Both sides must
come from one machine; sides measured more than 12 h apart get a note. --bench (asv's regexes,
as given to asv run) limits the review to the benchmarks that were run. Exit status: 0 when nothing
got worse, 1 when something did (a wrong posterior, a slowdown, a new failure or more instructions),
2 on bad input.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from reporting import adjacent
from reporting import paired as stats
from reporting.results import (CANARY, COMPILE_WARM, GRADIENT, INSTRUCTIONS, SAMPLING_INSTRUCTIONS, TRACKED, WALL,
                               result_files, select_commit, tidy)

THRESHOLDS_DIR = Path(__file__).with_name("thresholds")
COLD_COMPILE = "compile.CompileCold.track_compile_cold_seconds"
REFERENCE_ERROR = "sampling.SamplingReference.track_reference_error"
GRAD_EVALS_TOTAL = "sampling.SamplingCost.track_grad_evals_total"
# The timed benchmarks a paired review tests, by kind.
PAIRED_KINDS = {WALL: "sampling", GRADIENT: "gradient", COMPILE_WARM: "compile", adjacent.ADJACENT: adjacent.KIND,
                adjacent.SAMPLING: adjacent.SAMPLING_KIND}
LONG_RUN = 2.0  # seconds: sampling runs at least this long are the ones a 10 % change must show in
RUN_KINDS = ("sampling", adjacent.SAMPLING_KIND)  # whole sampling runs (their changes also need stats.RUN_FLOOR)

# benchmark -> family; a family shares one A/A-measured threshold.
SPEED_FAMILIES = {
    WALL: "sampling time",
    TRACKED + "seconds_per_ess": "seconds per ESS",  # its own family: the absolute part has its unit
    TRACKED + "cpu_seconds": "sampling time",
    GRADIENT: "gradient",
    TRACKED + "compile_seconds": "compile time",
    COLD_COMPILE: "compile time",
    TRACKED + "peak_memory": "memory",
}
ALGORITHMIC = {
    TRACKED + "ess_bulk_min": "min bulk ESS",
    TRACKED + "ess_bulk_mean": "mean bulk ESS",
    TRACKED + "ess_tail_min": "min tail ESS",
    TRACKED + "grad_evals": "gradient evaluations",
    TRACKED + "grad_evals_per_ess": "gradient evaluations per ESS",
    TRACKED + "divergences": "divergences",
    TRACKED + "rhat_max": "max R-hat",
    REFERENCE_ERROR: "reference error (sds)",
    GRAD_EVALS_TOTAL: "gradient evaluations with tuning",
}
# Most counts of one commit in two fresh processes agree within 0.4 %, but some processes take another
# path for their whole life (up to 6.9 % apart in the A/A review aa-4, Numba-compiled code): a backend
# is judged by the median over its cases, beyond 1 %.
INSTRUCTION_TOLERANCE = 0.01
# Relative changes below this are float noise, not behaviour (ESS is recomputed from the same draws).
EXACT = 1e-9
# Sides measured further apart than this get a note: the thresholds come from back-to-back runs, and
# a host's load moves from day to day (the Intel Xeon host: 0.75x at the median two days apart).
APART = pd.Timedelta(hours=12)


@dataclass(frozen=True)
class Side:
    commit: str
    machine: str | None


@dataclass(frozen=True)
class Threshold:
    relative: float  # of the base value
    absolute: float  # in the metric's unit: the jitter short runs have whatever their length

    def allows(self, base: float) -> float:
        return self.relative * base + self.absolute

    def __str__(self) -> str:
        return f"±{self.relative:.0%} + {self.absolute:.3g}"


@dataclass(frozen=True)
class Thresholds:
    by_family: dict[str, Threshold]
    machine: str  # where the A/A run measured them


def thresholds_file(machine: str) -> Path:
    """Where `make noise` on `machine` writes its thresholds."""
    return THRESHOLDS_DIR / f"{machine}.json"


def thresholds_for(machine: str) -> Path:
    """The thresholds measured on `machine`; where it has none, another machine's (the report says so)."""
    own = thresholds_file(machine)
    if own.exists():
        return own
    measured = sorted(THRESHOLDS_DIR.glob("*.json"))
    if not measured:
        raise SystemExit(f"no thresholds in {THRESHOLDS_DIR}: run make noise first")
    return measured[0]


def load_thresholds(path: Path) -> Thresholds:
    try:
        document = json.loads(Path(path).read_text())
        thresholds = Thresholds({family: Threshold(**values) for family, values in document["thresholds"].items()},
                                document["machine"])
    except (OSError, KeyError, TypeError, json.JSONDecodeError) as error:
        raise SystemExit(f"cannot read thresholds from {path}: {error!r}") from error
    missing = set(SPEED_FAMILIES.values()) - set(thresholds.by_family)
    if missing:
        raise SystemExit(f"{path} has no threshold for {', '.join(sorted(missing))}")
    return thresholds


def side_rows(frame: pd.DataFrame, side: Side, env: str | None = None) -> pd.DataFrame:
    """One side's rows of `frame` (the tidy results of its machine, or of every machine)."""
    rows = select_commit(frame, side.commit, env=env)
    machines = frame.loc[frame["commit"] == rows["commit"].iloc[0], "machine"]  # in any environment
    if machines.nunique() > 1:
        raise SystemExit(f"commit {side.commit} has results on several machines "
                         f"({', '.join(sorted(machines.unique()))}): choose one with --machine")
    return rows


def one_machine_rows(results_dir: Path, base: Side, head: Side) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both sides' rows, refused unless they come from one machine; in the environment (stack) both were measured
    in, where they share one (a release measured on today's stack and on its release day's)."""
    frames = {machine: tidy(result_files(results_dir, machine), plain=True) for machine in {base.machine, head.machine}}
    base_rows, head_rows = side_rows(frames[base.machine], base), side_rows(frames[head.machine], head)
    if base_rows["env"].iloc[0] != head_rows["env"].iloc[0]:
        for env in (head_rows["env"].iloc[0], base_rows["env"].iloc[0]):
            both = side_rows(frames[base.machine], base, env), side_rows(frames[head.machine], head, env)
            if both[0]["env"].iloc[0] == both[1]["env"].iloc[0]:
                base_rows, head_rows = both
                break
    base_machine, head_machine = base_rows["machine"].iloc[0], head_rows["machine"].iloc[0]
    if base_machine != head_machine:
        raise SystemExit(f"base {base_rows['commit'].iloc[0][:10]} has results on {base_machine} only, head "
                         f"{head_rows['commit'].iloc[0][:10]} on {head_machine}: another host changes the timings, "
                         "and the chains where code is compiled for its CPU; compare commits measured on one "
                         "machine (--machine)")
    return base_rows, head_rows


def measured_apart(base: pd.DataFrame, head: pd.DataFrame) -> pd.Timedelta:
    """Time from the end of the side measured first to the start of the other (0 where they overlap)."""
    runs = sorted((rows["run"][rows["run"] > pd.Timestamp(0)] for rows in (base, head)), key=lambda run: run.min())
    if any(run.empty for run in runs):
        return pd.Timedelta(0)  # no start times recorded: nothing to say
    return max(runs[1].min() - runs[0].max(), pd.Timedelta(0))


def paired(base: pd.DataFrame, head: pd.DataFrame) -> pd.DataFrame:
    keys = ["benchmark", "model", "backend"]
    columns = keys + ["value", "status", "ci_low", "ci_high"] + (["samples"] if "samples" in base and "samples" in head else [])
    return base[columns].merge(head[columns], on=keys, how="outer", suffixes=("_base", "_head"))


def selected(pairs: pd.DataFrame, regexes: list[str] | None) -> pd.DataFrame:
    """The pairs a run with asv's --bench regexes measured (asv matches name(params) the same way)."""
    if not regexes:
        return pairs
    names = [f"{b}('{m}', '{k}')" if m else b for b, m, k in zip(pairs["benchmark"], pairs["model"], pairs["backend"])]
    keep = [any(re.search(regex, name) for regex in regexes) for name in names]
    return pairs[keep]


def samples_per_round(results_dir: Path) -> dict[str, int]:
    """How many samples one process of each benchmark takes (asv's repeat, where it is a count)."""
    path = Path(results_dir) / "benchmarks.json"
    try:
        benchmarks = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}
    return {name: b["repeat"] if isinstance(b.get("repeat"), int) and b["repeat"] > 0 else 1
            for name, b in benchmarks.items() if isinstance(b, dict)}


def with_rounds(pairs: pd.DataFrame, per_round: dict[str, int]) -> pd.DataFrame:
    """Each side's judged round values (None where it was not measured in rounds)."""
    pairs = pairs.copy()
    for side in ("base", "head"):
        column = f"samples_{side}"
        samples = pairs[column] if column in pairs else [None] * len(pairs)
        pairs[f"rounds_{side}"] = [stats.round_values(s if isinstance(s, list) else None, per_round.get(b, 1))
                                   for s, b in zip(samples, pairs["benchmark"])]
    return pairs


def ran_on_both(pairs: pd.DataFrame, benchmarks) -> pd.DataFrame:
    if pairs.empty:  # nothing paired (a selection both sides lack): no columns to select by
        return pairs
    return pairs[pairs["benchmark"].isin(benchmarks) & (pairs["status_base"] == "ok") & (pairs["status_head"] == "ok")]


def significant(row) -> bool | None:
    """asv's test where both sides have 99% intervals (several samples): do they not overlap?

    None where an interval is missing or infinite (asv writes -inf..inf for a single sample).
    """
    bounds = [row["ci_low_base"], row["ci_high_base"], row["ci_low_head"], row["ci_high_head"]]
    if any(b is None or not math.isfinite(b) for b in bounds):
        return None
    return bounds[2] > bounds[1] or bounds[3] < bounds[0]


def speed_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """The speed metrics that ran on both sides, with their family."""
    rows = ran_on_both(pairs, SPEED_FAMILIES)
    rows = rows[rows["value_base"] > 0].copy()  # no ratio to a zero (a compile served from cache)
    rows["family"] = rows["benchmark"].map(SPEED_FAMILIES)
    return rows


def speed_changes(pairs: pd.DataFrame, thresholds: dict[str, Threshold]) -> pd.DataFrame:
    """Every speed metric that ran on both sides: ratio head/base, significance, verdict."""
    rows = speed_pairs(pairs)
    rows["ratio"] = rows["value_head"] / rows["value_base"]
    rows["allowed"] = [thresholds[family].allows(base) for family, base in zip(rows["family"], rows["value_base"])]
    rows["significant"] = [significant(row) for _, row in rows.iterrows()]
    beyond = (rows["value_head"] - rows["value_base"]).abs() > rows["allowed"]
    # Where asv has intervals for both sides they must separate too; otherwise the threshold decides.
    confirmed = beyond & (rows["significant"] != False)  # noqa: E712  (None: no intervals)
    rows["verdict"] = "same"
    rows.loc[confirmed & (rows["ratio"] > 1), "verdict"] = "slower"
    rows.loc[confirmed & (rows["ratio"] < 1), "verdict"] = "faster"
    return rows


def algorithmic_changes(pairs: pd.DataFrame) -> pd.DataFrame:
    """Algorithmic metrics that differ between the sides (both ran): behaviour, not noise."""
    rows = ran_on_both(pairs, ALGORITHMIC).copy()
    rows["metric"] = rows["benchmark"].map(ALGORITHMIC)
    scale = rows[["value_base", "value_head"]].abs().max(axis=1).where(lambda s: s > 0, 1.0)
    rows["change"] = (rows["value_head"] - rows["value_base"]) / scale
    return rows[rows["change"].abs() > EXACT]


def status_changes(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs whose status (ok, failed, skipped) differs: new failures, fixes, new skips."""
    timed = pairs[pairs["benchmark"].isin([WALL, GRADIENT, COLD_COMPILE, *adjacent.FILES])].copy()
    timed[["status_base", "status_head"]] = timed[["status_base", "status_head"]].fillna("absent")
    return timed[timed["status_base"] != timed["status_head"]]


COUNTED = {INSTRUCTIONS: "one evaluation", SAMPLING_INSTRUCTIONS: "a short sampling run"}


def instruction_changes(pairs: pd.DataFrame) -> pd.DataFrame:
    """Instructions per logp+gradient evaluation, and per step of a short sampling run, on both
    sides: ratio head/base, and whether it is beyond INSTRUCTION_TOLERANCE (listed, not judged)."""
    rows = ran_on_both(pairs, COUNTED).copy()
    rows["counted"] = rows["benchmark"].map(COUNTED)
    rows["ratio"] = rows["value_head"] / rows["value_base"]
    rows["beyond"] = (rows["ratio"] - 1).abs() > INSTRUCTION_TOLERANCE
    return rows


def instruction_verdicts(instructions: pd.DataFrame) -> pd.DataFrame:
    """Per backend and count: the median ratio over its model cases, more or fewer beyond the
    tolerance. A median, since one process in some counts a different path for the whole process
    (the A/A spread of single counts, docs/review.md); a change of the backend moves most cases."""
    rows = [{"backend": backend, "counted": counted, "cases": len(group), "median": float(group["ratio"].median()),
             "low": float(group["ratio"].min()), "high": float(group["ratio"].max())}
            for (backend, counted), group in instructions.groupby(["backend", "counted"])]
    table = pd.DataFrame(rows, columns=["backend", "counted", "cases", "median", "low", "high"])
    table["verdict"] = "same"
    table.loc[table["median"] > 1 + INSTRUCTION_TOLERANCE, "verdict"] = "more"
    table.loc[table["median"] < 1 - INSTRUCTION_TOLERANCE, "verdict"] = "fewer"
    return table


def counted_part(verdicts: pd.DataFrame) -> list[str]:
    """Per backend with both counts: which part of a sampler step moved, the evaluation or the sampler's own work."""
    lines = []
    for backend, group in verdicts.groupby("backend"):
        verdict = dict(zip(group["counted"], group["verdict"]))
        evaluation, step = verdict.get(COUNTED[INSTRUCTIONS]), verdict.get(COUNTED[SAMPLING_INSTRUCTIONS])
        if evaluation is None or step is None or evaluation == step == "same":
            continue
        if evaluation == "same":
            lines.append(f"{backend}: {step} instructions per sampler step, the evaluation unchanged: the sampler's "
                         "own work moved.")
        elif step == "same":
            lines.append(f"{backend}: {evaluation} instructions per evaluation, but not per sampler step: the "
                         "evaluation's share of a step is too small to move it beyond the tolerance.")
        else:
            lines.append(f"{backend}: {evaluation} instructions per evaluation and {step} per sampler step: the "
                         "evaluation moved (a step's own work as well, where the step moved more).")
    return lines


def _instruction_section(instructions: pd.DataFrame, verdicts: pd.DataFrame) -> list[str]:
    changed = verdicts[verdicts["verdict"] != "same"]
    parts = ["", f"### Instructions, counted by callgrind ({len(changed)} of {len(verdicts)} counts changed)",
             "One count a side in a fresh process (valgrind, the AVX2 build of each backend), of one logp+gradient "
             "evaluation or per step of a short run of PyMC's NUTS. Judged per backend: the median ratio over its "
             f"cases, changed beyond ±{INSTRUCTION_TOLERANCE:.0%}; single cases are listed, not judged, as a "
             "process can take another path throughout (the A/A spread of single counts, docs/review.md)."]
    parts.append(markdown_table(verdicts.sort_values(["counted", "backend"]),
                                {"counted": "counted", "backend": "backend", "cases": "cases", "median": "median ratio",
                                 "low": "lowest", "high": "highest", "verdict": "verdict"}))
    moved = counted_part(verdicts)
    parts += ["", *[f"- {line}" for line in moved]] if moved else []
    parts.append("")
    parts.append(markdown_table(instructions.assign(beyond=instructions["beyond"].map({True: "yes", False: ""}))
                                .sort_values(["counted", "backend", "model"]),
                                {"counted": "counted", "model": "model", "backend": "backend", "value_base": "base",
                                 "value_head": "head", "ratio": "ratio", "beyond": f"beyond ±{INSTRUCTION_TOLERANCE:.0%}"}))
    return parts


def _estimate_row(estimate: stats.Estimate) -> dict:
    return {"ratio": estimate.ratio, "low": estimate.low, "high": estimate.high, "p": estimate.p,
            "rounds": estimate.rounds, "detectable": estimate.detectable, "se": estimate.se, "df": estimate.df}


def paired_speed(pairs: pd.DataFrame) -> pd.DataFrame:
    """The timed benchmarks measured in the same judged rounds on both sides: ratio, interval, test."""
    rows = []
    for _, row in ran_on_both(pairs, PAIRED_KINDS).iterrows():
        log_ratios = stats.log_ratios(row["rounds_base"], row["rounds_head"])
        estimate = None if log_ratios is None else stats.estimate(log_ratios)
        if estimate is None:
            continue
        rows.append({"benchmark": row["benchmark"], "model": row["model"], "backend": row["backend"],
                     "family": stats.family_of(row["backend"]), "kind": PAIRED_KINDS[row["benchmark"]],
                     "value_base": float(np.median(row["rounds_base"])), "value_head": float(np.median(row["rounds_head"])),
                     "log_ratios": log_ratios, **_estimate_row(estimate)})
    columns = ["benchmark", "model", "backend", "family", "kind", "value_base", "value_head", "log_ratios",
               "ratio", "low", "high", "p", "rounds", "detectable", "se", "df"]
    return pd.DataFrame(rows, columns=columns)


def family_aggregates(speed: pd.DataFrame) -> pd.DataFrame:
    """Per backend family and kind: the geometric-mean ratio over its model cases, tested round by round."""
    rows = []
    for (family, kind), members in speed.groupby(["family", "kind"]):
        estimate = stats.aggregate_estimate(list(members["log_ratios"]))
        if estimate is not None:
            rows.append({"family": family, "kind": kind, "cases": len(members), **_estimate_row(estimate)})
    return pd.DataFrame(rows, columns=["family", "kind", "cases", "ratio", "low", "high", "p", "rounds", "detectable",
                                       "se", "df"])


def judge(speed: pd.DataFrame, aggregates: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Verdicts with the p-values of both tables adjusted together (one report, one false-alarm rate)."""
    adjusted = stats.adjusted(list(speed["p"]) + list(aggregates["p"]))
    speed, aggregates = speed.copy(), aggregates.copy()
    speed["p_adjusted"], aggregates["p_adjusted"] = adjusted[:len(speed)], adjusted[len(speed):]
    floors = benchmark_floors(speed)
    speed["verdict"] = [stats.verdict(ratio, q, floor) for ratio, q, floor
                        in zip(speed["ratio"], speed["p_adjusted"], floors)]
    speed["flagged_from"] = [stats.detectable_change(se, df, floor) for se, df, floor
                             in zip(speed["se"], speed["df"], floors)]
    aggregates["verdict"] = [stats.verdict(ratio, q, stats.FLOOR) for ratio, q
                             in zip(aggregates["ratio"], aggregates["p_adjusted"])]
    aggregates["flagged_from"] = [stats.detectable_change(se, df, stats.FLOOR)
                                  for se, df in zip(aggregates["se"], aggregates["df"])]
    return speed, aggregates


def run_floor(seconds: float) -> float:
    """The smallest change flagged for a sampling run (or a part of one) of these seconds."""
    return max(stats.BENCHMARK_FLOOR, stats.RUN_FLOOR / seconds)


def benchmark_floors(speed: pd.DataFrame) -> list[float]:
    """The smallest change flagged per benchmark: BENCHMARK_FLOOR, and for a sampling run whatever share of its base
    seconds RUN_FLOOR is, where that is more (a short run's fixed costs)."""
    return [run_floor(base) if kind in RUN_KINDS else stats.BENCHMARK_FLOOR
            for kind, base in zip(speed["kind"], speed["value_base"])]


def canary(pairs: pd.DataFrame) -> tuple[stats.Estimate | None, bool]:
    """The host-drift canary's ratio head/base, and whether it was timed in the duets: there where the review has it
    (each backend's duet a pair of processes, their rounds pooled), else in asv's rounds; None where neither side
    measured it."""
    for benchmark in (adjacent.CANARY, CANARY):
        rows = ran_on_both(pairs, [benchmark])
        if not rows.empty:
            return (stats.paired_estimate(np.concatenate(list(rows["rounds_base"])),
                                          np.concatenate(list(rows["rounds_head"]))), benchmark == adjacent.CANARY)
    return None, False


def _values(pairs: pd.DataFrame, benchmark: str, side: str) -> pd.Series:
    rows = pairs[(pairs["benchmark"] == benchmark) & (pairs[f"status_{side}"] == "ok")]
    return rows.set_index(["model", "backend"])[f"value_{side}"]


def _preferring(speed: pd.DataFrame, in_asv: str, in_adjacent: str) -> pd.DataFrame:
    """A row per (model, backend) of kind `in_adjacent` (timed in adjacent processes, the more precise) where the
    review has it, else of kind `in_asv` (asv's rounds)."""
    return (speed[speed["kind"].isin([in_asv, in_adjacent])]
            .sort_values("kind", key=lambda kind: kind != in_adjacent, kind="stable")
            .drop_duplicates(["model", "backend"]))


def time_split(pairs: pd.DataFrame, speed: pd.DataFrame) -> pd.DataFrame:
    """Each paired sampling run split into gradient evaluations x time per evaluation + the rest.

    The gradient share is the base run's evaluations (tuning included) x its time per evaluation
    over its CPU seconds (chains included); the rest (the sampler's own work, pm.sample's compile
    and start-up) is what the wall-time ratio leaves after the gradient part, round by round, so it
    gets an interval too. Parallel efficiency is taken as unchanged. Which part moved is judged as the
    verdicts are: the time per evaluation by its gradient benchmark's verdict, the rest by its test under
    Benjamini-Hochberg over the split's rows and a sampling run's floor (the rest's seconds for the run's).
    """
    evals_base, evals_head = _values(pairs, GRAD_EVALS_TOTAL, "base"), _values(pairs, GRAD_EVALS_TOTAL, "head")
    cpu_base = _values(pairs, TRACKED + "cpu_seconds", "base")
    # the gradient and the sampling runs as timed in adjacent processes where the review has them
    gradient = _preferring(speed, "gradient", adjacent.KIND).set_index(["model", "backend"])
    runs = _preferring(speed, "sampling", adjacent.SAMPLING_KIND)
    rows = []
    for _, run in runs.iterrows():
        key = (run["model"], run["backend"])
        row = {"model": run["model"], "backend": run["backend"], "wall": run["ratio"], "wall_low": run["low"],
               "wall_high": run["high"], "evals": math.nan, "per_eval": math.nan, "per_eval_low": math.nan,
               "per_eval_high": math.nan, "share": math.nan, "rest": math.nan, "rest_low": math.nan,
               "rest_high": math.nan, "rest_p": math.nan, "rest_floor": math.nan, "per_eval_verdict": "same",
               "rest_verdict": "same"}
        if key in evals_base.index and key in evals_head.index:
            row["evals"] = evals_head[key] / evals_base[key]
        if key in gradient.index:
            grad = gradient.loc[key]
            row.update(per_eval=grad["ratio"], per_eval_low=grad["low"], per_eval_high=grad["high"],
                       per_eval_verdict=grad.get("verdict", "same"))
            if key in cpu_base.index and key in evals_base.index and cpu_base[key] > 0:
                share = min(evals_base[key] * grad["value_base"] / cpu_base[key], 1.0)
                row["share"] = share
                if share < 0.95:
                    # round by round where the gradient was timed in the same rounds (asv's); else (adjacent
                    # processes, rounds of their own) its ratio as one figure: its interval is a fraction of the run's
                    same_rounds = ((grad["kind"], run["kind"]) == ("gradient", "sampling")
                                   and len(grad["log_ratios"]) == len(run["log_ratios"]))
                    per_eval = np.exp(grad["log_ratios"]) if same_rounds else grad["ratio"]
                    rest = (np.exp(run["log_ratios"]) - share * row["evals"] * per_eval) / (1 - share)
                    estimate = stats.estimate(np.log(rest)) if np.all(rest > 0) else None
                    if estimate is not None:
                        row.update(rest=estimate.ratio, rest_low=estimate.low, rest_high=estimate.high,
                                   rest_p=estimate.p, rest_floor=run_floor((1 - share) * run["value_base"]))
        rows.append(row)
    tested = [index for index, row in enumerate(rows) if math.isfinite(row["rest_p"])]
    for index, q in zip(tested, stats.adjusted([rows[index]["rest_p"] for index in tested])):
        rows[index]["rest_verdict"] = stats.verdict(rows[index]["rest"], q, rows[index]["rest_floor"])
    for row in rows:
        row["moved"] = _moved_parts(row)
    return pd.DataFrame(rows)


def _moved_parts(row: dict) -> str:
    parts = []
    if math.isfinite(row["evals"]) and abs(row["evals"] - 1) > EXACT:
        parts.append("gradient evaluations")
    if row["per_eval_verdict"] != "same":
        parts.append("time per evaluation")
    if row["rest_verdict"] != "same":
        parts.append("the sampler's own work")
    return ", ".join(parts) or "none beyond the noise"


def wrong_posteriors(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs whose posterior means stray from the reference beyond what Monte Carlo error allows."""
    from benchmarks.common import parse_case

    rows = []
    errors = ran_on_both(pairs, [REFERENCE_ERROR])
    for _, row in errors.iterrows():
        spec, size = parse_case(row["model"])
        reference = spec.reference(size)
        ess = pairs[(pairs["benchmark"] == TRACKED + "ess_bulk_min") & (pairs["model"] == row["model"])
                    & (pairs["backend"] == row["backend"])]
        if reference is None or ess.empty:
            continue
        ess_reference = reference.get("diagnostics", {}).get("ess_bulk_min")
        tolerance = {side: stats.posterior_tolerance(ess[f"value_{side}"].iloc[0], ess_reference, len(reference["summary"]))
                     for side in ("base", "head")}
        rows.append({"model": row["model"], "backend": row["backend"], "error_base": row["value_base"],
                     "error_head": row["value_head"], "tolerance_base": tolerance["base"],
                     "tolerance_head": tolerance["head"],
                     "wrong_base": row["value_base"] > tolerance["base"], "wrong_head": row["value_head"] > tolerance["head"]})
    return pd.DataFrame(rows, columns=["model", "backend", "error_base", "error_head", "tolerance_base",
                                       "tolerance_head", "wrong_base", "wrong_head"])


def markdown_table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    shown = frame[list(columns)].rename(columns=columns)
    return shown.to_markdown(index=False, floatfmt=".3g")


@dataclass(frozen=True)
class PairedReview:
    """What interleaved rounds add to a review (reporting/paired.py)."""

    speed: pd.DataFrame  # per benchmark, judged
    aggregates: pd.DataFrame  # per family and kind, judged
    split: pd.DataFrame  # where a sampling run's time went
    canary: stats.Estimate | None
    posterior: pd.DataFrame  # reference errors against their tolerance
    canary_in_duets: bool = False  # timed in the duets' processes beside the cases, not in asv's rounds
    uneven: list[str] = field(default_factory=list)  # duet rounds not judged: a backend's canary ran unevenly
    budget_stops: list[str] = field(default_factory=list)  # adjacent rounds cut short by their budget
    duets: list[str] = field(default_factory=list)  # adjacent kinds whose sides' processes ran at once


def ratio_text(ratio: float, low: float, high: float) -> str:
    return f"{ratio:.3f} [{low:.3f}, {high:.3f}]"


def _judged_rows(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.assign(benchmark=rows["benchmark"].str.rsplit(".", n=1).str[-1],
                       interval=[ratio_text(r, lo, hi) for r, lo, hi in zip(rows["ratio"], rows["low"], rows["high"])])


def _headline(base: Side, head: Side, wrong: int, slower: int, new_failures: int, algorithmic: int, faster: int,
              paired: bool, more_instructions: int = 0, slower_families: int = 0, missed: list[str] = ()) -> str:
    of_them = f" ({slower_families} of them family aggregates)" if slower_families else ""
    harms = [f"{slower} slower{'' if paired else ' beyond threshold'}{of_them}", f"{new_failures} new failures"]
    if more_instructions:
        harms.append(f"{more_instructions} backends with more instructions")
    if wrong:
        verdict = f"**Wrong posterior**: {wrong} runs' means beyond their reference; " + ", ".join(harms)
    elif slower or new_failures or more_instructions:
        verdict = "**Worse**: " + ", ".join(harms)
    elif algorithmic:
        verdict = "**Algorithmic change**: the sampler behaves differently, speed within " + (
            "the noise" if paired else "thresholds")
    elif missed:
        verdict = ("**Inconclusive**: no change beyond the measured noise, but the smallest change it could detect "
                   "missed its goal: " + "; ".join(missed))
    else:
        verdict = "**No change** beyond the measured noise"
    if algorithmic and (wrong or slower or new_failures or more_instructions):
        verdict += "; the sampler's behaviour changed too"
    if faster:
        verdict += f"; {faster} faster"
    return f"{verdict} ({base.commit[:10]} → {head.commit[:10]})"


def _percent(values) -> list[str]:
    return [f"{value:.1%}" if math.isfinite(value) else "n/a" for value in values]


def _paired_intro(review: PairedReview) -> list[str]:
    parts = []
    speed, aggregates = review.speed, review.aggregates
    both = pd.concat([speed[["kind", "rounds"]], aggregates[["kind", "rounds"]]])
    timed = {"in asv's interleaved rounds": ~both["kind"].isin([adjacent.KIND, adjacent.SAMPLING_KIND]),
             "of adjacent processes (the gradient)": both["kind"] == adjacent.KIND,
             "of adjacent processes (the sampling runs)": both["kind"] == adjacent.SAMPLING_KIND}
    judged = [f"{', '.join(map(str, sorted(set(both.loc[rows, 'rounds']))))} {where}"
              for where, rows in timed.items() if rows.any()]
    parts += ["", f"Paired rounds judged a side: {'; '.join(judged) or 'none'} (the first round warms the caches "
                  f"and is not judged). Ratios head/base with "
                  f"{stats.CONFIDENCE:.0%} t intervals over the rounds' log ratios; flagged where the p-value, "
                  f"adjusted over this report's {len(speed) + len(aggregates)} tests (Benjamini-Hochberg), is "
                  f"below {stats.FDR} and the change is at least {stats.BENCHMARK_FLOOR:.0%} (a benchmark, and a "
                  f"sampling run's at least {stats.RUN_FLOOR * 1000:g} ms too; {stats.FLOOR:.0%} for a family "
                  f"aggregate)."]
    if review.duets:
        parts += ["", f"Timed as duets ({', '.join(review.duets)}): in each round a process per side, all alive at "
                      "once, each case's samples taken side after side (the order reversed from sample to sample "
                      "and round to round), so that the host's moments fall on the sides alike."]
    if review.budget_stops:
        parts += ["", "Cut short by the review's budget (fewer rounds: a larger smallest detectable change below): "
                      + "; ".join(review.budget_stops) + "."]
    if review.canary is not None:
        c = review.canary
        moved = abs(c.ratio - 1) >= stats.FLOOR and (c.low > 1 or c.high < 1)
        still = 1 - CANARY_STILL <= c.low and c.high <= 1 + CANARY_STILL
        where, alike, differ = (("timed in the duets, in each side's own process beside the cases",
                                 "the sides' processes ran at one speed", "the sides' processes ran at different speeds")
                                if review.canary_in_duets else
                                ("timed in asv's rounds", "the host held still between the sides",
                                 "the host itself moved between the sides"))
        parts += ["", f"Host canary (fixed pure-Python work, no PyMC; {where}): {ratio_text(c.ratio, c.low, c.high)}"
                      + (f": **{differ}**; a shift of that size shared by every series is the machine's, not PyMC's."
                         if moved else
                         f": {alike}, within its interval ({c.low - 1:+.1%} to {c.high - 1:+.1%})." if still else
                         f": **too noisy to tell whether {alike}** (its interval spans {c.low - 1:+.1%} to "
                         f"{c.high - 1:+.1%}): the host's moments differed between the sides.")]
    if review.uneven:
        parts += ["", f"Rounds not judged, for any case: a backend's canary ran more than {adjacent.UNEVEN:.0%} faster "
                      "in one side's process than in the other's (that process ran at another speed for the whole "
                      "round, every case with it): " + "; ".join(review.uneven) + "."]
    return parts


def _paired_sections(review: PairedReview) -> list[str]:
    parts = []
    speed, aggregates = review.speed, review.aggregates
    columns = {"family": "family", "kind": "kind", "cases": "cases", "interval": "ratio [95 % interval]",
               "p_adjusted": "adjusted p", "verdict": "verdict", "detectable": "detectable"}
    parts += ["", f"### Family aggregates ({len(aggregates)})",
              "The geometric-mean ratio over a family's model cases, tested round by round: a change of the "
              "shared sampler shows here even where each benchmark alone is inside its noise."]
    if len(aggregates):
        shown = aggregates.assign(interval=[ratio_text(r, lo, hi) for r, lo, hi in
                                            zip(aggregates["ratio"], aggregates["low"], aggregates["high"])],
                                  detectable=_percent(aggregates["detectable"]))
        parts.append(markdown_table(shown.sort_values(["kind", "family"]), columns))
    split = review.split
    parts += ["", f"### Where the sampling time went ({len(split)})",
              "wall ≈ gradient evaluations x time per evaluation + the rest (the sampler's own work, pm.sample's "
              "compile and start-up); the gradient share is the base run's evaluations x time per evaluation over "
              "its CPU seconds. Ratios head/base. What moved: the gradient evaluations (exact), the time per "
              "evaluation where its benchmark's verdict says so, the rest where its test passes the report's "
              "false-discovery control over these rows and it moved as much as a sampling run must to be flagged."]
    if len(split):
        shown = split.assign(
            wall=[ratio_text(r, lo, hi) for r, lo, hi in zip(split["wall"], split["wall_low"], split["wall_high"])],
            per_eval=[ratio_text(r, lo, hi) if math.isfinite(r) else "n/a"
                      for r, lo, hi in zip(split["per_eval"], split["per_eval_low"], split["per_eval_high"])],
            rest=[ratio_text(r, lo, hi) if math.isfinite(r) else "n/a"
                  for r, lo, hi in zip(split["rest"], split["rest_low"], split["rest_high"])])
        parts.append(markdown_table(shown.sort_values(["backend", "model"]),
                                    {"model": "model", "backend": "backend", "wall": "wall", "evals": "gradient evaluations",
                                     "per_eval": "time per evaluation", "share": "gradient share", "rest": "the rest",
                                     "moved": "what moved"}))
    parts += ["", "### Smallest detectable change",
              f"The change a benchmark's rounds find with {stats.POWER:.0%} power at a 5 % two-sided level, from "
              "their spread in this review (median and largest over the benchmarks of a kind; the goals are judged "
              "on the median). Flagged from: the change flagged with that power once it also passes the floor a "
              f"verdict needs (a benchmark {stats.BENCHMARK_FLOOR:.0%}, a sampling run also "
              f"{stats.RUN_FLOOR * 1e3:.0f} ms, a family aggregate {stats.FLOOR:.0%}: offsets two builds of one "
              "commit were seen to take), median over the kind: below it a change is flagged in fewer reviews."]
    kinds = detectable_by_kind(review)
    if len(kinds):
        parts.append(kinds.to_markdown(index=False, floatfmt=".1%"))
    return parts


LONG_RUNS = f"sampling, runs ≥ {LONG_RUN:g} s"
LONG_ADJACENT = f"{adjacent.SAMPLING_KIND}, runs ≥ {LONG_RUN:g} s"
# The goals for the smallest detectable change (80 % power, 5 % level), per kind, however it was timed;
# the sampling runs shorter than LONG_RUN and the compile have none. A review that misses one cannot say "no change".
GOALS = {"gradient": 0.03, adjacent.KIND: 0.03, LONG_RUNS: 0.10, LONG_ADJACENT: 0.10, "family aggregates": 0.03}
# A canary interval reaching further than this from 1 cannot vouch that the host held still.
CANARY_STILL = 0.10


def missed_goals(kinds: pd.DataFrame) -> list[str]:
    """The kinds whose smallest detectable change (median) is above its goal, as "kind 13.7% (goal 3%)"."""
    return [f"{kind} {median:.1%} (goal {GOALS[kind]:.0%})" for kind, median in zip(kinds["kind"], kinds["median"])
            if kind in GOALS and not (math.isfinite(median) and median <= GOALS[kind])]


def detectable_by_kind(review: PairedReview) -> pd.DataFrame:
    """The smallest detectable change per benchmark kind: median and largest over its benchmarks."""
    speed, aggregates = review.speed, review.aggregates
    kinds = []
    long_runs = speed["value_base"] >= LONG_RUN
    for label, rows in [("gradient", speed[speed["kind"] == "gradient"]),
                        (LONG_RUNS, speed[(speed["kind"] == "sampling") & long_runs]),
                        (f"sampling, runs < {LONG_RUN:g} s", speed[(speed["kind"] == "sampling") & ~long_runs]),
                        (LONG_ADJACENT, speed[(speed["kind"] == adjacent.SAMPLING_KIND) & long_runs]),
                        (f"{adjacent.SAMPLING_KIND}, runs < {LONG_RUN:g} s",
                         speed[(speed["kind"] == adjacent.SAMPLING_KIND) & ~long_runs]),
                        ("compile", speed[speed["kind"] == "compile"]),
                        (adjacent.KIND, speed[speed["kind"] == adjacent.KIND]),
                        ("family aggregates", aggregates)]:
        if len(rows):
            kinds.append({"kind": label, "benchmarks": len(rows), "median": rows["detectable"].median(),
                          "largest": rows["detectable"].max(), "flagged from": rows["flagged_from"].median(),
                          "goal": f"{GOALS[label]:.0%}" if label in GOALS else "none"})
    return pd.DataFrame(kinds, columns=["kind", "benchmarks", "median", "largest", "flagged from", "goal"])


def render(base: Side, head: Side, speed: pd.DataFrame, algorithmic: pd.DataFrame, statuses: pd.DataFrame,
           thresholds: Thresholds, apart: pd.Timedelta = pd.Timedelta(0),
           review: PairedReview | None = None, instructions: pd.DataFrame | None = None) -> tuple[str, bool]:
    """The markdown report and whether anything got worse (wrong posterior, slower, new failure).

    `speed` holds the metrics judged by the A/A thresholds; with `review` (interleaved rounds) the
    timed benchmarks are judged by their rounds and `speed`'s single-run metrics are only listed.
    """
    new_failures = statuses[(statuses["status_head"] == "failed") & (statuses["status_base"] != "failed")]
    if review is not None:
        judged = pd.concat([review.speed, review.aggregates.assign(model="(all cases)", backend=review.aggregates["family"],
                                                                  benchmark=review.aggregates["kind"])])
        slower, faster = judged[judged["verdict"] == "slower"], judged[judged["verdict"] == "faster"]
        posterior = review.posterior
        wrong = posterior[posterior["wrong_head"] & ~posterior["wrong_base"]]
    else:
        slower, faster = speed[speed["verdict"] == "slower"], speed[speed["verdict"] == "faster"]
        wrong = pd.DataFrame()
    counted = instructions is not None and not instructions.empty
    verdicts = instruction_verdicts(instructions) if counted else None
    more = verdicts.loc[verdicts["verdict"] == "more", "backend"].nunique() if counted else 0
    worse = bool(len(wrong) or len(slower) or len(new_failures) or more)
    slower_families = int((slower["model"] == "(all cases)").sum()) if review is not None else 0
    missed = missed_goals(detectable_by_kind(review)) if review is not None else []
    parts = [_headline(base, head, len(wrong), len(slower), len(new_failures), len(algorithmic), len(faster),
                       review is not None, more, slower_families, missed), ""]
    parts.append(f"Thresholds from the A/A noise run on {thresholds.machine} (relative + absolute)"
                 + (", for the metrics measured once a side" if review is not None else "") + ": "
                 + ", ".join(f"{family} {threshold}" for family, threshold in sorted(thresholds.by_family.items())))
    if review is not None:
        parts += _paired_intro(review)
    if thresholds.machine != head.machine:
        parts += ["", f"**Note**: these results are from {head.machine}, where no A/A run was measured; "
                      f"the thresholds are {thresholds.machine}'s (`make noise` there measures its own)."]
    if apart > APART:
        parts += ["", f"**Note**: base and head were measured {apart.total_seconds() / 3600:.0f} h apart; the thresholds "
                      "hold for runs back to back, and a host's load moves from day to day. `make continuous` "
                      "measures both afresh."]
    if review is not None:
        posterior = review.posterior
        parts += ["", f"### Wrong posterior ({len(wrong)})",
                  "Largest posterior-mean error against the reference, in reference sds; tolerance 0.3 sds plus the "
                  "run's and the reference's Monte Carlo error (their smallest bulk ESS), at 0.1 % over the "
                  "reference's parameters."]
        if len(posterior):
            parts.append(markdown_table(posterior.sort_values(["model", "backend"]),
                                        {"model": "model", "backend": "backend", "error_base": "base error",
                                         "tolerance_base": "base tolerance", "error_head": "head error",
                                         "tolerance_head": "head tolerance", "wrong_head": "head wrong"}))
        columns = {"model": "model", "backend": "backend", "benchmark": "benchmark", "value_base": "base",
                   "value_head": "head", "interval": "ratio [95 % interval]", "p_adjusted": "adjusted p"}
        for title, rows in [("Slower", slower), ("Faster", faster)]:
            parts += ["", f"### {title} ({len(rows)})"]
            if len(rows):
                parts.append(markdown_table(_judged_rows(rows).sort_values("ratio", ascending=title == "Faster"), columns))
        parts += _paired_sections(review)
        beyond = speed[speed["verdict"] != "same"]
        parts += ["", f"### Measured once a side, beyond the A/A threshold ({len(beyond)})",
                  "CPU seconds, compile seconds and peak memory come from one run a side: no interval, no test, "
                  "not part of the verdict."]
        if len(beyond):
            parts.append(markdown_table(beyond.assign(benchmark=beyond["benchmark"].str.rsplit(".", n=1).str[-1]),
                                        {"model": "model", "backend": "backend", "benchmark": "benchmark",
                                         "value_base": "base", "value_head": "head", "ratio": "ratio"}))
    else:
        columns = {"model": "model", "backend": "backend", "benchmark": "benchmark", "value_base": "base",
                   "value_head": "head", "ratio": "ratio", "significant": "significant"}
        for title, rows in [("Slower", slower), ("Faster", faster)]:
            parts += ["", f"### {title} ({len(rows)})"]
            if len(rows):
                rows = rows.assign(benchmark=rows["benchmark"].str.rsplit(".", n=1).str[-1],
                                   significant=rows["significant"].map({True: "yes", False: "no", None: "n/a"}))
                parts.append(markdown_table(rows.sort_values("ratio", ascending=title == "Faster"), columns))
    if counted:
        parts += _instruction_section(instructions, verdicts)
    parts += ["", f"### Algorithmic changes ({len(algorithmic)})",
              "ESS, gradient evaluations, divergences, R-hat and reference error are identical for a commit "
              "under fixed seeds; a change here is a change in what the sampler does."]
    if len(algorithmic):
        parts.append(markdown_table(algorithmic.sort_values(["model", "backend", "metric"]),
                                    {"model": "model", "backend": "backend", "metric": "metric", "value_base": "base",
                                     "value_head": "head", "change": "relative change"}))
    parts += ["", f"### Failures and skips that changed ({len(statuses)})"]
    if len(statuses):
        parts.append(markdown_table(statuses.assign(benchmark=statuses["benchmark"].str.rsplit(".", n=1).str[-1]),
                                    {"model": "model", "backend": "backend", "benchmark": "benchmark",
                                     "status_base": "base", "status_head": "head"}))
    return "\n".join(parts) + "\n", worse


def paired_review(pairs: pd.DataFrame) -> PairedReview | None:
    """The rounds' verdicts, where both sides were measured in judged rounds; None otherwise."""
    speed = paired_speed(pairs)
    if speed.empty:
        return None
    speed, aggregates = judge(speed, family_aggregates(speed))
    host, in_duets = canary(pairs)
    return PairedReview(speed, aggregates, time_split(pairs, speed), host, wrong_posteriors(pairs), in_duets)


def review_pairs(results_dir: Path, base: Side, head: Side, bench: list[str] | None = None,
                 adjacent_files: list[tuple[str, dict]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Both sides' rows (one machine), and their selected benchmarks paired, with judged rounds. `adjacent_files`:
    adjacent.read(results_dir), where the caller has read them already."""
    base_rows, head_rows = one_machine_rows(Path(results_dir), base, head)
    pairs = with_rounds(selected(paired(base_rows, head_rows), bench), samples_per_round(results_dir))
    files = adjacent.read(results_dir) if adjacent_files is None else adjacent_files
    adjacent_pairs = adjacent.review_pairs(files, base_rows["commit"].iloc[0], head_rows["commit"].iloc[0])
    if not adjacent_pairs.empty:
        pairs = pd.concat([pairs, adjacent_pairs], ignore_index=True)
    return base_rows, head_rows, pairs


def compare(results_dir: Path, base: Side, head: Side, thresholds_path: Path | None = None,
            bench: list[str] | None = None) -> tuple[str, bool]:
    """The report; thresholds from thresholds_path, or (None) those of the machine the results are from."""
    files = adjacent.read(results_dir)
    base_rows, head_rows, pairs = review_pairs(results_dir, base, head, bench, files)
    base = Side(base_rows["commit"].iloc[0], base_rows["machine"].iloc[0])
    head = Side(head_rows["commit"].iloc[0], head_rows["machine"].iloc[0])
    thresholds = load_thresholds(thresholds_path or thresholds_for(head.machine))
    review = paired_review(pairs)
    single = pairs
    if review is not None:  # the timed benchmarks are judged by their rounds; seconds per ESS is their copy
        review = replace(review, budget_stops=adjacent.budget_stops(files), duets=adjacent.duets(files),
                         uneven=adjacent.uneven_notes(files, base.commit, head.commit))
        single = pairs[~pairs["benchmark"].isin([*PAIRED_KINDS, TRACKED + "seconds_per_ess"])]
    return render(base, head, speed_changes(single, thresholds.by_family), algorithmic_changes(pairs),
                  status_changes(pairs), thresholds, measured_apart(base_rows, head_rows), review,
                  instruction_changes(pairs))


def main(args) -> int:
    base = Side(args.base, args.machine)
    head = Side(args.head, args.machine)
    try:
        markdown, worse = compare(Path(args.results), base, head, args.thresholds and Path(args.thresholds), args.bench)
    except SystemExit as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.out:
        Path(args.out).write_text(markdown)
    print(markdown)
    return 1 if worse else 0


def add_arguments(parser) -> None:
    parser.add_argument("base", help="base commit (hash prefix)")
    parser.add_argument("head", help="head commit (hash prefix)")
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", default=None, help="asv machine name of the results")
    parser.add_argument("--thresholds", default=None,
                        help=f"thresholds file (default: {THRESHOLDS_DIR.name}/<machine>.json of the results' machine)")
    parser.add_argument("--out", default=None, help="also write the markdown here")
    parser.add_argument("--bench", action="append", default=None,
                        help="asv's --bench regex of the run (repeatable): review only what it measured")
