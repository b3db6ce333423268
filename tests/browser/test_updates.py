"""No stale answers, whatever the file times: a new build always reaches the user.

- A checker tab of build 1 stays open while build 2 is published: once it takes over
  (the service worker says so) or the tab checks build-id.txt, the old tab stops
  answering (OutdatedRules, kind "outdated", the event "decisionaid:outdated") and every
  page of the old build shows "A new version of the protocol is available".
- A redeploy within the same second (identical file times), and then a re-upload of an
  older release (older file times), each reach the user online, take over the saved
  copy, and are what is shown offline.

New builds are made by editing a copy of the built site (variants.republish).
"""

from __future__ import annotations

import time

import pytest

from .harness import Server, service_worker_visit
from .test_pages import TAGS
from .variants import CONTROLLED_BY, ONLY_CACHE, SETTLE, bundle, copy_site, republish, set_times

pytestmark = pytest.mark.browser

V2 = "0123456789abcdef"
NOTICE = "#hsb-new-version"
SITUATION = "() => ({age: 11, behaviours: [document.querySelector('.hsb-option input').value]})"
ASK = """async (make) => {
  try { await window.decisionAid.assess(make()); return {ok: true}; }
  catch (e) { return {name: e.name, kind: e.kind, message: e.message}; }
}"""
ASK_ONE = ASK.replace("make()", "{age: 11, behaviours: [document.querySelector('#hsb-form input[type=checkbox]').value]}")
RECORD_EVENTS = """() => { window.__outdated = [];
  window.addEventListener("decisionaid:outdated", (e) => window.__outdated.push(e.detail)); }"""

AXE_NOTICE = """async (tags) => {
  const result = await axe.run("#hsb-new-version", {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id}: ${v.help}`);
}"""

SAVED_HOME = """async (url) => {
  const names = await caches.keys();
  const hit = await caches.match(url);
  return {names, home: hit ? await hit.text() : null};
}"""


@pytest.fixture
def site_copy(site, tmp_path):
    return copy_site(site, tmp_path / "site")


@pytest.fixture
def served_copy(site_copy):
    with Server(site_copy) as server:
        yield site_copy, server


def assert_outdated(tab, old: str) -> None:
    tab.wait_for_function("() => window.decisionAid.outdated !== null", timeout=60_000)
    got = tab.evaluate(ASK_ONE.replace("async (make)", "async ()"))
    assert got["name"] == "OutdatedRules" and got["kind"] == "outdated", got
    assert "A new version of the protocol is available" in got["message"]
    assert tab.evaluate("() => window.__outdated") == [{"build": old, "published": V2}]
    notice = tab.locator(NOTICE)
    assert notice.is_visible() and notice.get_attribute("role") == "status"
    assert "A new version of the protocol is available" in notice.inner_text()
    assert notice.get_by_role("button", name="Reload the page").is_visible()


def test_an_open_checker_stops_answering_once_a_new_build_takes_over(site_copy, browser):
    copy = site_copy
    with service_worker_visit(browser, copy) as (tab, server):   # build 1's service worker saved the site
        tab.evaluate(RECORD_EVENTS)
        assert tab.evaluate(ASK_ONE.replace("async (make)", "async ()")) == {"ok": True}
        old = republish(copy, "Build 2", V2)

        other = tab.context.new_page()
        other.goto(server.url)   # a visit finds build 2 published: it installs and takes over
        assert other.locator("#published").inner_text() == "Build 2"
        assert_outdated(tab, old)
        assert other.locator(NOTICE).count() == 0, "a page of the new build has no notice"

        with tab.expect_navigation():
            tab.get_by_role("button", name="Reload the page").click()
        assert "ready" in tab.evaluate(SETTLE, 60_000)
        assert tab.evaluate("() => window.decisionAid.info.build") == V2
        assert tab.evaluate(ASK_ONE.replace("async (make)", "async ()")) == {"ok": True}


def test_without_a_service_worker_the_tab_learns_of_a_new_build_from_build_id(served_copy, new_context, axe_source):
    copy, server = served_copy
    tab = new_context().new_page()
    tab.goto(server.url + "check/")
    tab.evaluate("() => window.decisionAid.ready")
    tab.evaluate(RECORD_EVENTS)
    old = republish(copy, "Build 2", V2)
    tab.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")   # the tab is shown again
    assert_outdated(tab, old)
    tab.evaluate(axe_source)
    assert tab.evaluate(AXE_NOTICE, TAGS) == [], "the notice passes axe"


def test_a_same_second_redeploy_and_an_older_release_both_reach_the_user(site_copy, browser, site):
    copy = site_copy
    when = int(time.time()) - 60
    set_times(copy, when)
    v1 = bundle(copy)["build"]
    with service_worker_visit(browser, copy, "", until=None) as (page, server):
        assert page.evaluate(CONTROLLED_BY, v1)

        # Build 2, published within the same second: every file keeps the same time.
        republish(copy, "Build 2", V2)
        set_times(copy, when)
        page.goto(server.url)
        assert page.locator("#published").inner_text() == "Build 2"
        assert page.evaluate(CONTROLLED_BY, V2)
        assert page.evaluate(ONLY_CACHE, V2), "the old saved copy is dropped"
        assert "Build 2" in page.evaluate(SAVED_HOME, server.url)["home"]

        # Build 1 uploaded again, with older file times than build 2's.
        copy_site_over(site, copy)
        set_times(copy, when - 86400 * 365)
        page.goto(server.url)
        assert page.locator("#published").count() == 0
        assert page.evaluate(CONTROLLED_BY, v1)
        assert page.evaluate(ONLY_CACHE, v1), "the old saved copy is dropped"
        assert "Build 2" not in page.evaluate(SAVED_HOME, server.url)["home"]

        server.stop()
        response = page.goto(server.url)
        assert response.from_service_worker
        assert page.locator("#published").count() == 0, "offline, the release shown is the one uploaded last"


def copy_site_over(site, copy) -> None:
    import shutil

    shutil.copytree(site, copy, dirs_exist_ok=True)
