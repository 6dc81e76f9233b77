"""Run one tier at one commit, one model case at a time, and keep each case's wall time.

    python scripts/measure_tier.py COMMIT --machine NAME [--results DIR] [--cases CASE ...] -- ASV_RUN_FLAGS...

A tier that takes hours (the full tier here) is run in pieces that survive an interrupted
session: each case is one `asv run` over every benchmark of that case, and its duration goes
into <results>/<machine>/durations.json once the piece has finished. A case already
there for this commit is not run again (delete its entry to measure it again, e.g. after the
asv matrix changed); the ledger's sum over the tier's cases is the tier's duration.

--per-backend splits each case further, one `asv run` per (case, backend), for cases that take
longer than a session: the case's entry then holds one entry per backend and counts once every
backend has one. Each piece pays asv's start (discovery) once more than a whole-case run would.
--backends picks and orders those pieces (it implies --per-backend), e.g. to measure the pieces
a session has time for.
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

from benchmarks.common import BACKEND_NAMES, TIER_NAME, model_cases, write_json_atomically  # noqa: E402
from reporting.full_tier import MEASURED, case_measured, pieces_measured  # noqa: E402


def ledger_path(results_dir: Path, machine: str) -> Path:
    return results_dir / machine / "durations.json"


def load_ledger(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def save_ledger(path: Path, ledger: dict) -> None:
    write_json_atomically(path, ledger, sort_keys=True)


def selection(case: str, backend: str | None = None) -> str:
    """asv's --bench regex for every benchmark of one model case, or of one (case, backend).

    asv matches the regex against name(params), e.g. time_sample('gp_latent-50', 'pymc').
    """
    return rf"\('{case}', '{backend}'\)" if backend else rf"\('{case}', "


def run_piece(asv: list[str], flags: list[str], commit: str, bench: str) -> dict:
    started = time.monotonic()
    # No --skip-existing: asv skips a benchmark that has a result for any parameters, so after the
    # first case it would skip every other one. The ledger is what resumes.
    exit_code = subprocess.call([*asv, "run", *flags, "--bench", bench, f"{commit}^!"])
    return {
        "seconds": round(time.monotonic() - started, 1),
        "exit": exit_code,
        "tier": TIER_NAME,
        "finished_at": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "host_cpus": os.cpu_count(),
    }


def measure(path: Path, commit: str, case: str, backend: str | None, run) -> int | None:
    """Run one piece unless the ledger has it; returns asv's exit status, or None if skipped."""
    label = f"{case} {backend}" if backend else case
    entry = load_ledger(path).get(commit, {}).get(case) or {}
    piece = entry.get("backends", {}).get(backend) if backend else None
    done = case_measured(entry, BACKEND_NAMES) or (piece if piece and piece["exit"] in MEASURED else None)
    if done:
        print(f"[{label}] measured already: {done['seconds']:.0f} s", flush=True)
        return None
    print(f"[{label}] running", flush=True)
    piece = run(selection(case, backend))
    ledger = load_ledger(path)  # re-read: another piece may have been written meanwhile
    cases = ledger.setdefault(commit, {})
    if backend:
        previous = cases.get(case) if "backends" in cases.get(case, {}) else {"backends": {}}
        previous["backends"][backend] = piece
        cases[case] = previous
    else:
        cases[case] = piece
    save_ledger(path, ledger)
    print(f"[{label}] {piece['seconds']:.0f} s, asv exit {piece['exit']}", flush=True)
    return piece["exit"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("commit", help="the full hash of the commit to measure")
    parser.add_argument("--machine", required=True, help="asv machine name (results/<machine>/)")
    parser.add_argument("--results", type=Path, default=ROOT / "results", help="asv results_dir")
    parser.add_argument("--cases", nargs="+", help="model cases to run, in this order (default: all of the tier)")
    parser.add_argument("--per-backend", action="store_true",
                        help="one asv run per (case, backend) instead of per case")
    parser.add_argument("--backends", nargs="+",
                        help="with one asv run per (case, backend): these backends, in this order (default: all)")
    parser.add_argument("--asv", default="asv", help="the asv command")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args, flags = parser.parse_args(argv[:split]), argv[split + 1:]  # after --: asv run's flags

    valid = model_cases()
    cases = args.cases or valid
    unknown = [case for case in cases if case not in valid]
    if unknown:
        parser.error(f"not model cases of tier {TIER_NAME}: {', '.join(unknown)}; valid: {', '.join(valid)}")
    unknown = [backend for backend in args.backends or [] if backend not in BACKEND_NAMES]
    if unknown:
        parser.error(f"not backends: {', '.join(unknown)}; valid: {', '.join(BACKEND_NAMES)}")
    if len(args.commit) != 40:
        parser.error(f"commit must be a full 40-character hash, not {args.commit!r}")

    path = ledger_path(args.results, args.machine)
    asv_failed = []
    run = lambda bench: run_piece(args.asv.split(), flags, args.commit, bench)  # noqa: E731
    for case in cases:
        for backend in args.backends or (BACKEND_NAMES if args.per_backend else [None]):
            exit_code = measure(path, args.commit, case, backend, run)
            if exit_code is not None and exit_code not in MEASURED:
                asv_failed.append(f"{case} {backend}" if backend else case)
    ledger = load_ledger(path).get(args.commit, {})
    measured = {case: case_measured(ledger.get(case), BACKEND_NAMES) for case in valid}
    measured = {case: entry for case, entry in measured.items() if entry}
    total = sum(entry["seconds"] for entry in measured.values())
    missing = [case for case in valid if case not in measured]
    print(f"tier {TIER_NAME} at {args.commit[:8]}: {total / 60:.1f} min measured over "
          f"{len(measured)}/{len(valid)} cases" + (f"; not yet: {', '.join(missing)}" if missing else ""))
    for case in missing:
        pieces = pieces_measured(ledger.get(case), BACKEND_NAMES)
        if pieces:
            print(f"  {case}: {len(pieces)}/{len(BACKEND_NAMES)} backends measured, "
                  f"{sum(piece['seconds'] for piece in pieces.values()) / 60:.1f} min")
    if asv_failed:
        print(f"asv itself failed on: {', '.join(asv_failed)} (run again to retry)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
