"""The decision aid's answer for every behaviour, at every age, in every variation, under two versions.

A *case* is one behaviour at one whole age, either on its own or with one more thing
known about the situation: one yes/no question answered yes (the eight flags), one
indicator of harm, or where the user works (not said by default); and, where a rule or step in
either version tests several of these together (coercion *and* another child harmed; a
school *and* a victim), with that combination too. Each case is assessed under
both versions with ``decision_aid.assess(..., data=protocol)`` and the results compared:
colour, category, threshold, and the steps (id and timescale) in order.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import decision_aid
from decision_aid.model import SITUATION_FLAGS, Protocol

FLAG_WORDS = {
    "another_child_harmed": "another child harmed",
    "child_may_be_abused": "evidence the child may be abused",
    "siblings_at_risk": "younger siblings at risk",
    "known_to_cssw": "the child already open to CSSW",
    "looked_after": "the child looked after",
    "lives_in_other_authority": "the child living in another authority",
    "police_involved": "the police involved",
    "sexual_exploitation": "signs of child sexual exploitation",
    "gang_involvement": "a link to gang activity",
    "release_from_custody": "release from custody",
}
KIND_WORDS = {
    "flag": "with any one yes/no question answered yes",
    "indicator": "with any one indicator of harm",
    "setting": "in any setting",
}


@dataclass(frozen=True, order=True)
class Variation:
    kind: str    # "alone", "flag", "indicator", "setting", "combined"
    id: str = ""
    parts: tuple["Variation", ...] = ()   # for "combined": the single variations together
    label: str = field(default="", compare=False)   # what the data calls it (an indicator's words, a setting)

    @staticmethod
    def combined(parts: tuple["Variation", ...]) -> "Variation":
        parts = tuple(sorted(set(parts)))
        return Variation("combined", "+".join(f"{p.kind}:{p.id}" for p in parts), parts)

    @property
    def words(self) -> str:
        if self.kind == "combined":
            things = [p.words.removeprefix("with ") for p in self.parts if p.kind != "setting"]
            places = [p.words for p in self.parts if p.kind == "setting"]
            return ", ".join((["with " + " and ".join(things)] if things else []) + places)
        if self.kind == "alone":
            return "on its own"
        if self.kind == "flag":
            return "with " + FLAG_WORDS.get(self.id, self.id.replace("_", " "))
        if self.kind == "flag-no":
            return "with no " + FLAG_WORDS.get(self.id, self.id.replace("_", " "))
        if self.kind == "indicator":
            return f"with the indicator of harm “{self.label or self.id}”"
        return f"in the setting “{self.label or self.id}”"

    def situation(self, behaviour: str, age: int) -> dict:
        s: dict = {"age": age, "behaviours": [behaviour]}
        if self.kind == "combined":
            for part in self.parts:
                extra = part.situation(behaviour, age)
                s["indicators"] = s.get("indicators", []) + extra.pop("indicators", [])
                s.update(extra)
        elif self.kind == "flag":
            s[self.id] = True
        elif self.kind == "flag-no":
            s[self.id] = False
        elif self.kind == "indicator":
            s["indicators"] = [self.id]
        elif self.kind == "setting":
            s["setting"] = self.id
        return s


@dataclass(frozen=True, order=True)
class Case:
    behaviour: str
    age: int
    variation: Variation


@dataclass(frozen=True)
class Outcome:
    colour: str | None
    category: str
    threshold: str
    steps: tuple[tuple[str, str | None], ...]   # (step id, within)

    @property
    def classification(self) -> tuple:
        return (self.colour, self.category, self.threshold)


def variations(old: Protocol, new: Protocol) -> list[Variation]:
    """Every variation both versions can assess: flags, shared indicators, shared settings."""
    out = [Variation("alone")]
    out += [Variation("flag", f) for f in SITUATION_FLAGS]
    # A question a behaviour's own words can answer is also tried answered "no" (unanswered,
    # the behaviour answers it): both routes are what staff can be given.
    implied = sorted({f.implies for p in (old, new) for f in p.flags if f.implies})
    out += [Variation("flag-no", f) for f in implied]
    new_indicators = {i.id for i in new.indicators}
    out += [Variation("indicator", i.id, label=i.text) for i in old.indicators if i.id in new_indicators]
    new_settings = {s.id for s in new.settings}
    out += [Variation("setting", s.id, label=s.label) for s in old.settings if s.id in new_settings]
    singles = {v: v for v in out}   # the labelled variation for each (kind, id)
    combos: set[Variation] = set()
    for p in (old, new):
        for c in [r.when for r in p.rules] + [s.when for s in p.steps]:
            flags = [Variation("flag", name) for name, wanted in c.situation if wanted]
            first_indicator = next((v for v in out if v.kind == "indicator"), None)
            if c.indicator:
                indicators = [Variation("indicator", i) for i in c.indicator]
            elif c.any_indicator:
                indicators = [first_indicator]
            elif c.setting and c.threshold:
                # A setting's steps at a threshold an indicator of harm can reach (early help at school).
                indicators = [None, first_indicator]
            else:
                indicators = [None]
            settings = [Variation("setting", s) for s in c.setting or ()] or [None]
            for i in indicators:
                for s in settings:
                    parts = tuple(x for x in (*flags, i, s) if x is not None)
                    if len(parts) >= 2 and all(x in singles for x in parts):
                        combos.add(Variation.combined(tuple(singles[x] for x in parts)))
    return out + sorted(combos)


def ages_of(p: Protocol, behaviour_id: str) -> set[int]:
    b = next((b for b in p.behaviours if b.id == behaviour_id), None)
    if b is None:
        return set()
    band = next((x for x in p.bands if x.id == b.band), None)
    return set(range(band.min_age, band.max_age + 1)) if band else set()


def cases(old: Protocol, new: Protocol) -> list[Case]:
    """Behaviours in both versions, at every age of their band in either version, in every variation."""
    shared = [b.id for b in new.behaviours if b.id in {x.id for x in old.behaviours}]
    vs = variations(old, new)
    return [Case(b, age, v) for b in shared for age in sorted(ages_of(old, b) | ages_of(new, b)) for v in vs]


# A behaviour that a version does not offer for the age (section 5: only the child's own
# band) has this outcome there, so a move between bands shows as a change staff will see.
NOT_OFFERED = "not offered for this age"


def outcome(p: Protocol, case: Case) -> Outcome:
    try:
        a = decision_aid.assess(case.variation.situation(case.behaviour, case.age), data=p)
    except decision_aid.InvalidSituation:
        return Outcome(None, NOT_OFFERED, NOT_OFFERED, ())
    return Outcome(a.colour, a.category, a.threshold, tuple((s.id, s.within) for s in a.steps))


@dataclass(frozen=True)
class Difference:
    case: Case
    old: Outcome
    new: Outcome


def compare(old: Protocol, new: Protocol) -> tuple[int, list[Difference], dict[tuple[Variation, str], set[Case]]]:
    """(number of cases, the cases whose outcome differs, groups).

    groups: the cases whose colour, category and threshold did not change, by (variation,
    threshold), so that a step change affecting a whole group can be said in one line.
    """
    all_cases = cases(old, new)
    diffs = []
    groups: dict[tuple[Variation, str], set[Case]] = defaultdict(set)
    for c in all_cases:
        o, n = outcome(old, c), outcome(new, c)
        if o.classification == n.classification:
            groups[(c.variation, n.threshold)].add(c)
        if o != n:
            diffs.append(Difference(c, o, n))
    return len(all_cases), diffs, dict(groups)


def variations_phrase(present: list[Variation] | set[Variation], every: list[Variation] | set[Variation]) -> str:
    """'in every case', 'on its own and with any one indicator of harm', 'in every case except ...'."""
    present, every = set(present), set(every)
    if present == every:
        return ("in every case (on its own, with each yes/no question, indicator of harm and setting, and with "
                "the combinations the rules test)")
    missing = every - present
    if len(missing) <= 3 and len(present) > 2 * len(missing):
        return "in every case except " + "; ".join(v.words for v in sorted(missing))
    words = []
    for kind in ("alone", "flag", "indicator", "setting", "combined"):
        mine = sorted(v for v in present if v.kind == kind)
        all_of_kind = {v for v in every if v.kind == kind}
        if not mine:
            continue
        if kind in KIND_WORDS and set(mine) == all_of_kind and len(mine) > 1:
            words.append(KIND_WORDS[kind])
        else:
            words += [v.words for v in mine]
    return "; ".join(words)


def step_changes(old: Outcome, new: Outcome) -> list[tuple]:
    """('added', id, within) / ('removed', id, within) / ('within', id, old, new) / ('order',)."""
    o, n = dict(old.steps), dict(new.steps)
    out: list[tuple] = []
    out += [("removed", s, o[s]) for s in o if s not in n]
    out += [("added", s, n[s]) for s in n if s not in o]
    out += [("within", s, o[s], n[s]) for s in o if s in n and o[s] != n[s]]
    if not out and [s for s, _ in old.steps] != [s for s, _ in new.steps]:
        out.append(("order",))
    return out


def age_ranges(ages: set[int] | list[int]) -> str:
    """{13, 14, 15, 17} -> 'ages 13–15 and 17'."""
    ordered = sorted(set(ages))
    runs: list[list[int]] = []
    for a in ordered:
        if runs and a == runs[-1][-1] + 1:
            runs[-1].append(a)
        else:
            runs.append([a])
    parts = [f"{r[0]}–{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
    word = "age" if len(ordered) == 1 else "ages"
    return f"{word} " + (", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0])
