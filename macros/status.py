"""The version in force, the coming one, whether its review is overdue, and whether this is a draft.

Shown in every page's footer, the print header and a notice at the top of every page.
A version whose implementation date is still to come is "approved, in force from <date>":
until then the version before it stays in force, and nothing is marked superseded early.
A build that ``python -m hsb_review release`` did not make is a draft (it sets
``HSB_RELEASE_BUILD=1`` for its own build), so a preview can never pass for the protocol.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import date

from decision_aid import Protocol
from decision_aid.model import Version

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")
RELEASE_VARIABLE = "HSB_RELEASE_BUILD"


def _month(text: str) -> tuple[int, int]:
    year, month = (int(x) for x in text.split("-")[:2])
    return year, month


def readable(text: str) -> str:
    """'2018-04' -> 'April 2018'; '2018-04-12' -> '12 April 2018'."""
    parts = [int(x) for x in text.split("-")]
    month_year = f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{parts[2]} {month_year}" if len(parts) == 3 else month_year


def when(text: str) -> str:
    """'on 1 December 2026' for a day, 'in April 2018' for a month: the preposition English wants."""
    return ("on " if text.count("-") == 2 else "in ") + readable(text)


def starts(text: str) -> date:
    """The first day a date written as YYYY-MM or YYYY-MM-DD covers."""
    parts = [int(x) for x in text.split("-")] + [1]
    return date(parts[0], parts[1], parts[2])


def in_force(p: Protocol, today: date) -> Version:
    """The last version whose implementation date has come (the first version if none has)."""
    versions = p.document.versions
    return next((v for v in reversed(versions) if starts(v.implemented) <= today), versions[0])


def coming(p: Protocol, today: date) -> tuple[Version, ...]:
    """Versions approved but not in force yet, oldest first."""
    versions = p.document.versions
    return versions[versions.index(in_force(p, today)) + 1:]


def is_release_build() -> bool:
    return os.environ.get(RELEASE_VARIABLE) == "1"


@dataclass(frozen=True)
class Status:
    title: str
    board: str
    version: str                   # the version this site shows (the last listed)
    implemented: str
    review_due: str
    review_overdue: bool
    print_notice: str
    in_force: bool = True          # whether the version shown is in force today
    in_force_version: str = ""     # the version in force today
    notice: str = ""               # a coming change, in words ("" when none)
    draft: bool = False            # a build of edits not yet released
    pdf: str = ""                  # site-relative address of the shown version's PDF, when the release adds it


def _notice(p: Protocol, today: date) -> str:
    pending = coming(p, today)
    if not pending:
        return ""
    current, nxt = in_force(p, today), pending[0]
    approved = f", approved {when(nxt.approved)}," if nxt.approved else ", approved,"
    return (f"Coming change: version {nxt.number}{approved} is in force from {readable(nxt.implemented)}. "
            f"Until then version {current.number} (implemented {when(current.implemented)}) is the version "
            f"in force.")


def status(p: Protocol, today: date, draft: bool | None = None) -> Status:
    current = p.document.current
    force = in_force(p, today)
    year, month = _month(current.implemented)
    months = year * 12 + (month - 1) + p.document.review_every_months
    due_year, due_month = divmod(months, 12)
    return Status(
        title=p.document.title,
        board=p.document.board,
        version=current.number,
        implemented=readable(current.implemented),
        review_due=f"{MONTHS[due_month]} {due_year}",
        review_overdue=(today.year, today.month) > (due_year, due_month + 1),
        print_notice=p.document.print_notice,
        in_force=force is current,
        in_force_version=force.number,
        notice=_notice(p, today),
        draft=(not is_release_build()) if draft is None else draft,
        pdf=_pdf(current.number),
    )


def _pdf(number: str) -> str:
    from .history import pdf_name, released_pdfs  # history reads dates through this module
    return f"versions/{number}/{pdf_name(number)}" if number in released_pdfs() else ""


def as_dict(s: Status) -> dict:
    return asdict(s)
