"""Which rules, steps, timescales and questions some situation can reach.

A step no situation reaches is guidance staff can never be given: after an edit to
``data/`` the review, the diff and the release report it. The search is constructive:
for each entry it builds situations that meet its conditions (ages, a behaviour of the
colour or flag it needs, its answers and setting) and, to reach a threshold, adds one
more concern at a time; so it is fast, and it only ever reports what really is
unreachable (every candidate is checked by ``assess`` itself).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product
from typing import Iterator, Optional

from . import model as m
from .rules import assess, bands_for_age, readable_behaviours
from .situation import InvalidSituation, Situation


def _ages(p: m.Protocol, c: m.Condition) -> list[int]:
    ages = range(min(b.min_age for b in p.bands), max(b.max_age for b in p.bands) + 1)
    return [a for a in ages if (c.min_age is None or a >= c.min_age) and (c.max_age is None or a <= c.max_age)]


def _behaviour_choices(p: m.Protocol, c: m.Condition, age: int) -> list[tuple[str, ...]]:
    """A few behaviour lists that meet the condition: one per colour, or every flagged one."""
    readable = readable_behaviours(p, bands_for_age(p, age))
    if c.behaviour_flag is not None:
        return [(b.id,) for b in readable if c.behaviour_flag in b.flags]
    picks: dict[str, str] = {}
    for b in readable:
        if not b.flags:
            picks.setdefault(b.colour, b.id)
    for b in readable:                      # a colour only flagged items have
        picks.setdefault(b.colour, b.id)
    if c.colour is not None:
        return [(picks[c.colour],)] if c.colour in picks else []
    return [(x,) for x in picks.values()] + [()]


def _indicator_choices(p: m.Protocol, c: m.Condition) -> list[tuple[str, ...]]:
    if c.indicator:
        return [(i,) for i in c.indicator]
    if c.any_indicator is False:
        return [()]
    if c.any_indicator:
        return [(i.id,) for i in p.indicators]
    return [()] + [(i.id,) for i in p.indicators]


def candidates(p: m.Protocol, c: m.Condition) -> Iterator[Situation]:
    """Situations meeting ``c``'s own conditions, with every other answer no, not sure or one more yes."""
    fixed = dict(c.situation)
    free = [q for q in m.SITUATION_FLAGS if q not in fixed]
    extras: list[dict[str, Optional[bool]]] = [{}, {q: False for q in free}] + [{q: True} for q in free]
    settings = list(c.setting) if c.setting else [s.id for s in p.settings]
    for age in _ages(p, c):
        for behaviours, indicators, extra, setting in product(
                _behaviour_choices(p, c, age), _indicator_choices(p, c), extras, settings):
            if behaviours or indicators:
                yield Situation(age=age, behaviours=behaviours, indicators=indicators, setting=setting,
                                **{**extra, **fixed})


def _reaches(p: m.Protocol, c: m.Condition, hit) -> bool:
    for s in candidates(p, c):
        try:
            if hit(assess(p, s)):
                return True
        except InvalidSituation:
            continue
    return False


@lru_cache(maxsize=8)
def unreachable(p: m.Protocol) -> dict[str, list[str]]:
    """Ids no situation reaches, by kind: "rules", "steps", "timescales", "questions"."""
    rules = [r.id for r in p.rules if not _reaches(p, r.when, lambda a, r=r: any(x.rule == r.id for x in a.reasons))]
    steps = [s.id for s in p.steps if not _reaches(p, s.when, lambda a, s=s: any(x.id == s.id for x in a.steps))]
    used = {s.timescale for s in p.steps if s.timescale and s.id not in steps}
    timescales = [t.id for t in p.timescales if t.id not in used and _is_routing(p, t)]
    questions = [q.id for q in p.questions if not _question_matters(p, q.id)]
    return {"rules": rules, "steps": steps, "timescales": timescales, "questions": questions}


def _is_routing(p: m.Protocol, t: m.Timescale) -> bool:
    """Timescales of the protocol's own running (its yearly review) are not given to staff as steps."""
    return not any(p.section(x).number == "16" for x in t.sections)


def _question_matters(p: m.Protocol, question: str) -> bool:
    """Whether yes and no lead to different routes in some situation."""
    for s in candidates(p, m.Condition()):
        if getattr(s, question) is not None:
            continue
        try:
            yes = assess(p, Situation(**{**s.__dict__, question: True}))
            no = assess(p, Situation(**{**s.__dict__, question: False}))
        except InvalidSituation:
            continue
        if (yes.threshold, yes.category, [x.id for x in yes.steps]) != (no.threshold, no.category, [x.id for x in no.steps]):
            return True
    return False
