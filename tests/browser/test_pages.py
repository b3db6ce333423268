"""Every page of the built site in Chromium, at mobile and desktop widths.

- axe-core (from node_modules, never a CDN) finds no violation of WCAG 2.0/2.1 A and AA,
  WCAG 2.2 AA or best practice;
- the Content-Security-Policy meta tag is there, and nothing breaks it: no CSP
  violation event, no error in the console.

The checker page is also checked with a result, an error message and its fallback
notice showing, since those parts only appear after something is done.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import decision_aid as da
from .harness import watch

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "mobile": {"width": 375, "height": 740}}
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", e =>
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
"""
AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map(v => `${v.id} (${v.impact}): ${v.help}\\n    ` +
    v.nodes.slice(0, 4).map(n => n.target.join(" ")).join("\\n    "));
}"""


def page_paths(site: Path) -> list[str]:
    paths = []
    for f in sorted(site.rglob("*.html")):
        rel = f.relative_to(site).as_posix()
        paths.append(rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
    return paths


@pytest.fixture(scope="module", params=list(WIDTHS))
def width_page(request, browser):
    context = browser.new_context(viewport=WIDTHS[request.param], service_workers="block")
    watch(context)
    context.add_init_script(WATCH)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"page error: {e}"))
    yield request.param, page, errors
    context.close()


def check(page, errors: list[str], axe_source: str, where: str) -> None:
    csp = page.evaluate("() => (document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]') || {}).content")
    assert csp and "default-src 'self'" in csp, f"{where}: no Content-Security-Policy meta tag"
    page.evaluate(axe_source)
    violations = page.evaluate(AXE_RUN, TAGS)
    problems = violations + page.evaluate("() => window.__cspViolations") + errors
    assert not problems, f"{where}:\n" + "\n".join(problems)


def test_every_page_passes_axe_and_its_csp(site, base_url, width_page, axe_source):
    width, page, errors = width_page
    failures = []
    for path in page_paths(site):
        errors.clear()
        page.goto(base_url + path)
        if path == "check/":
            page.evaluate("() => window.decisionAid.ready")
        try:
            check(page, errors, axe_source, f"{path or '/'} at {width} width")
        except AssertionError as e:
            failures.append(str(e))
    assert not failures, "\n\n".join(failures)


def test_the_checker_with_a_result_an_error_and_its_fallback(base_url, width_page, axe_source):
    width, page, errors = width_page
    errors.clear()
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    page.click("#hsb-submit")                               # the error summary
    page.wait_for_selector("#hsb-errors:not([hidden])")
    check(page, errors, axe_source, f"checker with an error at {width} width")
    behaviour = next(b for b in da.protocol().behaviours if b.band == "9-13")
    page.select_option("#hsb-age", "11")
    page.fill("#hsb-search", behaviour.text.split()[0])
    page.check(f'input[value="{behaviour.id}"]')
    page.check("#hsb-all-questions")
    page.check("#hsb-q-another_child_harmed-yes")
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")
    page.evaluate("() => document.getElementById('hsb-unavailable').hidden = false")  # as when Python cannot start
    check(page, errors, axe_source, f"checker with a result at {width} width")
