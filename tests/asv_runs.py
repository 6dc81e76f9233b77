"""Helpers for tests that run asv itself: a config over the local PyMC history, a machine, a run."""

import fcntl
import importlib
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from asv.util import load_json

ROOT = Path(__file__).resolve().parent.parent
MIRROR = ROOT / ".asv" / "pymc-mirror"
# base_prefix: the interpreter the venv was made from, which asv must find as python3.12
BASE_BIN = str(Path(sys.base_prefix) / "bin")
MACHINE = "pmb-test"
# One environment for every asv test (and every test run): building it takes minutes.
ENV_DIR = ROOT / ".asv" / "env-tests"
# Without nutpie (matrix null): smaller environments, and a missing backend to see skipped.
SMALL_MATRIX = {"req": {"nutpie": [None], "psutil": ["7.2.2"]}, "env_nobuild": {"OMP_NUM_THREADS": ["1"]}}


def script_module(name: str):
    """The module scripts/<name>.py (the scripts import each other by name, from their folder)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "scripts"))


def config(tmp_path, **changes):
    """asv.conf.json over the mirror, with results, html and environments under tmp_path."""
    conf = load_json(str(ROOT / "asv.conf.json"), js_comments=True)
    conf.update(
        repo=str(MIRROR),
        benchmark_dir=str(ROOT / "benchmarks"),
        results_dir=str(tmp_path / "results"),
        html_dir=str(tmp_path / "html"),
        env_dir=str(ENV_DIR),
        **changes,
    )
    path = tmp_path / "asv.test.conf.json"
    path.write_text(json.dumps(conf))
    # asv resolves {conf_dir} in install_command against the config's folder
    (tmp_path / "asv_constraints.txt").write_text((ROOT / "asv_constraints.txt").read_text())
    return path


@contextmanager
def env_lock():
    """The test environment to one asv run at a time: asv installs the commit it measures into ENV_DIR, and make test
    runs two test files at once (pytest -n 2)."""
    ENV_DIR.parent.mkdir(parents=True, exist_ok=True)
    with open(ENV_DIR.parent / "env-tests.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _run(command, tier, timeout, home):
    env = {**os.environ, "PMB_TIER": tier, "PATH": f"{BASE_BIN}:{os.environ['PATH']}"}
    if home:
        env["HOME"] = str(home)  # asv's machine file lives in HOME
    with env_lock():
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)


def asv(*args, tier="tiny", timeout=1800, home=None):
    return _run([sys.executable, "-m", "asv", *args], tier, timeout, home)


def run_script(name, *args, tier="tiny", timeout=1800, home=None):
    """One of scripts/ that runs asv, as the Makefile runs it (python3.12 on PATH, the tier set)."""
    return _run([sys.executable, str(ROOT / "scripts" / name), *args], tier, timeout, home)


def register_machine(home):
    machine = ["--machine", MACHINE, "--os", "test", "--arch", "x86_64", "--cpu", "test", "--num_cpu", "2",
               "--ram", "1GB"]
    result = asv("machine", "--yes", *machine, home=home)
    assert result.returncode == 0, result.stdout + result.stderr


def committed(tag):
    """The short hash the committed results know a tag of the mirror by (history-tags/pymc-mirror.json)."""
    return json.loads((ROOT / "history-tags" / "pymc-mirror.json").read_text())[tag][:8]


def rev(name):
    """The full hash of a revision of the mirror (`make mirror` builds it, with its control tags)."""
    if not (MIRROR / ".git").exists():
        pytest.fail(f"no PyMC history at {MIRROR}: run `make mirror` (make test does)")
    result = subprocess.run(["git", "-C", str(MIRROR), "rev-parse", "--verify", f"{name}^{{commit}}"],
                            capture_output=True, text=True)
    if result.returncode:
        pytest.fail(f"{name} is not in {MIRROR}: run `make mirror` (make test does)")
    return result.stdout.strip()
