"""Checks on the words in data/: plain text only, and addresses a page can safely link to.

The site shows the board's words exactly as written, so a text field is text: an HTML
tag (``<b>``, ``<script>``), an event handler (``onclick=``), a Markdown link or image,
a Markdown attribute list (``{: ...}``), a template tag (``{{ }}``) or a ``javascript:``
address in one is a mistake (or an attack) and is refused, with the file, the entry,
its line, the field and the fix. The few fields whose Markdown the site renders are
listed in ``MARKDOWN_FIELDS``; they may use lists, emphasis and safe links, nothing else.
The pages escape every value as well (``macros/escape.py``): two defences, not one.

Web addresses may only be https, http, mailto or tel, so no link can run a script.
Standard library only: this module also runs in the browser under Pyodide.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from typing import Callable, Iterator
from urllib.parse import urlsplit

Where = Callable[..., str]

SAFE_SCHEMES = ("https", "http", "mailto", "tel")

# (kind of entry, field) whose text is Markdown: the only fields that may hold markup.
# Keep this list short: every entry here is text the site renders as Markdown.
MARKDOWN_FIELDS = frozenset({("colour", "description")})
# (kind of entry, field) that hold a web address.
URL_FIELDS = frozenset({("link", "url"), ("[tool]", "source_url")})

# Protocol attribute -> (file, kind of entry, the field that names an entry).
ENTRIES = {
    "sections": ("sections", "section", "anchor"), "colours": ("traffic_light", "colour", "id"),
    "bands": ("traffic_light", "band", "id"), "flags": ("traffic_light", "flag", "id"),
    "behaviours": ("traffic_light", "behaviour", "id"), "indicators": ("harm", "indicator", "id"),
    "categories": ("harm", "category", "id"), "thresholds": ("thresholds", "threshold", "id"),
    "rules": ("thresholds", "rule", "id"), "timescales": ("timescales", "timescale", "id"),
    "steps": ("steps", "step", "id"), "questions": ("situation", "question", "id"),
    "settings": ("situation", "setting", "id"), "consent": ("sharing", "consent", "min_age"),
    "services": ("contacts", "service", "id"), "links": ("contacts", "link", "id"),
    "glossary": ("glossary", "term", "term"), "same_facts": ("traffic_light", "same_facts", "id"),
}
# Protocol attribute -> (file, table) for the single tables.
TABLES = {"tool": ("traffic_light", "[tool]"), "notes": ("situation", "[notes]"),
          "referral": ("sharing", "[referral]"), "consent_always": ("sharing", "[consent_always]")}

# What markup looks like, with what to say about it. Checked in this order; one report per field.
_MARKUP = (
    (re.compile(r"\{[{%#]"), "a template tag ({{, {% or {#)", "remove the braces"),
    (re.compile(r"</?[A-Za-z!?]"), "an HTML tag", "remove the tag and keep only the words (the site does the layout)"),
    (re.compile(r"\bon[a-z]+\s*=", re.I), "an event handler (such as onclick=)", "remove it"),
    (re.compile(r"!\[[^\]]*\]\s*\("), "a Markdown image", "remove it: pictures cannot be added from data"),
    (re.compile(r"\{\s*:"), "a Markdown attribute list ({: ...})", "remove it"),
)
_SCRIPT_URL = re.compile(r"\b(?:java|vb)script\s*:", re.I)
_LINKS = re.compile(r"\[[^\]\n]*\]\s*[(\[]|^\s{0,3}\[[^\]\n]+\]:", re.M)
_LINK_TARGETS = re.compile(r"\[[^\]\n]*\]\s*\(\s*<?([^\s>]*)|^\s{0,3}\[[^\]\n]+\]:\s*<?([^\s>]*)", re.M)

_ID = re.compile(r"[A-Za-z0-9]+(?:[_-][A-Za-z0-9]+)*")
_TERM = re.compile(r"[\w&.'/+ -]+")
_PAGE = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.md")
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_TELEPHONE = re.compile(r"\+?[0-9(][0-9 ()-]*[0-9]")
_URL_UNSAFE = re.compile(r"[\s<>\"'`{}|\\^\[\]\x00-\x1f\x7f]")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see ('https', 'javascript'), or None for a relative address.

    Browsers ignore control characters and spaces in a scheme ('java\\tscript:'), so they
    are removed before looking.
    """
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url)
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else None


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be linked, in plain words; None if it can."""
    fix = "A web address must start with https:// (or http://); e-mail and telephone links start with mailto: or tel:."
    if _URL_UNSAFE.search(url):
        return ("contains a space, a line break or one of < > \" ' ` { } | \\ ^ [ ]. "
                "Copy the address from the browser's address bar.")
    scheme = url_scheme(url)
    if scheme not in SAFE_SCHEMES:
        return f"is not an address the site can link to. {fix}"
    if scheme in ("http", "https") and not urlsplit(url).netloc:
        return f"has no site name after {scheme}://. {fix}"
    return None


def markup_problem(value: str, markdown: bool = False) -> str | None:
    """What markup ``value`` holds and how to fix it; None if it is plain text (or allowed Markdown)."""
    for pattern, what, fix in _MARKUP:
        if match := pattern.search(value):
            return f"contains {what} ('{_snippet(value, match.start())}'): {fix}."
    if not markdown and (match := _LINKS.search(value)):
        return (f"contains a Markdown link ('{_snippet(value, match.start())}'): write the words alone "
                "(web addresses go in data/contacts.toml as a [[link]]).")
    for match in _LINK_TARGETS.finditer(value) if markdown else ():
        url = match.group(1) or match.group(2) or ""
        while url.endswith(")") and url.count(")") > url.count("("):
            url = url[:-1]  # the link's closing bracket, not the address's
        if url_scheme(url) not in (None, *SAFE_SCHEMES):
            return f"links to '{url}', which {url_problem(url)}"
    if match := _SCRIPT_URL.search(value):
        return f"contains a javascript: address ('{_snippet(value, match.start())}'): remove it."
    return None


def _snippet(value: str, start: int) -> str:
    return " ".join(value[start:start + 40].split())


def _line(where: Where, field: str, value: str) -> str:
    """' (line N)' for a one-line text field, found as the loader finds an entry's line."""
    found = re.search(r"\(line \d+\)$", where("", field, value)) if "\n" not in value else None
    return f" {found.group(0)}" if found else ""


def _problems(kind: str, field: str, value: str) -> Iterator[str]:
    """Every problem with one text value, each as '<field> ...: <fix>'."""
    if (kind, field) in URL_FIELDS:
        if problem := url_problem(value):
            yield f"{field} '{value}' {problem}"
        return
    if field == "email" and not _EMAIL.fullmatch(value):
        yield f"email '{value}' is not an e-mail address: write only the address, like name@camden.gov.uk."
    elif field == "telephone" and not _TELEPHONE.fullmatch(value):
        yield f"telephone '{value}' should be only the number's digits and spaces, like 020 7974 3370."
    elif field == "id" and not _ID.fullmatch(value):
        yield (f"the id '{value}' may use only letters, digits, and single hyphens or underscores between "
               "them (for example '9-13-sexual-harassment').")
    elif (kind, field) == ("term", "term") and not _TERM.fullmatch(value):
        yield f"the term '{value}' may use only letters, digits, spaces and & . ' / + -."
    elif (kind, field) == ("section", "page") and not _PAGE.fullmatch(value):
        yield f"page '{value}' should be a page under docs/, like 'referral/referral.md'."
    elif (kind, field) == ("version", "number") and not _VERSION.fullmatch(value):
        yield f"number '{value}' should be a version number such as 2 or 2.1."
    elif (kind, field) in MARKDOWN_FIELDS:
        if problem := markup_problem(value, markdown=True):
            yield (f"{field} {problem} This field may use Markdown lists and emphasis, and links to https, http, "
                   "mailto or tel addresses; nothing else.")
    elif problem := markup_problem(value):
        yield f"{field} {problem} Data is shown exactly as written, so markup is not allowed here."


def _texts(record: object) -> Iterator[tuple[str, str]]:
    """(field, text) for every text in a record: lists of texts and parts (a condition, a provenance) included."""
    for f in fields(record):
        value = getattr(record, f.name)
        if isinstance(value, str):
            yield f.name, value
        elif isinstance(value, tuple) and all(isinstance(v, str) for v in value):
            yield from ((f.name, v) for v in value)
        elif is_dataclass(value) and not isinstance(value, type):
            yield from _texts(value)


def _check_record(record: object, kind: str, entry: str, where: Where, problems: list[str]) -> None:
    for field, value in _texts(record):
        for problem in _problems(kind, field, value):
            line = "" if "(line " in entry else _line(where, field, value)
            problems.append(f"{entry}{line}: {problem}")


def check_text(p: object, where: dict[str, Where], problems: list[str]) -> None:
    """Every text in the protocol: markup refused, addresses, e-mails, telephones and ids checked."""
    for attr in (f.name for f in fields(p)):
        value = getattr(p, attr)
        if attr in ENTRIES:
            file, kind, key = ENTRIES[attr]
            for record in value:
                _check_record(record, kind, where[file](kind, key, getattr(record, key)), where[file], problems)
        elif attr in TABLES and value is not None:
            file, table = TABLES[attr]
            _check_record(value, table, where[file](table, "x", None), where[file], problems)
        elif attr == "document":
            for field, text in _texts(value):
                for problem in _problems("document", field, text):
                    problems.append(f"{where['protocol'](field, 'x', None)}{_line(where['protocol'], field, text)}: {problem}")
            for v in value.versions:
                _check_record(v, "version", where["protocol"]("version", "number", v.number), where["protocol"], problems)
        elif isinstance(value, tuple) and value and is_dataclass(value[0]):
            for record in value:  # a part added without a line here: still checked, named by its field
                _check_record(record, attr, f"data/ ({attr})", lambda *a: "", problems)
        elif is_dataclass(value):
            _check_record(value, attr, f"data/ ({attr})", lambda *a: "", problems)
