"""window.decisionAid in Chromium gives exactly what decision_aid gives in CPython.

The situations are made from data/, so they follow the protocol as the board edits it:
every age (each boundary age with each band that applies), every flag, every indicator,
every developmental band and setting, behaviours listed in two bands or in another
band, and bad input, whose message must be the module's own.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import decision_aid as da
from decision_aid.model import SITUATION_FLAGS

pytestmark = pytest.mark.browser

P = da.protocol()

ASSESS_ALL = """async (situations) => {
  const out = [];
  for (const s of situations) {
    try { out.push({ok: await window.decisionAid.assess(s)}); }
    catch (e) { out.push({error: e.message, isError: e instanceof Error}); }
  }
  return out;
}"""


def first(band: str, colour: str | None = None) -> str:
    return next(b.id for b in P.behaviours if b.band == band and (colour is None or b.colour == colour))


def twin(ages) -> tuple[int, str] | None:
    """An age and a behaviour whose wording is listed in two bands that both apply at that age."""
    for age in ages:
        bands = da.bands_for_age(age)
        seen: dict[str, str] = {}
        for b in P.behaviours:
            if b.band in bands:
                key = re.sub(r"[^a-z0-9]+", " ", b.text.lower()).strip()
                if seen.setdefault(key, b.band) != b.band:
                    return age, b.id
    return None


def situations() -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    ages = range(min(b.min_age for b in P.bands), max(b.max_age for b in P.bands) + 1)
    for age in ages:
        for band in da.bands_for_age(age):
            colours = sorted({b.colour for b in P.behaviours if b.band == band})
            out.append((f"age {age}, band {band}, one of each colour",
                        {"age": age, "behaviours": [first(band, c) for c in colours]}))
    boundary = next(a for a in ages if len(da.bands_for_age(a)) > 1)
    amber = first(da.bands_for_age(boundary)[0], P.colours[1].id)
    red = first(da.bands_for_age(boundary)[-1], P.colours[-1].id)
    for flag in SITUATION_FLAGS:
        for answer in (True, False, None):   # yes, no, not sure
            out.append((f"flag {flag} = {answer}", {"age": boundary, "behaviours": [red], flag: answer}))
    out.append(("every flag", {"age": boundary, "behaviours": [amber], **{f: True for f in SITUATION_FLAGS}}))
    out.append(("every flag not sure", {"age": boundary, "behaviours": [amber], **{f: None for f in SITUATION_FLAGS}}))
    for flag in P.flags:    # a behaviour whose own words answer a question
        marked = next(b for b in P.behaviours if flag.id in b.flags)
        band = P.band(marked.band)
        out.append((f"marked {flag.id}, unanswered", {"age": band.max_age, "behaviours": [marked.id]}))
        if flag.implies:
            out.append((f"marked {flag.id}, answered no", {"age": band.max_age, "behaviours": [marked.id], flag.implies: False}))
    for group in P.same_facts[:4]:   # linked wordings, read at an age where both apply
        a, b = (P.behaviour(i) for i in group.behaviours[:2])
        age = max(P.band(a.band).min_age, P.band(b.band).min_age)
        out.append((f"same facts {group.id}", {"age": age, "behaviours": [b.id]}))
    for indicator in P.indicators:
        out.append((f"indicator {indicator.id} only", {"age": 8, "indicators": [indicator.id]}))
    out.append(("every indicator with a behaviour", {"age": 15, "behaviours": [first("13-17")],
                                                     "indicators": [i.id for i in P.indicators]}))
    for band in P.bands:
        out.append((f"development like {band.id}", {"age": 12, "behaviours": [first(band.id)],
                                                    "developmental_band": band.id}))
    for setting in P.settings:
        out.append((f"setting {setting.id}", {"age": 11, "behaviours": [first("9-13", P.colours[-1].id)],
                                              "setting": setting.id, "another_child_harmed": True}))
    found = twin(ages)
    if found:
        out.append(("a behaviour listed in two bands that apply", {"age": found[0], "behaviours": [found[1]]}))
    out.append(("a behaviour from another band (refused)", {"age": 3, "behaviours": ["13-17-choosing-not-sexually-active"]}))
    out.append(("an older developmental band (refused)", {"age": 6, "behaviours": [first("5-9")], "developmental_band": "13-17"}))
    out.append(("answers in another order, with repeats", {"age": 11, "behaviours": [first("9-13"), first("9-13", "red"),
                                                                                        first("9-13")],
                                                           "indicators": ["coercion", "frequency"]}))
    out.append(("a whole-number float age, as JavaScript may send it", {"age": 11.0, "behaviours": [first("9-13")]}))
    return out


BAD = [
    ("age out of range", {"age": 19, "behaviours": [first("13-17")]}),
    ("negative age", {"age": -1, "behaviours": [first("0-5")]}),
    ("age as text", {"age": "11", "behaviours": [first("9-13")]}),
    ("fractional age", {"age": 11.5, "behaviours": [first("9-13")]}),
    ("no age", {"behaviours": [first("9-13")]}),
    ("nothing seen", {"age": 11}),
    ("unknown behaviour", {"age": 11, "behaviours": ["not-a-behaviour"]}),
    ("unknown indicator", {"age": 11, "indicators": ["not-an-indicator"]}),
    ("unknown band", {"age": 11, "behaviours": [first("9-13")], "developmental_band": "99"}),
    ("unknown setting", {"age": 11, "behaviours": [first("9-13")], "setting": "moon"}),
    ("unknown field", {"age": 11, "behaviours": [first("9-13")], "name": "Alex"}),
    ("flag not a boolean", {"age": 11, "behaviours": [first("9-13")], "looked_after": "yes"}),
    ("behaviours not a list", {"age": 11, "behaviours": first("9-13")}),
    ("not an object", [11]),
]


def cpython(situation: Any) -> dict[str, Any]:
    try:
        return {"ok": da.assess(situation).to_dict()}
    except da.InvalidSituation as e:
        return {"error": str(e), "isError": True}


def test_at_least_forty_situations_cover_every_boundary_age_and_every_flag():
    cases = situations()
    assert len(cases) >= 40
    boundary_ages = {a for a in range(18) if len(da.bands_for_age(a)) > 1}
    assert boundary_ages <= {s["age"] for _, s in cases}
    for flag in SITUATION_FLAGS:
        assert any(s.get(flag) is True for _, s in cases), flag
        assert any(flag in s and s[flag] is None for _, s in cases), flag


def test_the_browser_gives_exactly_what_cpython_gives(ready_page):
    cases = situations()
    got = ready_page.evaluate(ASSESS_ALL, [s for _, s in cases])
    for (name, situation), answer in zip(cases, got, strict=True):
        assert answer == cpython(situation), name


def test_bad_input_rejects_with_the_modules_own_message(ready_page):
    got = ready_page.evaluate(ASSESS_ALL, [s for _, s in BAD])
    for (name, situation), answer in zip(BAD, got, strict=True):
        expected = cpython(situation)
        assert "error" in expected, f"{name}: CPython accepted it"
        assert answer == expected, name


def test_input_that_is_not_a_situation_at_all_is_refused_plainly(ready_page):
    """What JSON carries gets the module's message; what it cannot, a message in JavaScript terms."""
    message = cpython(None)["error"]
    got = ready_page.evaluate("""async () => {
      const out = [];
      for (const s of [null, 5, "age 11", undefined, () => 1]) {
        try { await window.decisionAid.assess(s); out.push(null); } catch (e) { out.push([e.name, e.message]); }
      }
      return out;
    }""")
    assert got[:3] == [["InvalidSituation", message]] * 3
    assert got[3][0] == got[4][0] == "InvalidSituation"
    assert "undefined" in got[3][1] and "a function" in got[4][1]


def test_relevant_questions_match_cpython(ready_page):
    cases = [s for _, s in situations() if "ok" in cpython(s)][::4]
    got = ready_page.evaluate("async (cases) => Promise.all(cases.map(s => window.decisionAid.relevantQuestions(s)))", cases)
    for situation, answer in zip(cases, got, strict=True):
        assert answer == da.relevant_questions(situation), situation


def test_ready_says_how_it_started_and_which_protocol_version(ready_page):
    info = ready_page.evaluate("() => window.decisionAid.ready")
    assert info["mode"] == "snapshot"
    assert info["protocolVersion"] == P.document.current.number
    assert info["pyodide"] == "314.0.7"
    assert len(info["build"]) == 16


def test_without_the_snapshot_it_starts_from_bytecode_and_agrees(new_context, base_url):
    context = new_context()
    context.route("**/*.snapshot.gzip", lambda route: route.abort())   # the trimmed standard library then starts it
    page = context.new_page()
    page.goto(base_url + "check/")
    info = page.evaluate("() => window.decisionAid.ready")
    assert info["mode"] == "bytecode"
    cases = situations()[::5] + BAD[:3]
    got = page.evaluate(ASSESS_ALL, [s for _, s in cases])
    for (name, situation), answer in zip(cases, got, strict=True):
        assert answer == cpython(situation), name
