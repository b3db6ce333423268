"""The built site: strict build, generated pages, anchors, privacy and the version footer."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

import decision_aid as da

P = da.protocol()


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def page_for(site: Path, doc: str) -> Path:
    return site / doc.removesuffix(".md").removesuffix("index") / "index.html" if doc != "index.md" else site / "index.html"


def text_of(path: Path) -> str:
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", path.read_text(encoding="utf-8"), flags=re.S | re.I)
    raw = re.sub(r"</?(?:abbr|a|strong|em|code|span|b|i)\b[^>]*>", "", raw)  # inline: no word break
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw)))


def test_strict_build_passes(built_site):
    assert (built_site / "index.html").is_file()
    assert (built_site / "search" / "search_index.json").is_file(), "Material's search index is built"


def test_every_section_has_its_stable_anchor_on_its_page(built_site):
    for s in P.sections:
        page = page_for(built_site, s.page).read_text(encoding="utf-8")
        assert f'id="{s.anchor}"' in page, f"{s.number} {s.title} has no anchor #{s.anchor} on {s.page}"
        assert s.title in html.unescape(page)


def test_every_section_a_step_or_rule_cites_exists_in_the_site(built_site):
    cited = {x for s in P.steps for x in s.sections} | {x for r in P.rules for x in r.sections}
    for ref in cited:
        s = P.section(ref)
        assert f'id="{s.anchor}"' in page_for(built_site, s.page).read_text(encoding="utf-8"), ref


def test_every_behaviour_has_its_own_anchor_with_its_colour_in_words(built_site):
    page = (built_site / "appendix" / "traffic-light-tool" / "index.html").read_text(encoding="utf-8")
    for b in P.behaviours:
        row = re.search(rf'<tr id="{re.escape(b.id)}"[^>]*>(.*?)</tr>', page, re.S)
        assert row, b.id
        assert f'data-band="{b.band}"' in row.group(0)
        assert P.colour(b.colour).label in row.group(1), "never colour alone: the colour is also a word"


def test_generated_reference_pages(built_site):
    timescales = text_of(built_site / "timescales" / "index.html")
    for t in P.timescales:
        assert t.within in timescales and t.what in timescales
    contacts = text_of(built_site / "contacts" / "index.html")
    assert "020 7974 3370" in contacts and "LACAMHS@camden.gov.uk" in contacts
    for s in P.services:
        assert s.name in contacts
    glossary = text_of(built_site / "glossary" / "index.html")
    for t in P.glossary:
        assert t.term in glossary and t.expansion in glossary
    steps_page = text_of(built_site / "what-happens-next" / "index.html")
    for t in P.thresholds:
        assert t.label in steps_page
    for step in P.steps:
        if step.action:
            assert step.action in steps_page, step.id


def test_abbreviations_are_explained_on_every_page(built_site):
    page = (built_site / "referral" / "referral" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<abbr title="Multi-agency Safeguarding Hub">MASH</abbr>', page)
    assert re.search(r'<abbr title="Children&#x27;s social work[^"]*">CSSW</abbr>|<abbr title="Children\'s social work[^"]*">CSSW</abbr>', page)


def test_every_page_shows_the_version_in_force(built_site):
    current = P.document.current
    for path in pages(built_site):
        if path.name == "404.html" or "print" in path.parts:
            continue
        text = text_of(path)
        assert f"version {current.number}, implemented April 2018" in text, path
        assert "Next review was due April 2019" in text, path
        assert "The review date has passed" in text, path


def test_brook_is_credited_with_the_version_shown(built_site):
    text = text_of(built_site / "appendix" / "traffic-light-tool" / "index.html")
    assert "Brook" in text and "revised the tool in 2020" in text and "through its training" in text


# -- privacy: nothing is loaded from another host -------------------------------------

LOADS = [
    re.compile(r"""<(?:script|img|iframe|audio|video|source|embed|track)\b[^>]*\bsrc\s*=\s*["']([^"']+)""", re.I),
    re.compile(r"""<link\b(?=[^>]*\brel\s*=\s*["'][^"']*(?:stylesheet|preload|modulepreload|prefetch|icon|manifest|preconnect|dns-prefetch))[^>]*\bhref\s*=\s*["']([^"']+)""", re.I),
    re.compile(r"""@import\s+(?:url\()?["']?([^"')\s;]+)""", re.I),
    re.compile(r"""url\(\s*["']?([^"')]+)""", re.I),
    re.compile(r"""\b(?:fetch|importScripts|import)\s*\(\s*["'`]([^"'`]+)""", re.I),
]


def external(url: str) -> bool:
    parsed = urlparse(url.strip())
    return bool(parsed.netloc) or parsed.scheme in ("http", "https") or url.strip().startswith("//")


def test_no_page_or_asset_loads_anything_from_another_host(built_site):
    offenders = []
    for path in sorted(built_site.rglob("*")):
        if path.suffix not in (".html", ".css", ".js", ".mjs", ".json", ".webmanifest") or "pyodide" in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".js" and path.name.startswith("bundle."):
            # Material's bundle names CDNs only for features this site does not enable (e.g. mermaid).
            continue
        for pattern in LOADS:
            for url in pattern.findall(text):
                if external(url):
                    offenders.append(f"{path.relative_to(built_site)}: {url}")
    assert not offenders, "\n".join(offenders)


def test_no_google_fonts_and_a_content_security_policy_on_every_page(built_site):
    for path in pages(built_site):
        page = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in page and "fonts.gstatic" not in page, path
        csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page)
        assert csp, path
        assert "default-src 'self'" in csp.group(1) and "'unsafe-inline'" not in csp.group(1).split("style-src")[0], path


def test_material_bundle_only_names_cdns_for_features_we_do_not_use(built_site):
    config = (Path(__file__).resolve().parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "mermaid" not in config and "privacy" not in config


@pytest.mark.parametrize("doc", ["index.md", "what-happens-next.md", "appendix/traffic-light-tool.md"])
def test_pages_have_print_styles_and_a_print_notice(built_site, doc):
    page = page_for(built_site, doc).read_text(encoding="utf-8")
    assert "hsb-print-header" in page and P.document.print_notice in html.unescape(page)
