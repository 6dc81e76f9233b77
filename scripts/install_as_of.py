"""Install a PyMC wheel with the stack of its release day: asv's install_command for the as-of series.

    python scripts/install_as_of.py WHEEL [--record FILE] [--dry-run]

The cut-off is the moment PyMC X (the wheel's version) was uploaded to PyPI. pip (>= 26) resolves
the wheel's requirements and the backends (numba, nutpie, numpyro, blackjax, jax) with
``--uploaded-prior-to`` that moment, against pypi.org alone: this machine's own package folders
carry no upload times, and pip takes such files whatever their date (xarray 2026.9 beside
PyMC 5.13), so the machine's pip configuration is set aside. The resolved versions are then
installed exactly (downgrading what the environment held), and what the environment held beyond
them is removed (an earlier commit's stack left in the shared environment breaks imports: arviz-base,
from PyMC 6's ArviZ 1, made PyMC 5.17's arviz 0.20 fail to import). A backend that cannot be resolved at
that date (not released yet, or at odds with that PyMC) is left out and named; its benchmarks skip
with "not installed". What stays as the environment holds it: psutil (the harness's meter) and
torch (a CUDA wheel of hundreds of MB a version; PyTorch mode is recent): the record says so.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from release_history import pypi_upload_times

BACKENDS = ["numba", "nutpie", "numpyro", "blackjax", "jax", "jaxlib"]
INDEX = "https://pypi.org/simple"
HELD = ["psutil", "torch"]
# jax < 0.5.2 takes etils.epath for importable once etils is (optax brings etils without its epath extra)
# and fails on "No module named 'importlib_resources'" as soon as a compilation cache dir is set, as
# the harness sets it (jax-ml/jax#26901): resolved at the cut-off beside the stack, a module and no more.
HARNESS_NEEDS = ["importlib_resources"]
# asv's runner and the wheel tools asv builds with: the environment's own, whatever the stack
KEPT = ["pymc", "pip", "setuptools", "wheel", "asv-runner", "build", "pyproject-hooks"]


def _fail(message: str):
    print(f"error: {message}", file=sys.stderr)
    raise SystemExit(2)


def release_version(wheel: Path) -> str:
    match = re.match(r"pymc-([^-]+)-", wheel.name)
    if not match:
        _fail(f"{wheel.name} is not a PyMC wheel (pymc-VERSION-...whl)")
    return match.group(1)


def _pip_env() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # the machine's local indexes and find-links carry no upload times
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def strays(resolved: dict[str, str]) -> list[str]:
    """Distributions of this environment that the resolution does not name and that nothing kept requires
    (markers and requested extras evaluated here: torch needs cuda-toolkit's extras)."""
    from importlib import metadata

    try:
        from packaging.requirements import Requirement
    except ImportError:  # a stack without packaging: pip's own copy
        from pip._vendor.packaging.requirements import Requirement

    installed = {_name(dist.metadata["Name"]): dist for dist in metadata.distributions()}
    queue = [(_name(name), frozenset()) for name in [*resolved, *HELD, *KEPT] if _name(name) in installed]
    keep, seen = set(), set()
    while queue:
        name, extras = queue.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        keep.add(name)
        for text in installed[name].requires or []:
            requirement = Requirement(text)
            if requirement.marker and not any(requirement.marker.evaluate({"extra": extra}) for extra in extras or {""}):
                continue
            if _name(requirement.name) in installed:
                queue.append((_name(requirement.name), frozenset(requirement.extras)))
    return sorted(set(installed) - keep)


def resolve(wheel: Path, cutoff: str, backends: list[str]) -> tuple[dict[str, str] | None, str]:
    """name -> version as pip resolves them at the cut-off, or None and pip's last words."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        run = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
             "--report", str(report), "--index-url", INDEX, "--uploaded-prior-to", cutoff, str(wheel), *backends,
             *HARNESS_NEEDS],
            capture_output=True, text=True, env=_pip_env())
        if run.returncode:
            return None, (run.stderr.strip().splitlines() or ["pip failed"])[-1]
        installs = json.loads(report.read_text())["install"]
    return {item["metadata"]["name"].lower(): item["metadata"]["version"] for item in installs}, ""


def resolve_with_backends(wheel: Path, cutoff: str) -> tuple[dict[str, str], dict[str, str]]:
    """The resolution with every backend that fits; the backends left out, with pip's reason."""
    resolved, _ = resolve(wheel, cutoff, BACKENDS)
    if resolved is not None:
        return resolved, {}
    left_out, kept = {}, []
    for backend in BACKENDS:
        trial, why = resolve(wheel, cutoff, [*kept, backend])
        if trial is None:
            left_out[backend] = why
        else:
            kept.append(backend)
            resolved = trial
    if resolved is None:
        resolved, why = resolve(wheel, cutoff, [])
        if resolved is None:
            _fail(f"{wheel.name} does not resolve as of {cutoff}: {why}")
    return resolved, left_out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("--record", type=Path, help="where to write the cut-off and the versions (JSON)")
    parser.add_argument("--dry-run", action="store_true", help="resolve and print; install nothing")
    args = parser.parse_args(argv)
    version = release_version(args.wheel)
    released = pypi_upload_times("pymc")
    if version not in released:
        _fail(f"pymc {version} is not a release on PyPI: the release-day stack needs one")
    cutoff = released[version]
    resolved, left_out = resolve_with_backends(args.wheel, cutoff)
    resolved.pop("pymc", None)
    for name in HELD:
        resolved.pop(name, None)
    print(f"pymc {version} as of {cutoff}: " + " ".join(f"{n}=={v}" for n, v in sorted(resolved.items())))
    for backend, why in left_out.items():
        print(f"  left out {backend}: {why}")
    if not args.dry_run:
        pins = [f"{name}=={version}" for name, version in sorted(resolved.items())]
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--index-url", INDEX,
                        *pins], check=True, env=_pip_env())
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--force-reinstall",
                        str(args.wheel)], check=True, env=_pip_env())
        for backend in left_out:
            subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", backend], env=_pip_env())
        removed = strays(resolved)
        if removed:
            print("  removed, not of this stack: " + " ".join(removed))
            subprocess.run([sys.executable, "-m", "pip", "uninstall", "--quiet", "-y", *removed], check=True,
                           env=_pip_env())
    if args.record:
        record = {"pymc": version, "as_of": cutoff, "resolved": resolved, "left_out": left_out, "held": HELD,
                  "removed": removed if not args.dry_run else []}
        args.record.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
