"""The checker's worker runs under the pages' policy: it cannot reach another host.

- Once the service worker controls the page, it serves worker.js with the pages'
  Content-Security-Policy header: Chromium itself blocks a fetch or a module import from
  another host, or a module from anywhere but this site, inside the worker (a
  securitypolicyviolation event; the request never reaches this harness's route handler).
- On the first visit, before the service worker controls anything (and on hosts that
  cannot send headers), worker.js keeps to the same rule in code: fetch, XMLHttpRequest,
  WebSocket and EventSource to another host are refused before any request is made.
"""

from __future__ import annotations

import pytest

from .harness import CONTROLLED, OFFSITE, REQUESTS, service_worker_visit

pytestmark = pytest.mark.browser

ELSEWHERE = "http://example.invalid/"

# Run inside the checker's worker. The built-in fetch (on WorkerGlobalScope's prototype)
# bypasses worker.js's own guard, so only the policy can stop it.
UNDER_POLICY = """async (elsewhere) => {
  const seen = [];
  self.addEventListener("securitypolicyviolation", (e) => seen.push([e.effectiveDirective, e.blockedURI]));
  const out = {};
  try { await WorkerGlobalScope.prototype.fetch.call(self, elsewhere + "data"); out.fetch = "answered"; }
  catch (e) { out.fetch = e.name; }
  // A module from anywhere but this site (a data: URL makes no request at all).
  try { await import("data:text/javascript,export default 1"); out.import = "ran"; } catch (e) { out.import = e.name; }
  await new Promise((resolve) => setTimeout(resolve, 300));
  out.seen = seen;
  return out;
}"""

GUARDED = """async (elsewhere) => {
  const out = {};
  try { await fetch(elsewhere + "data"); out.fetch = "answered"; } catch (e) { out.fetch = e.message; }
  try { new XMLHttpRequest().open("GET", elsewhere + "xhr"); out.xhr = "opened"; } catch (e) { out.xhr = e.message; }
  try { new WebSocket("ws://example.invalid/"); out.ws = "opened"; } catch (e) { out.ws = e.message; }
  try { new EventSource(elsewhere + "events"); out.es = "opened"; } catch (e) { out.es = e.message; }
  return out;
}"""


def checker_worker(page):
    found = [w for w in page.workers if w.url.endswith("/assets/checker/worker.js")]
    assert len(found) == 1, [w.url for w in page.workers]
    return found[0]


def reached(prefix: str) -> list[str]:
    return [u for u in [*REQUESTS, *OFFSITE] if u.startswith(prefix)]


def test_under_the_service_worker_the_worker_has_the_pages_policy(site, browser):
    with service_worker_visit(browser, site, ready=True, until=CONTROLLED) as (page, _):
        page.reload()   # now the worker's script comes through the service worker
        page.evaluate("() => window.decisionAid.ready")
        before = len(OFFSITE)
        got = checker_worker(page).evaluate(UNDER_POLICY, ELSEWHERE)
        assert got["fetch"] == "TypeError" and got["import"] == "TypeError", got
        assert ["connect-src", ELSEWHERE + "data"] in got["seen"], got
        assert ["script-src-elem", "data"] in got["seen"], got
        assert len(OFFSITE) == before and not reached(ELSEWHERE), "the request never left the worker"
        assert page.evaluate("() => window.decisionAid.info.mode") in ("snapshot", "bytecode")


def test_on_the_first_visit_the_worker_refuses_other_hosts_itself(context, base_url):
    elsewhere = ELSEWHERE + "first-visit/"
    page = context.new_page()
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    got = checker_worker(page).evaluate(GUARDED, elsewhere)
    for what in ("fetch", "xhr", "ws", "es"):
        assert got[what].startswith("Refused"), (what, got)
    assert not reached(elsewhere), "no request was even attempted"
