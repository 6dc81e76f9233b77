"""The README's quick start, followed as a newcomer would: its first command, as written, on a fresh clone.

The second command (`make test`) is what CI itself runs, from a clean checkout. The first runs here at
the tiny tier (PMB_TIER is the documented switch) with the selection NEWCOMER_BENCH, so that the README
cannot drift from what works while CI stays inside its budget. Its first two steps, the virtual environment
and the PyMC history (`make setup mirror`, 147 s and 100 s of a fresh clone on the Intel host), are what
`make test` has just built from scratch in this checkout: the clone is given them, and builds the rest (asv's
environment, the runs, the dashboard) itself.
"""

import json
import os
import re
import shutil
import subprocess

import pytest

import asv_runs

ROOT = asv_runs.ROOT
# One model through every backend: a missing, failing or skipped backend still shows on the screen.
NEWCOMER_BENCH = r"eight_schools_noncentered'"


def quick_start_commands(readme: str) -> list[str]:
    """The commands of the README's "The two commands" block, without their comments."""
    section = readme.split("## The two commands", 1)[1]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    return [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip().startswith("make ")]


def test_the_quick_start_block_names_the_two_commands():
    assert quick_start_commands((ROOT / "README.md").read_text()) == ["make bench", "make test"]


def _give_the_built_setup(clone):
    """The checkout's venv (linked: 6.8 GB) and PyMC history (copied) in the clone, and make told the venv is
    current: it is built from this requirements.txt, which a clone's checkout dates now."""
    (clone / ".venv").symlink_to(ROOT / ".venv")
    shutil.copytree(asv_runs.MIRROR, clone / ".asv" / "pymc-mirror", symlinks=True)
    built = (ROOT / ".venv" / ".installed").stat().st_mtime
    os.utime(clone / "requirements.txt", (built - 1, built - 1))


@pytest.mark.timeout(2400)
def test_the_first_command_works_on_a_fresh_clone(tmp_path):
    first = quick_start_commands((ROOT / "README.md").read_text())[0]
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    _give_the_built_setup(clone)
    env = {**os.environ, "PMB_TIER": "tiny", "BENCH": NEWCOMER_BENCH}
    run = subprocess.run(first.split(), cwd=clone, env=env, capture_output=True, text=True, timeout=2300)
    screen = run.stdout
    assert run.returncode == 0, (screen[-5000:], run.stderr[-5000:])
    # quiet: progress and one line per failure on screen, the whole output in a log named there
    logs = re.findall(r"full output \(tracebacks included\): (\S+)", screen)
    assert logs and (clone / logs[0]).is_file(), screen[-3000:]
    assert "Traceback" not in screen
    # the notebook's table, the dashboard, and a result of the newest release
    assert "ESS/s" in screen and "parallel eff." in screen, screen[-3000:]
    assert (clone / "html" / "index.html").is_file()
    newest = subprocess.run(["git", "-C", str(clone / ".asv" / "pymc-mirror"), "rev-parse", "main"],
                            capture_output=True, text=True, check=True).stdout.strip()
    measured = [json.loads(path.read_text()) for path in (clone / "results").glob("*-tiny/*-env-*.json")]
    assert [result["commit_hash"] for result in measured] == [newest]
