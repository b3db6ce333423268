"""What the professional tells the aid: the ``Situation``, and checking it.

Input arrives from a form, a command line or JavaScript, so every mistake becomes an
``InvalidSituation`` that a professional can act on, never a traceback.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional

from . import model as m


class InvalidSituation(ValueError):
    """The situation cannot be assessed; the message says why and how to fix it."""


@dataclass(frozen=True)
class Situation:
    """What the professional knows. Each question is yes (True), no (False) or not sure
    (None, the default): an unanswered question is never taken as "no" (see rules.py)."""

    age: int
    behaviours: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    developmental_band: Optional[str] = None
    another_child_harmed: Optional[bool] = None
    child_may_be_abused: Optional[bool] = None
    siblings_at_risk: Optional[bool] = None
    known_to_cssw: Optional[bool] = None
    looked_after: Optional[bool] = None
    lives_in_other_authority: Optional[bool] = None
    police_involved: Optional[bool] = None
    sexual_exploitation: Optional[bool] = None
    gang_involvement: Optional[bool] = None
    release_from_custody: Optional[bool] = None
    # Where the checker's user works; None: not said. Not saying never hides a setting's
    # own steps (rules.py): they are listed for whoever takes them, as another's.
    setting: Optional[str] = None

    def __post_init__(self) -> None:
        # Lists are accepted for convenience; store tuples so the record stays frozen.
        for name in ("behaviours", "indicators"):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    @classmethod
    def from_value(cls, value: "Situation | Mapping[str, Any]") -> "Situation":
        """Accept a Situation or a plain dict with the same field names (as the browser sends)."""
        if isinstance(value, Situation):
            return value
        if not isinstance(value, Mapping):
            raise InvalidSituation("The situation must be a set of named answers (age, behaviours, ...).")
        known = [f.name for f in fields(cls)]
        unknown = sorted((str(u) for u in set(value) - set(known)), key=str)
        if unknown:
            names = ", ".join(describe(u) for u in unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
            raise InvalidSituation(f"Unknown field {names}: the fields are {', '.join(known)}.")
        if "age" not in value:
            raise InvalidSituation("Give the child's age in whole years (0 to 17).")
        return cls(**dict(value))


def describe(value: Any, limit: int = 60) -> str:
    """A value as the person who sent it would write it (JSON/JavaScript terms), cut to ``limit``.

    Input may come from JavaScript, and may be huge: messages never echo more than a line.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)}"
    if isinstance(value, Mapping):
        return "a set of named values"
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = type(value).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


def check_age(value: Any) -> int:
    """A whole age from 0 to 17, or InvalidSituation saying why not."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSituation(f"The child's age must be a whole number of years (0 to 17), not {describe(value)}.")
    if value < 0 or value > 17:
        raise InvalidSituation(
            f"An age of {describe(value)} is outside this protocol: it covers children and young people under 18 "
            "(ages 0 to 17). Enter the age in whole years.")
    return value


def _ids(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InvalidSituation(f"The {what} must be a list of ids, not {describe(value)}.")
    for v in value:
        if not isinstance(v, str):
            raise InvalidSituation(f"Each of the {what} must be an id (text), not {describe(v)}.")
    return tuple(dict.fromkeys(value))


def developments(protocol: m.Protocol, age: int) -> tuple[str, ...]:
    """The developmental bands accepted at ``age``: the child's own band or a younger one.
    An older band would read the behaviour against older children's norms: less protective (section 5)."""
    return tuple(b.id for b in protocol.bands if b.min_age <= age)


def check(situation: Situation, protocol: m.Protocol) -> Situation:
    """Return the situation normalised (ids de-duplicated, age an int) or raise InvalidSituation."""
    age = check_age(situation.age)
    behaviours = _ids(situation.behaviours, "behaviours")
    indicators = _ids(situation.indicators, "indicators")
    if not behaviours and not indicators:
        raise InvalidSituation("Choose at least one behaviour you have seen (or an indicator of harm from section 4).")
    known_behaviours = {b.id for b in protocol.behaviours}
    for b in behaviours:
        if b not in known_behaviours:
            raise InvalidSituation(
                f"Unknown behaviour {describe(b)}. The behaviours and their ids are in the traffic light tool (Appendix 1); "
                "'python -m decision_aid behaviours --age N' lists them.")
    known_indicators = [i.id for i in protocol.indicators]
    for i in indicators:
        if i not in known_indicators:
            raise InvalidSituation(f"Unknown indicator of harm {describe(i)}. The indicators (section 4) are: {', '.join(known_indicators)}.")
    band = situation.developmental_band
    band_ids = [b.id for b in protocol.bands]
    if band is not None and band not in band_ids:
        raise InvalidSituation(f"Unknown developmental band {describe(band)}. The age bands of the traffic light tool are: {', '.join(band_ids)}.")
    if band is not None and band not in developments(protocol, age):
        own = " or ".join(protocol.band(b).label for b in developments(protocol, age))
        raise InvalidSituation(
            f"A developmental band older than the child cannot be used: {protocol.band(band).label} starts above "
            f"age {age}. Choose the child's own band or a younger one ({own}), for a child whose development "
            "is behind their age (section 5).")
    setting_ids = [s.id for s in protocol.settings]
    if situation.setting is not None and situation.setting not in setting_ids:
        raise InvalidSituation(f"Unknown setting {describe(situation.setting)}. The settings are: {', '.join(setting_ids)}.")
    for flag in m.SITUATION_FLAGS:
        if getattr(situation, flag) is not None and not isinstance(getattr(situation, flag), bool):
            raise InvalidSituation(f"The answer to '{flag}' must be true (yes), false (no) or null (not sure), "
                                   f"not {describe(getattr(situation, flag))}.")
    order = {b.id: n for n, b in enumerate(protocol.behaviours)}
    iorder = {i: n for n, i in enumerate(known_indicators)}
    # Sorting makes the result independent of the order the answers were given in.
    return Situation(**{**{f.name: getattr(situation, f.name) for f in fields(Situation)},
                        "age": age,
                        "behaviours": tuple(sorted(behaviours, key=order.__getitem__)),
                        "indicators": tuple(sorted(indicators, key=iorder.__getitem__))})
