"""`make findings`: the pages "findings across releases" (docs/findings.md, docs/findings-nutpie.md), from the
committed histories.

Every series of a machine's history (reporting.changes) is searched for steps; the flagged ones are
listed with their release, size and interval, whether gradient evaluations or ESS moved with them
(an algorithmic change rather than a slower evaluation) and which packages changed at that release.
The page also shows how well the detection works on these very series: each family series' noise and
the smallest step it could flag, a 10 % step added to each family series from each release in turn,
and the false alarms of the series with their steps taken out and their releases shuffled. Where
releases were also measured as pairs (the paired history, `--paired`), the gradient steps found at them
are checked against the pairs' verdicts on the same cases.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reporting import adjacent, changes
from reporting.pages import update_block
from reporting.paired import TRIM
from reporting.paired_steps import (HISTORY_BENCHMARK, case_verdicts, family_verdicts, judged_pairs,
                                    pair_folders, paired_project, stack_of_pairs)
from reporting.results import CANARY, GRADIENT, WALL, in_progress, result_files, tidy, to_markdown

FAMILY = "(family)"
PACKAGES = ("pytensor", "numpy", "numba", "nutpie", "jax", "numpyro", "blackjax", "arviz", "scipy", "torch")


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def release_commits(tags_file: Path) -> dict[str, str]:
    """commit -> release ("6.4.0") for the mirror's release tags, as the committed results know them."""
    tags = json.loads(Path(tags_file).read_text())
    return {commit: tag[1:] for tag, commit in tags.items() if tag.startswith("v")}


def stack_of(env: str) -> str:
    """release-day or today for the PyMC history; for the nutpie history the PyMC it holds fixed."""
    fixed = re.search(r"-pymc([\d.]+)-", env)
    return "release-day" if "PMB_STACKrelease-day" in env else f"PyMC {fixed.group(1)}" if fixed else "today"


def versions_by_commit(results_dir: Path, machine: str) -> dict[tuple[str, str], dict]:
    path = Path(results_dir) / machine / "versions.json"
    known = json.loads(path.read_text()) if path.exists() else {}
    return {(commit, env): versions for commit, envs in known.items() for env, versions in envs.items()}


def dependency_changes(step: pd.Series, commits: dict[str, str], versions: dict) -> str:
    """The packages whose versions differ between the step's two releases (in that environment)."""
    by_release = {release: commit for commit, release in commits.items()}
    before = versions.get((by_release[step["before"]], step["env"]), {})
    after = versions.get((by_release[step["release"]], step["env"]), {})
    moved = [f"{name} {before.get(name, '-')} -> {after.get(name, '-')}" for name in PACKAGES
             if before.get(name) != after.get(name) and (before.get(name) or after.get(name))]
    return ", ".join(moved) if moved else ("not recorded" if not (before and after) else "none")


def host_change(step: pd.Series, canary: dict[tuple[str, str], float]) -> str:
    """The canary's new / old between the step's two releases' runs: a host that moved, not PyMC."""
    before, after = canary.get((step["before"], step["env"])), canary.get((step["release"], step["env"]))
    return f"x{after / before:.2f}" if before and after else "not measured"


def run_starts(everything: pd.DataFrame, commits: dict[str, str]) -> dict[tuple[str, str], pd.Timestamp]:
    """Per (release, env): when its kept run began (its first benchmark's start)."""
    released = everything[everything["commit"].isin(commits)]
    return {(commits[commit], env): started for (commit, env), started
            in released.groupby(["commit", "env"])["run"].min().items()}


def when_measured(step: pd.Series, starts: dict[tuple[str, str], pd.Timestamp]) -> str:
    """When the step's two releases' runs began, and the hours between: neighbours measured in one session share
    its host, a step between sessions may be the sessions'."""
    before, after = starts.get((step["before"], step["env"])), starts.get((step["release"], step["env"]))
    if before is None or after is None:
        return "not recorded"
    hours = abs((after - before).total_seconds()) / 3600
    return f"{before:%Y-%m-%d %H:%M} and {after:%Y-%m-%d %H:%M} UTC, {hours:.1f} h apart"


def releases_table(frame: pd.DataFrame, commits: dict[str, str], versions: dict,
                   backend_prefix: str, measured: History) -> pd.DataFrame:
    """Per measured release and stack: its date, the minutes asv's run (the one kept) took, its host canary, the
    outcome of the sampling pairs (of the backends named `backend_prefix`..., those the history runs), and the
    versions it ran with."""
    out = []
    for (commit, env), group in frame[frame["commit"].isin(commits)].groupby(["commit", "env"]):
        sampling = group[(group["benchmark"] == WALL) & group["backend"].str.startswith(backend_prefix)]
        wall = sampling["status"].value_counts()
        known = versions.get((commit, env), {})
        host = measured.canary.get((commits[commit], env))
        out.append({"release": commits[commit], "stack": stack_of(env), "date": str(group["date"].iloc[0].date()),
                    "minutes": round(group.groupby("benchmark")["grid_seconds"].first().sum() / 60),
                    "measured": str(group["run"].max().date()),
                    "runs": 2 if (commits[commit], env) in measured.twice else 1,
                    "host canary ms": f"{host * 1e3:.2f}" if host else "-",
                    "sampling ok / failed / skipped": f"{wall.get('ok', 0)} / {wall.get('failed', 0)} / "
                                                      f"{wall.get('skipped', 0)}",
                    **{package: known.get(package, "-") for package in PACKAGES if package != "torch"},
                    "resolved as of": known.get("as_of", "-")[:10]})
    return pd.DataFrame(out).sort_values(["date", "stack"], kind="stable") if out else pd.DataFrame(out)


def validation(table: pd.DataFrame, found: pd.DataFrame, factor: float = 1.10,
               apart: dict | None = None) -> tuple[list[dict], tuple[float, float], int]:
    """Per family series with enough releases: its noise, the smallest step the report could flag at its middle,
    at which releases a step of `factor` added from there on is flagged there, and (`apart`, runs_apart) how far
    two runs of one release lay apart. And the false alarms over every searched series with its steps taken out
    and its releases shuffled. `found`: changes.findings(table)."""
    apart = apart or {}
    searched = sum(table[column].dropna().size >= changes.MIN_POINTS for column in table.columns)
    checks = []
    families = table.loc[:, table.columns.get_level_values("model") == FAMILY]
    for column in families.columns:
        series = families[column].dropna()
        if len(series) < 2 * changes.MIN_POINTS:
            continue
        sd = float(changes.noise(np.log(series.to_numpy(dtype=float))))
        checks.append({"column": column, "points": len(series), "noise": sd, "apart": apart.get(column, []),
                       "smallest": changes.smallest_step(len(series), sd, changes.FDR / max(searched, 1)),
                       "found": changes.injected_steps_found(table, column, factor, found)})
    return checks, changes.false_alarms(table, measured=found), searched


def measurements(results_dir: Path, machine: str) -> pd.DataFrame:
    """Every finished result of results_dir/machine, tidy."""
    return tidy([result for result in result_files(results_dir, machine) if not in_progress(result)], plain=True)


def series_tables(everything: pd.DataFrame, commits: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The released commits' rows of the (model, backend) benchmarks (speed and the tracked counts), their
    table of series, and its speed series alone (changes.SERIES)."""
    frame = everything[everything["model"] != ""]  # the (model, backend) benchmarks; the canary apart
    rows = changes.release_rows(frame[frame["benchmark"].isin({**changes.SERIES, **changes.ALGORITHMIC})], commits)
    table = changes.series_table(rows)
    return rows, table, table.loc[:, table.columns.get_level_values("benchmark").isin(list(changes.SERIES))]


@dataclass
class History:
    """A machine's history, each release (and environment) from one run: where it was measured twice (`make
    replicate`), the faster run (`faster_runs`). `everything`: those runs' tidy rows; `canary`: the kept run's host
    canary per (release, env); `twice`: the (release, env) measured twice; `other`: the tidy rows of the runs not
    kept."""
    everything: pd.DataFrame
    canary: dict[tuple[str, str], float]
    twice: list[tuple[str, str]]
    other: pd.DataFrame


def faster_runs(runs: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Per (commit, env) measured more than once: the run (`run_of`) whose speed benchmarks took less time, the
    geometric mean over those every run of it has. A host shared with others only slows a run, and a slowed run is
    slow in every series: PyMC 5.19.0's first run, 1.3-2.3x slower in every family than its second."""
    speed = runs[runs["benchmark"].isin(list(changes.SERIES)) & (runs["status"] == "ok")]
    chosen = {}
    for key, group in speed.groupby(["commit", "env"]):
        by_run = group.pivot_table(index=["benchmark", "model", "backend"], columns="run_of", values="value")
        if by_run.shape[1] > 1:
            chosen[key] = int(np.log(by_run.dropna()).mean().idxmin())
    return chosen


def history(first: pd.DataFrame, again: pd.DataFrame, commits: dict[str, str]) -> History:
    """`first`: the history's tidy measurements (`measurements`); `again`: those of releases measured again."""
    runs = pd.concat([first.assign(run_of=0), again.assign(run_of=1)], ignore_index=True) if not again.empty \
        else first.assign(run_of=0)
    runs = runs[runs["commit"].isin(commits)]
    chosen = faster_runs(runs)
    keys = list(zip(runs["commit"], runs["env"]))
    kept = runs[[chosen.get(key, 0) == run for key, run in zip(keys, runs["run_of"])]]
    other = runs[[key in chosen and chosen[key] != run for key, run in zip(keys, runs["run_of"])]]
    hosts = kept[(kept["benchmark"] == CANARY) & (kept["status"] == "ok")]
    canary = {(commits[row.commit], row.env): float(row.value) for row in hosts.itertuples()}
    twice = sorted(((commits[commit], env) for commit, env in chosen), key=lambda key: (release_key(key[0]), key[1]))
    return History(kept, canary, twice, other)


def runs_apart(searched: pd.DataFrame, members: dict[tuple, list[tuple]], other: pd.DataFrame,
               commits: dict[str, str]) -> dict[tuple, list[float]]:
    """Per series searched (the kept runs' speed series and their families of `members`): the log differences
    between a release's kept run and its other run (History.other), release by release."""
    if other.empty:
        return {}
    speed_other = series_tables(other, commits)[2]
    speed_other = speed_other.reindex(columns=[column for column in searched.columns if column[3] != FAMILY])
    families = changes.family_table(speed_other, members, scale=searched[speed_other.columns].median())
    return changes.run_to_run(searched, pd.concat([speed_other, families], axis=1))


def release_key(release: str) -> tuple[int, ...]:
    return tuple(int(part) for part in release.split(".") if part.isdigit())


def step_releases(step: pd.Series, commits: dict[str, str]) -> str:
    """'5.15.0 -> 6.0.0', saying how many releases of the history lie between, not measured there."""
    low, high = release_key(step["before"]), release_key(step["release"])
    between = sum(low < release_key(release) < high for release in set(commits.values()))
    return f"{step['before']} -> {step['release']}" + (f" ({plural(between, 'release')} between not measured)" if between else "")


FAMILY_SUFFIX = " (trimmed geometric mean of its cases)"
HOST = "host canary, new / old"
RUNS = "runs began"


def _label(row) -> str:
    if row["model"] == FAMILY:
        return row["backend"] + FAMILY_SUFFIX
    return f"{row['model']} / {row['backend']}"


def analyse(results_dir: Path, tags_file: Path, machine: str, project: str = "PyMC", replicates: Path | None = None,
            paired: Path | None = None) -> tuple[str, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The page's markdown, its table of steps found, its table of releases measured, and the steps as found
    (changes.findings' rows, in the page's order). `replicates`: the results of releases measured again; `paired`:
    the paired history's pairs of this machine (results-paired/<machine>), to check the steps against."""
    commits = release_commits(tags_file)
    again = measurements(replicates, machine) if replicates and (Path(replicates) / machine).is_dir() else pd.DataFrame()
    measured_twice = history(measurements(results_dir, machine), again, commits)
    everything, canary = measured_twice.everything, measured_twice.canary
    starts = run_starts(everything, commits)
    frame = everything[everything["model"] != ""]  # the (model, backend) benchmarks; the canary apart
    rows, table, speed = series_tables(everything, commits)
    members = changes.family_members(speed)
    searched_table = pd.concat([speed, changes.family_table(speed, members)], axis=1)
    found = changes.findings(searched_table)
    versions = versions_by_commit(results_dir, machine)
    measured = releases_table(frame, commits, versions, "" if project == "PyMC" else project.lower(), measured_twice)
    releases = list(dict.fromkeys(measured["release"])) if not measured.empty else []
    lines = [f"<!-- written by `make findings` (python -m reporting findings) from {Path(results_dir).name}/{machine} -->", "",
             f"# Findings across {project} releases", "",
             f"Machine {machine}: {len(releases)} {project} releases measured "
             f"({', '.join(releases) if releases else 'none'}); stacks: "
             f"{', '.join(sorted({stack_of(env) for env in rows['env']})) or 'none'}.", ""]
    if not measured.empty:
        lines += ["## Releases measured", "", "Minutes: the sum of asv's recorded durations, each benchmark's last run (environment "
                  "and install not included; a benchmark re-run alone later counts only that run). Measured: the day of "
                  "the run; host canary: the run's time of a fixed pure-Python workload (no PyMC), timed first in the "
                  "run. The releases were measured over several sessions, and a host that is slow one day is slow for "
                  "every benchmark: of a release measured twice (`make replicate`; runs: 2) the run whose speed "
                  "benchmarks took less time is kept (the canary, timed once at a run's start, is no sure sign of a "
                  "slow run). Versions as each run recorded them.", "", to_markdown(measured.set_index("release")), ""]
    searched = [c for c in searched_table.columns if searched_table[c].dropna().size >= changes.MIN_POINTS]
    lines += [f"Series searched: {len(searched)} of {searched_table.shape[1]} (a series needs "
              f"{changes.MIN_POINTS} releases or more). Method: reporting/changes.py (binary segmentation; the largest "
              f"difference of segment means in units of the series' noise, against {changes.NULL_SERIES} simulated "
              f"step-free series; Benjamini-Hochberg over "
              f"all {len(found)} tested splits at a false discovery rate of {changes.FDR:.0%}; a step is listed where "
              f"its 95 % interval also excludes no change).", ""]
    flagged = found[found["flagged"]] if not found.empty else found
    lines += [f"## Steps found ({len(flagged)})", ""]
    has_pairs = paired is not None and Path(paired).is_dir()
    folders = pair_folders(paired) if has_pairs else []
    pairs = judged_pairs(folders)
    pair_families = family_verdicts(pairs)
    paired_stack = stack_of_pairs(folders)
    ordered = flagged.assign(order=[(release_key(row["release"]), row["env"], row["model"] != FAMILY, row["benchmark"],
                                     row["model"], row["backend"]) for _, row in flagged.iterrows()]).sort_values("order")
    matched = [pair_match(step, pair_families, paired_stack) for _, step in ordered.iterrows()]
    ordered = ordered.assign(pair_verdict=[pair["verdict"] if pair is not None else "" for pair in matched],
                             paired=[pair_says(pair) for pair in matched])
    steps_table = pd.DataFrame([{
        "release": step_releases(step, commits), "stack": stack_of(step["env"]),
        "benchmark": changes.SERIES[step["benchmark"]], "case": _label(step),
        "new / old [95 % interval]": f"{step['ratio']:.3f} [{step['low']:.3f}, {step['high']:.3f}]",
        "adj. p": f"{step['adjusted']:.2g}",
        "moved with it": ", ".join(changes.moved_with(step, table) if step["model"] != FAMILY else [])
        or ("-" if step["model"] == FAMILY else "neither"),
        "packages that changed": dependency_changes(step, commits, versions),
        HOST: host_change(step, canary),
        RUNS: when_measured(step, starts),
    } for _, step in ordered.iterrows()])
    if steps_table.empty:
        lines += ["None." if searched else "None searched yet: no series has enough releases.", ""]
    headers = ["release", "stack", "packages that changed", HOST, RUNS]
    for (release, stack, packages, host, runs), group in (steps_table.groupby(headers, sort=False)
                                                          if not steps_table.empty else []):
        lines += [f"### {release}, {stack} stack: {plural(len(group), 'step')}", "", f"Packages that changed: {packages}. "
                  f"Host canary, new / old: {host}. Runs began: {runs}.", "",
                  to_markdown(group.drop(columns=headers).set_index("benchmark")), ""]
    checks, (raw_alarms, report_alarms), n_series = validation(searched_table, found,
                                                               apart=runs_apart(searched_table, members, measured_twice.other, commits))
    lines += ["## How well it detects, on these series", ""]
    if checks:
        found_count = sum(sum(check["found"].values()) for check in checks)
        tried = sum(len(check["found"]) for check in checks)
        lines += [f"A 10 % step was added to each family series from each release a step can start at (one at a time, "
                  f"every other series as measured) and the whole report run again: it flagged the step at its "
                  f"release in {found_count} of {tried} tries. Noise: the spread of one release's value in the series, "
                  f"from neighbouring releases' differences. Smallest step: the step at the series' middle that p <= "
                  f"{changes.FDR} / {n_series} (Bonferroni over the searched series, what a lone real step needs) "
                  f"would flag at that noise. Two runs apart: for the releases measured twice, the slower run over "
                  f"the faster, per release (in release order): how far one release's value moves from one session "
                  f"to another, where neighbouring releases measured in one session share the session's host.", "",
                  "| stack | benchmark | family | releases | noise | smallest step | two runs apart | 10 % step found at "
                  "| missed at |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for check in checks:
            _, env, benchmark, _, family = check["column"]
            hits = [release for release, hit in check["found"].items() if hit]
            misses = [release for release, hit in check["found"].items() if not hit]
            lines.append(f"| {stack_of(env)} | {changes.SERIES[benchmark]} | {family} | {check['points']} "
                         f"| {check['noise']:.1%} | {check['smallest'] - 1:+.0%} "
                         f"| {', '.join(f'x{math.exp(abs(d)):.2f}' for d in check['apart']) or '-'} "
                         f"| {', '.join(hits) or '-'} "
                         f"| {', '.join(misses) or '-'} |")
        lines.append("")
    else:
        lines += [f"No family series has {2 * changes.MIN_POINTS} releases yet: the injected-step check waits for them.",
                  ""]
    if not math.isnan(raw_alarms):
        lines += [f"False alarms: with each of the {n_series} searched series' flagged steps taken out and its releases "
                  f"shuffled (its measured noise kept, no step left; 3 shuffles), {raw_alarms:.1%} of the series "
                  f"had a step at p <= {changes.FDR} before the report's false-discovery control, and "
                  f"{report_alarms:.1%} were flagged by the report.", ""]
    if has_pairs:
        in_stack = measured.loc[measured["stack"] == paired_stack, "release"].tolist()
        lines += (["## Checked against the paired history", ""]
                  + paired_check(found, case_verdicts(pairs), in_stack, GRADIENT, paired_stack)
                  + paired_check(found, case_verdicts(pairs, adjacent.SAMPLING_KIND), in_stack, WALL, paired_stack)
                  + family_check(ordered, pair_families, paired_stack))
    return "\n".join(lines), steps_table, measured, ordered


def paired_check(found: pd.DataFrame, verdicts: pd.DataFrame, releases: list[str],
                 benchmark: str = GRADIENT, stack: str = "release-day") -> list[str]:
    """The steps of `benchmark` (gradient or sampling time) in `stack` (the pairs': paired_steps.stack_of_pairs) found
    at releases also measured as a pair, against the pair's verdicts on the same cases (paired_steps.case_verdicts of
    its kind): the steps it agrees with, judges the same or the other way, and those it flags alone. `releases`: the
    stack's releases in order (a step needs changes.MIN_SEGMENT on each side)."""
    if verdicts.empty:
        return []
    steps = found[found["flagged"] & (found["benchmark"] == benchmark) & (found["model"] != FAMILY)
                  & (found["env"].map(stack_of) == stack)] if len(found) else found
    here = {(step.before, step.release, step.model, step.backend): step.ratio for step in steps.itertuples()}
    keys = zip(verdicts["before"], verdicts["release"], verdicts["model"], verdicts["backend"])
    checked = verdicts.assign(here=[here.get(key, np.nan) for key in keys])
    checked["direction"] = np.where(checked["here"] > 1, "slower", "faster")
    rows = []
    for (before, release), pair in checked.groupby(["before", "release"], sort=False):
        found_here = pair[pair["here"].notna()]
        verdict = found_here["verdict"]
        alone = pair[pair["here"].isna() & (pair["verdict"] != "same")]
        at = releases.index(release) if release in releases else -1
        placeable = changes.MIN_SEGMENT <= at <= len(releases) - changes.MIN_SEGMENT
        rows.append({"releases": f"{before} -> {release}" + ("" if placeable else " (no step can be placed here)"),
                     "cases": len(pair), "found here": len(found_here),
                     "the pair agrees": int((verdict == found_here["direction"]).sum()),
                     "the pair: same": int((verdict == "same").sum()),
                     "the pair: the other way": int(((verdict != "same") & (verdict != found_here["direction"])).sum()),
                     "flagged by the pair only": len(alone),
                     "their sizes": _ratio_range(alone["ratio"]),
                     "key": (release_key(before), release_key(release))})
    table = pd.DataFrame(rows).sort_values("key").drop(columns="key")
    totals = table.drop(columns=["releases", "their sizes"]).sum()
    alone = checked[checked["here"].isna() & (checked["verdict"] != "same")]
    sizes = np.abs(np.log(alone["ratio"]))
    backends = ", ".join(sorted(set(checked["backend"])))
    project = paired_project(stack)
    return [f"{changes.SERIES[benchmark].capitalize()}: {plural(len(table), 'pair')} of neighbouring releases "
            f"{'was' if len(table) == 1 else 'were'} also measured as duets ([{project.page}]({project.page}): "
            f"both releases' processes at once, {project.sides}; a case's step flagged from {checked['flagged_from'].median():.1%}, the "
            f"median over cases and pairs), on the {changes.SERIES[benchmark]} of {backends}. "
            f"For those cases and releases, the "
            f"steps this page found ({stack} stack) against the pairs' verdicts: of {totals['found here']} found "
            f"here, the pairs agree with {totals['the pair agrees']}, judge {totals['the pair: same']} the same and "
            f"{totals['the pair: the other way']} the other way; the pairs flagged "
            f"{plural(totals['flagged by the pair only'], 'step')} of those cases that this page did not"
            + (f", {_ratio_range(alone['ratio'])} (median size {math.expm1(float(np.median(sizes))):.1%})"
               if len(alone) else "")
            + ". A step found here that its pair judges the same most likely came from the sessions its two releases "
            "were measured in (the pair measured both at once), not from the releases.", "",
            to_markdown(table.set_index("releases")), ""]


PAIR_KINDS = {benchmark: kind for kind, benchmark in HISTORY_BENCHMARK.items()}  # a step's series -> a pair's kind


def pair_match(step: pd.Series, families: pd.DataFrame, stack: str = "release-day") -> pd.Series | None:
    """The paired history's family aggregate (paired_steps.family_verdicts) on the releases, family and kind (gradient
    or sampling time) of a family step in `stack` (the pairs'), where that pair measured it; None else."""
    if step["model"] != FAMILY or step["benchmark"] not in PAIR_KINDS or stack_of(step["env"]) != stack:
        return None
    match = families[(families["before"] == step["before"]) & (families["release"] == step["release"])
                     & (families["family"] == step["backend"]) & (families["kind"] == PAIR_KINDS[step["benchmark"]])]
    return match.iloc[0] if len(match) else None


def pair_says(pair: pd.Series | None) -> str:
    """A pair_match as the pages write it, naming the backends the pair measured (a family step here may hold more)."""
    if pair is None:
        return ""
    return (f"the pair on {', '.join(pair['backends'])}: {pair['verdict']}, "
            f"x{pair['ratio']:.3f} [{pair['low']:.3f}, {pair['high']:.3f}]")


def family_check(steps: pd.DataFrame, families: pd.DataFrame, stack: str = "release-day") -> list[str]:
    """The family steps found here at paired releases, each with the pair's verdict; and the family gradient
    aggregates the pairs flag that this page did not (not their sampling ones: a sampling pair may run fewer backends
    than the family here holds)."""
    gradient = families[families["kind"] == adjacent.KIND]
    if gradient.empty:
        return []
    checked = steps[steps["paired"] != ""] if len(steps) else steps

    def listed(benchmark: str) -> str:
        return "; ".join(f"{step['backend']} x{step['ratio']:.3f} at {step['before']} -> {step['release']} "
                         f"({step['paired']})" for _, step in checked[checked["benchmark"] == benchmark].iterrows())

    here = {(step["before"], step["release"], step["backend"])
            for _, step in checked[checked["benchmark"] == GRADIENT].iterrows()}
    new_here = np.array([key not in here for key in zip(gradient["before"], gradient["release"], gradient["family"])])
    alone = gradient[(gradient["verdict"] != "same").to_numpy() & new_here]
    sampled = families[families["kind"] == adjacent.SAMPLING_KIND]
    return [f"Family steps ({stack} stack) found here at releases also measured as a pair, each with the pair's "
            f"family aggregate (the same estimator: the geometric mean over the family's cases, {TRIM:.0%} off each "
            f"end, on the backends the pair ran, which a family here may outnumber). Gradient time: "
            f"{listed(GRADIENT) or 'none'}. Of the pairs' {len(gradient)} gradient family aggregates, {len(alone)} "
            f"flagged a step that this page did not find" + (f" ({_ratio_range(alone['ratio'])})" if len(alone) else "")
            + f". Sampling time ({plural(len(sampled), 'aggregate')} of pairs that also sampled): "
            f"{listed(WALL) or 'none'}.", ""]


def _ratio_range(ratios: pd.Series) -> str:
    if not len(ratios):
        return "-"
    return f"x{ratios.min():.3f}" + (f" to x{ratios.max():.3f}" if len(ratios) > 1 else "")


README_START, README_END = "<!-- history: written by make findings -->", "<!-- history end -->"


def readme_markers(project: str) -> tuple[str, str]:
    """The README block a project's history writes (PyMC's keeps its original markers)."""
    if project == "PyMC":
        return README_START, README_END
    return f"<!-- {project} history: written by make findings -->", f"<!-- {project} history end -->"


def readme_block(measured: pd.DataFrame, steps: pd.DataFrame, machine: str, project: str = "PyMC",
                 page: str = "docs/findings.md") -> str:
    """Two lines for README.md: what the history holds and what it found."""
    start, end = readme_markers(project)
    if measured.empty:
        held = f"No {project} release measured on {machine} yet."
    else:
        stacks = "; ".join(f"{stack}: {', '.join(group['release'])}" for stack, group in measured.groupby("stack"))
        held = f"{project} releases measured on {machine}: {stacks}."
    if steps.empty:
        return f"{start}\n{held} No step found yet ([{page}]({page}) says what was searched).\n{end}"
    families = steps[steps["model"] == FAMILY]
    sessions = families["pair_verdict"] == "same"
    listed = "; ".join(_family_step(step) for _, step in families[~sessions].iterrows())
    apart = "; ".join(_family_step(step) for _, step in families[sessions].iterrows())
    return (f"{start}\n{held} {plural(len(steps), 'step')} found, {len(families)} of them "
            f"shared by a whole backend family (trimmed geometric mean of its cases, new / old [95 % interval]): "
            f"{listed or 'none'}" + (f"; and {int(sessions.sum())} that the paired history, which measured both "
                                     f"releases at once, judges the same on the backends it ran (the sessions "
                                     f"they were measured in differed, or a backend it did not run moved): {apart}"
                                     if apart else "")
            + "."
            + f" Every step, with the packages that changed, in [{page}]({page}).\n{end}")


def _family_step(step: pd.Series) -> str:
    return (f"{step['backend']} {changes.SERIES[step['benchmark']]} x{step['ratio']:.3f} [{step['low']:.3f}, "
            f"{step['high']:.3f}] at {step['before']} -> {step['release']}"
            + (f" ({step['paired']})" if step["paired"] else ""))


def write_html(path: Path, steps_table: pd.DataFrame, machine: str) -> None:
    """The dashboard's list of the steps found (html/findings.html; the landing page links it)."""
    body = (steps_table.to_html(index=False, border=0) if not steps_table.empty
            else "<p>No step found (or no series long enough to search yet).</p>")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>Steps found across releases</title>"
                    f"</head><body><h1>Steps found across releases</h1><p>Machine {html.escape(machine)}; method "
                    f"and checks: docs/findings.md.</p>{body}</body></html>\n")


def main(args) -> int:
    text, steps_table, measured, steps = analyse(Path(args.results), Path(args.tags), args.machine, args.project,
                                                 Path(args.replicates) if args.replicates else None,
                                                 Path(args.paired) if args.paired else None)
    Path(args.out).write_text(text)
    print(f"wrote {args.out}")
    if args.readme:
        readme = Path(args.readme)
        update_block(readme, *readme_markers(args.project),
                     readme_block(measured, steps, args.machine, args.project, args.out))
        print(f"wrote {readme}")
    if args.html:
        write_html(Path(args.html) / "findings.html", steps_table, args.machine)
        print(f"wrote {Path(args.html) / 'findings.html'}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results")
    parser.add_argument("--tags", default="history-tags/pymc-mirror.json")
    parser.add_argument("--machine", required=True)
    parser.add_argument("--project", default="PyMC", help="whose releases the tags name (PyMC, nutpie)")
    parser.add_argument("--replicates", help="results of releases measured again (make replicate)")
    parser.add_argument("--paired", help="the paired history of the machine (results-paired/<machine>): the gradient "
                        "steps found at its pairs are checked against the pairs' verdicts")
    parser.add_argument("--out", default="docs/findings.md")
    parser.add_argument("--html", help="also write DIR/findings.html, the dashboard's list of steps")
    parser.add_argument("--readme", help="also rewrite the history block of this README")
