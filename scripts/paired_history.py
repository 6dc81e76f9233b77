"""Neighbouring PyMC releases measured as duets, each in the environment of its release day: the paired history.

    python scripts/paired_history.py --repo MIRROR --results DIR --envs DIR --releases 5.18.0 5.19.0 [...]
        [--aa [RUN]] [--backends pymc ...] [--cases CASE ...] [--gradient-rounds 10] [--sampling-rounds 0]
        [--minutes M] [--no-pin] [--project pymc|nutpie]
                                                          (run with .venv's python; make paired-history RELEASES=...)

The release-day history measures each release in a session of its own, so a step between two releases carries the
host's moods of two sessions (5-10 % a family here). Here each neighbouring pair of the releases named, in that
order, is measured as the review measures a pull request: scripts/adjacent_pairs.py --duet --as-of, both releases'
processes alive at once, each in its own release-day environment (kept in --envs), their samples taken in turn
(the gradient's on one core: --pin, which cut the per-case spread over rounds 1.4-6.5x in the first pair).
DIR/<base>..<head>/ gets adjacent_pairs.json (the gradient micro-benchmark: 96-180 s a round with the four default
backends and the stacks of 5.13-5.26 on the AMD EPYC host, 31-38 s with 6.4.0's) and, with --sampling-rounds N,
adjacent_sampling.json (the quick tier's sampling runs: every round compiles every case in fresh processes, 970 s for
the first round of 5.18.0 -> 5.19.0, so not by default); a pair already measured is resumed from the rounds it
wrote. An environment no pair left to measure needs is removed after each pair (1.2 GB each). --aa adds the A/A pair
(DIR/aa/): the mirror's aa^ and aa, the same code, measured as a pair is, so that its verdicts count the paired
history's false alarms; --aa 2 (3, ...) measures it again, into DIR/aa-2/, on another day or host. Each round's end
(UTC) is recorded in its file. --project nutpie pairs nutpie's releases instead (--repo: the nutpie history, `make
nutpie-history`; its backends by default), each with that history's fixed stack (scripts/adjacent_pairs.py
--nutpie-stack; `make paired-history-nutpie`).
reporting/paired_history.py makes docs/paired-history.md of DIR.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import adjacent_pairs
from benchmarks.common import write_json_atomically
from reporting.paired_history import AA, aa_folder

PHASES = {"gradient": "adjacent_pairs.json", "sampling": "adjacent_sampling.json"}  # as reporting/adjacent.py reads them


@dataclass(frozen=True)
class ProjectSides:
    """Whose releases a paired history pairs: the backends measured by default, how scripts/adjacent_pairs.py installs
    a release (its option, naming the environments' folder) and the prefix of those environments' names."""
    backends: list[str]
    stack_option: str
    env_prefix: str


PROJECTS = {"pymc": ProjectSides(["pymc", "pymc-numba", "nutpie-numba", "numpyro"], "--as-of", "pymc-"),
            "nutpie": ProjectSides(["nutpie-numba", "nutpie-jax"], "--nutpie-stack", "nutpie-")}


def git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def release_commits(repo: Path, releases: list[str]) -> dict[str, str] | str:
    """The mirror's commit of each release (its tag vX), or what is wrong and what is valid."""
    tags = git(repo, "tag", "--list", "v*").stdout.split()
    missing = [release for release in releases if f"v{release}" not in tags]
    if missing:
        valid = sorted(tag[1:] for tag in tags if tag[1:2].isdigit())
        return (f"not releases of {repo}: {', '.join(missing)}; "
                f"valid: {', '.join(valid) or 'none (make mirror, or make nutpie-history)'}")
    return {release: git(repo, "rev-parse", f"v{release}^{{commit}}").stdout.strip() for release in releases}


@dataclass(frozen=True)
class Pair:
    """One pair to measure: its folder's name, its sides' commits (base, head), the releases whose environments it
    runs in."""
    name: str
    commits: list[str]
    releases: set[str]


def aa_pair(repo: Path, run: int = 1) -> Pair | str:
    """The A/A pair's run `run`: the mirror's aa^ (a release) and aa (the same code), one release-day environment; or
    what is wrong."""
    tag = git(repo, "describe", "--tags", "--exact-match", "aa^")
    commits = [git(repo, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}").stdout.strip() for rev in ("aa^", "aa")]
    if tag.returncode or not all(commits):
        return f"--aa: {repo} has no aa commit on a release (make mirror adds it)"
    return Pair(aa_folder(run), commits, {tag.stdout.strip().removeprefix("v")})


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", choices=list(PROJECTS), default="pymc",
                        help="whose releases are paired: PyMC's (each in its release-day stack) or nutpie's (each with "
                             "the nutpie history's fixed stack)")
    parser.add_argument("--repo", type=Path, required=True,
                        help="the PyMC mirror (make mirror), or the nutpie history (make nutpie-history)")
    parser.add_argument("--results", type=Path, required=True, help="a folder per pair goes here")
    parser.add_argument("--envs", type=Path, required=True,
                        help="the releases' environments, one per release, kept while a later pair needs them")
    parser.add_argument("--releases", nargs="+", default=[], help="two or more releases, each paired with the next")
    parser.add_argument("--aa", nargs="?", type=int, const=1, default=None, metavar="RUN",
                        help=f"also the A/A pair, into {AA}/ (RUN 2 or more: a repeat, into {AA}-RUN/): the mirror's "
                             "aa^ (a release) and aa (the same code) in one release-day environment, measured as the "
                             "pairs are (its verdicts are false alarms)")
    parser.add_argument("--backends", nargs="+", help="default: " + "; ".join(
        f"{project}: {' '.join(project_of.backends)}" for project, project_of in PROJECTS.items()))
    parser.add_argument("--cases", nargs="+", help="model cases (default: the tier's, as the review's duets)")
    parser.add_argument("--gradient-rounds", type=int, default=10, help="0: no gradient duets")
    parser.add_argument("--sampling-rounds", type=int, default=0, help="0: no sampling duets (the default: their cost)")
    parser.add_argument("--minutes", type=float, default=None, help="each phase's budget (scripts/adjacent_pairs.py)")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                        help="the gradient's duets on one core (scripts/adjacent_pairs.py --pin; default: pinned)")
    args = parser.parse_args(argv)
    args.backends = args.backends or PROJECTS[args.project].backends
    if args.aa is not None and args.project != "pymc":
        parser.error(f"--aa: the A/A pair is PyMC's (the mirror's aa), not {args.project}'s")
    if args.aa is not None and args.aa < 1:
        parser.error(f"--aa {args.aa}: the A/A pair's run, 1 or more")
    if (len(args.releases) < 2 and (args.releases or args.aa is None)) or len(set(args.releases)) < len(args.releases):
        parser.error(f"--releases {' '.join(args.releases)}: two or more different releases, each paired with the next"
                     " (or none, with --aa)")
    rounds = {"gradient": args.gradient_rounds, "sampling": args.sampling_rounds}
    if any(0 < number < adjacent_pairs.MIN_ROUNDS or number < 0 for number in rounds.values()) or not any(rounds.values()):
        parser.error(f"--gradient-rounds {args.gradient_rounds} --sampling-rounds {args.sampling_rounds}: each 0 or at "
                     f"least {adjacent_pairs.MIN_ROUNDS}, not both 0")
    if wrong := adjacent_pairs.unknown_names(args.backends, args.cases):  # before a pair's folder is made
        parser.error(wrong)
    args.rounds = {phase: number for phase, number in rounds.items() if number}
    commits = release_commits(args.repo, args.releases)
    if isinstance(commits, str):
        parser.error(commits)
    args.pairs = [Pair(f"{base}..{head}", [commits[base], commits[head]], {base, head})
                  for base, head in zip(args.releases, args.releases[1:])]
    if args.aa is not None:
        if isinstance(aa := aa_pair(args.repo, args.aa), str):
            parser.error(aa)
        args.pairs.append(aa)
    return args


def rekeyed(measured: dict, commits: list[str]) -> dict:
    """A pair's file with its sides' commits renamed to `commits` (base, head): a mirror rebuilt with more releases
    gives a release a new hash, and the rounds already measured must resume, not restart."""
    renamed = dict(zip(measured["commits"], commits))
    text = json.dumps(measured)
    for old, new in renamed.items():
        text = text.replace(old, new)
    return json.loads(text)


def measure_pair(args: argparse.Namespace, pair: Pair) -> int:
    folder = args.results / pair.name
    folder.mkdir(parents=True, exist_ok=True)
    commits = folder / "commits.txt"
    sides = pair.commits
    commits.write_text("\n".join(sides) + "\n")
    for path in folder.glob("*.json"):  # every run of the pair, whether measured now or not
        if (measured := json.loads(path.read_text()))["commits"] != sides:
            write_json_atomically(path, rekeyed(measured, sides))
    for phase, rounds in args.rounds.items():
        out = folder / PHASES[phase]
        print(f"paired history: {pair.name}, {phase} ({rounds} rounds)", flush=True)
        code = adjacent_pairs.main(["--repo", str(args.repo), "--commits", str(commits), "--out", str(out),
                                    "--metric", phase, "--rounds", str(rounds), "--duet",
                                    PROJECTS[args.project].stack_option, str(args.envs),
                                    "--backends", *args.backends, *(["--cases", *args.cases] if args.cases else []),
                                    *(["--pin"] if args.pin and phase == "gradient" else []),
                                    *(["--minutes", str(args.minutes)] if args.minutes else [])])
        if code:
            return code
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    for index, pair in enumerate(args.pairs):
        if code := measure_pair(args, pair):
            return code
        prefix = PROJECTS[args.project].env_prefix
        still_needed = {f"{prefix}{release}" for later in args.pairs[index + 1:] for release in later.releases}
        for env in args.envs.glob(f"{prefix}*"):
            if env.name not in still_needed:
                shutil.rmtree(env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
