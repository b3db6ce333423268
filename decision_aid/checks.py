"""Checks across files: every id that one entry names must exist in another.

Each check says where the reference is, what is wrong, and what would be right,
because the person reading it is a safeguarding lead editing data, not a programmer.
"""

from __future__ import annotations

import re
import string
from datetime import date
from typing import Callable, Iterable

from . import model as m
from .text_checks import check_text
from .routing_checks import check_routing

Where = Callable[..., str]  # (kind, key, value[, occurrence]) -> 'data/x.toml, kind 'value' (line N)'


def _one_of(ids: Iterable[str]) -> str:
    return ", ".join(ids)


def _unique(problems: list[str], where: Where, kind: str, key: str, values: Iterable[str]) -> None:
    """Report each copy of a value at the copy (the entry just added), naming where the first one is."""
    seen: dict[str, int] = {}
    for v in values:
        if v in seen:
            first = re.search(r"\(line \d+\)$", where(kind, key, v))
            problems.append(f"{where(kind, key, v, seen[v])}: the {key} '{v}' is used twice; each {kind} needs its own "
                            f"{key}. The first is {first.group(0)[1:-1] if first else 'above'}: change this one.")
        seen[v] = seen.get(v, 0) + 1


def _parse_date(text: str) -> date | None:
    for pattern, fmt in ((r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"), (r"\d{4}-\d{2}", "%Y-%m")):
        if re.fullmatch(pattern, text):
            try:
                parts = [int(p) for p in text.split("-")] + [1]
                return date(parts[0], parts[1], parts[2])
            except ValueError:
                return None
    return None


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours."""
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_sections(p: m.Protocol, where: Where, problems: list[str], refs: Iterable[tuple[str, str, str, str]]) -> None:
    """``refs``: (file, kind, id, section) for every section an entry cites."""
    by_number: dict[str, list[m.Section]] = {}
    for s in p.sections:
        by_number.setdefault(s.number, []).append(s)
    anchors = {s.anchor for s in p.sections}
    for file, kind, entry_id, ref in refs:
        if ref in anchors or len(by_number.get(ref, [])) == 1:
            continue
        if len(by_number.get(ref, [])) > 1:
            options = " or ".join(f"'{s.anchor}'" for s in by_number[ref])
            problems.append(f"{where[file](kind, 'id', entry_id)}: more than one section is numbered {ref}; "
                            f"cite it by its anchor instead: {options}.")
        else:
            problems.append(f"{where[file](kind, 'id', entry_id)}: cites section '{ref}', which does not exist. "
                            f"Sections are listed in data/sections.toml.")


def _check_condition(p: m.Protocol, loc: str, c: m.Condition, problems: list[str], allow_threshold: bool) -> None:
    colours = [x.id for x in p.colours]
    if c.colour is not None and c.colour not in colours:
        problems.append(f"{loc}: colour '{c.colour}' is not one of {_one_of(colours)}.")
    for i in c.indicator or ():
        if i not in {x.id for x in p.indicators}:
            problems.append(f"{loc}: indicator '{i}' is not one of {_one_of(x.id for x in p.indicators)}.")
    if c.behaviour_flag is not None and c.behaviour_flag not in {f.id for f in p.flags}:
        problems.append(f"{loc}: behaviour_flag '{c.behaviour_flag}' is not one of {_one_of(f.id for f in p.flags)}.")
    for s in c.setting or ():
        if s not in {x.id for x in p.settings}:
            problems.append(f"{loc}: setting '{s}' is not one of {_one_of(x.id for x in p.settings)}.")
    if c.threshold is not None and not allow_threshold:
        problems.append(f"{loc}: a rule cannot depend on the threshold (rules decide it); use it in steps.toml only.")
    for t in c.threshold or ():
        if t not in {x.id for x in p.thresholds}:
            problems.append(f"{loc}: threshold '{t}' is not one of {_one_of(x.id for x in p.thresholds)}.")


def cross_check(p: m.Protocol, where: dict[str, Where], problems: list[str]) -> None:
    tl, th, st = where["traffic_light"], where["thresholds"], where["steps"]
    colour_ids = [c.id for c in p.colours]
    band_ids = [b.id for b in p.bands]
    flag_ids = [f.id for f in p.flags]

    _unique(problems, where["sections"], "section", "anchor", (s.anchor for s in p.sections))
    for s in p.sections:
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s.anchor):
            problems.append(f"{where['sections']('section', 'anchor', s.anchor)}: the anchor may use only small letters, "
                            "digits and single hyphens (for example '8-3-child-protection-response').")
        if not s.page.endswith(".md"):
            problems.append(f"{where['sections']('section', 'anchor', s.anchor)}: page '{s.page}' should name a .md file under docs/.")

    for kind, key, items, file in (("colour", "id", p.colours, "traffic_light"), ("band", "id", p.bands, "traffic_light"),
                                   ("flag", "id", p.flags, "traffic_light"), ("behaviour", "id", p.behaviours, "traffic_light"),
                                   ("indicator", "id", p.indicators, "harm"), ("category", "id", p.categories, "harm"),
                                   ("threshold", "id", p.thresholds, "thresholds"), ("rule", "id", p.rules, "thresholds"),
                                   ("step", "id", p.steps, "steps"), ("timescale", "id", p.timescales, "timescales"),
                                   ("question", "id", p.questions, "situation"), ("setting", "id", p.settings, "situation"),
                                   ("service", "id", p.services, "contacts"), ("link", "id", p.links, "contacts"),
                                   ("term", "term", p.glossary, "glossary")):
        _unique(problems, where[file], kind, key, (getattr(x, key) for x in items))

    for c in p.colours:
        for field in ("background", "text"):
            if not re.fullmatch(r"#[0-9a-fA-F]{6}", getattr(c, field)):
                problems.append(f"{tl('colour', 'id', c.id)}: {field} '{getattr(c, field)}' should be a colour like \"#0b4a1a\".")
        if all(re.fullmatch(r"#[0-9a-fA-F]{6}", x) for x in (c.background, c.text)) and contrast(c.text, c.background) < 4.5:
            problems.append(f"{tl('colour', 'id', c.id)}: text {c.text} on background {c.background} has a contrast of "
                            f"{contrast(c.text, c.background):.1f}:1; it must be at least 4.5:1 (WCAG AA). Darken the text colour.")
    for b in p.bands:
        if not 0 <= b.min_age <= b.max_age <= 17:
            problems.append(f"{tl('band', 'id', b.id)}: ages {b.min_age} to {b.max_age} must run upwards within 0 to 17 "
                            "(the protocol covers children under 18).")
    for b in p.behaviours:
        loc = tl("behaviour", "id", b.id)
        if b.band not in band_ids:
            problems.append(f"{loc}: band '{b.band}' is not one of {_one_of(band_ids)}.")
        if b.colour not in colour_ids:
            problems.append(f"{loc}: colour '{b.colour}' is not one of {_one_of(colour_ids)}.")
        for f in b.flags:
            if f not in flag_ids:
                problems.append(f"{loc}: flag '{f}' is not one of {_one_of(flag_ids)}.")
    for i in p.indicators:
        for f in i.flags:
            if f not in flag_ids:
                problems.append(f"{where['harm']('indicator', 'id', i.id)}: flag '{f}' is not one of {_one_of(flag_ids)}.")
    covered = {r.when.colour for r in p.rules}
    for c in p.colours:
        if c.id not in covered:
            problems.append(f"{tl('colour', 'id', c.id)}: no rule in data/thresholds.toml says what a {c.id} behaviour "
                            f"means; add a [[rule]] with when = {{ colour = \"{c.id}\" }}.")

    assignable = [c.id for c in p.categories if c.assignable]
    threshold_ids = [t.id for t in p.thresholds]
    for r in p.rules:
        loc = th("rule", "id", r.id)
        _check_condition(p, loc, r.when, problems, allow_threshold=False)
        if r.category is None and r.threshold is None:
            problems.append(f"{loc}: the rule sets neither a category nor a threshold; give it one or both.")
        if r.category is not None and r.category not in assignable:
            problems.append(f"{loc}: category '{r.category}' is not one of {_one_of(assignable)}.")
        if r.threshold is not None and r.threshold not in threshold_ids:
            problems.append(f"{loc}: threshold '{r.threshold}' is not one of {_one_of(threshold_ids)}.")

    service_ids = [s.id for s in p.services]
    timescale_ids = [t.id for t in p.timescales]
    for s in p.steps:
        loc = st("step", "id", s.id)
        _check_condition(p, loc, s.when, problems, allow_threshold=True)
        if s.timescale is not None and s.timescale not in timescale_ids:
            problems.append(f"{loc}: timescale '{s.timescale}' is not one of {_one_of(timescale_ids)} (data/timescales.toml).")
        if s.headline and s.timescale is None:
            problems.append(f"{loc}: headline = true needs a timescale (the headline states the step's time limit): "
                            "add timescale = \"<id>\" or remove headline.")
        if s.contact is not None and s.contact not in service_ids:
            problems.append(f"{loc}: contact '{s.contact}' is not one of {_one_of(service_ids)} (data/contacts.toml).")
        if not s.action and not s.brook_response:
            problems.append(f"{loc}: the step has no action: say what is to be done.")
        if not s.sections:
            problems.append(f"{loc}: every step must cite at least one protocol section.")

    question_ids = [q.id for q in p.questions]
    for missing in (f for f in m.SITUATION_FLAGS if f not in question_ids):
        problems.append(f"{where['situation'](None, 'id', None)}: the question '{missing}' is missing; the checker needs it.")
    for q in p.questions:
        if q.id not in m.SITUATION_FLAGS:
            problems.append(f"{where['situation']('question', 'id', q.id)}: unknown question id; "
                            f"the questions are {_one_of(m.SITUATION_FLAGS)}.")

    for field, placeholders in (("boundary_age", {"age", "bands"}), ("developmental_band", {"band", "age", "bands"}),
                                ("other_band", {"behaviour", "band", "bands"}),
                                ("listed_in_both", {"behaviour", "band", "colour", "reason"}), ("overlap_guidance", set()),
                                ("if_yes", {"unsure", "threshold", "service"}), ("if_yes_same", {"unsure", "threshold"}),
                                ("taken_as_yes", {"question", "behaviour"}), ("interpretation", {"reason"}),
                                ("no_telephone", {"service"}), ("no_match", set())):
        used = {name for _, name, _, _ in string.Formatter().parse(getattr(p.notes, field) or "") if name}
        if used - placeholders:
            problems.append(f"{where['situation']('[notes]', 'x', None)}: {field} uses "
                            f"{', '.join('{' + u + '}' for u in sorted(used - placeholders))}; it may only use "
                            f"{', '.join('{' + x + '}' for x in sorted(placeholders)) or 'no {placeholders}'}.")

    for t in p.glossary:
        if t.source not in m.SOURCES:
            problems.append(f"{where['glossary']('term', 'term', t.term)}: source '{t.source}' is not one of "
                            f"{_one_of(m.SOURCES)}.")

    ages = [a for b in p.bands for a in range(b.min_age, b.max_age + 1)]
    for age in range(min(ages, default=0), max(ages, default=17) + 1):
        hits = [c for c in p.consent if c.min_age <= age <= c.max_age]
        if len(hits) != 1:
            problems.append(f"{where['sharing']('[[consent]]', 'x', None)}: age {age} is covered by {len(hits)} consent entries; "
                            "each age from 0 to 17 needs exactly one.")

    versions = p.document.versions
    _unique(problems, where["protocol"], "version", "number", (v.number for v in versions))
    for v in versions:
        loc = where["protocol"]("version", "number", v.number)
        implemented = _parse_date(v.implemented)
        if implemented is None:
            problems.append(f"{loc}: implemented '{v.implemented}' is not a date: write it as YYYY-MM-DD (or YYYY-MM).")
        if v.approved is not None:
            approved = _parse_date(v.approved)
            if approved is None:
                problems.append(f"{loc}: approved '{v.approved}' is not a date: write it as YYYY-MM-DD (or YYYY-MM).")
            elif implemented is not None and approved > implemented:
                problems.append(f"{loc}: approved {v.approved} is after implemented {v.implemented}; a version is approved first.")
    dates = [_parse_date(v.implemented) for v in versions]
    for before, after, d0, d1 in zip(versions, versions[1:], dates, dates[1:]):
        if d0 is not None and d1 is not None and d1 < d0:
            problems.append(f"{where['protocol']('version', 'number', after.number)}: version {after.number} (implemented "
                            f"{after.implemented}) is listed after version {before.number} (implemented {before.implemented}). "
                            "Versions must be listed oldest first (the last one is the version in force): "
                            "correct the date, or move the entry.")
    if p.document.review_every_months <= 0:
        problems.append(f"{where['protocol']('review_every_months', 'x', None)}: review_every_months must be more than 0.")

    refs = [("thresholds", "rule", r.id, s) for r in p.rules for s in r.sections]
    refs += [("thresholds", "threshold", t.id, s) for t in p.thresholds for s in t.sections]
    refs += [("steps", "step", s.id, x) for s in p.steps for x in s.sections]
    refs += [("timescales", "timescale", t.id, x) for t in p.timescales for x in t.sections]
    refs += [("harm", "category", c.id, x) for c in p.categories for x in c.sections]
    refs += [("situation", "question", q.id, x) for q in p.questions for x in q.sections]
    refs += [("contacts", "service", s.id, x) for s in p.services for x in s.sections]
    refs += [("contacts", "link", s.id, x) for s in p.links for x in s.sections]
    refs += [("sharing", "[referral]", None, x) for x in p.referral.sections]
    refs += [("sharing", "[consent_always]", None, x) for x in p.consent_always.sections]
    check_sections(p, where, problems, refs)
    check_text(p, where, problems)
    check_routing(p, where, problems)
