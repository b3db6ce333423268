"""Privacy: what a professional tells the checker never leaves the page.

No answer in any request URL, in the address bar, in a cookie or in any storage
(localStorage, sessionStorage, IndexedDB, the service worker's caches); and the page
says so. That no request at all leaves 127.0.0.1 is checked for the whole test run by
tests/browser/conftest.py.
"""

from __future__ import annotations

import json

import pytest

import decision_aid as da

pytestmark = pytest.mark.browser

P = da.protocol()
BEHAVIOUR = next(b for b in P.behaviours if b.band == "13-17" and b.colour == P.colours[-1].id)
INDICATOR = P.indicators[2]
QUESTION = P.questions[0]
AGE = 14

STORAGE = """async () => {
  const out = {local: {...localStorage}, session: {...sessionStorage}, cookie: document.cookie, caches: {}};
  out.indexedDB = indexedDB.databases ? (await indexedDB.databases()).map(d => d.name) : [];
  for (const name of await caches.keys()) {
    out.caches[name] = (await (await caches.open(name)).keys()).map(r => r.url);
  }
  return out;
}"""


def secrets() -> list[str]:
    """What would give the answers away if it appeared anywhere."""
    words = [BEHAVIOUR.id, INDICATOR.id, QUESTION.id, f"age={AGE}", f'"age": {AGE}', f'"age":{AGE}',
             BEHAVIOUR.text, BEHAVIOUR.text.replace(" ", "%20"), BEHAVIOUR.text.replace(" ", "+")]
    return [w for w in words if w]


@pytest.fixture
def answered(new_context, base_url):
    """A checker page (with its service worker) after a full set of answers and a result."""
    context = new_context(service_workers="allow")
    urls: list[str] = []
    context.on("request", lambda r: urls.append(r.url))
    page = context.new_page()
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    page.select_option("#hsb-age", str(AGE))
    page.fill("#hsb-search", BEHAVIOUR.text.split()[0])
    page.check(f'input[value="{BEHAVIOUR.id}"]')
    # Answered as a script would: the form may hide a question that no longer changes the
    # result while this runs (that is tested elsewhere); here only the answers' privacy matters.
    for radio in (f"#hsb-q-{QUESTION.id}-yes", f"#hsb-i-{INDICATOR.id}-yes"):
        page.locator(radio).evaluate("el => el.click()")
        assert page.is_checked(radio)
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)
    return context, page, urls


def test_answers_are_in_no_url_cookie_or_storage(answered, base_url):
    context, page, urls = answered
    assert page.url == base_url + "check/", "the form never puts answers in the address"
    for url in urls:
        for secret in secrets():
            assert secret not in url, f"{secret!r} in a request: {url}"
    assert context.cookies() == []
    stored = page.evaluate(STORAGE)
    assert stored["cookie"] == "" and stored["indexedDB"] == []
    text = json.dumps(stored, ensure_ascii=False)
    for secret in secrets():
        assert secret not in text, f"{secret!r} stored: {text[:500]}"
    # The service worker keeps the site's own files only: no request with a query string.
    for names in stored["caches"].values():
        assert all("?" not in url for url in names)


def test_the_form_cannot_submit_anywhere(page, base_url):
    page.goto(base_url + "check/")
    form = page.locator("#hsb-form")
    assert form.get_attribute("method") == "dialog" and form.get_attribute("action") is None
    names = page.eval_on_selector_all("#hsb-form [name]", "els => els.map(e => e.type)")
    assert set(names) <= {"radio"}, "only radio groups are named (to group them); nothing else could be submitted"


def test_the_page_says_answers_are_not_sent_stored_or_put_in_the_address(page, base_url):
    page.goto(base_url + "check/")
    text = page.inner_text("#hsb-privacy")
    for words in ("never sent", "never stored", "web address", "No names"):
        assert words in text
