"""Realistic situations as a professional would describe them, and the route each gets.

Each row: the description, the situation, the threshold, and the steps that must be
there (step id -> (within, sections)). Step ids name what a safeguarding lead would
look for ("strategy-meeting", "e-caf-referral").
"""

from __future__ import annotations

import pytest

import decision_aid as da

CP_REFERRAL = {"urgent-child-protection-referral": ("urgently", ("6.1",)),
               "child-protection-referral-in-writing": ("48 hours", ("6.1",))}
CP_RESPONSE = {"strategy-meeting": ("3 days", ("8.3",)),
               "child-protection-assessment": ("35 days", ("8.3",)),
               "london-child-protection-procedures": (None, ("8.3",))}
CIN_RESPONSE = {"child-in-need-assessment": ("35 days", ("8.2",)),
                "professionals-planning-meeting": ("as soon as possible", ("8.2",)),
                "child-in-need-plan": ("every 6 months", ("8.2",))}
REFERRAL = {"discuss-with-designated-safeguarding-lead": (None, ("6.1",)),
            "e-caf-referral": (None, ("3", "6.1")),
            "contact-service-screens": (None, ("6.1",))}
BOTH = {"refer-victim-and-child": (None, ("6.1",))}

SCENARIOS = [
    ("a 7-year-old forced another child to take part in sexual activities at school; not known to social care",
     dict(age=7, behaviours=["5-9-forcing-other-children-take"], another_child_harmed=True, setting="school"),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE, **BOTH, "different-social-workers": (None, ("8.3",)),
                          "school-risk-assessment": (None, ("12",)), "school-victim-needs": (None, ("12",))}, ["early-help-service"]),
    ("a 4-year-old at nursery plays doctors and nurses with a friend",
     dict(age=4, behaviours=["0-5-games-mummies-daddies-doctors"], setting="other"),
     "none", {"respond-as-traffic-light-advises": (None, ("5", "Appendix 1")), "check-again-if-it-changes": (None, ("4", "7"))},
     ["e-caf-referral", "strategy-meeting"]),
    ("a 3-year-old holds their own genitals much more often than expected",
     dict(age=3, behaviours=["0-5-holding-playing-genitals"], indicators=["frequency"]),
     "early-help", {**REFERRAL, "early-help-service": (None, ("8.1",))}, ["child-in-need-assessment"]),
    ("a 4-year-old keeps following other children into the toilets to look at them",
     dict(age=4, behaviours=["0-5-following-others-into-toilets"]),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE}, ["strategy-meeting"]),
    ("a 6-year-old's drawings and play are persistently sexual; teacher reporting",
     dict(age=6, behaviours=["5-9-persistent-sexual-images-ideas"], setting="school"),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE, "school-risk-assessment": (None, ("12",)),
                       "school-information-sharing": (None, ("13",))}, ["urgent-child-protection-referral"]),
    ("a 12-year-old was arrested for distributing naked images of a classmate, who was distressed",
     dict(age=12, behaviours=["9-13-distributing-naked-sexually-provocative"], another_child_harmed=True,
          police_involved=True, setting="school"),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE, **BOTH, "police-merlin-notification": (None, ("6.2", "13")),
                          "rag-rating": (None, ("6.2",)), "iys-screens-merlin": (None, ("9.1", "9.2"))}, []),
    ("a 15-year-old in foster care sexually harassed another young person in the placement",
     dict(age=15, behaviours=["13-17-sexual-harassment"], another_child_harmed=True, looked_after=True, known_to_cssw=True),
     "child-protection", {**CP_RESPONSE, "open-case-social-worker": (None, ("6.3",)),
                          "looked-after-notify": ("immediately", ("6.3", "8.5")),
                          "looked-after-placement-services": (None, ("6.3", "8.5")),
                          "looked-after-child-protection": (None, ("8.5",)), **CP_REFERRAL},
     ["e-caf-referral", "early-help-service"]),
    ("a 14-year-old receives gifts and money in exchange for sex",
     dict(age=14, behaviours=["13-17-receipt-gifts-money-exchange"]),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE, "child-sexual-exploitation": (None, ("8.4",))},
     ["child-sexual-exploitation-behaviour"]),
    ("a 16-year-old in a gang shows sexually aggressive behaviour; no other child was harmed, no sign of CSE",
     dict(age=16, behaviours=["13-17-sexually-aggressive-exploitative-behaviour"], gang_involvement=True,
          another_child_harmed=False, sexual_exploitation=False),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE, "gangs-strategy-group": (None, ("9.5",))},
     ["strategy-meeting", "child-sexual-exploitation"]),
    ("an 11-year-old has an STI",
     dict(age=11, behaviours=["9-13-presence-stis"]),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE}, []),
    ("a 12-year-old is pregnant; school nurse reporting",
     dict(age=12, behaviours=["9-13-evidence-pregnancy"], setting="health"),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE}, ["school-risk-assessment"]),
    ("a 10-year-old is sexually active (oral sex)",
     dict(age=10, behaviours=["9-13-sexual-activity-oral-sex"]),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE}, []),
    ("a 16-year-old in a consensual relationship with a peer of similar age",
     dict(age=16, behaviours=["13-17-consenting-oral-penetrative-sex"]),
     "none", {"respond-as-traffic-light-advises": (None, ("5", "Appendix 1"))}, ["e-caf-referral"]),
    ("a 15-year-old sends naked selfies to a boyfriend",
     dict(age=15, behaviours=["13-17-taking-sending-naked-sexually"]),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE}, ["strategy-meeting"]),
    ("a 15-year-old sends naked selfies; there is evidence she is being abused at home",
     dict(age=15, behaviours=["13-17-taking-sending-naked-sexually"], child_may_be_abused=True),
     "child-protection", {**CP_REFERRAL, **CP_RESPONSE, "separate-strategy-meeting": (None, ("8.3",))}, []),
    ("a 13-year-old exposes himself in public; lives in Islington",
     dict(age=13, behaviours=["13-17-exposing-genitals-masturbating-public"], lives_in_other_authority=True),
     "child-in-need", {"home-authority-referral": (None, ("6.1",)), **CIN_RESPONSE},
     ["e-caf-referral", "urgent-child-protection-referral"]),
    ("a 13-year-old from another borough forced a younger child to expose themselves",
     dict(age=13, behaviours=["13-17-attempting-forcing-others-expose"], another_child_harmed=True,
          lives_in_other_authority=True),
     "child-protection", {"urgent-child-protection-referral-home-authority": ("urgently", ("6.1",)),
                          "child-protection-referral-in-writing-home-authority": ("48 hours", ("6.1",)), **CP_RESPONSE,
                          "other-authority-at-strategy-meeting": (None, ("8.3",))},
     ["urgent-child-protection-referral", "home-authority-referral"]),
    ("a 9-year-old talks about sex using adult slang",
     dict(age=9, behaviours=["5-9-use-adult-slang-language"]),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE}, []),
    ("an 8-year-old already has a social worker; masturbates in front of others",
     dict(age=8, behaviours=["5-9-frequent-masturbation-front-others"], known_to_cssw=True),
     "child-in-need", {"open-case-social-worker": (None, ("6.3",)), **CIN_RESPONSE}, ["e-caf-referral"]),
    ("a 5-year-old simulates sexual activity in play",
     dict(age=5, behaviours=["0-5-simulation-sexual-activity-play"]),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE}, []),
    ("a 5-year-old pulled another child's trousers down against their will; the other child was upset",
     dict(age=5, behaviours=["0-5-pulling-other-childrens-pants"], another_child_harmed=True, indicators=["coercion"]),
     "child-protection", {**CP_REFERRAL, **BOTH, **CP_RESPONSE}, []),
    ("a 14-year-old with a 9-year-old: sexual contact, big difference in age",
     dict(age=14, behaviours=["13-17-sexual-contact-others-where"], another_child_harmed=True, indicators=["divergent-ages"]),
     "child-protection", {**CP_REFERRAL, **BOTH, **CP_RESPONSE, "different-social-workers": (None, ("8.3",))}, []),
    ("a 12-year-old views pornography; younger siblings at home are a worry",
     dict(age=12, behaviours=["9-13-viewing-pornographic-material"], siblings_at_risk=True),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE}, []),
    ("a 10-year-old with no listed behaviour but secretive sexual play that recurs after carers stepped in",
     dict(age=10, indicators=["secrecy-after-intervention"]),
     "early-help", {**REFERRAL, "early-help-service": (None, ("8.1",))}, ["respond-as-traffic-light-advises"]),
    ("a 17-year-old arrested for non-consensual sexual activity with a peer; youth justice worker reporting",
     dict(age=17, behaviours=["13-17-non-consensual-sexual-activity"], another_child_harmed=True, police_involved=True,
          setting="youth-justice"),
     "child-protection", {**CP_RESPONSE, "iys-screens-merlin": (None, ("9.1", "9.2")),
                          "youth-justice-high-risk-panel": (None, ("9.4", "9.6"))}, []),
    ("a 9-year-old (police involved) is too young for IYS",
     dict(age=9, behaviours=["9-13-sexual-harassment"], police_involved=True, another_child_harmed=False),
     "child-in-need", {"police-merlin-notification": (None, ("6.2", "13"))}, ["iys-screens-merlin"]),
    ("a 14-year-old worries about being pregnant; developmentally more like 11",
     dict(age=14, behaviours=["9-13-worrying-being-pregnant-having"], developmental_band="9-13"),
     "child-in-need", {**CIN_RESPONSE}, []),
    ("a 13-year-old with learning disabilities, developmentally 5-9, touches own genitals in class",
     dict(age=13, behaviours=["5-9-feeling-touching-genitals"], developmental_band="5-9", setting="school"),
     "none", {"check-again-if-it-changes": (None, ("4", "7"))}, ["school-risk-assessment"]),
    ("a 15-year-old with sexual contact with animals",
     dict(age=15, behaviours=["13-17-sexual-contact-animals"]),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE, "camhs-consultation": (None, ("11.1", "11.2", "11.3"))}, []),
    ("a 16-year-old involved in sexual exploitation and trafficking",
     dict(age=16, behaviours=["13-17-involvement-sexual-exploitation-trafficking"], sexual_exploitation=True),
     "child-protection", {**CP_RESPONSE, "child-sexual-exploitation": (None, ("8.4",))}, ["child-sexual-exploitation-behaviour"]),
    ("a 14-year-old in Housing Pathways accommodation arranges to meet an online contact alone",
     dict(age=14, behaviours=["13-17-arranging-face-face-meeting"], looked_after=True),
     "child-in-need", {"looked-after-notify": ("immediately", ("6.3", "8.5")), **CIN_RESPONSE},
     ["e-caf-referral", "contact-service-screens"]),
    ("an 11-year-old's sexual bullying of another pupil was coercive",
     dict(age=11, behaviours=["9-13-verbal-physical-cyber-virtual"], indicators=["coercion"], another_child_harmed=True,
          setting="school"),
     "child-protection", {**CP_REFERRAL, **BOTH, "school-victim-needs": (None, ("12",))}, []),
    ("a 6-year-old's mutual masturbation with a peer, no harm to the other child",
     dict(age=6, behaviours=["5-9-engaging-mutual-masturbation"]),
     "child-in-need", {**REFERRAL, **CIN_RESPONSE, "work-with-parents": (None, ("15-working-with-parents",))}, []),
]


@pytest.mark.parametrize("description,situation,threshold,steps,absent", SCENARIOS, ids=[s[0][:60] for s in SCENARIOS])
def test_scenario(description, situation, threshold, steps, absent):
    result = da.assess(situation)
    assert result.threshold == threshold, description
    given = {s.id: (s.within, s.sections) for s in result.steps}
    for step_id, (within, sections) in steps.items():
        assert step_id in given, f"{description}: missing step {step_id}; got {list(given)}"
        assert given[step_id] == (within, sections), f"{description}: {step_id}"
    for step_id in absent:
        assert step_id not in given, f"{description}: step {step_id} should not apply"
    if result.to_dict()["answers"]["another_child_harmed"]:
        assert len(result.referral_must_include) == 5
    else:
        assert result.referral_must_include == ()


def test_at_least_thirty_scenarios():
    assert len(SCENARIOS) >= 30


def test_steps_follow_the_protocol_order():
    result = da.assess(SCENARIOS[0][1])
    order = [s.id for s in da.protocol().steps]
    ids = [s.id for s in result.steps]
    assert ids == sorted(ids, key=order.index)
    assert ids[0] == "respond-as-traffic-light-advises"


def test_camhs_step_carries_its_contact_details():
    result = da.assess({"age": 15, "behaviours": ["13-17-sexual-contact-animals"]})
    camhs = next(s for s in result.steps if s.id == "camhs-consultation")
    assert camhs.contact.telephone == "020 7974 3370" and camhs.contact.email == "LACAMHS@camden.gov.uk"
