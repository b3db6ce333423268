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


@dataclass(frozen=True)
class Assessment:
    colour: Optional[str]
    colour_label: Optional[str]
    category: str
    category_label: str
    threshold: str
    threshold_label: str
    bands: tuple[str, ...]
    behaviours: tuple[AssessedBehaviour, ...]
    steps: tuple[Step, ...]
    referral_must_include: tuple[str, ...]
    consent: Consent
    notes: tuple[str, ...]
    reasons: tuple[Reason, ...]
    protocol_version: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: tuples become lists, records become dicts."""
        return _jsonable(asdict(self))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
