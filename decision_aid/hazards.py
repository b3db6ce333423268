"""The routing's hazard log (data/hazards.toml): each hazard, its control and its tests.

Read by the same validated machinery as the rest of ``data/``, but kept apart from the
``Protocol``: the board reviews it, staff never get it as guidance, and the browser
never loads it (the wheel leaves it out).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .loader import DataError, _entries, _Source, default_data_dir

STATUSES = ("controlled", "open")


@dataclass(frozen=True)
class Hazard:
    id: str
    hazard: str
    cause: str
    effect: str
    control: str
    tests: tuple[str, ...]
    sections: tuple[str, ...]
    status: str


def load_hazards(folder: str | Path | None = None) -> tuple[Hazard, ...]:
    """Every hazard, checked: a control, at least one test named "file::test", a known status."""
    folder = Path(folder) if folder is not None else default_data_dir()
    problems: list[str] = []
    src = _Source(folder, "hazards.toml", problems)
    hazards = _entries(src, "hazard", "hazard", "id",
                       {"id": "text", "hazard": "text", "cause": "text", "effect": "text", "control": "text",
                        "tests": "texts", "sections": "texts", "status": "text"}, Hazard)
    for h in hazards:
        where = src.where("hazard", "id", h.id)
        if h.status not in STATUSES:
            problems.append(f"{where}: status '{h.status}' must be one of {', '.join(STATUSES)}.")
        if not h.tests or any("::" not in t for t in h.tests):
            problems.append(f"{where}: list the tests that prove the control as \"tests/file.py::test_name\".")
    if problems:
        raise DataError(problems)
    return hazards
