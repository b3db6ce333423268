"""The site's own search puts first the section a person means by the words they type.

The words are typed into the search box, as a person would, on a phone and on a desktop.
The theme's worker answers every key typed, in order; a test waits for the answer to the
whole query (its links highlight every word typed), never for a fixed time. How results
are ranked: docs/assets/checker/search-later.js.
"""

from __future__ import annotations

import pytest

from .conftest import DESKTOP, MOBILE

pytestmark = pytest.mark.browser

# What each result shows (one result a page): its page, and its best entry, the page itself
# or one of its sections, as "path#anchor" from the site's root.
SHOWN = """() => [...document.querySelectorAll('.md-search-result__list > li')].map(li => {
  const entries = [...li.querySelectorAll(':scope > a')].map(a => {
    const url = new URL(a.href);
    return {where: url.pathname.replace(/^\\/+/, '') + url.hash, score: +a.querySelector('article').dataset.mdScore};
  });
  const best = entries.reduce((b, e) => e.score > b.score ? e : b, entries[0]);
  return {page: entries[0].where, best: best.where};
})"""

# The answer to the whole query is shown: one of its links highlights exactly the words typed.
ANSWERED = """words => [...document.querySelectorAll('.md-search-result__list a')].some(a => {
  const h = (new URL(a.href).searchParams.get('h') || '').split(' ');
  return h.length === words.length && words.every(w => h.includes(w));
})"""

ABOUT_THIS_SITE = ("board/", "version-history/", "accessibility/")


def search(page, query: str) -> list[dict]:
    """Type ``query`` into the site's search and return the results it shows, in order."""
    button = page.locator(".md-header__button[for=__search]")    # the header's search button, on a phone
    button.click() if button.is_visible() else page.click(".md-search__input")
    page.keyboard.type(query, delay=20)
    page.wait_for_function(ANSWERED, arg=query.lower().split(), timeout=30_000)
    return page.evaluate(SHOWN)


@pytest.mark.parametrize("viewport", [MOBILE, DESKTOP], ids=["phone", "desktop"])
def test_strategy_meeting_finds_section_8_3_first(new_context, base_url, viewport):
    """8.3 holds "strategy meeting" three times; a heading holding only "strategy" (9.5,
    the Gangs strategy group) and the steps of What happens next come after it, and the
    pages about this site after every other result."""
    page = new_context(viewport=viewport).new_page()
    page.goto(base_url)
    shown = search(page, "strategy meeting")
    assert shown[0] == {"page": "referral/social-care-responses/",
                        "best": "referral/social-care-responses/#8-3-child-protection-response"}, shown[:3]
    about = [n for n, r in enumerate(shown) if r["page"].startswith(ABOUT_THIS_SITE)]
    protocol = [n for n, r in enumerate(shown) if not r["page"].startswith(ABOUT_THIS_SITE)]
    assert not about or min(about) > max(protocol), shown


@pytest.mark.parametrize(("query", "first"), [
    # The protocol's section whose heading holds the words, before What happens next's
    # "Early help" and the First Stop Early Help team's contact.
    ("early help", "referral/social-care-responses/#8-1-early-help-services-response"),
    # The only place the words stand together, before the Gangs strategy group's heading.
    ("strategy discussion", "other-services/release-from-custody/"),
    # A reference page whose heading holds the word, before any text that mentions it.
    ("timescales", "timescales/"),
])
def test_everyday_queries_find_the_section_meant_first(page, base_url, query, first):
    page.goto(base_url)
    shown = search(page, query)
    assert shown[0]["best"] == first, shown[:3]
