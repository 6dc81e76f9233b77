"""``list``: the models x backends matrix; ``run``: one model through one backend, with its metrics."""

from __future__ import annotations

import argparse
import sys

import harness  # noqa: F401  (configures threads, BLAS and JAX before any backend loads)
import models
from harness.backends import BACKENDS, SampleSettings, get_backend
from harness.metrics import compute_metrics, format_metrics


def matrix_rows() -> list[list[str]]:
    """One row per model: name, parameter count, then "runs" or "skip: reason" per backend."""
    rows = []
    for spec in models.registry().values():
        cells = [str(count_parameters(spec.build()))]
        for backend in BACKENDS.values():
            reason = backend.skip_reason(spec)
            cells.append("runs" if reason is None else f"skip: {reason}")
        rows.append([spec.name, *cells])
    return rows


def count_parameters(model) -> int:
    """Number of scalar unobserved values (the sampler's dimension, discrete ones included)."""
    return sum(int(value.size) for value in model.initial_point().values())


def print_matrix() -> None:
    from tabulate import tabulate

    print(tabulate(matrix_rows(), headers=["model", "parameters", *BACKENDS], tablefmt="github"))


def run_one(model: str, backend: str, size: int | None, settings: SampleSettings) -> int:
    spec = models.get_model(model)
    chosen = get_backend(backend)
    reason = chosen.skip_reason(spec)
    if reason:
        print(f"skip: {backend} cannot run {model}: {reason}", file=sys.stderr)
        return 3
    compiled = chosen.compile(spec.build(size), settings)
    run = chosen.sample(compiled, settings)
    metrics = compute_metrics(run, spec.reference(size), compiled.compile_seconds)
    print(f"{model} (size {spec.check_size(size)}) with {backend}: {settings}")
    print(f"compile: {compiled.compile_method}")
    print(format_metrics(metrics))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m harness", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="print the models x backends matrix")
    run = commands.add_parser("run", help="sample one model with one backend and print its metrics")
    run.add_argument("model", help=f"one of: {', '.join(models.model_names())}")
    run.add_argument("backend", help=f"one of: {', '.join(BACKENDS)}")
    run.add_argument("--size", type=int, default=None, help="model size (default: the model's own)")
    defaults = SampleSettings()
    run.add_argument("--draws", type=int, default=defaults.draws)
    run.add_argument("--tune", type=int, default=defaults.tune)
    run.add_argument("--chains", type=int, default=defaults.chains)
    run.add_argument("--cores", type=int, default=None, help="default: one per chain, at most the CPUs")
    run.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(argv)

    if args.command == "list":
        print_matrix()
        return 0
    for name in ("draws", "tune", "chains", "cores"):
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f"--{name} {value}: must be a whole number of at least 1")
    settings = SampleSettings(args.draws, args.tune, args.chains, args.cores, args.seed)
    try:
        return run_one(args.model, args.backend, args.size, settings)
    except (KeyError, ValueError) as error:
        parser.error(error.args[0] if error.args else str(error))
