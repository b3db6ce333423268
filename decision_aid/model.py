"""The protocol's structured parts as typed, frozen records.

These mirror the files in ``data/`` one to one, so a board member's edit and the
object the code sees are easy to relate. Nothing here knows the protocol's wording
or its colour and band names: those arrive from data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

# Situation fields that a rule or step can test (names fixed by the API). Each is a
# question answered yes (True), no (False) or "not sure" (None).
SITUATION_FLAGS: tuple[str, ...] = (
    "another_child_harmed",
    "child_may_be_abused",
    "siblings_at_risk",
    "known_to_cssw",
    "looked_after",
    "lives_in_other_authority",
    "police_involved",
    "sexual_exploitation",
    "gang_involvement",
    "release_from_custody",
)

# Where a rule, step or mark comes from: the protocol's own text, or the board's reading of it.
SOURCES: tuple[str, ...] = ("protocol", "board")


@dataclass(frozen=True)
class Provenance:
    """``board`` entries are interpretations: shown as such, and listed for sign-off."""

    source: str = "protocol"
    reason: Optional[str] = None

    @property
    def interpretation(self) -> bool:
        return self.source == "board"


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    anchor: str
    page: str

    @property
    def depth(self) -> int:
        """1 for "8" or "Appendix 1", 2 for "8.3": the heading level on its page."""
        return self.number.count(".") + 1


@dataclass(frozen=True)
class Colour:
    id: str
    label: str
    description: str
    response: str
    background: str
    text: str


@dataclass(frozen=True)
class Band:
    id: str
    label: str
    min_age: int
    max_age: int

    def covers(self, age: int) -> bool:
        return self.min_age <= age <= self.max_age


@dataclass(frozen=True)
class Flag:
    """A mark on behaviours. ``implies`` names a question whose answer the behaviour
    itself gives (yes) unless the professional answers no: what the words already say."""

    id: str
    label: str
    meaning: str
    implies: Optional[str] = None
    provenance: Provenance = Provenance()


@dataclass(frozen=True)
class SameFacts:
    """Items of different age bands that describe the same facts (curated by the board).

    At an age where several of them apply, the most serious colour is used whichever
    wording was ticked; an item of a band that does not cover the child is read only
    through a linked item of the child's own band.
    """

    id: str
    behaviours: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Behaviour:
    id: str
    band: str
    colour: str
    text: str
    flags: tuple[str, ...] = ()
    # Everyday words staff use for it (board-curated): the checker's search and the site's.
    search_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrafficLightTool:
    name: str
    version: str
    credit: str
    later_versions: str
    overlap: str
    guidance: str
    source_url: str


@dataclass(frozen=True)
class Indicator:
    id: str
    text: str
    question: str
    # The board's marks (traffic_light.toml [[flag]]) where the indicator's own words give
    # an answer ("between children": another child took part), as on behaviours.
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    definition: str
    sections: tuple[str, ...]
    assignable: bool
    published_in_protocol: bool


@dataclass(frozen=True)
class Threshold:
    id: str
    label: str
    service: str
    description: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Condition:
    """Everything a rule or step can require; ``None`` means "not asked"."""

    colour: Optional[str] = None
    any_indicator: Optional[bool] = None
    indicator: Optional[tuple[str, ...]] = None
    behaviour_flag: Optional[str] = None
    # (question, wanted): "true" holds only on yes; "false" holds on no or not sure,
    # because an unsure answer must never drop a route (rules.py explains).
    situation: tuple[tuple[str, bool], ...] = ()
    setting: Optional[tuple[str, ...]] = None
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    threshold: Optional[tuple[str, ...]] = None


@dataclass(frozen=True)
class Rule:
    id: str
    when: Condition
    category: Optional[str]
    threshold: Optional[str]
    sections: tuple[str, ...]
    note: Optional[str] = None
    provenance: Provenance = Provenance()


@dataclass(frozen=True)
class Timescale:
    id: str
    what: str
    within: str
    who: str
    sections: tuple[str, ...]
    starts: Optional[str] = None


@dataclass(frozen=True)
class StepRule:
    id: str
    when: Condition
    who: str
    action: str
    sections: tuple[str, ...]
    timescale: Optional[str] = None
    contact: Optional[str] = None
    brook_response: bool = False
    provenance: Provenance = Provenance()
    # Whose step it is: the checker's user in any setting ("any"), in the settings listed,
    # or (empty) another agency's. The result puts the user's own steps first.
    user: tuple[str, ...] = ()
    # Its time limit is the one the result's headline states, when the step is the user's
    # (the board's choice: the limit that matters first, never a step that only may apply).
    headline: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    help: str
    sections: tuple[str, ...]
    unsure: str          # "You are not sure whether ...": how a "not sure" answer is stated back


@dataclass(frozen=True)
class Setting:
    id: str
    label: str


@dataclass(frozen=True)
class NoteTexts:
    boundary_age: str
    developmental_band: str
    other_band: str
    listed_in_both: str
    overlap_guidance: str
    if_yes: str
    if_yes_same: str
    taken_as_yes: str
    interpretation: str
    # Where a step's contact has no telephone number in the protocol: "{service}" is its name.
    no_telephone: Optional[str] = None
    # The checker's advice when no behaviour for the child's age matches the words typed.
    no_match: Optional[str] = None


@dataclass(frozen=True)
class Referral:
    introduction: str
    must_include: tuple[str, ...]
    sections: tuple[str, ...]


@dataclass(frozen=True)
class ConsentRule:
    min_age: int
    max_age: int
    text: str
    note: Optional[str] = None


@dataclass(frozen=True)
class ConsentAlways:
    text: str
    sections: tuple[str, ...]
    # Consent to share applies where information is shared: from this threshold up.
    from_threshold: Optional[str] = None


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    role: str
    sections: tuple[str, ...]
    telephone: Optional[str] = None
    email: Optional[str] = None


@dataclass(frozen=True)
class Link:
    id: str
    title: str
    url: str
    sections: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    term: str
    expansion: str
    meaning: Optional[str] = None
    source: str = "protocol"    # or "board": an entry the board added, for words the protocol does not use


@dataclass(frozen=True)
class Version:
    number: str
    implemented: str
    approved_by: str
    summary: str
    corrections: tuple[str, ...] = ()
    approved: Optional[str] = None
    minute: Optional[str] = None    # the board's minute reference for the approval (release.json)
    commit: Optional[str] = None    # the git commit it was published from (lets `diff 1 .` work on a fresh clone)


@dataclass(frozen=True)
class Document:
    title: str
    board: str
    board_short: str
    review_every_months: int
    review_by: str
    print_notice: str
    versions: tuple[Version, ...]

    @property
    def current(self) -> Version:
        """The version in force is the last one listed."""
        return self.versions[-1]


@dataclass(frozen=True)
class Protocol:
    """Everything in ``data/``, validated: the one object site and aid share."""

    document: Document
    sections: tuple[Section, ...]
    tool: TrafficLightTool
    colours: tuple[Colour, ...]
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    behaviours: tuple[Behaviour, ...]
    same_facts: tuple[SameFacts, ...]
    indicators: tuple[Indicator, ...]
    categories: tuple[Category, ...]
    thresholds: tuple[Threshold, ...]
    rules: tuple[Rule, ...]
    timescales: tuple[Timescale, ...]
    steps: tuple[StepRule, ...]
    questions: tuple[Question, ...]
    settings: tuple[Setting, ...]
    notes: NoteTexts
    referral: Referral
    consent: tuple[ConsentRule, ...]
    consent_always: ConsentAlways
    services: tuple[Service, ...]
    links: tuple[Link, ...]
    glossary: tuple[Term, ...]

    def section(self, ref: str) -> Section:
        """A section by its number ("8.3") or anchor; the loader guarantees it exists."""
        for s in self.sections:
            if ref in (s.anchor, s.number):
                return s
        raise KeyError(ref)

    def colour(self, colour_id: str) -> Colour:
        return next(c for c in self.colours if c.id == colour_id)

    def band(self, band_id: str) -> Band:
        return next(b for b in self.bands if b.id == band_id)

    def service(self, service_id: str) -> Service:
        return next(s for s in self.services if s.id == service_id)

    def timescale(self, timescale_id: str) -> Timescale:
        return next(t for t in self.timescales if t.id == timescale_id)

    def behaviour(self, behaviour_id: str) -> Behaviour:
        return next(b for b in self.behaviours if b.id == behaviour_id)

    def flag(self, flag_id: str) -> Flag:
        return next(f for f in self.flags if f.id == flag_id)

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)
