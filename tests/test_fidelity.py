"""Fidelity: the site publishes the board's words, every one of them.

The protocol as extracted from the published PDF is kept in
``tests/fixtures/hsb-protocol-v1-2018.txt``. These tests

* clean that text (page furniture, repeated links, lost bullet glyphs, hard wrapping),
  split it into sentences and check that every sentence is in the visible text of the
  built page that holds its section (tags stripped, entities unescaped, whitespace and
  quote styles normalised);
* check that each of the traffic light tool's behaviours (Appendix 1, from data) is on
  the Appendix page in an element with the behaviour's id, in the table for its age band,
  with its colour's label in the same row; and that the data's behaviours are exactly the
  behaviours the protocol prints;
* check that every page named in data/sections.toml exists and calls the heading macro
  for each of its sections;
* check that the checks themselves fail when a sentence, a behaviour or a colour is lost.

A failure lists everything that is missing, not only the first thing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from fidelity import (  # the readers and finders these tests use
    DOCS,
    FIXTURE,
    ProtocolText,
    ROOT,
    SectionInfo,
    Sentence,
    behaviour_problems,
    load_sections,
    missing_sentences,
    normalise,
    page_html_path,
    read_protocol,
    sentences,
    visible_text,
)

import decision_aid  # noqa: E402


# ---------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site(request, tmp_path_factory) -> Path:
    """The built site: the project's ``built_site`` fixture, or a build of our own without it."""
    try:
        return Path(request.getfixturevalue("built_site"))
    except pytest.FixtureLookupError:
        out = tmp_path_factory.mktemp("fidelity") / "site"
        result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                                cwd=ROOT, capture_output=True, text=True, timeout=600)
        if result.returncode != 0:
            pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
        return out


@pytest.fixture(scope="session")
def section_list() -> list[SectionInfo]:
    return load_sections()


@pytest.fixture(scope="session")
def protocol_text(section_list) -> ProtocolText:
    return read_protocol(FIXTURE.read_text(encoding="utf-8"), section_list)


@pytest.fixture(scope="session")
def protocol_sentences(protocol_text) -> list[Sentence]:
    return sentences(protocol_text)


@pytest.fixture(scope="session")
def page_texts(site, section_list) -> dict[str, str]:
    texts = {}
    for s in section_list:
        path = page_html_path(site, s.page)
        texts[s.page] = visible_text(path.read_text(encoding="utf-8")) if path.is_file() else ""
    return texts


@pytest.fixture(scope="session")
def appendix_html(site, section_list) -> str:
    page = next(s.page for s in section_list if s.number.startswith("Appendix"))
    return page_html_path(site, page).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------
# Tests: pages and headings
# ---------------------------------------------------------------------------------------


def _heading_call(ref: str) -> re.Pattern[str]:
    return re.compile(r"^[ \t]*\{\{\s*heading\(\s*([\"'])" + re.escape(ref) + r"\1\s*\)\s*\}\}[ \t]*$", re.M)


def test_every_section_page_exists_and_calls_its_heading_macro(section_list):
    problems = []
    for s in section_list:
        path = DOCS / s.page
        if not path.is_file():
            problems.append(f"- docs/{s.page} (for {s.ref}) does not exist")
            continue
        text = path.read_text(encoding="utf-8")
        unique = sum(x.number == s.number for x in section_list) == 1
        refs = [s.anchor, s.number] if unique else [s.anchor]
        if not any(_heading_call(r).search(text) for r in refs):
            problems.append(f"- docs/{s.page}: no line {{{{ heading(\"{refs[-1]}\") }}}} for {s.ref}")
    assert not problems, "Pages in data/sections.toml that are missing or lack a heading:\n" + "\n".join(problems)


def test_every_heading_of_the_protocol_is_in_sections_toml(protocol_text, section_list):
    found = {u.section.anchor for u in protocol_text.units if u.heading}
    absent = [s.ref for s in section_list if s.anchor not in found]
    assert not protocol_text.headings_not_in_data, (
        "Headings in the protocol that data/sections.toml does not list:\n"
        + "\n".join(f"- {h}" for h in protocol_text.headings_not_in_data))
    assert not absent, "Sections in data/sections.toml whose heading the protocol does not have:\n" + "\n".join(absent)


# ---------------------------------------------------------------------------------------
# Tests: the board's words on the site
# ---------------------------------------------------------------------------------------


def test_protocol_text_is_read_sensibly(protocol_sentences):
    """Guard the reader itself: furniture gone, wrapping undone, sentences whole."""
    texts = [s.text for s in protocol_sentences]
    joined = "\n".join(texts)
    assert len(texts) > 250
    assert "Multi-agency Safeguarding Hub (MASH)" in joined
    assert "CSCB harmful sexual behaviour protocol" not in joined
    assert "Implemented April 2018" not in joined
    assert "mailto:" not in joined
    assert joined.count("early_help.page") == 1 and joined.count("May-161.pdf") == 1
    assert "The are no strict referral criteria over and above that children and young people have," in joined
    assert "Safe and health sexual development displayed by children" in joined
    assert not any(t.startswith(("o ", "Description ")) for t in texts)


def test_every_sentence_of_the_protocol_is_on_its_page(protocol_sentences, page_texts):
    problems = missing_sentences(protocol_sentences, page_texts)
    assert not problems, (f"{len(problems)} sentence(s) of the protocol are not on the page of their section "
                          "(quotes and whitespace normalised):\n" + "\n".join(problems))


def test_behaviours_in_data_are_the_protocols(protocol_text):
    """data/traffic_light.toml holds exactly the behaviour rows the protocol prints."""
    rows = protocol_text.behaviour_rows
    missing = [f"- {b.id}: {b.text!r}" for b in decision_aid.catalogue() if normalise(b.text) not in rows]
    assert not missing, "Behaviours in data that the protocol does not print:\n" + "\n".join(missing)
    rest = rows
    for b in sorted(decision_aid.catalogue(), key=lambda b: -len(b.text)):
        rest = rest.replace(normalise(b.text), " ", 1)
    rest = re.sub(r"Behaviours \d+-\d+", " ", rest)
    assert not normalise(rest), f"Protocol behaviour text that no behaviour in data holds: {normalise(rest)!r}"


def test_every_behaviour_is_in_its_band_table_with_its_colour(appendix_html):
    p = decision_aid.protocol()
    problems = behaviour_problems(appendix_html, decision_aid.catalogue(), p.bands, p.colours)
    assert not problems, (f"{len(problems)} problem(s) with the traffic light behaviours on the Appendix page:\n"
                          + "\n".join(problems))


_RAW_MARKUP = {
    "a Markdown list marker": re.compile(r"(?:^|\s)[-*+] (?=\w)"),
    "Jinja or macro braces": re.compile(r"\{\{|\}\}|\{%|%\}"),
    "Markdown emphasis": re.compile(r"\*\*|(?<!\w)__|__(?!\w)"),
    "a Markdown link": re.compile(r"\]\("),
    "an admonition marker": re.compile(r"!!!"),
    "a heading attribute": re.compile(r"\{#"),
}


def test_no_page_shows_raw_markup(page_texts):
    """Words are not enough: a list or link that failed to render shows its Markdown to readers."""
    problems = []
    for page, text in sorted(page_texts.items()):
        for what, pattern in _RAW_MARKUP.items():
            for m in pattern.finditer(text):
                problems.append(f"- docs/{page}: {what} in {text[max(0, m.start() - 50):m.end() + 30]!r}")
    assert not problems, "Pages that show unrendered Markdown or Jinja:\n" + "\n".join(problems)


# ---------------------------------------------------------------------------------------
# Tests: the checks can fail
# ---------------------------------------------------------------------------------------


def test_a_lost_sentence_is_reported(protocol_sentences, page_texts):
    long = [s for s in protocol_sentences if len(s.text) > 60]
    victims = [long[3], long[len(long) // 2], long[-1]]
    broken = dict(page_texts)
    for v in victims:
        broken[v.section.page] = broken[v.section.page].replace(v.text, v.text[:30] + " " + v.text[30:])
    problems = "\n".join(missing_sentences(protocol_sentences, broken))
    assert all(repr(v.text) in problems for v in victims), problems


def test_a_reworded_page_is_reported(site, section_list, protocol_sentences):
    page = next(s.page for s in section_list if s.number == "11.2")
    html = page_html_path(site, page).read_text(encoding="utf-8").replace("The are no strict", "There are no strict")
    texts = {s.page: "" for s in section_list}
    texts[page] = visible_text(html)
    problems = missing_sentences([s for s in protocol_sentences if s.section.page == page], texts)
    assert any("The are no strict referral criteria" in p for p in problems)


def test_lost_or_misplaced_behaviours_are_reported(appendix_html):
    p = decision_aid.protocol()
    behaviours = decision_aid.catalogue()
    first, second = behaviours[0], next(b for b in behaviours if b.band != behaviours[0].band)
    red = next(b for b in behaviours if b.colour == p.colours[-1].id)
    broken = (appendix_html.replace(f'id="{first.id}"', 'id="gone"')
              .replace(second.text, "something else", 1))
    row = re.search(rf'<tr[^>]*id="{re.escape(red.id)}".*?</tr>', broken, re.S)
    assert row, "the Appendix page has no <tr> with a behaviour id"
    broken = broken.replace(row.group(0), row.group(0).replace(p.colours[-1].label, p.colours[0].label))
    problems = "\n".join(behaviour_problems(broken, behaviours, p.bands, p.colours))
    assert first.id in problems and second.id in problems and red.id in problems


def test_a_broken_copy_of_the_site_fails(request, tmp_path):
    """End to end: reword, drop and recolour in a copy of the project, build it, and check."""
    try:
        project = Path(request.getfixturevalue("project_copy"))
    except pytest.FixtureLookupError:
        pytest.skip("needs the project_copy fixture (tests/conftest.py)")
    camhs = project / "docs" / "other-services" / "camhs.md"
    camhs.write_text(camhs.read_text(encoding="utf-8").replace("The are no strict", "There are no strict"),
                     encoding="utf-8")
    harm = project / "data" / "harm.toml"
    harm.write_text(harm.read_text(encoding="utf-8").replace(" Such acts are likely to constitute a criminal offence.",
                                                             ""), encoding="utf-8")
    template = project / "macros" / "templates" / "traffic_light_tables.html"
    template.write_text(template.read_text(encoding="utf-8").replace('id="{{ b.id }}"', 'id="b-{{ b.id }}"'),
                        encoding="utf-8")
    out = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                            cwd=project, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    sections = load_sections()
    texts = {s.page: visible_text(page_html_path(out, s.page).read_text(encoding="utf-8")) for s in sections}
    protocol = read_protocol(FIXTURE.read_text(encoding="utf-8"), sections)
    problems = "\n".join(missing_sentences(sentences(protocol), texts))
    assert "The are no strict referral criteria" in problems
    assert "Such acts are likely to constitute a criminal offence." in problems
    appendix = next(s.page for s in sections if s.number.startswith("Appendix"))
    p = decision_aid.protocol()
    behaviours = behaviour_problems(page_html_path(out, appendix).read_text(encoding="utf-8"),
                                    decision_aid.catalogue(), p.bands, p.colours)
    assert len(behaviours) == len(decision_aid.catalogue())
