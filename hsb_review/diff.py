"""What changed between two versions of the protocol, in plain language.

Three parts: the data (behaviours, steps, thresholds, timescales, contacts, ...), the
page text of each section, and, most important for safety, how the decision aid's
outcomes change for every behaviour at every age, on its own and with each thing a
professional can tell it.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Iterable

from decision_aid import DataError
from decision_aid.model import Condition, Protocol

from . import ReviewError
from .document import Block
from .outcomes import (Case, Difference, Outcome, Variation, age_ranges, compare, step_changes, variations,
                       variations_phrase)
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


def _collection_changes(area: str, old: tuple, new: tuple, key: str) -> list[Change]:
    out: list[Change] = []
    o = {getattr(x, key): x for x in old}
    n = {getattr(x, key): x for x in new}
    out += [Change(area, "added", k, f"'{k}'" + _summary(n[k])) for k in n if k not in o]
    out += [Change(area, "removed", k, f"'{k}'" + _summary(o[k])) for k in o if k not in n]
    for k in (k for k in n if k in o):
        for name, ov, nv in _record_changes(o[k], n[k]):
            out.append(Change(area, "changed", k, f"'{k}': " + _field_change(name, ov, nv)))
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
            out += _collection_changes(area, getattr(old, attr), getattr(new, attr), key)
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
                      changes, count, differences, groups, variations(op, np_), op, np_)


# -- presenting it -------------------------------------------------------------------

AREA_ORDER = ("behaviour", "traffic light colour", "age band", "behaviour flag", "indicator of harm", "category",
              "threshold", "rule", "step", "timescale", "contact", "link", "question", "setting", "consent (13)",
              "referral (6.1)", "section", "section text", "other page text", "glossary term", "document",
              "traffic light tool", "aid's notes", "version")
AREA_TITLES = {
    "behaviour": "Behaviours (traffic light tool, Appendix 1)",
    "threshold": "Thresholds (section 7)",
    "rule": "Rules that decide the category and threshold",
    "step": "Steps (what to do, who, by when)",
    "timescale": "Timescales",
    "contact": "Services and contacts",
    "link": "Web links",
    "section": "Section numbers, titles and web addresses",
    "section text": "Sections whose page text changed",
    "other page text": "Other pages whose text changed",
    "version": "Version history",
}


def _classification_words(o: Outcome, n: Outcome) -> str:
    parts = []
    if o.threshold != n.threshold:
        parts.append(f"threshold {o.threshold} → {n.threshold}")
    if o.colour != n.colour:
        parts.append(f"colour {o.colour} → {n.colour}")
    if o.category != n.category:
        parts.append(f"category {o.category} → {n.category}")
    return "; ".join(parts)


def _steps_words(o: Outcome, n: Outcome) -> str:
    changes = step_changes(o, n)
    within = lambda c: f"{c[1]} ({c[2]})" if c[2] else c[1]  # noqa: E731
    gone = [within(c) for c in changes if c[0] == "removed"]
    added = [within(c) for c in changes if c[0] == "added"]
    parts = []
    if gone:
        parts.append("no longer given: " + ", ".join(gone))
    if added:
        parts.append("now given: " + ", ".join(added))
    parts += [_step_words(c).removeprefix("step ") for c in changes if c[0] in ("within", "order")]
    return "Steps: " + "; ".join(parts) + "." if parts else "The steps are the same."


def _step_words(c: tuple) -> str:
    if c[0] == "order":
        return "steps given in a different order"
    if c[0] == "within":
        return f"step '{c[1]}' within {c[2] or '(no timescale)'} → {c[3] or '(no timescale)'}"
    within = f" (within {c[2]})" if c[2] else ""
    return f"step '{c[1]}'{within} {'no longer given' if c[0] == 'removed' else 'now given'}"


def _behaviour_lines(report: DiffReport, per: dict[tuple[str, Variation], set[int]]) -> list[str]:
    """'9-13 'sexual harassment' at ages 9–13 with another child harmed', merging variations with the same ages."""
    names = {b.id: b for b in report.new_protocol.behaviours}
    order = [b.id for b in report.new_protocol.behaviours]
    by_behaviour: dict[str, dict[frozenset[int], list[Variation]]] = defaultdict(lambda: defaultdict(list))
    for (bid, v), ages in per.items():
        by_behaviour[bid][frozenset(ages)].append(v)
    lines = []
    for bid in sorted(by_behaviour, key=order.index):
        b = names[bid]
        for ages, vs in sorted(by_behaviour[bid].items(), key=lambda x: min(x[0])):
            lines.append(f"{b.band} '{b.text}' at {age_ranges(ages)} {variations_phrase(vs, report.variations)}")
    return lines


def _classification_block(report: DiffReport, parent: Block) -> None:
    """Every case whose colour, category or threshold changed, grouped by the change."""
    changed = [d for d in report.differences if d.old.classification != d.new.classification]
    block = parent.add(f"Colour, category or threshold changes ({len(changed)} cases)")
    if not changed:
        block.intro = "None: every behaviour gets the same colour, category and threshold as before."
        return
    by_change: dict[tuple[str, str], dict[tuple[str, Variation], set[int]]] = defaultdict(lambda: defaultdict(set))
    for d in changed:
        key = (_classification_words(d.old, d.new), _steps_words(d.old, d.new))
        by_change[key][(d.case.behaviour, d.case.variation)].add(d.case.age)
    # Threshold changes first: they matter most.
    for words, steps in sorted(by_change, key=lambda w: (not w[0].startswith("threshold"), w)):
        per = by_change[(words, steps)]
        count = sum(len(a) for a in per.values())
        block.add(f"{words} ({count} case{'s' if count != 1 else ''})", _behaviour_lines(report, per), intro=steps)


def _steps_block(report: DiffReport, parent: Block) -> None:
    """Cases where only the steps changed, grouped by the step change."""
    same = [d for d in report.differences if d.old.classification == d.new.classification]
    block = parent.add(f"Steps changed where the threshold did not ({len(same)} cases)")
    if not same:
        block.intro = "None: where the threshold is the same, the steps and their timescales are the same as before."
        return
    by_change: dict[tuple, set[Case]] = defaultdict(set)
    for d in same:
        for c in step_changes(d.old, d.new):
            by_change[c].add(d.case)
    for change, affected in by_change.items():
        whole = [key for key, full in report.groups.items() if full <= affected]
        covered = set().union(*(report.groups[k] for k in whole)) if whole else set()
        lines = []
        if covered == affected:
            by_t: dict[str, list[Variation]] = defaultdict(list)
            for v, t in whole:
                by_t[t].append(v)
            for t, vs in by_t.items():
                lines.append(f"every case at threshold {t} " + variations_phrase(vs, report.variations)
                             .replace("in every case (", "(in every case: ", 1).replace("in every case except", "except", 1))
        else:
            per: dict[tuple[str, Variation], set[int]] = defaultdict(set)
            for c in affected:
                per[(c.behaviour, c.variation)].add(c.age)
            lines = _behaviour_lines(report, per)
        block.add(f"{_step_words(change)} ({len(affected)} cases)", lines)


def report_block(report: DiffReport, for_site: bool = False) -> Block:
    """The report; ``for_site`` leaves out the folders and git revisions compared (they mean nothing to staff)."""
    title = (f"What changed in version {report.new_version}" if report.old_version != report.new_version
             else f"What changed since version {report.old_version} was published")
    doc = Block(title, intro=f"Version {report.old_version} compared with version {report.new_version}." if for_site
                else f"Version {report.old_version} ({report.old}) compared with version {report.new_version} ({report.new}).")
    n_changes = len(report.changes)
    n_diff = len(report.differences)
    n_class = sum(d.old.classification != d.new.classification for d in report.differences)
    summary = doc.add("Summary")
    summary.lines = [
        f"{n_changes} change{'s' if n_changes != 1 else ''} to the data and pages.",
        f"The decision aid was run on {report.cases} cases (every behaviour in both versions, at every age of its band, "
        "on its own, with each yes/no question, indicator of harm and setting, and with the combinations of these "
        "that a rule or step tests together) under both versions: "
        f"{n_diff} give a different result, {n_class} of them a different colour, category or threshold.",
    ]
    outcomes = doc.add("How the decision aid's outcomes change",
                       intro="Grouped by the change (old → new); each line gives the behaviour (its band and wording), "
                             "the ages and the situations where it happens. Steps are named by their id in "
                             "data/steps.toml, with their timescale.")
    _classification_block(report, outcomes)
    _steps_block(report, outcomes)
    changes = doc.add("What changed in the data and the pages")
    if not report.changes:
        changes.intro = "Nothing: the data and the page text are the same."
    by_area: dict[str, list[Change]] = defaultdict(list)
    for c in report.changes:
        by_area[c.area].append(c)
    for area in sorted(by_area, key=lambda a: AREA_ORDER.index(a) if a in AREA_ORDER else len(AREA_ORDER)):
        items = by_area[area]
        title = AREA_TITLES.get(area, area[0].upper() + area[1:])
        changes.add(f"{title} ({len(items)})", [f"{c.kind}: {c.detail}" for c in items])
    return doc
