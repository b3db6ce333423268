"""Facts in the protocol's prose come from data, so a change in data changes every page.

A timescale written in a section's text is printed by ``{{ timescale("strategy-meeting") }}``
from ``data/timescales.toml`` (its ``within``), keeping the protocol's wording around it.
Where the protocol words the same time differently from the data ("on a 6 monthly basis"
for "every 6 months"), the page keeps its words, ``{{ timescale("id", "6 monthly") }}``,
and the build compares them with the data and stops if they disagree. Telephone numbers
and e-mails come from ``{{ contact("id", "telephone") }}``.

``check_prose`` runs before anything is built (from ``sections.check_pages``), so a page
and the data that disagree stop the build with both places named and the fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from decision_aid import Protocol
from decision_aid.model import Timescale

from .escape import text
from .sections import HEADING_CALL, find

TIMESCALE_CALL = re.compile(r"""\{\{\s*timescale\(\s*["']([^"']+)["']\s*(?:,\s*["']([^"']*)["']\s*)?\)\s*\}\}""")
ANY_CALL = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
# A length of time written in the page's own words ("3 days", "10 working days", "6 monthly").
DURATION = re.compile(r"\b(\d+)\s*(working\s+days?|days?|hours?|weeks?|months?|monthly|weekly|years?)\b", re.I)
WITHIN = re.compile(r"\bwithin\s+" + DURATION.pattern.removeprefix(r"\b"), re.I)   # a time limit in any section
TELEPHONE = re.compile(r"(?<![\w/])0\d{2,4}[ \d]{6,10}\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
UNITS = {"working day": "working day", "day": "day", "hour": "hour", "week": "week", "weekly": "week",
         "month": "month", "monthly": "month", "year": "year"}


@dataclass(frozen=True)
class Duration:
    """A number and its unit: what must agree between the page's words and the data's."""

    number: int
    unit: str


def durations(text: str) -> tuple[Duration, ...]:
    """Every 'number unit' in a piece of text, units made singular ('10 working days' -> 10 working day)."""
    out = []
    for number, unit in DURATION.findall(text):
        unit = re.sub(r"\s+", " ", unit.lower()).removesuffix("s")
        out.append(Duration(int(number), UNITS.get(unit, unit)))
    return tuple(out)


def _timescale(p: Protocol, timescale_id: str) -> Timescale:
    found = [t for t in p.timescales if t.id == timescale_id]
    if not found:
        raise ValueError(f"there is no timescale '{timescale_id}' in data/timescales.toml; the timescales are "
                         + ", ".join(t.id for t in p.timescales))
    return found[0]


def disagreement(t: Timescale, words: str) -> str | None:
    """Why the page's ``words`` do not say the data's ``within``, or None when they agree."""
    page, data = durations(words), durations(t.within)
    if page == data:
        return None
    return (f"the page says '{words}' but data/timescales.toml, timescale '{t.id}', says within = \"{t.within}\"")


def timescale(p: Protocol, timescale_id: str, words: str | None = None) -> str:
    """The time allowed, from data (escaped like every value from data); or the page's own ``words``
    for it, checked against the data."""
    t = _timescale(p, timescale_id)
    if words is None:
        return text(t.within, markdown=True)
    problem = disagreement(t, words)
    if problem:
        raise ValueError(problem)
    return words


# -- the check before the build ---------------------------------------------------------

def _sections_of(p: Protocol, text: str) -> list[tuple[str, int, str]]:
    """(section number, where it starts, raw text) for each part of a page between its headings."""
    parts, number, pos = [], "", 0
    for m in HEADING_CALL.finditer(text):
        parts.append((number, pos, text[pos:m.start()]))
        try:
            number = find(p, m.group(1)).number
        except ValueError:
            number = m.group(1)
        pos = m.end()
    parts.append((number, pos, text[pos:]))
    return parts


def _line(text: str, start: int, offset: int) -> int:
    return text.count("\n", 0, start + offset) + 1


def _fix_call(t: Timescale) -> str:
    return f'{{{{ timescale("{t.id}") }}}}'


def check_prose(p: Protocol, docs_dir: Path) -> list[str]:
    """Every timescale, telephone number and e-mail in a section's text comes from data, and agrees with it."""
    problems: list[str] = []
    known = {t.id: t for t in p.timescales}
    cited_in: dict[str, set[str]] = {}
    called: dict[tuple[str, str], str] = {}          # (timescale id, section number) -> page
    for s in p.sections:
        for t in p.timescales:
            if any(find_number(p, ref) == s.number for ref in t.sections):
                cited_in.setdefault(s.number, set()).add(t.id)
    for page in sorted({s.page for s in p.sections}):
        path = docs_dir / page
        if not path.is_file():
            continue   # check_pages reports a missing page
        text = path.read_text(encoding="utf-8")
        for number, start, part in _sections_of(p, text):
            for m in TIMESCALE_CALL.finditer(part):
                where = f"docs/{page} (line {_line(text, start, m.start())})"
                t = known.get(m.group(1))
                if t is None:
                    problems.append(f"{where}: timescale(\"{m.group(1)}\"): there is no such timescale in "
                                    f"data/timescales.toml. Use one of: {', '.join(known)}.")
                    continue
                called[(t.id, number)] = page
                if m.group(2) is not None and (why := disagreement(t, m.group(2))):
                    problems.append(f"{where}, section {number}: {why}. Change one so they agree: the page's "
                                    f"words, or within in data/timescales.toml; or write {_fix_call(t)} to print "
                                    "the data's words.")
            own_words = ANY_CALL.sub(lambda c: " " * len(c.group(0)), part)
            if number in cited_in:
                for m in DURATION.finditer(own_words):
                    ids = ", ".join(sorted(cited_in[number]))
                    problems.append(f"docs/{page} (line {_line(text, start, m.start())}), section {number}: "
                                    f"'{m.group(0)}' is written on the page, but the timescales of this section "
                                    f"come from data/timescales.toml ({ids}). Write {{{{ timescale(\"<id>\") }}}} "
                                    "instead, so the page and the checker always agree.")
            elif number:
                for m in WITHIN.finditer(own_words):
                    problems.append(f"docs/{page} (line {_line(text, start, m.start())}), section {number}: "
                                    f"'{m.group(0)}' is a timescale written on the page, but data/timescales.toml "
                                    f"sets none in section {number}: add a [[timescale]] there with "
                                    f"sections = [\"{number}\"] and write {{{{ timescale(\"<id>\") }}}} instead, so "
                                    "the checker gives it too.")
            for pattern, field in ((TELEPHONE, "telephone"), (EMAIL, "email")):
                for m in pattern.finditer(own_words):
                    owner = next((sv for sv in p.services
                                  if (getattr(sv, field) or "").replace(" ", "") == m.group(0).replace(" ", "")), None)
                    fix = (f'write {{{{ contact("{owner.id}", "{field}") }}}} instead' if owner else
                           f"add it to the service in data/contacts.toml as {field} = \"...\" and write "
                           f'{{{{ contact("<service id>", "{field}") }}}} instead')
                    problems.append(f"docs/{page} (line {_line(text, start, m.start())}): the {field} '{m.group(0)}' "
                                    f"is written on the page: {fix}, so it is changed in one place only.")
    for t in p.timescales:
        for ref in t.sections:
            number = find_number(p, ref)
            if number and (t.id, number) not in called:
                s = p.section(ref)
                problems.append(f"data/timescales.toml, timescale '{t.id}' is set in section {number}, but "
                                f"docs/{s.page} does not print it there: write {_fix_call(t)} where section "
                                f"{number} gives the time (\"{t.within}\"), or remove \"{ref}\" from its sections.")
    problems += _review_period(p)
    return problems


def find_number(p: Protocol, ref: str) -> str | None:
    try:
        return find(p, ref).number
    except ValueError:
        return None


def _review_period(p: Protocol) -> list[str]:
    """data/protocol.toml's review_every_months and the 'protocol-review' timescale are the same fact."""
    t = next((t for t in p.timescales if t.id == "protocol-review"), None)
    if t is None or durations(t.within) == (Duration(p.document.review_every_months, "month"),):
        return []
    return [f"data/protocol.toml says review_every_months = {p.document.review_every_months}, but "
            f"data/timescales.toml, timescale 'protocol-review', says within = \"{t.within}\": make them agree."]


PAGE_FUNCTIONS = {"timescale": timescale}
