"""The release-day stack (scripts/install_as_of.py): PyMC 5.13.0 resolves with the packages of its day."""

import subprocess
import sys
from pathlib import Path

import asv_runs

ROOT = Path(__file__).resolve().parent.parent


def test_pymc_5_13_resolves_with_the_packages_of_its_release_day(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary", ":all:",
                    "--dest", str(tmp_path), "pymc==5.13.0"], check=True, capture_output=True)
    (wheel,) = tmp_path.glob("pymc-5.13.0-*.whl")
    record = tmp_path / "as-of.json"
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "install_as_of.py"), str(wheel), "--dry-run",
                          "--record", str(record)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "pymc 5.13.0 as of 2024-04-08T17:08:08" in run.stdout
    # as they resolved that day (the machine's package folders would have given xarray 2026.9 and arviz 0.23)
    for pin in ("pytensor==2.20.0", "numpy==1.26.4", "nutpie==0.10.0", "jax==0.4.26", "arviz==0.18.0",
                "xarray==2024.3.0", "numba==0.59.1"):
        assert f" {pin}" in run.stdout, pin
    assert " importlib-resources==" in run.stdout or " importlib_resources==" in run.stdout  # jax 0.4.26's cache
    assert "torch==" not in run.stdout and "psutil==" not in run.stdout  # held as the environment has them
    assert '"as_of": "2024-04-08T17:08:08' in record.read_text()


def test_a_wheel_that_is_not_pymc_is_refused(tmp_path):
    other = tmp_path / "nutpie-0.16.11-py3-none-any.whl"
    other.write_bytes(b"")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "install_as_of.py"), str(other), "--dry-run"],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "is not a PyMC wheel" in run.stderr


def test_what_an_earlier_stack_left_behind_is_named_for_removal_and_what_the_kept_need_is_not():
    """Found by PyMC 5.17.0's run in the environment PyMC 6's stack had used: arviz-base, left from ArviZ 1,
    broke arviz 0.20's import, and with it every benchmark."""
    removed = asv_runs.script_module("install_as_of").strays({"numpy": "any"})
    assert "playwright" in removed and "blackjax" in removed  # installed here, needed by nothing kept
    assert "numpy" not in removed and "torch" not in removed and "psutil" not in removed  # resolved, held
    assert "nvidia-cuda-runtime" not in removed  # torch needs it through cuda-toolkit's extras
    assert "pip" not in removed
