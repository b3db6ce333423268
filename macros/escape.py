"""Escape by default: every value from data/ is plain text until declared otherwise.

A page is Markdown that may hold HTML, so a value must be inert in both languages.
``text`` turns HTML's special characters into entities, and also the characters with
which Markdown makes links, images, attribute lists (``{: onclick=... }``), tables and
code: an entity is shown as the character itself, so a reader sees the board's words
exactly, but the value can never become a tag, a link or an attribute. Line breaks
become spaces, so a value cannot start a new Markdown block either.

The loader already refuses markup in data (``decision_aid.text_checks``); this is the
second line of defence, for whatever that check does not foresee.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from decision_aid.text_checks import SAFE_SCHEMES, url_scheme

# Markdown's link, image, attribute-list, table, code, emphasis and escape characters.
_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in "[]{}|`\\*"})
# "_" makes emphasis only at a word's edge; inside a word (an id such as
# 'another_child_harmed', used in HTML attributes too) it is left as it is.
_EDGE_UNDERSCORE = re.compile(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]\s*")
# An "&" that Markdown would read as the start of an entity ("&lt;", "&#60;").
_ENTITY_AMPERSAND = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# Markdown links and images in a field declared as Markdown, and reference definitions.
_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\s*\(\s*<?([^)\s>]*)[^)]*\)")
_REFERENCE = re.compile(r"^( {0,3})\[([^\]\n]+)\]:[ \t]*<?(\S*?)>?(?=\s|$)", re.M)


def text(value: object, markdown: bool = False) -> Markup:
    """Any value as inert text for a Markdown page or an HTML template (attributes included).

    ``markdown``: the value goes only into Markdown text (a ``.md`` template, a list or
    heading made here), never into an HTML attribute. Quotes and a lone "&" are then left
    for Markdown, which escapes them itself: the page is the same, and an abbreviation
    such as "P&V" still matches the words of the page.
    """
    if isinstance(value, Markup):  # built here from escaped parts (a link, a citation)
        return value
    plain = _LINE_BREAKS.sub(" ", str(value))
    if markdown:
        escaped = _ENTITY_AMPERSAND.sub("&amp;", plain).replace("<", "&lt;").replace(">", "&gt;")
    else:
        escaped = str(escape(plain))
    return Markup(_EDGE_UNDERSCORE.sub("&#95;", escaped.translate(_MARKDOWN)))


def safe_url(url: str) -> bool:
    """True for a relative address or one whose scheme is https, http, mailto or tel."""
    scheme = url_scheme(url)
    return scheme is None or scheme in SAFE_SCHEMES


def link(url: str, label: object = None) -> Markup:
    """An HTML link (safe in Markdown and in a table cell) showing ``label``, or the address itself.

    A raw ``<a>`` rather than Markdown's ``[label](url)``: nothing in the address or the
    label can then be read as Markdown. An unsafe address stops the build.
    """
    if not safe_url(url):
        raise ValueError(f"the address '{url}' is not a web, e-mail or telephone address; "
                         f"only {', '.join(SAFE_SCHEMES)} addresses are linked")
    return Markup('<a href="{}">{}</a>').format(url, text(url if label is None else label))


def telephone(number: str) -> Markup:
    return link("tel:" + re.sub(r"[\s()-]", "", number), number)


def email(address: str) -> Markup:
    return link("mailto:" + address, address)


def _neutral(markdown: str) -> str:
    return markdown.replace("[", "&#91;").replace("]", "&#93;")


def markdown(value: str) -> Markup:
    """A field declared as Markdown (``text_checks.MARKDOWN_FIELDS``), sanitised.

    Its lists, emphasis and paragraphs stay; raw HTML, autolinks and entities become
    text, attribute lists lose their braces, and a link or image whose address is not
    https, http, mailto or tel (or relative) is shown as plain text.
    """
    out = str(escape(value)).replace("{", "&#123;").replace("}", "&#125;")
    out = _LINK.sub(lambda m: m.group(0) if safe_url(m.group(3)) and not m.group(1) else _neutral(m.group(0)), out)
    out = _REFERENCE.sub(lambda m: m.group(0) if safe_url(m.group(3)) else _neutral(m.group(0)), out)
    return Markup(out)


def join(items, separator: str = "", markdown: bool = False) -> Markup:
    """Jinja's ``join``, escaping each item as ``text`` (the built-in one escapes for HTML only)."""
    return text(separator, markdown).join(text(i, markdown) for i in items)


def replace(value: object, old: str, new: str, markdown: bool = False) -> Markup:
    """Jinja's ``replace`` on the text, then escaped as ``text``."""
    if isinstance(value, Markup):
        return value.replace(old, new)
    return text(str(value).replace(old, new), markdown)
