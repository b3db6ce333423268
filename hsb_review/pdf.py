"""The whole protocol as one PDF, printed by Chromium from a print page of the built site.

The print page is put together from the built pages of every section, in the published
order, with the site's own stylesheets; links between sections become links inside the
document. Chromium (Debian's, through Playwright) prints it with the version and the
print notice in the footer of every page.
"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urljoin, urlsplit

from decision_aid.model import Protocol

from . import ReviewError

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PRINT_PAGE = "_print-protocol.html"

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
BODY = re.compile(r"<body([^>]*)>")
PRINT_ONLY = re.compile(r'<p class="hsb-print-only[^"]*">.*?</p>', re.S)
ATTR = re.compile(r'\b(href|src)="([^"]*)"')

PRINT_CSS = """
@page { size: A4; margin: 20mm 16mm 22mm 16mm; }
html { font-size: 11pt; }
body { margin: 0; background: #fff; }
.md-typeset { font-size: 10.5pt; line-height: 1.45; }
.md-typeset .headerlink, .hsb-print-header { display: none !important; }
.md-typeset a[href^="http"]::after { content: none !important; }
.md-typeset a { color: inherit; }
.md-typeset abbr { text-decoration: none; border-bottom: none; cursor: auto; }
.md-typeset h1 { font-size: 1.55em; margin: 1.4em 0 0.6em; font-weight: 700; color: #000; }
.md-typeset h2 { font-size: 1.25em; margin: 1.2em 0 0.5em; }
.md-typeset h1, .md-typeset h2, .md-typeset h3 { page-break-after: avoid; break-after: avoid; }
.hsb-page-appendix-1 { page-break-before: always; break-before: page; }
.md-typeset table { page-break-inside: auto; }
.md-typeset tr, .md-typeset .admonition { page-break-inside: avoid; break-inside: avoid; }
.tl-table-wrap { overflow: visible !important; }
.md-typeset .tl-table th { text-align: left; }
.md-typeset .tl-table td, .md-typeset .tl-table th { border-bottom: 1px solid #bbb; padding: 0.25em 0.5em; }
.hsb-cover { page-break-after: always; break-after: page; padding-top: 30mm; }
.hsb-cover h1 { font-size: 2em; margin-bottom: 0.3em; }
.hsb-cover .hsb-board { font-size: 1.3em; margin-top: 0; }
.hsb-cover .hsb-notice { margin-top: 3em; padding: 1em; border: 2px solid #000; font-weight: 700; }
.hsb-cover dl { margin-top: 2em; }
.hsb-cover dt { font-weight: 700; margin-top: 0.6em; }
.hsb-cover dd { margin-left: 0; }
.hsb-versions, .hsb-contents { page-break-after: always; break-after: page; }
.hsb-toc { width: 100%; } .hsb-toc td { border: none !important; padding: 0.1em 0.3em; }
.hsb-toc .hsb-page-no { text-align: right; width: 3em; }
.md-typeset thead { display: table-header-group; }
.hsb-band-row th { background: #eee; }
"""


@dataclass(frozen=True)
class PrintInfo:
    title: str
    board: str
    board_short: str
    version: str
    implemented: str
    approved: str
    approved_by: str
    review_due: str
    print_notice: str
    printed: str
    site_url: str = ""
    versions: tuple[tuple[str, str, str, str, str, str], ...] = ()   # number, approved, in force, by, minute, summary


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _page_url(page: str) -> str:
    """docs path -> the URL path of the built page (use_directory_urls): 'about/scope.md' -> '/about/scope/'."""
    stem = page.removesuffix(".md")
    if stem == "index":
        return "/"
    return "/" + stem.removesuffix("/index") + "/"


def _rewrite(body: str, page_url: str, page_ids: dict[str, str]) -> str:
    """Links between printed pages become links inside the document; assets are fetched from the site root."""
    def fix(m: re.Match) -> str:
        attr, value = m.group(1), html.unescape(m.group(2))
        if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):   # http:, https:, mailto:, tel:, data:
            return m.group(0)
        if value.startswith("#"):
            return m.group(0)
        target = urlsplit(urljoin(page_url, value))
        if attr == "src":
            return f'{attr}="{html.escape(target.path.lstrip("/"))}"'
        path = target.path if target.path.endswith("/") or "." in target.path.rsplit("/", 1)[-1] else target.path + "/"
        if path in page_ids:
            return f'href="#{html.escape(target.fragment or page_ids[path])}"'
        return 'data-outside-print="' + html.escape(value) + '"'   # a page not in the print: keep the words only
    return ATTR.sub(fix, body)


WEB_ONLY = re.compile(r'<h2 id="[^"]*">(?:(?!<h2).)*?(?=<p class="hsb-privacy"|<div class="hsb-checker")', re.S)
CAPTION = re.compile(r"<caption>(.*?)</caption>\s*<thead>", re.S)


def _print_only(body: str) -> str:
    """Paper gets no checker (a web-only heading and form), and continued tables repeat their band."""
    cut = WEB_ONLY.search(body)
    if cut:
        body = body[:cut.start()]
    return CAPTION.sub(lambda m: f'<caption>{m.group(1)}</caption><thead><tr class="hsb-band-row">'
                                 f'<th colspan="2" scope="colgroup">{m.group(1)}</th></tr>', body)


def contents(protocol: Protocol, numbers: dict[str, int] | None = None) -> str:
    """The contents page: every section with its page number (from a first printing)."""
    e = html.escape
    rows = "".join(f'<tr><td><a href="#{e(s.anchor)}">{e(s.number)} {e(s.title)}</a></td>'
                   f'<td class="hsb-page-no">{(numbers or {}).get(s.anchor, "00")}</td></tr>' for s in protocol.sections)
    return (f'<section class="hsb-contents"><h1>Contents</h1><table class="hsb-toc"><tbody>{rows}</tbody></table>'
            "</section>")


def version_table(info: PrintInfo) -> str:
    e = html.escape
    rows = "".join(f"<tr>{''.join(f'<td>{e(x)}</td>' for x in v)}</tr>" for v in info.versions)
    return ('<section class="hsb-versions"><h1>Version control</h1><table><thead><tr><th>Version</th>'
            "<th>Approved</th><th>In force from</th><th>Approved by</th><th>Minute</th><th>What changed</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


def print_page(site: Path, protocol: Protocol, info: PrintInfo, numbers: dict[str, int] | None = None) -> str:
    """The HTML of the print page: cover, then every section's page in published order."""
    pages: list[str] = []
    for s in protocol.sections:
        if s.page not in pages:
            pages.append(s.page)
    page_ids = {_page_url(p): "hsb-page-" + _slug(p.removesuffix(".md")) for p in pages}
    first_of_page = {}
    for s in protocol.sections:
        first_of_page.setdefault(s.page, s)
    parts = []
    head_links: list[str] = []
    body_attrs = ""
    for p in pages:
        built = site / _page_url(p).lstrip("/") / "index.html"
        if not built.is_file():
            raise ReviewError(f"The built site has no page for docs/{p} (expected {built.relative_to(site)}): "
                              "check the nav in mkdocs.yml and data/sections.toml.")
        text = built.read_text(encoding="utf-8")
        found = ARTICLE.search(text)
        if not found:
            raise ReviewError(f"The built page for docs/{p} has no article content to print.")
        if not head_links:
            head_links = [urljoin(_page_url(p), href).lstrip("/") for href in STYLESHEET.findall(text)]
            body_match = BODY.search(text)
            body_attrs = body_match.group(1) if body_match else ""
        body = _print_only(PRINT_ONLY.sub("", found.group(1)))
        body = _rewrite(body, _page_url(p), page_ids)
        css_class = "hsb-page hsb-page-" + _slug(first_of_page[p].number)
        parts.append(f'<section class="{css_class}" id="{page_ids[_page_url(p)]}">{body}</section>')
    e = html.escape
    cover = f"""
<section class="hsb-cover">
  <h1>{e(info.title)}</h1>
  <p class="hsb-board">{e(info.board)}</p>
  <dl>
    <dt>Version</dt><dd>{e(info.version)}</dd>
    <dt>Implemented</dt><dd>{e(info.implemented)}</dd>
    <dt>Approved</dt><dd>{e(info.approved)}, by {e(info.approved_by)}</dd>
    <dt>Next review due</dt><dd>{e(info.review_due)}</dd>
    <dt>Printed</dt><dd>{e(info.printed)}</dd>
  </dl>
  <p class="hsb-notice">{e(info.print_notice)}</p>
  {f'<p>The version in force: <strong>{e(info.site_url)}</strong></p>' if info.site_url else ''}
</section>{version_table(info)}{contents(protocol, numbers)}"""
    links = "\n".join(f'<link rel="stylesheet" href="{e(h)}">' for h in head_links)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(info.title)}, version {e(info.version)}</title>
{links}
<style>{PRINT_CSS}</style>
</head>
<body{body_attrs}><div class="md-typeset">{cover}
{''.join(parts)}
</div></body></html>
"""


def _footer(info: PrintInfo) -> str:
    e = html.escape
    return (f'<div style="font-size:7.5pt;width:100%;padding:0 16mm;font-family:sans-serif;color:#000;">'
            f'<div>{e(info.board_short)}: {e(info.title)}, version {e(info.version)} (implemented {e(info.implemented)}). '
            f'Page <span class="pageNumber"></span> of <span class="totalPages"></span>.</div>'
            f'<div><b>{e(info.print_notice)}</b>{" " + e(info.site_url) if info.site_url else ""}</div></div>')


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    """Chromium closes connections it no longer needs: a reset did no harm, so print no traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 for Chromium; yields the base URL."""
    server = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise ReviewError("Playwright is not installed: run 'make setup' (or pip install -e '.[test]') first.") from None
    if not Path(CHROMIUM).exists():
        raise ReviewError(f"Chromium is not installed at {CHROMIUM}: install it with 'sudo apt-get install chromium'.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def print_protocol(site: Path, protocol: Protocol, info: PrintInfo, out: Path) -> None:
    """Write the whole protocol as one PDF to ``out``. The print page is removed afterwards."""
    page_file = site / PRINT_PAGE
    try:
        with serve(site) as base, chromium() as browser:
            numbers = None
            for _ in range(2):   # the first printing finds the page of every heading for the contents
                page_file.write_text(print_page(site, protocol, info, numbers), encoding="utf-8")
                page = browser.new_page()
                response = page.goto(base + PRINT_PAGE, wait_until="load")
                if response is None or not response.ok:
                    raise ReviewError("Chromium could not open the print page of the built site.")
                page.pdf(path=str(out), format="A4", print_background=True, display_header_footer=True,
                         header_template="<span></span>", footer_template=_footer(info),
                         margin={"top": "18mm", "bottom": "24mm", "left": "16mm", "right": "16mm"})
                page.close()
                numbers = heading_pages(out, protocol)
    finally:
        page_file.unlink(missing_ok=True)


def heading_pages(pdf: Path, protocol: Protocol) -> dict[str, int]:
    """The page each section heading starts on, after the contents page (1-based)."""
    from pypdf import PdfReader
    norm = lambda t: re.sub(r"\s+", " ", t.replace("’", "'")).strip().lower()  # noqa: E731
    texts = [norm(p.extract_text() or "") for p in PdfReader(str(pdf)).pages]
    last = protocol.sections[-1]
    start = next((i for i, t in enumerate(texts) if norm(f"{last.number} {last.title}") in t), 0) + 1  # after contents
    found = {}
    for s in protocol.sections:
        want = norm(f"{s.number} {s.title}")
        found[s.anchor] = next((i + 1 for i in range(start, len(texts)) if want in texts[i]), 0)
    return found


def html_to_pdf(html_text: str, out: Path, background: bool = True) -> None:
    """A small standalone page (a cover or a stamp) to PDF, A4."""
    with chromium() as browser:
        page = browser.new_page()
        page.set_content(html_text, wait_until="load")
        page.pdf(path=str(out), format="A4", print_background=background,
                 margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
        page.close()
