"""Every behaviour, at every age it can be read at, with each question yes, no and not
sure, and with pairs of questions: the rules of sections 4, 5, 6 and 7.

The expected routes are written here from the protocol's text (and the board's
interpretations, each named), independently of data/thresholds.toml and steps.toml, so a
wrong edit to the rules' data is caught. Only the curation that is data by design is
read from data/: which items of different bands describe the same facts, and which
behaviours are marked (done to another child, may be a victim, exploitation).
"""

from __future__ import annotations

from itertools import combinations

import pytest

import decision_aid as da
from decision_aid.model import SITUATION_FLAGS

P = da.protocol()
SEVERITY = [c.id for c in P.colours]
THRESHOLDS = [t.id for t in P.thresholds]
CATEGORIES = [c.id for c in P.categories]
IMPLIES = {f.id: f.implies for f in P.flags if f.implies}


def bands_at(age: int) -> list[str]:
    return [b.id for b in P.bands if b.min_age <= age <= b.max_age]


def linked(behaviour: da.Behaviour) -> list[da.Behaviour]:
    group = next((g.behaviours for g in P.same_facts if behaviour.id in g.behaviours), (behaviour.id,))
    return [b for b in P.behaviours if b.id in group]


def read(behaviour: da.Behaviour, age: int) -> tuple[str, set[str]] | None:
    """(colour, flags) for this child, or None where the item cannot be read at this age (section 5)."""
    here = [b for b in linked(behaviour) if b.band in bands_at(age)]
    if not here:
        return None
    return max((b.colour for b in here), key=SEVERITY.index), {f for b in [behaviour, *here] for f in b.flags}


def at_least(current: tuple[str, str], category: str | None, threshold: str | None) -> tuple[str, str]:
    c, t = current
    if category and CATEGORIES.index(category) > CATEGORIES.index(c):
        c = category
    if threshold and THRESHOLDS.index(threshold) > THRESHOLDS.index(t):
        t = threshold
    return c, t


def expected(colour: str, flags: set[str], indicators: tuple[str, ...], answers: dict) -> tuple[str, str]:
    """The route the protocol gives (sections 4, 6.2, 7, 8.4, 9.5, 10), answers already settled."""
    yes = {q for q, a in answers.items() if a is True}
    marks = set(flags) | {f for i in P.indicators if i.id in indicators for f in i.flags}
    for flag in marks:                       # a behaviour's (indicator's) own words answer its question unless "no"
        if flag in IMPLIES and answers.get(IMPLIES[flag]) is None:
            yes.add(IMPLIES[flag])
    route = {"green": ("expected", "none"), "amber": ("problematic", "child-in-need"),
             "red": ("abusive", "child-in-need")}[colour]       # red without victim: board, at least CIN
    if indicators:
        route = at_least(route, "inappropriate", "early-help")                  # section 4, 7
    if {"interferes-with-development", "emotional-distress"} & set(indicators):
        route = at_least(route, "problematic", "child-in-need")                # section 4's definition, 7 (board)
    if "coercion" in indicators:
        route = at_least(route, "abusive", "child-in-need")                    # section 4 (board threshold)
    if "another_child_harmed" in yes:
        route = at_least(route, "inappropriate", "early-help")                 # sections 3, 6.1 (board)
        if colour == "red" or {"coercion", "divergent-ages"} & set(indicators):
            route = at_least(route, "abusive", "child-protection")             # section 7
    if "may-be-victim" in flags:
        route = at_least(route, "abusive", "child-protection")                 # section 7 (board marks)
    if "child_may_be_abused" in yes or "sexual_exploitation" in yes:
        route = at_least(route, None, "child-protection")                      # section 7, 8.4
    if "siblings_at_risk" in yes or "gang_involvement" in yes:
        route = at_least(route, None, "child-in-need")                         # 6.2, 9.5 (board)
    if "police_involved" in yes or "release_from_custody" in yes:
        route = at_least(route, None, "early-help")                            # 6.2, 10
    return route


def readable_ages(behaviour: da.Behaviour) -> list[int]:
    return [age for age in range(18) if read(behaviour, age) is not None]


ANSWER_SETS = [{}] + [{q: v} for q in SITUATION_FLAGS for v in (True, False)]


@pytest.mark.parametrize("behaviour", P.behaviours, ids=lambda b: b.id)
def test_every_behaviour_at_every_age_with_each_answer(behaviour):
    for age in readable_ages(behaviour):
        colour, flags = read(behaviour, age)
        for answers in ANSWER_SETS:
            result = da.assess({"age": age, "behaviours": [behaviour.id], **answers})
            assert result.colour == colour, (age, answers)
            assert (result.category, result.threshold) == expected(colour, flags, (), answers), (age, answers)
            assert result.steps and all(step.sections for step in result.steps)


@pytest.mark.parametrize("behaviour", P.behaviours, ids=lambda b: b.id)
def test_pairs_of_yes_answers(behaviour):
    age = readable_ages(behaviour)[0]
    colour, flags = read(behaviour, age)
    for a, b in combinations(SITUATION_FLAGS, 2):
        answers = {a: True, b: True}
        result = da.assess({"age": age, "behaviours": [behaviour.id], **answers})
        assert (result.category, result.threshold) == expected(colour, flags, (), answers), answers


@pytest.mark.parametrize("indicator", [i.id for i in P.indicators])
@pytest.mark.parametrize("harmed", [True, False, None])
def test_each_indicator_alone(indicator, harmed):
    result = da.assess({"age": 10, "indicators": [indicator], "another_child_harmed": harmed})
    route = at_least(expected("green", set(), (indicator,), {"another_child_harmed": harmed}), "inappropriate", None)
    assert (result.category, result.threshold) == route


def test_coercion_on_its_own_is_abusive_not_a_frequency_concern():
    # Section 4: abusive sexual behaviour "includes an element of coercion".
    coercion = da.assess({"age": 12, "indicators": ["coercion"], "another_child_harmed": False})
    frequency = da.assess({"age": 12, "indicators": ["frequency"], "another_child_harmed": False})
    assert coercion.category == "abusive" and coercion.threshold == "child-in-need"
    assert frequency.category == "inappropriate" and frequency.threshold == "early-help"


def test_every_behaviour_cannot_be_read_outside_its_bands_unless_linked():
    """Section 5: judged against the child's own age and stage of development."""
    for behaviour in P.behaviours:
        for age in range(18):
            if read(behaviour, age) is None:
                with pytest.raises(da.InvalidSituation, match="does not cover this child"):
                    da.assess({"age": age, "behaviours": [behaviour.id]})


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


@pytest.mark.parametrize("age", [5, 9, 13])
def test_linked_wordings_give_the_same_route_at_a_boundary_age(age):
    """Section 5 and Appendix 1: at an overlap the same facts get the same route, whichever wording."""
    for group in P.same_facts:
        here = [i for i in group.behaviours if P.behaviour(i).band in da.bands_for_age(age)]
        routes = {(r.colour, r.category, r.threshold, tuple(s.id for s in r.steps))
                  for r in (da.assess({"age": age, "behaviours": [i]}) for i in here)}
        assert len(routes) <= 1, (group.id, age, routes)


def test_consenting_sex_at_13_is_read_with_the_9_to_13_red():
    teen = da.assess({"age": 13, "behaviours": ["13-17-consenting-oral-penetrative-sex"]})
    child = da.assess({"age": 13, "behaviours": ["9-13-sexual-activity-oral-sex"]})
    assert teen.colour == child.colour == "red" and teen.threshold == child.threshold == "child-protection"
    assert any("whichever wording" in n for n in teen.notes)
    # The link is the board's: the note says so, with the board's reason.
    reason = next(g.reason for g in P.same_facts if "9-13-sexual-activity-oral-sex" in g.behaviours)
    assert any("board links" in n and reason in n for n in teen.notes)


def test_a_teenage_item_is_refused_for_a_7_year_old():
    with pytest.raises(da.InvalidSituation, match="5 to 9 years"):
        da.assess({"age": 7, "behaviours": ["13-17-consenting-oral-penetrative-sex"]})


def test_a_younger_developmental_band_is_read_as_well_as_the_age_bands():
    """Hazard H14: the younger band is added, never put in place of the child's own."""
    result = da.assess({"age": 15, "behaviours": ["5-9-sense-privacy-bodies"], "developmental_band": "5-9"})
    assert result.bands == ("5-9", "13-17") and result.colour == "green"
    assert any("like a younger child" in n and "13 to 17" in n for n in result.notes)
    # An item only the child's own band lists can still be chosen, with its route.
    cse = da.assess({"age": 15, "behaviours": ["13-17-involvement-sexual-exploitation-trafficking"],
                     "developmental_band": "9-13"})
    assert cse.threshold == "child-protection"
    # Where the same facts are listed in both, the more serious colour is used.
    sex = da.assess({"age": 15, "behaviours": ["13-17-consenting-oral-penetrative-sex"], "developmental_band": "9-13"})
    assert sex.colour == "red" and sex.threshold == "child-protection"
    # At a boundary age, one of the child's own bands as "development" changes nothing.
    at_13 = {"age": 13, "behaviours": ["13-17-consenting-oral-penetrative-sex"], "another_child_harmed": False}
    assert da.assess({**at_13, "developmental_band": "13-17"}).threshold == da.assess(at_13).threshold == "child-protection"


@pytest.mark.parametrize("behaviour,age,answers,question", [
    ("0-5-sexual-behaviour-between-young", 4, {}, "another_child_harmed"),
    ("5-9-engaging-mutual-masturbation", 7, {}, "another_child_harmed"),
    ("13-17-sexual-contact-others-where", 14, {"another_child_harmed": False}, "child_may_be_abused"),
])
def test_what_a_behaviours_own_words_say_is_taken_as_yes_unless_answered_no(behaviour, age, answers, question):
    """Hazard H5: a red act "between young children", "mutual" masturbation and sexual contact
    with someone much older (the search words lead a victim there) say in their own words
    that another child took part, or that the child may be being abused (the board's flags;
    with may-be-victim, the behaviour itself is taken as the evidence, whatever the answer)."""
    unsure = da.assess({"age": age, "behaviours": [behaviour], **answers})
    said_no = da.assess({"age": age, "behaviours": [behaviour], **answers, question: False})
    yes = da.assess({"age": age, "behaviours": [behaviour], **answers, question: True})
    assert question in {t.question for t in unsure.taken_as_yes}
    assert (unsure.threshold, [s.id for s in unsure.steps]) == (yes.threshold, [s.id for s in yes.steps])
    assert question not in {t.question for t in said_no.taken_as_yes}
    if question == "another_child_harmed":
        assert "refer-victim-and-child" in {s.id for s in unsure.steps}
    else:   # the board's may-be-victim mark: the behaviour itself is the evidence (section 7)
        assert unsure.threshold == said_no.threshold == "child-protection"
        assert "behaviour-suggests-child-is-a-victim" in {r.rule for r in said_no.reasons if r.source == "board"}


def test_between_children_of_divergent_ages_takes_another_child_as_involved_unless_answered_no():
    """Hazard H5: the indicator's own words ("between children") answer the question, as a
    behaviour's do; with coercion or a power imbalance towards another child, child protection."""
    base = {"age": 12, "behaviours": ["9-13-consensual-kissing-hugging-holding"], "indicators": ["divergent-ages"]}
    unsure, no = da.assess(base), da.assess({**base, "another_child_harmed": False})
    assert [(t.question, t.behaviour) for t in unsure.taken_as_yes] == [("another_child_harmed", "divergent-ages")]
    assert unsure.threshold == "child-protection" and no.threshold == "early-help" and not no.taken_as_yes


@pytest.mark.parametrize("age,band", [(5, "13-17"), (5, "9-13"), (8, "9-13"), (12, "13-17")])
def test_an_older_developmental_band_is_refused(age, band):
    with pytest.raises(da.InvalidSituation, match="older than the child"):
        da.assess({"age": age, "behaviours": [next(b.id for b in P.behaviours if b.band == band)],
                   "developmental_band": band})


@pytest.mark.parametrize("age,fragment", [(0, "under 12"), (11, "under 12"), (12, "between 12 and 15"),
                                          (15, "between 12 and 15"), (16, "over 16"), (17, "over 16")])
def test_consent_follows_section_13_for_the_age(age, fragment):
    result = da.assess({"age": age, "indicators": ["frequency"]})
    assert fragment in result.consent.text
    assert "without consent" in result.consent.always
    assert result.consent.sections == ("13",)


def test_the_ambiguous_age_16_is_flagged():
    assert "16" in da.assess({"age": 16, "indicators": ["frequency"]}).consent.note


def test_consent_to_share_is_given_only_where_information_is_shared():
    """Section 13 is about disclosure: with "No referral needed" nothing is shared."""
    green = da.assess({"age": 16, "behaviours": ["13-17-solitary-masturbation"]})
    assert green.threshold == "none" and green.consent is None
    start = P.consent_always.from_threshold
    for t in [t.id for t in P.thresholds][[t.id for t in P.thresholds].index(start):]:
        assert t != "none"
