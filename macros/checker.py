"""The in-page traffic light checker: its form and its data, generated from the protocol.

The form is plain HTML, usable before Python has started in the browser; every
question, behaviour, band, colour and section link comes from ``data/`` through
``decision_aid.protocol()``. The result is always worked out by ``decision_aid`` itself
(in Pyodide), never here or in JavaScript. No MkDocs import: ``macros/main.py`` binds
these functions to the loaded protocol.
"""

from __future__ import annotations

from typing import Any

from decision_aid import Protocol, Situation
from decision_aid.model import Band, Behaviour, Section
from decision_aid.rules import bands_for_age

from .render import render

# The page with the static tables and the one with every threshold's steps: the
# checker points to them when it cannot run. Docs paths, checked by the strict build.
TABLES_PAGE = "appendix/traffic-light-tool.md"
NEXT_STEPS_PAGE = "what-happens-next.md"
# The answer assumed when nobody says where they work: the Situation's own default.
DEFAULT_SETTING: str = Situation.__dataclass_fields__["setting"].default


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


def checker_data(p: Protocol) -> dict[str, Any]:
    """What the page script needs besides the form: all of it from data, none of it a rule.

    ``bandsByAge`` is worked out here by ``decision_aid`` so the form can show the
    behaviours for an age before Python has started in the browser.
    """
    return {
        "protocolVersion": p.document.current.number,
        "documentTitle": p.document.title,
        "board": p.document.board,
        "bandsByAge": {str(age): list(bands_for_age(p, age)) for age in ages(p)},
        "bands": {b.id: {"label": b.label} for b in p.bands},
        "colours": {c.id: {"label": c.label, "background": c.background, "text": c.text} for c in p.colours},
        "settings": {s.id: s.label for s in p.settings},
        "questions": {q.id: q.question for q in p.questions},
        "interpretation": p.notes.interpretation,
        "indicators": {i.id: i.question for i in p.indicators},
        "sections": section_links(p),
        "referralIntroduction": p.referral.introduction,
    }


def behaviour_groups(p: Protocol) -> list[tuple[Band, list[Behaviour]]]:
    """The behaviours of each band, in the tool's published order."""
    return [(band, [b for b in p.behaviours if b.band == band.id]) for band in p.bands]


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
    setting_ids = [s.id for s in p.settings]
    return render(
        "checker.html",
        title=title,
        title_level=level,
        part_level=part_level,
        ages=ages(p),
        bands=p.bands,
        groups=behaviour_groups(p),
        settings=p.settings,
        default_setting=DEFAULT_SETTING if DEFAULT_SETTING in setting_ids else setting_ids[-1],
        questions=p.questions,
        indicators=p.indicators,
        colours=p.colours,
        tables_page=TABLES_PAGE,
        next_steps_page=NEXT_STEPS_PAGE,
        version=p.document.current.number,
        data=checker_data(p),
        early_script=early,
        start_script=None if assets is None else assets + "start.js",
    )


PAGE_FUNCTIONS = {"checker": checker}
