"""The report the board reads before each review meeting.

Everything it checks is computed from ``data/`` and the pages, or read from
``data/review.toml`` (the board's own notes: dated references, known anomalies), so the
board extends it by editing data, not code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from decision_aid import DataError
from decision_aid.model import Protocol

from .link_check import check_links
from .facts import Facts, load_facts
from .review_contacts import (ContactDetail, board_finding, contact_details, data_abbreviations, is_local,
                              telephone_without_number)
from .tree import URL, Tree, readable_text, section_key, split_sections

LINK_MACRO = re.compile(r"""\{\{\s*link\(\s*["']([^"']+)["']\s*\)\s*\}\}""")
SECTION_CITATION = re.compile(r"\b[Ss]ections?\s+(\d+(?:\.\d+)?(?:(?:,\s*|\s+and\s+|\s+or\s+|\s*-\s*)\d+(?:\.\d+)?)*)")
DATED_ACT = re.compile(r"\b((?:[A-Z][a-z]+\s+){1,6}(?:Act|Regulations|Order))\s+((?:19|20)\d{2})\b")
ABBREVIATION = re.compile(r"(?<![\w&-])[A-Za-z][A-Za-z0-9&-]*[A-Za-z0-9](?![\w&-])")


# -- the parts of the report -----------------------------------------------------------

@dataclass
class ReviewDate:
    version: str
    implemented: str
    review_every_months: int
    due: str
    overdue: bool
    months_overdue: int


@dataclass
class Link:
    url: str
    title: str
    where: list[str]              # the sections or pages that give it
    recorded: str = ""            # where the data records it, if it does
    status: str = "not checked"   # "ok", "broken", "unreachable", "not checked"
    detail: str = ""


@dataclass
class DatedReference:
    id: str
    title: str
    kind: str
    dated: str
    check: str
    sections: list[str]           # as the board recorded them
    found_in: list[str]           # where the words appear in the text now
    checked: str | None
    note: str = ""                # a mismatch between the two, in plain words


@dataclass
class Anomaly:
    kind: str                     # "missing", "duplicate", "out of order", "cross-reference"
    detail: str
    known: bool
    note: str = ""


@dataclass
class Abbreviation:
    word: str
    count: int
    sections: list[str]


@dataclass
class Unrouted:
    section: str
    reason: str | None            # the board's reason, when it has noted one


@dataclass
class Review:
    today: str
    data_problems: list[str] = field(default_factory=list)
    facts_problems: list[str] = field(default_factory=list)
    review_date: ReviewDate | None = None
    links: list[Link] = field(default_factory=list)
    link_check: str = "not run: add --check to try every link"
    network: bool | None = None   # None: links not checked; False: no network at all
    references: list[DatedReference] = field(default_factory=list)
    undeclared_references: list[str] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    unrouted: list[Unrouted] = field(default_factory=list)
    missing_sections: list[str] = field(default_factory=list)
    board: str | None = None                                            # the board's name and status
    contacts: list[ContactDetail] = field(default_factory=list)         # every number and e-mail, to check
    telephone_gaps: list[str] = field(default_factory=list)             # "telephone" with no number
    data_abbreviations: list[str] = field(default_factory=list)         # in data/, no glossary entry
    unreachable: list[str] | None = None                                # what no situation can reach


# -- review date -------------------------------------------------------------------------

def review_date(p: Protocol, today: date) -> ReviewDate:
    from macros.status import readable, status  # the footer's own rule, so site and report agree
    s = status(p, today)
    current = p.document.current
    year, month = (int(x) for x in current.implemented.split("-")[:2])
    due_index = year * 12 + month - 1 + p.document.review_every_months
    months_overdue = max(0, today.year * 12 + today.month - 1 - due_index)
    return ReviewDate(current.number, readable(current.implemented), p.document.review_every_months,
                      s.review_due, s.review_overdue, months_overdue if s.review_overdue else 0)


# -- links -------------------------------------------------------------------------------

def _name(p: Protocol, ref: str) -> str:
    key = section_key(p, ref)
    s = next((s for s in p.sections if s.anchor == key), None)
    if s is None:
        return ref
    return s.number if sum(x.number == s.number for x in p.sections) == 1 else f"{s.number} ({s.title})"


def _page_parts(tree: Tree, pages: set[str] | None = None):
    """(place name, raw text) for every part of every page (or of the given pages)."""
    p = tree.protocol
    for page, text in tree.pages.items():
        if pages is not None and page not in pages:
            continue
        for key, body in split_sections(p, page, text):
            if key.startswith("page:"):
                yield f"docs/{page}", key, body
            else:
                title = next(s.title for s in p.sections if s.anchor == key)
                yield f"section {_name(p, key)}", key, f"{title}\n\n{body}"


def links(tree: Tree) -> list[Link]:
    p = tree.protocol
    found: dict[str, Link] = {}

    def add(url: str, title: str, where: str, recorded: str = "") -> None:
        link = found.setdefault(url, Link(url, title, []))
        if where not in link.where:
            link.where.append(where)
        link.recorded = link.recorded or recorded

    for link in p.links:
        for s in link.sections:
            add(link.url, link.title, f"section {_name(p, s)}", f"data/contacts.toml, link '{link.id}'")
    add(p.tool.source_url, p.tool.name, "the credit for Appendix 1", "data/traffic_light.toml, [tool] source_url")
    by_id = {x.id: x for x in p.links}
    for place, _key, body in _page_parts(tree):
        for m in LINK_MACRO.finditer(body):
            if m.group(1) in by_id:
                add(by_id[m.group(1)].url, by_id[m.group(1)].title, place)
        for url in URL.findall(body):
            add(url.rstrip(".,;:"), "", place)
    return [link for link in found.values() if not is_local(link.url)]   # the preview's address is not one


# -- dated references ------------------------------------------------------------------

def dated_references(tree: Tree, facts: Facts) -> tuple[list[DatedReference], list[str]]:
    p = tree.protocol
    parts = [(place, key, readable_text(body)) for place, key, body in _page_parts(tree, _protocol_pages(p))]
    out = []
    for r in facts.references:
        found = [place.removeprefix("section ") for place, _key, text in parts
                 if r.cited_as in re.sub(r"\s+", " ", text)]
        order = [_name(p, s.anchor) for s in p.sections]
        found.sort(key=lambda n: order.index(n) if n in order else len(order))
        declared = [_name(p, s) for s in r.sections]
        note = ""
        if not found:
            note = (f"The words \"{r.cited_as}\" no longer appear in the text: if the reference was removed, "
                    f"remove entry '{r.id}' from data/review.toml; otherwise correct its cited_as.")
        elif sorted(found) != sorted(declared):
            note = (f"Recorded as cited in {', '.join(declared)}, but found in {', '.join(found)}: "
                    f"update the sections of entry '{r.id}' in data/review.toml.")
        out.append(DatedReference(r.id, r.title, r.kind, r.dated, r.check, declared, found,
                                  r.checked.isoformat() if r.checked else None, note))
    known = {r.cited_as.lower() for r in facts.references}
    undeclared: dict[str, list[str]] = defaultdict(list)
    for place, _key, text in parts:
        for m in DATED_ACT.finditer(re.sub(r"\s+", " ", text)):
            cited = f"{m.group(1)} {m.group(2)}".removeprefix("The ")
            if cited.lower() not in known and place not in undeclared[cited]:
                undeclared[cited].append(place)
    return out, [f"{c} (in {', '.join(w)})" for c, w in undeclared.items()]


# -- numbering ---------------------------------------------------------------------------

def _protocol_pages(p: Protocol) -> set[str]:
    return {s.page for s in p.sections}


def numbering(tree: Tree, facts: Facts) -> list[Anomaly]:
    p = tree.protocol
    known_numbering = {(k.number, k.kind): k.note for k in facts.numbering}
    out: list[Anomaly] = []

    def add(kind: str, number: str, detail: str) -> None:
        note = known_numbering.get((number, kind), "")
        out.append(Anomaly(kind, detail, bool(note), note))

    numbered = [s for s in p.sections if re.fullmatch(r"\d+(\.\d+)*", s.number)]
    by_number: dict[str, list] = defaultdict(list)
    for s in numbered:
        by_number[s.number].append(s)
    for number, group in by_number.items():
        if len(group) > 1:
            add("duplicate", number, f"{len(group)} sections are numbered {number}: "
                + "; ".join(f"'{s.title}' (#{s.anchor})" for s in group))
    # Gaps: the main numbers, and the sub-numbers within each main section.
    runs: dict[str, set[int]] = defaultdict(set)
    for s in numbered:
        parent, _, last = s.number.rpartition(".")
        runs[parent].add(int(last))
    for parent, seen in sorted(runs.items(), key=lambda x: [int(n) for n in x[0].split(".") if n]):
        for n in range(1, max(seen) + 1):
            if n not in seen:
                number = f"{parent}.{n}" if parent else str(n)
                after = f"{parent}.{n - 1}" if parent else str(n - 1)
                add("missing", number, f"there is no section {number}"
                    + (f" (the numbering goes from {after} to {parent + '.' if parent else ''}{n + 1})"
                       if n + 1 in seen and n > 1 else ""))
    # Order: numbers should never go backwards.
    key = lambda s: [int(x) for x in s.number.split(".")]  # noqa: E731
    for a, b in zip(numbered, numbered[1:]):
        if key(b) < key(a):
            add("out of order", b.number, f"section {b.number} '{b.title}' comes after {a.number} '{a.title}'")
    out += cross_references(tree, facts)
    return out


def cross_references(tree: Tree, facts: Facts) -> list[Anomaly]:
    """'see section 8.6' where there is no 8.6."""
    p = tree.protocol
    numbers = {s.number for s in p.sections}
    known = {(section_key(p, k.section) or k.section, k.cites): k.note for k in facts.cross_references}
    out: list[Anomaly] = []
    seen: set[tuple[str, str]] = set()
    for place, key, body in _page_parts(tree, _protocol_pages(p)):
        text = readable_text(body)
        for m in SECTION_CITATION.finditer(text):
            for cited in re.findall(r"\d+(?:\.\d+)?", m.group(1)):
                if cited in numbers or (key, cited) in seen:
                    continue
                seen.add((key, cited))
                note = known.get((key, cited), "")
                out.append(Anomaly("cross-reference", f"{place} cites section {cited}, which does not exist",
                                   bool(note), note))
    return out


# -- abbreviations -----------------------------------------------------------------------

def abbreviations(tree: Tree, facts: Facts) -> list[Abbreviation]:
    p = tree.protocol
    terms = sorted((t.term for t in p.glossary), key=len, reverse=True)
    term_pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in terms)) if terms else None
    ignore = set(facts.well_known)
    counts: dict[str, int] = defaultdict(int)
    where: dict[str, list[str]] = defaultdict(list)
    for place, _key, body in _page_parts(tree, _protocol_pages(p)):
        text = readable_text(body)
        text = re.sub(r"https?://\S+|[\w.+-]+@[\w.-]+|tel:\S+", " ", text)
        if term_pattern:
            text = term_pattern.sub(" ", text)
        for m in ABBREVIATION.finditer(text):
            word = m.group(0)
            if sum(ch.isupper() for ch in word) < 2 or word in ignore:
                continue
            counts[word] += 1
            if place.removeprefix("section ") not in where[word]:
                where[word].append(place.removeprefix("section "))
    order = [_name(p, s.anchor) for s in p.sections]
    rank = lambda n: order.index(n) if n in order else len(order)  # noqa: E731
    return [Abbreviation(w, counts[w], sorted(where[w], key=rank)) for w in sorted(counts, key=str.lower)]


# -- routes ------------------------------------------------------------------------------

def unrouted(p: Protocol, facts: Facts) -> list[Unrouted]:
    """Sections no rule, threshold or step cites (a section counts if one of its sub-sections is cited)."""
    cited = {section_key(p, ref) for item in (*p.rules, *p.thresholds, *p.steps) for ref in item.sections}
    cited_numbers = {s.number for s in p.sections if s.anchor in cited}
    reasons = {section_key(p, n.section): n.reason for n in facts.no_route_needed}
    out = []
    for s in p.sections:
        if s.anchor in cited or any(n.startswith(s.number + ".") for n in cited_numbers):
            continue
        out.append(Unrouted(f"{s.number} {s.title}", reasons.get(s.anchor)))
    return out


def missing_sections(tree: Tree) -> list[str]:
    """cite()/url()/heading() calls in the pages naming sections that do not exist."""
    p = tree.protocol
    out = []
    for page, text in tree.pages.items():
        for m in re.finditer(r"""\{\{\s*(cite|url|heading)\(\s*["']([^"']+)["']""", text):
            if section_key(p, m.group(2)) is None:
                out.append(f"docs/{page}: {m.group(1)}(\"{m.group(2)}\") names a section that is not in "
                           "data/sections.toml")
    return out


# -- the whole report ----------------------------------------------------------------------

def review(root: Path, today: date, check: bool = False) -> Review:
    tree = Tree(root, str(root))
    result = Review(today=today.isoformat())
    try:
        p = tree.protocol
    except DataError as e:
        result.data_problems = list(e.problems)
        return result
    facts = load_facts(tree.data)
    result.facts_problems = list(facts.problems)
    result.review_date = review_date(p, today)
    result.links = links(tree)
    if check:
        result.link_check = check_links(result.links)
        result.network = not result.link_check.startswith("no network")
    result.references, result.undeclared_references = dated_references(tree, facts)
    result.anomalies = numbering(tree, facts)
    result.abbreviations = abbreviations(tree, facts)
    result.unrouted = unrouted(p, facts)
    result.missing_sections = missing_sections(tree)
    result.board = board_finding(p)
    result.contacts = contact_details(tree)
    result.telephone_gaps = telephone_without_number(p)
    result.data_abbreviations = data_abbreviations(p, facts)
    from .breaking import newly_unreachable
    result.unreachable = newly_unreachable(None, p)
    return result
