"""The one reader of ``data/``: parse, check, and build the typed ``Protocol``.

Board members edit these files by hand, so every problem is reported in their terms:
the file, the entry (and its line), what is wrong and what would be right. All problems
are collected before stopping, so one build shows everything to fix. Standard library
only: this module also runs in the browser under Pyodide.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from pathlib import Path
from typing import Any, Callable, Iterable

from . import model as m
from .checks import cross_check

FILES = (
    "protocol.toml", "sections.toml", "traffic_light.toml", "harm.toml", "thresholds.toml",
    "steps.toml", "timescales.toml", "situation.toml", "sharing.toml", "contacts.toml",
    "glossary.toml",
)


class DataError(ValueError):
    """The data cannot be used; ``problems`` lists each one in plain words."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        count = f"{len(problems)} problem" + ("s" if len(problems) != 1 else "")
        super().__init__(f"The protocol data has {count}:\n" + "\n".join(f"- {p}" for p in problems))


class _Source:
    """One data file: its text (for line numbers) and the problems found in it."""

    def __init__(self, folder: Path, name: str, problems: list[str]):
        self.label = f"{folder.name}/{name}"
        self.problems = problems
        self.text = ""
        self.data: dict[str, Any] = {}
        path = folder / name
        try:
            self.text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            problems.append(f"{self.label}: the file is missing. Restore it from the last published version.")
            return
        except UnicodeDecodeError:
            problems.append(f"{self.label}: the file is not saved as UTF-8 text. Save it as UTF-8 in your editor.")
            return
        try:
            self.data = tomllib.loads(self.text)
        except tomllib.TOMLDecodeError as e:
            problems.append(f"{self.label}: {_toml_hint(str(e), self.text)}")

    def where(self, kind: str, key: str, value: Any, occurrence: int = 0) -> str:
        """'behaviour 'x' (line 12)': how a board member finds an entry (``occurrence`` 1: its second copy)."""
        line = _line_of(self.text, key, value, occurrence)
        name = f"{kind} '{value}'" if value is not None else kind
        return f"{self.label}, {name}" + (f" (line {line})" if line else "")

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")


def _line_of(text: str, key: str, value: Any, occurrence: int = 0) -> int | None:
    """The line of ``key = "value"``; of its last copy when there are fewer than ``occurrence`` + 1."""
    if value is None:
        return None
    pattern = re.compile(rf'^\s*{re.escape(key)}\s*=\s*"{re.escape(str(value))}"', re.M)
    matches = list(pattern.finditer(text))
    if not matches:
        return None
    return text.count("\n", 0, matches[min(occurrence, len(matches) - 1)].start()) + 1


def _toml_hint(message: str, text: str = "") -> str:
    hint = "Check that text is in \"double quotes\", each line is key = value, and [[brackets]] are doubled."
    # An entry begun with [behaviour] where the others use [[behaviour]]: name the line.
    singles = [(n, m.group(1)) for n, line in enumerate(text.splitlines(), 1)
               if (m := re.fullmatch(r"\s*\[\s*([\w-]+)\s*\]\s*(#.*)?", line)) and f"[[{m.group(1)}]]" in text]
    if singles:
        n, name = singles[0]
        hint = f"Line {n} starts an entry with [{name}]: write [[{name}]], in double brackets, like the other entries."
    elif "Cannot overwrite a value" in message or "Cannot declare" in message:
        hint = "The same field is given twice in one entry: remove one."
    elif "Unterminated string" in message or "Illegal character" in message:
        hint = "A piece of text is missing its closing \" (or contains a line break: use \"\"\"triple quotes\"\"\" for several lines)."
    return f"the file cannot be read: {message}. {hint}"


# -- field readers -------------------------------------------------------------

_TYPES: dict[str, tuple[type, str]] = {
    "text": (str, "text in quotes"),
    "int": (int, "a whole number"),
    "bool": (bool, "true or false"),
    "texts": (list, "a list of texts in [square brackets]"),
    "table": (dict, "a table such as { colour = \"red\" }"),
}


def _fields(src: _Source, where: str, raw: Any, spec: dict[str, str], optional: Iterable[str] = ()) -> dict | None:
    """Check one entry against ``spec`` (field -> type); None if it cannot be used."""
    if not isinstance(raw, dict):
        src.fail(where, "expected an entry of fields (key = value lines).")
        return None
    ok = True
    optional = set(optional)
    for key in raw:
        if key not in spec:
            close = difflib.get_close_matches(key, spec, n=1)
            fix = f"did you mean '{close[0]}'?" if close else "allowed fields are " + ", ".join(spec) + "."
            src.fail(where, f"unknown field '{key}': {fix}")
            ok = False
    out: dict[str, Any] = {}
    for key, kind in spec.items():
        if key not in raw:
            if key not in optional:
                src.fail(where, f"the field '{key}' is missing: add {key} = {_TYPES[kind][1]}.")
                ok = False
            out[key] = None
            continue
        value = raw[key]
        pytype, described = _TYPES[kind]
        bad = not isinstance(value, pytype) or (kind == "int" and isinstance(value, bool))
        if kind == "texts" and not bad:
            bad = not all(isinstance(v, str) for v in value)
        if kind == "text" and not bad and not value.strip():
            src.fail(where, f"the field '{key}' is empty: give it some text.")
            ok = False
        if bad:
            src.fail(where, f"'{key}' should be {described}, not {value!r}.")
            ok = False
        out[key] = tuple(value) if kind == "texts" and not bad else value
    return out if ok else None


def _entries(src: _Source, array: str, kind: str, key: str, spec: dict[str, str],
             build: Callable[..., Any], optional: Iterable[str] = ()) -> tuple:
    raw_list = src.data.get(array)
    if not src.data:
        return ()
    if not isinstance(raw_list, list) or not raw_list:
        src.fail(src.label, f"no [[{array}]] entries found: add at least one.")
        return ()
    built = []
    for raw in raw_list:
        where = src.where(kind, key, raw.get(key) if isinstance(raw, dict) else None)
        fields = _fields(src, where, raw, spec, optional)
        if fields is not None:
            built.append(build(**fields))
    return tuple(built)


def _table(src: _Source, name: str, spec: dict[str, str], build: Callable[..., Any],
           optional: Iterable[str] = ()) -> Any:
    if not src.data:
        return None
    if name not in src.data:
        src.fail(src.label, f"the [{name}] table is missing: restore it from the last published version.")
        return None
    fields = _fields(src, f"{src.label}, [{name}]", src.data[name], spec, optional)
    return build(**fields) if fields is not None else None


_CONDITION_SPEC = {
    "colour": "text", "any_indicator": "bool", "indicator": "texts", "behaviour_flag": "text",
    "setting": "texts", "min_age": "int", "max_age": "int", "threshold": "texts",
    **{flag: "bool" for flag in m.SITUATION_FLAGS},
}


def _condition(src: _Source, where: str, raw: Any) -> m.Condition | None:
    if raw is None:
        return m.Condition()
    fields = _fields(src, where + ", when", raw, _CONDITION_SPEC, optional=_CONDITION_SPEC)
    if fields is None:
        return None
    flags = tuple((f, fields.pop(f)) for f in m.SITUATION_FLAGS if fields[f] is not None)
    for f in m.SITUATION_FLAGS:
        fields.pop(f, None)
    return m.Condition(situation=flags, **fields)


def _with_condition(src: _Source, array: str, kind: str, spec: dict[str, str], build: Callable[..., Any],
                    optional: Iterable[str]) -> tuple:
    """Entries (rules, steps) whose ``when`` table is parsed into a Condition."""
    out = []
    for raw in src.data.get(array, []) if src.data else []:
        where = src.where(kind, "id", raw.get("id") if isinstance(raw, dict) else None)
        fields = _fields(src, where, raw, {**spec, "when": "table"}, {*optional, "when"})
        if fields is None:
            continue
        when = _condition(src, where, fields.pop("when"))
        if when is not None:
            out.append(build(when=when, **fields))
    if src.data and not out and not src.problems:
        src.fail(src.label, f"no [[{array}]] entries found: add at least one.")
    return tuple(out)


def _provenance(build: Callable[..., Any]) -> Callable[..., Any]:
    """Gather ``source`` and ``reason`` into the record's Provenance (checked in checks.py)."""
    def wrapped(**fields: Any) -> Any:
        source, reason = fields.pop("source"), fields.pop("reason")
        return build(provenance=m.Provenance(source or "protocol", reason), **fields)
    return wrapped


def _drop_none(cls: type) -> Callable[..., Any]:
    """Build a record, letting its own defaults stand in for optional fields left out."""
    def build(**fields: Any) -> Any:
        return cls(**{k: v for k, v in fields.items() if v is not None})
    return build


# -- the whole protocol ----------------------------------------------------------

def default_data_dir() -> Path:
    """``data/`` beside the package in a checkout; the copy inside the wheel otherwise."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "data"
    if (checkout / "protocol.toml").is_file():
        return checkout
    return here / "_data"


def load(folder: str | Path | None = None) -> m.Protocol:
    """Read and check every file in ``folder`` (default: the project's data)."""
    folder = Path(folder) if folder is not None else default_data_dir()
    problems: list[str] = []
    src = {name.removesuffix(".toml"): _Source(folder, name, problems) for name in FILES}

    doc = src["protocol"]
    versions = _entries(doc, "version", "version", "number",
                        {"number": "text", "approved": "text", "implemented": "text", "approved_by": "text",
                         "summary": "text", "corrections": "texts", "minute": "text", "commit": "text"},
                        _drop_none(m.Version), optional={"approved", "corrections", "minute", "commit"})
    document = None
    if doc.data:
        fields = _fields(doc, doc.label, {k: v for k, v in doc.data.items() if k != "version"},
                         {"title": "text", "board": "text", "board_short": "text", "review_every_months": "int",
                          "review_by": "text", "print_notice": "text"})
        if fields is not None and versions:
            document = m.Document(versions=versions, **fields)

    tl = src["traffic_light"]
    tool = _table(tl, "tool", {"name": "text", "version": "text", "credit": "text", "later_versions": "text",
                               "overlap": "text", "guidance": "text", "source_url": "text"}, m.TrafficLightTool)
    situation = src["situation"]
    sharing = src["sharing"]
    contacts = src["contacts"]
    protocol_parts = dict(
        document=document,
        sections=_entries(src["sections"], "section", "section", "anchor",
                          {"number": "text", "title": "text", "anchor": "text", "page": "text"}, m.Section),
        tool=tool,
        colours=_entries(tl, "colour", "colour", "id", {"id": "text", "label": "text", "description": "text",
                         "response": "text", "background": "text", "text": "text"}, m.Colour),
        bands=_entries(tl, "band", "band", "id", {"id": "text", "label": "text", "min_age": "int", "max_age": "int"}, m.Band),
        flags=_entries(tl, "flag", "flag", "id", {"id": "text", "label": "text", "meaning": "text", "implies": "text",
                                                   "source": "text", "reason": "text"},
                       _provenance(_drop_none(m.Flag)), optional={"implies", "reason"}),
        same_facts=_entries(tl, "same_facts", "same_facts", "id", {"id": "text", "behaviours": "texts", "reason": "text"},
                            m.SameFacts) if tl.data.get("same_facts") else (),
        behaviours=_entries(tl, "behaviour", "behaviour", "id", {"id": "text", "band": "text", "colour": "text",
                            "text": "text", "flags": "texts", "search_terms": "texts"},
                            _drop_none(m.Behaviour), optional={"flags", "search_terms"}),
        indicators=_entries(src["harm"], "indicator", "indicator", "id",
                            {"id": "text", "text": "text", "question": "text", "flags": "texts"},
                            _drop_none(m.Indicator), optional={"flags"}),
        categories=_entries(src["harm"], "category", "category", "id",
                            {"id": "text", "label": "text", "definition": "text", "sections": "texts",
                             "assignable": "bool", "published_in_protocol": "bool"}, m.Category),
        thresholds=_entries(src["thresholds"], "threshold", "threshold", "id",
                            {"id": "text", "label": "text", "service": "text", "description": "text",
                             "sections": "texts"}, m.Threshold),
        rules=_with_condition(src["thresholds"], "rule", "rule",
                              {"id": "text", "category": "text", "threshold": "text", "sections": "texts", "note": "text",
                               "source": "text", "reason": "text"},
                              _provenance(m.Rule), optional={"category", "threshold", "note", "reason"}),
        timescales=_entries(src["timescales"], "timescale", "timescale", "id",
                            {"id": "text", "what": "text", "within": "text", "from": "text", "who": "text",
                             "sections": "texts"}, lambda **f: m.Timescale(starts=f.pop("from"), **f), optional={"from"}),
        steps=_with_condition(src["steps"], "step", "step",
                              {"id": "text", "who": "text", "action": "text", "sections": "texts", "timescale": "text",
                               "contact": "text", "brook_response": "bool", "source": "text", "reason": "text",
                               "user": "texts", "headline": "bool"},
                              _provenance(lambda **f: m.StepRule(**{**f, "action": f["action"] or "", "user": f["user"] or (),
                                                                    "brook_response": bool(f["brook_response"]),
                                                                    "headline": bool(f["headline"])})),
                              optional={"timescale", "contact", "brook_response", "action", "reason", "user", "headline"}),
        questions=_entries(situation, "question", "question", "id",
                           {"id": "text", "question": "text", "help": "text", "unsure": "text", "sections": "texts"},
                           m.Question),
        settings=_entries(situation, "setting", "setting", "id", {"id": "text", "label": "text"}, m.Setting),
        notes=_table(situation, "notes", {"boundary_age": "text", "developmental_band": "text", "other_band": "text",
                                          "listed_in_both": "text", "overlap_guidance": "text", "if_yes": "text",
                                          "if_yes_same": "text", "taken_as_yes": "text", "interpretation": "text",
                                          "no_telephone": "text", "no_match": "text"},
                     m.NoteTexts, optional={"no_telephone", "no_match"}),
        referral=_table(sharing, "referral", {"introduction": "text", "must_include": "texts", "sections": "texts"}, m.Referral),
        consent=_entries(sharing, "consent", "consent", "min_age",
                         {"min_age": "int", "max_age": "int", "text": "text", "note": "text"}, _drop_none(m.ConsentRule),
                         optional={"note"}),
        consent_always=_table(sharing, "consent_always", {"text": "text", "sections": "texts", "from_threshold": "text"},
                              _drop_none(m.ConsentAlways), optional={"from_threshold"}),
        services=_entries(contacts, "service", "service", "id",
                          {"id": "text", "name": "text", "role": "text", "sections": "texts", "telephone": "text",
                           "email": "text"}, _drop_none(m.Service), optional={"telephone", "email"}),
        links=_entries(contacts, "link", "link", "id", {"id": "text", "title": "text", "url": "text", "sections": "texts"}, m.Link),
        glossary=_entries(src["glossary"], "term", "term", "term",
                          {"term": "text", "expansion": "text", "meaning": "text", "source": "text"}, _drop_none(m.Term),
                          optional={"meaning", "source"}),
    )
    if problems:
        raise DataError(problems)
    protocol = m.Protocol(**protocol_parts)
    cross_check(protocol, {name: s.where for name, s in src.items()}, problems)
    if problems:
        raise DataError(problems)
    return protocol
