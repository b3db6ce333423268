"""Applying the protocol's rules (all held in data/) to one situation.

The flow mirrors how a safeguarding lead reasons:

1. read each behaviour in the child's own age band(s) (Appendix 1; section 5: behaviour is
   judged against what is expected for the child's age and stage of development). Items
   of overlapping bands that describe the same facts are linked in data, and the more
   serious colour applies whichever wording was ticked;
2. settle the answers: "not sure" stays unknown, except where a behaviour's own words
   give the answer (a behaviour done to another child), which is taken as yes unless
   the professional said no;
3. apply every classification rule that holds and keep the most serious category and
   threshold (sections 4 and 7), then list every step whose conditions hold, in the
   protocol's order (sections 6 to 15);
4. for each question still unknown, work out what "yes" would change, so an unsure
   answer is never silently read as "no".

A condition wanting "true" holds only on yes; one wanting "false" holds on no *or* not
sure. So an unknown answer never removes a route that "no" would give: "not sure" is
at least as protective as "no", and what "yes" would add is stated beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Optional

from . import model as m
from .assessment import AssessedBehaviour, Assessment, Consent, Contact, Reason, Step, TakenAsYes, Unsure
from .situation import InvalidSituation, Situation, check


def bands_for_age(protocol: m.Protocol, age: int) -> tuple[str, ...]:
    """Every band covering ``age``: two at a boundary, because the bands overlap on purpose."""
    return tuple(b.id for b in protocol.bands if b.covers(age))


def child_bands(protocol: m.Protocol, situation: Situation) -> tuple[str, ...]:
    """The bands a behaviour is read in: the child's age band(s), and a younger band the
    professional says their development is like (section 5: "age and stage of development").

    Both, never the younger band alone: a 15-year-old developing like a 9-year-old can
    still be recorded as sexually exploited (an item only the 13 to 17 band lists), and
    where the same facts are listed in both bands the more serious colour is used. So
    saying the child's development is younger never lowers their route (hazard H14)."""
    ages = bands_for_age(protocol, situation.age)
    chosen = set(ages) | ({situation.developmental_band} if situation.developmental_band else set())
    return tuple(b.id for b in protocol.bands if b.id in chosen)


def readable_behaviours(protocol: m.Protocol, bands: tuple[str, ...]) -> list[m.Behaviour]:
    """The behaviours a professional may choose for a child in ``bands``: what the form lists."""
    return [b for b in protocol.behaviours if b.band in bands]


def same_facts(protocol: m.Protocol, behaviour: m.Behaviour) -> tuple[m.Behaviour, ...]:
    """The behaviour and every item of another band linked to it as describing the same facts."""
    for group in protocol.same_facts:
        if behaviour.id in group.behaviours:
            return tuple(protocol.behaviour(i) for i in group.behaviours)
    return (behaviour,)


@dataclass(frozen=True)
class _Read:
    """One chosen behaviour as read for this child."""

    assessed: AssessedBehaviour
    flags: frozenset[str]
    note: Optional[str]


def _read(p: m.Protocol, chosen: m.Behaviour, bands: tuple[str, ...], age: int) -> _Read:
    severity = {c.id: n for n, c in enumerate(p.colours)}
    candidates = [b for b in same_facts(p, chosen) if b.band in bands]
    if not candidates:
        raise InvalidSituation(p.notes.other_band.format(
            behaviour=chosen.text, band=p.band(chosen.band).label,
            bands=" and ".join(p.band(b).label for b in bands) if bands else f"age {age}"))
    used = max(candidates, key=lambda b: (severity[b.colour], b.id == chosen.id))
    note = None
    if len(candidates) > 1:
        link = next(g for g in p.same_facts if chosen.id in g.behaviours)   # the board's, with its reason
        note = p.notes.listed_in_both.format(behaviour=chosen.text, band=p.band(used.band).label,
                                             colour=p.colour(used.colour).label, reason=link.reason)
    # A flag describes the facts, whatever the band: keep the flags of every wording read.
    flags = frozenset(f for b in (chosen, *candidates) for f in b.flags)
    return _Read(AssessedBehaviour(id=chosen.id, text=chosen.text, band=used.band, colour=used.colour,
                                   colour_label=p.colour(used.colour).label, listed_band=chosen.band),
                 flags, note)


@dataclass(frozen=True)
class _Chosen:
    """The behaviours chosen, as read for this child: what assess() and relevant_questions()
    both route from, worked out once."""

    reads: tuple[_Read, ...]
    colours: frozenset[str]
    colour: Optional[str]       # the most serious
    flags: frozenset[str]


def _chosen(p: m.Protocol, s: Situation, bands: tuple[str, ...]) -> _Chosen:
    reads = tuple(_read(p, b, bands, s.age) for b in p.behaviours if b.id in s.behaviours)
    colours = frozenset(r.assessed.colour for r in reads)
    colour = _most_serious([c.id for c in p.colours], list(colours)) if colours else None
    return _Chosen(reads, colours, colour, frozenset(f for r in reads for f in r.flags))


@dataclass(frozen=True)
class _Facts:
    """What conditions are tested against, worked out once per situation."""

    situation: Situation
    answers: dict[str, Optional[bool]]
    colours: frozenset[str]
    behaviour_flags: frozenset[str]
    threshold: Optional[str] = None


def _holds(c: m.Condition, f: _Facts) -> bool:
    """Every condition of ``c`` holds (checked in turn, cheapest first: this runs for every rule and step)."""
    s = f.situation
    if c.threshold is not None and f.threshold not in c.threshold:
        return False
    # yes only on yes; "no" on no or not sure (see the module's docstring).
    for name, wanted in c.situation:
        if (f.answers[name] is True) != wanted:
            return False
    return ((c.colour is None or c.colour in f.colours)
            and (c.any_indicator is None or c.any_indicator == bool(s.indicators))
            and (c.indicator is None or any(i in s.indicators for i in c.indicator))
            and (c.behaviour_flag is None or c.behaviour_flag in f.behaviour_flags)
            # Where the user works, if said; if not said, a setting's steps are kept (never dropped).
            and (c.setting is None or s.setting is None or s.setting in c.setting)
            and (c.min_age is None or s.age >= c.min_age)
            and (c.max_age is None or s.age <= c.max_age))


def _most_serious(order: list[str], ids: list[str]) -> str:
    return max(ids, key=order.index)


def _step(p: m.Protocol, rule: m.StepRule, colour: Optional[str], setting: Optional[str]) -> Step:
    action = rule.action
    if rule.brook_response and colour is not None:
        action = " ".join(x for x in (p.colour(colour).response, rule.action) if x)
    service = p.service(rule.contact) if rule.contact else None
    return Step(
        id=rule.id, who=rule.who, action=action,
        within=p.timescale(rule.timescale).within if rule.timescale else None,
        sections=rule.sections,
        contact=Contact(service.name, service.telephone, service.email) if service else None,
        source=rule.provenance.source, interpretation=rule.provenance.reason,
        yours="any" in rule.user or (setting is not None and setting in rule.user),
        user=rule.user, headline=rule.headline,
    )


@dataclass(frozen=True)
class _Route:
    """The outcome for one set of answers: what assess() reports, before the "not sure" analysis."""

    category: str
    threshold: str
    applied: tuple[m.Rule, ...]
    steps: tuple[m.StepRule, ...]   # made into Steps only for what is shown (this runs often)


def _route(p: m.Protocol, s: Situation, answers: dict[str, Optional[bool]], chosen: _Chosen) -> _Route:
    facts = _Facts(s, answers, chosen.colours, chosen.flags)
    applied = tuple(r for r in p.rules if _holds(r.when, facts))
    category_order = [c.id for c in p.categories]
    threshold_order = [t.id for t in p.thresholds]
    category = _most_serious(category_order, [r.category for r in applied if r.category] or
                             [next(c.id for c in p.categories if c.assignable)])
    threshold = _most_serious(threshold_order, [r.threshold for r in applied if r.threshold] or [threshold_order[0]])
    facts = replace(facts, threshold=threshold)
    steps = tuple(rule for rule in p.steps if _holds(rule.when, facts) and not (rule.brook_response and chosen.colour is None))
    return _Route(category, threshold, applied, steps)


def _answers(p: m.Protocol, s: Situation, reads: tuple[_Read, ...]) -> tuple[dict[str, Optional[bool]], list[TakenAsYes]]:
    """The answers as given, with "not sure" turned to yes where the own words of a behaviour
    (or of an indicator) chosen say so."""
    answers: dict[str, Optional[bool]] = {q: getattr(s, q) for q in m.SITUATION_FLAGS}
    taken = []
    marked = [(r.assessed.id, r.assessed.text, r.flags) for r in reads]
    marked += [(i.id, i.text, i.flags) for i in p.indicators if i.id in s.indicators]
    for source, text, flags in marked:
        for flag in sorted(flags):
            question = p.flag(flag).implies
            if question and answers[question] is None:
                answers[question] = True
                taken.append(TakenAsYes(question=question, behaviour=source, flag=flag,
                                        note=p.notes.taken_as_yes.format(question=p.question(question).question,
                                                                         behaviour=text)))
    return answers, taken


def _threshold_label(p: m.Protocol, threshold: str) -> str:
    return next(t.label for t in p.thresholds if t.id == threshold)


def _unsure(p: m.Protocol, answers: dict[str, Optional[bool]], base: _Route, colour: Optional[str], setting: Optional[str],
            route: Callable[[dict[str, Optional[bool]]], _Route]) -> list[Unsure]:
    """For each unknown answer, what "yes" would change (never silently "no")."""
    order = [t.id for t in p.thresholds]
    out = []
    for q in p.questions:
        if answers[q.id] is not None:
            continue
        if_yes = route({**answers, q.id: True})
        if if_yes.threshold == base.threshold and if_yes.steps == base.steps:
            continue
        raises = order.index(if_yes.threshold) > order.index(base.threshold)
        threshold = next(t for t in p.thresholds if t.id == if_yes.threshold)
        note = (p.notes.if_yes if raises else p.notes.if_yes_same).format(
            unsure=q.unsure, threshold=threshold.label, service=threshold.service)
        added = tuple(_step(p, x, colour, setting) for x in if_yes.steps if x not in base.steps)
        out.append(Unsure(question=q.id, text=q.question, threshold=if_yes.threshold, threshold_label=threshold.label,
                          raises_threshold=raises, steps_if_yes=added, note=note))
    return out


def assess(p: m.Protocol, situation: Situation) -> Assessment:
    s = check(situation, p)
    notes: list[str] = []
    bands, own = child_bands(p, s), bands_for_age(p, s.age)
    labels = lambda ids: " and ".join(p.band(b).label for b in ids)  # noqa: E731
    if s.developmental_band is not None and s.developmental_band not in own:
        notes.append(p.notes.developmental_band.format(band=p.band(s.developmental_band).label, age=s.age,
                                                       bands=labels(own)))
    elif len(bands) > 1:
        notes.append(p.notes.boundary_age.format(age=s.age, bands=labels(bands)))

    chosen = _chosen(p, s, bands)
    reads, colour = chosen.reads, chosen.colour
    notes += [r.note for r in reads if r.note]
    answers, taken = _answers(p, s, reads)

    def route(given: dict[str, Optional[bool]]) -> _Route:
        return _route(p, s, given, chosen)

    base = route(answers)
    unsure = _unsure(p, answers, base, colour, s.setting, route)
    # Every unknown answer yes at once: the most serious route these facts could lead to.
    possible = route({q: True if a is None else a for q, a in answers.items()}).threshold

    # A rule's note explains the outcome only where that rule decided it, so no note
    # can contradict the threshold shown.
    deciding = [r for r in base.applied
                if r.threshold == base.threshold or (r.threshold is None and r.category == base.category)]
    notes += [t.note for t in taken]
    notes += [r.note for r in deciding if r.note]
    notes += [u.note for u in unsure if u.raises_threshold]  # the others are listed under unsure
    if reads:
        notes.append(p.notes.overlap_guidance)
    consent_rule = next(c for c in p.consent if c.min_age <= s.age <= c.max_age)
    order = [t.id for t in p.thresholds]
    start = p.consent_always.from_threshold
    shares = start is None or order.index(base.threshold) >= order.index(start)

    return Assessment(
        colour=colour,
        colour_label=p.colour(colour).label if colour else None,
        category=base.category,
        category_label=next(c.label for c in p.categories if c.id == base.category),
        threshold=base.threshold,
        threshold_label=_threshold_label(p, base.threshold),
        possible_threshold=possible,
        possible_threshold_label=_threshold_label(p, possible),
        bands=bands,
        behaviours=tuple(r.assessed for r in reads),
        answers=tuple((q, answers[q]) for q in m.SITUATION_FLAGS),
        taken_as_yes=tuple(taken),
        unsure=tuple(unsure),
        steps=tuple(_step(p, x, colour, s.setting) for x in base.steps),
        referral_must_include=p.referral.must_include if answers["another_child_harmed"] else (),
        consent=Consent(text=consent_rule.text, always=p.consent_always.text,
                        sections=p.consent_always.sections, note=consent_rule.note) if shares else None,
        notes=tuple(dict.fromkeys(notes)),
        reasons=tuple(Reason(r.id, r.category, r.threshold, r.sections, r.provenance.source, r.provenance.reason)
                      for r in deciding),
        protocol_version=p.document.current.number,
    )


def _outcome(p: m.Protocol, s: Situation, chosen: _Chosen) -> tuple:
    """The route alone (category, threshold, step ids), without the "not sure" analysis."""
    answers, _ = _answers(p, s, chosen.reads)
    r = _route(p, s, answers, chosen)
    return r.category, r.threshold, tuple(x.id for x in r.steps)


def relevant_questions(p: m.Protocol, situation: Situation) -> dict[str, list[str]]:
    """The questions and indicators whose answer could change the route (category, threshold, steps).

    A question counts if yes, no and "not sure" do not all lead to the same route; the
    checker asks those (and shows the rest as not affecting this result).
    """
    s = check(situation, p)
    chosen = _chosen(p, s, child_bands(p, s))
    questions = [q.id for q in p.questions
                 if len({_outcome(p, replace(s, **{q.id: v}), chosen) for v in (True, False, None)}) > 1]
    base = _outcome(p, s, chosen)
    changing = []
    for i in p.indicators:
        toggled = tuple(x for x in s.indicators if x != i.id) if i.id in s.indicators else s.indicators + (i.id,)
        try:
            if _outcome(p, check(replace(s, indicators=toggled), p), chosen) != base:
                changing.append(i.id)
        except InvalidSituation:  # removing the only answer given
            changing.append(i.id)
    return {"questions": questions, "indicators": changing}


__all__ = ["InvalidSituation", "assess", "bands_for_age", "child_bands", "readable_behaviours",
           "relevant_questions", "same_facts"]
