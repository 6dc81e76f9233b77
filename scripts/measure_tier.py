"""Run one tier at one commit, one model case at a time, and keep each case's wall time.

    python scripts/measure_tier.py COMMIT --machine NAME [--results DIR] [--cases CASE ...] -- ASV_RUN_FLAGS...

A tier that takes hours (the full tier here) is run in pieces that survive an interrupted
session: each case is one `asv run` over every benchmark of that case, and its duration goes
into <results>/<machine>/durations.json once the piece has finished. A case already
there for this commit is not run again (delete its entry to measure it again, e.g. after the
asv matrix changed); the ledger's sum over the tier's cases is the tier's duration.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import TIER_NAME, model_cases  # noqa: E402


# asv run's exit status: 0 all ok, 2 some benchmark failed (that is recorded: a result). Anything
# else is asv itself failing (no environment, no commit): the case is not measured.
MEASURED = (0, 2)


def ledger_path(results_dir: Path, machine: str) -> Path:
    return results_dir / machine / "durations.json"


def load_ledger(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def save_ledger(path: Path, ledger: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(ledger, indent=1, sort_keys=True) + "\n")
    tmp.replace(path)


def case_selection(case: str) -> str:
    """asv's --bench regex for every benchmark of one model case (asv matches name(params))."""
    return rf"\('{case}', "


def run_case(asv: list[str], flags: list[str], commit: str, case: str) -> tuple[float, int]:
    started = time.monotonic()
    # No --skip-existing: asv skips a benchmark that has a result for any parameters, so after the
    # first case it would skip every other one. The ledger is what resumes.
    exit_code = subprocess.call([*asv, "run", *flags, "--bench", case_selection(case), f"{commit}^!"])
    return time.monotonic() - started, exit_code


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the full hash of the commit to measure")
    parser.add_argument("--machine", required=True, help="asv machine name (results/<machine>/)")
    parser.add_argument("--results", type=Path, default=ROOT / "results", help="asv results_dir")
    parser.add_argument("--cases", nargs="+", help="model cases to run, in this order (default: all of the tier)")
    parser.add_argument("--asv", default="asv", help="the asv command")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args, flags = parser.parse_args(argv[:split]), argv[split + 1:]  # after --: asv run's flags

    valid = model_cases()
    cases = args.cases or valid
    unknown = [case for case in cases if case not in valid]
    if unknown:
        parser.error(f"not model cases of tier {TIER_NAME}: {', '.join(unknown)}; valid: {', '.join(valid)}")
    if len(args.commit) != 40:
        parser.error(f"commit must be a full 40-character hash, not {args.commit!r}")

    path = ledger_path(args.results, args.machine)
    asv_failed = []
    for case in cases:
        done = load_ledger(path).get(args.commit, {}).get(case)
        if done and done["exit"] in MEASURED:
            print(f"[{case}] measured already: {done['seconds']:.0f} s", flush=True)
            continue
        print(f"[{case}] running", flush=True)
        seconds, exit_code = run_case(args.asv.split(), flags, args.commit, case)
        ledger = load_ledger(path)  # re-read: another case may have been written meanwhile
        ledger.setdefault(args.commit, {})[case] = {
            "seconds": round(seconds, 1),
            "exit": exit_code,
            "tier": TIER_NAME,
            "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
            "host_cpus": os.cpu_count(),
        }
        save_ledger(path, ledger)
        print(f"[{case}] {seconds:.0f} s, asv exit {exit_code}", flush=True)
        if exit_code not in MEASURED:
            asv_failed.append(case)
    ledger = load_ledger(path).get(args.commit, {})
    measured = {case: entry for case, entry in ledger.items() if case in valid and entry["exit"] in MEASURED}
    total = sum(entry["seconds"] for entry in measured.values())
    missing = [case for case in valid if case not in measured]
    print(f"tier {TIER_NAME} at {args.commit[:8]}: {total / 60:.1f} min measured over "
          f"{len(measured)}/{len(valid)} cases" + (f"; not yet: {', '.join(missing)}" if missing else ""))
    if asv_failed:
        print(f"asv itself failed on: {', '.join(asv_failed)} (run again to retry)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
