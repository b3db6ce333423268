"""``data/review.toml``: the facts the review report checks against, read and checked.

Board members extend this file by hand, so a mistake is reported like the protocol
data's: the file, the entry and its line, what is wrong and how to fix it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import ReviewError

FILE = "review.toml"
KINDS = ("legislation", "statutory guidance", "guidance", "local procedure", "tool")


@dataclass(frozen=True)
class Reference:
    id: str
    title: str
    cited_as: str
    kind: str
    dated: str
    sections: tuple[str, ...]
    check: str
    checked: date | None = None


@dataclass(frozen=True)
class KnownNumbering:
    number: str
    kind: str
    note: str


@dataclass(frozen=True)
class KnownCrossReference:
    section: str
    cites: str
    note: str


@dataclass(frozen=True)
class NoRoute:
    section: str
    reason: str


@dataclass(frozen=True)
class Facts:
    references: tuple[Reference, ...] = ()
    numbering: tuple[KnownNumbering, ...] = ()
    cross_references: tuple[KnownCrossReference, ...] = ()
    well_known: tuple[str, ...] = ()
    no_route_needed: tuple[NoRoute, ...] = ()
    problems: tuple[str, ...] = field(default=())


def _line(text: str, key: str, value: str) -> str:
    m = re.search(rf'^\s*{re.escape(key)}\s*=\s*"{re.escape(value)}"', text, re.M)
    return f" (line {text.count(chr(10), 0, m.start()) + 1})" if m else ""


def load_facts(data_dir: Path) -> Facts:
    """Read data/review.toml. A missing file gives empty facts (the report says so)."""
    path = data_dir / FILE
    label = f"data/{FILE}"
    if not path.is_file():
        return Facts(problems=(f"{label} is missing, so no dated references or known anomalies can be checked. "
                               "Restore it from the last published version.",))
    text = path.read_text(encoding="utf-8")
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ReviewError(f"{label}: the file cannot be read: {e}. Check that text is in \"double quotes\" and each "
                          "line is key = value.") from None
    problems: list[str] = []

    def entries(name: str, key: str, required: dict[str, type], optional: dict[str, type] = {}) -> list[dict]:
        out = []
        items = raw.get(name, [])
        if not isinstance(items, list):
            problems.append(f"{label}: [{name}] should be [[{name}]] (double brackets), one per entry.")
            return []
        for item in items:
            where = f"{label}, {name} '{item.get(key, '?')}'{_line(text, key, str(item.get(key, '')))}"
            ok = True
            for k, t in required.items():
                if k not in item:
                    problems.append(f"{where}: the field '{k}' is missing: add {k} = ...")
                    ok = False
                elif not isinstance(item[k], t):
                    problems.append(f"{where}: '{k}' should be {'a list in [square brackets]' if t is list else 'text in quotes'}.")
                    ok = False
            for k in item:
                if k not in required and k not in optional:
                    problems.append(f"{where}: unknown field '{k}'; the fields are {', '.join([*required, *optional])}.")
                    ok = False
            if ok:
                out.append(dict(item, _where=where))
        return out

    refs = []
    for r in entries("reference", "id", {"id": str, "title": str, "cited_as": str, "kind": str, "dated": str,
                                           "sections": list, "check": str}, {"checked": (str, date)}):
        if r["kind"] not in KINDS:
            problems.append(f"{r['_where']}: kind '{r['kind']}' is not one of {', '.join(KINDS)}.")
        checked = r.get("checked")
        if isinstance(checked, str):
            try:
                checked = date.fromisoformat(checked)
            except ValueError:
                problems.append(f"{r['_where']}: checked '{checked}' is not a date: write it as YYYY-MM-DD.")
                checked = None
        refs.append(Reference(r["id"], r["title"], r["cited_as"], r["kind"], r["dated"], tuple(r["sections"]),
                              r["check"], checked))
    numbering = []
    for n in entries("numbering", "number", {"number": str, "kind": str, "note": str}):
        if n["kind"] not in ("missing", "duplicate"):
            problems.append(f"{n['_where']}: kind '{n['kind']}' should be \"missing\" or \"duplicate\".")
        numbering.append(KnownNumbering(n["number"], n["kind"], n["note"]))
    crossrefs = [KnownCrossReference(c["section"], c["cites"], c["note"])
                 for c in entries("cross_reference", "cites", {"section": str, "cites": str, "note": str})]
    no_route = [NoRoute(n["section"], n["reason"]) for n in entries("no_route_needed", "section",
                                                                      {"section": str, "reason": str})]
    abbreviations = raw.get("abbreviations", {})
    well_known = abbreviations.get("well_known", []) if isinstance(abbreviations, dict) else []
    if not isinstance(well_known, list) or not all(isinstance(w, str) for w in well_known):
        problems.append(f"{label}, [abbreviations]: well_known should be a list of words in quotes, "
                        "e.g. well_known = [\"TV\", \"UK\"].")
        well_known = []
    unknown = set(raw) - {"reference", "numbering", "cross_reference", "abbreviations", "no_route_needed"}
    for u in sorted(unknown):
        problems.append(f"{label}: unknown part '{u}'; the parts are [[reference]], [[numbering]], "
                        "[[cross_reference]], [abbreviations] and [[no_route_needed]].")
    return Facts(tuple(refs), tuple(numbering), tuple(crossrefs), tuple(well_known), tuple(no_route),
                 tuple(problems))
