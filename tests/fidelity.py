"""Reading the protocol text and the built pages, for the fidelity tests.

Split out of test_fidelity.py so that the tests read as a list of checks: this module
cleans the extracted protocol text into sentences and units, parses built HTML into
visible text, and finds what is missing or misplaced.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "hsb-protocol-v1-2018.txt"
SECTIONS_TOML = ROOT / "data" / "sections.toml"
DOCS = ROOT / "docs"

# ---------------------------------------------------------------------------------------
# Normalising text (the same rules for the protocol and for the site)
# ---------------------------------------------------------------------------------------

# ’ ‘ “ ” and straight quotes are all treated alike.
_QUOTES = str.maketrans({c: "'" for c in "’‘“”\"'`´"})
# Bullet glyphs the PDF may have kept (most were lost: see the fixture's README).
_BULLET = re.compile(r"^(?:[•◦▪▫■□●○◆◇➢➤►▶\uf0a7\uf0b7\uf0d8\uf0fc\u2043\u2219-]\s+|o\s+)")


def normalise(text: str) -> str:
    """Quotes alike, runs of whitespace (including no-break spaces) as one space."""
    return re.sub(r"\s+", " ", text.translate(_QUOTES)).strip()


# ---------------------------------------------------------------------------------------
# The protocol text: furniture out, units (headings, paragraphs, list items), sentences
# ---------------------------------------------------------------------------------------

RUNNING_HEADER = "CSCB harmful sexual behaviour protocol"
VERSION_FOOTER = "Version 1: Implemented April 2018"
_URL_LINE = re.compile(r"(?:https?://\S+\s*)+")
_PAGE_NUMBER = re.compile(r"\d{1,3}")
# A line that looks like a numbered heading ("6.1 Referral ...", "Appendix 1: Brook ...").
_HEADING_LIKE = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})?|Appendix \d+):?\s+[A-Z][^.]*")
# Sentence ends; ":" and ";" also end a piece, so a list's lead-in is checked on its own.
_SENTENCE_END = re.compile(r"(?<=[.?!:;])\s+")
# Labels of the Appendix table's description row that are layout, not protocol wording.
_TABLE_ROW_LABEL = re.compile(r"^Description\s+")


@dataclass(frozen=True)
class SectionInfo:
    number: str
    title: str
    anchor: str
    page: str

    @property
    def ref(self) -> str:
        return f"section {self.number} ({self.title})"


def load_sections() -> list[SectionInfo]:
    with SECTIONS_TOML.open("rb") as f:
        return [SectionInfo(s["number"], s["title"], s["anchor"], s["page"]) for s in tomllib.load(f)["section"]]


@dataclass
class Unit:
    """One heading, paragraph, list item or table cell of the protocol, and its section."""

    section: SectionInfo | None
    lines: list[str] = field(default_factory=list)
    heading: bool = False

    def text(self) -> str:
        joined = ""
        for line in self.lines:
            line = line.strip()
            if not joined:
                joined = line
            elif joined.endswith("-"):  # "Multi-\nagency" is "Multi-agency"
                joined += line
            else:
                joined += " " + line
        return joined


@dataclass
class ProtocolText:
    units: list[Unit]            # everything except the Appendix 1 behaviour rows
    behaviour_rows: str          # the Appendix 1 behaviour rows, cleaned and joined
    headings_not_in_data: list[str]


def _is_furniture(stripped: str) -> bool:
    return (stripped == RUNNING_HEADER or stripped == VERSION_FOOTER or stripped.startswith("mailto:")
            or bool(_PAGE_NUMBER.fullmatch(stripped)))


def read_protocol(text: str, sections: list[SectionInfo]) -> ProtocolText:
    """Split the extracted protocol into units, each tagged with the section it sits in."""
    headings = {}
    for s in sections:
        for form in (f"{s.number} {s.title}", f"{s.number}: {s.title}"):
            headings[normalise(form)] = s
    units: list[Unit] = []
    current: SectionInfo | None = None
    unit: Unit | None = None
    seen = ""                  # all kept text so far, without whitespace (to spot repeated links)
    in_appendix = False        # the table: cells are separated by empty lines, not " " lines
    rows: list[str] = []       # the behaviour rows (after "Behaviours 0-5")
    in_rows = False
    unknown_headings: list[str] = []

    def close() -> None:
        nonlocal unit
        if unit is not None and unit.lines:
            units.append(unit)
        unit = None

    for line in text.splitlines():
        stripped = line.strip()
        if _is_furniture(stripped):
            continue
        if _URL_LINE.fullmatch(stripped) and all(u in seen for u in stripped.split()):
            continue  # a link repeated after its paragraph: the first occurrence is kept
        if in_rows:
            rows.append(line)
            continue
        if not line:
            if in_appendix:
                close()
            continue  # the extraction puts an empty line between hard-wrapped lines
        if not stripped:
            close()   # a line holding only spaces ends a paragraph or list item
            continue
        seen += re.sub(r"\s+", "", stripped)
        key = normalise(stripped)
        if key in headings:
            close()
            current = headings[key]
            in_appendix = current.number.startswith("Appendix")
            units.append(Unit(current, [f"{current.number} {current.title}"], heading=True))
            continue
        if _HEADING_LIKE.fullmatch(stripped) and not in_appendix:
            unknown_headings.append(stripped)
        if in_appendix and stripped == "Behaviours":
            close()
            in_rows = True  # the age-band rows: checked against data, behaviour by behaviour
            rows.append(line)
            continue
        if in_appendix and re.fullmatch(r"(?:\S+ behaviours\s*){2,}", stripped):
            close()  # the column headings, "Green behaviours Amber behaviours Red behaviours"
            for column in re.findall(r"\S+ behaviours", stripped):
                units.append(Unit(current, [column]))
            continue
        if line[0].isspace() or _BULLET.match(line):
            close()   # a lost bullet glyph (or a page's first line) starts a new unit
        if unit is None:
            unit = Unit(current)
        unit.lines.append(_BULLET.sub("", stripped))
    close()
    behaviour_rows = ""
    for line in rows:
        line = _BULLET.sub("", line.strip())
        if not line:
            continue
        behaviour_rows += line if behaviour_rows.endswith("-") else " " + line
    return ProtocolText(units, normalise(behaviour_rows), unknown_headings)


@dataclass(frozen=True)
class Sentence:
    section: SectionInfo | None
    text: str


def sentences(protocol: ProtocolText) -> list[Sentence]:
    out = []
    for unit in protocol.units:
        text = unit.text()
        if unit.section is not None and unit.section.number.startswith("Appendix"):
            text = _TABLE_ROW_LABEL.sub("", text)
        pieces = [text] if unit.heading else [p for p in _SENTENCE_END.split(text) if re.search(r"\w", p)]
        # A piece of one or two words ("Category 1:", a lone web address) is checked together
        # with its neighbour, so that it is checked where it stands.
        merged: list[str] = []
        for piece in pieces:
            if merged and len(merged[-1].split()) < 3:
                merged[-1] += " " + piece
            else:
                merged.append(piece)
        if len(merged) > 1 and len(merged[-1].split()) < 3:
            last = merged.pop()
            merged[-1] += " " + last
        out.extend(Sentence(unit.section, normalise(piece)) for piece in merged)
    return out


# ---------------------------------------------------------------------------------------
# The built site: visible text, and a small element tree for the Appendix
# ---------------------------------------------------------------------------------------

_BLOCK = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details", "div", "dl", "dt",
          "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
          "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
          "tr", "ul"}
_INVISIBLE = {"script", "style", "template", "noscript", "svg", "head", "title"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "_Node | None") -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list["_Node | str"] = []

    def text(self) -> str:
        if self.tag in _INVISIBLE:
            return ""
        parts = []
        for child in self.children:
            if isinstance(child, str):
                parts.append(child)
            else:
                inner = child.text()
                parts.append(f" {inner} " if child.tag in _BLOCK else inner)
        return "".join(parts)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, _Node):
                yield from child.iter()

    def ancestor(self, tag: str) -> "_Node | None":
        node = self
        while node is not None and node.tag != tag:
            node = node.parent
        return node


class _TreeBuilder(HTMLParser):
    """A forgiving HTML tree: enough for the site's own, well-formed pages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)  # entities arrive unescaped
        self.root = _Node("#document", {}, None)
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}, self.stack[-1]))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def visible_text(html: str) -> str:
    """The page's main content as a reader sees it (the whole body if there is no <article>)."""
    root = parse_html(html)
    article = next((n for n in root.iter() if n.tag == "article"), None)
    body = next((n for n in root.iter() if n.tag == "body"), root)
    return normalise((article or body).text())


def page_html_path(site: Path, page: str) -> Path:
    """Where mkdocs (use_directory_urls) writes docs/<page>."""
    p = Path(page)
    return site / (p.parent if p.stem == "index" else p.with_suffix("")) / "index.html"


def missing_sentences(all_sentences: list[Sentence], page_texts: dict[str, str]) -> list[str]:
    """Every sentence not on the page of its section, as readable lines."""
    problems = []
    for s in all_sentences:
        page = s.section.page if s.section else None
        if page is not None and s.text in page_texts.get(page, ""):
            continue
        elsewhere = [p for p, t in page_texts.items() if s.text in t]
        where = f"; it is on {', '.join(elsewhere)} instead" if elsewhere else ""
        ref = f"{s.section.ref}, docs/{page}" if s.section else "before any section"
        problems.append(f"- [{ref}] {s.text!r}{where}")
    return problems


def _band_names(band) -> list[str]:
    return [band.id, band.label]


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(normalise(name))}(?![\w-])", text) is not None


def behaviour_problems(html: str, behaviours, bands, colours) -> list[str]:
    """Each behaviour in an element with its id, in its band's table, with its colour's label in its row."""
    root = parse_html(html)
    by_id: dict[str, list[_Node]] = {}
    for node in root.iter():
        if "id" in node.attrs:
            by_id.setdefault(node.attrs["id"], []).append(node)
    bands_by_id = {b.id: b for b in bands}
    colours_by_id = {c.id: c for c in colours}
    problems = []
    for b in behaviours:
        found = by_id.get(b.id, [])
        if len(found) != 1:
            problems.append(f"- {b.id}: {len(found)} elements have this id (expected exactly 1)")
            continue
        node = found[0]
        text = normalise(b.text)
        if text not in normalise(node.text()):
            problems.append(f"- {b.id}: the element with this id does not contain {b.text!r}")
        row, table = node.ancestor("tr"), node.ancestor("table")
        if row is None or table is None:
            problems.append(f"- {b.id}: not in a table row")
            continue
        caption = next((n for n in table.iter() if n.tag == "caption"), None)
        label = normalise(" ".join(filter(None, [caption.text() if caption else "", table.attrs.get("aria-label", ""),
                                                  table.attrs.get("data-band", "")])))
        named = [x.id for x in bands if any(_mentions(label, n) for n in _band_names(x))]
        if named != [b.band]:
            problems.append(f"- {b.id}: its table is labelled {label!r}, which should name band "
                            f"{bands_by_id[b.band].label!r} ({b.band}) and no other")
        row_text = normalise(row.text()).replace(text, " ")
        shown = [c.id for c in colours if _mentions(row_text, c.label)]
        if shown != [b.colour]:
            problems.append(f"- {b.id}: its row shows colour label(s) {shown}, expected "
                            f"{colours_by_id[b.colour].label!r}")
    return problems


