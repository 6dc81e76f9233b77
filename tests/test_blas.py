"""PyTensor's C backend must link a real BLAS; the check must be able to fail."""

import subprocess
import sys

CHECK = "import harness; from harness.blas import blas_problem; p = blas_problem(); print(p or 'BLAS OK')"


def _run(env_extra=None):
    import os

    env = {**os.environ, **(env_extra or {})}
    env.pop("PYTENSOR_FLAGS", None) if env_extra is None else None
    return subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, env=env, timeout=600)


def test_c_backend_links_blas():
    result = _run()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "BLAS OK"
    assert "could not link to a BLAS" not in result.stderr


def test_check_fails_without_blas():
    result = _run({"PYTENSOR_FLAGS": "blas__ldflags="})
    assert result.returncode == 0, result.stderr
    assert "found no BLAS" in result.stdout


def test_pymc_backend_is_unavailable_without_blas():
    code = (
        "import harness; from harness.backends import get_backend; "
        "print(get_backend('pymc').unavailable_reason()); print(get_backend('pymc-numba').unavailable_reason())"
    )
    import os

    env = {**os.environ, "PYTENSOR_FLAGS": "blas__ldflags="}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    lines = result.stdout.strip().splitlines()
    assert "found no BLAS" in lines[-2]
    assert lines[-1] == "None"
