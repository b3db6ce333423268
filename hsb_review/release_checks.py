"""What the release checks before it builds anything: only what the board approved goes out.

* the version it compares with (the last release kept in ``release/``, or else the last
  git commit of the previous version), and no published id gone without a record in
  ``data/retired.toml``;
* a change summary for the version (``data/changes/<n>.md``), so the site's change log
  is never empty;
* the site's address (``site_url`` in mkdocs.yml), printed on every page of the PDF;
* the approval record and the git commit, for ``release.json``.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from decision_aid import DataError
from decision_aid.model import Protocol

from . import ReviewError
from .breaking import gone, newly_unreachable, refusal, retired_in, unrecorded
from .tree import Tree, open_tree, version_commit


@dataclass(frozen=True)
class Baseline:
    """The version this release is compared with; ``spec`` opens it with ``open_tree``."""

    number: str
    spec: str
    words: str


def baseline(root: Path, out: Path, p: Protocol) -> Baseline | None:
    """The last release of an earlier version, or else the last commit of the previous version."""
    current = p.document.current.number
    numbers = [v.number for v in p.document.versions]
    earlier = numbers[:numbers.index(current)][::-1]
    for n in earlier:
        folder = out / "versions" / n
        if folder.is_dir() and any(folder.glob("hsb-protocol-v*-source.zip")):
            return Baseline(n, str(folder), f"version {n} as released ({folder})")
    for n in earlier + [current]:
        commit = version_commit(n, root)
        if commit:
            return Baseline(n, commit, f"version {n} as committed in git ({commit[:8]})")
    return None


def check_breaking(root: Path, p: Protocol, base: Baseline | None, say) -> tuple[Tree | None, list[str]]:
    """Refuse ids gone without a record; say what no situation can reach. Returns the opened baseline."""
    if base is None:
        say("    Note: there is no earlier version to compare with (no release folder, no git history): "
            "removed ids cannot be checked.")
        return None, newly_unreachable(None, p) or []
    old = open_tree(base.spec, cwd=root)
    try:
        missing = unrecorded(gone(old.protocol, p), retired_in(root / "data"))
    except DataError as e:
        old.close()
        raise ReviewError(f"{base.words} cannot be read by these tools (its data is in an older format), so the "
                          "release cannot check which published ids are gone:\n"
                          + "\n".join(f"  - {x}" for x in e.problems[:5])
                          + "\nKeep release/versions/ from the last release in the project folder (the release "
                          "compares with it first), or record the commit of a readable copy as commit = \"...\" "
                          "in that version's entry in data/protocol.toml.") from None
    except Exception:
        old.close()
        raise
    if missing:
        old.close()
        raise ReviewError(refusal(missing, base.words))
    lines = newly_unreachable(old.protocol, p)
    return old, lines or []


def check_change_summary(root: Path, p: Protocol, base: Baseline | None) -> Path | None:
    """A version after the first needs its 'what changed' page, written from the diff and read by the board."""
    current = p.document.current.number
    if len(p.document.versions) < 2:
        return None
    page = root / "data" / "changes" / f"{current}.md"
    if page.is_file() and page.read_text(encoding="utf-8").strip():
        return page
    old = base.number if base else p.document.versions[-2].number
    raise ReviewError(
        f"data/changes/{current}.md is missing: the Version history page would not say what changed in version "
        f"{current}. Write it from the diff, then read it and edit it where needed:\n\n"
        f"    .venv/bin/python -m hsb_review diff {old} . --markdown data/changes/{current}.md\n")


SITE_URL = re.compile(r"^site_url:\s*['\"]?(https?://[^\s'\"#]+)", re.M)


def site_url(root: Path) -> str:
    """The published site's address from mkdocs.yml: the PDF prints it on every page."""
    config = root / "mkdocs.yml"
    found = SITE_URL.search(config.read_text(encoding="utf-8")) if config.is_file() else None
    if not found:
        raise ReviewError("mkdocs.yml has no site_url, so the PDF cannot say where to check for the version in "
                          "force. Add the published site's address near the top of mkdocs.yml, for example:\n\n"
                          "    site_url: https://hsb-protocol.example.org/\n\n(use the real address of the site).")
    return found.group(1)


def git_commit(root: Path) -> dict:
    """The commit released, and whether the working tree had edits not committed."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    if head.returncode != 0:
        return {"commit": None, "note": "this folder is not kept in git"}
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "data", "docs", "mkdocs.yml"], cwd=root,
                           capture_output=True, text=True).stdout.strip()
    return {"commit": head.stdout.strip(), "uncommitted_changes": bool(dirty)}


def approval(p: Protocol) -> dict:
    v = p.document.current
    return {"approved_by": v.approved_by, "approved": v.approved, "minute": v.minute,
            "implemented": v.implemented}
