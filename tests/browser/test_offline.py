"""Offline: after one visit, every page and the checker work with the server stopped (the
runtime saved gzipped, as published), and a new publication replaces the saved copy at the
next online visit.

Each test runs its own server (it is killed to go offline) and checks that answers came
from the service worker, not from the browser's HTTP cache.
"""

from __future__ import annotations

import json

import pytest

import decision_aid as da
from .harness import CONTROLLED, service_worker_visit
from .variants import CONTROLLED_BY, ONLY_CACHE, copy_site, republish

pytestmark = pytest.mark.browser

SITUATION = {"age": 13, "behaviours": [next(b.id for b in da.protocol().behaviours if b.band == "13-17")],
             "police_involved": True}
SAVED_URLS = "async () => (await (await caches.open((await caches.keys())[0])).keys()).map((r) => r.url)"


def cache_names(page) -> list[str]:
    return page.evaluate("() => caches.keys()")


def test_after_one_visit_pages_and_checker_work_with_the_server_stopped(site, browser):
    # The page is left once Python is ready and the service worker has saved the whole site.
    with service_worker_visit(browser, site, ready=True) as (page, server):
        saved = page.evaluate(SAVED_URLS)
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


def test_a_new_publication_replaces_the_saved_copy_at_the_next_online_visit(site, browser, tmp_path):
    copy = copy_site(site, tmp_path / "site")
    with service_worker_visit(browser, copy, "", until=CONTROLLED) as (page, server):
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
        server.stop()

        response = page.goto(server.url)
        assert response.from_service_worker
        assert page.locator("#published").count() == 1, "offline, the new version is the one shown"
