"""The paired history: neighbouring releases measured as duets, each in its release-day environment
(scripts/paired_history.py, scripts/adjacent_pairs.py --as-of), and its page (reporting/paired_history.py)."""

import json
import subprocess
import sys

import asv_runs
import numpy as np
import pandas as pd

from reporting import adjacent, paired_history
from reporting.results import GRADIENT

ROOT = asv_runs.ROOT
SCRIPT = ROOT / "scripts" / "paired_history.py"
MACHINE = "x86_64-2cpu-24GB-amd-epyc-quick"  # the Makefile's HISTORY_MACHINE


def _run(*args):
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=ROOT)


def _script():
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import paired_history as script
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return script


def test_bad_input_names_what_is_valid_and_writes_nothing(tmp_path):
    common = ["--repo", str(asv_runs.MIRROR), "--results", str(tmp_path / "out"), "--envs", str(tmp_path / "envs")]
    for extra, message in [(["--releases", "6.4.0"], "two or more different releases"),
                           (["--releases", "6.4.0", "6.4.0"], "two or more different releases"),
                           (["--releases", "6.3.2", "9.9.9"], "not releases of"),
                           (["--releases", "6.3.2", "6.4.0", "--gradient-rounds", "2"], "each 0 or at least 3"),
                           (["--releases", "6.3.2", "6.4.0", "--gradient-rounds", "0", "--sampling-rounds", "0"],
                            "not both 0")]:
        run = _run(*common, *extra)
        assert run.returncode == 2 and message in run.stderr, run.stderr
    assert "valid: 5.13.0" in _run(*common, "--releases", "6.3.2", "9.9.9").stderr
    assert not (tmp_path / "out").exists() and not (tmp_path / "envs").exists()


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
    assert not list(envs.glob("pymc-*"))  # no pair left to measure needs them
    # a mirror rebuilt with more releases renames the sides: the rounds measured are kept, the file re-keyed
    renamed = _script().rekeyed(measured, ["b" * 40, "h" * 40])
    assert renamed["samples"]["pymc"]["eight_schools_noncentered"]["b" * 40] == values[base]
    assert set(renamed["versions"]) == {"b" * 40, "h" * 40} and renamed["commits"] == ["b" * 40, "h" * 40]
    (out / "6.3.2..6.4.0" / adjacent.FILE).write_text(json.dumps(renamed))  # as measured under the old hashes
    again = _run(*args)
    assert again.returncode == 0 and "3 rounds already" in again.stdout, again.stdout + again.stderr[-3000:]
    assert json.loads((out / "6.3.2..6.4.0" / adjacent.FILE).read_text()) == measured


def _pair_file(folder, step=1.0, rounds=8, seed=3):
    """A pair's gradient file: pymc and pymc-numba over two cases, the head `step` times the base; a canary."""
    rng = np.random.default_rng(seed)
    commits = ["b" * 40, "h" * 40]
    samples = {backend: {case: {commits[0]: list(1e-5 * np.exp(rng.normal(0, 0.01, rounds))),
                                commits[1]: list(step * 1e-5 * np.exp(rng.normal(0, 0.01, rounds)))}
                         for case in ("eight_schools_noncentered", "radon_hierarchical")}
               for backend in ("pymc", "pymc-numba")}
    for by_case in samples.values():
        by_case[adjacent.CANARY_CASE] = {commit: list(2.5e-3 * np.exp(rng.normal(0, 0.01, rounds))) for commit in commits}
    versions = {commits[0]: {"pymc": "5.18.0", "resolved": {"pytensor": "2.25.5", "numba": "0.60.0"}},
                commits[1]: {"pymc": "5.19.0", "resolved": {"pytensor": "2.26.3", "numba": "0.60.0"}}}
    folder.mkdir(parents=True)
    skipped = {"gp_latent-50 / pymc-numba": {commits[0]: "failed: RuntimeError gradients differ"}}
    (folder / adjacent.FILE).write_text(json.dumps({"metric": "gradient", "commits": commits, "samples": samples,
                                                    "skipped": skipped, "mode": "duet", "versions": versions}))


def test_the_page_gives_each_step_its_interval_verdict_moved_dependencies_and_the_unpaired_ratio(tmp_path):
    _pair_file(tmp_path / "5.18.0..5.19.0", step=0.5)
    _pair_file(tmp_path / "5.17.0..5.18.0", step=1.0, seed=4)
    history = pd.DataFrame([{"benchmark": GRADIENT, "model": case, "backend": backend, "release": release,
                             "value": value} for case in ("eight_schools_noncentered", "radon_hierarchical")
                            for backend in ("pymc", "pymc-numba")
                            for release, value in (("5.17.0", 2e-5), ("5.18.0", 2e-5), ("5.19.0", 0.8e-5))])
    page = paired_history.render(tmp_path, history, MACHINE)
    assert page.index("## 5.17.0 -> 5.18.0") < page.index("## 5.18.0 -> 5.19.0")  # release order, not the folders'
    later = page[page.index("## 5.18.0 -> 5.19.0"):]
    assert "Dependencies that moved: pytensor 2.25.5 -> 2.26.3." in later
    assert (f"- {adjacent.KIND}: gp_latent-50 / pymc-numba failed on 5.18.0 only (RuntimeError gradients differ)"
            in later)
    row = next(line for line in later.splitlines() if line.startswith("| pymc-*"))
    assert "faster" in row and row.rstrip(" |").endswith(" 0.4")  # unpaired: 0.8e-5 / 2e-5
    ratio, low, high = (float(x) for x in row.split("|")[4].replace("[", "").replace("]", "").replace(",", "").split())
    assert low < ratio < high and abs(ratio - 0.5) < 0.02
    earlier = page[:page.index("## 5.18.0 -> 5.19.0")]
    assert "same" in next(line for line in earlier.splitlines() if line.startswith("| pymc-*"))


def test_the_committed_page_is_current():
    history = paired_history.release_day_history(ROOT / "results", ROOT / "results-replicate",
                                                 ROOT / "history-tags" / "pymc-mirror.json", MACHINE)
    page = paired_history.render(ROOT / "results-paired" / MACHINE, history, MACHINE)
    assert (ROOT / "docs" / "paired-history.md").read_text() == page, "run `make findings` and commit the page"
