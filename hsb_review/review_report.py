"""The review report in words (text) or as JSON for tools."""

from __future__ import annotations

from dataclasses import asdict

from .document import Block
from .review import Review


def on_or_in(readable_date: str) -> str:
    """'on 1 December 2026', 'in April 2018'."""
    return ("on " if readable_date[:1].isdigit() else "in ") + readable_date


def review_json(r: Review) -> dict:
    return asdict(r)


def review_block(r: Review) -> Block:
    doc = Block(f"Review report ({r.today})")
    if r.data_problems:
        b = doc.add("The data has problems: fix these first",
                    intro="The rest of the report needs data the decision aid can read.")
        b.lines = r.data_problems
        return doc
    if r.facts_problems:
        doc.add("Problems in data/review.toml", r.facts_problems)
    d = r.review_date
    assert d is not None
    when = doc.add("Review date")
    if d.overdue:
        years, months = divmod(d.months_overdue, 12)
        late = " and ".join(x for x in (f"{years} year{'s' if years != 1 else ''}" if years else "",
                                        f"{months} month{'s' if months != 1 else ''}" if months else "") if x)
        when.intro = (f"OVERDUE. Version {d.version} was implemented {on_or_in(d.implemented)}; the protocol is reviewed "
                      f"every {d.review_every_months} months, so the review was due by {d.due}: {late} ago.")
    else:
        when.intro = (f"Version {d.version} was implemented {on_or_in(d.implemented)}; the next review is due by {d.due}.")

    if r.board:
        doc.add("The board's name and status", intro=r.board)

    links_block = doc.add(f"External links ({len(r.links)})", intro=f"Link check: {r.link_check}")
    for link in r.links:
        state = "" if link.status == "not checked" else f" [{link.status.upper()}{': ' + link.detail if link.detail else ''}]"
        title = f"{link.title}: " if link.title else ""
        recorded = f"; recorded in {link.recorded}" if link.recorded else "; written in the page, not in data/"
        links_block.lines.append(f"{title}{link.url}{state} (given in {', '.join(link.where)}{recorded})")

    refs = doc.add(f"Dated legislation and guidance to check against current editions ({len(r.references)})",
                   intro="From data/review.toml. Unchecked entries first.")
    for x in sorted(r.references, key=lambda x: (x.checked is not None, x.checked or "")):
        checked = f"last checked {x.checked}" if x.checked else "not yet checked"
        line = f"{x.title} ({x.kind}; {x.dated}), cited in {', '.join(x.found_in or x.sections)}; {checked}. {x.check}"
        if x.note:
            line += f" NOTE: {x.note}"
        refs.lines.append(line)
    if r.undeclared_references:
        doc.add("Dated citations in the text not yet in data/review.toml",
                [f"{u}: add a [[reference]] entry so it is checked at each review." for u in r.undeclared_references])

    anomalies = doc.add(f"Numbering anomalies ({len(r.anomalies)})",
                        intro="Found in data/sections.toml and the page text. Entries the board has noted in "
                              "data/review.toml show its note; NEW ones need a decision.")
    for a in r.anomalies:
        anomalies.lines.append(f"{'' if a.known else 'NEW: '}{a.kind}: {a.detail}." + (f" Board's note: {a.note}" if a.note else ""))
    if not r.anomalies:
        anomalies.intro = "None."

    abbr = doc.add(f"Abbreviations with no glossary entry ({len(r.abbreviations)})",
                   intro="Used in the protocol pages but not in data/glossary.toml, so readers get no explanation. "
                         "Add a [[term]] to data/glossary.toml (or, for words everyone knows, add them to "
                         "well_known in data/review.toml).")
    abbr.lines = [f"{a.word}: used {a.count} time{'s' if a.count != 1 else ''}, in {', '.join(a.sections)}"
                  for a in r.abbreviations]
    if not r.abbreviations:
        abbr.intro = "None: every abbreviation in the protocol pages has a glossary entry."

    routes = doc.add("Sections no rule, threshold or step refers to",
                     intro="The decision aid never sends anyone to these sections. That may be right; the board's "
                           "reasons from data/review.toml are shown.")
    routes.lines = [f"{u.section}" + (f" (noted: {u.reason})" if u.reason else " (NOT NOTED: add a route in "
                                      "data/steps.toml, or a [[no_route_needed]] entry with the reason)")
                    for u in r.unrouted]
    people = doc.add(f"Telephone numbers and e-mails to check ({len(r.contacts)})",
                     intro="Ring or write to each one before the meeting: staff are told to use them.")
    people.lines = [f"{c.kind} {c.value}: {c.owner} ({c.where})" for c in r.contacts]
    phone = doc.add(f"Steps that say to telephone, with no number ({len(r.telephone_gaps)})")
    phone.lines = r.telephone_gaps
    if not r.telephone_gaps:
        phone.intro = "None."
    data_abbr = doc.add(f"Abbreviations in data/ with no glossary entry ({len(r.data_abbreviations)})",
                        intro="In contacts, steps, timescales and the other data files: the checker shows these "
                              "words to staff. Add a [[term]] to data/glossary.toml.")
    data_abbr.lines = r.data_abbreviations
    reach = doc.add("Steps, rules, questions and timescales no situation can reach")
    if r.unreachable is None:
        reach.intro = "Not checked: decision_aid.reachability is missing."
    else:
        reach.lines = r.unreachable
        reach.intro = "" if r.unreachable else "None: the checker can give every one of them."
    missing = doc.add("Steps and pages citing sections that do not exist")
    missing.lines = r.missing_sections
    if not r.missing_sections:
        missing.intro = ("None: every section a rule, threshold, step or page cites exists (the data would not load "
                         "otherwise).")
    return doc
