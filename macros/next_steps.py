"""The "What happens next" page: each threshold with the steps the aid gives for it.

Built from the same rules and steps the decision aid applies, so the page and the
checker cannot disagree. Conditions are described with the data's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from decision_aid import Protocol
from decision_aid.model import Condition, StepRule

from .render import render
from .sections import cite


@dataclass(frozen=True)
class StepView:
    who: str
    action: str
    within: str | None
    only_if: list[str]
    cites: Markup
    interpretation: str | None = None   # the board's reason, where the step is its reading


def describe(p: Protocol, c: Condition) -> list[str]:
    """A condition in plain words, using the labels and questions in data."""
    words = []
    if c.colour is not None:
        words.append(f"a {p.colour(c.colour).label} behaviour was seen")
    if c.any_indicator:
        words.append("an indicator of harm (section 4) applies")
    if c.indicator:
        words.append("; or ".join(i.text for i in p.indicators if i.id in c.indicator))
    if c.behaviour_flag is not None:
        words.append(next(f.label for f in p.flags if f.id == c.behaviour_flag).lower())
    for name, wanted in c.situation:
        question = next(q.question for q in p.questions if q.id == name)
        # "false" also holds on "not sure" (decision_aid.rules): say so.
        words.append(f"{question} {'Yes' if wanted else 'No or not sure'}")
    if c.setting:
        words.append("you work in " + " or ".join(s.label.lower() for s in p.settings if s.id in c.setting))
    if c.min_age is not None:
        words.append(f"the child is {c.min_age} or older")
    if c.max_age is not None:
        words.append(f"the child is {c.max_age} or younger")
    return words


def _cites(p: Protocol, refs) -> Markup:
    """Section links, kept as links by the template's escaping."""
    return Markup(", ").join(cite(p, r) for r in refs)


def _view(p: Protocol, step: StepRule) -> StepView:
    action = step.action
    if step.brook_response:
        action = "Respond as the traffic light tool advises for the colour seen: " + "; ".join(
            f"{c.label}: {c.response}" for c in p.colours)
    return StepView(
        who=step.who, action=action,
        within=p.timescale(step.timescale).within if step.timescale else None,
        only_if=describe(p, Condition(**{**step.when.__dict__, "threshold": None})),
        cites=_cites(p, step.sections),
        interpretation=step.provenance.reason if step.provenance.interpretation else None,
    )


def what_happens_next(p: Protocol) -> str:
    thresholds = []
    for t in p.thresholds:
        steps = [_view(p, s) for s in p.steps if s.when.threshold is not None and t.id in s.when.threshold]
        rules = [(describe(p, r.when), _cites(p, r.sections), r.provenance.reason if r.provenance.interpretation else None)
                 for r in p.rules if r.threshold == t.id]
        thresholds.append((t, rules, steps, _cites(p, t.sections)))
    any_threshold = [_view(p, s) for s in p.steps if s.when.threshold is None]
    return render("what_happens_next.md", thresholds=thresholds, any_threshold=any_threshold)
