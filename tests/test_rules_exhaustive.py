"""Every behaviour, at every age, alone and with each flag: the rules of sections 4 and 7.

The expectations are written from the protocol (issue #3's rules), independently of
data/thresholds.toml, so a wrong edit to the rules' data is caught here.
"""

from __future__ import annotations

import re

import pytest

import decision_aid as da
from decision_aid.model import SITUATION_FLAGS

P = da.protocol()
SEVERITY = {c.id: n for n, c in enumerate(P.colours)}
THRESHOLDS = [t.id for t in P.thresholds]


def same(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def expected_colour(behaviour: da.Behaviour, age: int) -> tuple[str, str]:
    """(band, colour): listed in one of the child's bands -> the most serious listing there."""
    bands = [b.id for b in P.bands if b.min_age <= age <= b.max_age]
    twins = [b for b in P.behaviours if b.band in bands and same(b.text) == same(behaviour.text)]
    if not twins:
        return behaviour.band, behaviour.colour
    best = max(twins, key=lambda b: (SEVERITY[b.colour], b.id == behaviour.id))
    return best.band, best.colour


def expected(colour: str, flags: tuple[str, ...], flag: str | None) -> tuple[str, str]:
    category = {"green": "expected", "amber": "problematic", "red": "abusive"}[colour]
    threshold = {"green": "none", "amber": "child-in-need", "red": "child-in-need"}[colour]
    if colour == "red" and flag == "another_child_harmed":
        threshold = "child-protection"
    if "may-be-victim" in flags:
        category, threshold = "abusive", "child-protection"
    if flag == "child_may_be_abused":
        threshold = "child-protection"
    if flag == "siblings_at_risk" and THRESHOLDS.index(threshold) < THRESHOLDS.index("child-in-need"):
        threshold = "child-in-need"
    return category, threshold


CASES = [(b, age, flag) for b in P.behaviours for age in range(0, 18) for flag in (None, *SITUATION_FLAGS)]


@pytest.mark.parametrize("behaviour", P.behaviours, ids=lambda b: b.id)
def test_every_behaviour_at_every_age_with_each_flag(behaviour):
    for age in range(0, 18):
        for flag in (None, *SITUATION_FLAGS):
            situation = {"age": age, "behaviours": [behaviour.id]}
            if flag:
                situation[flag] = True
            result = da.assess(situation)
            band, colour = expected_colour(behaviour, age)
            assert (result.behaviours[0].band, result.colour) == (band, colour), (age, flag)
            assert (result.category, result.threshold) == expected(colour, behaviour.flags, flag), (age, flag)
            assert result.steps, "every result says what to do"
            assert all(step.sections for step in result.steps), "every step cites its section"


def test_case_count_covers_the_whole_tool():
    assert len(P.behaviours) == 88
    assert len(CASES) == 88 * 18 * 9


@pytest.mark.parametrize("age,bands", [(0, ["0-5"]), (4, ["0-5"]), (5, ["0-5", "5-9"]), (7, ["5-9"]),
                                       (9, ["5-9", "9-13"]), (11, ["9-13"]), (13, ["9-13", "13-17"]),
                                       (15, ["13-17"]), (17, ["13-17"])])
def test_bands_for_age_overlap_at_boundaries(age, bands):
    assert da.bands_for_age(age) == bands


@pytest.mark.parametrize("age", [5, 9, 13])
def test_boundary_age_is_noted_and_both_bands_apply(age):
    behaviour = next(b for b in P.behaviours if b.band in da.bands_for_age(age))
    result = da.assess({"age": age, "behaviours": [behaviour.id]})
    assert result.bands == tuple(da.bands_for_age(age))
    assert any("boundary" in note and str(age) in note for note in result.notes)


def test_behaviour_listed_in_both_bands_takes_the_more_serious_listing_with_a_note():
    # "giving out contact details online" is amber in 9-13 and 13-17; at 13 both apply.
    result = da.assess({"age": 13, "behaviours": ["9-13-giving-out-contact-details"]})
    assert result.colour == "amber"
    assert any("more than one age band" in n for n in result.notes)


def test_behaviour_from_another_band_is_assessed_in_its_own_colour_with_a_note():
    result = da.assess({"age": 3, "behaviours": ["13-17-sexual-harassment"]})
    assert result.behaviours[0].band == "13-17" and result.colour == "red"
    assert any("does not include this child's age" in n for n in result.notes)


def test_developmental_band_replaces_the_age_bands_with_a_note():
    result = da.assess({"age": 15, "behaviours": ["5-9-sense-privacy-bodies"], "developmental_band": "5-9"})
    assert result.bands == ("5-9",) and result.colour == "green"
    assert any("development differs" in n for n in result.notes)
    # Without it, the same 15-year-old's 5-9 behaviour is noted as from another band.
    plain = da.assess({"age": 15, "behaviours": ["5-9-sense-privacy-bodies"]})
    assert any("does not include this child's age" in n for n in plain.notes)


@pytest.mark.parametrize("age,fragment", [(0, "under 12"), (11, "under 12"), (12, "between 12 and 15"),
                                          (15, "between 12 and 15"), (16, "over 16"), (17, "over 16")])
def test_consent_follows_section_13_for_the_age(age, fragment):
    result = da.assess({"age": age, "indicators": ["frequency"]})
    assert fragment in result.consent.text
    assert "without consent" in result.consent.always
    assert result.consent.sections == ("13",)


def test_the_ambiguous_age_16_is_flagged():
    assert "16" in da.assess({"age": 16, "indicators": ["frequency"]}).consent.note
