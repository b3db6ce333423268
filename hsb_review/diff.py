"""What changed between two versions of the protocol, in plain language.

Three parts: the data (behaviours, steps, thresholds, timescales, contacts, ...), the
page text of each section, and, most important for safety, how the decision aid's
outcomes change for every behaviour at every age, on its own and with each thing a
professional can tell it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Iterable

from decision_aid import DataError
from decision_aid.model import Condition, Protocol

from . import ReviewError
from .breaking import Gone, describe, gone, newly_unreachable, retired_in
from .outcomes import (Case, Difference, Variation, compare, variations)
from .tree import Tree, section_name


@dataclass(frozen=True)
class Change:
    """One change to the data or the pages.

    area: what kind of thing ("behaviour", "step", "timescale", "section text", ...);
    kind: "added", "removed", "changed", or for behaviours "moved band", "changed colour",
    "changed wording", "id changed"; key: its id; detail: the plain-language description.
    """

    area: str
    kind: str
    key: str
    detail: str


@dataclass
class DiffReport:
    old: str
    new: str
    old_version: str
    new_version: str
    changes: list[Change]
    cases: int
    differences: list[Difference]
    groups: dict[tuple[Variation, str], set[Case]]
    variations: list[Variation]
    old_protocol: Protocol
    new_protocol: Protocol
    gone: list[Gone] = field(default_factory=list)            # published ids removed or renamed
    retired: tuple = ()                                        # data/retired.toml of the new version
    unreachable: list[str] | None = None                       # None: the reachability analysis is not installed

    def kinds(self) -> set[tuple[str, str]]:
        return {(c.area, c.kind) for c in self.changes}


# -- describing values ---------------------------------------------------------------

def _condition_words(c: Condition) -> str:
    parts = []
    if c.colour is not None:
        parts.append(f"a {c.colour} behaviour")
    if c.any_indicator is not None:
        parts.append("any indicator of harm" if c.any_indicator else "no indicator of harm")
    if c.indicator:
        parts.append("indicator " + " or ".join(c.indicator))
    if c.behaviour_flag:
        parts.append(f"a behaviour flagged '{c.behaviour_flag}'")
    parts += [f"{name.replace('_', ' ')}: {'yes' if v else 'no'}" for name, v in c.situation]
    if c.setting:
        parts.append("setting " + " or ".join(c.setting))
    if c.min_age is not None:
        parts.append(f"age {c.min_age} or over")
    if c.max_age is not None:
        parts.append(f"age {c.max_age} or under")
    if c.threshold:
        parts.append("threshold " + " or ".join(c.threshold))
    return "; ".join(parts) or "always"


def value_words(v: Any) -> str:
    if v is None:
        return "(none)"
    if isinstance(v, Condition):
        return _condition_words(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, tuple):
        return ", ".join(value_words(x) for x in v) if v else "(none)"
    return str(v)


def word_diff(old: str, new: str, context: int = 4, limit: int = 4) -> str:
    """Where two texts differ: '… within [3 → 5] days …', a few words of context either side."""
    a, b = old.split(), new.split()
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    pieces = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(a[max(0, i1 - context):i1])
        after = " ".join(a[i2:i2 + context])
        was, now = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        change = f"[{was} → {now}]" if was and now else (f"[added: {now}]" if now else f"[removed: {was}]")
        pieces.append(" ".join(x for x in ("…" + before if before else "", change, after + "…" if after else "") if x))
    more = len(pieces) - limit
    return "; ".join(pieces[:limit]) + (f" (and {more} more changes)" if more > 0 else "")


def _field_change(name: str, old: Any, new: Any) -> str:
    o, n = value_words(old), value_words(new)
    if len(o) + len(n) <= 140 or (isinstance(old, Condition) and len(o) + len(n) <= 400):
        return f"{name}: '{o}' → '{n}'"
    return f"{name}: {word_diff(o, n) or 'only spacing or line breaks changed'}"


def _record_changes(old: Any, new: Any, skip: Iterable[str] = ()) -> list[tuple[str, Any, Any]]:
    return [(f.name, getattr(old, f.name), getattr(new, f.name)) for f in fields(old)
            if f.name not in skip and getattr(old, f.name) != getattr(new, f.name)]


# -- the data ------------------------------------------------------------------------

COLLECTIONS = (
    # (area, Protocol attribute, key field, how to name one entry)
    ("traffic light colour", "colours", "id"),
    ("age band", "bands", "id"),
    ("behaviour flag", "flags", "id"),
    ("indicator of harm", "indicators", "id"),
    ("category", "categories", "id"),
    ("threshold", "thresholds", "id"),
    ("rule", "rules", "id"),
    ("step", "steps", "id"),
    ("timescale", "timescales", "id"),
    ("question", "questions", "id"),
    ("setting", "settings", "id"),
    ("contact", "services", "id"),
    ("link", "links", "id"),
    ("glossary term", "glossary", "term"),
    ("version", "versions", "number"),
)
SINGLE = (
    ("document", "document", ("versions",)),
    ("traffic light tool", "tool", ()),
    ("aid's notes", "notes", ()),
    ("referral (6.1)", "referral", ()),
    ("consent (13)", "consent_always", ()),
)


def _behaviour_name(p: Protocol, b: Any) -> str:
    return f"{b.band} '{b.text}'"


def _behaviour_changes(old: Protocol, new: Protocol) -> list[Change]:
    out: list[Change] = []
    o = {b.id: b for b in old.behaviours}
    n = {b.id: b for b in new.behaviours}
    removed = [b for i, b in o.items() if i not in n]
    added = [b for i, b in n.items() if i not in o]
    # An id changed but the entry did not: one change, and links to the old id break.
    for r in list(removed):
        twin = next((a for a in added if (a.band, a.colour, a.text) == (r.band, r.colour, r.text)), None)
        if twin:
            out.append(Change("behaviour", "id changed", twin.id,
                              f"{_behaviour_name(new, twin)}: id '{r.id}' → '{twin.id}' (links to the old id will break)"))
            removed.remove(r)
            added.remove(twin)
    for b in added:
        out.append(Change("behaviour", "added", b.id, f"{_behaviour_name(new, b)} ({b.colour}), id '{b.id}'"))
    for b in removed:
        out.append(Change("behaviour", "removed", b.id, f"{_behaviour_name(old, b)} ({b.colour}), id '{b.id}'"))
    for i in (i for i in n if i in o):
        a, b = o[i], n[i]
        name = _behaviour_name(old, a)
        if a.band != b.band:
            out.append(Change("behaviour", "moved band", i, f"{name}: band {a.band} → {b.band}"))
        if a.colour != b.colour:
            out.append(Change("behaviour", "changed colour", i, f"{name}: {a.colour} → {b.colour}"))
        if a.text != b.text:
            out.append(Change("behaviour", "changed wording", i, f"{a.band} behaviour '{i}': "
                              + _field_change("wording", a.text, b.text).removeprefix("wording: ")))
        if a.flags != b.flags:
            out.append(Change("behaviour", "changed flags", i, f"{name}: " + _field_change("flags", a.flags, b.flags)))
    return out


def _section_changes(old: Protocol, new: Protocol) -> list[Change]:
    out: list[Change] = []
    o = {s.anchor: s for s in old.sections}
    n = {s.anchor: s for s in new.sections}
    removed = [s for a, s in o.items() if a not in n]
    added = [s for a, s in n.items() if a not in o]
    for r in list(removed):
        twin = next((s for s in added if s.number == r.number and s.title == r.title), None)
        if twin:
            out.append(Change("section", "anchor changed", twin.anchor,
                              f"{r.number} {r.title}: web address #{r.anchor} → #{twin.anchor} "
                              "(links people have saved will break)"))
            removed.remove(r)
            added.remove(twin)
    out += [Change("section", "added", s.anchor, f"{s.number} {s.title} (on docs/{s.page})") for s in added]
    out += [Change("section", "removed", s.anchor, f"{s.number} {s.title}") for s in removed]
    for a in (a for a in n if a in o):
        for name, ov, nv in _record_changes(o[a], n[a]):
            kind = "renumbered" if name == "number" else "changed"
            out.append(Change("section", kind, a, f"{o[a].number} {o[a].title}: " + _field_change(name, ov, nv)))
    return out


# The diff's areas that are kinds of published entry, so they are named by what they say.
AREA_KINDS = {"step": "step", "contact": "contact", "setting": "setting", "indicator of harm": "indicator",
              "threshold": "threshold", "rule": "rule", "question": "question", "timescale": "timescale",
              "link": "link", "category": "category", "age band": "band", "traffic light colour": "colour"}


def _collection_changes(area: str, old: tuple, new: tuple, key: str,
                        protocols: tuple[Protocol, Protocol] | None = None) -> list[Change]:
    out: list[Change] = []
    o = {getattr(x, key): x for x in old}
    n = {getattr(x, key): x for x in new}
    kind = AREA_KINDS.get(area)

    def name(p: Protocol | None, k: str) -> str:
        return f"{describe(p, kind, k)} ('{k}')" if p is not None and kind else f"'{k}'"
    op, np_ = protocols or (None, None)
    out += [Change(area, "added", k, name(np_, k) + ("" if kind and np_ else _summary(n[k]))) for k in n if k not in o]
    out += [Change(area, "removed", k, name(op, k) + ("" if kind and op else _summary(o[k]))) for k in o if k not in n]
    for k in (k for k in n if k in o):
        for field_name, ov, nv in _record_changes(o[k], n[k]):
            out.append(Change(area, "changed", k, f"{name(op, k)}: " + _field_change(field_name, ov, nv)))
    shared_o = [k for k in o if k in n]
    shared_n = [k for k in n if k in o]
    if shared_o != shared_n and area == "step":
        out.append(Change(area, "reordered", "", "the order in which steps are given changed: "
                          + ", ".join(shared_n)))
    return out


def _summary(x: Any) -> str:
    for name in ("within", "url", "telephone", "expansion", "label", "title", "text", "name", "who"):
        v = getattr(x, name, None)
        if isinstance(v, str) and v:
            return f" ({name}: {v if len(v) <= 80 else v[:77] + '…'})"
    return ""


def _consent_changes(old: Protocol, new: Protocol) -> list[Change]:
    key = lambda c: f"{c.min_age}-{c.max_age}"  # noqa: E731
    return _collection_changes("consent (13)", tuple(old.consent), tuple(new.consent), "min_age") \
        if [key(c) for c in old.consent] == [key(c) for c in new.consent] else \
        [Change("consent (13)", "changed", "", "the age ranges for consent changed: "
                + ", ".join(key(c) for c in old.consent) + " → " + ", ".join(key(c) for c in new.consent))]


def data_changes(old: Protocol, new: Protocol) -> list[Change]:
    out = _behaviour_changes(old, new) + _section_changes(old, new)
    for area, attr, key in COLLECTIONS:
        if attr == "versions":
            out += _collection_changes(area, old.document.versions, new.document.versions, key)
        else:
            out += _collection_changes(area, getattr(old, attr), getattr(new, attr), key, (old, new))
    for area, attr, skip in SINGLE:
        a, b = getattr(old, attr), getattr(new, attr)
        if is_dataclass(a):
            out += [Change(area, "changed", name, _field_change(name, ov, nv)) for name, ov, nv in _record_changes(a, b, skip)]
    out += _consent_changes(old, new)
    return out


def text_changes(old: Tree, new: Tree) -> list[Change]:
    """Which sections' page text changed (macros and markup aside), and pages added or removed."""
    o, n = old.section_text, new.section_text
    out: list[Change] = []
    protocol_keys = {s.anchor for s in new.protocol.sections} | {s.anchor for s in old.protocol.sections}
    for key in list(n) + [k for k in o if k not in n]:
        p = new.protocol if key in n else old.protocol
        name = section_name(p, key)
        area = "section text" if key in protocol_keys else "other page text"
        if key not in o:
            out.append(Change(area, "added", key, f"docs/{key[5:]}: a new page" if key.startswith("page:")
                              else f"{name}: new text"))
        elif key not in n:
            out.append(Change(area, "removed", key, f"docs/{key[5:]}: the page was removed" if key.startswith("page:")
                              else f"{name}: its text is gone"))
        elif o[key] != n[key]:
            out.append(Change(area, "changed", key, f"{name}: {word_diff(o[key], n[key]) or 'only spacing changed'}"))
    return out


def _load(tree: Tree) -> Protocol:
    try:
        return tree.protocol
    except DataError as e:
        raise ReviewError(f"The data of {tree.label} cannot be read, so it cannot be compared:\n"
                          + "\n".join(f"- {x}" for x in e.problems)) from None


def diff(old: Tree, new: Tree) -> DiffReport:
    op, np_ = _load(old), _load(new)
    changes = data_changes(op, np_) + text_changes(old, new)
    count, differences, groups = compare(op, np_)
    return DiffReport(old.label, new.label, op.document.current.number, np_.document.current.number,
                      changes, count, differences, groups, variations(op, np_), op, np_,
                      gone=gone(op, np_), retired=retired_in(new.data), unreachable=newly_unreachable(op, np_))
