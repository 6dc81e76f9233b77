"""reporting/guidance.py: which backend for which model, generated from the full tier's results."""

import math
from pathlib import Path

import pandas as pd

from reporting import guidance

ROOT = Path(__file__).resolve().parent.parent


def test_the_committed_guidance_block_is_what_the_generator_writes():
    page = (ROOT / "docs" / "guidance.md").read_text()
    assert guidance.block(guidance.context(ROOT / "results-full", None)) in page, \
        "docs/guidance.md is stale: run make docs"


def test_break_even_is_where_the_faster_backends_total_time_drops_below():
    faster = {"rate": 10.0, "compile_warm": 30.0}
    slower = {"rate": 2.0, "compile_warm": 5.0}
    samples = guidance.break_even(faster, slower, "compile_warm")
    total = lambda row, ess: row["compile_warm"] + ess / row["rate"]  # noqa: E731
    assert math.isclose(total(faster, samples), total(slower, samples))
    assert total(faster, 2 * samples) < total(slower, 2 * samples)
    assert guidance.break_even({"rate": 10.0, "compile_warm": 1.0}, slower, "compile_warm") == 0.0  # always
    assert math.isnan(guidance.break_even({"rate": 10.0, "compile_warm": math.nan}, slower, "compile_warm"))


def _pairs(rows):
    frame = pd.DataFrame(rows, columns=["model", "backend", "min_ess", "wall", "low", "high"])
    frame["rhat_max"] = 1.01
    frame["rate"] = frame["min_ess"] / frame["wall"]
    frame["rate_low"], frame["rate_high"] = frame["min_ess"] / frame["high"], frame["min_ess"] / frame["low"]
    return frame


def test_a_lead_inside_the_next_ones_interval_is_not_called_a_lead():
    pairs = _pairs([("m", "a", 100, 10.0, 9.0, 11.0), ("m", "b", 100, 10.5, 9.5, 11.5), ("m", "c", 100, 30.0, 29.0, 31.0)])
    assert guidance.first_place(pairs, "m") == "a (not told apart from b)"
    assert guidance.first_place(pairs, "m", backends={"a", "c"}) == "a"


def test_a_run_whose_chains_disagree_is_ranked_but_never_first():
    pairs = _pairs([("m", "stuck", 100, 1.0, 0.9, 1.1), ("m", "a", 100, 10.0, 9.0, 11.0)])
    pairs.loc[pairs["backend"] == "stuck", "rhat_max"] = 1.41
    assert guidance.first_place(pairs, "m") == "a"
    table = guidance.ranking(pairs.assign(compile_warm=1.0, compile_cold=float("nan")), "m")
    assert table.loc[1, "backend"] == "stuck" and table.loc[1, "max R-hat"] == "1.41 (chains disagree)"
    assert table.loc[2, "max R-hat"] == "1.01"
    pairs["rhat_max"] = 1.41
    assert guidance.first_place(pairs, "m") == "no run whose chains agree"


def test_changes_with_size_compare_only_backends_measured_at_both_sizes():
    pairs = _pairs([("gp-50", "a", 100, 1.0, 0.9, 1.1), ("gp-50", "b", 100, 5.0, 4.9, 5.1),
                    ("gp-100", "a", 100, 8.0, 7.9, 8.1), ("gp-100", "b", 100, 4.0, 3.9, 4.1),
                    ("gp-100", "c", 100, 0.5, 0.4, 0.6)])  # c not measured at 50: not in the comparison
    assert guidance.size_changes(pairs) == ["gp, 50 to 100 (the 2 backends measured at both): first place goes from "
                                            "a to b"]


def test_an_interval_asv_could_not_give_is_said_so_not_printed():
    frame = guidance.measured_pairs(pd.DataFrame([
        {"benchmark": guidance.WALL, "status": "ok", "model": "m", "backend": "a", "value": 2.0, "ci_low": -1.0,
         "ci_high": 5.0},
        {"benchmark": guidance.TRACKED + "ess_bulk_min", "status": "ok", "model": "m", "backend": "a", "value": 400.0,
         "ci_low": None, "ci_high": None}]))
    table = guidance.ranking(frame, "m")
    assert table.loc[1, "min ESS/s [wall's 99 % interval]"] == "200 [n/a]"


def test_a_compile_estimate_kept_at_zero_is_not_measured_and_pays_off_nowhere():
    """numpyro's and blackjax's compile is their first run less the next, kept at 0 where the first was faster."""
    row = lambda backend, benchmark, value: {"benchmark": benchmark, "status": "ok", "model": "m",  # noqa: E731
                                             "backend": backend, "value": value, "ci_low": 1.0, "ci_high": 3.0}
    compile_warm = guidance.TRACKED + "compile_seconds"
    frame = guidance.measured_pairs(pd.DataFrame([
        row("a", guidance.WALL, 2.0), row("a", guidance.TRACKED + "ess_bulk_min", 400.0), row("a", compile_warm, 0.0),
        row("b", guidance.WALL, 4.0), row("b", guidance.TRACKED + "ess_bulk_min", 400.0), row("b", compile_warm, 1.0)]))
    table = guidance.ranking(frame, "m")
    assert table.loc[1, "backend"] == "a" and table.loc[1, "compile s, warm"] == "-"
    assert table.loc[1, "pays off against the next after (ESS), warm"] == "-"  # not "always"
    assert table.loc[2, "compile s, warm"] == "1"


def test_a_gap_is_said_with_its_reason_grouped_by_backend():
    rows = pd.DataFrame({"model": ["switchpoint", "poisson_regression-10000", "discrete_mixture", "garch11-200"],
                         "backend": ["pymc-pytorch", "pymc-pytorch", "nutpie-numba", "blackjax"]})
    recorded = {f"{case}--pymc-pytorch": {"failed": "AttributeError: 'bool'"}
                for case in ("switchpoint", "poisson_regression-10000")}
    assert guidance.gaps(rows.iloc[:2], recorded, "failed") == \
        "pymc-pytorch on poisson_regression-10000, switchpoint (AttributeError: 'bool')"
    # a skip before anything compiled has no record: the harness says why; else it is said that none was kept
    said = guidance.gaps(rows.iloc[2:], {}, "skipped")
    assert said == ("blackjax on garch11-200 (reason not recorded); "
                    "nutpie-numba on discrete_mixture (discrete variables need PyMC's compound step (pymc family only))")


def test_the_ledger_says_which_runs_hit_the_timeout_and_over_which_days_the_tier_ran(tmp_path):
    import json

    from reporting import full_tier

    machine, commit = "x86_64-2cpu-24GB-amd-epyc-full", "c" * 40
    (tmp_path / machine).mkdir()
    piece = lambda seconds, day: {"seconds": seconds, "exit": 2, "finished_at": f"2026-12-0{day}T10:00:00+00:00"}  # noqa: E731
    ledger = {commit: {"gp-400": {"backends": {"a": piece(3616.0, 3), "b": piece(50.0, 1)}}, "gp-50": piece(9.0, 5)}}
    (tmp_path / machine / "durations.json").write_text(json.dumps(ledger))
    (tmp_path / "benchmarks.json").write_text(json.dumps({full_tier.WALL: {"timeout": 3600}}))
    pieces, none = (full_tier.measured_pieces(full_tier.ledgers(tmp_path), at) for at in (commit, "d" * 40))
    reasons = full_tier.timeout_reasons(pieces, machine, tmp_path)
    assert reasons == {"gp-400--a": {"failed": "ran to asv's 3600 s timeout"}}
    assert full_tier.timeout_reasons(none, machine, tmp_path) == {}
    # asv dates a results file's benchmark by its last run; the ledger knows the tier took days
    assert full_tier.measured_span(pieces, machine) == "2026-12-01 to 2026-12-05"
    assert full_tier.measured_span(none, machine) is None
    rows = pd.DataFrame({"model": ["gp-400", "gp-400", "gp-400"], "backend": ["a", "b", "c"]})
    assert guidance.gaps(rows, reasons, "failed") == ("a on gp-400 (ran to asv's 3600 s timeout); "
                                                      "b, c on gp-400 (reason not recorded)")


def test_a_case_measured_in_pieces_names_the_backends_its_host_has_not_run_yet():
    frame = pd.DataFrame({"backend": ["a", "b", "c", "a"]})
    about = {"machine": "m", "ran": {("big", "m", "a"), ("big", "other", "b"), ("whole", "m", None)}}
    assert guidance.not_run_yet(frame, about, "big") == ["b", "c"]  # b ran on another host only
    assert guidance.not_run_yet(frame, about, "whole") == []
    assert guidance.not_run_yet(frame, {"machine": "m", "ran": None}, "big") == []  # no ledger: nothing to say
