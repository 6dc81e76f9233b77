"""Process settings every backend depends on, applied before PyTensor or JAX is imported.

Each setting uses os.environ.setdefault-style merging, so a value the user already exported wins.
"""

import os
from pathlib import Path

#: Chains per run, as in the notebook; also the number of JAX host devices for parallel chains.
DEFAULT_CHAINS = 4

#: Where the JAX persistent compilation cache lives (warm compile caches make JAX runs comparable).
CACHE_ROOT = Path(os.environ.get("PMB_CACHE_DIR", Path(__file__).resolve().parent.parent / ".cache"))

#: Debian's OpenBLAS (libopenblas-dev); pip's PyTensor does not find it on its own.
BLAS_LDFLAGS = "-lopenblas"


def _merge_flag(variable: str, flag_name: str, flag: str, separator: str) -> None:
    current = os.environ.get(variable, "")
    if flag_name not in current:
        os.environ[variable] = f"{current}{separator}{flag}" if current else flag


def configure() -> None:
    """Set threads, BLAS, JAX devices and JAX caches for this process and its children."""
    # Chains run in parallel (processes or threads), so each chain's BLAS gets one thread.
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    _merge_flag("PYTENSOR_FLAGS", "blas__ldflags", f"blas__ldflags={BLAS_LDFLAGS}", ",")
    _merge_flag(
        "XLA_FLAGS",
        "xla_force_host_platform_device_count",
        f"--xla_force_host_platform_device_count={DEFAULT_CHAINS}",
        " ",
    )
    os.environ.setdefault("JAX_COMPILATION_CACHE_DIR", str(CACHE_ROOT / "jax"))
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    os.environ.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")
