"""Checks on what the routing relies on: provenance, flags that answer questions, and
the links between items of different age bands that describe the same facts.

A board member who adds a rule must say where it comes from; one who adds an item
worded exactly like an item of an overlapping band must link the two, or a child on a
boundary age could get a different route depending on which wording was ticked.
"""

from __future__ import annotations

import re
from typing import Callable

from . import model as m

Where = Callable[[str, str, object], str]


def _same_words(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _check_provenance(loc: str, kind: str, provenance: m.Provenance, problems: list[str]) -> None:
    if provenance.source not in m.SOURCES:
        problems.append(f"{loc}: source '{provenance.source}' must be \"protocol\" (the protocol's own text) or "
                        "\"board\" (the board's interpretation).")
    elif provenance.interpretation and not provenance.reason:
        problems.append(f"{loc}: this {kind} is the board's interpretation: add reason = \"...\", one line saying "
                        "why, so staff can see it is not the protocol's text and the board can sign it off.")


def _check_same_facts(p: m.Protocol, tl: Where, problems: list[str]) -> None:
    by_id = {b.id: b for b in p.behaviours}
    seen: dict[str, str] = {}
    for group in p.same_facts:
        loc = tl("same_facts", "id", group.id)
        bands = []
        for behaviour_id in group.behaviours:
            if behaviour_id not in by_id:
                problems.append(f"{loc}: behaviour '{behaviour_id}' does not exist; use an id from the [[behaviour]] entries.")
                continue
            if behaviour_id in seen:
                problems.append(f"{loc}: behaviour '{behaviour_id}' is already linked in '{seen[behaviour_id]}'; "
                                "put all the items describing the same facts in one [[same_facts]] entry.")
            seen[behaviour_id] = group.id
            bands.append(by_id[behaviour_id].band)
        if len(group.behaviours) < 2:
            problems.append(f"{loc}: a link needs at least two behaviours, from different age bands.")
        if len(set(bands)) != len(bands):
            problems.append(f"{loc}: two of its behaviours are in the same age band; link only items of "
                            "different bands (items of one band are different behaviours).")
    # Identical wording in bands that overlap must be linked, or the boundary age splits.
    bands = {b.id: b for b in p.bands}
    for a in p.behaviours:
        for b in p.behaviours:
            if a.id < b.id and a.band != b.band and _same_words(a.text) == _same_words(b.text) \
                    and a.band in bands and b.band in bands \
                    and bands[a.band].min_age <= bands[b.band].max_age and bands[b.band].min_age <= bands[a.band].max_age \
                    and (seen.get(a.id) is None or seen.get(a.id) != seen.get(b.id)):
                problems.append(f"{tl('behaviour', 'id', b.id)}: it has the same words as '{a.id}' in an overlapping age "
                                f"band; link them with a [[same_facts]] entry (behaviours = [\"{a.id}\", \"{b.id}\"]).")


def check_routing(p: m.Protocol, where: dict[str, Where], problems: list[str]) -> None:
    tl = where["traffic_light"]
    for r in p.rules:
        _check_provenance(where["thresholds"]("rule", "id", r.id), "rule", r.provenance, problems)
    settings = [x.id for x in p.settings]
    for s in p.steps:
        loc = where["steps"]("step", "id", s.id)
        _check_provenance(loc, "step", s.provenance, problems)
        for u in s.user:
            if u != "any" and u not in settings:
                problems.append(f"{loc}: user '{u}' should be \"any\" or a setting: {', '.join(settings)}.")
    question_ids = [q for q in m.SITUATION_FLAGS]
    for f in p.flags:
        loc = tl("flag", "id", f.id)
        _check_provenance(loc, "flag", f.provenance, problems)
        if f.implies is not None and f.implies not in question_ids:
            problems.append(f"{loc}: implies '{f.implies}' is not a question; use one of {', '.join(question_ids)}.")
    _check_same_facts(p, tl, problems)
    start = p.consent_always.from_threshold
    if start is not None and start not in [t.id for t in p.thresholds]:
        problems.append(f"{where['sharing']('[consent_always]', 'x', None)}: from_threshold '{start}' is not one of "
                        f"{', '.join(t.id for t in p.thresholds)}.")
