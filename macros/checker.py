"""The in-page traffic light checker: its form and its data, generated from the protocol.

The form is plain HTML, usable before Python has started in the browser; every
question, behaviour, band, colour and section link comes from ``data/`` through
``decision_aid.protocol()``. The result is always worked out by ``decision_aid`` itself
(in Pyodide), never here or in JavaScript. No MkDocs import: ``macros/main.py`` binds
these functions to the loaded protocol.
"""

from __future__ import annotations

from typing import Any

from decision_aid import Protocol, assess
from decision_aid.model import Band, Behaviour, Section
from decision_aid.rules import child_bands
from decision_aid.situation import Situation, developments

from .render import render
from .traffic_light import bands_by_age

# The page with the static tables and the one with every threshold's steps: the
# checker points to them when it cannot run. Docs paths, checked by the strict build.
TABLES_PAGE = "appendix/traffic-light-tool.md"
NEXT_STEPS_PAGE = "what-happens-next.md"
GLOSSARY_PAGE = "glossary.md"


def page_url(doc: str) -> str:
    """The site-root-relative URL of a page (``use_directory_urls: true``): 'referral/referral/'."""
    path = doc.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        return path.removesuffix("index")
    return path + "/"


def section_link(p: Protocol, section: Section) -> dict[str, str]:
    """How the checker cites a section: its number (with its title if the number is shared), title and URL."""
    shared = sum(s.number == section.number for s in p.sections) > 1
    return {
        "number": section.number,
        "label": f"{section.number} ({section.title})" if shared else section.number,
        "title": section.title,
        "url": page_url(section.page) + "#" + section.anchor,
    }


def section_links(p: Protocol) -> dict[str, dict[str, str]]:
    """Every way a step can cite a section (number or anchor) -> its link, resolved as ``Protocol.section`` does."""
    refs = [s.number for s in p.sections] + [s.anchor for s in p.sections]
    return {ref: section_link(p, p.section(ref)) for ref in dict.fromkeys(refs)}


def ages(p: Protocol) -> list[int]:
    """Every whole age the traffic light tool's bands cover."""
    return list(range(min(b.min_age for b in p.bands), max(b.max_age for b in p.bands) + 1))


def bands_for(p: Protocol) -> dict[int, dict[str, tuple[str, ...]]]:
    """For each age, and each development decision_aid accepts at that age ("" for not
    said; an older band is refused: section 5), the bands the child is read in
    (decision_aid.rules.child_bands): what the form lists, and which developments it offers."""
    return {age: {dev or "": child_bands(p, Situation(age=age, developmental_band=dev))
                  for dev in (None, *developments(p, age))} for age in ages(p)}


def readings(p: Protocol) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every set of bands a child can be read in, each with a situation that gives it."""
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for age, by_development in bands_for(p).items():
        for dev, bands in by_development.items():
            out.setdefault(bands, {"age": age, **({"developmental_band": dev} if dev else {})})
    return dict(sorted(out.items()))


def colours_for_bands(p: Protocol) -> dict[str, dict[str, str]]:
    """For each set of bands a child can be read in ('9-13+13-17'), the behaviours whose
    colour for that child differs from the colour they are listed in, worked out by
    ``decision_aid`` (a linked item of another band can be more serious: section 5).

    The form shows each behaviour's colour in words; it must show the colour the result
    will use, never a less serious one.
    """
    out: dict[str, dict[str, str]] = {}
    for bands, situation in readings(p).items():
        for b in (b for b in p.behaviours if b.band in bands):
            colour = assess({**situation, "behaviours": [b.id]}, data=p).behaviours[0].colour
            if colour != b.colour:
                out.setdefault("+".join(bands), {})[b.id] = colour
    return out


def required_note(p: Protocol, field: str) -> str:
    """A [notes] text of data/situation.toml that the checker cannot do without."""
    value = getattr(p.notes, field)
    if not value:
        raise ValueError(f"data/situation.toml: the [notes] text '{field}' is missing; the checker needs it "
                         "(see the comments in that file).")
    return value


def checker_data(p: Protocol) -> dict[str, Any]:
    """What the page script needs besides the form: all of it from data, none of it a rule.

    ``bandsFor`` and ``colourForBands`` are worked out here by ``decision_aid`` so the
    form can show the behaviours for an age, and their colour for this child, before
    Python has started in the browser. Anything ordered is a list: the page's JSON has
    its object keys sorted as text.
    """
    return {
        "protocolVersion": p.document.current.number,
        "documentTitle": p.document.title,
        "board": p.document.board,
        "bandsFor": {str(age): {dev: list(bands) for dev, bands in by.items()} for age, by in bands_for(p).items()},
        "bandOrder": [b.id for b in bands_by_age(p)],
        "bands": {b.id: {"label": b.label} for b in p.bands},
        "colourOrder": [c.id for c in p.colours],
        "colourForBands": colours_for_bands(p),
        "terms": {b.id: list(b.search_terms) for b in p.behaviours if b.search_terms},
        "glossary": [{"term": t.term, "expansion": t.expansion}
                     for t in sorted(p.glossary, key=lambda t: len(t.term), reverse=True)],
        "glossaryUrl": page_url(GLOSSARY_PAGE),
        "noTelephone": required_note(p, "no_telephone"),
        "colours": {c.id: {"label": c.label, "background": c.background, "text": c.text} for c in p.colours},
        "settings": {s.id: s.label for s in p.settings},
        "questions": {q.id: q.question for q in p.questions},
        "interpretation": p.notes.interpretation,
        "indicators": {i.id: i.question for i in p.indicators},
        "sections": section_links(p),
        "referralIntroduction": p.referral.introduction,
    }


def behaviour_groups(p: Protocol) -> list[tuple[Band, list[Behaviour]]]:
    """The behaviours of each band (youngest band first), in the tool's published order."""
    return [(band, [b for b in p.behaviours if b.band == band.id]) for band in bands_by_age(p)]


def root_of(page_url: str) -> str:
    """The relative path from a page's URL ('check/', 'a/b.html') back to the site root."""
    return "../" * page_url.strip("/").count("/") + ("../" if page_url.endswith("/") and page_url.strip("/") else "")


def checker(p: Protocol, title: str | None = None, level: int = 2, page: Any = None) -> str:
    """The checker: form, result area, the fallback notices and its JSON data block.

    ``title``: a heading for the checker (when it is embedded in another page) at
    ``level``; its parts are then one level below. Without a title (the checker's own
    page, whose title is the page heading) the parts are at ``level``.
    ``page``: the page being built (``page`` in a Markdown page). With it, the checker
    starts Python as soon as the browser reaches the form, not only once the whole page
    has loaded.
    """
    if not 1 <= level <= 5:
        raise ValueError(f"checker(level={level}): the heading level must be 1 to 5")
    assets = None if page is None else root_of(page.url) + "assets/checker/"
    early = None if assets is None else assets + "decision-aid.js"
    part_level = level + 1 if title else level
    return render(
        "checker.html",
        title=title,
        title_level=level,
        part_level=part_level,
        ages=ages(p),
        bands=bands_by_age(p),
        groups=behaviour_groups(p),
        settings=p.settings,
        questions=p.questions,
        indicators=p.indicators,
        colours={c.id: c for c in p.colours},
        no_match=required_note(p, "no_match"),
        tables_page=TABLES_PAGE,
        next_steps_page=NEXT_STEPS_PAGE,
        version=p.document.current.number,
        data=checker_data(p),
        early_script=early,
    )


PAGE_FUNCTIONS = {"checker": checker}
