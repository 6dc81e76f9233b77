"""Which backend for which model: the ranking by effective samples per second, what compiling costs,
and after how many effective samples a faster backend's compile pays for itself.

    python -m reporting guidance [--results results-full] [--machine M] [--out docs/guidance.md]
                                 [--html DIR]

From the results of a tier with the notebook's settings (the full tier by default: every model at
every size it samples; the notebook tier is the same for its two cases), each model from the host that
measured most of its runs (its newest commit there), so that a model's sizes are ranked on one host and
a model measured on one host only is still shown; a section per host. Per model case,
the backends that ran ranked by min bulk ESS per wall second (the worst-sampled parameter, ArviZ's
ess_bulk, as the harness records it), with the range that asv's 99 % interval of the wall time (the
tier's 1-3 timed runs) gives it; the ESS comes from one run under a fixed seed, so its own
seed-to-seed spread is not in that range. Compile: warm (the compile in the sampling process, disk
caches as earlier runs left them) and cold (every compile cache empty, where the tier measures it).
Break-even against the next in the ranking: with total time = compile + E / (ESS/s), the faster
backend finishes E effective samples sooner once E exceeds
(its compile - the next's) / (1 / the next's ESS/s - 1 / its ESS/s); "always" where its compile is
no longer. A run whose chains disagree (max R-hat above CONVERGED_RHAT) is ranked, marked, and never
called first. Where the first place changes between sizes of a model, the page says so.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

import numpy as np
import pandas as pd

from reporting import full_tier, versions
from reporting.pages import update_block, write_standalone
from reporting.results import TRACKED, WALL, busiest_machine, result_files, tidy, to_markdown

COLD = "compile.CompileCold.track_compile_cold_seconds"
METRICS = {WALL: "wall", TRACKED + "ess_bulk_min": "min_ess", TRACKED + "compile_seconds": "compile_warm",
           COLD: "compile_cold", TRACKED + "rhat_max": "rhat_max"}
# Below this a bulk ESS is too rough even to rank by. Vehtari et al. (2021) ask for 100 per chain (400
# for these 4 chains) before trusting an ESS estimate; this softer line still ranks most runs at the
# notebook's settings, and the page says which fall under it.
RELIABLE_ESS = 100
# Above this max R-hat a run's chains disagree (one stuck away from the others): its ESS/s says nothing
# of the backend, and it is ranked but never called first. Vehtari et al. (2021) ask for 1.01, which
# runs as short as the notebook's rarely reach (gp_latent-100 in the notebook tier: 1.02 to 1.08 for
# every backend but one, at 1.41); 1.1 is the older line of Gelman and Rubin.
CONVERGED_RHAT = 1.1
START, END = "<!-- guidance: written by make docs (python -m reporting guidance) -->", "<!-- guidance end -->"


def break_even(faster: dict, slower: dict, compile_key: str) -> float:
    """Effective samples beyond which `faster` (higher ESS/s) finishes first despite its compile; 0 where
    its compile is no longer; NaN where a compile is not measured."""
    extra = faster[compile_key] - slower[compile_key]
    if math.isnan(extra):
        return math.nan
    if extra <= 0:
        return 0.0
    return extra / (1 / slower["rate"] - 1 / faster["rate"])


def measured_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    """A row per (model case, backend) whose timed run is ok: wall with its interval, min ESS, compiles."""
    wall = frame[(frame["benchmark"] == WALL) & (frame["status"] == "ok")]
    rows = wall.set_index(["model", "backend"])[["value", "ci_low", "ci_high"]].rename(columns={"value": "wall"})
    for benchmark, name in METRICS.items():
        if benchmark != WALL:
            values = frame[frame["benchmark"] == benchmark].set_index(["model", "backend"])["value"]
            rows[name] = values.reindex(rows.index)
    rows = rows[rows["min_ess"] > 0].copy()
    # numpyro's and blackjax's compile is their first run less the next, kept at 0 where the first was not the
    # slower: a compile lost in the runs' spread, not measured
    rows["compile_warm"] = rows["compile_warm"].where(rows["compile_warm"] != 0)
    rows["rate"] = rows["min_ess"] / rows["wall"]
    # the wall time's interval, turned round: the longest wall gives the lowest rate
    # (asv's interval from 1-3 runs can reach below zero: then there is none to give)
    positive = (rows["ci_low"] > 0) & (rows["ci_high"] > 0)
    rows["rate_low"] = (rows["min_ess"] / rows["ci_high"]).where(positive)
    rows["rate_high"] = (rows["min_ess"] / rows["ci_low"]).where(positive)
    return rows.reset_index()


def _rate(row: dict) -> str:
    interval = "n/a" if math.isnan(row["rate_low"]) else f"{row['rate_low']:.3g}, {row['rate_high']:.3g}"
    return f"{row['rate']:.3g} [{interval}]"


def _seconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.3g}"


def _samples(value: float) -> str:
    if math.isnan(value):
        return "-"
    return "always" if value == 0 else "< 1" if value < 1 else f"{value:.3g}"


def ranking(pairs: pd.DataFrame, case: str) -> pd.DataFrame:
    """One case's backends, fastest first, with the break-even against the next."""
    rows = pairs[pairs["model"] == case].sort_values("rate", ascending=False).to_dict("records")
    table = []
    for place, row in enumerate(rows, start=1):
        following = rows[place] if place < len(rows) else None
        table.append({
            "rank": place, "backend": row["backend"],
            "min ESS/s [wall's 99 % interval]": _rate(row),
            "wall s": _seconds(row["wall"]),
            "min ESS": f"{row['min_ess']:.0f}" + (" (too few to rank by)" if row["min_ess"] < RELIABLE_ESS else ""),
            "max R-hat": _seconds(row["rhat_max"]) + (" (chains disagree)" if not converged(row["rhat_max"]) else ""),
            "compile s, warm": _seconds(row["compile_warm"]), "compile s, cold": _seconds(row["compile_cold"]),
            "pays off against the next after (ESS), warm":
                _samples(break_even(row, following, "compile_warm")) if following else "",
            "the same, cold": _samples(break_even(row, following, "compile_cold")) if following else "",
        })
    return pd.DataFrame(table).set_index("rank")


def ahead(first: dict, second: dict) -> bool:
    """first's rate is above second's beyond both wall intervals (an interval that is missing separates nothing)."""
    return first["rate_low"] > second["rate_high"]


def converged(rhat_max):
    """Whether a run's chains agree (max R-hat at most CONVERGED_RHAT; a run without one is taken as it is), for one
    run's max R-hat or a column of them."""
    return np.logical_not(rhat_max > CONVERGED_RHAT)


def agreeing(pairs: pd.DataFrame) -> pd.DataFrame:
    """The runs whose chains agree."""
    return pairs[converged(pairs["rhat_max"])]


def leader(pairs: pd.DataFrame, case: str, backends=None) -> tuple[str, str | None]:
    """Who leads a case (among `backends`, of the runs whose chains agree), and the next where it is not told
    apart from the leader."""
    rows = agreeing(pairs)
    rows = rows[rows["model"] == case]
    if backends is not None:
        rows = rows[rows["backend"].isin(backends)]
    ordered = rows.sort_values("rate", ascending=False).to_dict("records")
    if not ordered:
        return "no run whose chains agree", None
    tied = len(ordered) > 1 and not ahead(ordered[0], ordered[1])
    return ordered[0]["backend"], ordered[1]["backend"] if tied else None


def first_place(pairs: pd.DataFrame, case: str, backends=None) -> str:
    first, tied = leader(pairs, case, backends)
    return first + (f" (not told apart from {tied})" if tied else "")


def size_changes(pairs: pd.DataFrame) -> list[str]:
    """How the lead moves between neighbouring sizes of a model, among the backends measured at both."""
    sized = pairs[pairs["model"].str.match(r".+-\d+$")]
    names = sized["model"].str.replace(r"-\d+$", "", regex=True)
    notes = []
    for name, group in sized.groupby(names):
        cases = sorted(group["model"].unique(), key=lambda case: int(case.rsplit("-", 1)[1]))
        for small, large in zip(cases, cases[1:]):
            both = set(group[group["model"] == small]["backend"]) & set(group[group["model"] == large]["backend"])
            before, after = first_place(group, small, both), first_place(group, large, both)
            same = leader(group, small, both)[0] == leader(group, large, both)[0]
            notes.append(f"{name}, {small.rsplit('-', 1)[1]} to {large.rsplit('-', 1)[1]} (the {len(both)} backends "
                         f"measured at both): first place " + (f"stays {after} at {large.rsplit('-', 1)[1]}"
                                                               if same else f"goes from {before} to {after}"))
    return notes


def model_name(cases: pd.Series) -> pd.Series:
    """A model case's model: gp_latent-50 -> gp_latent."""
    return cases.str.replace(r"-\d+$", "", regex=True)


def _host(frame: pd.DataFrame, machine: str, recorded: dict, results: Path) -> tuple[pd.DataFrame, dict]:
    """One host's newest commit of `frame`, and what to say about it (host, date, versions, the ledger's measured
    pieces where it keeps one)."""
    frame = frame[frame["machine"] == machine]
    commit = frame.sort_values(["date", "run"], kind="stable")["commit"].iloc[-1]
    frame = frame[frame["commit"] == commit]
    pieces = full_tier.measured_pieces(full_tier.ledgers(results), commit)
    ran = {piece for piece in full_tier.ran(pieces) if piece[1] == machine}
    about = {"machine": machine, "commit": commit, "label": versions.label(commit, recorded), "ran": ran or None,
             "measured": full_tier.measured_span(pieces, machine)
             or f"{frame['run'].min():%Y-%m-%d} to {frame['run'].max():%Y-%m-%d}",
             "versions": versions.listed(recorded.get(commit, {})),
             "reasons": full_tier.timeout_reasons(pieces, machine, results)
             | versions.load_reasons(results, machine).get(commit, {})}
    return frame, about


def context(results: Path, machine: str | None) -> list[tuple[pd.DataFrame, dict]]:
    """Per host (the named one only, if given): its newest commit's rows of the models it measured most runs of
    (ties: the one measured later), and what to say about it; the host with most models first."""
    frame = tidy(result_files(results, machine))
    if frame.empty:
        raise SystemExit(f"no asv results in {results}")
    recorded = versions.load(results)
    if machine is not None:
        return [_host(frame, busiest_machine(frame, machine), recorded, results)]
    hosts = [_host(frame, host, recorded, results) for host in frame["machine"].unique()]
    timed = pd.concat([rows[(rows["benchmark"] == WALL) & (rows["status"] == "ok")] for rows, _ in hosts])
    if timed.empty:
        raise SystemExit(f"no timed run measured ok in {results}")
    counts = (timed.assign(name=model_name(timed["model"])).groupby(["name", "machine"])
              .agg(runs=("value", "size"), last=("run", "max")).reset_index()
              .sort_values(["runs", "last"], ascending=False, kind="stable").drop_duplicates("name"))
    owner = dict(zip(counts["name"], counts["machine"]))
    groups = [(rows[model_name(rows["model"]).map(owner) == about["machine"]], about) for rows, about in hosts]
    groups = [(rows, about) for rows, about in groups if not rows.empty]
    return sorted(groups, key=lambda group: -group[0]["model"].nunique())


def _host_line(about: dict) -> str:
    return (f"Measured on {about['machine']}, {about['label']} (commit {about['commit'][:8]}), "
            f"{about['measured']}; {about['versions'] or 'versions not recorded'}.")


def _host_block(frame: pd.DataFrame, about: dict) -> list[str]:
    pairs = measured_pairs(frame)
    parts = ["", f"## On the {full_tier.host_of(about['machine'])} host", "", _host_line(about), "",
             "**First place by model case**", ""]
    firsts = agreeing(pairs).sort_values("rate", ascending=False).drop_duplicates("model").set_index("model")
    for case in sorted(pairs["model"].unique()):
        if case not in firsts.index:
            parts.append(f"- {case}: none called first: every run's max R-hat is above {CONVERGED_RHAT} (its chains "
                         "disagree)")
            continue
        row, waiting = firsts.loc[case], not_run_yet(frame, about, case)
        parts.append(f"- {case}: {first_place(pairs, case)}, {row.rate:.3g} min ESS/s"
                     + (f"; its min ESS, {row.min_ess:.0f}, is too few to rank by" if row.min_ess < RELIABLE_ESS else "")
                     + (f"; not run on this host yet: {', '.join(waiting)}" if waiting else ""))
    changes = size_changes(pairs) or ["none to compare: one size of each model measured here"]
    parts += ["", "**The first place from one size to the next**", ""] + [f"- {note}" for note in changes]
    for case in sorted(pairs["model"].unique()):
        parts += ["", f"### {case}", "", to_markdown(ranking(pairs, case))]
    wall = frame[frame["benchmark"] == WALL].sort_values(["backend", "model"])
    if about["ran"] is not None:  # asv records a case the tier has not run yet as failed: the ledger knows better
        wall = wall[full_tier.was_run(wall, about["ran"])]
    not_run = wall[(wall["status"] != "ok") & (wall["status"] != "skipped")]
    if len(not_run):
        parts += ["", "**Failed** (no number; pymc-pytorch's failures explained below): "
                  + gaps(not_run, about["reasons"], "failed")]
    skipped = wall[wall["status"] == "skipped"]
    if len(skipped):
        parts += ["", "**No timed run** (the backend cannot run the model and the harness skipped it, or the run did "
                  "not select the pair; pymc-pytorch's explained below): " + gaps(skipped, about["reasons"], "skipped")]
    return parts


def not_run_yet(frame: pd.DataFrame, about: dict, case: str) -> list[str]:
    """The host's backends whose piece of the case its ledger has not measured yet (none where it keeps no ledger
    or measured the case whole)."""
    ran, machine = about["ran"], about["machine"]
    if ran is None or (case, machine, None) in ran:
        return []
    return [backend for backend in dict.fromkeys(frame["backend"]) if (case, machine, backend) not in ran]


def gaps(rows: pd.DataFrame, reasons: dict, outcome: str) -> str:
    """'backend, backend on case, case (reason); ...': the pairs that gave no number, grouped by reason and by the
    cases a backend has with it. The reason is the run's recorded one (versions.collect_reasons), else, for a skip,
    the harness's reason that the backend cannot run the model before anything is compiled, else 'reason not
    recorded' (its record stayed on another machine)."""
    said = [reasons.get(f"{row.model}--{row.backend}", {}).get(outcome)
            or (outcome == "skipped" and _unsupported(row.model, row.backend)) or "reason not recorded"
            for row in rows.itertuples()]
    by_backend = rows.assign(reason=said).groupby(["backend", "reason"], sort=True)["model"].apply(
        lambda cases: ", ".join(sorted(cases))).rename("cases").reset_index()
    grouped = by_backend.groupby(["cases", "reason"], sort=False)["backend"].apply(", ".join)
    return "; ".join(f"{backends} on {cases} ({reason})" for (cases, reason), backends in grouped.items())


def _unsupported(case: str, backend: str) -> str | None:
    import models
    from harness.backends import get_backend

    return get_backend(backend).unsupported_reason(models.get_model(model_name(pd.Series([case]))[0]))


def block(groups: list[tuple[pd.DataFrame, dict]]) -> str:
    parts = [START]
    for frame, about in groups:
        parts += _host_block(frame, about)
    return "\n".join(parts + ["", END])


def write(results: Path, machine: str | None, out: Path) -> str:
    text = block(context(results, machine))
    update_block(out, START, END, text)
    return text


def write_html(results: Path, machine: str | None, html_dir: Path) -> Path:
    """html/guidance.html: the same tables, for the landing page."""
    body = [
        "<p>Ranked by min bulk ESS per wall second; the range is that of asv's 99 % interval of the wall time "
        f"(the ESS is one run's, fixed seed); a run whose max R-hat is above {CONVERGED_RHAT} (its chains disagree) is "
        "ranked but not called first. Break-even: effective samples after which a backend's longer "
        "compile has paid for itself against the next in the ranking. Each model is shown from the host that "
        "measured most of its runs.</p>"]
    for frame, about in context(results, machine):
        pairs = measured_pairs(frame)
        sections = [f"<h3 id=\"{html.escape(case)}\">{html.escape(case)}</h3>\n" + ranking(pairs, case).to_html(border=0)
                    for case in sorted(pairs["model"].unique())]
        notes = "".join(f"<li>{html.escape(note)}</li>" for note in size_changes(pairs))
        body.append(f"<h2>On the {html.escape(full_tier.host_of(about['machine']))} host</h2>"
                    f"<p>{html.escape(_host_line(about))}</p>"
                    f"<h3>The first place from one size to the next</h3><ul>{notes}</ul>" + "\n".join(sections))
    title = "Which backend for which model"
    return write_standalone(html_dir / "guidance.html", title, title, "\n".join(body))


def main(args) -> int:
    if args.html:
        print(f"guidance: {write_html(Path(args.results), args.machine, Path(args.html))}")
    else:
        write(Path(args.results), args.machine, Path(args.out))
        print(f"guidance: {args.out}")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--results", default="results-full")
    parser.add_argument("--machine", default=None, help="the host (default: the one with the most values)")
    parser.add_argument("--out", default="docs/guidance.md")
    parser.add_argument("--html", default=None, help="write DIR/guidance.html instead (make publish)")
