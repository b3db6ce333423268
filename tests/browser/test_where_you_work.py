""""Where you work" is optional (hazard H12): a teacher in a hurry leaves it as "Not said".

Then the steps for anyone come first, under "What you do now", and every service's own
steps follow there, by service ("If you work in: A school or college"), so that nobody
loses their own steps; other agencies' steps stay under "What happens next". What each
result must say comes from decision_aid in CPython.
"""

from __future__ import annotations

import pytest

import decision_aid as da

from .teacher_driver import PHONE, TASKS, expected, first_screen, run_task
from .test_teacher_tasks import axe_violations, open_page

pytestmark = pytest.mark.browser

P = da.protocol()
LABELS = {s.id: s.label for s in P.settings}


def service_blocks(page) -> dict[str, list[str]]:
    """The steps listed under each "If you work in: ..." block, by setting id."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('#hsb-result .hsb-steps--service')]
        .map(ul => [ul.dataset.setting, [...ul.querySelectorAll('.hsb-step-action')].map(a => a.textContent)]))""")


def expected_blocks(result: da.Assessment) -> dict[str, list[str]]:
    return {s.id: [x.action for x in result.steps if not x.yours and s.id in x.user]
            for s in P.settings if any(not x.yours and s.id in x.user for x in result.steps)}


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_a_teacher_who_does_not_say_where_they_work(browser, base_url, axe_source, task):
    """Skipped: six taps at most, the school's steps under "What you do now", nothing lost."""
    with open_page(browser, PHONE) as page:
        counts = run_task(page, base_url, task, say_setting=False)
        assert counts.actions <= 6, counts
        want, said = expected(task, say_setting=False), expected(task)
        assert {s.id for s in said.steps} <= {s.id for s in want.steps}, "not saying where you work drops no step"
        mine = [s for s in want.steps if s.yours]
        shown = first_screen(page)
        assert shown["headline"] and want.threshold_label in shown["headlineText"]
        assert shown["action"] and shown["actionText"] == mine[0].action, shown
        blocks = expected_blocks(want)
        assert service_blocks(page) == blocks
        # The school's own steps, as a teacher who chose "A school or college" gets them as theirs.
        assert blocks.get("school", []) == [s.action for s in said.steps if s.yours and "school" in s.user]
        assert page.locator(".hsb-steps--others > li").count() == sum(not s.yours and not s.user for s in want.steps)
        if blocks:
            assert "did not say where you work" in page.inner_text(".hsb-setting-note")
        assert "Not said" in page.inner_text(".hsb-answers")
        assert axe_violations(page, axe_source) == []


def test_a_looked_after_child_keeps_the_carers_step_when_nobody_says_where_they_work(browser, base_url):
    """Section 6.3: the foster carer's or keyworker's report to the social worker, immediately."""
    situation = {"age": 12, "behaviours": ["9-13-exhibitionism-flashing-mooning"], "looked_after": True}
    want = da.assess(situation)
    carers = [s for s in want.steps if "other" in s.user and not s.yours]
    assert carers, "the carer's step is in the result"
    with open_page(browser, PHONE) as page:
        page.goto(base_url + "check/")
        page.evaluate("() => window.decisionAid.ready")
        page.select_option("#hsb-age", str(situation["age"]))
        page.check(f'input[value="{situation["behaviours"][0]}"]')
        if not page.is_visible("#hsb-q-looked_after-yes"):
            page.check("#hsb-all-questions")
        page.check("#hsb-q-looked_after-yes")
        page.click("#hsb-submit")
        page.wait_for_selector("#hsb-result:not([hidden])")
        summary = page.locator("#hsb-result details.hsb-service summary", has_text=LABELS["other"])
        assert summary.count() == 1 and summary.is_visible()
        summary.click()
        listed = service_blocks(page)["other"]
        assert [s.action for s in carers] == listed
        assert carers[0].within in page.inner_text("#hsb-result .hsb-steps--service[data-setting='other']")
