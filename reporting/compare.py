"""`make compare`: what changed between two commits, as markdown a reviewer pastes into a PR.

    python -m reporting compare BASE HEAD [--machine M] [--results results]
                                          [--thresholds FILE] [--out report.md]

Speed metrics (times, costs, memory) are judged against per-family thresholds measured by an A/A
run on the results' machine (reporting/thresholds/<machine>.json; another machine's, said so in the
report, where that one has none): a change counts when |head - base| exceeds relative x base plus
absolute (the family's jitter, in its unit), and, where asv has finite 99% intervals for both
sides (the gradient micro-benchmark; a single timed run has none), the intervals do not overlap. Algorithmic metrics (ESS, gradient evaluations, divergences,
R-hat, reference error) are exactly reproducible for a commit under fixed seeds on one host, so any
change in them is a change of the sampler's behaviour, reported apart from speed. Both sides must come
from one machine: another host differs in speed and, where code is compiled for its CPU (Numba,
XLA), in the chains themselves; sides measured more than 12 h apart get a note (a host's load moves
from day to day). Exit status: 0 when nothing
got worse beyond its threshold, 1 when something did (a slowdown or a new failure), 2 on bad input.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reporting.results import GRADIENT, TRACKED, WALL, result_files, select_commit, tidy

THRESHOLDS_DIR = Path(__file__).with_name("thresholds")
COLD_COMPILE = "compile.CompileCold.track_compile_cold_seconds"

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
    "sampling.SamplingReference.track_reference_error": "reference error (sds)",
}
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


def side_rows(results_dir: Path, side: Side) -> pd.DataFrame:
    rows = select_commit(tidy(result_files(results_dir, side.machine)), side.commit)
    if rows["machine"].nunique() > 1:
        raise SystemExit(f"commit {side.commit} has results on several machines "
                         f"({', '.join(sorted(rows['machine'].unique()))}): choose one with --machine")
    return rows


def one_machine_rows(results_dir: Path, base: Side, head: Side) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both sides' rows, refused unless they come from one machine."""
    base_rows, head_rows = side_rows(results_dir, base), side_rows(results_dir, head)
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
    columns = keys + ["value", "status", "ci_low", "ci_high"]
    return base[columns].merge(head[columns], on=keys, how="outer", suffixes=("_base", "_head"))


def ran_on_both(pairs: pd.DataFrame, benchmarks) -> pd.DataFrame:
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
    timed = pairs[pairs["benchmark"].isin([WALL, GRADIENT, COLD_COMPILE])].copy()
    timed[["status_base", "status_head"]] = timed[["status_base", "status_head"]].fillna("absent")
    return timed[timed["status_base"] != timed["status_head"]]


def _table(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    shown = frame[list(columns)].rename(columns=columns)
    return shown.to_markdown(index=False, floatfmt=".3g")


def render(base: Side, head: Side, speed: pd.DataFrame, algorithmic: pd.DataFrame, statuses: pd.DataFrame,
           thresholds: Thresholds, apart: pd.Timedelta = pd.Timedelta(0)) -> tuple[str, bool]:
    """The markdown report and whether anything got worse beyond its threshold."""
    slower = speed[speed["verdict"] == "slower"]
    faster = speed[speed["verdict"] == "faster"]
    new_failures = statuses[(statuses["status_head"] == "failed") & (statuses["status_base"] != "failed")]
    worse = bool(len(slower) or len(new_failures))
    parts = []
    if worse:
        verdict = f"**Worse**: {len(slower)} slower beyond threshold, {len(new_failures)} new failures"
    elif len(algorithmic):
        verdict = "**Algorithmic change**: the sampler behaves differently, speed within thresholds"
    else:
        verdict = "**No change** beyond the measured noise"
    if len(algorithmic) and worse:
        verdict += "; the sampler's behaviour changed too"
    if len(faster):
        verdict += f"; {len(faster)} faster"
    parts.append(f"{verdict} ({base.commit[:10]} → {head.commit[:10]})")
    parts.append("")
    parts.append(f"Thresholds from the A/A noise run on {thresholds.machine} (relative + absolute): "
                 + ", ".join(f"{family} {threshold}" for family, threshold in sorted(thresholds.by_family.items())))
    if thresholds.machine != head.machine:
        parts += ["", f"**Note**: these results are from {head.machine}, where no A/A run was measured; "
                      f"the thresholds are {thresholds.machine}'s (`make noise` there measures its own)."]
    if apart > APART:
        parts += ["", f"**Note**: base and head were measured {apart.total_seconds() / 3600:.0f} h apart; the thresholds "
                      "hold for runs back to back, and a host's load moves from day to day. `make continuous` "
                      "measures both afresh."]

    columns = {"model": "model", "backend": "backend", "benchmark": "benchmark", "value_base": "base",
               "value_head": "head", "ratio": "ratio", "significant": "significant"}
    for title, rows in [("Slower", slower), ("Faster", faster)]:
        parts += ["", f"### {title} ({len(rows)})"]
        if len(rows):
            rows = rows.assign(benchmark=rows["benchmark"].str.rsplit(".", n=1).str[-1],
                               significant=rows["significant"].map({True: "yes", False: "no", None: "n/a"}))
            parts.append(_table(rows.sort_values("ratio", ascending=title == "Faster"), columns))
    parts += ["", f"### Algorithmic changes ({len(algorithmic)})",
              "ESS, gradient evaluations, divergences, R-hat and reference error are identical for a commit "
              "under fixed seeds; a change here is a change in what the sampler does."]
    if len(algorithmic):
        parts.append(_table(algorithmic.sort_values(["model", "backend", "metric"]),
                            {"model": "model", "backend": "backend", "metric": "metric", "value_base": "base",
                             "value_head": "head", "change": "relative change"}))
    parts += ["", f"### Failures and skips that changed ({len(statuses)})"]
    if len(statuses):
        parts.append(_table(statuses.assign(benchmark=statuses["benchmark"].str.rsplit(".", n=1).str[-1]),
                            {"model": "model", "backend": "backend", "benchmark": "benchmark",
                             "status_base": "base", "status_head": "head"}))
    return "\n".join(parts) + "\n", worse


def compare(results_dir: Path, base: Side, head: Side, thresholds_path: Path | None = None) -> tuple[str, bool]:
    """The report; thresholds from thresholds_path, or (None) those of the machine the results are from."""
    base_rows, head_rows = one_machine_rows(results_dir, base, head)
    base = Side(base_rows["commit"].iloc[0], base_rows["machine"].iloc[0])
    head = Side(head_rows["commit"].iloc[0], head_rows["machine"].iloc[0])
    thresholds = load_thresholds(thresholds_path or thresholds_for(head.machine))
    pairs = paired(base_rows, head_rows)
    return render(base, head, speed_changes(pairs, thresholds.by_family), algorithmic_changes(pairs), status_changes(pairs),
                  thresholds, measured_apart(base_rows, head_rows))


def main(args) -> int:
    base = Side(args.base, args.machine)
    head = Side(args.head, args.machine)
    try:
        markdown, worse = compare(Path(args.results), base, head, args.thresholds and Path(args.thresholds))
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
