"""What a first visit downloads, and when.

- The theme's search index is not fetched as a page loads (it would compete with the
  page's stylesheets and the checker's files), only once the search is first used, by
  pointer or keyboard; the search then works.
- A first visit downloads each of the checker's files once: what the worker downloaded and
  checked is what the service worker saves, and the uncompressed copy of Pyodide's glue
  (kept on the host for hosts that refuse a blob: module) is never fetched.
- Under the service worker, the glue is served decompressed from its saved .gzip.
"""

from __future__ import annotations

import collections
import json

import pytest

from .harness import Server, watch

pytestmark = pytest.mark.browser

INDEX = "search/search_index.json"
SAVED = "() => document.getElementById('hsb-build').textContent.includes('Saved on this device')"


def requested(context) -> list[str]:
    seen: list[str] = []
    context.on("request", lambda request: seen.append(request.url))
    return seen


@pytest.mark.parametrize("path", ["", "check/"])
def test_the_search_index_waits_until_the_search_is_used(context, base_url, path):
    seen = requested(context)
    page = context.new_page()
    page.goto(base_url + path)
    if path == "check/":
        page.evaluate("() => window.decisionAid.ready")
    page.wait_for_load_state("networkidle")
    assert not [u for u in seen if u.endswith(INDEX)], "fetched before the search was used"
    page.click(".md-search__input") if page.is_visible(".md-search__input") else page.click("label[for=__search]")
    page.type(".md-search__input", "consent", delay=10)
    page.wait_for_selector(".md-search-result__list a", timeout=30_000)
    assert [u for u in seen if u.endswith(INDEX)]


def test_the_search_keyboard_shortcut_fetches_it_too(context, base_url):
    seen = requested(context)
    page = context.new_page()
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")    # the theme's shortcut opens the search
    page.keyboard.type("consent", delay=10)
    page.wait_for_selector(".md-search-result__list a", timeout=30_000)
    assert [u for u in seen if u.endswith(INDEX)]


def test_a_first_visit_downloads_each_checker_file_once(site, browser):
    bundle = json.loads((site / "assets" / "checker" / "bundle.json").read_text(encoding="utf-8"))
    context = browser.new_context(service_workers="allow")
    watch(context)
    seen = requested(context)
    server = Server(site).start()
    try:
        page = context.new_page()
        page.goto(server.url + "check/")
        assert page.evaluate("() => window.decisionAid.ready")["mode"] == "snapshot"
        page.wait_for_function(SAVED, timeout=120_000)   # the service worker saved the whole site
        files = [server.url + "assets/checker/" + rel for rel in bundle["integrity"]]
        counts = collections.Counter(u for u in seen if u in files)
        plain = server.url + "assets/checker/" + bundle["runtime"] + "pyodide.asm.mjs"
        assert counts[plain] == 0, "the plain glue is only for hosts that refuse a blob: module"
        wanted = [bundle["runtime"] + n for n in ("pyodide.asm.wasm.gzip", "pyodide.asm.mjs.gzip", "pyodide.mjs")]
        for rel in [*wanted, bundle["snapshot"], bundle["snapshotStdlib"], bundle["stdlib"], bundle["wheel"]]:
            assert counts[server.url + "assets/checker/" + rel] == 1, rel

        # Controlled by the service worker now: the glue comes decompressed from the saved .gzip.
        page.reload()
        assert page.evaluate("() => window.decisionAid.ready")["mode"] == "snapshot"
        glue = page.evaluate("async (url) => { const r = await fetch(url); return [r.status, r.headers.get('content-type'),"
                             " (await r.text()).length]; }", plain)
        npm = site / "assets" / "checker" / bundle["runtime"] / "pyodide.asm.mjs"
        assert glue == [200, "text/javascript", len(npm.read_text(encoding="utf-8"))]
    finally:
        server.stop()
        context.close()
