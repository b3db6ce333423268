"""Section headings and links, from data/sections.toml, so numbers and anchors never drift."""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from decision_aid import Protocol
from decision_aid.model import Section

from .escape import text

HEADING_CALL = re.compile(r"""\{\{\s*heading\(\s*["']([^"']+)["']\s*\)\s*\}\}""")


def find(protocol: Protocol, ref: str) -> Section:
    """A section by number or anchor; a clear error for an unknown or ambiguous one."""
    matches = [s for s in protocol.sections if ref == s.anchor] or [s for s in protocol.sections if ref == s.number]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise ValueError(f"more than one section is numbered {ref}: use its anchor, one of "
                         + ", ".join(s.anchor for s in matches))
    raise ValueError(f"there is no section '{ref}' in data/sections.toml")


def heading(protocol: Protocol, ref: str) -> str:
    """The Markdown heading of a section with its stable anchor: '## 8.3 Child protection response {#8-3-...}'.

    The web addresses of retired sections this one replaces (data/retired.toml) land here too.
    """
    s = find(protocol, ref)
    line = f"{'#' * s.depth} {text(s.number, markdown=True)} {text(s.title, markdown=True)} {{#{s.anchor}}}"
    return line + "".join(f'\n\n<span id="{old}"></span>' for old in _old_anchors(s.anchor))


def _old_anchors(anchor: str) -> list[str]:
    from .retired import read   # data/retired.toml, beside data/sections.toml
    entries, _problems = read(Path(__file__).resolve().parent.parent / "data")
    return [r.id for r in entries if r.kind == "section" and r.replaced_by == anchor and re.fullmatch(r"[\w-]+", r.id)]


def url(protocol: Protocol, ref: str) -> str:
    """A docs-root link to the section, resolved and checked by the site build."""
    s = find(protocol, ref)
    return f"/{s.page}#{s.anchor}"


def cite(protocol: Protocol, ref: str) -> Markup:
    """A Markdown link reading as staff cite it: '6.1' or '15 (Working with parents)'.

    Markup, so templates keep it a link; its label is escaped, and its address is made
    of a page and an anchor the loader has checked (``text_checks``, ``checks``).
    """
    s = find(protocol, ref)
    label = s.number if sum(x.number == s.number for x in protocol.sections) == 1 else f"{s.number} ({s.title})"
    return Markup(f"[{text(label, markdown=True)}]({url(protocol, ref)})")


def check_pages(protocol: Protocol, docs_dir: Path) -> list[str]:
    """Every section's heading stands on its page once, and no page heads an unknown section.

    Run before anything is built, so a renumbered or deleted heading (which would break
    links staff have saved) stops the build with the page and the fix; so does a timescale,
    telephone number or e-mail written in a section's text that disagrees with data (macros.prose).
    """
    problems = []
    found: dict[str, list[str]] = {}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        for ref in HEADING_CALL.findall(path.read_text(encoding="utf-8")):
            try:
                found.setdefault(find(protocol, ref).anchor, []).append(rel)
            except ValueError as e:
                problems.append(f"docs/{rel}: heading(\"{ref}\"): {e}. Use a number or anchor from data/sections.toml.")
    for s in protocol.sections:
        pages = found.get(s.anchor, [])
        if not (docs_dir / s.page).is_file():
            problems.append(f"data/sections.toml, section {s.number} '{s.title}': its page docs/{s.page} does not exist.")
        elif pages != [s.page]:
            where = ", ".join(f"docs/{p}" for p in pages) or "no page"
            ref = s.number if sum(x.number == s.number for x in protocol.sections) == 1 else s.anchor
            problems.append(f"docs/{s.page}: the heading of section {s.number} '{s.title}' is missing or misplaced "
                            f"(found on {where}). Put {{{{ heading(\"{ref}\") }}}} on this page exactly once: "
                            "links to the section depend on it.")
    from .prose import check_prose  # the facts in the sections' text: from data, and agreeing with it
    from .retired import check_folder  # retired ids: gone from the data, and their replacements there
    return problems + check_prose(protocol, docs_dir) + check_folder(protocol, docs_dir.parent / "data")
