"""`python -m hsb_review review`: the report the board reads before each review meeting."""

from __future__ import annotations

import json
import shutil
import sys
import threading
import urllib.error
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
import socket

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # hsb_review is run from the project root, not installed

from hsb_review import link_check  # noqa: E402
from hsb_review.__main__ import main  # noqa: E402
from hsb_review.link_check import check_links  # noqa: E402
from hsb_review.review import Link, review  # noqa: E402

VERSIONS = ROOT / "tests" / "fixtures" / "versions"


@pytest.fixture(scope="module")
def current():
    return review(ROOT, today=date(2026, 1, 15))


def test_the_overdue_review_is_reported(current, capsys):
    d = current.review_date
    assert (d.version, d.implemented, d.due, d.overdue) == ("1", "April 2018", "April 2019", True)
    assert d.months_overdue == 81
    main(["review", "--today", "2026-01-15"])
    assert ("OVERDUE. Version 1 was implemented in April 2018; the protocol is reviewed every 12 months, so the\n"
            "review was due by April 2019: 6 years and 9 months ago.") in capsys.readouterr().out


def test_a_review_not_yet_due_is_not_overdue():
    r = review(ROOT, today=date(2019, 4, 30))
    assert not r.review_date.overdue and r.review_date.months_overdue == 0


def test_the_numbering_anomalies_are_reported(current):
    found = {(a.kind, a.detail, a.known) for a in current.anomalies}
    assert ("missing", "there is no section 9.3 (the numbering goes from 9.2 to 9.4)", True) in found
    assert ("duplicate", "2 sections are numbered 15: 'Working with parents' (#15-working-with-parents); "
            "'Resolving professional differences' (#15-resolving-professional-differences)", True) in found
    assert ("cross-reference", "section 13 cites section 8.6, which does not exist", True) in found
    assert all(a.known for a in current.anomalies), "the current anomalies are all noted in data/review.toml"


def test_the_dated_references_are_listed_with_where_they_are_cited(current):
    refs = {r.id: r for r in current.references}
    for ref_id in ("data-protection-act-1998", "working-together", "keeping-children-safe-in-education", "aim2"):
        assert ref_id in refs
    assert refs["data-protection-act-1998"].found_in == ["13"]
    assert "Repealed" in refs["data-protection-act-1998"].check
    assert refs["aim2"].found_in == ["8.2", "8.3", "9.2", "10"]
    assert not [r.note for r in current.references if r.note], "data/review.toml matches the text"
    assert current.undeclared_references == []


def test_links_are_listed_from_data_and_pages(current):
    urls = {link.url: link for link in current.links}
    assert "http://www.londoncp.co.uk/" in urls
    assert urls["http://www.londoncp.co.uk/"].where == ["section 8.3"]
    assert all(link.status == "not checked" for link in current.links)
    assert current.network is None


def test_missing_glossary_entry_and_dangling_section_reference(capsys):
    r = review(VERSIONS / "review-gaps", today=date(2026, 1, 15))
    merlin = [a for a in r.abbreviations if a.word == "MERLIN"]
    assert merlin and merlin[0].sections == ["6.2", "9.2", "13"]
    dangling = [a for a in r.anomalies if a.kind == "cross-reference" and not a.known]
    assert [a.detail for a in dangling] == ["section 6.2 cites section 6.4, which does not exist"]
    main(["review", "--root", str(VERSIONS / "review-gaps")])
    out = capsys.readouterr().out
    assert "  - MERLIN: used 4 times, in 6.2, 9.2, 13" in out
    assert "  - NEW: cross-reference: section 6.2 cites section 6.4, which does not exist." in out


def test_a_step_citing_a_missing_section_is_reported(tmp_path, capsys):
    root = tmp_path / "version"
    shutil.copytree(VERSIONS / "v1", root)
    steps = root / "data" / "steps.toml"
    steps.write_text(steps.read_text(encoding="utf-8").replace('sections = ["8.1"]', 'sections = ["9.3"]'),
                     encoding="utf-8")
    r = review(root, today=date(2026, 1, 15))
    assert any("step 'early-help-service'" in p and "cites section '9.3', which does not exist" in p
               for p in r.data_problems)
    assert main(["review", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "The data has problems: fix these first" in out and "cites section '9.3'" in out


def test_no_network_is_said_once_not_per_link(monkeypatch):
    def offline(request, timeout):
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    monkeypatch.setattr(link_check.urllib.request, "urlopen", offline)
    links = [Link("http://a.example/", "A", ["section 1"]), Link("http://b.example/", "B", ["section 2"])]
    summary = check_links(links)
    assert summary.startswith("no network: none of the 2 links could be reached")
    assert all(link.status == "not checked" for link in links)


def test_check_reports_working_and_broken_links():
    class Handler(BaseHTTPRequestHandler):
        def do_HEAD(self):
            self.send_response(200 if self.path == "/ok" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        links = [Link(f"{base}/ok", "works", []), Link(f"{base}/gone", "gone", [])]
        assert check_links(links) == "1 of 2 links work; 1 need attention (listed below)."
        assert [link.status for link in links] == ["ok", "broken"]
        assert links[1].detail == "the server answered 404 Not Found"
    finally:
        server.shutdown()


def test_json_for_tools(capsys):
    assert main(["review", "--json", "--today", "2026-01-15"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["review_date"]["overdue"] is True
    assert {a["kind"] for a in data["anomalies"]} == {"missing", "duplicate", "cross-reference"}
    assert {"links", "references", "abbreviations", "unrouted", "missing_sections"} <= set(data)


def test_sections_no_route_refers_to(current):
    unrouted = {u.section: u.reason for u in current.unrouted}
    assert unrouted["1 Introduction"] == "Introduction to the protocol."
    assert "10 Release from custody" not in unrouted, "section 10 has its own question and steps now"
    assert "14 Partnership working" not in unrouted
    assert "8.3 Child protection response" not in unrouted
    assert "8 Social care responses" not in unrouted, "a section counts as referred to through its sub-sections"


def test_a_mistake_in_review_toml_is_reported(tmp_path):
    root = tmp_path / "version"
    shutil.copytree(VERSIONS / "review-gaps", root)
    facts = root / "data" / "review.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace('kind = "legislation"', 'kind = "law"', 1),
                     encoding="utf-8")
    line = facts.read_text(encoding="utf-8").splitlines().index('id = "children-act-1989"') + 1
    r = review(root, today=date(2026, 1, 15))
    assert r.facts_problems == [
        f"data/review.toml, reference 'children-act-1989' (line {line}): kind 'law' is not one of legislation, "
        "statutory guidance, guidance, local procedure, tool."]


# -- who the protocol names and how staff reach them (hsb_review.review_contacts) ------------

def test_the_boards_name_and_status_is_a_finding(current):
    assert current.board and "Camden Safeguarding Children Board" in current.board
    assert "local safeguarding partnerships" in current.board


def test_every_telephone_number_and_email_is_listed_for_checking(current, capsys):
    listed = {(c.kind, c.value) for c in current.contacts}
    assert ("telephone", "020 7974 3370") in listed and ("email", "LACAMHS@camden.gov.uk") in listed
    main(["review", "--root", str(ROOT), "--today", "2026-01-15"])
    out = capsys.readouterr().out
    assert "Telephone numbers and e-mails to check (2)" in out
    assert "telephone 020 7974 3370: Camden Child and Adolescent Mental Health Service (CAMHS)" in out


def test_steps_that_say_telephone_with_no_number_are_flagged(current):
    gaps = " ".join(current.telephone_gaps)
    assert "step 'urgent-child-protection-referral'" in gaps
    assert "Children and Families Contact Service (including the MASH), has none" in gaps
    assert "camhs" not in gaps.lower()


def test_an_abbreviation_in_data_needs_a_glossary_entry(tmp_path):
    root = tmp_path / "version"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "docs", root / "docs")
    contacts = root / "data" / "contacts.toml"
    contacts.write_text(contacts.read_text(encoding="utf-8") + '''
[[service]]
id = "lado"
name = "Local authority designated officer (LADO)"
role = "Told of allegations against staff; the LADO advises employers."
sections = ["12"]
''', encoding="utf-8")
    r = review(root, today=date(2026, 1, 15))
    assert [a for a in r.data_abbreviations if a.startswith("LADO: in ")] == ["LADO: in service 'lado'"]
    assert current_has_no_such(r)


def current_has_no_such(r) -> bool:
    return not [a for a in r.data_abbreviations if a.startswith(("CSSW", "MASH", "CAMHS"))]


def test_a_local_preview_address_is_not_a_link_the_protocol_gives(tmp_path):
    root = tmp_path / "version"
    shutil.copytree(ROOT / "data", root / "data")
    shutil.copytree(ROOT / "docs", root / "docs")
    page = root / "docs" / "board" / "publishing.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee http://localhost:8000/ and http://127.0.0.1:8000/x\n",
                    encoding="utf-8")
    urls = [link.url for link in review(root, today=date(2026, 1, 15)).links]
    assert urls and not [u for u in urls if "127.0.0.1" in u or "localhost" in u]


def test_a_version_implemented_on_a_day_reads_as_english():
    from hsb_review.review import ReviewDate, Review
    from hsb_review.review_report import review_block
    from hsb_review.document import render_text
    r = Review(today="2026-12-01", review_date=ReviewDate("2", "1 December 2026", 12, "December 2027", False, 0))
    text = " ".join(render_text(review_block(r)).split())
    assert "Version 2 was implemented on 1 December 2026; the next review is due by December 2027." in text
    assert "implemented in 1 December" not in text
