"""Applying the protocol's rules (all held in data/) to one situation.

The flow mirrors how a safeguarding lead reasons: place each behaviour in the child's
age band(s) and read its colour (Appendix 1); apply every classification rule that
holds and keep the most serious category and threshold (sections 4 and 7); then list
every step whose conditions hold, in the protocol's order (sections 6 to 15).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import model as m
from .assessment import AssessedBehaviour, Assessment, Consent, Contact, Reason, Step
from .situation import Situation, check


def bands_for_age(protocol: m.Protocol, age: int) -> tuple[str, ...]:
    """Every band covering ``age``: two at a boundary, because the bands overlap on purpose."""
    return tuple(b.id for b in protocol.bands if b.covers(age))


@lru_cache(maxsize=None)
def _same_behaviour(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


@dataclass(frozen=True)
class _Facts:
    """What conditions are tested against, worked out once per situation."""

    situation: Situation
    colours: frozenset[str]
    behaviour_flags: frozenset[str]
    threshold: str | None = None


def _holds(c: m.Condition, f: _Facts) -> bool:
    s = f.situation
    return all((
        c.colour is None or c.colour in f.colours,
        c.any_indicator is None or c.any_indicator == bool(s.indicators),
        c.indicator is None or any(i in s.indicators for i in c.indicator),
        c.behaviour_flag is None or c.behaviour_flag in f.behaviour_flags,
        all(getattr(s, name) == wanted for name, wanted in c.situation),
        c.setting is None or s.setting in c.setting,
        c.min_age is None or s.age >= c.min_age,
        c.max_age is None or s.age <= c.max_age,
        c.threshold is None or f.threshold in c.threshold,
    ))


def _assess_behaviours(p: m.Protocol, s: Situation, bands: tuple[str, ...]) -> tuple[list[AssessedBehaviour], list[str]]:
    severity = {c.id: n for n, c in enumerate(p.colours)}
    notes: list[str] = []
    assessed = []
    for chosen in (b for b in p.behaviours if b.id in s.behaviours):
        # The same wording may be listed in several bands, sometimes in another colour.
        twins = [b for b in p.behaviours if b.band in bands and _same_behaviour(b.text) == _same_behaviour(chosen.text)]
        if twins:
            used = max(twins, key=lambda b: (severity[b.colour], b.id == chosen.id))
            if len(twins) > 1:
                notes.append(p.notes.listed_in_both.format(behaviour=chosen.text, band=used.band,
                                                           colour=p.colour(used.colour).label))
        else:
            used = chosen
            notes.append(p.notes.other_band.format(behaviour=chosen.text, band=chosen.band,
                                                   colour=p.colour(chosen.colour).label))
        assessed.append(AssessedBehaviour(id=chosen.id, text=chosen.text, band=used.band, colour=used.colour,
                                          colour_label=p.colour(used.colour).label, listed_band=chosen.band))
    return assessed, notes


def _most_serious(order: list[str], ids: list[str]) -> str:
    return max(ids, key=order.index)


def _step(p: m.Protocol, rule: m.StepRule, colour: str | None) -> Step | None:
    action = rule.action
    if rule.brook_response:
        if colour is None:
            return None
        action = " ".join(x for x in (p.colour(colour).response, rule.action) if x)
    service = p.service(rule.contact) if rule.contact else None
    return Step(
        id=rule.id, who=rule.who, action=action,
        within=p.timescale(rule.timescale).within if rule.timescale else None,
        sections=rule.sections,
        contact=Contact(service.name, service.telephone, service.email) if service else None,
    )


def assess(p: m.Protocol, situation: Situation) -> Assessment:
    s = check(situation, p)
    notes: list[str] = []
    if s.developmental_band is not None:
        bands: tuple[str, ...] = (s.developmental_band,)
        notes.append(p.notes.developmental_band.format(band=s.developmental_band, age=s.age))
    else:
        bands = bands_for_age(p, s.age)
        if len(bands) > 1:
            notes.append(p.notes.boundary_age.format(age=s.age, bands=" and ".join(bands)))

    assessed, behaviour_notes = _assess_behaviours(p, s, bands)
    notes += behaviour_notes
    colour_order = [c.id for c in p.colours]
    colours = [b.colour for b in assessed]
    colour = _most_serious(colour_order, colours) if colours else None
    flags = frozenset(f for b in p.behaviours if b.id in s.behaviours for f in b.flags)
    facts = _Facts(s, frozenset(colours), flags)

    applied = [r for r in p.rules if _holds(r.when, facts)]
    category_order = [c.id for c in p.categories]
    threshold_order = [t.id for t in p.thresholds]
    category = _most_serious(category_order, [r.category for r in applied if r.category] or
                             [next(c.id for c in p.categories if c.assignable)])
    threshold = _most_serious(threshold_order, [r.threshold for r in applied if r.threshold] or [threshold_order[0]])
    # Keep the notes of rules that decided something, so the outcome explains itself.
    deciding = [r for r in applied if r.category == category or r.threshold == threshold]
    notes += [r.note for r in deciding if r.note]
    if assessed:
        notes.append(p.notes.overlap_guidance)

    facts = _Facts(s, facts.colours, flags, threshold)
    steps = tuple(step for rule in p.steps if _holds(rule.when, facts) and (step := _step(p, rule, colour)))
    consent_rule = next(c for c in p.consent if c.min_age <= s.age <= c.max_age)

    return Assessment(
        colour=colour,
        colour_label=p.colour(colour).label if colour else None,
        category=category,
        category_label=next(c.label for c in p.categories if c.id == category),
        threshold=threshold,
        threshold_label=next(t.label for t in p.thresholds if t.id == threshold),
        bands=bands,
        behaviours=tuple(assessed),
        steps=steps,
        referral_must_include=p.referral.must_include if s.another_child_harmed else (),
        consent=Consent(text=consent_rule.text, always=p.consent_always.text,
                        sections=p.consent_always.sections, note=consent_rule.note),
        notes=tuple(dict.fromkeys(notes)),
        reasons=tuple(Reason(r.id, r.category, r.threshold, r.sections) for r in deciding),
        protocol_version=p.document.current.number,
    )
