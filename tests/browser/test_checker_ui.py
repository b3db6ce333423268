"""The checker's page, driven the way a person would: keyboard only, print, start again.

The expected answers always come from decision_aid in CPython, never from this file.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

import decision_aid as da

pytestmark = pytest.mark.browser

P = da.protocol()
AGE = 11
SEARCH = "images"
BEHAVIOUR = next(b for b in P.behaviours if b.band in da.bands_for_age(AGE) and SEARCH in b.text.lower())
NO_PRINT = "window.__printed = 0; window.print = () => { window.__printed += 1; };"


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the focused element matches ``selector``."""
    for _ in range(limit):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def focused_id(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def visible_questions(page) -> set[str]:
    return set(page.evaluate("""() => [...document.querySelectorAll('.hsb-question')]
        .filter(f => !f.hidden).map(f => f.dataset.kind + ':' + f.dataset.id)"""))


def expected_questions(situation) -> set[str]:
    r = da.relevant_questions(situation)
    return {f"question:{q}" for q in r["questions"]} | {f"indicator:{i}" for i in r["indicators"]}


def test_keyboard_only_from_age_to_result_print_and_start_again(context, base_url):
    context.add_init_script(NO_PRINT)
    page = context.new_page()
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")

    # Age: the select is reached with Tab and changed with the arrow keys.
    tab_to(page, "#hsb-age")
    for _ in range(AGE + 1):
        page.keyboard.press("ArrowDown")
    assert page.input_value("#hsb-age") == str(AGE)

    # Behaviours: found by typing, ticked with the space bar. Enter in the search box does not submit.
    tab_to(page, "#hsb-search")
    page.keyboard.type(SEARCH)
    page.keyboard.press("Enter")
    assert page.locator("#hsb-result").is_hidden()
    assert re.search(rf"\b\d+ behaviours? .* match “{SEARCH}”", page.inner_text("#hsb-count"))
    tab_to(page, f'input[value="{BEHAVIOUR.id}"]')
    page.keyboard.press("Space")
    assert page.is_checked(f'input[value="{BEHAVIOUR.id}"]')

    # Questions: only those that change the answer are shown.
    situation = {"age": AGE, "behaviours": [BEHAVIOUR.id]}
    page.wait_for_function("n => document.querySelectorAll('.hsb-question:not([hidden])').length === n",
                           arg=len(expected_questions(situation)))
    assert visible_questions(page) == expected_questions(situation)
    tab_to(page, "#hsb-q-another_child_harmed-yes")
    page.keyboard.press("Space")
    situation["another_child_harmed"] = True

    # Check: focus moves to the result heading and the live region announces it.
    tab_to(page, "#hsb-submit")
    page.keyboard.press("Enter")
    page.wait_for_selector("#hsb-result:not([hidden])")
    assert focused_id(page) == "hsb-result-heading"
    expected = da.assess(situation)   # "Where you work" left as "Not said"
    page.wait_for_function("() => document.getElementById('hsb-announce').textContent.length > 0")
    announced = page.inner_text("#hsb-announce")
    assert expected.colour_label in announced and expected.threshold_label in announced
    result = page.inner_text("#hsb-result")
    assert f"Traffic light colour: {expected.colour_label}" in result  # the colour in words, not colour alone
    assert expected.category_label in result and expected.threshold_label in result
    for step in expected.steps:
        assert step.who in result and step.action in result
        if step.within:
            assert step.within in result
    for item in expected.referral_must_include:
        assert item in result
    assert expected.consent.text in result
    for note in expected.notes:
        assert note in result
    links = page.eval_on_selector_all("#hsb-result .hsb-cites a", "as => as.map(a => a.getAttribute('href'))")
    for step in expected.steps:
        for ref in step.sections:
            s = P.section(ref)
            assert any(h.endswith(f"#{s.anchor}") for h in links), ref

    # Print: a one-page summary with the date and the protocol version, and no form.
    tab_to(page, "#hsb-print")
    page.keyboard.press("Enter")
    assert page.evaluate("() => window.__printed") == 1
    assert page.evaluate("() => document.documentElement.classList.contains('hsb-print-summary')")
    page.emulate_media(media="print")
    assert page.locator("#hsb-form").is_hidden()
    assert page.locator("#hsb-result").is_visible()
    assert page.locator(".hsb-print-title").is_visible()
    assert page.locator(".md-sidebar--primary").is_hidden() and page.locator(".md-header").is_hidden()
    printed = page.inner_text("#hsb-result")
    assert f"version {P.document.current.number}" in printed
    assert re.search(r"Made on \d{1,2} [A-Z][a-z]+ \d{4}", printed)
    assert page.locator("h1").is_hidden()   # only the summary: the page's own text is left out
    # Printed body text is at least 11pt (14.67 CSS px), in one column, and "What happens
    # next" is printed open whatever its state on screen.
    sizes = page.evaluate("""() => [...document.querySelectorAll('#hsb-result .hsb-step-action, #hsb-result .hsb-answers dd')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 11 * 96 / 72 - 0.01, sizes
    assert page.evaluate("() => getComputedStyle(document.getElementById('hsb-result-body')).columnCount") == "auto"
    assert page.evaluate("() => [...document.querySelectorAll('#hsb-result details')].every(d => d.open)")
    pdf = page.pdf(format="A4", margin={side: "1cm" for side in ("top", "bottom", "left", "right")})
    # Readable type makes a red result with every step, the "not sure" answers and the
    # board's readings several pages long: a bound that catches a layout gone wrong.
    assert len(PdfReader(io.BytesIO(pdf)).pages) <= 8, "the summary prints on a few sides of A4"
    page.emulate_media(media="screen")
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")

    # Start again: everything is cleared and focus returns to the first question.
    tab_to(page, "#hsb-restart")
    page.keyboard.press("Enter")
    assert page.locator("#hsb-result").is_hidden()
    assert focused_id(page) == "hsb-age"
    assert page.input_value("#hsb-age") == "" and page.input_value("#hsb-search") == ""
    assert page.evaluate("() => document.querySelectorAll('#hsb-form input:checked').length") == 0
    assert page.inner_text("#hsb-announce") == "" and page.inner_text("#hsb-result-body") == ""


def test_a_missing_answer_gets_the_modules_message_and_focus(page, base_url):
    page.goto(base_url + "check/")
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-errors:not([hidden])")
    assert focused_id(page) == "hsb-errors"
    try:
        da.assess({"behaviours": []})
    except da.InvalidSituation as e:
        assert str(e) in page.inner_text("#hsb-errors")
    page.click("#hsb-errors a")
    assert focused_id(page) == "hsb-age"


def test_the_form_works_before_python_is_ready(context, base_url):
    """Slow start: the form is usable at once, says it is preparing, and answers when ready."""
    release = []
    context.route("**/pyodide.asm.wasm.gzip", lambda route: release.append(route))
    page = context.new_page()
    page.goto(base_url + "check/")
    assert page.locator("#hsb-form").is_visible()
    assert "Preparing" in page.inner_text("#hsb-status")
    page.select_option("#hsb-age", str(AGE))
    page.check(f'input[value="{BEHAVIOUR.id}"]')
    page.click("#hsb-submit")
    page.wait_for_function("() => document.getElementById('hsb-status').textContent.includes('Working')")
    assert page.locator("#hsb-result").is_hidden()
    while not release:
        page.wait_for_timeout(50)
    release[0].continue_()
    page.wait_for_selector("#hsb-result:not([hidden])", timeout=60_000)
    assert da.assess({"age": AGE, "behaviours": [BEHAVIOUR.id]}).threshold_label in page.inner_text("#hsb-result")


def test_when_python_cannot_start_the_page_says_so_and_points_to_the_tables(context, base_url):
    context.route("**/pyodide.asm.wasm.gzip", lambda route: route.abort())
    page = context.new_page()
    page.goto(base_url + "check/")
    page.wait_for_selector("#hsb-unavailable:not([hidden])", timeout=60_000)
    notice = page.locator("#hsb-unavailable")
    # The site's own file is missing: the notice says so, and does not blame the browser.
    assert "This copy of the site is incomplete" in notice.inner_text()
    assert "this browser" not in notice.inner_text().lower()
    hrefs = notice.locator("a").evaluate_all("as => as.map(a => a.href)")
    assert any(h.endswith("/appendix/traffic-light-tool/") for h in hrefs)
    assert any(h.endswith("/what-happens-next/") for h in hrefs)
    page.click("#hsb-submit")
    assert focused_id(page) == "hsb-unavailable"


def test_the_checker_is_embedded_in_appendix_1(page, base_url):
    page.goto(base_url + "appendix/traffic-light-tool/")
    assert page.locator("#hsb-checker").count() == 1, "add the checker macro to docs/appendix/traffic-light-tool.md"
    page.evaluate("() => window.decisionAid.ready")
    page.select_option("#hsb-age", str(AGE))
    page.check(f'input[value="{BEHAVIOUR.id}"]')
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")
    assert da.assess({"age": AGE, "behaviours": [BEHAVIOUR.id]}).colour_label in page.inner_text("#hsb-result")


def test_without_javascript_the_page_says_so_at_once(new_context, base_url):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(base_url + "check/")
    notice = page.locator("#hsb-unavailable")
    assert notice.is_visible() and "cannot start" in notice.inner_text()
    assert page.locator("#hsb-form").is_hidden()


def test_if_the_page_script_never_runs_the_notice_appears(context, base_url):
    """A module script blocked or missing (or a page opened from a file): a form that cannot be used, then the notice and no form.

    The form is in place from the first paint, so nothing moves when the script starts it,
    but disabled until then: it cannot be focused or filled in."""
    context.route("**/assets/checker/*.js", lambda route: route.abort())
    page = context.new_page()
    page.goto(base_url + "check/")
    assert page.evaluate("() => document.getElementById('hsb-form-body').disabled")
    assert page.locator("#hsb-age").is_disabled() and page.locator("#hsb-submit").is_disabled()
    page.keyboard.press("Tab")
    assert page.evaluate("() => !document.getElementById('hsb-form').contains(document.activeElement)")
    assert not page.locator("#hsb-unavailable").is_visible()
    page.wait_for_selector("#hsb-unavailable", state="visible", timeout=20_000)
    page.wait_for_selector("#hsb-form", state="hidden")
    hrefs = page.locator("#hsb-unavailable a").evaluate_all("as => as.map(a => a.href)")
    assert any(h.endswith("/appendix/traffic-light-tool/") for h in hrefs)
