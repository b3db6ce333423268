"""What the aid answers: the ``Assessment`` and its parts, as plain frozen records.

``to_dict`` is the exchange format with the browser, so it holds only JSON types and
its output is the same under CPython and Pyodide.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class AssessedBehaviour:
    id: str
    text: str
    band: str          # the band it was assessed under
    colour: str        # its colour for this child
    colour_label: str
    listed_band: str   # the band the chosen entry is listed in


@dataclass(frozen=True)
class Contact:
    name: str
    telephone: Optional[str] = None
    email: Optional[str] = None


@dataclass(frozen=True)
class Step:
    id: str
    who: str
    action: str
    within: Optional[str]
    sections: tuple[str, ...]
    contact: Optional[Contact] = None
    source: str = "protocol"                # or "board": the board's interpretation
    interpretation: Optional[str] = None    # the board's one-line reason, shown with the step
    yours: bool = False                     # the checker's user takes it (data: the step's "user")
    user: tuple[str, ...] = ()              # whose step it is: "any", setting ids, or () another agency's
    headline: bool = False                  # its time limit is the one the result's headline states


@dataclass(frozen=True)
class Consent:
    text: str
    always: str
    sections: tuple[str, ...]
    note: Optional[str] = None


@dataclass(frozen=True)
class Reason:
    """A rule that applied, so every outcome can be traced to its sections."""

    rule: str
    category: Optional[str]
    threshold: Optional[str]
    sections: tuple[str, ...]
    source: str = "protocol"
    interpretation: Optional[str] = None


@dataclass(frozen=True)
class TakenAsYes:
    """An unanswered question answered by the own words of a behaviour (e.g. "forcing other
    children") or an indicator ("between children of divergent ages"): ``behaviour`` is its id."""

    question: str
    behaviour: str
    flag: str
    note: str


@dataclass(frozen=True)
class Unsure:
    """A question answered "not sure", and what the route would be if the answer were yes."""

    question: str
    text: str
    threshold: str
    threshold_label: str
    raises_threshold: bool
    steps_if_yes: tuple["Step", ...]
    note: str


@dataclass(frozen=True)
class Assessment:
    colour: Optional[str]
    colour_label: Optional[str]
    category: str
    category_label: str
    threshold: str
    threshold_label: str
    # The threshold if every "not sure" answer were yes: the headline shows it when higher.
    possible_threshold: str
    possible_threshold_label: str
    bands: tuple[str, ...]
    behaviours: tuple[AssessedBehaviour, ...]
    # Each question's answer as used: True, False or None (not sure).
    answers: tuple[tuple[str, Optional[bool]], ...]
    taken_as_yes: tuple[TakenAsYes, ...]
    unsure: tuple[Unsure, ...]
    steps: tuple[Step, ...]
    referral_must_include: tuple[str, ...]
    consent: Optional[Consent]     # None where no information is shared (below data's from_threshold)
    notes: tuple[str, ...]
    reasons: tuple[Reason, ...]
    protocol_version: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tuples become lists, records become dicts, the answers an object."""
        out = _jsonable(asdict(self))
        out["answers"] = dict(self.answers)
        return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
