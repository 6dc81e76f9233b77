"""`make noise`: the A/A control. The same code measured twice; its spread sets compare's thresholds.

    python -m reporting noise BASE HEAD [--machine M] [--write [FILE]]

BASE and HEAD hold the same code: a release and the mirror's empty ``aa`` commit on top of it
(scripts/inject_changes.py), each run in full, one after the other.

Per family of speed benchmark: how far head/base strays from 1 (median, 90th percentile, largest).
A family's threshold has two parts, as noise has: relative, 1.5 x the 90th percentile of the
relative deviations (rounded up to 5 %), and absolute, 1.5 x the largest excess of any A/A pair
over the relative part (the jitter of short runs, in the metric's unit). Every A/A pair then lies
inside its threshold, by construction, and a real change must exceed what the machine alone
produced. Algorithmic metrics must be identical; the report says whether they are. Each machine
has its own thresholds: --write puts them in reporting/thresholds/<machine>.json.
"""

from __future__ import annotations

import json
import math
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from reporting.compare import (
    ALGORITHMIC,
    SPEED_FAMILIES,
    Side,
    algorithmic_changes,
    one_machine_rows,
    paired,
    ran_on_both,
    speed_pairs,
    thresholds_file,
)

MARGIN = 1.5
STEP = 0.05


def spread(pairs: pd.DataFrame) -> pd.DataFrame:
    ran = speed_pairs(pairs)
    ran["deviation"] = (ran["value_head"] / ran["value_base"] - 1).abs()
    table = ran.groupby("family")["deviation"].agg(
        pairs="count", median="median", p90=lambda d: d.quantile(0.9), largest="max")
    table["relative"] = [max(STEP, math.ceil(round(MARGIN * p90 / STEP, 6)) * STEP) for p90 in table["p90"]]
    excess = (ran["value_head"] - ran["value_base"]).abs() - ran["family"].map(table["relative"]) * ran["value_base"]
    table["absolute"] = (MARGIN * excess.clip(lower=0).groupby(ran["family"]).max()).map(lambda a: float(f"{a:.2g}"))
    return table


def thresholds_of(table: pd.DataFrame) -> dict[str, dict[str, float]]:
    return {family: {"relative": round(float(row["relative"]), 2), "absolute": float(row["absolute"])}
            for family, row in table.iterrows()}


def main(args) -> int:
    base_rows, head_rows = one_machine_rows(Path(args.results), Side(args.base, args.machine),
                                            Side(args.head, args.machine))
    pairs = paired(base_rows, head_rows)
    table = spread(pairs)
    missing = sorted(set(SPEED_FAMILIES.values()) - set(table.index))
    if missing:
        raise SystemExit(f"no A/A pairs measured on both sides for {', '.join(missing)}: no threshold for them")
    algorithmic = ran_on_both(pairs, ALGORITHMIC)
    changed = algorithmic_changes(pairs)
    commits = [rows["commit"].iloc[0] for rows in (base_rows, head_rows)]
    machine = base_rows["machine"].iloc[0]
    print(f"A/A: {commits[0][:10]} vs {commits[1][:10]} on {machine}\n")
    print(table.to_markdown(floatfmt=".3f"))
    print(f"\nalgorithmic metrics: {len(algorithmic) - len(changed)} of {len(algorithmic)} identical")
    if len(changed):
        print(changed[["model", "backend", "metric", "value_base", "value_head"]].to_markdown(index=False))
    if args.write is not None:
        path = Path(args.write) if args.write else thresholds_file(machine)
        document = {
            "measured": str(date.today()),
            "commits": commits,
            "machine": machine,
            "rule": f"relative: {MARGIN} x the 90th percentile of |head/base - 1|, rounded up to {STEP:.0%}; "
                    f"absolute: {MARGIN} x the largest A/A excess over the relative part",
            "spread": table[["pairs", "median", "p90", "largest"]].round(4).to_dict(orient="index"),
            "algorithmic_identical": f"{len(algorithmic) - len(changed)} of {len(algorithmic)}",
            "thresholds": thresholds_of(table),
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=1) + "\n")
        print(f"\nthresholds written to {path}", file=sys.stderr)
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("base", help="first commit (hash prefix)")
    parser.add_argument("head", help="second commit with the same code (hash prefix)")
    parser.add_argument("--results", default="results")
    parser.add_argument("--machine", default=None, help="asv machine name of the results")
    parser.add_argument("--write", nargs="?", const="", default=None,
                        help="write the thresholds (default path reporting/thresholds/<machine>.json)")
