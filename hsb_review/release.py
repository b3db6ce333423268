"""One command from checked data to files the board can publish.

    python -m hsb_review release [--out release/]

1. check the data (the one loader), and that a changed protocol has a new version entry;
2. build the site strictly (``mkdocs build --strict``) into a temporary folder;
3. check the built site: every section and behaviour keeps its web address;
4. print the whole protocol to one PDF (Chromium through Playwright) and check it;
5. add the PDFs of every version to the site under ``versions/<n>/``, the old ones
   marked as superseded with a pointer to the current version;
6. pack the site as a .zip for any static web host.

Everything is made in a temporary folder and moved into ``release/versions/<n>/`` only
when every step has succeeded: on any failure nothing is written to the release folder.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Callable

import decision_aid
from decision_aid import DataError
from decision_aid.loader import FILES
from decision_aid.model import Protocol
from macros.history import pdf_name  # the site links each version's PDF by this name

from macros.status import RELEASE_VARIABLE

from . import ReviewError
from .release_checks import approval, baseline, check_breaking, check_change_summary, git_commit, site_url
from .version_pages import add_versions

MANIFEST = "release.json"




def site_zip_name(number: str) -> str:
    return f"hsb-protocol-v{number}-site.zip"


def source_zip_name(number: str) -> str:
    return f"hsb-protocol-v{number}-source.zip"


@dataclass(frozen=True)
class Released:
    folder: Path
    pdf: Path
    site_zip: Path
    source_zip: Path
    manifest: Path


# -- what makes up a version -------------------------------------------------------------

def protocol_files(root: Path, p: Protocol) -> dict[str, str]:
    """SHA-256 of every file that holds the protocol: the data files and the section pages."""
    paths = [f"data/{name}" for name in (*FILES, "retired.toml")] + sorted({f"docs/{s.page}" for s in p.sections})
    out = {}
    for rel in paths:
        f = root / rel
        out[rel] = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else "missing"
    return out


def _released_versions(out: Path) -> dict[str, dict]:
    found = {}
    for manifest in sorted(out.glob(f"versions/*/{MANIFEST}")):
        try:
            found[manifest.parent.name] = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
    return found


def check_version_entry(root: Path, p: Protocol, out: Path, replace: bool) -> str | None:
    """A changed protocol needs a new [[version]] entry; returns a note when re-releasing the same version."""
    current = p.document.current.number
    released = _released_versions(out).get(current)
    if released is None:
        return None
    before = released.get("protocol_files", {})
    now = protocol_files(root, p)
    changed = [f for f in sorted(set(before) | set(now)) if before.get(f) != now.get(f)]
    if not changed:
        return (f"Version {current} was released on {released.get('released', '?')} with the same protocol text; "
                "its release files will be replaced.")
    if replace:
        return (f"Version {current} was released on {released.get('released', '?')}; its files will be replaced "
                f"(--replace) although the protocol changed since: {', '.join(changed)}.")
    return_msg = (
        f"data/protocol.toml: the protocol has changed since version {current} was released on "
        f"{released.get('released', '?')} (changed: {', '.join(changed)}), but there is no new [[version]] entry. "
        f"Add one at the end of data/protocol.toml, for example:\n\n"
        f"    [[version]]\n    number = \"{_next_number(current)}\"\n    approved = \"YYYY-MM-DD\"\n"
        f"    implemented = \"YYYY-MM-DD\"\n    approved_by = \"...\"\n    summary = \"What changed, in plain words.\"\n\n"
        f"If version {current} has not been published yet and you are correcting it, run the release again "
        "with --replace.")
    raise ReviewError(return_msg)


def _next_number(number: str) -> str:
    return str(int(number) + 1) if number.isdigit() else number + " (next)"


# -- the site build ----------------------------------------------------------------------

def _build_problems(output: str) -> list[str]:
    """The lines of mkdocs' output a board member needs: warnings, errors and the reason it stopped."""
    keep: list[str] = []
    lines = output.splitlines()
    for i, line in enumerate(lines):
        text = line.strip()
        if not text or text.startswith("INFO") or text.startswith("DEBUG"):
            continue
        if text.startswith("Traceback") or "was left as it was" in text:
            continue  # the safe-build hook's note is about the temporary folder, not the published site
        keep.append(re.sub(r"^(WARNING|ERROR)\s+-\s+", r"\1: ", text))
    # Drop the Python traceback lines mkdocs prints for unexpected errors; keep the message.
    keep = [k for k in keep if not k.startswith("File \"") and not k.startswith("^")]
    return keep or ["(mkdocs gave no reason)"]


def build_site(root: Path, site: Path, pdfs: set[str]) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "HSB_RELEASE_PDFS": ",".join(sorted(pdfs)),
           RELEASE_VARIABLE: "1"}   # the one build that is not marked DRAFT
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml"),
                             "-d", str(site)], cwd=root, env=env, capture_output=True, text=True, timeout=900)
    if result.returncode != 0 or not (site / "index.html").is_file():
        problems = _build_problems(result.stderr + "\n" + result.stdout)
        raise ReviewError("The site build failed (mkdocs build --strict):\n" + "\n".join(f"  {x}" for x in problems))


def check_site(site: Path, p: Protocol) -> None:
    """Every section and behaviour is where links to it point."""
    problems = []
    cache: dict[Path, str] = {}
    for s in p.sections:
        page = site / s.page.removesuffix(".md") / "index.html"
        if page not in cache:
            cache[page] = page.read_text(encoding="utf-8") if page.is_file() else ""
        if f'id="{s.anchor}"' not in cache[page]:
            problems.append(f"section {s.number} '{s.title}': the built page for docs/{s.page} has no heading "
                            f"#{s.anchor}, so links to it would break. Check {{{{ heading(...) }}}} on that page.")
    appendix = next((s for s in p.sections if s.number.lower().startswith("appendix")), None)
    if appendix:
        text = cache.get(site / appendix.page.removesuffix(".md") / "index.html", "")
        missing = [b.id for b in p.behaviours if f'id="{b.id}"' not in text]
        if missing:
            problems.append(f"docs/{appendix.page}: the traffic light table has no row for "
                            f"{', '.join(missing)}, so links to {'it' if len(missing) == 1 else 'them'} would break.")
    if problems:
        raise ReviewError("The built site failed its checks:\n" + "\n".join(f"  - {x}" for x in problems))


# -- the PDF -----------------------------------------------------------------------------

def _norm(text: str) -> str:
    text = text.replace("\u00ad", "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def check_pdf(pdf: Path, p: Protocol) -> int:
    """Every section heading, every behaviour and, on every page, the print notice. Returns the page count."""
    try:
        from pypdf import PdfReader
    except ImportError:  # the check needs pypdf, which the test set-up installs
        return 0
    reader = PdfReader(str(pdf))
    pages = [_norm(page.extract_text() or "") for page in reader.pages]
    whole = " ".join(pages)
    problems = []
    for s in p.sections:
        if _norm(f"{s.number} {s.title}") not in whole:
            problems.append(f"the heading '{s.number} {s.title}' is not in the PDF")
    for b in p.behaviours:
        if _norm(b.text) not in whole:
            problems.append(f"behaviour '{b.id}' ('{b.text}') is not in the PDF")
    notice = _norm(p.document.print_notice)
    without = [str(i + 1) for i, text in enumerate(pages) if notice not in text]
    if without:
        problems.append(f"the print notice is missing on page(s) {', '.join(without)}")
    if problems:
        raise ReviewError("The PDF failed its checks:\n" + "\n".join(f"  - {x}" for x in problems))
    return len(pages)


# -- the archive -------------------------------------------------------------------------

def zip_site(site: Path, target: Path) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for f in sorted(site.rglob("*")):
            if f.is_file():
                z.write(f, f.relative_to(site).as_posix())


def zip_source(root: Path, target: Path) -> None:
    """data/ and docs/ as released, so a later review can compare with this version without git."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for part in ("data", "docs"):
            for f in sorted((root / part).rglob("*")):
                if f.is_file() and "__pycache__" not in f.parts:
                    z.write(f, f.relative_to(root).as_posix())


def _diff_summary(old, root: Path) -> dict:
    """The counts the board reads first, for release.json; the old version's unpacked copy is removed."""
    from .diff import diff
    from .tree import open_tree
    with old, open_tree(str(root), cwd=root) as new:
        r = diff(old, new)
    return {"compared_with": r.old, "old_version": r.old_version, "changes": len(r.changes), "cases": r.cases,
            "different_results": len(r.differences),
            "different_threshold_colour_or_category": sum(d.old.classification != d.new.classification
                                                          for d in r.differences),
            "ids_retired": [f"{g.kind} {g.id}" for g in r.gone]}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- the whole release -----------------------------------------------------------------------

def release(root: Path, out: Path, today: date, replace: bool = False,
            say: Callable[[str], None] = lambda m: None) -> Released:
    root, out = root.resolve(), out.resolve()
    try:
        return _release(root, out, today, replace, say)
    except ReviewError as e:
        raise ReviewError(f"{e}\n\nNothing was released: {out} was not changed.") from None
    except Exception as e:  # a fault in the tools, not in the board's edit: say so plainly
        raise ReviewError(f"The release stopped on an unexpected error ({e.__class__.__name__}: {e}). This is a fault "
                          "in the publishing tools, not in your edit: tell the site's maintainers.\n\n"
                          f"Nothing was released: {out} was not changed.") from e


def _release(root: Path, out: Path, today: date, replace: bool, say: Callable[[str], None]) -> Released:
    say("1/6 Checking the data ...")
    try:
        p = decision_aid.load(root / "data")
    except DataError as e:
        raise ReviewError(str(e)) from None
    current = p.document.current
    note = check_version_entry(root, p, out, replace)
    if note:
        say("    " + note)
    url = site_url(root)
    base = baseline(root, out, p)
    check_change_summary(root, p, base)
    old_tree, unreachable_lines = check_breaking(root, p, base, say)
    for line in unreachable_lines:
        say("    Reachability: " + line)
    summary = _diff_summary(old_tree, root) if old_tree is not None else None

    from macros.status import readable, status  # the site's own wording for dates and the review
    site_status = status(p, today)
    if site_status.review_overdue:
        say(f"    Note: the review of version {current.number} was due by {site_status.review_due}; "
            "the site will say the review date has passed.")

    versions = p.document.versions
    previous = {v.number: out / "versions" / v.number / pdf_name(v.number) for v in versions[:-1]}
    missing = [n for n, f in previous.items() if not f.is_file()]
    for n in missing:
        say(f"    Note: no PDF of version {n} in {out / 'versions' / n}: the published site will not offer it. "
            "Copy it there from the earlier release if you have it.")
    pdfs = {n for n, f in previous.items() if f.is_file()} | {current.number}

    with tempfile.TemporaryDirectory(prefix="hsb-release-") as tmp_name:
        tmp = Path(tmp_name)
        site, staged = tmp / "site", tmp / "versions" / current.number
        staged.mkdir(parents=True)

        say("2/6 Building the site (mkdocs build --strict) ...")
        build_site(root, site, pdfs)

        say("3/6 Checking the built site ...")
        check_site(site, p)

        say("4/6 Printing the protocol to PDF (Chromium) ...")
        from .pdf import PrintInfo, print_protocol
        info = PrintInfo(
            title=p.document.title, board=p.document.board, board_short=p.document.board_short,
            version=current.number, implemented=readable(current.implemented),
            approved=readable(current.approved) if current.approved else "date not recorded",
            approved_by=current.approved_by, review_due=site_status.review_due,
            print_notice=p.document.print_notice, printed=f"{today.day} {readable(today.isoformat()[:7])}",
            site_url=url, versions=tuple((v.number, readable(v.approved) if v.approved else "not recorded",
                                          readable(v.implemented), v.approved_by, v.minute or "not recorded",
                                          v.summary) for v in versions))
        pdf = staged / pdf_name(current.number)
        print_protocol(site, p, info, pdf)
        pages = check_pdf(pdf, p)
        say(f"    {pdf.name}: {pages} pages; every section heading, all {len(p.behaviours)} behaviours and the "
            "print notice on every page are in it.")

        say("5/6 Adding every version's PDF to the site ...")
        add_versions(site, p, pdf, previous, pdfs, today, tmp, pdf_name)

        say("6/6 Packing the site ...")
        archive = staged / site_zip_name(current.number)
        zip_site(site, archive)
        source = staged / source_zip_name(current.number)
        zip_source(root, source)
        manifest = {
            "version": current.number,
            "implemented": current.implemented,
            "released": today.isoformat(),
            "released_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "pdf": {"file": pdf.name, "sha256": _sha256(pdf), "pages": pages},
            "site": {"file": archive.name, "sha256": _sha256(archive)},
            "source": {"file": source.name, "sha256": _sha256(source)},
            "earlier_pdfs_included": sorted(pdfs - {current.number}),
            "git": git_commit(root),
            "approval": approval(p),
            "compared_with": base.words if base else None,
            "diff_summary": summary,
            "unreachable": unreachable_lines,
            "site_url": url,
            "protocol_files": protocol_files(root, p),
        }
        (staged / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")

        # Everything succeeded: only now touch the release folder.
        final = out / "versions" / current.number
        final.parent.mkdir(parents=True, exist_ok=True)
        incoming = final.with_name(final.name + ".incoming")
        shutil.rmtree(incoming, ignore_errors=True)
        shutil.copytree(staged, incoming)
        if final.exists():
            old = final.with_name(final.name + ".replaced")
            shutil.rmtree(old, ignore_errors=True)
            final.rename(old)
            incoming.rename(final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            incoming.rename(final)

    released = Released(final, final / pdf_name(current.number), final / site_zip_name(current.number),
                        final / source_zip_name(current.number), final / MANIFEST)
    say(f"Released version {current.number} in {final}:")
    say(f"  {released.pdf.name}  the whole protocol, to print or circulate")
    say(f"  {released.site_zip.name}  the website: unzip it onto any static web host")
    say(f"  {released.source_zip.name}  the data and pages as released (to compare with later versions)")
    say(f"  {MANIFEST}  what was released, with checksums")
    return released
