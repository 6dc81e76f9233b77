"""The timed part of `make continuous`: interleaved asv rounds over the review's commits, as many as
its noise requires within a time budget.

    python scripts/review_rounds.py --commits FILE --results DIR --machine NAME [--rounds 6]
        [--minutes 30] [--max-rounds 20] [--asv asv] -- ASV_RUN_FLAGS...

FILE lists the commits (base, head, then any others), as asv's HASHFILE. First ROUNDS rounds;
then, while the base/head review's smallest detectable change of a kind is above its goal
(reporting/rounds.py) and MINUTES (counted from the start, environments included) hold two more
rounds at the pace of the last asv call, two more rounds, their samples appended. Each decision is
printed and kept in DIR/rounds.txt. Where DIR already holds rounds of these commits (a review
stopped part way, run again with its REVIEW_ID), they are kept and the rounds appended to them.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reporting import rounds  # noqa: E402

# asv run's exit status: 0 all ok, 2 some benchmark failed (a result). Anything else is asv failing.
MEASURED = (0, 2)


def positive(kind):
    def parse(text: str):
        value = kind(text)
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
        return value
    return parse


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=Path, required=True, help="base, head (and others), one hash a line")
    parser.add_argument("--results", type=Path, required=True, help="the review's asv results_dir")
    parser.add_argument("--machine", required=True)
    parser.add_argument("--rounds", type=positive(int), default=6, help="rounds before the first decision")
    parser.add_argument("--minutes", type=positive(float), default=rounds.MINUTES, help="time budget for the rounds")
    parser.add_argument("--max-rounds", type=positive(int), default=rounds.MAX_ROUNDS)
    parser.add_argument("--asv", default="asv", help="the asv command")
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    args, flags = parser.parse_args(argv[:split]), argv[split + 1:]  # after --: asv run's flags
    if args.rounds < 3:
        parser.error(f"--rounds {args.rounds}: a review needs at least 3 rounds a side (the first is not judged)")
    if args.max_rounds < args.rounds:
        parser.error(f"--max-rounds {args.max_rounds} is below --rounds {args.rounds}")
    commits = args.commits.read_text().split() if args.commits.exists() else []
    if len(commits) < 2:
        parser.error(f"{args.commits} must list at least a base and a head commit")
    bench = [flags[i + 1] for i, flag in enumerate(flags[:-1]) if flag == "--bench"]
    log = args.results / "rounds.txt"

    started = time.monotonic()

    def run(count: int, append: bool) -> float:
        """asv's next `count` interleaved rounds; minutes a round they took."""
        began = time.monotonic()
        command = [*args.asv.split(), "run", *flags, "--interleave-rounds", "--attribute", f"rounds={count}",
                   "--record-samples", *(["--append-samples"] if append else []), f"HASHFILE:{args.commits}"]
        code = subprocess.call(command)
        if code not in MEASURED:
            raise SystemExit(f"asv run failed (exit {code}); the rounds recorded so far are kept in {args.results}")
        return (time.monotonic() - began) / 60 / count

    def note(line: str) -> None:
        print(f"review rounds: {line}", flush=True)
        with log.open("a") as file:
            file.write(line + "\n")

    recorded = 0
    if all(list((args.results / args.machine).glob(f"{commit[:8]}-*.json")) for commit in commits[:2]):
        recorded, _ = rounds.state(args.results, commits[0], commits[1], args.machine, bench)
    if recorded:  # a review stopped part way (make continuous REVIEW_ID=...): its rounds are kept, more appended
        note(f"resuming: {recorded} rounds of base and head already recorded in {args.results}")
    per_round = run(args.rounds - recorded, append=bool(recorded)) if recorded < args.rounds else math.nan
    before = -1  # rounds recorded before the last asv call
    while True:
        measured, kinds = rounds.state(args.results, commits[0], commits[1], args.machine, bench)
        if measured <= before:
            note(f"asv ran but recorded no further round ({measured} rounds): stopping; see its output above")
            return 1
        used = (time.monotonic() - started) / 60
        decision = rounds.decide(kinds, measured, used, per_round, args.minutes, args.max_rounds)
        note(decision.reason)
        if not decision.more:
            return 0
        before = measured
        per_round = run(rounds.STEP, append=True)


if __name__ == "__main__":
    sys.exit(main())
