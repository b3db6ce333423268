"""Scenarios written from the protocol's text, each quoting the words it rests on.

They cover what the safe-routing review found the first scenarios did not reach:
boundary ages, developmental bands, "not sure" answers, CSE, gangs, custody, open cases,
looked-after children, another authority, and several behaviours of different colours.
Each row: description (with the section), situation, threshold, steps that must be
there (id -> within), steps that must not be.
"""

from __future__ import annotations

import pytest

import decision_aid as da

CP = {"urgent-child-protection-referral": "urgently", "child-protection-referral-in-writing": "48 hours",
      "strategy-meeting": "3 days", "child-protection-assessment": "35 days"}
CIN = {"child-in-need-assessment": "35 days", "professionals-planning-meeting": "as soon as possible"}
EARLY = {"early-help-service": None}
NEW_REFERRAL = {"discuss-with-designated-safeguarding-lead": None, "contact-service-screens": None}

SCENARIOS = [
    # -- section 5 and Appendix 1: the child's own band; boundaries; development -------------
    ("7: 'compare that behaviour to what would be expected ... for that child's age' (5); a teenage "
     "item cannot make a 7-year-old green",
     dict(age=7, behaviours=["13-17-consenting-oral-penetrative-sex"]), "refused", {}, []),
    ("13: oral sex, ticked in the 13-17 wording, is the 9-13 band's red at the overlap (Appendix 1)",
     dict(age=13, behaviours=["13-17-consenting-oral-penetrative-sex"], another_child_harmed=False,
          child_may_be_abused=None), "child-protection", {**CP, "separate-strategy-meeting": None}, []),
    ("16: the same 13-17 wording for a 16-year-old of similar age is green (Appendix 1)",
     dict(age=16, behaviours=["13-17-consenting-oral-penetrative-sex"]), "none",
     {"check-again-if-it-changes": None}, ["e-caf-referral"]),
    ("9: viewing pornography is read with the 5-9 band's red 'sourcing pornographic material online'",
     dict(age=9, behaviours=["9-13-viewing-pornographic-material"]), "child-in-need", {**CIN, **NEW_REFERRAL}, []),
    ("5: 'feeling and touching own genitals' and 'holding or playing with own genitals' are both green",
     dict(age=5, behaviours=["5-9-feeling-touching-genitals"]), "none", {}, ["e-caf-referral"]),
    ("13: sending naked images is the 9-13 band's red 'distributing naked ... images of self or others'",
     dict(age=13, behaviours=["13-17-taking-sending-naked-sexually"], another_child_harmed=False),
     "child-in-need", CIN, ["strategy-meeting"]),
    ("14 functioning like 9-13 (5: 'age and stage of development'): sexual activity is red, may be a victim",
     dict(age=14, behaviours=["9-13-sexual-activity-oral-sex"], developmental_band="9-13"), "child-protection", CP, []),
    ("10 with a developmental band older than the child is refused (5)",
     dict(age=10, behaviours=["9-13-need-privacy"], developmental_band="13-17"), "refused", {}, []),
    ("a 12-year-old, developmentally 5-9, sources pornography online: the 5-9 red applies",
     dict(age=12, behaviours=["5-9-sourcing-pornographic-material-online"], developmental_band="5-9",
          setting="school"), "child-in-need", {**CIN, "school-risk-assessment": None}, []),
    # -- sections 6.1 and 7: another child; not sure -------------------------------------
    ("'forcing other children' with the harm question unanswered: done to another child (6.1, 7)",
     dict(age=11, behaviours=["9-13-forcing-other-children-same"]), "child-protection",
     {**CP, "refer-victim-and-child": None, "different-social-workers": None}, []),
    ("the same, answered no: red without a victim is at least child in need (board) and says CP is possible",
     dict(age=11, behaviours=["9-13-forcing-other-children-same"], another_child_harmed=False), "child-in-need",
     CIN, ["refer-victim-and-child"]),
    ("a green behaviour that harmed another child is referred: 'all children ... and their victims' (3, 6.1)",
     dict(age=15, behaviours=["13-17-sexually-explicit-conversations-peers"], another_child_harmed=True),
     "early-help", {**EARLY, "refer-victim-and-child": None, "e-caf-referral": None}, ["check-again-if-it-changes"]),
    ("a red behaviour, not sure if the child is abused: stays child in need, CP stated as possible (7)",
     dict(age=15, behaviours=["13-17-preoccupation-sex-interferes-daily"], child_may_be_abused=None),
     "child-in-need", CIN, ["strategy-meeting"]),
    ("evidence the child is being abused: 'a child protection response will also be used' (7)",
     dict(age=15, behaviours=["13-17-preoccupation-sex-interferes-daily"], child_may_be_abused=True),
     "child-protection", {**CP, "separate-strategy-meeting": None}, []),
    ("coercion alone is abusive (4: 'an element of coercion'), not an early help frequency concern",
     dict(age=12, indicators=["coercion"], another_child_harmed=False), "child-in-need", CIN, ["early-help-service"]),
    ("coercion towards another child who was harmed: child protection (4, 7)",
     dict(age=12, indicators=["coercion"], another_child_harmed=True), "child-protection",
     {**CP, "refer-victim-and-child": None}, []),
    ("several behaviours of different colours: the most serious decides (Appendix 1)",
     dict(age=11, behaviours=["9-13-need-privacy", "9-13-viewing-pornographic-material",
                              "9-13-exposing-genitals-masturbating-public"]), "child-in-need", CIN, []),
    ("green and red together, red done to another child: child protection",
     dict(age=15, behaviours=["13-17-solitary-masturbation", "13-17-sexual-harassment"]), "child-protection", CP, []),
    # -- section 6.1: another authority ---------------------------------------------------
    ("lives in another authority, child protection: urgent telephone referral to the home authority (6.1)",
     dict(age=14, behaviours=["13-17-non-consensual-sexual-activity"], lives_in_other_authority=True),
     "child-protection", {"urgent-child-protection-referral-home-authority": "urgently",
                          "child-protection-referral-in-writing-home-authority": "48 hours",
                          "other-authority-at-strategy-meeting": None}, ["urgent-child-protection-referral"]),
    ("lives in another authority, amber: 'the referral should be made to the home authority' (6.1)",
     dict(age=10, behaviours=["9-13-lgbt-targeted-bullying"], lives_in_other_authority=True, another_child_harmed=False),
     "child-in-need", {"home-authority-referral": None}, ["e-caf-referral"]),
    # -- section 6.2: police --------------------------------------------------------------
    ("police involved with a green behaviour: MERLIN and the RAG rating, never 'no referral' (6.2)",
     dict(age=15, behaviours=["13-17-use-internet-e-media"], police_involved=True), "early-help",
     {"police-merlin-notification": None, "rag-rating": None, "iys-screens-merlin": None}, []),
    ("police and younger siblings at risk: 'accepted by CSSW for a social work assessment' (6.2)",
     dict(age=14, behaviours=["13-17-joining-adult-only-social"], police_involved=True, siblings_at_risk=True),
     "child-in-need", {**CIN, "rag-rating": None}, []),
    # -- section 6.3 and 8.5: open cases and looked-after children -------------------------
    ("already open to CSSW, amber: the allocated social worker, not a new referral (6.3)",
     dict(age=12, behaviours=["9-13-giving-out-contact-details"], known_to_cssw=True), "child-in-need",
     {"open-case-social-worker": None}, ["e-caf-referral", "discuss-with-designated-safeguarding-lead"]),
    ("open to CSSW with an inappropriate single instance: no new early help route (6.3)",
     dict(age=10, indicators=["frequency"], known_to_cssw=True), "early-help",
     {"open-case-social-worker": None}, ["early-help-service", "e-caf-referral"]),
    ("looked after, red towards a foster sibling: notify immediately; CP procedures, strategy meeting (8.5)",
     dict(age=12, behaviours=["9-13-sexual-harassment"], looked_after=True, known_to_cssw=True),
     "child-protection", {"looked-after-notify": "immediately", "looked-after-child-protection": None,
                          "looked-after-placement-services": None, **CP}, ["e-caf-referral"]),
    ("looked after, green: nothing to report ('any incidents of harmful sexual behaviour', 8.5)",
     dict(age=12, behaviours=["9-13-need-privacy"], looked_after=True), "none", {}, ["looked-after-notify"]),
    # -- section 8.4: CSE -----------------------------------------------------------------
    ("signs of CSE with a green behaviour: the MASH at child protection level (8.4, 7)",
     dict(age=15, behaviours=["13-17-having-sexual-non-sexual"], sexual_exploitation=True), "child-protection",
     {**CP, "child-sexual-exploitation": None}, ["check-again-if-it-changes"]),
    ("'receipt of gifts or money in exchange for sex', CSE unanswered: taken as CSE (8.4)",
     dict(age=16, behaviours=["13-17-receipt-gifts-money-exchange"]), "child-protection",
     {"child-sexual-exploitation": None}, []),
    ("'involvement in sexual exploitation', CSE answered no: the CSE step still applies (8.4)",
     dict(age=16, behaviours=["13-17-involvement-sexual-exploitation-trafficking"], sexual_exploitation=False),
     "child-protection", {"child-sexual-exploitation-behaviour": None}, []),
    ("a 9-13 'uncharacteristic and risk-related behaviour' (going missing, older people), CSE not sure",
     dict(age=11, behaviours=["9-13-uncharacteristic-risk-related-behaviour"]), "child-in-need", CIN, []),
    # -- section 9.5: gangs ---------------------------------------------------------------
    ("gang affiliation with harmful sexual behaviour: the Bronze Group recommends a CSSW referral (9.5)",
     dict(age=15, behaviours=["13-17-accessing-exploitative-violent-pornography"], gang_involvement=True),
     "child-in-need", {"gangs-strategy-group": None, **CIN}, ["child-sexual-exploitation"]),
    ("a 9-year-old linked to a gang: the Bronze Group step is not limited by age",
     dict(age=9, behaviours=["5-9-use-adult-slang-language"], gang_involvement=True), "child-in-need",
     {"gangs-strategy-group": None}, []),
    # -- section 10: custody --------------------------------------------------------------
    ("release from custody: Resettlement Panel 3 months before, pre-release meeting 10 working days (10)",
     dict(age=17, behaviours=["13-17-sexually-aggressive-exploitative-behaviour"], release_from_custody=True,
          another_child_harmed=False, setting="youth-justice"),
     "child-in-need", {"custody-discuss-release-with-mash": None, "custody-resettlement-panel": "3 months before release",
                       "custody-pre-release-meeting": "10 working days before release",
                       "custody-assetplus-and-mappa": None, "youth-justice-high-risk-panel": None}, []),
    ("release from custody with a green current behaviour: never 'no referral needed' (10)",
     dict(age=16, behaviours=["13-17-choosing-not-sexually-active"], release_from_custody=True), "early-help",
     {"custody-resettlement-panel": "3 months before release"}, ["check-again-if-it-changes"]),
    # -- section 12: schools --------------------------------------------------------------
    ("a school, a 10-year-old touching other children in the playground, harm unanswered (12)",
     dict(age=10, behaviours=["9-13-verbal-physical-cyber-virtual"], setting="school"), "child-in-need",
     {"school-risk-assessment": None, "school-victim-needs": None, "refer-victim-and-child": None}, []),
    ("a nursery, 4-year-old persistently touching other children's genitals, other child unharmed",
     dict(age=4, behaviours=["0-5-persistently-touching-genitals-other"], another_child_harmed=False), "child-in-need",
     CIN, ["strategy-meeting"]),
]


@pytest.mark.parametrize("description,situation,threshold,steps,absent", SCENARIOS, ids=[s[0][:70] for s in SCENARIOS])
def test_scenario(description, situation, threshold, steps, absent):
    if threshold == "refused":
        with pytest.raises(da.InvalidSituation):
            da.assess(situation)
        return
    result = da.assess(situation)
    assert result.threshold == threshold, description
    given = {s.id: s.within for s in result.steps}
    for step_id, within in steps.items():
        assert step_id in given, f"{description}: missing {step_id}; got {list(given)}"
        assert given[step_id] == within, f"{description}: {step_id}"
    for step_id in absent:
        assert step_id not in given, f"{description}: {step_id} should not apply"
    assert all(s.sections for s in result.steps)


def test_at_least_thirty_new_scenarios():
    assert len(SCENARIOS) >= 30


def test_not_sure_states_the_higher_route():
    result = da.assess(SCENARIOS[12][1])
    assert result.possible_threshold == "child-protection"
    unsure = next(u for u in result.unsure if u.question == "child_may_be_abused")
    assert unsure.raises_threshold and "child protection" in unsure.note.lower()
    assert unsure.note in result.notes
