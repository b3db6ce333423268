"""The checker's form follows the safe-routing rules (hazard log H1, H2, H5): only the
child's own bands, no older development band, and "Not sure" that is never "no".

The expected answers come from decision_aid in CPython, never from this file.
"""

from __future__ import annotations

import pytest

import decision_aid as da

pytestmark = pytest.mark.browser

P = da.protocol()
SHOWN_BANDS = "() => [...document.querySelectorAll('.hsb-band')].filter(f => !f.hidden).map(f => f.dataset.band)"


def test_the_form_offers_only_the_childs_own_bands(page, base_url):
    """Section 5: a behaviour is judged against the child's own age; no 'other bands' switch."""
    page.goto(base_url + "check/")
    assert page.locator("#hsb-all-bands").count() == 0
    for age in (4, 5, 7, 13, 16):
        page.select_option("#hsb-age", str(age))
        assert page.evaluate(SHOWN_BANDS) == list(da.bands_for_age(age))
        offered = set(page.evaluate("""() => [...document.querySelectorAll('.hsb-option')]
            .filter(li => !li.hidden).map(li => li.querySelector('input').value)"""))
        assert offered == {b.id for b in P.behaviours if b.band in da.bands_for_age(age)}


def test_an_older_development_band_cannot_be_chosen(page, base_url):
    page.goto(base_url + "check/")
    page.select_option("#hsb-age", "12")
    page.select_option("#hsb-band", "5-9")
    assert page.evaluate(SHOWN_BANDS) == ["5-9", "9-13"]
    disabled = page.evaluate("() => [...document.querySelectorAll('#hsb-band option')].filter(o => o.disabled).map(o => o.value)")
    assert disabled == [b.id for b in P.bands if b.min_age > 12]
    # A younger age makes a chosen band too old: it is cleared, not kept.
    page.select_option("#hsb-age", "6")
    page.select_option("#hsb-band", "5-9")
    page.select_option("#hsb-age", "4")
    assert page.input_value("#hsb-band") == ""


def test_a_younger_development_adds_its_band_to_the_list(page, base_url):
    """Hazard H14: the younger band's behaviours are listed as well as the child's own, each
    with the colour the result will use, and the result is decision_aid's."""
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    page.select_option("#hsb-age", "15")
    page.select_option("#hsb-band", "9-13")
    assert page.evaluate(SHOWN_BANDS) == ["9-13", "13-17"]
    offered = set(page.evaluate("""() => [...document.querySelectorAll('.hsb-option')]
        .filter(li => !li.hidden).map(li => li.querySelector('input').value)"""))
    assert offered == {b.id for b in P.behaviours if b.band in ("9-13", "13-17")}
    behaviour = "13-17-consenting-oral-penetrative-sex"
    situation = {"age": 15, "developmental_band": "9-13", "behaviours": [behaviour]}
    expected = da.assess(situation)
    assert expected.colour == "red" and P.behaviour(behaviour).colour != "red"
    label = page.locator(f'label[for="hsb-b-{behaviour}"] .hsb-colour-word')
    assert label.inner_text().strip() == expected.behaviours[0].colour_label
    page.check(f'input[value="{behaviour}"]')
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")
    assert expected.threshold_label in page.inner_text("#hsb-result")


def test_not_sure_is_shown_with_what_yes_would_change(page, base_url):
    """Hazard H5: a "not sure" answer is sent as null and the result says what "yes" would change."""
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    behaviour = "13-17-preoccupation-sex-interferes-daily"
    page.select_option("#hsb-age", "15")
    page.check(f'input[value="{behaviour}"]')
    page.wait_for_selector("#hsb-q-child_may_be_abused-unsure:visible")
    page.check("#hsb-q-child_may_be_abused-unsure")
    page.check("#hsb-q-another_child_harmed-no")
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")
    expected = da.assess({"age": 15, "behaviours": [behaviour], "another_child_harmed": False})
    assert expected.threshold == "child-in-need" and expected.possible_threshold == "child-protection"
    text = page.inner_text("#hsb-result")
    assert expected.threshold_label in text
    assert f"Could be {expected.possible_threshold_label}" in page.inner_text(".hsb-panel")
    for u in expected.unsure:
        assert u.note in text
    assert "Not sure" in text and P.question("child_may_be_abused").question in text
    # The board's interpretation behind "red without a victim: child in need" is marked as such.
    red = next(r for r in expected.reasons if r.rule == "red-behaviour")
    assert red.interpretation in text
    assert page.locator(".hsb-interpretation").count() >= 1
