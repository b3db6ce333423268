"""Invariants of the routing, over the whole input space (issue #8, the hazard log's controls).

The grid: every behaviour, at the youngest and oldest age it can be read at, with each
question yes, no and not sure; hypothesis adds mixtures (tests/test_properties.py).
"""

from __future__ import annotations

import re

import pytest

import decision_aid as da
from decision_aid.model import SITUATION_FLAGS
from decision_aid.reachability import unreachable

P = da.protocol()
ORDER = [t.id for t in P.thresholds]
CATEGORIES = [c.id for c in P.categories]
NOTES = {r.id: r.note for r in P.rules if r.note}


def ages_for(behaviour: da.Behaviour) -> list[int]:
    ok = []
    for age in range(18):
        try:
            da.assess({"age": age, "behaviours": [behaviour.id]})
            ok.append(age)
        except da.InvalidSituation:
            pass
    return sorted({ok[0], ok[-1]})


GRID = [(b.id, age) for b in P.behaviours for age in ages_for(b)] + [(None, age) for age in (3, 11, 16)]


def situation(behaviour: str | None, age: int, **answers) -> dict:
    if behaviour is None:
        return {"age": age, "indicators": ["frequency"], **answers}
    return {"age": age, "behaviours": [behaviour], **answers}


def rank(result) -> tuple[int, int]:
    return ORDER.index(result.threshold), CATEGORIES.index(result.category)


@pytest.mark.parametrize("behaviour,age", GRID)
def test_yes_is_at_least_not_sure_which_is_at_least_no(behaviour, age):
    """Hazard H5: an unanswered question must never give less than 'no'; 'yes' never lowers."""
    for q in SITUATION_FLAGS:
        yes, unsure, no = (da.assess(situation(behaviour, age, **{q: v})) for v in (True, None, False))
        assert rank(yes) >= rank(unsure) >= rank(no), q
        # At the same threshold, not sure keeps every step "no" gives: an unknown answer never drops a route.
        # (A route is who acts under which sections: the CSE step has one wording for a "yes"
        # and one for a behaviour that names exploitation.)
        if unsure.threshold == no.threshold:
            assert {(s.who, s.sections) for s in no.steps} <= {(s.who, s.sections) for s in unsure.steps}, q


@pytest.mark.parametrize("behaviour,age", GRID)
def test_not_sure_always_says_what_yes_would_change(behaviour, age):
    result = da.assess(situation(behaviour, age))
    answers = result.to_dict()["answers"]
    listed = {u.question: u for u in result.unsure}
    for q in SITUATION_FLAGS:
        if answers[q] is not None:
            continue
        yes = da.assess(situation(behaviour, age, **{q: True}))
        changes = (yes.threshold, [s.id for s in yes.steps]) != (result.threshold, [s.id for s in result.steps])
        assert (q in listed) == changes, q
        if q in listed and listed[q].raises_threshold:
            assert listed[q].threshold == yes.threshold
            assert listed[q].note in result.notes
            assert ORDER.index(result.possible_threshold) >= ORDER.index(yes.threshold)


NO_REFERRAL_WORDS = re.compile(r"\b(refer|referral|report|MASH|strategy meeting|telephone|notify|notification)\b", re.I)


@pytest.mark.parametrize("behaviour,age", GRID)
def test_no_referral_needed_never_comes_with_a_referral(behaviour, age):
    """Hazard H6: a result must not contradict itself."""
    for answers in [{}] + [{q: v} for q in SITUATION_FLAGS for v in (True, False)]:
        result = da.assess(situation(behaviour, age, **answers))
        if result.threshold != "none":
            continue
        for step in result.steps:
            action = step.action.replace("No referral is needed", "")
            assert not NO_REFERRAL_WORDS.search(action), (answers, step.id)
            assert step.contact is None or step.id == "check-again-if-it-changes", (answers, step.id)
        assert not result.referral_must_include


@pytest.mark.parametrize("behaviour,age", GRID)
def test_no_note_contradicts_the_outcome(behaviour, age):
    for answers in [{}] + [{q: True} for q in SITUATION_FLAGS]:
        result = da.assess(situation(behaviour, age, **answers))
        for rule in P.rules:
            if rule.note and rule.note in result.notes:
                assert rule.threshold in (None, result.threshold), (answers, rule.id)
        for reason in result.reasons:
            assert reason.threshold in (None, result.threshold)


@pytest.mark.parametrize("behaviour,age", GRID)
def test_child_protection_always_has_the_telephone_referral_and_written_follow_up(behaviour, age):
    """Hazard H7 (section 6.1): urgent referral by telephone, in writing within 48 hours, wherever the child lives."""
    for answers in [{}, {"another_child_harmed": True}] + [
            {"another_child_harmed": True, q: True} for q in ("known_to_cssw", "looked_after", "lives_in_other_authority")]:
        result = da.assess(situation(behaviour, age, **answers))
        if result.threshold != "child-protection":
            continue
        telephone = [s for s in result.steps if "by telephone" in s.action and "urgent child protection referral" in s.action]
        written = [s for s in result.steps if s.within == "48 hours"]
        assert telephone and written, answers


@pytest.mark.parametrize("behaviour,age", GRID)
def test_an_open_case_goes_to_its_social_worker_instead_of_a_new_early_help_route(behaviour, age):
    """Section 6.3."""
    result = da.assess(situation(behaviour, age, known_to_cssw=True))
    ids = {s.id for s in result.steps}
    assert not ids & {"early-help-service", "e-caf-referral", "home-authority-referral"}
    if result.threshold != "none":
        assert "open-case-social-worker" in ids


@pytest.mark.parametrize("behaviour,age", GRID)
def test_not_saying_where_you_work_drops_no_step(behaviour, age):
    """Hazard H12: "Where you work" is optional; left as "not said", every service's own
    steps are kept and marked as that service's (the checker lists them under "What you
    do now", by service), so a school or a foster carer never misses their own steps."""
    for answers in ({}, {"another_child_harmed": True}, {"police_involved": True, "known_to_cssw": False},
                    {"looked_after": True}, {"release_from_custody": True}):
        unsaid = da.assess(situation(behaviour, age, **answers))
        kept = {s.id: s for s in unsaid.steps}
        for setting in P.settings:
            said = da.assess(situation(behaviour, age, setting=setting.id, **answers))
            assert said.threshold == unsaid.threshold and said.category == unsaid.category, setting.id
            assert {s.id for s in said.steps} <= set(kept), setting.id
            for step in (s for s in said.steps if s.yours):
                assert kept[step.id].yours or setting.id in kept[step.id].user, (setting.id, step.id)
        # Not said: only the steps of anyone who uses the checker are "yours".
        assert all(s.yours == ("any" in s.user) for s in unsaid.steps)


# The steps that pass a concern on now: a referral, a discussion with the designated
# safeguarding lead or a notification of the allocated social worker or CSSW.
PASSES_ON = {"discuss-with-designated-safeguarding-lead", "urgent-child-protection-referral", "e-caf-referral",
             "home-authority-referral", "urgent-child-protection-referral-home-authority", "refer-victim-and-child",
             "open-case-social-worker", "looked-after-notify", "looked-after-tell-social-worker",
             "looked-after-placement-services", "school-information-sharing", "custody-discuss-release-with-mash"}


@pytest.mark.parametrize("behaviour,age", GRID)
def test_above_no_referral_every_service_is_told_whom_to_tell(behaviour, age):
    """Hazard H15: whatever the child's situation, a professional in any setting whose result
    is above "No referral needed" has a step of their own that passes the concern on (for a
    looked-after child, a health worker was once told only to "report further incidents")."""
    for answers in ({}, {"looked_after": True}, {"looked_after": True, "known_to_cssw": False},
                    {"known_to_cssw": True}, {"lives_in_other_authority": True},
                    {"another_child_harmed": False, "child_may_be_abused": False}, {"release_from_custody": True}):
        for setting in P.settings:
            result = da.assess(situation(behaviour, age, setting=setting.id, **answers))
            if result.threshold != "none":
                assert {s.id for s in result.steps if s.yours} & PASSES_ON, (setting.id, answers, result.threshold)


SEVERITY = [c.id for c in P.colours]


@pytest.mark.parametrize("age", range(18))
def test_saying_the_development_is_younger_never_lowers_the_route(age):
    """Hazard H14: a younger developmental band is read as well as the child's own age
    band(s), never in their place. For every behaviour the child's age allows and every
    development the form allows, the behaviour can still be chosen, and the colour,
    threshold and category are at least those without it (at 13, "like 13 to 17" once
    dropped the 9 to 13 reading: oral sex went from red, child protection, to green)."""
    developments = [b.id for b in P.bands if b.min_age <= age]
    for behaviour in (b for b in P.behaviours if b.band in da.bands_for_age(age)):
        for answers in ({}, {"another_child_harmed": False, "child_may_be_abused": False}):
            plain = da.assess(situation(behaviour.id, age, **answers))
            for band in developments:
                said = da.assess(situation(behaviour.id, age, developmental_band=band, **answers))
                assert SEVERITY.index(said.colour) >= SEVERITY.index(plain.colour), (behaviour.id, band)
                assert rank(said) >= rank(plain), (behaviour.id, band, answers)


@pytest.mark.parametrize("behaviour,age", GRID)
def test_the_headline_time_limit_never_hides_an_urgent_step(behaviour, age):
    """The headline states the time limit of the first of your steps the board marks (data:
    headline); every urgent step of yours has its own limit and is marked, so the headline
    never shows a later limit ("48 hours") while an urgent step without one comes first."""
    for answers in ({}, {"another_child_harmed": True}, {"lives_in_other_authority": True}, {"looked_after": True}):
        for setting in [None] + [s.id for s in P.settings]:
            result = da.assess(situation(behaviour, age, setting=setting, **answers))
            for step in (s for s in result.steps if s.yours and "urgent" in s.action.lower()):
                assert step.within and step.headline, (setting, answers, step.id)
            assert all(s.within for s in result.steps if s.headline)


def test_every_step_rule_timescale_and_question_is_reachable():
    """Hazard H7: guidance in data/ that no situation can reach would never be given to staff."""
    assert unreachable(P) == {"rules": [], "steps": [], "timescales": [], "questions": []}


def test_reachability_finds_a_step_made_unreachable():
    from dataclasses import replace

    from decision_aid import model as m
    broken = replace(P, steps=tuple(replace(s, when=replace(s.when, min_age=18)) if s.id == "strategy-meeting" else s
                                    for s in P.steps))
    assert unreachable(broken)["steps"] == ["strategy-meeting"]
    assert unreachable(broken)["timescales"] == ["strategy-meeting"]
    no_cse = replace(P, rules=tuple(r for r in P.rules if r.id != "child-sexual-exploitation"),
                     steps=tuple(s for s in P.steps if not s.id.startswith("child-sexual-exploitation")))
    assert isinstance(no_cse, m.Protocol)


def test_every_board_interpretation_is_shown_as_such():
    """Hazard H9: the board's readings must not look like the protocol's text."""
    result = da.assess({"age": 11, "behaviours": ["9-13-sexual-harassment"], "another_child_harmed": False})
    red = next(r for r in result.reasons if r.rule == "red-behaviour")
    assert red.source == "board" and red.interpretation
    for rule in P.rules:
        assert rule.provenance.source in ("protocol", "board")
        assert rule.provenance.source == "protocol" or rule.provenance.reason
    for step in P.steps:
        assert step.provenance.source == "protocol" or step.provenance.reason
    iys = da.assess({"age": 12, "behaviours": ["9-13-sexual-harassment"], "police_involved": True})
    assert next(s for s in iys.steps if s.id == "iys-screens-merlin").source == "board"


def test_cse_and_gangs_are_separate_questions_with_their_own_routes():
    """Sections 8.4 and 9.5."""
    cse = da.assess({"age": 15, "behaviours": ["13-17-having-sexual-non-sexual"], "sexual_exploitation": True})
    gangs = da.assess({"age": 15, "behaviours": ["13-17-having-sexual-non-sexual"], "gang_involvement": True})
    assert cse.threshold == "child-protection" and "child-sexual-exploitation" in {s.id for s in cse.steps}
    assert "gangs-strategy-group" not in {s.id for s in cse.steps}
    assert gangs.threshold == "child-in-need" and "gangs-strategy-group" in {s.id for s in gangs.steps}
    assert "child-sexual-exploitation" not in {s.id for s in gangs.steps}


def test_release_from_custody_gives_the_section_10_steps_and_timescales():
    result = da.assess({"age": 16, "behaviours": ["13-17-non-consensual-sexual-activity"], "release_from_custody": True,
                        "another_child_harmed": True})
    within = {s.id: s.within for s in result.steps}
    assert within["custody-resettlement-panel"] == "3 months before release"
    assert within["custody-pre-release-meeting"] == "10 working days before release"
    assert all("10" in s.sections for s in result.steps if s.id.startswith("custody-"))
