"""The suite's shared vocabulary: tiers, the (model, backend) grid, and the record of each run.

A tier is chosen by one switch, the environment variable PMB_TIER (quick by default). The timed
sampling benchmark saves the metrics of its first timed run as a record; the tracked benchmarks
read that record, so a (model, backend) pair is sampled at most repeat + 1 times per commit and
tier (repeat: the tier's largest count; the + 1: JAX samplers compile inside their first run, or
a tracked benchmark that finds no record makes one run itself).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import models
from harness.backends import BACKENDS, SampleSettings, get_backend

RECORD_ROOT = Path(__file__).resolve().parent.parent / ".cache" / "runs"


@dataclass(frozen=True)
class Tier:
    """What one tier samples, and how often."""

    settings: SampleSettings
    sizes: str  # "smallest" or "all" sizes of a model that scales
    repeat: int | tuple[int, int, float]  # asv's: a count, or (min, max, stop after seconds)
    timeout: float
    # Compile with every cache empty for these model cases ("all": every case of the tier)
    cold_compile: tuple[str, ...] | str
    description: str = field(default="", compare=False)
    # A tier of named runs: these model cases only (every case of the zoo when empty), and where a
    # case samples with its own settings, those.
    cases: tuple[str, ...] = ()
    case_settings: MappingProxyType = field(default_factory=lambda: MappingProxyType({}))
    # Cases measured by the gradient micro-benchmark and the compiles only: how cost grows with size,
    # at sizes where one sampling run would pass the tier's timeout.
    gradient_only: tuple[str, ...] = ()

    def settings_for(self, case: str) -> SampleSettings:
        """How this tier samples a model case."""
        return self.case_settings.get(case, self.settings)


# The quick tier's cases: the zoo's first seven models at their smallest sizes, measured at every release of the
# history since 2026-11-27. Held fixed, so that its history stays one series and make bench its 20-minute budget;
# the models added after (2026-12-05) are sampled in the full tier, at every size.
QUICK_CASES = ("discrete_mixture", "eight_schools_centered", "eight_schools_noncentered", "gp_latent-50",
               "logistic_regression-1000", "radon_hierarchical", "stochastic_volatility-500")

TIERS = {
    "tiny": Tier(
        SampleSettings(draws=20, tune=20, chains=2, seed=1),
        sizes="smallest",
        repeat=1,
        timeout=300,
        cold_compile=(),
        description="for the suite's own tests",
    ),
    "quick": Tier(
        SampleSettings(draws=100, tune=100, chains=4, seed=1),
        sizes="smallest",
        repeat=1,
        timeout=600,
        # One case a backend: a user's first compile, the notebook's model (its full-tier cold compiles
        # summed to 77 s over the backends on the AMD EPYC host, against 290 s for every quick case).
        cold_compile=("gp_latent-50",),
        description="pull requests and make bench",
        cases=QUICK_CASES,
    ),
    "full": Tier(
        SampleSettings(draws=250, tune=1000, chains=4, seed=1),
        sizes="all",
        # Three runs where they are short; one or two where a run takes minutes. Three fixed runs
        # of a 20-minute pair would pass the timeout and lose all three.
        repeat=(1, 3, 600.0),
        timeout=3600,
        cold_compile="all",
        description="the notebook's settings at every size (the nightly workflow, started with tier: full)",
        # gp_latent-400's sampling runs all ended at the 3600 s timeout (the AMD EPYC and Intel Xeon
        # hosts, docs/tiers-and-history.md): hours a commit that gave no number. The larger sizes
        # give the gradient's growth (docs/scaling.md) where sampling is out of reach. garch11-5000 and
        # poisson_regression-1000000: runs predicted at 2426 s and 3005 s before they were measured
        # (scripts/probe_tier_cost.py, results-full/*/cost-probe.json), beyond the 1200 s a size may take.
        gradient_only=("gp_latent-400", "gp_latent-800", "stochastic_volatility-8000", "garch11-5000",
                       "poisson_regression-1000000"),
    ),
    # "Faster Sampling with JAX and Numba": the latent GP at N = 100 through every backend, and the
    # discrete mixture through PyMC's own sampler (the others cannot sample a discrete variable) at
    # the notebook's shorter settings for it. One run each; the longest (numpyro-vectorized) took
    # 429 s in the full tier on the AMD EPYC host, so the timeout leaves it room twice over.
    "notebook": Tier(
        SampleSettings(draws=250, tune=1000, chains=4, seed=1),
        sizes="smallest",
        repeat=1,
        timeout=1200,
        cold_compile=(),
        description="the notebook's two runs: its table and figure (the latent GP at N = 100, the discrete mixture)",
        cases=("gp_latent-100", "discrete_mixture"),
        case_settings=MappingProxyType({"discrete_mixture": SampleSettings(draws=125, tune=500, chains=2, seed=1)}),
    ),
}


def current_tier_name() -> str:
    name = os.environ.get("PMB_TIER", "quick")
    if name not in TIERS:
        raise ValueError(f"PMB_TIER={name!r} is not a tier; valid tiers: {', '.join(TIERS)}")
    return name


TIER_NAME = current_tier_name()
TIER = TIERS[TIER_NAME]


def model_cases(tier: Tier = TIER) -> list[str]:
    """Model parameter values: ``name`` for fixed-size models, ``name-size`` for scaling ones."""
    if tier.cases:
        return list(tier.cases)
    cases = []
    for spec in models.registry().values():
        if not spec.sizes:
            cases.append(spec.name)
            continue
        sizes = spec.sizes if tier.sizes == "all" else (min(spec.sizes),)
        cases.extend(f"{spec.name}-{size}" for size in sizes)
    return cases


def cold_compile_cases(tier: Tier = TIER) -> list[str]:
    """The model cases a tier compiles with empty caches."""
    cases = model_cases(tier)
    return cases if tier.cold_compile == "all" else [case for case in tier.cold_compile if case in cases]


def sampled_cases(tier: Tier = TIER) -> list[str]:
    """The model cases a tier samples: all of them but its gradient-only sizes."""
    return [case for case in model_cases(tier) if case not in tier.gradient_only]


MODEL_CASES = model_cases()
SAMPLED_CASES = sampled_cases()
BACKEND_NAMES = list(BACKENDS)


class ModelBackendGrid:
    """The parameters of the gradient and compile benchmarks: each model case of the tier crossed with each backend."""

    params = (MODEL_CASES, BACKEND_NAMES)
    param_names = ("model", "backend")


class SampledGrid:
    """The parameters of the sampling benchmarks: the cases the tier samples crossed with each backend."""

    params = (SAMPLED_CASES, BACKEND_NAMES)
    param_names = ("model", "backend")


def parse_case(case: str) -> tuple[models.ModelSpec, int | None]:
    """The model and size a model parameter value names."""
    name, _, size = case.rpartition("-") if case[-1].isdigit() else (case, "", "")
    spec = models.get_model(name)
    return spec, spec.check_size(int(size) if size else None)


def skip_unless_runnable(case: str, backend_name: str):
    """The model spec, size and backend; NotImplementedError (an asv skip) with the reason if not."""
    spec, size = parse_case(case)
    backend = get_backend(backend_name)
    reason = backend.skip_reason(spec)
    if reason:
        raise NotImplementedError(reason)
    return spec, size, backend


def record_path(case: str, backend_name: str) -> Path:
    commit = os.environ.get("ASV_COMMIT", "working-tree")
    env = os.environ.get("ASV_ENV_NAME", "current-python")
    return RECORD_ROOT / commit / env / TIER_NAME / f"{case}--{backend_name}.json"


def write_record(case: str, backend_name: str, metrics: dict, compile_method: str) -> dict:
    """Save the metrics of a run for the tracked benchmarks of the same commit and tier."""
    return _save(case, backend_name, {"compile_method": compile_method, "metrics": metrics})


def write_started(case: str, backend_name: str) -> dict:
    """Mark a sampling run as begun: if asv kills it at its timeout, this marker is what is left."""
    return _save(case, backend_name, {"started": {"pid": os.getpid(), "timeout": TIER.timeout}})


def write_failure(case: str, backend_name: str, error: str, skipped: bool = False) -> dict:
    """Save that compiling or sampling failed (or raised NotImplementedError: a skip), and how."""
    return _save(case, backend_name, {"skipped" if skipped else "failure": error})


def _save(case: str, backend_name: str, content: dict) -> dict:
    record = {
        "case": case,
        "backend": backend_name,
        "tier": TIER_NAME,
        "settings": TIER.settings_for(case).__dict__,
        "versions": package_versions(),
        **content,
    }
    write_json_atomically(record_path(case, backend_name), record)
    return record


def write_json_atomically(path: Path, content: dict, **dumps) -> None:
    """Write JSON so that a reader, or a process killed meanwhile, never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(content, indent=1, **dumps) + "\n")
    tmp.replace(path)


def read_record(case: str, backend_name: str) -> dict | None:
    """The saved record for this commit, environment and tier, if its settings still match."""
    path = record_path(case, backend_name)
    if not path.exists():
        return None
    record = json.loads(path.read_text())
    return record if record["settings"] == TIER.settings_for(case).__dict__ else None


def package_versions() -> dict[str, str]:
    from importlib import metadata

    versions = {}
    for package in ("pymc", "pytensor", "nutpie", "numba", "jax", "numpyro", "blackjax", "torch", "arviz", "numpy",
                    "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    # the release-day stack's cut-off and what it could not install (scripts/install_as_of.py)
    as_of = Path(sys.prefix) / "as-of.json"
    if as_of.exists():
        record = json.loads(as_of.read_text())
        versions["as_of"] = record["as_of"]
        versions.update({f"left_out:{name}": why for name, why in record["left_out"].items()})
    return versions
