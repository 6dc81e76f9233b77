"""Command line: ``python -m harness list`` and ``python -m harness run MODEL BACKEND``."""

from harness.cli import main

if __name__ == "__main__":  # guard needed: PyMC starts JAX-mode chains with forkserver
    raise SystemExit(main())
