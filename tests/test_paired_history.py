"""The paired history: neighbouring releases measured as duets, each in its release-day environment
(scripts/paired_history.py, scripts/adjacent_pairs.py --as-of), and its page (reporting/paired_history.py)."""

import json
import subprocess
import sys

import asv_runs
import numpy as np
import pandas as pd

from reporting import adjacent, compare, paired_history
from reporting.results import GRADIENT

ROOT = asv_runs.ROOT
SCRIPT = ROOT / "scripts" / "paired_history.py"
MACHINE = "x86_64-2cpu-24GB-amd-epyc-quick"  # the Makefile's HISTORY_MACHINE


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT)


def test_bad_input_names_what_is_valid_and_writes_nothing(tmp_path):
    common = ["--repo", str(asv_runs.MIRROR), "--results", str(tmp_path / "out"), "--envs", str(tmp_path / "envs")]
    for extra, message in [(["--releases", "6.4.0"], "two or more different releases"),
                           (["--releases", "6.4.0", "6.4.0"], "two or more different releases"),
                           (["--releases", "6.3.2", "9.9.9"], "not releases of"),
                           (["--releases", "6.3.2", "6.4.0", "--gradient-rounds", "2"], "each 0 or at least 3"),
                           (["--releases", "6.3.2", "6.4.0", "--gradient-rounds", "0", "--sampling-rounds", "0"],
                            "not both 0"),
                           ([], "(or none, with --aa)"),
                           (["--releases", "6.4.0", "--aa"], "two or more different releases"),
                           (["--aa", "0"], "--aa 0: the A/A pair's run, 1 or more"),
                           (["--aa", "two"], "invalid int value: 'two'"),
                           (["--releases", "6.3.2", "6.4.0", "--backends", "stan"], "not backends: stan; valid: pymc"),
                           (["--releases", "6.3.2", "6.4.0", "--cases", "gp_latent-7"], "not model cases: gp_latent-7"),
                           (["--aa", "--project", "nutpie"], "--aa: the A/A pair is PyMC's"),
                           (["--releases", "6.3.2", "6.4.0", "--project", "stan"], "invalid choice: 'stan'")]:
        run = _run(*common, *extra)
        assert run.returncode == 2 and message in run.stderr, run.stderr
    assert "valid: 5.13.0" in _run(*common, "--releases", "6.3.2", "9.9.9").stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "envs").exists()


def test_the_aa_pair_is_one_release_against_a_commit_that_changes_nothing_on_it(tmp_path):
    script = asv_runs.script_module("paired_history")
    common = ["--repo", str(asv_runs.MIRROR), "--results", str(tmp_path / "out"), "--envs", str(tmp_path / "envs")]
    (aa,) = script.parse([*common, "--aa"]).pairs
    assert aa.name == "aa" and aa.commits == [asv_runs.rev("aa^"), asv_runs.rev("aa")] and aa.releases == {"6.4.0"}
    tree = [subprocess.run(["git", "-C", str(asv_runs.MIRROR), "rev-parse", f"{commit}^{{tree}}"], capture_output=True,
                           text=True, check=True).stdout for commit in aa.commits]
    assert tree[0] == tree[1]
    # after the releases' pairs: their environments are removed only when the A/A pair no longer needs them
    steps = script.parse([*common, "--releases", "6.3.2", "6.4.0", "--aa"]).pairs
    assert [pair.name for pair in steps] == ["6.3.2..6.4.0", "aa"] and steps[0].releases == {"6.3.2", "6.4.0"}
    (again,) = script.parse([*common, "--aa", "2"]).pairs  # a repeat on another day: a folder of its own
    assert again.name == "aa-2" and again.commits == aa.commits


def test_a_pair_runs_each_release_in_its_own_release_day_environment(tmp_path):
    """Real environments (scripts/install_as_of.py, about half a minute each with pip's cache) and a real duet."""
    out, envs = tmp_path / "paired", tmp_path / "envs"
    args = ["--repo", str(asv_runs.MIRROR), "--results", str(out), "--envs", str(envs), "--releases", "6.3.2", "6.4.0",
            "--backends", "pymc", "--cases", "eight_schools_noncentered", "--gradient-rounds", "3"]
    run = _run(*args)
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads((out / "6.3.2..6.4.0" / adjacent.FILE).read_text())
    base, head = measured["commits"]
    assert [measured["versions"][side]["pymc"] for side in (base, head)] == ["6.3.2", "6.4.0"]
    assert measured["versions"][base]["as_of"] < measured["versions"][head]["as_of"]
    values = measured["samples"]["pymc"]["eight_schools_noncentered"]
    assert len(values[base]) == len(values[head]) == 3 and all(1e-7 < v < 1e-2 for v in values[base] + values[head])
    assert len(measured["rounds_ended"]) == 3 and measured["rounds_ended"] == sorted(measured["rounds_ended"])
    assert not list(envs.glob("pymc-*"))  # no pair left to measure needs them
    # a mirror rebuilt with more releases renames the sides: the rounds measured are kept, the file re-keyed
    renamed = asv_runs.script_module("paired_history").rekeyed(measured, ["b" * 40, "h" * 40])
    assert renamed["samples"]["pymc"]["eight_schools_noncentered"]["b" * 40] == values[base]
    assert set(renamed["versions"]) == {"b" * 40, "h" * 40} and renamed["commits"] == ["b" * 40, "h" * 40]
    (out / "6.3.2..6.4.0" / adjacent.FILE).write_text(json.dumps(renamed))  # as measured under the old hashes
    again = _run(*args)
    assert again.returncode == 0 and "3 rounds already" in again.stdout, again.stdout + again.stderr[-3000:]
    assert json.loads((out / "6.3.2..6.4.0" / adjacent.FILE).read_text()) == measured


def test_a_nutpie_pair_runs_each_nutpie_release_with_the_nutpie_historys_fixed_stack(tmp_path):
    """A real nutpie history of two releases (scripts/build_nutpie_history.py), real environments (a minute or two each
    with pip's cache) and a real duet of nutpie-numba; then its page beside the committed nutpie history."""
    history, out, envs = tmp_path / "nutpie-releases", tmp_path / "paired", tmp_path / "envs"
    subprocess.run([sys.executable, str(ROOT / "scripts" / "build_nutpie_history.py"), str(history), "0.16.10",
                    "0.16.11"], check=True, capture_output=True, cwd=ROOT)
    run = _run("--project", "nutpie", "--repo", str(history), "--results", str(out), "--envs", str(envs),
               "--releases", "0.16.10", "0.16.11", "--backends", "nutpie-numba", "--cases", "eight_schools_noncentered",
               "--gradient-rounds", "3")
    assert run.returncode == 0, run.stderr[-3000:]
    measured = json.loads((out / "0.16.10..0.16.11" / adjacent.FILE).read_text())
    base, head = measured["commits"]
    assert [measured["versions"][side]["nutpie"] for side in (base, head)] == ["0.16.10", "0.16.11"]
    script = asv_runs.script_module("adjacent_pairs")
    for side in (base, head):  # the stack asv's matrix and constraints install for the nutpie history
        resolved = measured["versions"][side]["resolved"]
        assert all(resolved[pin.split("==")[0]] == pin.split("==")[1] for pin in script.nutpie_stack_pins())
    values = measured["samples"]["nutpie-numba"]["eight_schools_noncentered"]
    assert len(values[base]) == len(values[head]) == 3 and all(1e-7 < v < 1e-2 for v in values[base] + values[head])
    assert not list(envs.glob("nutpie-*"))
    # the page sets the pair beside the committed nutpie history of the same stack (PyMC 5.23.0's)
    assert paired_history.stack_of_pairs(paired_history.pair_folders(out)) == "PyMC 5.23.0"
    unpaired = paired_history.unpaired_history(ROOT / "results-nutpie", None, ROOT / "history-tags" /
                                               "nutpie-releases.json", MACHINE, "PyMC 5.23.0")
    assert set(unpaired["release"]) >= {"0.16.10", "0.16.11"} and set(unpaired["backend"]) >= {"nutpie-numba"}
    page = paired_history.render(out, unpaired, MACHINE).markdown
    assert "Each pair of neighbouring nutpie releases" in page and "## 0.16.10 -> 0.16.11" in page
    assert "Dependencies that moved: nutpie 0.16.10 -> 0.16.11." in page
    row = next(line for line in page.splitlines() if line.startswith("| nutpie-*"))
    assert float(row.split("|")[-2]) > 0  # the unpaired ratio, from the committed nutpie history


def _pair_file(folder, step=1.0, rounds=8, seed=3, exist_ok=False, ended=None, metric="gradient",
               backends=("pymc", "pymc-numba")):
    """A pair's gradient (or sampling) file: `backends` over two cases, the head `step` times the base; a canary."""
    rng = np.random.default_rng(seed)
    commits = ["b" * 40, "h" * 40]
    samples = {backend: {case: {commits[0]: list(1e-5 * np.exp(rng.normal(0, 0.01, rounds))),
                                commits[1]: list(step * 1e-5 * np.exp(rng.normal(0, 0.01, rounds)))}
                         for case in ("eight_schools_noncentered", "radon_hierarchical")}
               for backend in backends}
    for by_case in samples.values():
        by_case[adjacent.CANARY_CASE] = {commit: list(2.5e-3 * np.exp(rng.normal(0, 0.01, rounds))) for commit in commits}
    versions = {commits[0]: {"pymc": "5.18.0", "resolved": {"pytensor": "2.25.5", "numba": "0.60.0"}},
                commits[1]: {"pymc": "5.19.0", "resolved": {"pytensor": "2.26.3", "numba": "0.60.0"}}}
    folder.mkdir(parents=True, exist_ok=exist_ok)
    skipped = {"gp_latent-50 / pymc-numba": {commits[0]: "failed: RuntimeError gradients differ"},
               "gp_latent-50 / nutpie-numba": dict.fromkeys(commits, "failed: RuntimeError nutpie's differ"),
               "discrete_mixture / numpyro": dict.fromkeys(commits, "skipped: discrete variables")}
    name = {"gradient": adjacent.FILE, "sampling": adjacent.SAMPLING_FILE}[metric]
    (folder / name).write_text(json.dumps({"metric": metric, "commits": commits, "samples": samples,
                                           "skipped": skipped, "mode": "duet", "versions": versions,
                                           **({"rounds_ended": ended} if ended else {})}))


def test_the_page_gives_each_step_its_interval_verdict_moved_dependencies_and_the_unpaired_ratio(tmp_path):
    _pair_file(tmp_path / "5.18.0..5.19.0", step=0.5)
    _pair_file(tmp_path / "5.18.0..5.19.0", step=0.6, metric="sampling", backends=("pymc",), exist_ok=True)
    _pair_file(tmp_path / "5.17.0..5.18.0", step=1.0, seed=4)
    cases = ("eight_schools_noncentered", "radon_hierarchical")
    history = pd.DataFrame([{"benchmark": GRADIENT, "model": case, "backend": backend, "release": release,
                             "value": value} for case in cases for backend in ("pymc", "pymc-numba")
                            for release, value in (("5.17.0", 2e-5), ("5.18.0", 2e-5), ("5.19.0", 0.8e-5))]
                           + [{"benchmark": compare.GRAD_EVALS_TOTAL, "model": case, "backend": "pymc",
                               "release": release, "value": value}
                              for case in cases for release, value in (("5.18.0", 1000), ("5.19.0", 900))])
    page = paired_history.render(tmp_path, history, MACHINE).markdown
    assert page.index("## 5.17.0 -> 5.18.0") < page.index("## 5.18.0 -> 5.19.0")  # release order, not the folders'
    later = page[page.index("## 5.18.0 -> 5.19.0"):]
    assert "Dependencies that moved: pytensor 2.25.5 -> 2.26.3." in later
    assert (f"- {adjacent.KIND}: gp_latent-50 / pymc-numba failed on 5.18.0 only (RuntimeError gradients differ)"
            in later)
    assert f"- {adjacent.KIND}: gp_latent-50 / nutpie-numba failed on both (RuntimeError nutpie's differ)" in later
    assert "discrete_mixture" not in later  # skipped on both by design
    rows = {cells[2]: cells for cells in ([cell.strip() for cell in line.split("|")] for line in later.splitlines()
                                          if line.startswith("| pymc-*"))}
    # family, kind, backends the pair ran, cases, interval, adjusted p, verdict, flagged from, unpaired, gradient
    # evaluations
    gradient, sampling = rows["gradient"], rows["sampling"]
    assert gradient[3] == "pymc, pymc-numba" and gradient[7] == "faster" and gradient[9:11] == ["0.400", "-"]
    assert float(gradient[6]) < 0.05  # the verdict's own p-value, adjusted within the pair
    assert sampling[3] == "pymc" and sampling[9:11] == ["-", "0.900"]  # no unpaired sampling time; evaluations 900/1000
    ratio, low, high = (float(x) for x in gradient[5].replace("[", "").replace("]", "").replace(",", "").split())
    assert low < ratio < high and abs(ratio - 0.5) < 0.02
    earlier = page[:page.index("## 5.18.0 -> 5.19.0")]
    assert "same" in next(line for line in earlier.splitlines() if line.startswith("| pymc-*"))
    # a 10 % step added where the family held still (5.17.0 -> 5.18.0) is found; where it moved, not tried
    assert "flagged as slower in 1 of 1 tries" in page
    assert ("family aggregates judged (gradient: 2 at 2 pairs, on pymc, pymc-numba; sampling: 1 at 1 pair, on pymc)"
            in page)


def test_the_aa_pair_counts_its_verdicts_as_false_alarms(tmp_path):
    _pair_file(tmp_path / "5.18.0..5.19.0", step=0.5)
    empty = pd.DataFrame(columns=["benchmark", "model", "backend", "release", "value"])
    assert "A/A" not in paired_history.render(tmp_path, empty, MACHINE).markdown
    _pair_file(tmp_path / "aa", step=1.0, seed=5)
    rendered = paired_history.render(tmp_path, empty, MACHINE)
    page = rendered.markdown
    assert "0 of 4 cases and 0 of 1 family aggregates flagged, each one a false alarm; the cases' ratios 0.9" in page
    assert "0 of 4 cases and 0 of 1 family aggregates flagged" in rendered.summary  # README.md's block says it too
    assert "a step added to one family's samples of aa flagged as slower: 5% in 1 of 1, 10% in 1 of 1." in page
    section = page[page.index("## A/A: 5.18.0 against itself"):]
    assert "| pymc-*" in section and "unpaired" not in section
    # a repeat on another day (scripts/paired_history.py --aa 2) adds its verdicts and its own section
    _pair_file(tmp_path / "aa-2", step=1.0, seed=6, ended=["2026-12-08 10:00", "2026-12-08 10:09"])
    _pair_file(tmp_path / "aa-x", step=1.5, seed=6)  # not a run's folder
    page = paired_history.render(tmp_path, empty, MACHINE).markdown
    assert "2 runs at different times; last sections): 0 of 8 cases and 0 of 2 family aggregates flagged" in page
    assert "one run; last section): 0 of 4 cases" in rendered.markdown
    assert "10%" in page and "in 2 of 2." in page
    assert page.index("(aa/)") < page.index("(aa-2/)") and "aa-x" not in page
    assert "pinned" not in page and "gradient, adjacent processes 8, ended 2026-12-08 10:00 to 2026-12-08 10:09 UTC" in page
    (tmp_path / "aa" / adjacent.FILE).unlink()
    _pair_file(tmp_path / "aa", step=1.5, seed=5, exist_ok=True)  # as if aa^ and aa differed
    assert "4 of 8 cases and 1 of 2 family aggregates flagged" in paired_history.render(tmp_path, empty, MACHINE).markdown


def test_the_steps_added_to_the_aa_pair_are_counted_per_kind(tmp_path):
    _pair_file(tmp_path / "aa", step=1.0, seed=5)
    _pair_file(tmp_path / "aa", step=1.0, seed=7, metric="sampling", backends=("pymc",), exist_ok=True)
    empty = pd.DataFrame(columns=["benchmark", "model", "backend", "release", "value"])
    page = paired_history.render(tmp_path, empty, MACHINE).markdown
    assert ("flagged as slower: 5% in 2 of 2 (gradient 1 of 1, sampling 1 of 1), 10% in 2 of 2 (gradient 1 of 1, "
            "sampling 1 of 1).") in page


def test_the_committed_page_is_current():
    history = paired_history.unpaired_history(ROOT / "results", ROOT / "results-replicate",
                                              ROOT / "history-tags" / "pymc-mirror.json", MACHINE, "release-day")
    page = paired_history.render(ROOT / "results-paired" / MACHINE, history, MACHINE)
    assert (ROOT / "docs" / "paired-history.md").read_text() == page.markdown, "run `make findings` and commit the page"
    assert paired_history.readme_block(page, MACHINE, "docs/paired-history.md") in (ROOT / "README.md").read_text(), \
        "README.md's paired history is stale: run `make findings`"


def test_the_committed_nutpie_page_is_current(tmp_path):
    """As `make findings` writes it: the reporting reads from the pairs' records that they are nutpie's (its
    unpaired history, tags and page)."""
    results = ROOT / "results-paired-nutpie" / MACHINE
    if not results.is_dir():  # no nutpie pair measured on the history's host: make findings writes no page
        assert not (ROOT / "docs" / "paired-history-nutpie.md").exists()
        return
    assert paired_history.paired_project(paired_history.stack_of_pairs(paired_history.pair_folders(results))).name \
        == "nutpie"
    out = tmp_path / "page.md"
    written = subprocess.run([sys.executable, "-m", "reporting", "paired-history", "--results", str(results), "--out",
                              str(out)], capture_output=True, text=True, cwd=ROOT)
    assert written.returncode == 0, written.stderr[-2000:]
    assert (ROOT / "docs" / "paired-history-nutpie.md").read_text() == out.read_text(), \
        "run `make findings` and commit the page"
