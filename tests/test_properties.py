"""Properties that must hold for any situation (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

import decision_aid as da
from decision_aid.model import SITUATION_FLAGS
from decision_aid.rules import readable_behaviours

P = da.protocol()
ORDER = [t.id for t in P.thresholds]
CATEGORIES = [c.id for c in P.categories]

ANSWERS = st.sampled_from([True, False, None])   # yes, no, not sure


def readable(age: int, band: str | None) -> list[str]:
    """The behaviours the form offers for this child (section 5: their own band or bands)."""
    return [b.id for b in readable_behaviours(P, (band,) if band else tuple(da.bands_for_age(age)))]


@st.composite
def situations(draw):
    age = draw(st.integers(0, 17))
    band = draw(st.none() | st.sampled_from([b.id for b in P.bands if b.min_age <= age]))
    situation = {
        "age": age,
        "developmental_band": band,
        "behaviours": draw(st.lists(st.sampled_from(readable(age, band)), max_size=4, unique=True)),
        "indicators": draw(st.lists(st.sampled_from([i.id for i in P.indicators]), max_size=3, unique=True)),
        "setting": draw(st.sampled_from([s.id for s in P.settings])),
        **{flag: draw(ANSWERS) for flag in SITUATION_FLAGS},
    }
    if not situation["behaviours"] and not situation["indicators"]:
        situation["indicators"] = ["frequency"]
    return situation


def extra_behaviour(situation, draw_from):
    return draw_from(st.sampled_from(readable(situation["age"], situation["developmental_band"])))


@settings(max_examples=300, deadline=None)
@given(situations(), st.data())
def test_adding_a_behaviour_never_lowers_the_threshold(situation, data):
    extra = extra_behaviour(situation, data.draw)
    before = da.assess(situation)
    after = da.assess({**situation, "behaviours": list(dict.fromkeys([*situation["behaviours"], extra]))})
    assert ORDER.index(after.threshold) >= ORDER.index(before.threshold)
    assert CATEGORIES.index(after.category) >= CATEGORIES.index(before.category)


@settings(max_examples=300, deadline=None)
@given(situations(), st.sampled_from([i.id for i in P.indicators]))
def test_adding_an_indicator_never_lowers_the_threshold(situation, extra):
    before = da.assess(situation)
    after = da.assess({**situation, "indicators": list(dict.fromkeys([*situation["indicators"], extra]))})
    assert ORDER.index(after.threshold) >= ORDER.index(before.threshold)


@settings(max_examples=200, deadline=None)
@given(situations(), st.sampled_from(SITUATION_FLAGS))
def test_yes_never_lowers_and_not_sure_is_never_below_no(situation, flag):
    no, unsure, yes = (da.assess({**situation, flag: v}) for v in (False, None, True))
    assert ORDER.index(yes.threshold) >= ORDER.index(unsure.threshold) >= ORDER.index(no.threshold)
    assert CATEGORIES.index(yes.category) >= CATEGORIES.index(unsure.category) >= CATEGORIES.index(no.category)
    assert ORDER.index(unsure.possible_threshold) >= ORDER.index(yes.threshold)


@settings(max_examples=200, deadline=None)
@given(situations())
def test_to_dict_round_trips_through_json(situation):
    d = da.assess(situation).to_dict()
    assert json.loads(json.dumps(d)) == d


@settings(max_examples=200, deadline=None)
@given(situations(), st.randoms(use_true_random=False))
def test_output_does_not_depend_on_the_order_of_inputs(situation, rnd):
    shuffled = dict(situation)
    shuffled["behaviours"] = rnd.sample(situation["behaviours"], len(situation["behaviours"]))
    shuffled["indicators"] = rnd.sample(situation["indicators"], len(situation["indicators"]))
    assert da.assess(shuffled).to_dict() == da.assess(situation).to_dict()


@settings(max_examples=200, deadline=None)
@given(situations())
def test_every_step_cites_a_section_and_every_result_has_steps(situation):
    result = da.assess(situation)
    assert result.steps and all(s.sections for s in result.steps)
    for s in result.steps:
        for ref in s.sections:
            P.section(ref)


@settings(max_examples=100, deadline=None)
@given(situations())
def test_relevant_questions_are_exactly_those_whose_answer_changes_the_route(situation):
    relevant = da.relevant_questions(situation)

    def route(**answer):
        r = da.assess({**situation, **answer})
        return r.category, r.threshold, [x.id for x in r.steps]
    for q in P.questions:
        changes = len({repr(route(**{q.id: v})) for v in (True, False, None)}) > 1
        assert changes == (q.id in relevant["questions"]), q.id
