"""Offline: after one visit, every page and the checker work with the server stopped (the
runtime saved gzipped, as published), and a new publication replaces the saved copy at the
next online visit.

Each test runs its own server (it is killed to go offline) and checks that answers came
from the service worker, not from the browser's HTTP cache.
"""

from __future__ import annotations

import json
import shutil

import pytest

import decision_aid as da
from .harness import Server, watch
from .variants import CONTROLLED_BY, ONLY_CACHE, republish

pytestmark = pytest.mark.browser

SITUATION = {"age": 13, "behaviours": [next(b.id for b in da.protocol().behaviours if b.band == "13-17")],
             "police_involved": True}
SAVED = "() => document.getElementById('hsb-build').textContent.includes('Saved on this device')"
SAVED_URLS = "async () => (await (await caches.open((await caches.keys())[0])).keys()).map((r) => r.url)"


def cache_names(page) -> list[str]:
    return page.evaluate("() => caches.keys()")


@pytest.fixture
def offline_context(browser):
    context = browser.new_context(service_workers="allow")
    watch(context)
    yield context
    context.close()


def test_after_one_visit_pages_and_checker_work_with_the_server_stopped(site, offline_context):
    server = Server(site).start()
    try:
        page = offline_context.new_page()
        page.goto(server.url + "check/")
        page.evaluate("() => window.decisionAid.ready")
        page.wait_for_function(SAVED, timeout=120_000)   # the service worker saved the whole site
        saved = page.evaluate(SAVED_URLS)
    finally:
        server.stop()
    assert server.process.poll() is not None
    # Saved as published: the large runtime files gzipped, nothing else of them.
    bundle = json.loads((site / "assets" / "checker" / "bundle.json").read_text(encoding="utf-8"))
    runtime = server.url + "assets/checker/" + bundle["runtime"]
    assert {runtime + "pyodide.asm.wasm.gzip", runtime + "pyodide.asm.mjs.gzip", runtime + "python_stdlib.zip.gzip",
            server.url + "assets/checker/" + bundle["snapshot"]} <= set(saved)
    assert runtime + "pyodide.asm.mjs" not in saved and not [u for u in saved if u.endswith(".map")]

    response = page.goto(server.url + "check/")
    assert response.ok and response.from_service_worker
    info = page.evaluate("() => window.decisionAid.ready")
    assert info["build"] in page.inner_text("#hsb-build")
    assert page.evaluate("s => window.decisionAid.assess(s)", SITUATION) == da.assess(SITUATION).to_dict()

    for path, text in (("", da.protocol().document.title), ("what-happens-next/", "What happens next"),
                       ("appendix/traffic-light-tool/", "Appendix 1")):
        response = page.goto(server.url + path)
        assert response.ok and response.from_service_worker, path
        assert text in page.inner_text("h1"), path

    # The checker, driven through the page, answers offline too.
    page.goto(server.url + "check/")
    page.select_option("#hsb-age", str(SITUATION["age"]))
    page.check(f'input[value="{SITUATION["behaviours"][0]}"]')
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")
    assert da.assess({**SITUATION, "police_involved": False}).threshold_label in page.inner_text("#hsb-result")


def test_a_new_publication_replaces_the_saved_copy_at_the_next_online_visit(site, offline_context, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    server = Server(copy).start()
    try:
        page = offline_context.new_page()
        page.goto(server.url)
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)
        old = json.loads((copy / "assets" / "checker" / "bundle.json").read_text(encoding="utf-8"))["build"]
        assert page.evaluate(ONLY_CACHE, old)

        # Publish a new version: the home page changes, and so do the build ids (sw.js,
        # bundle.json, build-id.txt).
        new = "0123456789abcdef"
        republish(copy, "Republished", new)

        # The next online visit already shows the new page; the new version then takes over
        # and the old copy is dropped.
        page.goto(server.url)
        assert page.locator("#published").count() == 1
        assert page.evaluate(CONTROLLED_BY, new)
        assert page.evaluate(ONLY_CACHE, new)
    finally:
        server.stop()

    response = page.goto(server.url)
    assert response.from_service_worker
    assert page.locator("#published").count() == 1, "offline, the new version is the one shown"
