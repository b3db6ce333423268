"""The published site's ``versions/<n>/`` pages and PDFs, by date.

A version is superseded only once the next one is in force: until its implementation
date the next version is "approved, in force from <date>", and the version before it
keeps its own page and an unmarked PDF. Superseded PDFs get a cover page and a line on
every page so a printed copy cannot be taken for the current one.
"""

from __future__ import annotations

import html
import shutil
from datetime import date
from pathlib import Path

from decision_aid.model import Protocol, Version

from macros.status import readable, starts, when

STYLE = """body{font-family:sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
.notice{border:3px solid #b00020;padding:1rem}"""


def superseded(nxt: Version | None, today: date) -> bool:
    """Superseded only when a next version exists and its date has come."""
    return nxt is not None and starts(nxt.implemented) <= today


def version_page(v: Version, nxt: Version | None, p: Protocol, pdf: str | None, today: date) -> str:
    e = html.escape
    name = f"the {e(p.document.board)} {e(p.document.title.lower())}"
    link = f'<p><a href="{e(pdf)}">Version {e(v.number)} as a PDF</a>{{}}.</p>' if pdf else ""
    if superseded(nxt, today):
        heading = f"Version {e(v.number)}: superseded"
        body = (f'<p class="notice"><strong>Superseded.</strong> Version {e(v.number)} (implemented '
                f"{e(when(v.implemented))}) was replaced by version {e(nxt.number)} {e(when(nxt.implemented))}. "
                "Do not use it for decisions about a child.</p>")
        link = link.format(" (marked as superseded on every page)")
    elif starts(v.implemented) > today:
        heading = f"Version {e(v.number)}: approved, in force from {e(readable(v.implemented))}"
        body = (f"<p>Version {e(v.number)} of {name} was approved and comes into force "
                f"{e(when(v.implemented))}. Until then the version before it is in force.</p>")
        link = link.format("")
    else:
        heading = f"Version {e(v.number)}: the version in force"
        until = (f" Version {e(nxt.number)} replaces it {e(when(nxt.implemented))}." if nxt else "")
        body = (f"<p>Version {e(v.number)} of {name} was implemented {e(when(v.implemented))} and is the "
                f"version in force.{until}</p>")
        link = link.format("")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; style-src 'unsafe-inline'">
<title>{heading} - {e(p.document.title)}</title>
<style>{STYLE}</style></head>
<body><h1>{heading}</h1>
<p>{e(p.document.board)}: {e(p.document.title)}.</p>
{body}
{link}
<p><a href="../../">Read the current version on this website</a> · <a href="../../version-history/">Version history</a></p>
</body></html>
"""


def stamp_superseded(original: Path, out: Path, v: Version, nxt: Version, p: Protocol, work: Path) -> None:
    """A copy of an old version's PDF with a cover page and 'SUPERSEDED' on every page."""
    from pypdf import PdfReader, PdfWriter

    from .pdf import html_to_pdf
    e = html.escape
    replaced = (f"Replaced by version {e(nxt.number)} {e(when(nxt.implemented))}. "
                "Do not use it for decisions: read the current version on the website.")
    cover, stamp = work / f"cover-{v.number}.pdf", work / f"stamp-{v.number}.pdf"
    html_to_pdf(f"""<!doctype html><html><body style="font-family:sans-serif;padding:40mm 20mm">
<h1 style="font-size:40pt;color:#b00020;margin:0">SUPERSEDED</h1>
<p style="font-size:16pt">{e(p.document.board)}: {e(p.document.title)}, version {e(v.number)}
(implemented {e(when(v.implemented))}).</p><p style="font-size:16pt;font-weight:bold">{replaced}</p>
<p style="font-size:12pt">This copy is kept so that past decisions can be understood.</p></body></html>""", cover)
    html_to_pdf(f"""<!doctype html><html><body style="margin:0">
<div style="position:fixed;top:6mm;left:0;right:0;text-align:center;font:bold 11pt sans-serif;color:#b00020">
SUPERSEDED: version {e(v.number)}. {replaced}</div></body></html>""", stamp, background=False)
    writer = PdfWriter(clone_from=str(original))
    stamp_page = PdfReader(str(stamp)).pages[0]
    for page in writer.pages:
        page.merge_page(stamp_page)
    writer.insert_page(PdfReader(str(cover)).pages[0], 0)
    with out.open("wb") as f:
        writer.write(f)


def add_versions(site: Path, p: Protocol, current_pdf: Path, previous: dict[str, Path], pdfs: set[str],
                 today: date, work: Path, pdf_name) -> None:
    """versions/<n>/index.html and its PDF for every version, marked by what is in force today."""
    versions = p.document.versions
    for i, v in enumerate(versions):
        nxt = versions[i + 1] if i + 1 < len(versions) else None
        folder = site / "versions" / v.number
        folder.mkdir(parents=True, exist_ok=True)
        if nxt is None:
            shutil.copy2(current_pdf, folder / pdf_name(v.number))
        elif v.number in pdfs and superseded(nxt, today):
            stamp_superseded(previous[v.number], folder / pdf_name(v.number), v, nxt, p, work)
        elif v.number in pdfs:
            shutil.copy2(previous[v.number], folder / pdf_name(v.number))   # still in force: unmarked
        (folder / "index.html").write_text(
            version_page(v, nxt, p, pdf_name(v.number) if v.number in pdfs else None, today), encoding="utf-8")
