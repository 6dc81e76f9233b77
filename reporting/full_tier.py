"""What the full tier costs at one commit, and where its time goes, from its ledgers and results.

scripts/measure_tier.py runs the full tier a model case (or a (case, backend) piece) at a time and
keeps each piece's wall time in `results-full/<machine>/durations.json`. A case counts once it is
measured whole, or once every backend's piece is measured, on one host or across several (each
piece on the first host, in name order, that measured it). The block written into
docs/tiers-and-history.md (`make docs`) gives per case its minutes, the hosts, and how many of its
timed runs ended at asv's timeout; their sum; and the median timed run of every (case, backend).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from reporting.results import GRADIENT, WALL, result_files, tidy, to_markdown

START, END = "<!-- full tier: written by make docs (python -m reporting durations) -->", "<!-- full tier end -->"
# asv run's exit status: 0 all ok, 2 some benchmark failed (recorded: a result). Anything else is
# asv itself failing (no environment, no commit): that piece is not measured.
MEASURED = (0, 2)


def pieces_measured(entry: dict | None, backends: list[str]) -> dict[str, dict]:
    """The measured per-backend pieces of a case's ledger entry (none for a whole-case entry)."""
    pieces = (entry or {}).get("backends", {})
    return {backend: pieces[backend] for backend in backends if pieces.get(backend, {}).get("exit") in MEASURED}


def case_measured(entry: dict | None, backends: list[str]) -> dict | None:
    """A case's entry as {seconds, pieces}, if the whole case or every backend of it is measured."""
    if not entry:
        return None
    if "backends" not in entry:
        return {"seconds": entry["seconds"], "pieces": 1} if entry["exit"] in MEASURED else None
    pieces = pieces_measured(entry, backends)
    if len(pieces) < len(backends):
        return None
    return {"seconds": round(sum(piece["seconds"] for piece in pieces.values()), 1), "pieces": len(pieces)}


def host_of(machine: str) -> str:
    """x86_64-2cpu-24GB-amd-epyc-full -> amd-epyc: the CPU part of the name."""
    return machine.removeprefix("x86_64-2cpu-24GB-").removesuffix("-full")


def ledgers(results_dir: Path) -> dict[str, dict]:
    """machine -> its ledger (commit -> case -> entry), for every machine folder that has one."""
    return {path.parent.name: json.loads(path.read_text())
            for path in sorted(Path(results_dir).glob("*/durations.json"))}


def timeout_seconds(results_dir: Path) -> float:
    benchmarks = json.loads((Path(results_dir) / "benchmarks.json").read_text())
    return float(benchmarks[WALL]["timeout"])


def measured_pieces(books: dict[str, dict], commit: str) -> list[tuple[str, str, str | None, dict]]:
    """(case, machine, backend, piece) of every measured piece of the ledgers `books` (see `ledgers`) at a commit,
    machines in name order; backend None for a case measured whole."""
    found = []
    for machine, ledger in books.items():
        for case, entry in ledger.get(commit, {}).items():
            if "backends" in entry:
                found += [(case, machine, backend, piece)
                          for backend, piece in pieces_measured(entry, list(entry["backends"])).items()]
            elif entry["exit"] in MEASURED:
                found.append((case, machine, None, entry))
    return found


def cases_table(pieces: list, cases: list[str], backends: list[str], timeout: float) -> tuple[pd.DataFrame, dict]:
    """Per case: minutes, hosts, pieces and timed runs at the timeout, from the `measured_pieces` of any host (NaN
    minutes where some piece is not measured anywhere yet); and the (case, backend) pieces that ran into the
    timeout, with their host (from the ledger: asv drops a result whose case has left the tier's grid)."""
    rows, timed_out = [], {}
    for case in cases:
        whole = next(((machine, piece) for name, machine, backend, piece in pieces
                      if name == case and backend is None), None)
        if whole:
            rows.append({"case": case, "minutes": whole[1]["seconds"] / 60, "measured on": host_of(whole[0]),
                         "pieces": "whole", "pieces at the timeout": 0})
            continue
        chosen = {}
        for name, machine, backend, piece in pieces:
            if name == case and backend in backends:
                chosen.setdefault(backend, (machine, piece))
        timed_out |= {(case, backend): host_of(machine) for backend, (machine, piece) in chosen.items()
                      if piece["seconds"] >= timeout}
        hosts = sorted({host_of(machine) for machine, _ in chosen.values()})
        seconds = sum(piece["seconds"] for _, piece in chosen.values())
        rows.append({"case": case, "minutes": seconds / 60 if len(chosen) == len(backends) else math.nan,
                     "measured on": " + ".join(hosts) or "-",
                     "pieces": f"{len(chosen)} of {len(backends)} backends",
                     "pieces at the timeout": sum(piece["seconds"] >= timeout for _, piece in chosen.values())})
    return pd.DataFrame(rows), timed_out


def ran(pieces: list) -> set[tuple[str, str, str | None]]:
    """(case, machine, backend) of each of the `measured_pieces`."""
    return {(case, machine, backend) for case, machine, backend, _ in pieces}


def measured_span(pieces: list, machine: str) -> str | None:
    """'first day to last day' a machine's `measured_pieces` finished (None if it has none): asv keeps one start time
    per benchmark in a results file, the last run's, so the results alone date a tier measured over several days to
    its last."""
    days = sorted(piece["finished_at"][:10] for _, host, _, piece in pieces
                  if host == machine and "finished_at" in piece)
    return f"{days[0]} to {days[-1]}" if days else None


def timeout_reasons(pieces: list, machine: str, results_dir: Path) -> dict[str, dict]:
    """"case--backend" -> {"failed": reason} for each of a machine's `measured_pieces` that ran to asv's timeout: asv
    keeps no reason for a run it killed, and the run record stays on the machine that ran it."""
    mine = [(case, backend, piece) for case, host, backend, piece in pieces if host == machine and backend]
    if not mine:
        return {}
    timeout = timeout_seconds(results_dir)
    return {f"{case}--{backend}": {"failed": f"ran to asv's {timeout:g} s timeout"}
            for case, backend, piece in mine if piece["seconds"] >= timeout}


def was_run(frame: pd.DataFrame, ran_pieces: set) -> np.ndarray:
    """Per row of `frame` (model, machine, backend): whether the ledger's `ran_pieces` (see `ran`) hold its case whole
    or its (case, backend) piece on its machine."""
    return np.array([(case, machine, None) in ran_pieces or (case, machine, backend) in ran_pieces
                     for case, machine, backend in zip(frame["model"], frame["machine"], frame["backend"])], dtype=bool)


def timed_runs(frame: pd.DataFrame, cases: list[str], timed_out: dict, ran_pieces: set) -> pd.DataFrame:
    """Median seconds of the timed run per (case, backend) (one commit's rows), from the first host in name
    order that has a value, the host named where it is not the first; 'failed (hosts)' where every host that ran
    it failed, 'timed out (host)' where that (case, backend) is in `timed_out`. A case a host has not run yet
    has no result there, though asv records one as failed: only `ran_pieces` (see `ran`) count as failures."""
    frame = frame[(frame["benchmark"] == WALL) & frame["status"].isin(["ok", "failed"])]
    frame = frame[(frame["status"] == "ok").to_numpy() | was_run(frame, ran_pieces)]
    first_machine = min(frame["machine"], default="")
    table = {}
    for (case, backend), group in frame.sort_values("machine").groupby(["model", "backend"], sort=False):
        ok = group[group["status"] == "ok"]
        if not ok.empty:
            value, machine = ok["value"].iloc[0], ok["machine"].iloc[0]
            table[(case, backend)] = f"{value:.1f}" + ("" if machine == first_machine else f" ({host_of(machine)})")
        else:
            outcome = "timed out" if (case, backend) in timed_out else "failed"
            table[(case, backend)] = f"{outcome} ({', '.join(host_of(machine) for machine in group['machine'])})"
    for (case, backend), host in timed_out.items():
        table.setdefault((case, backend), f"timed out ({host})")
    series = pd.Series(table, dtype=object)
    if series.empty:
        return pd.DataFrame()
    return series.unstack().reindex(index=[case for case in cases if case in series.index.get_level_values(0)],
                                    columns=[backend for backend in dict.fromkeys(frame["backend"])])


PROBE_FILE = "cost-probe.json"


def probes(results_dir: Path) -> dict[str, dict]:
    """machine -> its cost probe (scripts/probe_tier_cost.py), for every machine folder that has one."""
    return {path.parent.name: json.loads(path.read_text()) for path in sorted(Path(results_dir).glob(f"*/{PROBE_FILE}"))}


def median_runs(frame: pd.DataFrame, machine: str) -> pd.Series:
    """(case, backend) -> the median of the ok timed runs in `frame` on one machine."""
    ok = frame[(frame["benchmark"] == WALL) & (frame["status"] == "ok") & (frame["machine"] == machine)]
    return ok.groupby(["model", "backend"])["value"].median()


def probe_lines(results_dir: Path, frame: pd.DataFrame) -> list[str]:
    """Per probed case: the slowest predicted run, what it was predicted from, whether the tier samples it, and
    that backend's run as measured since (median of the ok timed runs in `frame`, on the probe's machine)."""
    lines = []
    for machine, probe in probes(results_dir).items():
        measured = median_runs(frame, machine)
        rows = pd.DataFrame(probe["predictions"])
        slowest = rows.loc[rows.groupby("case", sort=False)["predicted_run_seconds"].idxmax()]
        table = pd.DataFrame({
            "case": slowest["case"], "from": slowest["anchor"],
            "gradient ratio": [_span(rows.loc[rows["case"] == case, "gradient_ratio"]) for case in slowest["case"]],
            "evaluations ratio": slowest["evaluations_ratio"].round(2),
            "slowest predicted run (s)": [f"{seconds:.0f} ({backend})" for seconds, backend
                                          in zip(slowest["predicted_run_seconds"], slowest["backend"])],
            "sampled": ["yes" if probe["sampled"][case] else "no: gradient only" for case in slowest["case"]],
            "measured since (s)": [f"{measured[key]:.0f}" if key in measured.index else "-"
                                   for key in zip(slowest["case"], slowest["backend"])]})
        versions = ", ".join(f"{name} {version}" for name, version in probe["versions"].items())
        lines += [f"Runs predicted before their sizes were measured (`scripts/probe_tier_cost.py`, "
                  f"{host_of(machine)} host, {probe['date']}; {versions}): the measured run of the case's smallest "
                  "measured size (from), times the ratio of seconds per logp+gradient evaluation (each backend's "
                  f"own, {', '.join(dict.fromkeys(rows['backend']))}), times the ratio of evaluations a run needs "
                  f"({probe['counter']}'s, counted at both). A size is sampled where its slowest predicted run is at "
                  f"most {probe['budget_seconds']} s, a third of the timeout; the others are measured by the "
                  "gradient and the compiles only.", "", to_markdown(table.set_index("case")), ""]
    return lines


def _span(values: pd.Series) -> str:
    return f"{values.min():.3g}-{values.max():.3g}" if values.min() != values.max() else f"{values.min():.3g}"


def block(results_dir: Path, releases: dict[str, str]) -> str:
    """The full tier's cases, minutes and timed runs at every commit its ledgers hold."""
    results_dir = Path(results_dir)
    books = ledgers(results_dir)
    commits = sorted({commit for ledger in books.values() for commit in ledger})
    if not commits:
        return f"{START}\nNo full-tier ledger yet.\n{END}"
    frame, timeout = tidy(result_files(results_dir)), timeout_seconds(results_dir)
    lines = []
    for commit in commits:
        rows = frame[frame["commit"] == commit]
        # The gradient's grid: every case, its gradient-only sizes too (the sampling benchmarks' grid leaves them out)
        grid = rows[rows["benchmark"] == GRADIENT]
        cases, backends = list(dict.fromkeys(grid["model"])), list(dict.fromkeys(grid["backend"]))
        pieces = measured_pieces(books, commit)
        table, timed_out = cases_table(pieces, cases, backends, timeout)
        measured, missing = table.dropna(subset=["minutes"]), table[table["minutes"].isna()]
        total = measured["minutes"].sum()
        lines += [f"Full tier at PyMC {releases.get(commit, commit[:8])} ({commit[:8]}), from the ledgers "
                  f"`{results_dir.name}/<machine>/durations.json` (wall time of each `asv run` piece, asv's start-up "
                  "included):", "", to_markdown(table.set_index("case").round({"minutes": 1})), "",
                  f"Sum over the {len(measured)} cases measured: {total:.0f} min ({total / 60:.1f} h)"
                  + (f"; not yet whole: {', '.join(missing['case'])}" if len(missing) else "") + ". A piece at the "
                  f"timeout holds a timed run that asv stopped at {timeout:.0f} s (recorded as "
                  "failed).", "", "Median timed run per case and backend (seconds; the host in brackets where it is "
                  "not the first in name order):", "",
                  to_markdown(timed_runs(rows, cases, timed_out, ran(pieces))), ""]
    lines += probe_lines(results_dir, frame)
    return f"{START}\n" + "\n".join(lines).rstrip() + f"\n{END}"
