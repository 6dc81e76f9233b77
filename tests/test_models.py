"""The model zoo: registry, determinism of data, the notebook's data, finite logp and gradient."""

import numpy as np
import pytest

import models

EXPECTED = {
    "gp_latent",
    "discrete_mixture",
    "eight_schools_noncentered",
    "eight_schools_centered",
    "radon_hierarchical",
    "logistic_regression",
    "stochastic_volatility",
    "garch11",
    "mvnormal_dense",
    "lkj_mvnormal",
    "hierarchical_binomial",
    "poisson_regression",
    "switchpoint",
    "normal_mixture",
}


def _dimension(model):
    return sum(int(v.size) for v in model.initial_point().values())


def _n_observations(model):
    return sum(int(np.size(model.rvs_to_values[rv].data)) for rv in model.observed_RVs)


def test_registry_holds_the_zoo():
    assert EXPECTED <= set(models.model_names())


def test_unknown_model_lists_valid_names():
    with pytest.raises(KeyError) as error:
        models.get_model("eight_school")
    message = str(error.value)
    assert "eight_school" in message
    assert all(name in message for name in EXPECTED)


def test_bad_size_names_valid_sizes():
    with pytest.raises(ValueError, match=r"valid sizes: \[50, 100, 200, 400, 800\]"):
        models.get_model("gp_latent").data(size=123)
    with pytest.raises(ValueError, match="fixed size"):
        models.get_model("radon_hierarchical").data(size=10)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_data_is_deterministic(name):
    spec = models.get_model(name)
    first, second = spec.data(), spec.data()
    assert first.keys() == second.keys()
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if models.get_model(n).data_seed is not None))
def test_seed_changes_data(name):
    spec = models.get_model(name)
    kwargs = {"size": spec.default_size} if spec.sizes else {}
    a = spec.generate_data(seed=1, **kwargs)
    b = spec.generate_data(seed=2, **kwargs)
    assert any(not np.array_equal(a[k], b[k]) for k in a if isinstance(a[k], np.ndarray))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_logp_and_gradient_finite_at_initial_point(name):
    model = models.get_model(name).build()
    point = model.initial_point()
    assert np.isfinite(model.compile_logp(mode="CVM")(point))
    if model.continuous_value_vars:
        continuous = [model.values_to_rvs[v] for v in model.continuous_value_vars]
        grad = model.compile_dlogp(vars=continuous, mode="CVM")(point)
        assert grad.size > 0 and np.all(np.isfinite(grad))


def test_zoo_spans_small_medium_and_large():
    dims = {name: _dimension(models.get_model(name).build()) for name in EXPECTED}
    assert min(dims.values()) <= 10
    assert any(100 <= d < 1000 for d in dims.values())
    logistic = models.get_model("logistic_regression")
    large_by_data = _n_observations(logistic.build()) >= 10_000
    sv = models.get_model("stochastic_volatility")
    large_by_params = _dimension(sv.build(max(sv.sizes))) >= 1_000
    assert large_by_data and large_by_params
    gp = models.get_model("gp_latent")
    assert max(gp.sizes) >= 400


def test_discrete_flag_matches_the_model():
    for name in EXPECTED:
        model = models.get_model(name).build()
        assert models.get_model(name).discrete == bool(model.discrete_value_vars), name


def _notebook_gp_data(n, random_seed=42):
    """The notebook's build_gp_latent_dataset, verbatim but for printing."""
    import pymc as pm

    rng_local = np.random.default_rng(random_seed)
    X = np.linspace(0, 10, n)[:, None]
    cov_func = 4.0**2 * pm.gp.cov.ExpQuad(1, 1.0)
    mean_func = pm.gp.mean.Zero()
    K = cov_func(X).eval()
    K += 1e-6 * np.eye(n)
    f_true = pm.draw(pm.MvNormal.dist(mu=mean_func(X), cov=K), 1, random_seed=rng_local)
    y = f_true + 1.0 * rng_local.standard_t(df=5.0, size=n)
    return X, y, f_true


def _notebook_group_data(n_obs=100, n_groups=3, n_features=4, random_seed=42):
    """The notebook's generate_group_data, verbatim."""
    rng = np.random.default_rng(random_seed)
    true_groups = rng.choice(n_groups, size=n_obs)
    true_intercepts = np.array([-1.5, 0.0, 1.2])
    true_slopes = rng.normal(0, 0.8, size=(n_groups, n_features))
    X = rng.standard_normal(size=(n_obs, n_features))
    y = np.zeros(n_obs, dtype=int)
    for i in range(n_obs):
        group = true_groups[i]
        logit_p = true_intercepts[group] + X[i] @ true_slopes[group]
        p = 1 / (1 + np.exp(-logit_p))
        y[i] = rng.binomial(1, p)
    return X, y, true_groups


def test_gp_latent_reproduces_the_notebook_data():
    X, y, f_true = _notebook_gp_data(100)
    data = models.get_model("gp_latent").data()
    np.testing.assert_array_equal(data["X"], X)
    # PyMC computes K in its compiled backend; the ill-conditioned Cholesky turns last-digit
    # differences in K into differences of ~1e-7 in f. Any other draw would differ by O(1).
    np.testing.assert_allclose(data["f_true"], f_true, rtol=0, atol=1e-5)
    np.testing.assert_allclose(data["y"], y, rtol=0, atol=1e-5)


def test_discrete_mixture_reproduces_the_notebook_data():
    X, y, groups = _notebook_group_data()
    data = models.get_model("discrete_mixture").data()
    np.testing.assert_array_equal(data["X"], X)
    np.testing.assert_array_equal(data["y"], y)
    np.testing.assert_array_equal(data["true_groups"], groups)


def test_eight_schools_refuses_a_seed():
    with pytest.raises(ValueError, match="fixed"):
        models.get_model("eight_schools_centered").generate_data(seed=3)


def test_the_readme_zoo_table_is_the_registrys():
    """README's model table is generated from models/ (make docs): a model added without it shows here."""
    from pathlib import Path

    from reporting import zoo

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    table = zoo.zoo_table()
    assert zoo.block(table) in readme
    assert set(table["model"].str.strip("`")) == set(models.model_names()) and len(table) >= 14
