"""What the professional tells the aid: the ``Situation``, and checking it.

Input arrives from a form, a command line or JavaScript, so every mistake becomes an
``InvalidSituation`` that a professional can act on, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional

from . import model as m


class InvalidSituation(ValueError):
    """The situation cannot be assessed; the message says why and how to fix it."""


@dataclass(frozen=True)
class Situation:
    age: int
    behaviours: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    developmental_band: Optional[str] = None
    another_child_harmed: bool = False
    child_may_be_abused: bool = False
    siblings_at_risk: bool = False
    known_to_cssw: bool = False
    looked_after: bool = False
    lives_in_other_authority: bool = False
    police_involved: bool = False
    exploitation_or_gangs: bool = False
    setting: str = "other"

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
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise InvalidSituation(f"Unknown field {', '.join(repr(u) for u in unknown)}: the fields are {', '.join(known)}.")
        if "age" not in value:
            raise InvalidSituation("Give the child's age in whole years (0 to 17).")
        return cls(**dict(value))


def check_age(value: Any) -> int:
    """A whole age from 0 to 17, or InvalidSituation saying why not."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidSituation(f"The child's age must be a whole number of years (0 to 17), not {value!r}.")
    if value < 0 or value > 17:
        raise InvalidSituation(
            f"An age of {value} is outside this protocol: it covers children and young people under 18 "
            "(ages 0 to 17). Enter the age in whole years.")
    return value


def _ids(value: Any, what: str) -> tuple[str, ...]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise InvalidSituation(f"The {what} must be a list of ids, not {value!r}.")
    for v in value:
        if not isinstance(v, str):
            raise InvalidSituation(f"Each of the {what} must be an id (text), not {v!r}.")
    return tuple(dict.fromkeys(value))


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
                f"Unknown behaviour '{b}'. The behaviours and their ids are in the traffic light tool (Appendix 1); "
                "'python -m decision_aid behaviours --age N' lists them.")
    known_indicators = [i.id for i in protocol.indicators]
    for i in indicators:
        if i not in known_indicators:
            raise InvalidSituation(f"Unknown indicator of harm '{i}'. The indicators (section 4) are: {', '.join(known_indicators)}.")
    band = situation.developmental_band
    band_ids = [b.id for b in protocol.bands]
    if band is not None and band not in band_ids:
        raise InvalidSituation(f"Unknown developmental band {band!r}. The age bands of the traffic light tool are: {', '.join(band_ids)}.")
    setting_ids = [s.id for s in protocol.settings]
    if situation.setting not in setting_ids:
        raise InvalidSituation(f"Unknown setting {situation.setting!r}. The settings are: {', '.join(setting_ids)}.")
    for flag in m.SITUATION_FLAGS:
        if not isinstance(getattr(situation, flag), bool):
            raise InvalidSituation(f"The answer to '{flag}' must be true or false, not {getattr(situation, flag)!r}.")
    order = {b.id: n for n, b in enumerate(protocol.behaviours)}
    iorder = {i: n for n, i in enumerate(known_indicators)}
    # Sorting makes the result independent of the order the answers were given in.
    return Situation(**{**{f.name: getattr(situation, f.name) for f in fields(Situation)},
                        "age": age,
                        "behaviours": tuple(sorted(behaviours, key=order.__getitem__)),
                        "indicators": tuple(sorted(indicators, key=iorder.__getitem__))})
