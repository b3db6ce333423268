"""Breaking changes: published ids that are gone, and what no situation can reach any more.

A removed or renamed behaviour breaks the links staff have saved; a removed step, rule,
question or timescale changes what staff can be told. Each must be recorded in
``data/retired.toml`` with a reason and what replaces it, or the release refuses it.
After an edit, a step, rule, question or timescale that no situation can reach is as
good as removed: ``decision_aid.reachability`` finds them (shared with the routing work).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decision_aid.model import Protocol

from macros.retired import FILE, KINDS, NOTHING, Retired, ids, read


@dataclass(frozen=True)
class Gone:
    """One published id the new version no longer has; ``renamed_to`` when the same entry got a new id."""

    kind: str
    id: str
    name: str
    renamed_to: str | None = None


def describe(p: Protocol, kind: str, key: str) -> str:
    """An entry as people know it: what it says, not its id."""
    attr, field = KINDS[kind]
    x = next((x for x in getattr(p, attr) if getattr(x, field) == key), None)
    if x is None:
        return f"'{key}'"
    words: dict[str, Any] = {
        "behaviour": lambda b: f"{b.band} “{b.text}”",
        "section": lambda s: f"{s.number} {s.title}",
        "step": lambda s: f"“{s.who}: {s.action}”" if s.action else f"“{s.who}”",
        "rule": lambda r: f"“{r.note}”" if r.note else f"the rule '{r.id}'",
        "question": lambda q: f"“{q.question}”",
        "timescale": lambda t: f"“{t.what}” within {t.within}",
        "contact": lambda s: s.name + (f" ({s.telephone})" if s.telephone else ""),
        "link": lambda link: f"{link.title} ({link.url})",
        "threshold": lambda t: f"“{t.label}”",
        "category": lambda c: f"“{c.label}”",
        "indicator": lambda i: f"“{i.text}”",
        "setting": lambda s: f"“{s.label}”",
        "band": lambda b: f"age band {b.label}",
        "colour": lambda c: f"colour {c.label}",
    }
    return words[kind](x)


def _same_entry(kind: str, a: Any, b: Any) -> bool:
    """Everything but the id is the same: a rename, not a removal and an addition."""
    key = KINDS[kind][1]
    return {k: v for k, v in vars(a).items() if k != key} == {k: v for k, v in vars(b).items() if k != key}


def gone(old: Protocol, new: Protocol) -> list[Gone]:
    """Every id of a published kind in ``old`` that ``new`` does not have, behaviours first."""
    out = []
    for kind, (attr, key) in KINDS.items():
        now = set(ids(new, kind))
        added = [x for x in getattr(new, attr) if getattr(x, key) not in set(ids(old, kind))]
        for x in getattr(old, attr):
            if getattr(x, key) in now:
                continue
            twin = next((a for a in added if _same_entry(kind, x, a)), None)
            out.append(Gone(kind, getattr(x, key), describe(old, kind, getattr(x, key)),
                            getattr(twin, key) if twin is not None else None))
    return out


def unrecorded(items: list[Gone], retired: tuple[Retired, ...]) -> list[Gone]:
    recorded = {(r.kind, r.id) for r in retired}
    return [g for g in items if (g.kind, g.id) not in recorded]


def gone_words(g: Gone, new: Protocol, retired: tuple[Retired, ...]) -> str:
    """'behaviour 9-13 “needs privacy” (id ...) was removed: recorded in data/retired.toml (reason; replaced by ...)'."""
    what = f"{g.kind} {g.name} (id '{g.id}')"
    change = f"was renamed to '{g.renamed_to}'" if g.renamed_to else "was removed"
    entry = next((r for r in retired if (r.kind, r.id) == (g.kind, g.id)), None)
    if entry is None:
        fix = (f"NOT recorded in data/{FILE}: the release will refuse it until it is (kind = \"{g.kind}\", "
               f"id = \"{g.id}\", version, reason, replaced_by)")
    else:
        instead = ("nothing replaces it" if entry.replaced_by == NOTHING
                   else f"replaced by {describe(new, g.kind, entry.replaced_by)}")
        fix = f"recorded in data/{FILE}: {entry.reason} ({instead})"
    return f"{what} {change}; {fix}."


def refusal(items: list[Gone], against: str) -> str:
    """The release's message when published ids are gone and not recorded."""
    lines = [f"  - {g.kind} {g.name} (id '{g.id}')" + (f", renamed to '{g.renamed_to}'" if g.renamed_to else "")
             for g in items]
    first = items[0]
    return (f"Published ids are gone since {against} and are not recorded in data/{FILE}:\n" + "\n".join(lines)
            + f"\nStaff have saved links to them, or the checker tells staff about them. Restore each one, or "
            f"record it in data/{FILE}, for example:\n\n    [[retired]]\n    kind = \"{first.kind}\"\n"
            f"    id = \"{first.id}\"\n    version = \"...\"\n    reason = \"Why it was removed, in plain words.\"\n"
            f"    replaced_by = \"{first.renamed_to or NOTHING}\"\n")


def retired_in(data_dir: Path) -> tuple[Retired, ...]:
    return read(data_dir)[0]


# -- what no situation can reach ----------------------------------------------------------

REACH_KINDS = ("steps", "rules", "questions", "timescales")
REACH_WORDS = {"steps": "step", "rules": "rule", "questions": "question", "timescales": "timescale"}


def unreachable(p: Protocol) -> dict[str, list[str]] | None:
    """decision_aid.reachability's answer, or None where that analysis is not installed."""
    try:
        from decision_aid.reachability import unreachable as analyse
    except ImportError:
        return None
    found = analyse(p)
    return {k: list(found.get(k, [])) for k in REACH_KINDS}


def newly_unreachable(old: Protocol | None, new: Protocol) -> list[str] | None:
    """Plain lines for what no situation can reach in ``new`` (and could in ``old``, when given)."""
    now = unreachable(new)
    if now is None:
        return None
    before = unreachable(old) if old is not None else {k: [] for k in REACH_KINDS}
    lines = []
    for k in REACH_KINDS:
        kind = REACH_WORDS[k]
        for key in now[k]:
            was = " (it could be reached before this edit)" if key not in (before or {}).get(k, []) else ""
            lines.append(f"{kind} {describe(new, kind, key) if kind in KINDS else key} (id '{key}'): no situation "
                         f"can reach it, so the checker never gives it{was}.")
    return lines
