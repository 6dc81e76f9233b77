"""The gradient micro-benchmark (or the sampling run) with the review's sides measured in adjacent processes.

    python scripts/adjacent_pairs.py --repo DIR --commits FILE --out OUT.json [--rounds 12]
        [--backends pymc ...] [--cases CASE ...] [--metric gradient|sampling] [--minutes M] [--duet [--pin]]
        [--as-of DIR | --nutpie-stack DIR]
                                                          (run with .venv's python; make continuous REVIEW_ADJACENT=N)

asv's interleaved rounds measure one commit's benchmarks, then install the next commit and measure its:
the two measurements of a benchmark lie tens of seconds apart, with a reinstall between. Here each
commit of FILE (base, head, then any others) is built once from the git repository DIR into its own
folder, and every round runs, for each backend, one fresh process per commit, one right after the
other, the order of the commits rotated and reversed round by round. Each process times one
logp+gradient evaluation of every case in turn as benchmarks/gradient.py does (the median of 10
samples of the mean of 50 calls, after 200 warm-up calls): one process per (backend, commit) rather
than per case, as the processes' start-up (importing PyMC) is most of their time. With --metric sampling
each process compiles every sampled case of the tier in turn and times its first sampling run, as
benchmarks/sampling.py does: asv's rounds put a side's sampling runs minutes apart from the other side's, and
a shift of the host over those minutes falls on every benchmark of one side alike. A pair that cannot
run on a side is left out of the samples, with each failing side's reason (a side not named ran). The
samples are written to OUT.json after every round, and a run stopped part way resumes from the rounds it wrote;
reporting/adjacent.py pairs them for the review. With --minutes M it starts no round (beyond the first three) that
would end, at the pace of the last round, more than M minutes after it began (the sides' builds included), and
OUT.json says where it stopped: a review on a slow host keeps its budget and says what it gave up for it.
With --duet the sides' processes of a backend run at once: each prepares every case, then the samples are taken
in turn, side after side for each case (a gradient sample: the mean of 50 calls, ten a case; a sampling run: one
a case), so that the two sides' samples of a case lie milliseconds (or one run) apart instead of a whole process.
Every duet times the host-drift canary (benchmarks/canary.py) in each side's process beside the cases (the gradient's:
as one more case; the sampling runs': after every run, so that its samples span the round): whether the sides'
processes ran alike. With --pin the gradient's duets run both sides' processes on one core once they are prepared
(the core changed round by round): they take their samples in turn and need no more.
With --as-of DIR each commit runs in an environment of its own with the stack of its release day (a PyMC release of
the mirror: scripts/install_as_of.py, as the release-day history installs it), kept in DIR/pymc-VERSION for later
runs, instead of a build of PyMC put before this environment's packages: two releases with their own PyTensor, numba,
nutpie and JAX measured as a duet (`make paired-history`). With --nutpie-stack DIR each commit is a nutpie release of
the nutpie history (--repo .asv/nutpie-releases), in an environment of its own with that history's fixed stack (PyMC
5.23.0's), kept in DIR/nutpie-VERSION (`make paired-history-nutpie`). The file then records each side's resolved
versions.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import BACKEND_NAMES, model_cases, sampled_cases, write_json_atomically  # noqa: E402
from benchmarks.gradient import SAMPLES  # noqa: E402
from reporting.adjacent import CANARY_CASE  # noqa: E402
from install_as_of import release_version  # noqa: E402

MIN_ROUNDS = 3  # the first round warms the caches and is not judged; two more make a pair of rounds to test
MARK = "pmb-adjacent: "  # the child's lines that carry a case's result
NUTPIE_STACK = ROOT / "asv_nutpie_stack.txt"  # the nutpie history's fixed stack (--nutpie-stack)
# the harness's meter in a release-day environment (--as-of), pinned as the asv environments pin it
HELD_PSUTIL = next(line.strip() for line in (ROOT / "asv_constraints.txt").read_text().splitlines()
                   if line.startswith("psutil=="))
CHILD = """
import sys
from benchmarks.gradient import median_sample, prepared_sample
from benchmarks.sampling import seconds_per_run

def gradient(case, backend_name):
    return median_sample(prepared_sample(case, backend_name))

measure = {"gradient": gradient, "sampling": seconds_per_run}[sys.argv[1]]
for case in sys.argv[3:]:
    try:
        print(MARK, case, measure(case, sys.argv[2]), flush=True)
    except NotImplementedError as reason:
        print(MARK, case, "skipped:", str(reason).replace(chr(10), " "), flush=True)
    except Exception as error:
        print(MARK, case, "failed:", type(error).__name__, str(error).replace(chr(10), " ")[:300], flush=True)
""".replace("MARK", repr(MARK.strip()))


# --duet: a live process per side; it prepares every case (the gradient: compiled and warmed up; the sampling run:
# compiled), says "ready", then takes one sample of the case named on each line of its input (the gradient: the mean
# of CALLS calls; the sampling run: its first run after the compile, as in a separate process)
DUET_CHILD = """
import sys
from benchmarks.canary import prepared_sample as canary
from benchmarks.gradient import prepared_sample
from benchmarks.sampling import prepared_run

prepare = {"gradient": prepared_sample, "sampling": prepared_run}[sys.argv[1]]
samplers = {}
for case in sys.argv[3:]:
    try:
        samplers[case] = canary() if case == CANARY else prepare(case, sys.argv[2])
    except NotImplementedError as reason:
        print(MARK, case, "skipped:", str(reason).replace(chr(10), " "), flush=True)
    except Exception as error:
        print(MARK, case, "failed:", type(error).__name__, str(error).replace(chr(10), " ")[:300], flush=True)
print("ready", flush=True)
for line in sys.stdin:
    print(samplers[line.strip()](), flush=True)
""".replace("MARK", repr(MARK.strip())).replace("CANARY", repr(CANARY_CASE))


@dataclass(frozen=True)
class Side:
    """How a commit's processes run: their interpreter, and the PYTHONPATH it starts with."""
    python: str
    path: str
    versions: dict | None = None  # the release-day stack resolved for it (--as-of)

    @classmethod
    def site(cls, site: Path) -> "Side":
        """PyMC installed into `site`, put before this environment's packages."""
        return cls(sys.executable, f"{site}:{ROOT}")

    def env(self) -> dict[str, str]:
        return {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "PYTHONPATH": self.path}


def wheel(repo: Path, commit: str, folder: Path) -> Path:
    """PyMC at `commit` of the git repository, built into a wheel under folder."""
    source, wheels = folder / "source", folder / "wheels"
    source.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(repo), "archive", commit], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(source)], check=True)
    return next(wheels.glob("*.whl"))


def install(repo: Path, commit: str, folder: Path) -> Side:
    """PyMC at `commit`, built and installed (no dependencies) into folder/site."""
    site = folder / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site),
                    str(wheel(repo, commit, folder))], check=True)
    return Side.site(site)


def kept_environment(env: Path, record_name: str, install: Callable[[Path, Path], None]) -> Side:
    """A side in an environment of its own, `env`, made by `install(python, record)`, which writes the record (what
    it installed) last; an environment whose record is there is used as it is."""
    record, python = env / record_name, env / "bin" / "python"
    if not record.exists():
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(env)], check=True)
        install(python, record)
    return Side(str(python), str(ROOT), json.loads(record.read_text()))


def install_as_of(repo: Path, commit: str, folder: Path, envs: Path) -> Side:
    """PyMC at `commit` (a release) in an environment of its own, envs/pymc-VERSION, with the stack of its release day
    (kept_environment)."""
    built = wheel(repo, commit, folder)

    def install(python: Path, record: Path) -> None:
        # pip >= 26 for --uploaded-prior-to; psutil is the harness's meter, held as the asv environments hold it
        subprocess.run([str(python), "-m", "pip", "install", "-q", "pip>=26", HELD_PSUTIL], check=True)
        subprocess.run([str(python), str(ROOT / "scripts" / "install_as_of.py"), str(built), "--record", str(record)],
                       check=True)

    return kept_environment(envs / f"pymc-{release_version(built)}", "as-of.json", install)


def nutpie_stack_pins() -> list[str]:
    """The requirements the nutpie history's asv matrix installs beside each release (PyMC, PyTensor, ... pinned)."""
    from asv.util import load_json  # asv's own reader: its configuration carries // comments

    matrix = load_json(str(ROOT / "asv.nutpie-releases.conf.json"), js_comments=True)["matrix"]["req"]
    return [f"{name}=={versions[0]}" for name, versions in matrix.items()]


def install_nutpie_stack(repo: Path, commit: str, folder: Path, envs: Path) -> Side:
    """A nutpie release at `commit` of the nutpie history (a package pinning nutpie==X: `make nutpie-history`) in an
    environment of its own, envs/nutpie-X, with that history's fixed stack, as asv installs it there (the
    install_command and matrix of asv.nutpie-releases.conf.json; kept_environment)."""
    built = wheel(repo, commit, folder)
    if not (match := re.match(r"nutpie_release-([^-]+)-", built.name)):
        raise SystemExit(f"{built.name} is not a release of the nutpie history (nutpie_release-VERSION-...whl)")

    def install(python: Path, record: Path) -> None:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "--constraint", str(NUTPIE_STACK), str(built),
                        *nutpie_stack_pins()], check=True)
        listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"], capture_output=True, text=True,
                                check=True).stdout
        resolved = {item["name"].lower(): item["version"] for item in json.loads(listed)}
        write_json_atomically(record, {"nutpie": match.group(1), "stack": NUTPIE_STACK.name, "resolved": resolved})

    return kept_environment(envs / f"nutpie-{match.group(1)}", "stack.json", install)


def measure(metric: str, backend: str, cases: list[str], side: Side) -> dict[str, float | str]:
    """Seconds per evaluation (or per sampling run) of each case, timed one after another in one process, or why a
    case cannot run."""
    run = subprocess.run([side.python, "-c", CHILD, metric, backend, *cases], capture_output=True, text=True,
                         env=side.env(), cwd=ROOT)
    values = {}
    for line in run.stdout.splitlines():
        if line.startswith(MARK):
            case, value = line.removeprefix(MARK).split(" ", 1)
            values[case] = value if value.startswith(("skipped:", "failed:")) else float(value)
    err = run.stderr.strip()
    ended = f"failed: the process ended ({err.splitlines()[-1] if err else run.returncode})"
    return {case: values.get(case, ended) for case in cases}


def _ended(child: subprocess.Popen, err_file) -> str:
    child.kill()
    child.wait()
    err_file.seek(0)
    err = err_file.read().strip()
    return f"failed: the process ended ({err.splitlines()[-1] if err else child.returncode})"


def _sample(child: subprocess.Popen, case: str) -> float | None:
    """One sample of `case` from a live duet child; None if it has ended."""
    try:
        child.stdin.write(case + "\n")
        child.stdin.flush()
        return float(child.stdout.readline())
    except (BrokenPipeError, ValueError):
        return None


def schedule(metric: str, runnable: list[str]) -> list[str]:
    """The cases in the order a duet samples them: SAMPLES passes over the gradient's cases; one over the sampling
    runs, with the canary (where it is among them) sampled after every run, its samples spread over the round."""
    if metric == "gradient":
        return runnable * SAMPLES
    runs = [case for case in runnable if case != CANARY_CASE]
    if CANARY_CASE not in runnable:
        return runs
    return [taken for case in runs for taken in (case, CANARY_CASE)] or [CANARY_CASE]


def pin(children, core: int) -> None:
    """Every thread of each child onto one core. The sides take their samples in turn, so they need one core only;
    on it, a core slower than the other for a while (a neighbour on its sibling thread, say) slows both sides alike
    instead of one side's process for a whole round."""
    for child in children:
        for task in Path(f"/proc/{child.pid}/task").iterdir():
            try:
                os.sched_setaffinity(int(task.name), {core})
            except ProcessLookupError:  # a thread that ended meanwhile
                pass


def duet(metric: str, backend: str, cases: list[str], side_of: dict[str, Side],
         order: list[str], core: int | None = None) -> dict[str, dict[str, float | str]]:
    """Per commit, each case's seconds (per evaluation: the median of SAMPLES samples; per sampling run: one run) or
    why it cannot run, with every commit's process alive at once and the samples taken in turn (`schedule`): for each
    sample of a case, one from each side in `order`, reversed every other sample of that case, so that the host's
    moments fall on the sides alike. A case that cannot run on some side is timed on none (the others report nothing
    for it). `core`: once prepared, both processes pinned to that core (`pin`)."""
    # stderr to files, not pipes: a child's warnings cannot fill a pipe and stall it
    children, values, errs = {}, {commit: {} for commit in order}, {commit: tempfile.TemporaryFile("w+") for commit in order}
    for commit in order:
        children[commit] = subprocess.Popen([side_of[commit].python, "-c", DUET_CHILD, metric, backend, *cases],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errs[commit],
                                            text=True, env=side_of[commit].env(), cwd=ROOT)
    try:
        for commit, child in children.items():
            for line in child.stdout:
                if line.strip() == "ready":
                    break
                if line.startswith(MARK):
                    case, why = line.removeprefix(MARK).rstrip("\n").split(" ", 1)
                    values[commit][case] = why
            else:
                ended = _ended(child, errs[commit])
                values[commit] = {case: values[commit].get(case, ended) for case in cases}
        if core is not None:
            pin(children.values(), core)
        runnable = [case for case in cases if not any(case in values[commit] for commit in order)]
        samples = {commit: {case: [] for case in runnable} for commit in order}
        for case in schedule(metric, runnable):
            for commit in order[::-1] if len(samples[order[0]][case]) % 2 else order:
                if (value := _sample(children[commit], case)) is None:
                    ended = _ended(children[commit], errs[commit])
                    return {**values, commit: {case: values[commit].get(case, ended) for case in cases}}
                samples[commit][case].append(value)
    finally:
        for child in children.values():
            child.kill()
            child.wait()
        for err_file in errs.values():
            err_file.close()
    return {commit: {**values[commit], **{case: statistics.median(taken) for case, taken in samples[commit].items()}}
            for commit in order}


def out_of_time(minutes: float | None, elapsed: float, last_round: float | None, rounds_done: int) -> bool:
    """Whether one more round, at the pace of the last, would end past the budget (never before MIN_ROUNDS rounds,
    nor before this run has timed a round of its own)."""
    if minutes is None or last_round is None or rounds_done < MIN_ROUNDS:
        return False
    return elapsed + last_round > 60 * minutes


def resumed(out: Path, metric: str, commits: list[str], samples: dict, mode: str | None = None,
            pinned: bool = False) -> int:
    """Rounds of an earlier run of the same metric, commits, mode and pinning kept in `samples` (a round cut short
    dropped); how many."""
    earlier = json.loads(out.read_text()) if out.exists() else {}
    if (earlier.get("commits") != commits or earlier.get("metric", "gradient") != metric
            or earlier.get("mode") != mode or earlier.get("pinned", False) != pinned):
        return 0
    kept = [(backend, case) for backend, by_case in samples.items() for case in by_case
            if case in earlier["samples"].get(backend, {})]
    done = min((len(earlier["samples"][b][c][commit]) for b, c in kept for commit in commits), default=0)
    for backend, case in kept:
        samples[backend][case] = {commit: earlier["samples"][backend][case][commit][:done] for commit in commits}
    return done


def rounds_ended(out: Path, done: int) -> list[str]:
    """When each of the `done` rounds kept from an earlier run ended (UTC), as far as its file recorded it."""
    return json.loads(out.read_text()).get("rounds_ended", [])[:done] if done else []


def unknown_names(backends: list[str], cases: list[str] | None) -> str | None:
    """What is not a backend or not a model case among those named, and what is valid; None if all are."""
    for kind, named, valid in (("backends", backends, BACKEND_NAMES), ("model cases", cases or [], model_cases())):
        if unknown := [name for name in named if name not in valid]:
            return f"not {kind}: {', '.join(unknown)}; valid: {', '.join(valid)}"
    return None


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, required=True, help="the git repository of PyMC (the mirror), or the nutpie history's")
    parser.add_argument("--commits", type=Path, required=True, help="base, head (and others), one full hash a line")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--backends", nargs="+", default=["pymc"], help="backends, or all")
    parser.add_argument("--cases", nargs="+")
    parser.add_argument("--metric", choices=["gradient", "sampling"], default="gradient",
                        help="the gradient micro-benchmark, or the quick tier's sampling run (the tier's sampled cases)")
    parser.add_argument("--duet", action="store_true",
                        help="each round, the sides' processes alive at once, their samples taken in turn")
    parser.add_argument("--as-of", type=Path, default=None, metavar="DIR",
                        help="each commit (a release) in its own environment of its release day, kept in DIR")
    parser.add_argument("--nutpie-stack", type=Path, default=None, metavar="DIR",
                        help="each commit a nutpie release of the nutpie history (--repo), in its own environment with "
                             "that history's fixed stack, kept in DIR")
    parser.add_argument("--pin", action="store_true",
                        help="the gradient's duets: both sides' processes on one core, the core changed round by round")
    parser.add_argument("--minutes", type=float, default=None,
                        help="start no round past the first three that would end later than this after the start")
    args = parser.parse_args(argv)
    if args.rounds < MIN_ROUNDS:
        parser.error(f"--rounds {args.rounds}: at least {MIN_ROUNDS} (the first is not judged)")
    if args.pin and not (args.duet and args.metric == "gradient"):
        parser.error("--pin: for the gradient's duets only (a sampling run's chains use every core)")
    if args.as_of and args.nutpie_stack:
        parser.error("--as-of and --nutpie-stack: one or the other (a PyMC release's stack, or nutpie's fixed one)")
    if args.minutes is not None and not args.minutes > 0:
        parser.error(f"--minutes {args.minutes:g}: must be a positive number of minutes")
    if args.backends == ["all"]:
        args.backends = list(BACKEND_NAMES)
    if wrong := unknown_names(args.backends, args.cases):
        parser.error(wrong)
    commits = args.commits.read_text().split() if args.commits.is_file() else []
    if len(commits) < 2:
        parser.error(f"{args.commits} must list at least a base and a head commit")
    args.commit_list = commits
    return args


def install_side(args: argparse.Namespace, commit: str, folder: Path) -> Side:
    if args.as_of:
        return install_as_of(args.repo, commit, folder, args.as_of)
    if args.nutpie_stack:
        return install_nutpie_stack(args.repo, commit, folder, args.nutpie_stack)
    return install(args.repo, commit, folder)


def main(argv: list[str] | None = None) -> int:
    args = parse(sys.argv[1:] if argv is None else argv)
    commits = args.commit_list
    cases = args.cases or (sampled_cases() if args.metric == "sampling" else model_cases())
    if args.duet:  # the canary in each side's process: did the sides' processes run alike?
        cases = [*cases, CANARY_CASE]
    samples = {backend: {case: {commit: [] for commit in commits} for case in cases} for backend in args.backends}
    reasons, done = {}, resumed(args.out, args.metric, commits, samples, "duet" if args.duet else None, args.pin)  # (backend, case) -> {commit: why it did not run}
    if done >= args.rounds:
        print(f"adjacent pairs: {done} rounds already in {args.out}", flush=True)
        return 0
    began, last_round, ended = time.monotonic(), None, rounds_ended(args.out, done)
    with tempfile.TemporaryDirectory(prefix="pmb-sides-") as scratch:
        side_of = {commit: install_side(args, commit, Path(scratch) / commit) for commit in commits}
        for round_ in range(done, args.rounds):
            if out_of_time(args.minutes, time.monotonic() - began, last_round, round_):
                stopped = {"minutes": args.minutes, "rounds": round_, "planned": args.rounds}
                write_json_atomically(args.out, {**json.loads(args.out.read_text()), "stopped": stopped})
                print(f"adjacent pairs: stopped after {round_} of {args.rounds} rounds: one more would pass the "
                      f"budget of {args.minutes:g} min", flush=True)
                break
            started = time.monotonic()
            for index, backend in enumerate(args.backends):
                shift = (round_ + index) % len(commits)
                order = commits[shift:] + commits[:shift]
                # each side tries the same cases in a round, so a case that fails on one side only is seen as such
                wanted = [case for case in cases if (backend, case) not in reasons]
                turns = order[::-1] if round_ % 2 else order
                if not wanted:
                    measured = {}
                elif args.duet:
                    cores = sorted(os.sched_getaffinity(0))
                    measured = duet(args.metric, backend, wanted, side_of, turns,
                                    cores[(round_ + index) % len(cores)] if args.pin else None)
                else:
                    measured = {commit: measure(args.metric, backend, wanted, side_of[commit]) for commit in turns}
                for commit, by_case in measured.items():
                    for case, value in by_case.items():
                        if isinstance(value, str):
                            reasons.setdefault((backend, case), {})[commit] = value
                        else:
                            samples[backend][case][commit].append(value)
            ended.append(datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M"))
            written = {"metric": args.metric, "commits": commits, "samples": {b: {c: s for c, s in by_case.items() if (b, c) not in reasons}
                                                       for b, by_case in samples.items()},
                       "skipped": {f"{case} / {backend}": why for (backend, case), why in reasons.items()},
                       **({"mode": "duet"} if args.duet else {}), **({"pinned": True} if args.pin else {}),
                       **({"versions": {commit: side_of[commit].versions for commit in commits}}
                          if args.as_of or args.nutpie_stack else {}),
                       "rounds_ended": ended}
            args.out.parent.mkdir(parents=True, exist_ok=True)
            write_json_atomically(args.out, written)
            last_round = time.monotonic() - started
            print(f"adjacent pairs: round {round_ + 1}/{args.rounds} ({last_round:.0f} s) written to "
                  f"{args.out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
