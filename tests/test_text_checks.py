"""The loader refuses markup and unsafe addresses in data/, naming the file, entry, line, field and fix.

An XSS attempt in every kind of field a board member edits (issue #9, "Escape by
default"); and the messages of issue #11 (a duplicate reported at its later copy, a
version out of date order named with both dates).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import decision_aid as da
from decision_aid.text_checks import markup_problem, url_problem

from conftest import ROOT, edit, problems  # noqa: F401  (data: a fixture in conftest)


def set_field(folder: Path, file: str, after: str, field: str, value: str) -> int:
    """Set ``field`` of the entry that starts at the line ``after`` (as a board member would); its line."""
    path = folder / file
    text = path.read_text(encoding="utf-8")
    start = re.search(rf"^{re.escape(after)}", text, re.M).start()
    end = text.find("\n[", start + 1)  # the entry ends where the next one starts
    match = re.compile(rf'^{field} = (?:"""[\s\S]*?"""|"(?:[^"\\]|\\.)*")$', re.M).search(
        text, start, end if end > 0 else len(text))
    assert match, f"{field} not found after {after!r} in {file}"
    path.write_text(text[:match.start()] + f"{field} = {json.dumps(value)}" + text[match.end():], encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


# (file, the entry's first line, field, value, where the message says it is, what it says)
XSS = {
    "contact name": ("contacts.toml", 'id = "first-stop"', "name", "First Stop <script>alert(1)</script>",
                     "data/contacts.toml, service 'first-stop' (line", "name contains an HTML tag"),
    "contact telephone": ("contacts.toml", 'id = "camhs"', "telephone", '020 7974 3370" onclick="alert(1)',
                          "data/contacts.toml, service 'camhs' (line", "telephone '020 7974 3370\" onclick"),
    "contact email": ("contacts.toml", 'id = "camhs"', "email", 'LACAMHS@camden.gov.uk"><script>alert(1)</script>',
                      "data/contacts.toml, service 'camhs' (line", "is not an e-mail address"),
    "contact email with extra fields": ("contacts.toml", 'id = "camhs"', "email", "LACAMHS@camden.gov.uk?bcc=x@evil.example",
                                        "service 'camhs'", "write only the address"),
    "link title": ("contacts.toml", 'id = "london-cp-procedures"', "title", "Procedures [click](javascript:alert(1))",
                   "data/contacts.toml, link 'london-cp-procedures' (line", "title contains a Markdown link"),
    "link url": ("contacts.toml", 'id = "london-cp-procedures"', "url", "javascript:alert(1)",
                 "data/contacts.toml, link 'london-cp-procedures' (line", "url 'javascript:alert(1)' is not an address"),
    "link url with a hidden scheme": ("contacts.toml", 'id = "london-cp-procedures"', "url", "java\tscript:alert(1)",
                                      "link 'london-cp-procedures'", "contains a space, a line break"),
    "link url as data": ("contacts.toml", 'id = "london-cp-procedures"', "url", "data:text/html,<script>alert(1)</script>",
                         "link 'london-cp-procedures'", "url 'data:text/html"),
    "tool source_url": ("traffic_light.toml", "[tool]", "source_url", "vbscript:msgbox(1)",
                        "data/traffic_light.toml, [tool] (line", "source_url 'vbscript:msgbox(1)' is not an address"),
    "step action": ("steps.toml", 'id = "early-help-service"', "action", 'Refer <img src=x onerror="alert(1)">',
                    "data/steps.toml, step 'early-help-service' (line", "action contains an HTML tag"),
    "step who": ("steps.toml", 'id = "early-help-service"', "who", "{{ config.extra }}",
                 "data/steps.toml, step 'early-help-service' (line", "who contains a template tag"),
    "glossary term": ("glossary.toml", 'term = "MASH"', "term", "MASH]: x",
                      "data/glossary.toml, term", "may use only letters, digits, spaces"),
    "glossary expansion": ("glossary.toml", 'term = "MASH"', "expansion", 'Hub" onmouseover="alert(1)',
                           "data/glossary.toml, term 'MASH' (line", "expansion contains an event handler"),
    "glossary meaning": ("glossary.toml", 'term = "AIM"', "meaning", "See ![x](https://evil.example/x.png)",
                         "data/glossary.toml, term 'AIM' (line", "meaning contains a Markdown image"),
    "behaviour text": ("traffic_light.toml", 'id = "0-5-holding-playing-genitals"', "text", 'holding {: onclick="alert(1)" }',
                       "data/traffic_light.toml, behaviour '0-5-holding-playing-genitals' (line", "text contains an event handler"),
    "behaviour attribute list": ("traffic_light.toml", 'id = "0-5-holding-playing-genitals"', "text", "holding {: .x }",
                                 "behaviour '0-5-holding-playing-genitals'", "a Markdown attribute list"),
    "timescale within": ("timescales.toml", "[[timescale]]", "within", "<b>48 hours</b>",
                         "data/timescales.toml, timescale", "within contains an HTML tag"),
    "question text": ("situation.toml", 'id = "another_child_harmed"', "question", "[x]: javascript:alert(1)",
                      "data/situation.toml, question 'another_child_harmed' (line", "question contains a Markdown link"),
    "indicator text": ("harm.toml", "[[indicator]]", "text", "occurs javascript:alert(1)",
                       "data/harm.toml, indicator", "a javascript: address"),
    "threshold description": ("thresholds.toml", "[[threshold]]", "description", "{% include 'x' %}",
                              "data/thresholds.toml, threshold", "description contains a template tag"),
    "section title": ("sections.toml", 'title = "Introduction"', "title", "Introduction <svg onload=alert(1)>",
                      "data/sections.toml, section", "title contains an HTML tag"),
    "section page": ("sections.toml", 'title = "Introduction"', "page", "../../etc/passwd.md",
                     "data/sections.toml, section", "should be a page under docs/"),
    "referral introduction": ("sharing.toml", "[referral]", "introduction", "<i>Where</i> the referral",
                              "data/sharing.toml, [referral] (line", "introduction contains an HTML tag"),
    "consent text": ("sharing.toml", "[[consent]]", "text", "Generally <a href=x>parents</a> must consent.",
                     "data/sharing.toml, consent", "text contains an HTML tag"),
    "version summary": ("protocol.toml", "[[version]]", "summary", "First <script>alert(1)</script>",
                        "data/protocol.toml, version '1' (line", "summary contains an HTML tag"),
    "colour description (Markdown) linking to a script": (
        "traffic_light.toml", 'id = "red"', "description", "Behaviours that:\n\n- [see](javascript:alert(1))",
        "data/traffic_light.toml, colour 'red' (line", "description links to 'javascript:alert(1)'"),
    "colour description (Markdown) with HTML": (
        "traffic_light.toml", 'id = "amber"', "description", "Behaviours <b>of concern</b>",
        "data/traffic_light.toml, colour 'amber' (line", "description contains an HTML tag"),
}


@pytest.mark.parametrize("case", XSS)
def test_markup_in_data_is_refused_with_file_entry_line_field_and_fix(data, case):
    file, after, field, value, where, what = XSS[case]
    set_field(data, file, after, field, value)
    message = problems(data)
    line = next(line for line in message.splitlines() if what in line)
    assert where in line, line
    assert re.search(r"\(line \d+\)", line), f"no line number: {line}"
    assert any(fix in line for fix in ("remove", "write", "should be", "may use", "must start", "Copy the address")), line


def test_the_one_markdown_field_keeps_its_list_and_safe_links(data):
    set_field(data, "traffic_light.toml", 'id = "amber"', "description",
              "Behaviours of *concern*:\n\n- one\n- see [Brook](https://www.brook.org.uk/)")
    colour = next(c for c in da.load(data).colours if c.id == "amber")
    assert "[Brook](https://www.brook.org.uk/)" in colour.description


@pytest.mark.parametrize("url", ["https://www.brook.org.uk/", "http://www.londoncp.co.uk/", "mailto:a@camden.gov.uk",
                                 "tel:02079743370", "https://cscb-new.co.uk/?page_id=7114"])
def test_safe_addresses_are_accepted(url):
    assert url_problem(url) is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "file:///etc/passwd",
                                 "//evil.example/x", "www.brook.org.uk", "https://", "https://a.example/x y"])
def test_unsafe_or_incomplete_addresses_are_refused(url):
    assert url_problem(url)


@pytest.mark.parametrize("words", ["Children's social work (CSSW)", "P&V foster carers", "under 5 < 13 years",
                                   "“no names” basis; 48 hours", "see section 6.1 (Referral)"])
def test_ordinary_words_are_not_mistaken_for_markup(words):
    assert markup_problem(words) is None


def test_a_duplicate_id_is_reported_at_the_later_copy_with_its_line(data):
    text = (data / "traffic_light.toml").read_text(encoding="utf-8")
    first = text.count("\n", 0, text.index('id = "9-13-solitary-masturbation"')) + 1
    later = text.count("\n", 0, text.index('id = "9-13-need-privacy"')) + 1
    edit(data, "traffic_light.toml", 'id = "9-13-need-privacy"', 'id = "9-13-solitary-masturbation"')
    message = problems(data)
    assert (f"data/traffic_light.toml, behaviour '9-13-solitary-masturbation' (line {later}): the id "
            f"'9-13-solitary-masturbation' is used twice; each behaviour needs its own id. The first is line {first}: "
            "change this one.") in message
    assert first != later


def test_versions_out_of_date_order_are_named_with_their_dates(data):
    path = data / "protocol.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\n[[version]]\nnumber = "2"\nimplemented = "2017-05-01"\n'
                    'approved_by = "Camden Safeguarding Children Board"\nsummary = "Second version."\n', encoding="utf-8")
    message = problems(data)
    assert "data/protocol.toml, version '2' (line" in message
    assert "version 2 (implemented 2017-05-01) is listed after version 1 (implemented 2018-04)" in message
    assert "oldest first" in message
