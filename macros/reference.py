"""Lists and tables of the protocol's reference data: the text that pages share with the aid."""

from __future__ import annotations

import re

from markupsafe import Markup

from decision_aid import Protocol

from .escape import email, link as web_link, telephone, text
from .render import render
from .sections import cite


def _bullets(items, indent: str = "") -> str:
    """A Markdown list of texts from data, each escaped (``escape.text``)."""
    return "\n".join(f"{indent}- {text(item, markdown=True)}" for item in items) + "\n"


def indicators_list(p: Protocol) -> str:
    """Section 4's six indicators of harm, in the protocol's words."""
    return _bullets(i.text for i in p.indicators)


def categories_list(p: Protocol) -> str:
    """Section 4's range of harmful sexual behaviours (the categories the protocol publishes)."""
    return _bullets(c.definition for c in p.categories if c.published_in_protocol)


def thresholds_list(p: Protocol) -> str:
    """Section 7's thresholds, as published (the 'none' threshold is the aid's own, not the protocol's)."""
    return _bullets(t.description for t in p.thresholds if "7" in t.sections)


def referral_must_include(p: Protocol) -> str:
    """Section 6.1's list item: the five things a referral must include, as a nested list."""
    return f"- {text(p.referral.introduction, markdown=True)}\n\n" + _bullets(p.referral.must_include, indent="    ")


def consent_list(p: Protocol) -> str:
    return _bullets(c.text for c in p.consent)


def consent_always(p: Protocol) -> str:
    return text(p.consent_always.text, markdown=True) + "\n"


def contact(p: Protocol, service_id: str, field: str) -> str:
    """A telephone number or e-mail address from data, as a link people can follow."""
    value = getattr(p.service(service_id), field)
    if value is None or field not in ("telephone", "email"):
        raise ValueError(f"data/contacts.toml: service '{service_id}' has no {field}")
    return telephone(value) if field == "telephone" else email(value)


def link(p: Protocol, link_id: str) -> str:
    """A web address the protocol gives, shown as the address itself (the board's words)."""
    found = [x for x in p.links if x.id == link_id]
    if not found:
        raise ValueError(f"there is no link '{link_id}' in data/contacts.toml")
    return web_link(found[0].url)


def cites(p: Protocol, refs) -> Markup:
    return Markup(", ").join(cite(p, r) for r in refs)


def timescales_table(p: Protocol) -> str:
    return render("timescales.md", timescales=p.timescales, cites=lambda refs: cites(p, refs))


def contacts_directory(p: Protocol) -> str:
    return render("contacts.md", services=p.services, links=p.links, cites=lambda refs: cites(p, refs))


def term_anchor(term: str) -> str:
    """A glossary entry's anchor on the Glossary page: 'AIM 2' -> 'term-aim-2', 'P&V' -> 'term-p-v'."""
    return "term-" + re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")


def glossary_table(p: Protocol) -> str:
    """Every abbreviation, A to Z; the board's own entries (words the protocol does not use) say so."""
    return render("glossary.md", terms=sorted(p.glossary, key=lambda t: t.term.lower()), anchor=term_anchor)


def abbreviations(p: Protocol) -> str:
    """Markdown abbreviation definitions, appended to every page for tooltips.

    Term and expansion are escaped like any text, so neither can end the definition
    and start Markdown of its own. The loader allows only letters, digits, spaces and
    & . ' / + - in a term (``text_checks``), which the escaping leaves as they are, so
    the term still matches the page's words.
    """
    return "\n" + "".join(f"*[{text(t.term, markdown=True)}]: {text(t.expansion, markdown=True)}\n"
                           for t in p.glossary)
