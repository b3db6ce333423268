"""The version history page, from data/protocol.toml's [[version]] entries.

Typed functions only; ``macros/main.py`` exposes ``PAGE_FUNCTIONS`` to the pages with
the protocol bound in. The release command (``python -m hsb_review release``) tells the
build which versions have a PDF in the published site through the environment variable
``HSB_RELEASE_PDFS`` ("1,2"), so the page links only to files that exist.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from decision_aid import Protocol

from .render import render
from .status import coming, in_force, is_release_build, readable, starts, when

PDFS_VARIABLE = "HSB_RELEASE_PDFS"
# "What changed in version N" notes, written by `python -m hsb_review diff OLD NEW --markdown data/changes/N.md`
# (and editable by the board); each is shown with its version on the Version history page.
ROOT = Path(__file__).resolve().parent.parent
CHANGES = ROOT / "data" / "changes"


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
    state: str                       # "in force", "superseded", or "approved, in force from 1 January 2027"
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


def history_rows(p: Protocol, pdfs: set[str] | None = None, changes: Path = CHANGES,
                 today: date | None = None) -> list[VersionRow]:
    """Every version, newest first; only versions whose successor is in force are superseded."""
    pdfs = released_pdfs() if pdfs is None else pdfs
    today = today or date.today()
    versions = p.document.versions
    force = in_force(p, today)
    pending = coming(p, today)
    rows = []
    for i, v in enumerate(versions):
        nxt = versions[i + 1] if i + 1 < len(versions) else None
        superseded = nxt is not None and nxt not in pending
        state = ("in force" if v is force else "superseded" if superseded
                 else f"approved, in force from {readable(v.implemented)}")
        rows.append(VersionRow(
            number=v.number,
            approved=readable(v.approved) if v.approved else "not recorded",
            implemented=readable(v.implemented),
            approved_by=v.approved_by,
            summary=v.summary,
            corrections=v.corrections,
            in_force=v is force,
            state=state,
            superseded_by=nxt.number if superseded else None,
            superseded_on=readable(nxt.implemented) if superseded else None,
            pdf=f"versions/{v.number}/{pdf_name(v.number)}" if v.number in pdfs else None,
            changes=changes_for(v.number, changes),
        ))
    return rows[::-1]


def _last_release(root: Path) -> tuple[str, dict] | None:
    """(version, release.json) of the newest release kept in release/versions/."""
    found = []
    for manifest in (root / "release" / "versions").glob("*/release.json"):
        try:
            found.append((manifest.parent.name, json.loads(manifest.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    return max(found, key=lambda x: x[1].get("released_at", "")) if found else None


def unreleased_changes(root: Path = ROOT) -> str:
    """For a draft build: which files of the protocol differ from the last release, and how to see every change."""
    last = _last_release(root)
    if last is not None:
        number, manifest = last
        changed = sorted(f for f, digest in manifest.get("protocol_files", {}).items()
                         if not (root / f).is_file() or hashlib.sha256((root / f).read_bytes()).hexdigest() != digest)
        since = f"the release of version {number} on {manifest.get('released', '?')}"
    else:
        number = None
        status = subprocess.run(["git", "status", "--porcelain", "--", "data", "docs"], cwd=root,
                                capture_output=True, text=True)
        changed = sorted(line[3:] for line in status.stdout.splitlines()) if status.returncode == 0 else []
        since = "the last commit (no release has been made from this folder)"
        if status.returncode != 0:
            since, changed = "the last release (none is kept here, and this folder is not in git)", ["(unknown)"]
    files = "\n".join(f"- `{f}`" for f in changed) or "- no file of the protocol has changed"
    compare = number or "<version>"
    return (f"## Unreleased changes {{: #unreleased-changes }}\n\nThis build is a **draft**: it was not made by "
            f"`make release`, so it is not the approved protocol. Changed since {since}:\n\n{files}\n\n"
            f"Every change in plain words, and how the checker's answers change: `make diff OLD={compare}`.\n")


def version_history(p: Protocol) -> str:
    """The body of the Version history page (Markdown); a draft build lists its unreleased changes first."""
    by = p.document.review_by
    by = by[0].lower() + by[1:] if by.startswith("The ") else by
    page = render("history.md", rows=history_rows(p), every=p.document.review_every_months, review_by=by)
    return page if is_release_build() else unreleased_changes() + "\n" + page


def version_in_force(p: Protocol) -> str:
    """One line for any page: 'Version 1, implemented in April 2018.' (or 'in force from' a date to come)."""
    v = p.document.current
    if starts(v.implemented) > date.today():
        return f"Version {v.number}, approved, in force from {readable(v.implemented)}."
    return f"Version {v.number}, implemented {when(v.implemented)}."


PAGE_FUNCTIONS = {
    "version_history": version_history,
    "version_in_force": version_in_force,
}
