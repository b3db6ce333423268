"""Browser test fixtures: one Chromium, one local server and one site for the whole run.

The site is the session's strict build (``built_site`` in tests/conftest.py), or the
folder in HSB_BROWSER_SITE when set (to re-run the browser tests on a site already
built). Every browser context made here:

- records every request it sees, including the service worker's own fetches, so that
  the privacy checks can prove that no request left 127.0.0.1 during the whole run;
- refuses any request to another host (it would fail anyway: there is no network).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .harness import OFFSITE, REQUESTS, Server, launch, local, watch

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 740}

@pytest.fixture(scope="session")
def site(request) -> Path:
    folder = os.environ.get("HSB_BROWSER_SITE")
    path = Path(folder) if folder else request.getfixturevalue("built_site")
    if not (path / "assets" / "checker" / "bundle.json").is_file() or not (path / "sw.js").is_file():
        pytest.fail(f"{path} has no checker bundle (assets/checker/bundle.json, sw.js): is hooks/browser_bundle.py "
                    "listed under hooks: in mkdocs.yml?")
    return path


# The browser and the server live as long as this folder's tests ("package" scope): the
# Playwright sync API cannot run twice at once in one process, and other tests (the
# board's PDF) start their own.
@pytest.fixture(scope="package")
def server(site):
    with Server(site) as running:
        yield running


@pytest.fixture(scope="package")
def base_url(server) -> str:
    return server.url


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            chromium = launch(p)
        except RuntimeError as e:
            pytest.fail(str(e))
        yield chromium
        chromium.close()


@pytest.fixture(scope="package", autouse=True)
def nothing_leaves_this_machine():
    """Across all the browser tests, every request any browser made went to 127.0.0.1."""
    yield
    offsite = sorted({u for u in REQUESTS if not local(u)} | set(OFFSITE))
    assert not offsite, "requests left 127.0.0.1:\n" + "\n".join(offsite)


@pytest.fixture
def new_context(browser):
    """Make watched browser contexts (a fresh profile each: no cache, no service worker yet)."""
    made = []

    def make(**kwargs):
        # Service workers are blocked unless a test asks for them: each would otherwise save
        # the whole site (tens of MB) in the background of every test.
        context = browser.new_context(**{"viewport": DESKTOP, "service_workers": "block", **kwargs})
        watch(context)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


@pytest.fixture
def context(new_context):
    return new_context()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="module")
def ready_page(browser, base_url):
    """One checker page with Python ready, shared by a module's tests (they must not change it)."""
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    watch(context)
    page = context.new_page()
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail("node_modules/axe-core is missing: run 'npm ci' (make setup).")
    return AXE.read_text(encoding="utf-8")
