"""reporting/durations.py: minutes per phase of every committed run, in docs/tiers-and-history.md."""

import math
import shutil
from pathlib import Path

from reporting import durations

ROOT = Path(__file__).resolve().parent.parent
TAGS = ROOT / "history-tags" / "pymc-mirror.json"
MACHINE = "x86_64-2cpu-24GB-amd-epyc-quick"


def test_the_committed_durations_block_is_what_the_generator_writes():
    page = (ROOT / "docs" / "tiers-and-history.md").read_text()
    written = durations.block(durations.folders_table([ROOT / "results", ROOT / "results-notebook"], TAGS))
    assert written in page, "docs/tiers-and-history.md is stale: run make docs"


def test_phases_add_up_and_a_run_in_progress_is_left_out(tmp_path):
    source = ROOT / "results" / MACHINE
    target = tmp_path / MACHINE
    target.mkdir()
    shutil.copy(source / "machine.json", target)
    [first, second] = sorted(source.glob("*-env-*.json"))[:2]
    for path in (first, second):
        shutil.copy(path, target)
    table = durations.durations_table(tmp_path, TAGS)
    assert len(table) == 2
    phases = ["gradient", "timed sampling", "tracked metrics", "other"]
    assert ((table[phases].sum(axis=1) - table["total"]).abs() <= 0.25).all()
    assert (table["total"] > 0).all()

    (target / f"{second.name}.inprogress").write_text('{"finished": {}, "unfinished": {}}')
    assert len(durations.durations_table(tmp_path, TAGS)) == 1


def test_the_committed_full_tier_block_is_what_the_generator_writes():
    from reporting import findings, full_tier

    page = (ROOT / "docs" / "tiers-and-history.md").read_text()
    assert full_tier.block(ROOT / "results-full", findings.release_commits(TAGS)) in page, \
        "docs/tiers-and-history.md is stale: run make docs"


def test_a_case_measured_in_pieces_on_two_hosts_counts_once_every_backend_is_in(tmp_path):
    import json

    from reporting import full_tier

    commit, backends = "c" * 40, ["a", "b"]
    piece = lambda seconds, exit=0: {"seconds": seconds, "exit": exit}  # noqa: E731
    ledgers = {"x86_64-2cpu-24GB-amd-epyc-full": {commit: {"whole": piece(60.0), "split": {"backends": {"a": piece(120.0)}},
                                                          "half": {"backends": {"a": piece(30.0), "b": piece(9.0, 1)}}}},
               "x86_64-2cpu-24GB-intel-xeon-full": {commit: {"split": {"backends": {"a": piece(999.0),
                                                                                     "b": piece(3600.0, 2)}}}}}
    for machine, ledger in ledgers.items():
        (tmp_path / machine).mkdir()
        (tmp_path / machine / "durations.json").write_text(json.dumps(ledger))
    pieces = full_tier.measured_pieces(full_tier.ledgers(tmp_path), commit)
    table, timed_out = full_tier.cases_table(pieces, ["whole", "split", "half"], backends, 3600.0)
    rows = table.set_index("case")
    assert rows.loc["whole", "minutes"] == 1.0 and rows.loc["whole", "pieces"] == "whole"
    # a on the first host (name order), b on the second: 120 + 3600 s, one piece at the timeout
    assert rows.loc["split", "minutes"] == 62.0 and rows.loc["split", "measured on"] == "amd-epyc + intel-xeon"
    assert rows.loc["split", "pieces at the timeout"] == 1 and timed_out == {("split", "b"): "intel-xeon"}
    # asv itself failed on b (exit 1): the case is not whole
    assert math.isnan(rows.loc["half", "minutes"]) and rows.loc["half", "pieces"] == "1 of 2 backends"


def test_the_readme_states_the_minutes_of_make_bench_as_the_generator_writes_them():
    table = durations.folders_table([ROOT / "results", ROOT / "results-notebook"], TAGS)
    assert durations.readme_block(table) in (ROOT / "README.md").read_text(), "README.md is stale: run make docs"
    assert "PyMC 6.4.0" in durations.readme_block(table)  # the newest release measured on today's stack


def test_a_case_a_host_has_not_run_is_no_failure_and_a_timeout_outlives_its_dropped_result():
    import pandas as pd

    from reporting import full_tier

    amd, intel = "x86_64-2cpu-24GB-amd-epyc-full", "x86_64-2cpu-24GB-intel-xeon-full"
    row = lambda model, backend, machine, status, value=None: {  # noqa: E731
        "benchmark": full_tier.WALL, "model": model, "backend": backend, "machine": machine, "status": status,
        "value": value}
    frame = pd.DataFrame([row("new", "a", intel, "ok", 2.0), row("new", "b", intel, "failed"),
                          row("later", "a", intel, "failed"), row("old", "a", amd, "failed")])
    ran = {("new", intel, None), ("old", amd, "a")}  # "later" is in the grid, not yet run: asv wrote it as failed
    # "old"'s b timed out on the Intel host, whose result asv dropped when "old" left the tier's grid
    table = full_tier.timed_runs(frame, ["new", "later", "old"], {("old", "b"): "intel-xeon"}, ran)
    assert table.loc["new", "a"] == "2.0 (intel-xeon)" and table.loc["new", "b"] == "failed (intel-xeon)"
    assert "later" not in table.index
    assert table.loc["old", "a"] == "failed (amd-epyc)" and table.loc["old", "b"] == "timed out (intel-xeon)"
