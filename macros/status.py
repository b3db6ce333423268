"""The version in force and whether its review is overdue: shown in every page's footer."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from decision_aid import Protocol

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def _month(text: str) -> tuple[int, int]:
    year, month = (int(x) for x in text.split("-")[:2])
    return year, month


def readable(text: str) -> str:
    """'2018-04' -> 'April 2018'; '2018-04-12' -> '12 April 2018'."""
    parts = [int(x) for x in text.split("-")]
    month_year = f"{MONTHS[parts[1] - 1]} {parts[0]}"
    return f"{parts[2]} {month_year}" if len(parts) == 3 else month_year


@dataclass(frozen=True)
class Status:
    title: str
    board: str
    version: str
    implemented: str
    review_due: str
    review_overdue: bool
    print_notice: str


def status(p: Protocol, today: date) -> Status:
    current = p.document.current
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
    )


def as_dict(s: Status) -> dict:
    return asdict(s)
