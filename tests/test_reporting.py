"""The report, the summary and the compare, on the results committed in results/ (real asv runs)."""

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from asv_runs import committed
from reporting import compare, noise, results, vendor

ROOT = Path(__file__).resolve().parent.parent
V640 = committed("v6.4.0")
RESULTS = ROOT / "results"
MACHINE = "x86_64-2cpu-24GB-amd-epyc-quick"
OTHER_HOST = "x86_64-2cpu-24GB-intel-xeon-quick"


def _reporting(*args):
    return subprocess.run([sys.executable, "-m", "reporting", *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def frame():
    return results.tidy(results.result_files(RESULTS, MACHINE))


def test_results_hold_three_releases_with_real_values(frame):
    wall = frame[frame["benchmark"] == results.WALL]
    measured = wall[wall["status"] == "ok"].groupby("commit")["value"].count()
    assert len(measured) >= 3, measured
    assert (wall.loc[wall["status"] == "ok", "value"] > 0).all()


def test_failed_and_skipped_are_told_apart_from_numbers(frame):
    newest = results.select_commit(frame, None)
    table = results.summary_table(newest)
    # nutpie cannot sample discrete variables: a skip, with no numbers; never a zero
    row = table.loc[("discrete_mixture", "nutpie-numba")].iloc[0]
    assert row["status"] == "skipped"
    assert row[["wall s", "mean ESS", "ESS/s"]].isna().all()
    assert set(table["status"]) <= {"ok", "failed", "skipped"}
    ok = table[table["status"] == "ok"]
    assert (ok["ESS/s"] > 0).all()
    assert ok["ESS/s"].to_numpy() == pytest.approx((ok["mean ESS"] / ok["wall s"]).to_numpy())


def test_unknown_commit_or_machine_is_a_clear_error(frame):
    with pytest.raises(SystemExit, match="commits with results"):
        results.select_commit(frame, "0123456789")
    with pytest.raises(SystemExit, match=f"machines: .*{MACHINE}"):
        results.result_files(RESULTS, "no-such-machine")


def test_report_writes_tables_figures_heatmap_and_history(tmp_path, frame):
    run = _reporting("report", "--machine", MACHINE, "--out", str(tmp_path))
    assert run.returncode == 0, run.stderr
    assert "[1/" in run.stdout  # progress
    written = json.loads((tmp_path / "report.json").read_text())
    cases = set(frame["model"])
    assert {entry["model"] for entry in written["models"]} == cases
    sizes = [entry["size"] for entry in written["models"]]
    assert sizes == sorted(sizes)
    for entry in written["models"]:
        table = pd.read_csv(tmp_path / entry["csv"], index_col=0)
        assert list(table.columns[:2]) == ["status", "wall s"]
        ess = table.loc[table["status"] == "ok", "ESS/s"]
        assert list(ess) == sorted(ess, reverse=True)
        assert table.loc[table["status"] != "ok", ["wall s", "ESS/s"]].isna().all().all()
        markdown = (tmp_path / entry["table"]).read_text()
        assert markdown.startswith("| backend") and "nan" not in markdown
        assert (tmp_path / entry["figure"]).read_bytes()[:4] == b"\x89PNG"
    for name in (written["heatmap"], written["history"]):
        assert (tmp_path / name).stat().st_size > 10_000


def test_summary_prints_one_table_per_model(frame):
    run = _reporting("summary", "--machine", MACHINE)
    assert run.returncode == 0, run.stderr
    for case in set(frame["model"]):
        assert f"\n{case}\n| backend" in run.stdout
    assert "skipped" in run.stdout


def test_compare_of_a_commit_with_itself_finds_nothing(frame):
    commit = results.newest_commit(frame)
    run = _reporting("compare", commit, commit, "--machine", MACHINE)
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("**No change**")
    assert "### Algorithmic changes (0)" in run.stdout


def test_compare_rejects_bad_input_with_exit_2():
    run = _reporting("compare", "deadbeef", "deadbeef", "--machine", MACHINE)
    assert run.returncode == 2
    assert "no results for commit 'deadbeef'" in run.stderr
    run = _reporting("compare", V640, V640, "--machine", MACHINE, "--thresholds", "/nonexistent.json")
    assert run.returncode == 2 and "cannot read thresholds" in run.stderr


def test_compare_refuses_commits_measured_on_two_hosts(frame):
    base = next(commit for commit in frame["commit"].unique() if not commit.startswith(V640))
    with pytest.raises(SystemExit, match=f"{MACHINE} only.*{OTHER_HOST}.*one machine"):
        compare.compare(RESULTS, compare.Side(base, MACHINE), compare.Side(V640, OTHER_HOST))
    run = _reporting("compare", base, V640)  # 6.4.0 ran on both hosts: the machine must be named
    assert run.returncode == 2 and "several machines" in run.stderr and "--machine" in run.stderr


def test_thresholds_of_another_host_are_said_to_be_so(tmp_path, monkeypatch):
    on_their_host, _ = compare.compare(RESULTS, compare.Side(V640, MACHINE), compare.Side(V640, MACHINE))
    assert f"A/A noise run on {MACHINE}" in on_their_host and "**Note**" not in on_their_host
    monkeypatch.setattr(compare, "THRESHOLDS_DIR", tmp_path)  # as if only MACHINE had run make noise
    compare.thresholds_file(MACHINE).write_text((ROOT / "reporting" / "thresholds" / f"{MACHINE}.json").read_text())
    on_another, _ = compare.compare(RESULTS, compare.Side(V640, OTHER_HOST), compare.Side(V640, OTHER_HOST))
    assert f"these results are from {OTHER_HOST}, where no A/A run was measured" in on_another
    assert f"the thresholds are {MACHINE}'s" in on_another


def test_each_machine_gets_its_own_thresholds(tmp_path, monkeypatch):
    monkeypatch.setattr(compare, "THRESHOLDS_DIR", tmp_path)
    with pytest.raises(SystemExit, match="no thresholds in .*make noise"):
        compare.thresholds_for(OTHER_HOST)
    for machine in (MACHINE, OTHER_HOST):
        compare.thresholds_file(machine).write_text("{}")
    assert compare.thresholds_for(OTHER_HOST) == tmp_path / f"{OTHER_HOST}.json"
    assert compare.thresholds_for("some-third-host") == tmp_path / f"{min(MACHINE, OTHER_HOST)}.json"


def test_noise_writes_the_thresholds_of_its_machine(tmp_path, monkeypatch):
    monkeypatch.setattr(compare, "THRESHOLDS_DIR", tmp_path)
    committed = json.loads((ROOT / "reporting" / "thresholds" / f"{MACHINE}.json").read_text())
    base, head = committed["commits"]
    args = argparse.Namespace(base=base, head=head, results=str(RESULTS), machine=MACHINE, write="")
    assert noise.main(args) == 0
    written = json.loads((tmp_path / f"{MACHINE}.json").read_text())
    assert written["machine"] == MACHINE and written["thresholds"] == committed["thresholds"]


def test_a_slowdown_beyond_the_threshold_is_worse_and_within_it_is_not():
    pairs = pd.DataFrame({
        "benchmark": [results.WALL, results.WALL, results.GRADIENT],
        "model": ["m", "m", "m"], "backend": ["a", "b", "a"],
        "value_base": [1.0, 1.0, 1e-4], "value_head": [1.5, 1.21, 1e-4],  # 1.21: inside 20 % + 0.02 s
        "status_base": ["ok"] * 3, "status_head": ["ok"] * 3,
        "ci_low_base": [None, None, 0.9e-4], "ci_high_base": [None, None, 1.1e-4],
        "ci_low_head": [None, None, 0.9e-4], "ci_high_head": [None, None, 1.1e-4],
    })
    thresholds = compare.Thresholds({"sampling time": compare.Threshold(0.2, 0.02),
                                     "gradient": compare.Threshold(0.1, 0.0), "compile time": compare.Threshold(0.5, 1.0),
                                     "memory": compare.Threshold(0.2, 0.0)}, MACHINE)
    speed = compare.speed_changes(pairs, thresholds.by_family)
    assert list(speed["verdict"]) == ["slower", "same", "same"]
    markdown, worse = compare.render(compare.Side("b" * 40, MACHINE), compare.Side("c" * 40, MACHINE), speed,
                                     compare.algorithmic_changes(pairs), compare.status_changes(pairs), thresholds)
    assert worse and markdown.startswith("**Worse**: 1 slower")


def test_sides_measured_days_apart_get_a_note():
    def side(*starts):
        return pd.DataFrame({"run": [pd.Timestamp(start) for start in starts]})

    assert compare.measured_apart(side("2026-11-27 21:00", "2026-11-27 21:17"),
                                  side("2026-11-27 22:21", "2026-11-27 22:37")) == pd.Timedelta(minutes=64)
    assert compare.measured_apart(side("2026-11-29 09:00"), side("2026-11-27 09:00", "2026-11-27 09:15")) \
        == pd.Timedelta(hours=47, minutes=45)
    assert compare.measured_apart(side(0), side("2026-11-29 09:00")) == pd.Timedelta(0)  # no start time recorded
    thresholds = compare.load_thresholds(compare.thresholds_file(MACHINE))
    empty = pd.DataFrame(columns=["verdict", "status_head", "status_base"])
    sides = compare.Side("b" * 40, MACHINE), compare.Side("c" * 40, MACHINE)
    days, _ = compare.render(*sides, empty, empty, empty, thresholds, pd.Timedelta(hours=48))
    hour, _ = compare.render(*sides, empty, empty, empty, thresholds, pd.Timedelta(hours=1))
    assert "measured 48 h apart" in days and "make continuous" in days
    assert "apart" not in hour


@pytest.mark.parametrize("path", sorted((ROOT / "reporting" / "thresholds").glob("*.json")), ids=lambda p: p.stem)
def test_committed_thresholds_follow_from_the_committed_a_a_run(path):
    document = json.loads(path.read_text())
    assert document["machine"] == path.stem
    base, head = document["commits"]
    pairs = compare.paired(*compare.one_machine_rows(RESULTS, compare.Side(base, document["machine"]),
                                                     compare.Side(head, document["machine"])))
    assert noise.thresholds_of(noise.spread(pairs)) == document["thresholds"]
    assert compare.algorithmic_changes(pairs).empty  # fixed seeds: ESS and gradient counts reproduce


def test_vendor_refuses_a_cdn_asset_it_does_not_know(tmp_path):
    (tmp_path / "index.html").write_text('<script src="https://cdn.example.org/new-lib.min.js"></script>')
    with pytest.raises(SystemExit, match="new-lib.min.js"):
        vendor.vendor(tmp_path, ROOT / "node_modules")


def test_status_of_reads_asv_conventions():
    assert results.status_of(None) == "failed"
    assert results.status_of(math.nan) == "skipped"
    assert results.status_of(1.5) == "ok"


def test_versions_are_collected_for_measured_commits_only(tmp_path):
    from asv.results import get_filename

    from reporting import versions

    records = tmp_path / "runs"
    for commit in ("a" * 40, "b" * 40):
        record = records / commit / "env-1" / "quick" / "gp_latent-50--pymc.json"
        record.parent.mkdir(parents=True)
        record.write_text(json.dumps({"versions": {"pymc": "6.4.0", "numba": "0.68.0"}}))
    machine_dir = tmp_path / "results" / "m"
    machine_dir.mkdir(parents=True)
    (tmp_path / "results" / get_filename("m", "a" * 40, "env-1")).write_text("{}")
    (machine_dir / "versions.json").write_text(json.dumps({"c" * 40: {"env-0": {"pymc": "6.2.0"}}}))
    known = versions.collect(records, "quick", machine_dir)
    assert set(known) == {"a" * 40, "c" * 40}  # b has no results here; c was recorded before and stays
    assert known["a" * 40]["env-1"]["numba"] == "0.68.0"
    assert versions.label("a" * 40, versions.load(tmp_path / "results")) == "pymc 6.4.0"
    assert versions.label("d" * 40, {}) == "d" * 8


def test_why_a_run_gave_no_number_is_kept_from_its_record(tmp_path):
    from asv.results import get_filename

    from reporting import versions

    commit, tier_dir = "a" * 40, tmp_path / "runs" / ("a" * 40) / "env-1" / "full"
    tier_dir.mkdir(parents=True)
    for pair, record in {"garch11-200--pymc-pytorch": {"skipped": "No PyTorch conversion for Scan.\nCheck out ..."},
                         "switchpoint--pymc-pytorch": {"failure": "AttributeError: 'bool' object has no attribute"},
                         "gp_latent-400--pymc": {"started": {"pid": 1, "timeout": 3600}},
                         "gp_latent-50--pymc": {"metrics": {"ess_bulk_min": 100.0}}}.items():
        (tier_dir / f"{pair}.json").write_text(json.dumps(record))
    machine_dir = tmp_path / "results" / "m"
    machine_dir.mkdir(parents=True)
    (tmp_path / "results" / get_filename("m", commit, "env-1")).write_text("{}")
    versions.collect_reasons(tmp_path / "runs", "full", machine_dir)
    assert versions.load_reasons(tmp_path / "results", "m") == {commit: {
        "garch11-200--pymc-pytorch": {"skipped": "No PyTorch conversion for Scan."},
        "switchpoint--pymc-pytorch": {"failed": "AttributeError: 'bool' object has no attribute"},
        "gp_latent-400--pymc": {"failed": "did not finish: killed at the 3600 s timeout or crashed"}}}
    assert versions.load_reasons(tmp_path / "results", "other") == {}


def test_only_asv_result_files_are_read_beside_ours(tmp_path):
    import shutil

    folder = tmp_path / MACHINE
    shutil.copytree(RESULTS / MACHINE, folder)
    (folder / "durations.json").write_text(json.dumps({"0" * 40: {"gp_latent-50": {"seconds": 1.0, "exit": 0}}}))
    read = results.result_files(tmp_path, MACHINE)
    assert read and all("commit_hash" in content for content in read)
    assert len(read) == len(results.result_files(RESULTS, MACHINE))


def test_cases_not_yet_measured_are_left_out_of_the_table_not_called_skipped(frame):
    chosen = results.select_commit(frame, None).copy()
    # a case left out of the run (make tier-duration runs one case at a time): asv writes NaN
    left_out = chosen["model"] == "gp_latent-50"
    chosen.loc[left_out, ["value", "status"]] = [math.nan, "skipped"]
    table = results.summary_table(chosen)
    shown = set(table.index.get_level_values("model"))
    assert "gp_latent-50" not in shown and "eight_schools_centered" in shown
    real_skips = table.xs("discrete_mixture", level="model")["status"]
    assert (real_skips == "skipped").sum() >= 3  # nutpie cannot sample it: those stay, as skips


def test_a_truncated_or_incomplete_results_file_is_named_and_skipped_and_the_rest_still_report(tmp_path):
    import shutil

    folder = tmp_path / MACHINE
    shutil.copytree(RESULTS / MACHINE, folder)
    files = sorted(p for p in folder.glob("*-*.json") if "commit_hash" in json.loads(p.read_text()))
    truncated, incomplete = files[0], files[1]
    truncated.write_bytes(truncated.read_bytes()[:5000])
    content = json.loads(incomplete.read_text())
    del content["results"]
    incomplete.write_text(json.dumps(content))
    others = [json.loads(p.read_text())["commit_hash"] for p in files[2:]]
    kept = others[0]
    for command in (["summary", "--results", str(tmp_path), "--machine", MACHINE, "--repo", "none"],
                    ["compare", kept, kept, "--results", str(tmp_path), "--machine", MACHINE]):
        run = _reporting(*command)
        assert run.returncode == 0, run.stderr
        warnings = [line for line in run.stderr.splitlines() if line.startswith("warning: skipped")]
        assert len(warnings) == 2 and str(truncated) in run.stderr and "without results" in run.stderr
        assert "Traceback" not in run.stderr
