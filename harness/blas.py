"""Is PyTensor's C backend linked to a real BLAS? Without one it silently runs a slow fallback."""

from __future__ import annotations

from functools import cache

FIX = "run `make setup` (installs Debian's libopenblas-dev; harness sets PyTensor's blas__ldflags)"


@cache
def blas_problem(mode: str = "CVM") -> str | None:
    """None when a matrix-vector product compiled in this C mode calls BLAS, else what is wrong."""
    import pytensor
    import pytensor.tensor as pt

    ldflags = pytensor.config.blas__ldflags
    if not ldflags:
        return f"PyTensor found no BLAS (blas__ldflags is empty); {FIX}"
    A, x = pt.matrix("A"), pt.vector("x")
    fn = pytensor.function([A, x], pt.dot(A, x), mode=mode)
    ops = {type(node.op).__name__ for node in fn.maker.fgraph.toposort()}
    if "CGemv" not in ops:
        return f"PyTensor's C backend does not call BLAS with blas__ldflags={ldflags!r} (ops: {sorted(ops)}); {FIX}"
    return None

