"""The published dashboard in a real browser: Debian's Chromium, headless, driven by Playwright.

Built by `make publish` (asv publish of each dashboard, vendored assets, report, landing page) from
the committed results, served on localhost. Screenshots go to artifacts/.
"""

import functools
import http.server
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
GRAPH = "pymc/index.html#sampling.Sampling.time_sample?p-model=%27gp_latent-50%27&p-backend=%27pymc%27"
NUTPIE_GRAPH = ("nutpie/index.html#sampling.Sampling.time_sample"
                "?p-model=%27gp_latent-50%27&p-backend=%27nutpie-numba%27")
FULL_GRAPH = ("pymc-full/index.html#compile.CompileCold.track_compile_cold_seconds"
              "?p-model=%27gp_latent-50%27&p-backend=%27pymc%27")


@pytest.fixture(scope="module")
def site():
    """html/ as `make publish` builds it on this checkout (the target a fresh clone runs)."""
    build = subprocess.run(["make", "--no-print-directory", "publish"], capture_output=True, text=True, cwd=ROOT)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    handler = functools.partial(QuietHandler, directory=str(ROOT / "html"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is not installed: `make browser` installs Debian's chromium (make test does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(f"uncaught: {error}"))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    yield page
    page.close()


def test_landing_page_shows_dashboards_tables_and_figures(site, page):
    page.goto(f"{site}/index.html")
    page.wait_for_load_state("networkidle")
    assert page.title() == "PyMC sampling backends: benchmarks"
    assert page.locator('#dashboards a[href="pymc/index.html"]').count() == 1
    assert page.locator('#dashboards a[href="pymc-full/index.html"]').count() == 1
    assert page.locator('#dashboards a[href="nutpie/index.html"]').count() == 1
    assert page.locator("table").count() >= 7  # one per model
    images = page.locator("img")
    assert images.count() >= 9
    widths = images.evaluate_all("images => images.map(image => image.naturalWidth)")
    assert all(width > 0 for width in widths), widths  # every figure loaded
    assert "skipped" in page.locator("table").first.inner_text() or "skipped" in page.content()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "landing.png", full_page=True)
    assert page.errors == []


def test_landing_page_has_the_notebook_tiers_section(site, page):
    """Its table and figure per host once results-notebook/ holds a run, else how to make one."""
    page.goto(f"{site}/index.html")
    page.wait_for_load_state("networkidle")
    section = page.locator("h2#notebook")
    assert section.count() == 1
    hosts = {path.parent.name for path in (ROOT / "results-notebook").glob("*/*-env-*.json")}
    if hosts:
        assert page.locator('#dashboards a[href="pymc-notebook/index.html"]').count() == 1
        for host in hosts:
            for case in ("gp_latent-100", "discrete_mixture"):
                assert page.locator(f'h3[id="{host}-{case}"]').count() == 1
    else:
        assert "PMB_TIER=notebook make bench" in page.content()


def test_scaling_page_shows_its_figure_and_exponents(site, page):
    page.goto(f"{site}/index.html")
    page.locator('#dashboards a[href="scaling.html"]').click()
    page.wait_for_load_state("networkidle")
    assert page.title() == "Cost against model size"
    assert page.locator("img").evaluate("image => image.naturalWidth") > 0
    assert page.locator("table").count() == 2  # per evaluation, per sampling run
    assert "gp_latent" in page.locator("table").first.inner_text()
    assert page.errors == []


def test_guidance_page_ranks_backends_per_model(site, page):
    page.goto(f"{site}/index.html")
    page.locator('#dashboards a[href="guidance.html"]').click()
    page.wait_for_load_state("networkidle")
    assert page.title() == "Which backend for which model"
    assert page.locator("table").count() >= 7  # a ranking per model case
    assert "pays off" in page.locator("table").first.inner_text()
    assert page.errors == []


def _graph_points(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => window.$ && $('#main-graph').data('plot')")
    assert page.locator("#main-graph canvas.flot-base").count() == 1
    return page.evaluate("() => $('#main-graph').data('plot').getData().map(series => series.data.length)")


def test_benchmark_graph_renders_points_offline(site, page):
    points = _graph_points(page, f"{site}/{GRAPH}")
    assert points and sum(points) >= 3, points  # a line across the committed releases
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "graph-time_sample.png")
    assert page.errors == []


def test_full_tier_dashboard_shows_its_cold_compiles(site, page):
    points = _graph_points(page, f"{site}/{FULL_GRAPH}")
    assert points and sum(points) >= 1, points  # PyMC 6.4.0, measured in the full tier
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "graph-full-compile-cold.png")
    assert page.errors == []


def test_nutpie_releases_dashboard_shows_its_releases(site, page):
    points = _graph_points(page, f"{site}/{NUTPIE_GRAPH}")
    assert points and sum(points) >= 3, points  # nutpie 0.16.9, 0.16.10, 0.16.11 with PyMC fixed
    assert page.errors == []


def test_landing_links_into_the_dashboard(site, page):
    page.goto(f"{site}/index.html")
    page.click('#dashboards a[href="pymc/index.html"]')
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#summarygrid-display .benchmark-container, .benchmark-container", timeout=15000)
    assert page.errors == []
