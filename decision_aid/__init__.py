"""The Camden harmful sexual behaviour protocol's decision aid.

Classifies a child's sexual behaviour (traffic light colour, category, threshold) and
lists what must happen next, by whom and by when, each step citing its section. All
rules and wording come from ``data/``; this package only applies them. Standard
library only, so the same code runs in the browser under Pyodide.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Mapping

from . import rules as _rules
from .assessment import AssessedBehaviour, Assessment, Consent, Contact, Reason, Step, TakenAsYes, Unsure
from .loader import DataError, default_data_dir, load
from .model import Band, Behaviour, Indicator, Protocol
from .situation import InvalidSituation, Situation, check, check_age

__all__ = [
    "AssessedBehaviour", "Assessment", "Band", "Behaviour", "Consent", "Contact", "DataError", "Indicator",
    "InvalidSituation", "Protocol", "Reason", "Situation", "Step", "assess", "bands", "bands_for_age",
    "catalogue", "indicators", "load", "protocol", "relevant_questions", "TakenAsYes", "Unsure",
]


@lru_cache(maxsize=1)
def protocol() -> Protocol:
    """The protocol in force, read once from the project's data."""
    return load(default_data_dir())


def catalogue() -> list[Behaviour]:
    """Every behaviour of the traffic light tool, in published order."""
    return list(protocol().behaviours)


def bands() -> list[Band]:
    return list(protocol().bands)


def indicators() -> list[Indicator]:
    """The indicators of harm of section 4."""
    return list(protocol().indicators)


def bands_for_age(age: int) -> list[str]:
    """The band ids that apply at a whole age: both bands at a boundary (the bands overlap)."""
    return list(_rules.bands_for_age(protocol(), check_age(age)))


def assess(situation: Situation | Mapping[str, Any], data: Protocol | None = None) -> Assessment:
    """Assess one situation; raises InvalidSituation with a plain message on bad input."""
    return _rules.assess(data or protocol(), Situation.from_value(situation))


def relevant_questions(situation: Situation | Mapping[str, Any], data: Protocol | None = None) -> dict[str, list[str]]:
    """Which questions and indicators could change this result (yes, no or not sure).

    Lets the checker ask only what matters, without knowing any rule itself.
    """
    return _rules.relevant_questions(data or protocol(), Situation.from_value(situation))
