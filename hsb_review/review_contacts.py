"""Review findings about who the protocol names and how staff reach them.

* the board's own name and status: the protocol was published by a Local Safeguarding
  Children Board (LSCB); since the Children and Social Work Act 2017 those boards have
  been replaced by local safeguarding partnerships, so the name the site prints must be
  checked;
* every telephone number and e-mail, in data and pages, listed for checking;
* steps that tell staff to telephone a service whose entry has no number;
* abbreviations anywhere in ``data/`` (contacts, steps, timescales ...) with no glossary entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, Iterator

from decision_aid.model import Protocol

from .facts import Facts
from .tree import Tree

TELEPHONE = re.compile(r"(?<![\w/])0\d{2,4}[ \d]{6,10}\d")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SAYS_TELEPHONE = re.compile(r"\b(telephone|phone|ring|call)\b", re.I)
ABBREVIATION = re.compile(r"(?<![\w&-])[A-Za-z][A-Za-z0-9&-]*[A-Za-z0-9](?![\w&-])")
BOARD = re.compile(r"Safeguarding Children Board|\bLSCB\b", re.I)


@dataclass(frozen=True)
class ContactDetail:
    kind: str        # "telephone" or "email"
    value: str
    owner: str       # the service, or the page it is written on
    where: str       # data/contacts.toml or the page


def board_finding(p: Protocol) -> str | None:
    """The board's name and status, when it names a Local Safeguarding Children Board."""
    names = {p.document.board, *(v.approved_by for v in p.document.versions)}
    boards = sorted(n for n in names if BOARD.search(n))
    if not boards:
        return None
    return (f"The protocol is published by {', '.join(boards)}: a Local Safeguarding Children Board (LSCB), as in "
            "2018. LSCBs were replaced by local safeguarding partnerships (Children and Social Work Act 2017; "
            "Working Together 2018). Check the publisher's name and status in data/protocol.toml (board, "
            "board_short, review_by) and wherever the text names the board, and who approves the next version.")


def contact_details(tree: Tree) -> list[ContactDetail]:
    """Every telephone number and e-mail the protocol gives, in data and in the pages' own words."""
    p = tree.protocol
    out = []
    for s in p.services:
        for kind in ("telephone", "email"):
            value = getattr(s, kind)
            if value:
                out.append(ContactDetail(kind, value, s.name, f"data/contacts.toml, service '{s.id}'"))
    for page, text in tree.pages.items():
        words = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
        for kind, pattern in (("telephone", TELEPHONE), ("email", EMAIL)):
            out += [ContactDetail(kind, m.group(0), f"docs/{page}", f"docs/{page}") for m in pattern.finditer(words)]
    return out


def telephone_without_number(p: Protocol) -> list[str]:
    """Steps that say to telephone a service whose entry gives no number."""
    out = []
    for s in p.steps:
        text = f"{s.who} {s.action}"
        if not SAYS_TELEPHONE.search(text):
            continue
        service = next((x for x in p.services if x.id == s.contact), None)
        if service is not None and service.telephone:
            continue
        whose = f"its contact, {service.name}, has none" if service else "it names no contact"
        out.append(f"step '{s.id}' (“{s.action}”) tells staff to telephone, but {whose}: add the number from the "
                   "protocol to data/contacts.toml, or check that the service's usual route is meant.")
    return out


def _texts(x: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(x, str):
        yield where, x
    elif isinstance(x, tuple):
        for item in x:
            yield from _texts(item, where)
    elif is_dataclass(x):
        name = getattr(x, "id", None) or getattr(x, "term", None) or getattr(x, "number", None)
        here = f"{where} '{name}'" if isinstance(name, str) and name else where
        for f in fields(x):
            if f.name not in ("id", "anchor", "page", "url", "email", "telephone", "sections", "when", "source_url",
                              "background", "text_colour", "commit"):
                yield from _texts(getattr(x, f.name), f"{here}" if is_dataclass(getattr(x, f.name)) else here)


def data_abbreviations(p: Protocol, facts: Facts) -> list[str]:
    """Abbreviations in any text field of data/ with no glossary entry (LADO in a step, say)."""
    known = {t.term for t in p.glossary} | set(facts.well_known)
    found: dict[str, list[str]] = {}
    for f in fields(p):
        if f.name in ("glossary", "sections"):
            continue
        for where, text in _texts(getattr(p, f.name), f.name.rstrip("s")):
            for m in ABBREVIATION.finditer(re.sub(r"https?://\S+|[\w.+-]+@[\w.-]+", " ", text)):
                word = m.group(0)
                if sum(ch.isupper() for ch in word) >= 2 and word not in known:
                    found.setdefault(word, [])
                    if where not in found[word]:
                        found[word].append(where)
    return [f"{w}: in {', '.join(found[w][:4])}{' and more' if len(found[w]) > 4 else ''}"
            for w in sorted(found, key=str.lower)]


def is_local(url: str) -> bool:
    """A preview address (mkdocs serve) is not a link the protocol gives."""
    return bool(re.match(r"https?://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/|$)", url))
