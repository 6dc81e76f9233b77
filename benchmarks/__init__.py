"""The asv suite. asv imports this package from a temporary working directory, so the repository
root (models/, harness/) is put on sys.path here; importing harness configures threads, BLAS and
JAX for every benchmark process before any backend loads."""

import sys
from pathlib import Path

_ROOT = str(Path(__file__).resolve().parent.parent)
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

import harness  # noqa: E402,F401
