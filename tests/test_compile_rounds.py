"""The warm compile timed in a review's rounds (benchmarks/compile.py CompileWarm, make continuous REVIEW_COMPILE=1)."""

import numpy as np
import pandas as pd
import pytest

import benchmarks.compile as compile_benchmarks
from reporting import compare
from reporting.results import COMPILE_WARM, GRADIENT


def test_the_warm_compile_runs_only_where_a_review_asks_for_it(monkeypatch):
    monkeypatch.setattr(compile_benchmarks, "ROUNDS_ENABLED", False)
    with pytest.raises(NotImplementedError, match="PMB_COMPILE_ROUNDS=1"):
        compile_benchmarks.CompileWarm().setup("eight_schools_noncentered", "pymc")


def test_the_warm_compile_compiles_where_compile_is_apart_from_sampling(monkeypatch):
    monkeypatch.setattr(compile_benchmarks, "ROUNDS_ENABLED", True)
    benchmark = compile_benchmarks.CompileWarm()
    benchmark.setup("eight_schools_noncentered", "pymc")
    benchmark.time_compile("eight_schools_noncentered", "pymc")
    with pytest.raises(NotImplementedError, match="apart from sampling"):
        compile_benchmarks.CompileWarm().setup("eight_schools_noncentered", "numpyro")


def test_a_slower_compile_is_judged_in_its_own_kind():
    rng = np.random.default_rng(3)
    rows = []
    for benchmark, shift in [(COMPILE_WARM, 1.2), (GRADIENT, 1.0)]:
        for model in ("a", "b"):
            base = 2.0 * np.exp(rng.normal(0, 0.01, 8))
            head = 2.0 * shift * np.exp(rng.normal(0, 0.01, 8))
            rows.append({"benchmark": benchmark, "model": model, "backend": "pymc", "value_base": float(np.median(base)),
                         "value_head": float(np.median(head)), "status_base": "ok", "status_head": "ok",
                         "rounds_base": base[1:], "rounds_head": head[1:]})
    review = compare.paired_review(pd.DataFrame(rows))
    verdicts = review.speed.set_index(["benchmark", "model"])["verdict"]
    assert (verdicts[COMPILE_WARM] == "slower").all() and (verdicts[GRADIENT] == "same").all()
    assert "compile" in set(compare.detectable_by_kind(review)["kind"])
    assert set(review.aggregates["kind"]) == {"compile", "gradient"}
