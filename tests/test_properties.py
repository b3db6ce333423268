"""Properties that must hold for any situation (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st

import decision_aid as da
from decision_aid.model import SITUATION_FLAGS

P = da.protocol()
ORDER = [t.id for t in P.thresholds]
CATEGORIES = [c.id for c in P.categories]

situations = st.fixed_dictionaries(
    {"age": st.integers(0, 17),
     "behaviours": st.lists(st.sampled_from([b.id for b in P.behaviours]), max_size=4, unique=True),
     "indicators": st.lists(st.sampled_from([i.id for i in P.indicators]), max_size=3, unique=True),
     "developmental_band": st.none() | st.sampled_from([b.id for b in P.bands]),
     "setting": st.sampled_from([s.id for s in P.settings]),
     **{flag: st.booleans() for flag in SITUATION_FLAGS}},
).filter(lambda s: s["behaviours"] or s["indicators"])


@settings(max_examples=300, deadline=None)
@given(situations, st.sampled_from([b.id for b in P.behaviours]))
def test_adding_a_behaviour_never_lowers_the_threshold(situation, extra):
    before = da.assess(situation)
    after = da.assess({**situation, "behaviours": list(dict.fromkeys([*situation["behaviours"], extra]))})
    assert ORDER.index(after.threshold) >= ORDER.index(before.threshold)
    assert CATEGORIES.index(after.category) >= CATEGORIES.index(before.category)


@settings(max_examples=300, deadline=None)
@given(situations, st.sampled_from([i.id for i in P.indicators]))
def test_adding_an_indicator_never_lowers_the_threshold(situation, extra):
    before = da.assess(situation)
    after = da.assess({**situation, "indicators": list(dict.fromkeys([*situation["indicators"], extra]))})
    assert ORDER.index(after.threshold) >= ORDER.index(before.threshold)


@settings(max_examples=200, deadline=None)
@given(situations, st.sampled_from(SITUATION_FLAGS))
def test_raising_a_concern_never_lowers_the_threshold(situation, flag):
    if flag in ("known_to_cssw", "looked_after", "lives_in_other_authority"):
        return  # these change who acts, not how serious it is
    before = da.assess({**situation, flag: False})
    after = da.assess({**situation, flag: True})
    assert ORDER.index(after.threshold) >= ORDER.index(before.threshold)


@settings(max_examples=200, deadline=None)
@given(situations)
def test_to_dict_round_trips_through_json(situation):
    d = da.assess(situation).to_dict()
    assert json.loads(json.dumps(d)) == d


@settings(max_examples=200, deadline=None)
@given(situations, st.randoms(use_true_random=False))
def test_output_does_not_depend_on_the_order_of_inputs(situation, rnd):
    shuffled = dict(situation)
    shuffled["behaviours"] = rnd.sample(situation["behaviours"], len(situation["behaviours"]))
    shuffled["indicators"] = rnd.sample(situation["indicators"], len(situation["indicators"]))
    assert da.assess(shuffled).to_dict() == da.assess(situation).to_dict()


@settings(max_examples=200, deadline=None)
@given(situations)
def test_every_step_cites_a_section_and_every_result_has_steps(situation):
    result = da.assess(situation)
    assert result.steps and all(s.sections for s in result.steps)
    for s in result.steps:
        for ref in s.sections:
            P.section(ref)


@settings(max_examples=100, deadline=None)
@given(situations)
def test_relevant_questions_are_exactly_those_that_change_the_answer(situation):
    relevant = da.relevant_questions(situation)
    for q in P.questions:
        flipped = da.assess({**situation, q.id: not situation[q.id]}).to_dict()
        assert (flipped != da.assess(situation).to_dict()) == (q.id in relevant["questions"])
