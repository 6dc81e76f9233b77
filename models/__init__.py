"""The model zoo: one module per model, found by name.

Each model module has the same face:

- ``NAME``, ``DESCRIPTION``, ``DISCRETE`` (has discrete variables),
- ``SIZES`` (the sizes it can be built at, empty when it does not scale) and ``DEFAULT_SIZE``,
- ``DATA_SEED`` and ``generate_data(seed=DATA_SEED, size=DEFAULT_SIZE) -> dict`` (append-only:
  never change what an existing generator returns, add a new model or size instead),
- ``build(data) -> pm.Model``,
- optionally ``analytic_posterior(data) -> {param: (mean, sd)}``, where the posterior is known exactly.

Reference posteriors live in ``models/references/<name>-<size>.json`` (see
``scripts/make_reference.py``). A new model is one new module here; the registry finds it.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

REFERENCE_DIR = Path(__file__).resolve().parent / "references"


@dataclass(frozen=True)
class ModelSpec:
    """A model of the zoo: what it is, how to make its data and build it."""

    name: str
    description: str
    discrete: bool
    sizes: tuple[int, ...]
    default_size: int | None
    data_seed: int | None
    generate_data: Callable[..., dict[str, Any]]
    build_from_data: Callable[[dict[str, Any]], Any]
    analytic_posterior: Callable[[dict[str, Any]], dict[str, tuple[float, float]]] | None = None

    def check_size(self, size: int | None) -> int | None:
        """Return the size to build at, or raise ValueError naming the valid sizes."""
        if size is None:
            return self.default_size
        if not self.sizes:
            raise ValueError(f"model {self.name!r} has a fixed size; do not pass size={size!r}")
        if size not in self.sizes:
            raise ValueError(f"model {self.name!r} has no size {size!r}; valid sizes: {list(self.sizes)}")
        return size

    def data(self, size: int | None = None) -> dict[str, Any]:
        """The model's data at ``size``, from its fixed data seed."""
        size = self.check_size(size)
        if self.sizes:
            return self.generate_data(seed=self.data_seed, size=size)
        return self.generate_data(seed=self.data_seed)

    def build(self, size: int | None = None):
        """A fresh ``pm.Model`` built from the seeded data at ``size``."""
        return self.build_from_data(self.data(size))

    def reference(self, size: int | None = None) -> dict[str, Any] | None:
        """Reference posterior (``{"summary": {param: {"mean", "sd"}}, ...}``) or None."""
        size = self.check_size(size)
        path = REFERENCE_DIR / reference_filename(self.name, size)
        if not path.exists():
            return None
        return json.loads(path.read_text())


def reference_filename(name: str, size: int | None) -> str:
    """File name of a model's reference posterior at a size."""
    return f"{name}.json" if size is None else f"{name}-{size}.json"


def _spec_from_module(module: ModuleType) -> ModelSpec:
    return ModelSpec(
        name=module.NAME,
        description=module.DESCRIPTION,
        discrete=module.DISCRETE,
        sizes=tuple(module.SIZES),
        default_size=module.DEFAULT_SIZE,
        data_seed=module.DATA_SEED,
        generate_data=module.generate_data,
        build_from_data=module.build,
        analytic_posterior=getattr(module, "analytic_posterior", None),
    )


@cache
def registry() -> dict[str, ModelSpec]:
    """All models, by name, in the order of their module names."""
    specs = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        spec = _spec_from_module(module)
        if spec.name != info.name:
            raise RuntimeError(f"models/{info.name}.py declares NAME={spec.name!r}; they must match")
        specs[spec.name] = spec
    return specs


def model_names() -> list[str]:
    """Names of every model in the zoo."""
    return list(registry())


def get_model(name: str) -> ModelSpec:
    """The model called ``name``; an unknown name raises KeyError listing the valid names."""
    try:
        return registry()[name]
    except KeyError:
        raise KeyError(f"unknown model {name!r}; valid models: {', '.join(model_names())}") from None
