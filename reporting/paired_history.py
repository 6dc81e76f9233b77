"""The paired history (scripts/paired_history.py, `make paired-history`) as a page: per pair of neighbouring releases
measured as duets, each family's geometric-mean ratio (the later release over the earlier) with its interval and the
review's verdict, per kind; the host canary of the pair's processes; the dependencies the release-day stacks changed;
and, beside each, the same ratio from the release-day history (each release in a session of its own), so that a
reader sees what pairing changed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reporting import adjacent, compare, findings, pages
from reporting.paired import FDR, FLOOR, TRIM, WARMUP_ROUNDS, across_cases, family_of
from reporting.paired_steps import (HISTORY_BENCHMARK, PairedProject, backends_of, family_cases, pair_folders,
                                    paired_project, review_pairs_of, stack_of_pairs)

KIND_NAMES = {adjacent.KIND: "gradient", adjacent.SAMPLING_KIND: "sampling"}  # as the page names each kind
INJECTED_STEP = 1.10  # the step the page checks it would find at every pair (issue 23: a 10 % step, named)
SHOWN_VERSIONS = ["pytensor", "numpy", "scipy", "numba", "nutpie", "jax", "numpyro", "blackjax"]


AA = "aa"  # the A/A pair's folder (scripts/paired_history.py --aa); its repeats' aa-2, aa-3, ...
README_START, README_END = "<!-- paired history: written by make findings -->", "<!-- paired history end -->"


def aa_folder(run: int) -> str:
    """The folder of the A/A pair's run `run` (1: the first)."""
    return AA if run == 1 else f"{AA}-{run}"


@dataclass(frozen=True)
class AARun:
    """One run of the A/A pair: its folder, files, review pairs and review (None: no round judged yet)."""
    folder: Path
    files: list[tuple[str, dict]]
    pairs: pd.DataFrame
    review: compare.PairedReview | None


def aa_runs(results: Path) -> list[AARun]:
    """The A/A pair's runs measured under `results`, in the order of their runs."""
    folders = [path for path in Path(results).glob(f"{AA}*") if re.fullmatch(rf"{AA}(-\d+)?", path.name)]
    runs = []
    for folder in sorted(folders, key=lambda path: int(path.name.partition("-")[2] or 1)):
        if files := adjacent.read(folder):
            pairs = review_pairs_of(files)
            runs.append(AARun(folder, files, pairs, compare.paired_review(pairs)))
    return runs


def measured_pairs(results: Path) -> list[tuple[Path, list[tuple[str, dict]]]]:
    """The pairs' folders (BASE..HEAD), in release order, each with its files (adjacent.read)."""
    return sorted(pair_folders(results),
                  key=lambda pair: [findings.release_key(release) for release in pair[0].name.split("..")])


def versions_changed(files: list[tuple[str, dict]]) -> str:
    """The shown dependencies whose release-day version differs between the pair's sides, base -> head."""
    recorded = next((measured["versions"] for _, measured in files if measured.get("versions")), None)
    if not recorded:
        return "not recorded"
    base, head = (recorded[commit]["resolved"] for commit in files[0][1]["commits"][:2])
    moved = [f"{name} {base.get(name, '-')} -> {head.get(name, '-')}" for name in SHOWN_VERSIONS
             if base.get(name) != head.get(name)]
    return ", ".join(moved) or "none of " + ", ".join(SHOWN_VERSIONS)


def unpaired_ratio(history: pd.DataFrame, releases: tuple[str, str], benchmark: str, members: pd.DataFrame) -> float:
    """The release-day history's ratio head/base of `benchmark` for the cases of a family aggregate, taken over them
    as the aggregate takes each round (the geometric mean, paired.TRIM of the cases off each end), where the history
    has both releases of every case; NaN otherwise."""
    rows = history[(history["benchmark"] == benchmark) & history["release"].isin(releases)]
    values = rows.pivot_table(index=["model", "backend"], columns="release", values="value", aggfunc="median")
    wanted = pd.MultiIndex.from_frame(members[["model", "backend"]])
    values = values.reindex(index=wanted, columns=list(releases))
    if values.isna().any().any():
        return np.nan
    return float(np.exp(across_cases(np.log(values[releases[1]] / values[releases[0]]))))


def other_runs(folder: Path) -> list[str]:
    """The pair's other runs of the gradient (NAME-adjacent_pairs.json beside the one judged: an earlier way of
    measuring it, kept), each family's ratio and the smallest change it could flag, for comparison."""
    lines = []
    for path in sorted(folder.glob(f"*-{adjacent.FILE}")):
        measured = json.loads(path.read_text())
        review = compare.paired_review(adjacent.pairs(measured, *measured["commits"][:2]))
        uneven = adjacent.uneven_rounds(measured["samples"], *measured["commits"][:2])[WARMUP_ROUNDS:]
        if review is None:
            continue
        families = "; ".join(f"{row.family} {compare.ratio_text(row.ratio, row.low, row.high)}, flagged from "
                             f"{row.flagged_from:.1%}" for row in review.aggregates.itertuples())
        lines.append(f"Another run of the gradient, `{path.name}` ({'pinned' if measured.get('pinned') else 'unpinned'}"
                     f", {_rounds(measured)} rounds, {int(uneven.sum())} of the judged not judged for an uneven canary):"
                     f" {families}.")
    return lines


def injected_steps_found(pairs: pd.DataFrame, review: compare.PairedReview,
                         factor: float = INJECTED_STEP) -> dict[str, tuple[int, int]]:
    """Per kind (KIND_NAMES): of the pair's family aggregates judged the same, how many the review flags as slower
    once `factor` is added to the head's judged rounds of that family's cases of that kind (one aggregate at a time,
    everything else as measured, the canary untouched), of how many tried. (Where a family moved at the pair, the step
    added would only make it move more or less.)"""
    return {name: _injected_found(pairs, review, factor, kind) for kind, name in KIND_NAMES.items()}


def _injected_found(pairs: pd.DataFrame, review: compare.PairedReview, factor: float, kind: str) -> tuple[int, int]:
    same = review.aggregates[(review.aggregates["verdict"] == "same") & (review.aggregates["kind"] == kind)]
    kinds, families = pairs["benchmark"].map(compare.PAIRED_KINDS), pairs["backend"].map(family_of)
    found = 0
    for family, kind in zip(same["family"], same["kind"]):
        stepped = (kinds == kind) & (families == family)
        changed = pairs.assign(rounds_head=[rounds * factor if step else rounds
                                            for rounds, step in zip(pairs["rounds_head"], stepped)])
        verdicts = compare.paired_review(changed).aggregates
        found += bool(((verdicts["family"] == family) & (verdicts["kind"] == kind)
                       & (verdicts["verdict"] == "slower")).any())
    return found, len(same)


def not_judged(files: list[tuple[str, dict]], releases: tuple[str, str]) -> list[str]:
    """The (case, backend) pairs left out of the ratios, why: those that failed or were skipped on one release only,
    and those that failed on both (a skip on both is by design: a discrete model on a gradient-only sampler)."""
    lines = []
    for benchmark, measured in files:
        sides = dict(zip(measured["commits"][:2], releases))
        for pair, why in measured.get("skipped", {}).items():
            reasons = why if isinstance(why, dict) else dict.fromkeys(sides, why)
            failed = {commit: reason for commit, reason in reasons.items() if reason.startswith("failed")}
            if len(reasons) == 1:
                ((commit, reason),) = reasons.items()
                where = f"{reason.split(':', 1)[0]} on {sides[commit]} only"
            elif len(failed) == len(sides):
                reason, where = next(iter(failed.values())), "failed on both"
            else:
                continue
            lines.append(f"{adjacent.KINDS[benchmark]}: {pair} {where} ({reason.split(':', 1)[-1].strip()[:160]})")
    return lines


def step_rows(releases: tuple[str, str], review: compare.PairedReview, history: pd.DataFrame) -> pd.DataFrame:
    """Per family and kind of one pair: the judged aggregate, the history's unpaired ratio and, for the sampling
    time, the history's ratio of the runs' gradient evaluations (tuning included) on the same cases: of a sampling
    step, the part that more or fewer evaluations explain."""
    members = family_cases(review)
    kinds = list(zip(review.aggregates["kind"], members))
    return judged_families(review).assign(
        unpaired=[unpaired_ratio(history, releases, HISTORY_BENCHMARK[kind], cases) for kind, cases in kinds],
        evaluations=[unpaired_ratio(history, releases, compare.GRAD_EVALS_TOTAL, cases)
                     if kind == adjacent.SAMPLING_KIND else np.nan for kind, cases in kinds],
        backends=[backends_of(cases) for cases in members])


def judged_families(review: compare.PairedReview) -> pd.DataFrame:
    """The pair's judged family aggregates, with their interval as text and their kind's short name."""
    rows = review.aggregates
    return rows.assign(interval=[compare.ratio_text(r, lo, hi) for r, lo, hi in zip(rows["ratio"], rows["low"], rows["high"])],
                       kind=rows["kind"].map(KIND_NAMES))


def unpaired_history(results: Path, replicates: Path | None, tags_file: Path, machine: str, stack: str) -> pd.DataFrame:
    """The unpaired history's kept rows in `stack` (findings.stack_of: release-day, or the PyMC the nutpie history
    holds; a release measured twice, in `replicates`: its faster run), with their release."""
    commits = findings.release_commits(tags_file)
    again = (findings.measurements(replicates, machine) if replicates and (Path(replicates) / machine).is_dir()
             else pd.DataFrame())
    kept = findings.history(findings.measurements(results, machine), again, commits).everything
    kept = kept[(kept["env"].map(findings.stack_of) == stack) & (kept["status"] == "ok")]
    return kept.assign(release=kept["commit"].map(commits))


@dataclass(frozen=True)
class Page:
    markdown: str  # docs/paired-history.md (PyMC's pairs) or paired-history-nutpie.md
    summary: str  # its summary in one paragraph, for README.md's block
    project: PairedProject  # whose releases it pairs


def render(results: Path, history: pd.DataFrame, machine: str) -> Page:
    pairs = measured_pairs(results)
    project = paired_project(stack_of_pairs(pairs))
    intro = [f"<!-- written by `{project.make}` (python -m reporting paired-history) from "
             f"{Path(results).parent.name}/{machine} -->", "",
             "# The paired history: neighbouring releases measured as duets"
             + ("" if project.name == "PyMC" else f" ({project.name})"), "",
             f"Machine {machine}. Each pair of neighbouring {project.name} releases is measured as a pull request's "
             f"review measures base and head (docs/review.md): both releases' processes alive at once, {project.sides}"
             f", their samples taken in turn, round after round (`{project.make}`). A family's "
             "ratio (the later release over the earlier: below 1 is faster) is the geometric mean over its cases, "
             f"{TRIM:.0%} of them off each end (round by round, as the review's family aggregates), "
             "with its 95 % interval from the rounds and the review's verdict: flagged where its p-value, adjusted "
             "for false discoveries within the pair (Benjamini-Hochberg over the pair's cases and families: \"adjusted "
             f"p\"), is below {FDR:g} and the change is at least {FLOOR:.0%}, so an interval that excludes 1 "
             f"may still be judged the same. \"Unpaired\" is the same ratio from {project.unpaired} whose releases "
             "were measured in sessions of their own; \"gradient evaluations\", beside a sampling time, is that "
             "history's ratio of the runs' gradient evaluations (tuning included) on the same cases: the part of a "
             "sampling step that more or fewer evaluations explain, the rest being the time per evaluation (the "
             "pair's gradient row) and the sampler's own work.", ""]
    sections, judged, injected = [], [], []
    for folder, files in pairs:
        releases = tuple(folder.name.split(".."))
        sections += [f"## {releases[0]} -> {releases[1]}", ""]
        if (review := compare.paired_review(pair_rows := review_pairs_of(files))) is None:
            sections += ["No round judged on both sides yet.", ""]
            continue
        sections += pair_notes(folder, files, review, releases)
        rows = step_rows(releases, review, history)
        judged.append(rows.assign(step=f"{releases[0]} -> {releases[1]}"))
        injected.append(injected_steps_found(pair_rows, review))
        sections += [family_table(rows), ""]
    rows = pd.concat(judged, ignore_index=True) if judged else pd.DataFrame()
    aa = aa_runs(results)
    summarized = [*summary(rows, len(pairs), injected), *aa_summary(aa)]
    aa_sections = [line for run in aa for line in aa_section(run)]
    return Page("\n".join([*intro, *summarized, *sections, *aa_sections]),
                " ".join(line for line in summarized if line), project)


def readme_block(page: Page, machine: str, out: str) -> str:
    return (f"{README_START}\nNeighbouring releases measured as duets on {machine}, {page.project.sides} "
            f"([{out}]({out})): {page.summary}\n{README_END}")


def pair_notes(folder: Path, files: list[tuple[str, dict]], review: compare.PairedReview,
               releases: tuple[str, str]) -> list[str]:
    """A pair's rounds, moved dependencies and host canary, and its notes (rounds not judged, one-sided failures,
    other runs), as lines of the page."""
    lines = ["Rounds: " + ", ".join(f"{adjacent.KINDS[benchmark]} {_rounds(measured)}"
                                    + (" (pinned to one core)" if measured.get("pinned") else "") + _when(measured)
                                    for benchmark, measured in files)
             + f" (the first not judged). Dependencies that moved: {versions_changed(files)}."]
    if (host := review.canary) is not None:
        lines.append("Host canary in the pair's processes, head/base: "
                     f"{compare.ratio_text(host.ratio, host.low, host.high)} (it does not depend on PyMC).")
    notes = adjacent.budget_stops(files) + adjacent.uneven_notes(files, *files[0][1]["commits"][:2]) \
        + not_judged(files, releases) + other_runs(folder)
    return [*lines, *(f"- {note}" for note in notes), ""]


def family_table(rows: pd.DataFrame) -> str:
    """The judged family aggregates; with the unpaired ratio where `rows` has it (the pairs of releases), and the
    gradient evaluations' where a row has them (the sampling time's)."""
    history = {"unpaired": "unpaired", "evaluations": "gradient evaluations"}
    columns = {"family": "family", "kind": "kind", **({"backends": "backends"} if "backends" in rows.columns else {}),
               "cases": "cases", "interval": "paired ratio [95 %]", "p_adjusted": "adjusted p",
               "verdict": "verdict", "flagged_from": "flagged from",
               **{name: header for name, header in history.items()
                  if name in rows.columns and (name == "unpaired" or rows[name].notna().any())}}
    shown = rows.assign(flagged_from=[f"{value:.1%}" for value in rows["flagged_from"]])[list(columns)]
    if "backends" in columns:
        shown["backends"] = shown["backends"].map(", ".join)
    as_text = []
    for name in history.keys() & columns.keys():  # 1.000 and not 1, as the paired ratio: tabulate would read a number
        shown[name] = [f"{value:.3f}" if value == value else "-" for value in shown[name]]
        as_text.append(list(columns).index(name))
    return shown.rename(columns=columns).to_markdown(index=False, floatfmt=".3g", disable_numparse=as_text)


def aa_summary(runs: list[AARun]) -> list[str]:
    """The A/A pair's false alarms over its runs (their cases and family aggregates judged other than same), and the
    steps of 5 and 10 % they find when added to one family's samples of aa."""
    judged = [run for run in runs if run.review is not None]
    if not judged:
        return []
    tries = {factor: tally([injected_steps_found(run.pairs, run.review, factor) for run in judged])
             for factor in (1.05, INJECTED_STEP)}
    found = ", ".join(f"{factor - 1:.0%} in {found_text(totals)}" for factor, totals in tries.items())
    speed = pd.concat([run.review.speed for run in judged], ignore_index=True)
    aggregates = pd.concat([run.review.aggregates for run in judged], ignore_index=True)
    cases, families = (int((table["verdict"] != "same").sum()) for table in (speed, aggregates))
    runs_text = "one run; last section" if len(judged) == 1 else f"{len(judged)} runs at different times; last sections"
    return [f"A/A (one release against itself, measured as a pair is, {runs_text}): {cases} of {len(speed)} cases and "
            f"{families} of {len(aggregates)} family aggregates flagged, each one a false alarm; the cases' ratios "
            f"{speed['ratio'].min():.3f}-{speed['ratio'].max():.3f}, the smallest change a case could be flagged at "
            f"{speed['flagged_from'].median():.1%} (median); a step added to one family's samples of aa "
            f"flagged as slower: {found}.", ""]


def aa_section(run: AARun) -> list[str]:
    release = next(iter(run.files[0][1].get("versions", {}).values()), {}).get("pymc", "one release")
    lines = [f"## A/A: {release} against itself ({run.folder.name}/)", "",
             "The mirror's aa^ (the release) and aa (a commit that changes nothing on it), in one release-day "
             "environment, measured as the pairs above are (`make paired-aa`): any verdict but \"same\" is a false "
             "alarm.", ""]
    if run.review is None:
        return [*lines, "No round judged on both sides yet.", ""]
    notes = pair_notes(run.folder, run.files, run.review, ("aa^", "aa"))
    return [*lines, *notes, family_table(judged_families(run.review)), ""]


def tally(counts: list[dict[str, tuple[int, int]]]) -> dict[str, tuple[int, int]]:
    """Per kind, injected steps found and tried (injected_steps_found's counts), summed."""
    return {name: (sum(count[name][0] for count in counts), sum(count[name][1] for count in counts))
            for name in KIND_NAMES.values()}


def found_text(totals: dict[str, tuple[int, int]], unit: str = "") -> str:
    """A tally as the page says it: "39 of 40 tries (gradient 39 of 39, sampling 0 of 1)", the kinds tried."""
    found, tried = (sum(count[i] for count in totals.values()) for i in (0, 1))
    kinds = [f"{name} {hits} of {tries}" for name, (hits, tries) in totals.items() if tries]
    return f"{found} of {tried}{unit}" + (f" ({', '.join(kinds)})" if len(kinds) > 1 else "")


def summary(rows: pd.DataFrame, pairs: int, injected: list[dict[str, tuple[int, int]]]) -> list[str]:
    """The pairs' family verdicts in a few lines: the steps flagged, how many aggregates could flag a 10 % step, and
    (`injected`: injected_steps_found per pair) how many such steps, added, they flagged."""
    if rows.empty:
        return [f"{findings.plural(pairs, 'pair')} measured, none judged yet.", ""]
    flagged = rows[rows["verdict"] != "same"]
    steps = "; ".join(f"{row.family} {row.kind} x{row.ratio:.3f} [{row.low:.3f}, {row.high:.3f}] at {row.step}"
                      for row in flagged.itertuples()) or "none"
    small = int((rows["flagged_from"] <= 0.10).sum())
    kinds = "; ".join(f"{kind}: {len(group)} at {findings.plural(len(set(group['step'])), 'pair')}, on "
                      f"{', '.join(sorted(set().union(*group['backends'])))}"
                      for kind, group in rows.groupby("kind"))
    return [f"{findings.plural(pairs, 'pair')} measured, {findings.plural(len(rows), 'family aggregate')} judged "
            f"({kinds}). Flagged: {steps}. A 10 % step "
            f"would be flagged (the smallest flaggable change, \"flagged from\", at most 10 %) in {small} of the {len(rows)}; "
            + injected_text(tally(injected)), ""]


def injected_text(totals: dict[str, tuple[int, int]]) -> str:
    """How many 10 % steps added at the pairs were flagged (tally), or that no family was judged the same to add one."""
    if not sum(tried for _, tried in totals.values()):
        return "no family was judged the same, so no step was added to one."
    return (f"added to the later release's samples of a family judged the same ({INJECTED_STEP:g}x, one family at "
            f"one pair at a time), it was flagged as slower in {found_text(totals, ' tries')}.")


def _when(measured: dict) -> str:
    """When a duet file's rounds ended (UTC), where it recorded that (scripts/adjacent_pairs.py since 2026-12-07)."""
    ended = measured.get("rounds_ended")
    return f", ended {ended[0]} to {ended[-1]} UTC" if ended else ""


def _rounds(measured: dict) -> int:
    """The rounds a duet file holds (its first not judged)."""
    counts = [len(values) for by_case in measured["samples"].values() for by_commit in by_case.values()
              for values in by_commit.values()]
    return max(counts, default=0)


def main(args) -> int:
    machine = args.machine or Path(args.results).resolve().name
    stack = stack_of_pairs(pair_folders(Path(args.results)))
    project = paired_project(stack)
    history = unpaired_history(Path(args.history or project.history), args.replicates and Path(args.replicates),
                               Path(args.tags or project.tags), machine, stack)
    page = render(Path(args.results), history, machine)
    out = args.out or f"docs/{project.page}"
    Path(out).write_text(page.markdown)
    print(f"wrote {out}")
    if args.readme:
        readme = Path(args.readme)
        pages.update_block(readme, README_START, README_END, readme_block(page, machine, out))
        print(f"wrote {readme}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", required=True, help="the pairs' folder: results-paired/<machine> (PyMC's "
                        "releases) or results-paired-nutpie/<machine> (nutpie's), as their files record")
    parser.add_argument("--machine", default=None, help="default: the last part of --results")
    parser.add_argument("--history", help="the unpaired history's results (default: the pairs' project's: results "
                        "or results-nutpie)")
    parser.add_argument("--replicates", help="the history's releases measured again (make replicate)")
    parser.add_argument("--tags", help="its releases' tags (default: the pairs' project's)")
    parser.add_argument("--out", help="default: docs/paired-history.md or docs/paired-history-nutpie.md")
    parser.add_argument("--readme", help="also rewrite the paired history's block of this README")
