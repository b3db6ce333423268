"""A teacher on a phone (375 x 800) and at a desk (1280 x 900): eight tasks from the home
page to a result they can act on, and the parts of the site they lean on.

What each result must say comes from decision_aid in CPython; the tasks and everyday
phrases are in teacher_driver.py. Screenshots of every result go to test-output/.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

import decision_aid as da

from .harness import watch
from .teacher_driver import DESKTOP, PHONE, PHRASES, TASKS, expected, find, first_screen, run_task
from .test_pages import AXE_RUN, TAGS

pytestmark = pytest.mark.browser

P = da.protocol()
OUT = Path(__file__).resolve().parents[2] / "test-output" / "teacher-tasks"
WIDTHS = {"phone": PHONE, "desktop": DESKTOP}


@pytest.fixture(params=list(WIDTHS))
def width(request) -> str:
    return request.param


@contextmanager
def open_page(browser, viewport):
    """A page in a context of its own (requests watched, no service worker), closed after."""
    context = browser.new_context(viewport=viewport, service_workers="block")
    watch(context)
    try:
        yield context.new_page()
    finally:
        context.close()


def axe_violations(page, axe_source: str) -> list[str]:
    page.evaluate(axe_source)
    return page.evaluate(AXE_RUN, TAGS)


@pytest.fixture(scope="module")
def checker_page(browser, base_url):
    """One checker page at phone size with Python ready, for the search tests."""
    with open_page(browser, PHONE) as page:
        page.goto(base_url + "check/")
        page.evaluate("() => window.decisionAid.ready")
        yield page


# -- the eight tasks ------------------------------------------------------------------------

@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
def test_a_teacher_task_from_the_home_page(browser, base_url, axe_source, task, width):
    with open_page(browser, WIDTHS[width]) as page:
        counts = run_task(page, base_url, task)
        want = expected(task)
        mine = [s for s in want.steps if s.yours]

        # At most six taps to a result, plus the words typed: one more for saying where you work.
        assert counts.actions <= 7, counts
        assert counts.keystrokes == len(task.words)

        # The first screen: how serious it is (colour in words, threshold) and the first thing to do.
        shown = first_screen(page)
        assert shown["headline"], "the threshold is on the first screen, below the site header"
        assert want.threshold_label in shown["headlineText"]
        assert (want.colour_label or "no traffic light colour") in shown["colourText"]
        assert shown["action"] and shown["actionText"] == mine[0].action, shown
        if mine[0].within:
            assert shown["within"] and mine[0].within in shown["withinText"], shown
        # By when: the time limit of the first of your steps the board marks (headline) is in the panel.
        limited = next((n for n, s in enumerate(mine, 1) if s.headline and s.within), None)
        assert shown["limit"] == bool(limited), shown
        if limited:
            assert shown["limitText"].startswith(f"Time limit: {mine[limited - 1].within} (step {limited}): "), shown
        if want.possible_threshold != want.threshold:
            assert f"Could be {want.possible_threshold_label}" in page.inner_text(".hsb-panel")

        # Every step of the user's own, in order, under "What you do now"; the others under "What happens next".
        yours = page.locator(".hsb-steps--yours .hsb-step-action").all_inner_texts()
        assert [" ".join(t.split()) for t in yours] == [" ".join(s.action.split()) for s in mine]
        others = [s for s in want.steps if not s.yours]
        assert page.locator(".hsb-steps--others > li").count() == len(others)
        assert page.evaluate("() => (document.getElementById('hsb-next') || {open: null}).open") == (
            (width == "desktop") if others else None), "What happens next: open on wide screens, closed on phones"

        OUT.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(OUT / f"{task.name}-{width}.png"))
        assert axe_violations(page, axe_source) == []


# -- finding the behaviour -----------------------------------------------------------------

def test_everyday_phrases_find_the_behaviour_they_describe(checker_page):
    missed = []
    for age, phrase, behaviour in PHRASES:
        found = find(checker_page, age, phrase)
        if behaviour not in found["shown"]:
            missed.append(f"age {age}, “{phrase}”: {found['count']}")
        # Only the child's own bands are ever listed.
        bands = set(da.bands_for_age(age))
        assert {P.behaviour(b).band for b in found["shown"]} <= bands, phrase
    assert not missed, "\n".join(missed)
    assert len(PHRASES) >= 60


def test_every_search_term_finds_its_behaviour(checker_page):
    """The board's words (data/traffic_light.toml) each list their behaviour, and every other
    behaviour of the band given the same words: a term never leads to one item alone
    when the board gave it to a more serious one too."""
    missed = []
    for band in P.bands:
        items = [b for b in P.behaviours if b.band == band.id]
        terms = sorted({t for b in items for t in b.search_terms})
        find(checker_page, band.min_age, "")
        # Typed into the search box in the page itself: one round trip for all the band's terms.
        shown = checker_page.evaluate("""(terms) => terms.map((term) => {
            const box = document.getElementById('hsb-search');
            box.value = term;
            box.dispatchEvent(new Event('input'));
            return [...document.querySelectorAll('.hsb-option')].filter(li => !li.hidden).map(li => li.querySelector('input').value);
          })""", terms)
        for term, listed in zip(terms, shown):
            missed += [f"age {band.min_age}, “{term}”: {b.id}" for b in items if term in b.search_terms and b.id not in listed]
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("typed", ["touch", "touches", "touched", "touching", "tuoching", "grope", "groped", "gropping"])
def test_word_forms_and_a_wrong_letter_still_find_it(checker_page, typed):
    assert "9-13-sexual-harassment" in find(checker_page, 10, typed)["shown"], typed


def test_a_word_no_behaviour_uses_is_left_out_and_said_so(checker_page):
    found = find(checker_page, 10, "touching other children in the playground")
    assert "9-13-sexual-harassment" in found["shown"]
    assert "“playground”" in found["count"]


def test_no_match_offers_next_steps_and_never_another_band(checker_page):
    found = find(checker_page, 4, "sexting")
    assert found["shown"] == [] and found["no_match"]
    advice = checker_page.inner_text("#hsb-no-match")
    assert P.notes.no_match in advice and "other words" in advice
    assert "No behaviour for 0 to 5 years matches “sexting”" in found["count"]


def test_each_behaviour_shows_its_colour_for_this_child_in_words(checker_page):
    """At 9 the 9 to 13 band's 'viewing pornographic material' is read with the linked 5 to 9 item: red."""
    behaviour = "9-13-viewing-pornographic-material"
    for age in (9, 11):
        find(checker_page, age, "")
        word = checker_page.inner_text(f'li:has(> input[value="{behaviour}"]) .hsb-colour-word')
        assert word == da.assess({"age": age, "behaviours": [behaviour]}).behaviours[0].colour_label, age


def test_bands_are_listed_by_age(checker_page):
    found = find(checker_page, 13, "")
    order = checker_page.evaluate("() => [...document.querySelectorAll('.hsb-band')].filter(f => !f.hidden).map(f => f.dataset.band)")
    assert order == sorted(da.bands_for_age(13), key=lambda b: P.band(b).min_age)
    assert "9 to 13 years and 13 to 17 years" in found["count"]


# -- the result ----------------------------------------------------------------------------

def result_for(page, base_url, situation: dict) -> None:
    page.goto(base_url + "check/")
    page.evaluate("() => window.decisionAid.ready")
    page.select_option("#hsb-age", str(situation["age"]))
    page.select_option("#hsb-setting", situation.get("setting") or "")
    for b in situation["behaviours"]:
        page.check(f'input[value="{b}"]')
    page.click("#hsb-submit")
    page.wait_for_selector("#hsb-result:not([hidden])")


def test_a_changed_answer_marks_the_result_out_of_date_and_stops_printing(browser, base_url):
    with open_page(browser, PHONE) as page:
        result_for(page, base_url, {"age": 10, "behaviours": ["9-13-sexual-harassment"]})
        assert page.is_hidden("#hsb-stale") and page.is_enabled("#hsb-print")
        # On a phone "What happens next" starts folded; it is printed open, and folded again after.
        opened = "() => [...document.querySelectorAll('#hsb-result details')].map(d => d.open)"
        assert not any(page.evaluate(opened))
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert all(page.evaluate(opened))
        page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
        assert not any(page.evaluate(opened))
        page.check("#hsb-q-police_involved-yes")
        assert page.is_visible("#hsb-stale") and page.is_disabled("#hsb-print")
        page.wait_for_function("() => document.getElementById('hsb-announce').textContent.includes('out of date')")
        page.emulate_media(media="print")
        assert page.is_hidden("#hsb-result-body") and page.is_visible(".hsb-stale-print")
        page.emulate_media(media="screen")
        # The same answers again: the result is current again.
        page.check("#hsb-q-police_involved-unsure")
        assert page.is_hidden("#hsb-stale") and page.is_enabled("#hsb-print")
        page.check("#hsb-q-police_involved-yes")
        page.click("#hsb-check-again")
        page.wait_for_function("() => !document.getElementById('hsb-result').classList.contains('hsb-result--stale')")
        assert page.is_enabled("#hsb-print")
        want = da.assess({"age": 10, "behaviours": ["9-13-sexual-harassment"], "police_involved": True})
        assert len(page.locator(".hsb-steps--yours > li").all()) == len([s for s in want.steps if s.yours])


def test_a_step_with_no_number_says_so_and_names_the_route(browser, base_url):
    situation = {"age": 10, "behaviours": ["9-13-sexual-harassment"]}
    step = next(s for s in da.assess(situation).steps if s.yours and s.contact and not s.contact.telephone)
    with open_page(browser, DESKTOP) as page:
        result_for(page, base_url, situation)
        text = page.inner_text(".hsb-steps--yours")
        assert P.notes.no_telephone.format(service=step.contact.name) in text
        tel = page.locator(".hsb-steps--yours a[href^='tel:']")
        numbers = {s.contact.telephone for s in da.assess(situation).steps if s.yours and s.contact and s.contact.telephone}
        assert {t.replace(" ", "") for t in numbers} == {h.removeprefix("tel:") for h in tel.evaluate_all("as => as.map(a => a.getAttribute('href'))")}


def test_abbreviations_are_spelled_out_the_first_time(browser, base_url):
    with open_page(browser, PHONE) as page:
        result_for(page, base_url, {"age": 10, "behaviours": ["9-13-sexual-harassment"]})
        expansions = page.evaluate("""() => [...document.querySelectorAll('.hsb-steps--yours abbr.hsb-abbr')]
            .map(a => [a.textContent, getComputedStyle(a, '::after').content])""")
        glossary = {t.term: t.expansion for t in P.glossary}
        assert expansions, "the user's steps use abbreviations (MASH, e-CAF ...)"
        for term, shown in expansions:
            assert glossary[term] in shown, (term, shown)
        assert len({t for t, _ in expansions}) == len(expansions), "spelled out once in each part"


def test_consent_is_shown_only_where_information_is_shared(browser, base_url):
    """Consent to share information (13) is for a referral: not shown with "No referral needed"."""
    with open_page(browser, PHONE) as page:
        for situation in ({"age": 4, "behaviours": ["0-5-games-mummies-daddies-doctors"]},
                          {"age": 10, "behaviours": ["9-13-sexual-harassment"]}):
            want = da.assess(situation)
            result_for(page, base_url, situation)
            shown = page.get_by_role("heading", name="Consent to share information").count()
            # decision_aid gives consent only where information is shared (data/sharing.toml).
            assert shown == (0 if want.consent is None else 1), situation
            assert (want.consent is None) == (want.threshold == P.thresholds[0].id)
            if not shown:
                assert not any(c.text in page.inner_text("#hsb-result") for c in P.consent)


# -- the form and the pages on a phone ----------------------------------------------------

def test_the_form_starts_on_the_first_screen_and_check_stays_in_reach(browser, base_url):
    with open_page(browser, PHONE) as page:
        page.goto(base_url + "check/")
        assert page.evaluate("() => document.getElementById('hsb-age').getBoundingClientRect().bottom") <= PHONE["height"]
        page.select_option("#hsb-age", "13")   # two bands: the longest list
        boxes = page.locator(".hsb-option:not([hidden]) input")
        middle = boxes.nth(boxes.count() // 2)
        middle.focus()
        bar = page.evaluate("() => document.querySelector('.hsb-form-actions').getBoundingClientRect().top")
        box = middle.bounding_box()
        assert box["y"] + box["height"] <= bar, "the focused box is not hidden under the Check bar (WCAG 2.4.11)"
        submit = page.locator("#hsb-submit").bounding_box()
        assert 0 <= submit["y"] and submit["y"] + submit["height"] <= PHONE["height"], "Check is in reach"


@pytest.mark.parametrize("path", ["timescales/", "contacts/", "glossary/", "appendix/traffic-light-tool/"])
def test_reference_pages_fit_a_phone(browser, base_url, path):
    with open_page(browser, PHONE) as page:
        page.goto(base_url + path)
        overflow = page.evaluate("""() => [...document.querySelectorAll('article table')]
            .filter(t => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || t.scrollWidth > t.clientWidth + 1)
            .map(t => t.className)""")
        assert overflow == [], "nothing is cut or scrolled sideways at 375px"
        assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]


def test_appendix_1_jumps_to_a_band_and_keeps_the_band_in_sight(browser, base_url):
    with open_page(browser, PHONE) as page:
        page.goto(base_url + "appendix/traffic-light-tool/")
        jumps = page.locator(".tl-jump a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        assert jumps == [f"#band-{b.id}" for b in sorted(P.bands, key=lambda b: b.min_age)]
        page.click('.tl-jump a[href="#band-9-13"]')
        last = P.behaviours[[b.band for b in P.behaviours].index("13-17") - 1]
        page.locator(f'tr[id="{last.id}"]').scroll_into_view_if_needed()
        header = page.locator("#band-9-13 ~ .tl-table-wrap thead th").nth(1)
        assert "9 to 13 years" in header.inner_text()
        top = page.evaluate("() => document.querySelector('.md-header').getBoundingClientRect().bottom")
        box = page.evaluate("""() => { const ths = [...document.querySelectorAll('.tl-table thead th')]
            .filter(th => th.textContent.includes('9 to 13')); return ths[0].getBoundingClientRect().top; }""")
        assert 0 <= box - top <= 2, "the band's column header stays under the site header while its table scrolls"


def test_back_to_top_never_covers_text(browser, base_url, width):
    """It appears in the header band (over which the page already scrolls), clear of the
    header's title and its search."""
    with open_page(browser, WIDTHS[width]) as page:
        page.goto(base_url + "referral/referral/")
        page.mouse.wheel(0, 2500)
        page.wait_for_timeout(300)
        page.mouse.wheel(0, -300)
        page.wait_for_function("() => !document.querySelector('.md-top').hidden")
        found = page.evaluate("""() => {
          const top = document.querySelector('.md-top').getBoundingClientRect();
          const header = document.querySelector('.md-header').getBoundingClientRect();
          const hit = (r) => r.width && r.height && r.left < top.right && r.right > top.left && r.top < top.bottom && r.bottom > top.top;
          // The title's box clips its text (an ellipsis), so the box is what must stay clear.
          const covered = [...document.querySelectorAll('.md-header__title, .md-search__form, .md-header__button')]
            .filter(e => hit(e.getBoundingClientRect())).map(e => e.className);
          return {inHeader: top.top >= header.top && top.bottom <= header.bottom, covered}; }""")
        assert found["inHeader"] and found["covered"] == [], found


def search(page, query: str) -> list[str]:
    page.click(".md-search__input") if page.is_visible(".md-search__input") else page.click("label[for=__search]")
    page.fill(".md-search__input", "")
    page.type(".md-search__input", query, delay=10)
    page.wait_for_selector(".md-search-result__list a")
    page.wait_for_timeout(300)
    return page.evaluate("""() => [...document.querySelectorAll('.md-search-result__list > li > a')]
        .map(a => new URL(a.href).pathname)""")


def test_site_search_finds_everyday_words_and_puts_the_boards_pages_last(browser, base_url):
    with open_page(browser, DESKTOP) as page:
        page.goto(base_url)
        found = search(page, "strategy meeting")
        board = [n for n, path in enumerate(found) if "/board/" in path]
        protocol = [n for n, path in enumerate(found) if "/board/" not in path]
        assert protocol and (not board or min(board) > max(protocol)), found
        assert search(page, "groping")[0].endswith("/appendix/traffic-light-tool/")
        assert search(page, "DSL")[0].endswith("/glossary/")


@pytest.mark.parametrize("path", ["referral/referral/", "appendix/traffic-light-tool/", "timescales/"])
def test_printed_pages_use_text_of_at_least_11pt(browser, base_url, path):
    with open_page(browser, DESKTOP) as page:
        page.goto(base_url + path)
        page.emulate_media(media="print")
        small = page.evaluate("""() => [...document.querySelectorAll('article :is(p, li, td, th, dd)')]
            .filter(e => e.offsetParent && !e.closest('.hsb-print-header') && parseFloat(getComputedStyle(e).fontSize) < 11 * 96 / 72 - 0.01)
            .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 40))""")
        assert small == []


def test_the_glossary_asks_for_no_hover(browser, base_url):
    with open_page(browser, PHONE) as page:
        page.goto(base_url + "glossary/")
        assert "hover" not in page.inner_text("article").lower()
        board = [t for t in P.glossary if t.source == "board"]
        for t in board:
            assert "Added by the board" in page.inner_text(f"tr#term-{t.term.lower()}")
