"""The board's side of the routing: its interpretations (for sign-off at each review),
the hazard log, and the items of different bands it links as the same facts.

Each is a small function of the loaded protocol, rendered through a template, so the
pages show exactly what the decision aid uses.
"""

from __future__ import annotations

from pathlib import Path

from decision_aid import Protocol
from decision_aid.hazards import load_hazards

from .reference import cites
from .render import render


def board_interpretations(p: Protocol) -> str:
    """Every rule, step and behaviour (or indicator) mark that is the board's reading rather than the protocol's text."""
    return render(
        "interpretations.md",
        rules=[r for r in p.rules if r.provenance.interpretation],
        steps=[s for s in p.steps if s.provenance.interpretation],
        flags=[f for f in p.flags if f.provenance.interpretation],
        marked={f.id: [b for b in p.behaviours if f.id in b.flags] for f in p.flags},
        marked_indicators={f.id: [i for i in p.indicators if f.id in i.flags] for f in p.flags},
        thresholds={t.id: t.label for t in p.thresholds},
        links=len(p.same_facts),
        cites=lambda refs: cites(p, refs),
    )


def same_facts_links(p: Protocol) -> str:
    """Appendix 1: the items of different bands the board links, and the colour each has."""
    groups = [[p.behaviour(i) for i in g.behaviours] for g in p.same_facts]
    return render("same_facts.md", groups=list(zip(p.same_facts, groups)),
                  bands={b.id: b.label for b in p.bands}, colours={c.id: c.label for c in p.colours})


def hazard_log(p: Protocol, folder: str | Path | None = None) -> str:
    """The routing's hazards, each with its control and the tests that prove it."""
    return render("hazard_log.md", hazards=load_hazards(folder), cites=lambda refs: cites(p, refs))


PAGE_FUNCTIONS = {
    "board_interpretations": board_interpretations,
    "same_facts_links": same_facts_links,
    "hazard_log": hazard_log,
}
