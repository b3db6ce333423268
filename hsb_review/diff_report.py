"""The diff report in words: what the board reads, as text or as a page for the site.

``diff.py`` works out the changes; this module only presents them, grouped by area,
with the outcome changes (colour, category, threshold, steps) summarised per behaviour.
"""

from __future__ import annotations

from collections import defaultdict

from .breaking import gone_words
from .document import Block
from .diff import Change, DiffReport
from .outcomes import Case, Outcome, Variation, age_ranges, step_changes, variations_phrase


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


def labels(report: DiffReport) -> dict[str, str]:
    """Threshold and category id -> its label, from either version, so the report reads as the protocol does."""
    return {x.id: x.label for p in (report.old_protocol, report.new_protocol) for x in (*p.thresholds, *p.categories)}


def _classification_words(o: Outcome, n: Outcome, names: dict[str, str] | None = None) -> str:
    names = names or {}
    parts = []
    if o.threshold != n.threshold:
        parts.append(f"threshold {names.get(o.threshold, o.threshold)} → {names.get(n.threshold, n.threshold)}")
    if o.colour != n.colour:
        parts.append(f"colour {o.colour} → {n.colour}")
    if o.category != n.category:
        parts.append(f"category {o.category} → {n.category}")
    return "; ".join(parts)


def step_names(report: DiffReport) -> dict[str, str]:
    """Step id -> what the step tells staff to do, from either version."""
    return {s.id: s.action or s.who for p in (report.old_protocol, report.new_protocol) for s in p.steps}


def _step(step_id: str, names: dict[str, str]) -> str:
    """A step as staff read it: its action (shortened), not its id."""
    words = names.get(step_id, step_id)
    return f"“{words if len(words) <= 90 else words[:87] + '…'}”"


def _steps_words(o: Outcome, n: Outcome, names: dict[str, str]) -> str:
    changes = step_changes(o, n)
    within = lambda c: f"{_step(c[1], names)} ({c[2]})" if c[2] else _step(c[1], names)  # noqa: E731
    gone = [within(c) for c in changes if c[0] == "removed"]
    added = [within(c) for c in changes if c[0] == "added"]
    parts = []
    if gone:
        parts.append("no longer given: " + ", ".join(gone))
    if added:
        parts.append("now given: " + ", ".join(added))
    parts += [_step_words(c, names).removeprefix("step ") for c in changes if c[0] in ("within", "order")]
    return "Steps: " + "; ".join(parts) + "." if parts else "The steps are the same."


def _step_words(c: tuple, names: dict[str, str]) -> str:
    if c[0] == "order":
        return "steps given in a different order"
    if c[0] == "within":
        return f"step {_step(c[1], names)} within {c[2] or '(no timescale)'} → {c[3] or '(no timescale)'}"
    within = f" (within {c[2]})" if c[2] else ""
    return f"step {_step(c[1], names)}{within} {'no longer given' if c[0] == 'removed' else 'now given'}"


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
    names, threshold_names = step_names(report), labels(report)
    for d in changed:
        key = (_classification_words(d.old, d.new, threshold_names), _steps_words(d.old, d.new, names))
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
                lines.append(f"every case at threshold {labels(report).get(t, t)} " + variations_phrase(vs, report.variations)
                             .replace("in every case (", "(in every case: ", 1).replace("in every case except", "except", 1))
        else:
            per: dict[tuple[str, Variation], set[int]] = defaultdict(set)
            for c in affected:
                per[(c.behaviour, c.variation)].add(c.age)
            lines = _behaviour_lines(report, per)
        block.add(f"{_step_words(change, step_names(report))} ({len(affected)} cases)", lines)


def _breaking_block(report: DiffReport, parent: Block) -> None:
    """First, because these change what staff can be told or break the links they saved."""
    block = parent.add("Breaking changes: what staff can no longer be told or reach")
    if report.gone:
        block.add(f"Published ids removed or renamed ({len(report.gone)})",
                  [gone_words(g, report.new_protocol, report.retired) for g in report.gone])
    if report.unreachable:
        block.add(f"What no situation can reach ({len(report.unreachable)})", report.unreachable)
    if not report.gone and not report.unreachable:
        block.intro = "None: every published id is still there" + (
            ", and every step, rule, question and timescale can still be reached." if report.unreachable is not None
            else " (whether every step can still be reached is not checked: decision_aid.reachability is missing).")
    elif report.unreachable is None:
        block.lines.append("Whether every step can still be reached was not checked: decision_aid.reachability "
                           "is missing.")


def report_block(report: DiffReport, for_site: bool = False) -> Block:
    """The report; ``for_site`` leaves out the folders and git revisions compared (they mean nothing to staff)."""
    title = (f"What changed in version {report.new_version}" if report.old_version != report.new_version
             else f"What changed since version {report.old_version} was published")
    doc = Block(title, intro=f"Version {report.old_version} compared with version {report.new_version}." if for_site
                else f"Version {report.old_version} ({report.old}) compared with version {report.new_version} ({report.new}).")
    _breaking_block(report, doc)
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
                             "the ages and the situations where it happens. Steps are named by what they "
                             "tell staff to do, with their timescale.")
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
