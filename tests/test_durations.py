"""reporting/durations.py: minutes per phase of every committed run, in docs/tiers-and-history.md."""

import shutil
from pathlib import Path

from reporting import durations

ROOT = Path(__file__).resolve().parent.parent
TAGS = ROOT / "history-tags" / "pymc-mirror.json"
MACHINE = "x86_64-2cpu-24GB-amd-epyc-quick"


def test_the_committed_durations_block_is_what_the_generator_writes():
    page = (ROOT / "docs" / "tiers-and-history.md").read_text()
    written = durations.block(durations.durations_table(ROOT / "results", TAGS))
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
