"""The review's evidence (docs/evidence/*.md) and its summary in docs/review.md, written from committed reviews.

    python scripts/evidence.py [--check]

Each file is the review's own markdown (`python -m reporting compare`) of one committed paired run
(results-review/<id>/, made by `make continuous`); the block of docs/review.md between the evidence markers
is the headline and the smallest detectable changes of each, and README.md's block those of the default
review of two commits. --check writes nothing and exits 1 where a committed file differs from what this
would write (tests/test_evidence.py runs it).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reporting import adjacent as adjacent_pairs  # noqa: E402
from reporting import compare, paired, plan, rounds  # noqa: E402
from reporting.pages import replace_block  # noqa: E402

EVIDENCE_DIR = ROOT / "docs" / "evidence"
PAGE = ROOT / "docs" / "review.md"
MIRROR = ROOT / ".asv" / "pymc-mirror"
START, END = "<!-- evidence: written by scripts/evidence.py -->", "<!-- evidence end -->"
PLANS_START, PLANS_END = "<!-- plans: written by scripts/evidence.py -->", "<!-- plans end -->"
ADJACENT_START, ADJACENT_END = "<!-- adjacent: written by scripts/evidence.py -->", "<!-- adjacent end -->"
SHARED_START, SHARED_END = "<!-- shared: written by scripts/evidence.py -->", "<!-- shared end -->"
SHARED_FAMILY = "pymc-*"  # the family whose sampling aggregate a slower NUTS step must move
README = ROOT / "README.md"
README_START, README_END = "<!-- review evidence: written by scripts/evidence.py -->", "<!-- review evidence end -->"
# The reviews README.md summarizes: the default review (duets) on the AMD host, A/A and as a pull request gets it;
# on the Intel host, the default before duets and the gradient as duets
README_REVIEWS = ("aa-17", "inject-step10-pr", "aa-14", "aa-15", "inject-grad5-duet")
# scripts/adjacent_pairs.py's runs: the gradient micro-benchmark (or the sampling runs) with the sides' processes
# adjacent in time
# (the revisions of its commits, the case, or the backend with all its cases, that one process timed)
ADJACENT = {"adjacent-20261204T1426": (("aa^", "aa", "inject-grad5"), "case"),
            "20261204T1605": (("aa^", "aa", "inject-grad5"), "case"),
            "20261204T1909": (("aa^", "aa", "inject-grad10"), "case"),
            "20261204T1957": (("aa^", "aa"), "backend"),
            "20261204T2009": (("aa^", "aa", "inject-step10"), "backend"),
            "20261204T2228": (("aa^", "inject-step10"), "backend"),
            "20261204T2309": (("aa^", "aa"), "backend"),
            "20261204T2349": (("aa^", "inject-step5"), "backend"),
            "adjacent-sampling-20261205T0521": (("aa^", "aa", "inject-step5"), "backend"),
            "20261205T0750": (("aa^", "inject-step5"), "backend"),
            "20261205T0937": (("aa^", "aa"), "backend"),
            "20261205T1114": (("aa^", "inject-step10"), "backend"),
            "20261205T1224": (("aa^", "aa"), "backend"),
            "20261205T1636": (("aa^", "inject-step10"), "backend"),
            "20261206T0453": (("aa^", "aa"), "backend"),
            "20261206T0546": (("aa^", "aa", "inject-grad5", "inject-grad10"), "backend and its sides at once (a duet)"),
            "20261206T0754": (("aa^", "aa", "inject-step10"), "backend and its sides at once (a duet)"),
            "20261206T0839": (("aa^", "inject-step10"), "backend and its sides at once (a duet)"),
            "20261206T1233": (("aa^", "aa"), "backend and its sides at once (a duet)")}
INTEL = "x86_64-2cpu-24GB-intel-xeon-quick"
AMD = "x86_64-2cpu-24GB-amd-epyc-quick"


@dataclass(frozen=True)
class Evidence:
    name: str  # docs/evidence/<name>.md
    run: str  # results-review/<run>
    base: str  # revisions of the mirror
    head: str
    what: str
    machine: str = INTEL


REVIEWS = [
    Evidence("aa-1", "20261203T0617", "aa^", "aa", "A/A, gradient as single calls"),
    Evidence("inject-grad10-single-calls", "20261203T0617", "aa^", "inject-grad10",
             "10 % slower evaluation, gradient as single calls"),
    Evidence("inject-step10", "20261203T0617", "aa^", "inject-step10", "10 % slower leapfrog step"),
    Evidence("aa-2", "20261203T1313", "aa^", "aa", "A/A, gradient (means of 50 calls) and canary only"),
    Evidence("inject-grad10", "20261203T1313", "aa^", "inject-grad10", "10 % slower evaluation (every 10th twice)"),
    Evidence("inject-grad5", "20261203T1313", "aa^", "inject-grad5", "5 % slower evaluation (every 20th twice)"),
    Evidence("aa-3", "20261203T1355", "aa^", "aa", "A/A, sampling, gradient (nutpie's too) and canary; 5 of 6 rounds"),
    Evidence("inject-step5", "20261203T1355", "aa^", "inject-step5", "5 % slower leapfrog step; 5 of 6 rounds"),
    Evidence("inject-wrong", "20261203T1355", "aa^", "inject-wrong", "a tilted, wrong posterior; 5 of 6 rounds"),
    Evidence("aa-4", "20261204T0356", "aa^", "aa", "A/A, gradient and canary in 3 rounds; instruction counts", AMD),
    Evidence("inject-grad10-counted", "20261204T0356", "aa^", "inject-grad10",
             "10 % slower evaluation; instruction counts", AMD),
    Evidence("inject-grad5-counted", "20261204T0356", "aa^", "inject-grad5",
             "5 % slower evaluation; instruction counts", AMD),
    Evidence("aa-5", "20261204T0459", "aa^", "aa", "A/A, pymc's sampling, gradient and canary; rounds by the noise rule",
             AMD),
    Evidence("inject-step5-rounds", "20261204T0459", "aa^", "inject-step5",
             "5 % slower leapfrog step; pymc only; rounds by the noise rule", AMD),
    Evidence("inject-adapt", "20261204T0540", "aa^", "inject-adapt",
             "NUTS target_accept 0.8 -> 0.7, a behaviour change; pymc only, 3 rounds", AMD),
    Evidence("aa-6", "20261204T1333", "aa^", "aa", "A/A, pymc's gradient and canary, rounds by the noise rule; "
             "instructions per evaluation and per sampler step (6 cases, counted after the rounds)", AMD),
    Evidence("inject-step5-counted", "20261204T1333", "aa^", "inject-step5",
             "5 % slower leapfrog step; pymc's gradient rounds; instructions per evaluation and per sampler step", AMD),
    Evidence("aa-7", "20261204T1605", "aa^", "aa", "A/A, the whole gradient review: 3 asv rounds, then 12 rounds of "
             "adjacent processes (pymc, pymc-numba, nutpie-numba, every case)", AMD),
    Evidence("inject-grad5-adjacent", "20261204T1605", "aa^", "inject-grad5",
             "5 % slower evaluation; the whole gradient review with 12 rounds of adjacent processes", AMD),
    Evidence("aa-8", "20261204T1909", "aa^", "aa", "A/A, the whole gradient review again, 3 hours later: the canary in "
             "3 asv rounds, then 12 rounds of adjacent processes (a process per case)", AMD),
    Evidence("inject-grad10-adjacent", "20261204T1909", "aa^", "inject-grad10",
             "10 % slower evaluation; the whole gradient review with 12 rounds of adjacent processes", AMD),
    Evidence("aa-9", "20261204T1957", "aa^", "aa", "A/A, two commits as a pull request's review: the canary in 3 asv "
             "rounds, then 12 rounds of adjacent processes (a process per backend and commit)", AMD),
    Evidence("aa-10", "20261204T2009", "aa^", "aa", "A/A, the default review (sampling and canary in asv rounds by the "
             "noise rule) with 12 rounds of adjacent processes (a process per backend and commit)", AMD),
    Evidence("inject-step10-adjacent", "20261204T2009", "aa^", "inject-step10",
             "10 % slower leapfrog step; the default review with 12 rounds of adjacent processes", AMD),
    Evidence("inject-step10-two-sides", "20261204T2228", "aa^", "inject-step10",
             "10 % slower leapfrog step; the review of two commits as a pull request got it until 2026-12-05 (the "
             "sampling runs in asv's rounds)", AMD),
    Evidence("aa-11", "20261204T2309", "aa^", "aa", "A/A, the review of two commits as a pull request got it until "
             "2026-12-05 (the sampling runs in asv's rounds)", AMD),
    Evidence("inject-step5-two-sides", "20261204T2349", "aa^", "inject-step5",
             "5 % slower leapfrog step; the review of two commits as a pull request got it until 2026-12-05", AMD),
    Evidence("inject-step5-both-ways", "20261205T0750", "aa^", "inject-step5",
             "5 % slower leapfrog step; the default review of two commits, then pymc's and pymc-numba's sampling "
             "again in 10 rounds of adjacent processes (a process per backend and commit), in the same session", AMD),
    Evidence("aa-12", "20261205T0937", "aa^", "aa", "A/A, a review of two commits with the sampling runs in 8 rounds of "
             "adjacent processes and the gradient in 10 (REVIEW_SAMPLING_ADJACENT=8 REVIEW_ADJACENT=10), timed end to "
             "end", AMD),
    Evidence("inject-step10-default", "20261205T1114", "aa^", "inject-step10", "10 % slower leapfrog step; the default "
             "review since 2026-12-05 (the sampling runs in 8 rounds and the gradient in 10 of adjacent processes), as "
             "a pull request gets it", AMD),
    Evidence("aa-13", "20261205T1224", "aa^", "aa", "A/A, the default review since 2026-12-05 (the sampling runs in 8 "
             "rounds and the gradient in 10 of adjacent processes) on the Intel Xeon host, timed end to end"),
    Evidence("inject-step10-budget", "20261205T1636", "aa^", "inject-step10", "10 % slower leapfrog step; the default "
             "review with each adjacent phase held to its minutes (REVIEW_ADJACENT_MINUTES=12, REVIEW_SAMPLING_MINUTES=26) "
             "on the Intel Xeon host, timed end to end"),
    Evidence("aa-14", "20261206T0453", "aa^", "aa", "A/A, the default review on the Intel Xeon host a day after aa-13 "
             "(each adjacent phase held to its minutes), timed end to end"),
    Evidence("aa-15", "20261206T0546", "aa^", "aa", "A/A, the gradient as duets (the sides' processes alive at once, "
             "their samples taken in turn; REVIEW_DUET=1) and the canary, four commits in one review, Intel Xeon host"),
    Evidence("inject-grad5-duet", "20261206T0546", "aa^", "inject-grad5", "5 % slower evaluation; the gradient as "
             "duets, in the same review as aa-15"),
    Evidence("inject-grad10-duet", "20261206T0546", "aa^", "inject-grad10", "10 % slower evaluation; the gradient as "
             "duets, in the same review as aa-15"),
    Evidence("aa-16", "20261206T0754", "aa^", "aa", "A/A, the gradient and the sampling runs as duets "
             "(REVIEW_SAMPLING_DUET=1), three commits in one review, AMD EPYC host, timed end to end", AMD),
    Evidence("inject-step10-duet", "20261206T0754", "aa^", "inject-step10", "10 % slower leapfrog step; the gradient "
             "and the sampling runs as duets, in the same review as aa-16", AMD),
    Evidence("inject-step10-pr", "20261206T0839", "aa^", "inject-step10", "10 % slower leapfrog step; the default "
             "review since 2026-12-06 (the gradient, with the canary beside it, and the sampling runs as duets), two "
             "commits as a pull request gets it, timed end to end", AMD),
    Evidence("aa-17", "20261206T1233", "aa^", "aa", "A/A, the default review with the canary in the sampling runs' "
             "duets too (after every run) and the run floor of 20 ms, two commits as a pull request gets it, timed end "
             "to end", AMD),
]


def commit(revision: str) -> str:
    return subprocess.run(["git", "-C", str(MIRROR), "rev-parse", f"{revision}^{{commit}}"], capture_output=True,
                          text=True, check=True).stdout.strip()


def review(evidence: Evidence) -> str:
    results = ROOT / "results-review" / evidence.run
    markdown, _ = compare.compare(results, compare.Side(commit(evidence.base), evidence.machine),
                                  compare.Side(commit(evidence.head), evidence.machine))
    return (f"<!-- written by scripts/evidence.py from results-review/{evidence.run}: "
            f"{evidence.base} vs {evidence.head}, {evidence.what} -->\n\n" + markdown)


def _detectable(markdown: str) -> str:
    section = markdown.split("### Smallest detectable change", 1)[-1].split("###", 1)[0]
    cells = re.findall(r"^\| (.+?) +\| +\d+ \| +([\d.]+%) \|", section, flags=re.M)
    return "; ".join(f"{kind.strip()} {median}" for kind, median in cells) or "n/a"


def _headline(markdown: str) -> str:
    """The review's verdict line (the first line after its title)."""
    return markdown.split("\n\n", 1)[1].splitlines()[0]


def run_span(run: str, machine: str) -> tuple[int, float]:
    """How many commits a review run measured, and its minutes from its first start to its last end (run.txt: make
    continuous's "started"/"ended" lines, a resumed review's again, and "<what> ended" of a step run by hand after)."""
    folder = ROOT / "results-review" / run
    commits = len(list((folder / machine).glob("*-*.json")))
    lines = [line.rsplit(" ", 1) for line in (folder / "run.txt").read_text().splitlines() if " " in line]
    started = next(datetime.fromisoformat(time) for label, time in lines if label == "started")
    ended = [datetime.fromisoformat(time) for label, time in lines if label.endswith("ended")][-1]
    return commits, (ended - started).total_seconds() / 60


def summary(reviews: dict[str, str]) -> str:
    lines = [START, "", "| review | what | run | headline | smallest detectable change (median) |",
             "|---|---|---|---|---|"]
    for evidence in REVIEWS:
        markdown = reviews[evidence.name]
        headline = _headline(markdown)
        commits, minutes = run_span(evidence.run, evidence.machine)
        judged = re.search(r"Paired rounds judged a side: (.+?) \(the first", markdown)
        judged_rounds = f"judged rounds: {judged.group(1)}; " if judged else ""
        lines.append(f"| [{evidence.name}](evidence/{evidence.name}.md) | {evidence.what} | {evidence.run}: "
                     f"{commits} commits, {judged_rounds}{minutes:.0f} min | {headline.replace('|', '/')} | "
                     f"{_detectable(markdown)} |")
    return "\n".join(lines + ["", END])


def readme(reviews: dict[str, str]) -> str:
    """README's lines: what the default review of two commits took and showed, one line a review."""
    lines = [README_START]
    for evidence in (next(e for e in REVIEWS if e.name == name) for name in README_REVIEWS):
        markdown = reviews[evidence.name]
        headline = _headline(markdown).rsplit(" (", 1)[0]
        _, minutes = run_span(evidence.run, evidence.machine)
        day = datetime.strptime(evidence.run[:8], "%Y%m%d").date()
        lines.append(f"- [{evidence.name}](docs/evidence/{evidence.name}.md), {evidence.what.split(';')[0]} "
                     f"({evidence.machine}, {day}, {minutes:.0f} min): {headline}; smallest detectable change "
                     f"(median): {_detectable(markdown)}.")
    return "\n".join(lines + [README_END])


def plans() -> str:
    """What `make plan` chooses from each A/A review at the default budget."""
    lines = [PLANS_START, "", f"| from | host | reach their goal within {rounds.MINUTES:g} min | judged rounds | minutes "
             "(every benchmark at those rounds) | median spread: gradient; sampling |", "|---|---|---|---|---|---|"]
    for evidence in REVIEWS:
        if not evidence.name.startswith("aa-"):
            continue
        table, canary = plan.candidates(ROOT / "results-review" / evidence.run, commit(evidence.base),
                                        commit(evidence.head), evidence.machine, rounds.MAX_ROUNDS)
        judged, chosen = plan.choose(table, canary, rounds.MINUTES, 2, rounds.MAX_ROUNDS)
        spread = "; ".join(f"{kind} {rows['spread'].median():.1%}" for kind, rows in table.groupby("kind"))
        lines.append(f"| [{evidence.name}](evidence/{evidence.name}.md) ({evidence.run}) | {evidence.machine} | "
                     f"{int(chosen.sum())} of {len(table)} | {judged} | {plan.minutes_of(table, chosen, judged, canary, 2):.0f} "
                     f"({plan.minutes_of(table, table['seconds'].notna(), judged, canary, 2):.0f}) | {spread} |")
    return "\n".join(lines + ["", PLANS_END])


def _adjacent_runs(files: dict[str, str]):
    """Per adjacent-pairs run of ADJACENT, file of `files` (benchmark -> file name) it holds, and head commit: the run,
    what one process timed, the file's contents, the revisions' names by commit, the benchmark, base and head."""
    for run, (revisions, per_process) in ADJACENT.items():
        names = {commit(revision): revision for revision in revisions}
        for benchmark, file in files.items():
            path = ROOT / "results-review" / run / file
            if not path.exists():
                continue
            measured = json.loads(path.read_text())
            base, *heads = measured["commits"]
            for head in heads:
                yield run, per_process, measured, names, benchmark, base, head


def adjacent() -> str:
    """Each adjacent-pairs run judged as the review judges it (reporting/adjacent.py): per head commit, what was
    timed and backend, the range of its cases' ratios to the base and of their smallest detectable changes, and
    the aggregate over the cases with its interval, p-value and smallest detectable change (each case: the
    review's own files)."""
    lines = [ADJACENT_START, "", "| run | a process per | timed | head / base | backend | cases | cases' ratios | "
             "cases' smallest detectable change: median (largest) | all cases: ratio [95 % interval] | p | smallest "
             "detectable change |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run, per_process, measured, names, benchmark, base, head in _adjacent_runs(adjacent_pairs.FILES):
        pairs = adjacent_pairs.pairs(measured, base, head, benchmark)
        for backend, rows in pairs.groupby("backend", sort=False):
            ratios = [paired.log_ratios(b, h) for b, h in zip(rows["rounds_base"], rows["rounds_head"])]
            cases = [paired.estimate(r) for r in ratios]
            both = paired.aggregate_estimate(ratios)
            detectable = sorted(case.detectable for case in cases)
            lines.append(f"| {run} | {per_process} | {measured.get('metric', 'gradient')} | {names[head]} / "
                         f"{names[base]} | {backend} | {len(cases)} | "
                         f"{min(c.ratio for c in cases):.3f} to {max(c.ratio for c in cases):.3f} | "
                         f"{statistics.median(detectable):.1%} ({detectable[-1]:.1%}) | {both.ratio:.3f} "
                         f"[{both.low:.3f}, {both.high:.3f}] | {both.p:.2g} | {both.detectable:.1%} |")
    return "\n".join(lines + ["", ADJACENT_END])


def _sharing_row(run: str, timed: str, names: str, speed) -> str | None:
    rows = speed[(speed["family"] == SHARED_FAMILY) & speed["kind"].isin(["sampling", adjacent_pairs.SAMPLING_KIND])]
    counts = rows["log_ratios"].map(len)
    rows = rows[counts == counts.max()] if len(rows) else rows
    if len(rows) < 3:
        return None
    log_ratios = np.vstack(rows["log_ratios"].tolist())
    shared = paired.round_sharing(log_ratios)
    return (f"| {run} | {timed} | {names} | {len(rows)} | {log_ratios.shape[1]} | "
            f"{np.median(np.std(log_ratios, axis=1, ddof=1)):.1%} | {shared['round_means_sd']:.1%} | "
            f"{shared['independent_sd']:.1%} | {shared['correlation']:.2f} |")


def shared() -> str:
    """Per review with the pymc-* family's sampling runs in rounds (asv's, or adjacent processes): how much of their
    noise a round shares (reporting/paired.py round_sharing)."""
    lines = [SHARED_START, "", f"| run | timed in | head / base | {SHARED_FAMILY} sampling cases | judged rounds | "
             "a case's spread (median sd of its log ratios) | sd of the rounds' means | the same were the cases "
             "independent | mean correlation between cases |", "|---|---|---|---|---|---|---|---|---|"]
    for evidence in REVIEWS:
        base, head = commit(evidence.base), commit(evidence.head)
        *_, pairs = compare.review_pairs(ROOT / "results-review" / evidence.run, compare.Side(base, evidence.machine),
                                         compare.Side(head, evidence.machine))
        speed = compare.paired_speed(pairs[pairs["benchmark"] == compare.WALL])
        row = _sharing_row(evidence.run, "asv's rounds", f"{evidence.head} / {evidence.base}", speed)
        lines += [row] if row else []
    sampling = {adjacent_pairs.SAMPLING: adjacent_pairs.SAMPLING_FILE}
    for run, _, measured, names, benchmark, base, head in _adjacent_runs(sampling):
        speed = compare.paired_speed(adjacent_pairs.pairs(measured, base, head, benchmark))
        row = _sharing_row(run, "adjacent processes", f"{names[head]} / {names[base]}", speed)
        lines += [row] if row else []
    return "\n".join(lines + ["", SHARED_END])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 where a file would change")
    args = parser.parse_args(argv)
    reviews = {evidence.name: review(evidence) for evidence in REVIEWS}
    page = replace_block(PAGE.read_text(), START, END, summary(reviews), str(PAGE))
    wanted = {EVIDENCE_DIR / f"{name}.md": text for name, text in reviews.items()}
    page = replace_block(page, PLANS_START, PLANS_END, plans(), str(PAGE))
    page = replace_block(page, ADJACENT_START, ADJACENT_END, adjacent(), str(PAGE))
    wanted[PAGE] = replace_block(page, SHARED_START, SHARED_END, shared(), str(PAGE))
    wanted[README] = replace_block(README.read_text(), README_START, README_END, readme(reviews), str(README))
    stale = [path for path, text in wanted.items() if not path.exists() or path.read_text() != text]
    if args.check:
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (python scripts/evidence.py rewrites it)", file=sys.stderr)
        return 1 if stale else 0
    EVIDENCE_DIR.mkdir(parents=True, exist_ok=True)
    for path in stale:
        path.write_text(wanted[path])
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
