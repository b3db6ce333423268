"""The version history page, from data/protocol.toml's [[version]] entries.

Typed functions only; ``macros/main.py`` exposes ``PAGE_FUNCTIONS`` to the pages with
the protocol bound in. The release command (``python -m hsb_review release``) tells the
build which versions have a PDF in the published site through the environment variable
``HSB_RELEASE_PDFS`` ("1,2"), so the page links only to files that exist.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from decision_aid import Protocol

from .render import render
from .status import readable

PDFS_VARIABLE = "HSB_RELEASE_PDFS"
# "What changed in version N" notes, written by `python -m hsb_review diff OLD NEW --markdown data/changes/N.md`
# (and editable by the board); each is shown with its version on the Version history page.
CHANGES = Path(__file__).resolve().parent.parent / "data" / "changes"


def pdf_name(number: str) -> str:
    """The file name of a version's PDF, in the release and in the published site."""
    return f"hsb-protocol-v{number}.pdf"


@dataclass(frozen=True)
class VersionRow:
    number: str
    approved: str
    implemented: str
    approved_by: str
    summary: str
    corrections: tuple[str, ...]
    in_force: bool
    superseded_by: str | None        # the next version's number
    superseded_on: str | None        # when the next version was implemented
    pdf: str | None                  # site-relative address of its PDF, when the release includes it
    changes: str | None = None       # the "what changed" report for this version, ready to embed


def released_pdfs() -> set[str]:
    """Versions whose PDF the release build will publish (empty outside a release)."""
    return {v.strip() for v in os.environ.get(PDFS_VARIABLE, "").split(",") if v.strip()}


def embed_changes(markdown: str) -> str:
    """A `diff --markdown` page as the body of a collapsible block: no front matter, no title, and
    its headings as bold lines (so they stay out of the page's table of contents), indented 4 spaces."""
    text = re.sub(r"\A---\n.*?\n---\n", "", markdown, flags=re.S).strip()
    text = re.sub(r"\A# [^\n]*\n", "", text).strip()
    text = re.sub(r"^#{2,6} (.+)$", r"**\1**", text, flags=re.M)
    return "\n".join("    " + line if line.strip() else "" for line in text.splitlines())


def changes_for(number: str, folder: Path = CHANGES) -> str | None:
    path = folder / f"{number}.md"
    return embed_changes(path.read_text(encoding="utf-8")) if path.is_file() else None


def history_rows(p: Protocol, pdfs: set[str] | None = None, changes: Path = CHANGES) -> list[VersionRow]:
    """Every version, newest first."""
    pdfs = released_pdfs() if pdfs is None else pdfs
    versions = p.document.versions
    rows = []
    for i, v in enumerate(versions):
        nxt = versions[i + 1] if i + 1 < len(versions) else None
        rows.append(VersionRow(
            number=v.number,
            approved=readable(v.approved) if v.approved else "not recorded",
            implemented=readable(v.implemented),
            approved_by=v.approved_by,
            summary=v.summary,
            corrections=v.corrections,
            in_force=nxt is None,
            superseded_by=nxt.number if nxt else None,
            superseded_on=readable(nxt.implemented) if nxt else None,
            pdf=f"versions/{v.number}/{pdf_name(v.number)}" if v.number in pdfs else None,
            changes=changes_for(v.number, changes),
        ))
    return rows[::-1]


def version_history(p: Protocol) -> str:
    """The body of the Version history page (Markdown)."""
    by = p.document.review_by
    by = by[0].lower() + by[1:] if by.startswith("The ") else by
    return render("history.md", rows=history_rows(p), every=p.document.review_every_months, review_by=by)


def version_in_force(p: Protocol) -> str:
    """One line for any page: 'Version 1, implemented April 2018.'"""
    v = p.document.current
    return f"Version {v.number}, implemented {readable(v.implemented)}."


PAGE_FUNCTIONS = {
    "version_history": version_history,
    "version_in_force": version_in_force,
}
