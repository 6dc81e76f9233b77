"""Backend adapter: a backend name -> compile, then sample; each name is one fixed computation.

Every backend passes its sampler and its compile mode explicitly, because defaults moved under
the same names (PyMC 6's ``pm.sample()`` picks nutpie on its own; PyTensor 3's default mode is
Numba). A name therefore means the same computation at every PyMC commit.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from harness.monitor import ResourceMonitor
from harness.environment import DEFAULT_CHAINS


@dataclass(frozen=True)
class SampleSettings:
    """What one sampling run does: the notebook's defaults (1000 tune, 250 draws, 4 chains)."""

    draws: int = 250
    tune: int = 1000
    chains: int = DEFAULT_CHAINS
    cores: int | None = None
    seed: int = 20260101

    def resolved_cores(self) -> int:
        """Cores given to the sampler: as asked, else one per chain up to the machine's cores."""
        return self.cores if self.cores is not None else min(self.chains, os.cpu_count() or 1)


@dataclass
class SampleRun:
    """One sampling run: its InferenceData and what it cost."""

    idata: Any
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int | None = None


@dataclass
class Compiled:
    """A model prepared for one backend, with how long the preparation took."""

    backend: Backend
    model: Any
    compile_seconds: float | None
    compile_method: str
    state: Any = None
    first_run: SampleRun | None = field(default=None, repr=False)


def _measured(fn, *args, **kwargs) -> tuple[Any, float, ResourceMonitor]:
    """Result, wall seconds and resources (CPU, peak memory of the process tree) of one call."""
    with ResourceMonitor() as resources:
        wall0 = time.perf_counter()
        result = fn(*args, **kwargs)
        wall = time.perf_counter() - wall0
    return result, wall, resources


def _sample_run(fn, *args, **kwargs) -> SampleRun:
    idata, wall, resources = _measured(fn, *args, **kwargs)
    return SampleRun(idata, wall, resources.cpu_seconds, resources.peak_rss_bytes)


def _accepts(fn, parameter: str) -> bool:
    return parameter in inspect.signature(fn).parameters


@dataclass(frozen=True)
class Backend:
    """A sampler and compute backend; subclasses say how to compile and sample."""

    name: str
    description: str
    requires: tuple[str, ...]
    supports_discrete = False
    #: False where compiling cannot be done apart from a sampling run (numpyro, blackjax).
    separable_compile = True

    def unavailable_reason(self) -> str | None:
        """Why this backend cannot run in this environment, or None when it can."""
        for module in self.requires:
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as error:
                if (error.name or module).partition(".")[0] == module.partition(".")[0]:
                    return f"{module} not installed"
                return f"{module} fails to import (No module named {error.name!r})"  # nutpie 0.14.1 without flowjax
            except Exception as error:  # a broken install is as unavailable as a missing one
                first_line = str(error).splitlines()[0] if str(error) else ""
                return f"{module} fails to import ({type(error).__name__}: {first_line})"
        return self._feature_missing()

    def _feature_missing(self) -> str | None:
        return None

    def unsupported_reason(self, spec) -> str | None:
        """Why this backend cannot sample the model ``spec``, or None when it can."""
        if spec.discrete and not self.supports_discrete:
            return "discrete variables need PyMC's compound step (pymc family only)"
        return None

    def skip_reason(self, spec) -> str | None:
        """Unavailable or unsupported, whichever applies first."""
        return self.unavailable_reason() or self.unsupported_reason(spec)

    def compile(self, model, settings: SampleSettings) -> Compiled:
        raise NotImplementedError

    def sample(self, compiled: Compiled, settings: SampleSettings) -> SampleRun:
        raise NotImplementedError

    def gradient_evaluator(self, model) -> Callable[[], Any]:
        """A compiled zero-argument call doing one logp+gradient evaluation, already warmed up.

        Raises NotImplementedError with the reason where the backend exposes no such call.
        """
        raise NotImplementedError


@dataclass(frozen=True)
class PymcNuts(Backend):
    """PyMC's own NUTS, with the model compiled by one PyTensor mode."""

    mode: str = "CVM"
    supports_discrete = True

    def _feature_missing(self) -> str | None:
        from pytensor.compile.mode import predefined_modes

        if self.pytensor_mode() is None:
            return f"this PyTensor has no {self.mode} mode (modes: {', '.join(predefined_modes)})"
        if self.mode == "CVM":
            from harness.blas import blas_problem

            return blas_problem(self.pytensor_mode())
        return None

    def pytensor_mode(self) -> str | None:
        """This backend's mode by this PyTensor's name for it: PyTensor 2's FAST_RUN is the C VM that 3 calls CVM."""
        from pytensor.compile.mode import predefined_modes

        if self.mode in predefined_modes:
            return self.mode
        linker = getattr(predefined_modes.get("FAST_RUN"), "linker", None)
        if self.mode == "CVM" and getattr(linker, "use_cloop", False) and getattr(linker, "c_thunks", False):
            return "FAST_RUN"
        return None

    def compile(self, model, settings: SampleSettings) -> Compiled:
        # pm.sample compiles its step functions inside the call and cannot be handed them, so
        # compile the same logp+gradient function here, in the same mode, and evaluate it once:
        # that is the compile cost, and it fills PyTensor's C/Numba/JAX caches that pm.sample's
        # own compile then hits (its graph rewriting and linking stay in the sampling time).
        evaluate, wall, _ = _measured(self._logp_dlogp, model)
        return Compiled(self, model, wall, "logp+gradient compiled and evaluated once", evaluate)

    def _logp_dlogp(self, model) -> Callable[[], Any]:
        """PyMC's NUTS logp+gradient function in this mode, evaluated once at the initial point."""
        from pymc.blocking import DictToArrayBijection

        grad_vars = model.continuous_value_vars
        kwargs = {"grad_vars": grad_vars, "mode": self.pytensor_mode()}
        if _accepts(model.logp_dlogp_function, "ravel_inputs"):
            kwargs["ravel_inputs"] = True
        fn = model.logp_dlogp_function(**kwargs)
        point = model.initial_point()
        fn.set_extra_values(point)
        x0 = DictToArrayBijection.map({v.name: point[v.name] for v in grad_vars})

        def evaluate():
            return fn(x0)

        evaluate()
        return evaluate

    def gradient_evaluator(self, model) -> Callable[[], Any]:
        return self._logp_dlogp(model)

    def sample(self, compiled: Compiled, settings: SampleSettings) -> SampleRun:
        import pymc as pm

        kwargs = dict(
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=settings.resolved_cores(),
            random_seed=settings.seed,
            nuts_sampler="pymc",
            progressbar=False,
            discard_tuned_samples=False,
            compute_convergence_checks=False,
            model=compiled.model,
        )
        if self.mode == "JAX" and kwargs["cores"] > 1:
            # JAX is not fork-safe. PyMC >= 6.0 starts its chain processes with forkserver under a
            # JAX mode unasked; before, it forked, and every gp_latent-50 run of PyMC 5.13-5.15 hung
            # until asv's 600 s timeout. Asking for it measures 5.x as 6.x runs.
            kwargs["mp_ctx"] = "forkserver"
        mode = self.pytensor_mode()
        if _accepts(pm.sample, "compile_kwargs"):
            return _sample_run(pm.sample, compile_kwargs={"mode": mode}, **kwargs)
        # Before PyMC 5.18 pm.sample compiled its step in PyTensor's default mode, which users set so.
        import pytensor

        with pytensor.config.change_flags(mode=mode):
            return _sample_run(pm.sample, **kwargs)


@dataclass(frozen=True)
class Nutpie(Backend):
    """nutpie's Rust NUTS; compile_pymc_model is its separate compile step."""

    backend: str = "numba"
    gradient_backend: str = "pytensor"

    def _feature_missing(self) -> str | None:
        import nutpie

        if not _accepts(nutpie.compile_pymc_model, "backend") and self.backend != "numba":
            return f"nutpie {nutpie.__version__} compiles PyMC models with Numba only (no backend option)"
        if not _accepts(nutpie.compile_pymc_model, "gradient_backend") and self.gradient_backend != "pytensor":
            return f"nutpie {nutpie.__version__} has no gradient_backend option"
        return None

    def _compile_pymc_model(self, model):
        import nutpie

        kwargs = {"backend": self.backend} if _accepts(nutpie.compile_pymc_model, "backend") else {}
        if _accepts(nutpie.compile_pymc_model, "gradient_backend"):
            kwargs["gradient_backend"] = self.gradient_backend
        return nutpie.compile_pymc_model(model, **kwargs)

    def compile(self, model, settings: SampleSettings) -> Compiled:
        import nutpie

        def build():
            compiled = self._compile_pymc_model(model)
            # JAX traces and jits on the first evaluation: one tiny run makes sure that happened.
            nutpie.sample(compiled, draws=2, tune=2, chains=1, cores=1, seed=0, progress_bar=False)
            return compiled

        state, wall, _ = _measured(build)
        return Compiled(self, model, wall, "compile_pymc_model plus one tiny warm-up run", state)

    def gradient_evaluator(self, model) -> Callable[[], Any]:
        # nutpie's Rust sampler calls the compiled logp+gradient through its C address; with the
        # Numba backend that function is a numba cfunc, which ctypes calls the same way. (Its public
        # CompiledModel.benchmark_logp times that call too, but every call of it also builds the Rust
        # model and a DataFrame, more than a small model's evaluation costs.)
        import ctypes

        import numpy as np

        compiled = self._compile_pymc_model(model)
        cfunc = getattr(getattr(compiled, "compiled_logp_func", None), "ctypes", None)
        if cfunc is None:
            raise NotImplementedError(f"nutpie's {self.backend} backend compiles no C logp function to call")
        doubles = ctypes.POINTER(ctypes.c_double)
        x, grad, logp = np.zeros(compiled.n_dim), np.zeros(compiled.n_dim), np.zeros(1)
        args = (compiled.n_dim, x.ctypes.data_as(doubles), grad.ctypes.data_as(doubles),
                logp.ctypes.data_as(doubles), compiled.user_data.ctypes.data)

        def evaluate():
            return cfunc(*args)

        code = evaluate()
        if code != 0:
            raise NotImplementedError(f"nutpie's compiled logp returned error code {code} at the zero point")
        # The same function as PyMC's: logp and the gradient's norm (which the order of the values
        # does not change) at the zero point.
        zeros = {name: np.zeros_like(value) for name, value in model.initial_point().items()}
        expected = (float(model.compile_logp()(zeros)), float(np.linalg.norm(model.compile_dlogp()(zeros))))
        found = (float(logp[0]), float(np.linalg.norm(grad)))
        if not np.allclose(found, expected, rtol=1e-8, atol=1e-8):
            raise RuntimeError(f"nutpie's compiled logp and gradient norm {found} differ from PyMC's {expected} "
                               "at the zero point")
        return evaluate

    def sample(self, compiled: Compiled, settings: SampleSettings) -> SampleRun:
        import nutpie

        return _sample_run(
            nutpie.sample,
            compiled.state,
            draws=settings.draws,
            tune=settings.tune,
            chains=settings.chains,
            cores=settings.resolved_cores(),
            seed=settings.seed,
            save_warmup=True,
            progress_bar=False,
        )


@dataclass(frozen=True)
class JaxNuts(Backend):
    """numpyro or blackjax through pm.sample(nuts_sampler=...)."""

    separable_compile = False
    nuts_sampler: str = "numpyro"
    chain_method: str = "parallel"

    def compile(self, model, settings: SampleSettings) -> Compiled:
        # pm.sample builds and jits a new JAX program inside every call, and nothing outside it can
        # compile that program ahead: the compile step is one full first run. JAX's persistent
        # compilation cache (harness.environment) lets later runs skip XLA compilation, so the
        # compile time is estimated as this first run minus the next (warm) run.
        first = self._run(model, settings)
        return Compiled(self, model, None, "first run minus warm run (set after the next run)", first_run=first)

    def sample(self, compiled: Compiled, settings: SampleSettings) -> SampleRun:
        run = self._run(compiled.model, settings)
        if compiled.compile_seconds is None and compiled.first_run is not None:
            compiled.compile_seconds = max(compiled.first_run.wall_seconds - run.wall_seconds, 0.0)
        return run

    def gradient_evaluator(self, model) -> Callable[[], Any]:
        # The same JAX logp that pm.sample hands numpyro and blackjax, with its gradient, jitted.
        import jax
        from pymc.sampling.jax import get_jaxified_logp

        logp = get_jaxified_logp(model, negative_logp=False)
        point = model.initial_point()
        x0 = [jax.numpy.asarray(point[v.name]) for v in model.value_vars]
        value_and_grad = jax.jit(jax.value_and_grad(logp))

        def evaluate():
            return jax.block_until_ready(value_and_grad(x0))

        evaluate()
        return evaluate

    def _run(self, model, settings: SampleSettings) -> SampleRun:
        import pymc as pm

        common = dict(draws=settings.draws, tune=settings.tune, chains=settings.chains, random_seed=settings.seed,
                      nuts_sampler=self.nuts_sampler, progressbar=False, compute_convergence_checks=False,
                      model=model)
        if _pm_sample_passes_chain_method():
            option = "nuts" if _pm_sample_takes_nuts_options() else "nuts_sampler_kwargs"
            return _sample_run(pm.sample, **{option: {"chain_method": self.chain_method}}, **common)
        # PyMC 6.2 hands every NUTS keyword to the kernel (TypeError: chain_method), so its
        # pm.sample cannot choose; call the function pm.sample calls, which takes it.
        from pymc.sampling.jax import sample_jax_nuts

        return _sample_run(sample_jax_nuts, chain_method=self.chain_method, **common)


# Cached: the installed PyMC does not change within a process, and the first (compile) run reads it,
# so the timed runs do not pay for reading PyMC's source again.
@functools.cache
def _pm_sample_passes_chain_method() -> bool:
    """Whether pm.sample lifts chain_method out of the NUTS keywords for numpyro/blackjax (PyMC 6.3+)."""
    import pymc.sampling.mcmc as mcmc

    external = getattr(mcmc, "_sample_external_nuts", None)
    try:
        return external is None or "chain_method" in inspect.getsource(external)
    except (OSError, TypeError):  # no source to read: assume the current API
        return True


@functools.cache
def _pm_sample_takes_nuts_options() -> bool:
    """Whether pm.sample deprecates nuts_sampler_kwargs for nuts={...}, which it hands on the same way."""
    import pymc as pm

    if "nuts_sampler_kwargs" not in inspect.signature(pm.sample).parameters:
        return True
    try:
        return "`nuts_sampler_kwargs` is deprecated" in inspect.getsource(pm.sample)
    except (OSError, TypeError):  # no source to read: the keyword it still has
        return False


_BACKENDS = (
    PymcNuts("pymc", "PyMC's NUTS, model compiled to C (PyTensor's C-backed VM, mode CVM)", ("pymc",), mode="CVM"),
    PymcNuts("pymc-numba", "PyMC's NUTS, model compiled with Numba", ("pymc", "numba"), mode="NUMBA"),
    PymcNuts("pymc-jax", "PyMC's NUTS, model compiled with JAX", ("pymc", "jax"), mode="JAX"),
    PymcNuts("pymc-pytorch", "PyMC's NUTS, model compiled with PyTorch", ("pymc", "torch"), mode="PYTORCH"),
    Nutpie("nutpie-numba", "nutpie (Rust NUTS), Numba backend", ("pymc", "nutpie", "numba"), backend="numba"),
    Nutpie(
        "nutpie-jax",
        "nutpie (Rust NUTS), JAX backend with JAX gradients",
        ("pymc", "nutpie", "jax"),
        backend="jax",
        gradient_backend="jax",
    ),
    Nutpie(
        "nutpie-jax-pytensor-grad",
        "nutpie (Rust NUTS), JAX backend with PyTensor's symbolic gradients",
        ("pymc", "nutpie", "jax"),
        backend="jax",
        gradient_backend="pytensor",
    ),
    JaxNuts("numpyro", "numpyro NUTS via pm.sample, chains on parallel JAX host devices", ("pymc", "jax", "numpyro")),
    JaxNuts(
        "numpyro-vectorized",
        "numpyro NUTS via pm.sample, chains vectorized on one device",
        ("pymc", "jax", "numpyro"),
        chain_method="vectorized",
    ),
    JaxNuts(
        "blackjax",
        "blackjax NUTS via pm.sample, chains on parallel JAX host devices",
        ("pymc", "jax", "blackjax"),
        nuts_sampler="blackjax",
    ),
)

BACKENDS: dict[str, Backend] = {backend.name: backend for backend in _BACKENDS}


def backend_names() -> list[str]:
    """The ten backend names, in the order of the notebook's table."""
    return list(BACKENDS)


def get_backend(name: str) -> Backend:
    """The backend called ``name``; an unknown name raises KeyError listing the valid names."""
    try:
        return BACKENDS[name]
    except KeyError:
        raise KeyError(f"unknown backend {name!r}; valid backends: {', '.join(BACKENDS)}") from None
