"""What each tier measures: the notebook tier exactly the two runs of "Faster Sampling with JAX and Numba"
(and its section of the landing page, one report a host); the full tier no size whose runs end at its
timeout; the quick tier one cold compile a backend."""

import json
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.common import TIERS, parse_case
from reporting import landing
from reporting.report import write_report

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_MACHINE = "x86_64-2cpu-24GB-amd-epyc-notebook"


def test_the_notebook_tier_is_the_notebooks_two_runs_at_its_settings():
    tier = TIERS["notebook"]
    from benchmarks.common import model_cases

    assert model_cases(tier) == ["gp_latent-100", "discrete_mixture"]
    for case in tier.cases:
        parse_case(case)  # a case the zoo has, at a size it has
    gp, mixture = (tier.settings_for(case) for case in tier.cases)
    assert (gp.tune, gp.draws, gp.chains) == (1000, 250, 4)
    assert (mixture.tune, mixture.draws, mixture.chains) == (500, 125, 2)
    # every other tier samples every case alike, as before
    assert all(not other.case_settings for name, other in TIERS.items() if name != "notebook")


def test_the_quick_tier_keeps_its_seven_cases_and_the_full_tier_has_every_model():
    """Models added to the zoo leave the quick tier (its history, make bench's budget) as it was."""
    from benchmarks.common import QUICK_CASES, model_cases

    import models

    assert model_cases(TIERS["quick"]) == list(QUICK_CASES) and len(QUICK_CASES) == 7
    for case in QUICK_CASES:
        spec, size = parse_case(case)
        assert size == (min(spec.sizes) if spec.sizes else None)
    full_models = {parse_case(case)[0].name for case in model_cases(TIERS["full"])}
    assert full_models == set(models.model_names()) and len(full_models) >= 14


def test_a_record_of_the_notebook_tier_carries_the_settings_of_its_case(tmp_path):
    """The tracked metrics read a run's record only where its settings are the case's own."""
    script = (
        "import benchmarks.common as c\n"
        f"c.RECORD_ROOT = __import__('pathlib').Path({str(tmp_path)!r})\n"
        "c.write_record('discrete_mixture', 'pymc', {'wall_seconds': 1.0}, 'test')\n"
        "record = c.read_record('discrete_mixture', 'pymc')\n"
        "print(record['settings']['chains'], record['settings']['tune'], c.read_record('gp_latent-100', 'pymc'))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "PMB_TIER": "notebook"})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["2", "500", "None"]


def test_the_landing_page_shows_each_hosts_notebook_report(tmp_path):
    html = tmp_path / "html"
    empty = landing.notebook_section(html / "report-notebook", html)
    assert "Not measured yet" in empty and "PMB_TIER=notebook make bench" in empty

    # the committed notebook run's report, as `make publish` writes one for each host of results-notebook/
    written = write_report(ROOT / "results-notebook", html / "report-notebook" / NOTEBOOK_MACHINE, NOTEBOOK_MACHINE,
                           None, "sampling.Sampling.time_sample", say=lambda _: None)
    page = landing.write_landing(html, html / "no-report", html / "report-notebook").read_text()
    section = page.split('<h2 id="notebook">', 1)[1].split("<h2", 1)[0]
    assert f"{NOTEBOOK_MACHINE}: {written['label']}, measured {written['measured']}" in section
    assert "gp_latent-100: 1000 tune, 250 draws, 4 chains; discrete_mixture: 500 tune, 125 draws, 2 chains" in section
    assert sorted(entry["model"] for entry in written["models"]) == ["discrete_mixture", "gp_latent-100"]
    assert section.count("<table") == 2
    for entry in written["models"]:
        assert f'id="{NOTEBOOK_MACHINE}-{entry["model"]}"' in section
        assert f'src="report-notebook/{NOTEBOOK_MACHINE}/{entry["figure"]}"' in section
    assert json.loads((html / "report-notebook" / NOTEBOOK_MACHINE / "report.json").read_text())["measured"].endswith("UTC")


def test_the_full_tier_samples_no_case_whose_runs_timed_out_and_measures_the_gradient_beyond():
    from benchmarks.common import TIERS, model_cases, sampled_cases

    full = TIERS["full"]
    assert "gp_latent-400" not in sampled_cases(full)  # every run of it ended at the timeout
    assert set(full.gradient_only) <= set(model_cases(full))
    assert max(int(case.rsplit("-", 1)[1]) for case in model_cases(full) if case.startswith("gp_latent-")) > 400
    for name in ("tiny", "quick", "notebook"):
        assert sampled_cases(TIERS[name]) == model_cases(TIERS[name])


def test_the_quick_tier_compiles_one_case_a_backend_with_empty_caches_and_the_full_tier_every_case():
    from benchmarks.common import TIERS, cold_compile_cases, model_cases

    assert cold_compile_cases(TIERS["quick"]) == ["gp_latent-50"]
    assert cold_compile_cases(TIERS["full"]) == model_cases(TIERS["full"])
    assert cold_compile_cases(TIERS["tiny"]) == cold_compile_cases(TIERS["notebook"]) == []


def test_the_full_tier_samples_a_probed_size_only_where_its_predicted_runs_fit_the_budget():
    """scripts/probe_tier_cost.py predicted the runs of the sizes added later; gradient_only follows its verdicts."""
    from reporting import full_tier

    probes = full_tier.probes(ROOT / "results-full")
    assert probes, "no cost probe committed under results-full/"
    for probe in probes.values():
        for case, sampled in probe["sampled"].items():
            slowest = max(row["predicted_run_seconds"] for row in probe["predictions"] if row["case"] == case)
            assert sampled == (slowest <= probe["budget_seconds"] < TIERS["full"].timeout)
            assert sampled == (case not in TIERS["full"].gradient_only), case
