"""Publishing integrity: breaking changes refused or reported, and a version 2 taken through
review -> diff -> release with the site pages, the checker's data and the PDF agreeing on
every timescale, telephone number and threshold.

Each test works on a throw-away copy of the project kept in its own git repository, as a
fresh clone would be: version 1 is its first commit.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import date
from pathlib import Path

import pytest

from conftest import SITE_URL, add_version, edit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import decision_aid  # noqa: E402
from hsb_review import ReviewError  # noqa: E402
from hsb_review.breaking import gone, unrecorded  # noqa: E402
from hsb_review.diff import diff  # noqa: E402
from hsb_review.diff_report import report_block  # noqa: E402
from hsb_review.document import render_text  # noqa: E402
from hsb_review.release import release  # noqa: E402
from hsb_review.tree import open_tree  # noqa: E402
from macros.retired import read  # noqa: E402

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
chromium = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium")


def commit(folder: Path, message: str) -> None:
    if not (folder / ".git").exists():
        subprocess.run([*GIT, "init", "-q"], cwd=folder, check=True)
    subprocess.run([*GIT, "add", "-A", "data", "docs", "mkdocs.yml"], cwd=folder, check=True)
    subprocess.run([*GIT, "commit", "-q", "-m", message], cwd=folder, check=True)


def as_version_1(project: Path) -> Path:
    """The project copy (made ready to release by the release_project fixture), committed as version 1."""
    commit(project, "version 1")
    return project


def add_version_2(project: Path, today: date, implemented: date | None = None) -> None:
    add_version(project, "2", today, implemented=implemented, approved_by="Camden Safeguarding Children Partnership",
                minute="CSCP 2026/14, item 5",
                summary="Test version: the strategy meeting timescale and the CAMHS number changed.")


def remove_entry(project: Path, name: str, kind: str, entry_id: str) -> None:
    path = project / "data" / name
    text = path.read_text(encoding="utf-8")
    new = re.sub(rf"\[\[{kind}\]\]\nid = \"{re.escape(entry_id)}\"\n.*?(?=\n\[\[|\Z)", "", text, count=1, flags=re.S)
    assert new != text
    path.write_text(new, encoding="utf-8")


# -- breaking changes ------------------------------------------------------------------

def test_removing_a_published_behaviour_is_listed_first_and_refused_until_retired(release_project, tmp_path):
    project_copy = as_version_1(release_project())
    add_version_2(project_copy, date.today())
    remove_entry(project_copy, "traffic_light.toml", "behaviour", "9-13-need-privacy")
    (project_copy / "data" / "changes").mkdir(exist_ok=True)
    (project_copy / "data" / "changes" / "2.md").write_text("# What changed in version 2\n", encoding="utf-8")
    with open_tree("1", cwd=project_copy) as old, open_tree(str(project_copy), cwd=project_copy) as new:
        report = diff(old, new)
    text = " ".join(render_text(report_block(report)).split())
    first = text.index("Breaking changes")
    assert first < text.index("Summary")
    assert "behaviour 9-13 “need for privacy” (id '9-13-need-privacy') was removed; NOT recorded in " \
           "data/retired.toml" in text
    out = tmp_path / "release"
    with pytest.raises(ReviewError) as refused:
        release(project_copy, out, today=date.today())
    message = str(refused.value)
    assert "Published ids are gone since version 1 as committed in git" in message
    assert "behaviour 9-13 “need for privacy” (id '9-13-need-privacy')" in message
    assert 'kind = "behaviour"' in message and "Nothing was released" in message
    assert not out.exists()

    (project_copy / "data" / "retired.toml").write_text(
        '[[retired]]\nkind = "behaviour"\nid = "9-13-need-privacy"\nversion = "2"\n'
        'reason = "Test: merged with another behaviour."\nreplaced_by = "nothing"\n', encoding="utf-8")
    retired, problems = read(project_copy / "data")
    assert problems == []
    with open_tree("1", cwd=project_copy) as old:
        assert unrecorded(gone(old.protocol, decision_aid.load(project_copy / "data")), retired) == []


def test_a_retired_entry_that_names_a_missing_replacement_is_refused(project_copy):
    from macros.retired import check
    (project_copy / "data" / "retired.toml").write_text(
        '[[retired]]\nkind = "step"\nid = "old-step"\nversion = "2"\nreason = "Test."\nreplaced_by = "no-such-step"\n',
        encoding="utf-8")
    entries, problems = read(project_copy / "data")
    assert problems == []
    found = check(decision_aid.load(project_copy / "data"), entries)
    assert found == ["data/retired.toml, retired step 'old-step' (line 3): replaced_by = \"no-such-step\" is not a "
                     "step in the data: give the id of the step that replaces it, or replaced_by = \"nothing\"."]


def test_a_step_no_situation_can_reach_is_reported_by_the_diff(release_project):
    pytest.importorskip("decision_aid.reachability")
    project_copy = as_version_1(release_project())
    # The CSE step needs a behaviour flagged 'exploitation': remove the flag from every behaviour.
    path = project_copy / "data" / "traffic_light.toml"
    text = path.read_text(encoding="utf-8")
    flagged = re.findall(r'^flags = \[[^\]]*"exploitation"[^\]]*\]\n', text, flags=re.M)
    assert flagged, "the data has behaviours flagged for exploitation"
    path.write_text(re.sub(r'^flags = \[[^\]]*"exploitation"[^\]]*\]\n', "", text, flags=re.M), encoding="utf-8")
    with open_tree("1", cwd=project_copy) as old, open_tree(str(project_copy), cwd=project_copy) as new:
        report = diff(old, new)
    assert report.unreachable, "the diff reports what no situation can reach"
    assert any("no situation can reach it" in line and "could be reached before this edit" in line
               for line in report.unreachable)
    assert "What no situation can reach" in " ".join(render_text(report_block(report)).split())


# -- version 2 end to end ----------------------------------------------------------------

def visible(page: bytes | str) -> str:
    text = page.decode("utf-8") if isinstance(page, bytes) else page
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", text)))


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages))


@chromium
def test_version_2_through_review_diff_and_release_agrees_everywhere(release_project):
    pytest.importorskip("pypdf")
    project_copy = as_version_1(release_project())
    today = date.today()
    add_version_2(project_copy, today)
    edit(project_copy, "data/timescales.toml", 'within = "3 days"', 'within = "2 working days"')
    edit(project_copy, "data/contacts.toml", 'telephone = "020 7974 3370"', 'telephone = "020 7974 9999"')
    run = lambda *a: subprocess.run([sys.executable, "-m", "hsb_review", *a], cwd=project_copy,  # noqa: E731
                                    capture_output=True, text=True, timeout=900)
    review = run("review")
    assert "Traceback" not in review.stderr and "Review" in review.stdout
    assert "telephone 020 7974 9999: Camden Child and Adolescent Mental Health Service (CAMHS)" in review.stdout
    assert "The board's name and status" in review.stdout
    changes = run("diff", "1", ".", "--markdown", "data/changes/2.md")
    assert changes.returncode == 0, changes.stderr
    shown = run("diff", "1")
    assert "Version 1 (as committed in git" in shown.stdout and "(this project as it is now)" in shown.stdout
    said = " ".join(shown.stdout.split())
    assert "“CSSW convenes a strategy meeting” within 3 days ('strategy-meeting'): within: '3 days' → " \
           "'2 working days'" in said
    assert "Camden Child and Adolescent Mental Health Service (CAMHS) (020 7974 3370) ('camhs'): telephone: " \
           "'020 7974 3370' → '020 7974 9999'" in said
    assert "step “Convene a strategy meeting." in said and "at threshold Child protection" in said
    commit(project_copy, "version 2")
    released = run("release")
    assert released.returncode == 0, released.stdout + released.stderr
    assert "Traceback" not in released.stdout + released.stderr

    folder = project_copy / "release" / "versions" / "2"
    manifest = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=project_copy, capture_output=True, text=True).stdout
    assert manifest["git"] == {"commit": head.strip(), "uncommitted_changes": False}
    assert manifest["approval"]["minute"] == "CSCP 2026/14, item 5"
    assert manifest["approval"]["approved_by"] == "Camden Safeguarding Children Partnership"
    assert manifest["diff_summary"]["old_version"] == "1" and manifest["diff_summary"]["changes"] >= 3
    assert manifest["site_url"] == SITE_URL

    site = zipfile.ZipFile(folder / "hsb-protocol-v2-site.zip")
    page = lambda name: visible(site.read(name))  # noqa: E731
    wheel_name = next(n for n in site.namelist() if n.endswith(".whl"))
    wheel = zipfile.ZipFile(io.BytesIO(site.read(wheel_name)))
    in_wheel = lambda f: tomllib.loads(wheel.read(next(n for n in wheel.namelist()  # noqa: E731
                                                       if n.endswith(f"_data/{f}"))).decode("utf-8"))
    pdf = pdf_text((folder / "hsb-protocol-v2.pdf").read_bytes())
    p = decision_aid.load(project_copy / "data")

    # Timescales: the checker's data, the Timescales page, the section's page and the PDF.
    assert {t["id"]: t["within"] for t in in_wheel("timescales.toml")["timescale"]} == \
        {t.id: t.within for t in p.timescales}
    timescales_page = page("timescales/index.html")
    for t in p.timescales:
        assert t.within in timescales_page, t.id
    assert "strategy meeting within 2 working days of receiving" in page("referral/social-care-responses/index.html")
    assert "strategy meeting within 2 working days of receiving" in pdf
    assert "within 3 days" not in pdf and "within 3 days" not in page("referral/social-care-responses/index.html")
    # Telephone numbers: checker data, contacts page, section 11.3 page and the PDF.
    phones = {s.id: s.telephone for s in p.services if s.telephone}
    assert phones == {s["id"]: s["telephone"] for s in in_wheel("contacts.toml")["service"] if "telephone" in s}
    for number in phones.values():
        assert number in page("contacts/index.html") and number in page("other-services/camhs/index.html")
        assert number in pdf
    assert "020 7974 3370" not in pdf
    # Thresholds: section 7's list in the page and the PDF, from the same data as the checker.
    wheel_thresholds = {t["id"]: t["description"] for t in in_wheel("thresholds.toml")["threshold"]}
    squash = lambda s: re.sub(r"\s+", " ", s.replace("’", "'"))  # noqa: E731
    for t in p.thresholds:
        assert wheel_thresholds[t.id] == t.description
        if "7" in t.sections:
            assert squash(t.description) in squash(page("referral/thresholds/index.html"))
            assert squash(t.description)[:60] in squash(pdf)
    # The PDF: contents with page numbers, version control, the site's address, no web-only heading.
    assert "Contents" in pdf and "Version control" in pdf and "CSCP 2026/14, item 5" in pdf
    assert pdf.replace(" ", "").count(SITE_URL) >= 10 and "Check a behaviour" not in pdf
    listed = re.search(r"Contents .*?8\.3 Child protection response (\d+)", pdf)
    assert listed and int(listed.group(1)) > 3, "the contents give the page a section starts on"
    pages = [p.extract_text() or "" for p in __import__("pypdf").PdfReader(folder / "hsb-protocol-v2.pdf").pages]
    assert "8.3 Child protection response" in pages[int(listed.group(1)) - 1]
    # The age band is in each Appendix table's header row, which Chromium repeats on every page a table runs onto.
    pdf_pages = [re.sub(r"\s+", " ", t.extract_text() or "") for t in
                 __import__("pypdf").PdfReader(folder / "hsb-protocol-v2.pdf").pages]
    headers = [(t, m.start()) for t in pdf_pages for m in re.finditer("Colour Behaviour", t)]
    assert len(headers) >= 4
    assert all(re.search(r"age band \S+ \([^)]*\) $", t[max(0, at - 60):at]) for t, at in headers)
    # The release build is not a draft; the footer links the PDF.
    home = site.read("index.html").decode("utf-8")
    assert "DRAFT" not in home and 'versions/2/hsb-protocol-v2.pdf"' in home


# -- the built site: drafts, and the old address of a retired behaviour --------------------

def test_a_draft_build_is_marked_and_a_retired_behaviour_keeps_its_address(project_copy, tmp_path):
    from conftest import run_mkdocs_build
    remove_entry(project_copy, "traffic_light.toml", "behaviour", "9-13-need-privacy")
    (project_copy / "data" / "retired.toml").write_text(
        '[[retired]]\nkind = "behaviour"\nid = "9-13-need-privacy"\nversion = "2"\n'
        'reason = "Test: merged with another behaviour."\nreplaced_by = "9-13-sexual-harassment"\n', encoding="utf-8")
    site = tmp_path / "site"
    result = run_mkdocs_build(project_copy, site)
    assert result.returncode == 0, result.stdout + result.stderr
    appendix = (site / "appendix" / "traffic-light-tool" / "index.html").read_text(encoding="utf-8")
    old = re.search(r'<li id="9-13-need-privacy">(.*?)</li>', appendix, re.S)
    assert old, "the old web address still lands on Appendix 1"
    assert "removed in version 2: Test: merged with another behaviour." in visible(old.group(1))
    assert 'href="#9-13-sexual-harassment"' in old.group(1) and 'id="9-13-sexual-harassment"' in appendix
    pages = [p for p in site.rglob("*.html") if p.name != "404.html" and "versions" not in p.parts]
    unmarked = [str(p) for p in pages if "hsb-banner hsb-draft" not in p.read_text(encoding="utf-8")]
    assert pages and unmarked == [], "every page of a build the release did not make says DRAFT"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'class="hsb-draft-watermark" aria-hidden="true">DRAFT</div>' in home
    assert 'href="./version-history/#unreleased-changes"' in home
    history = (site / "version-history" / "index.html").read_text(encoding="utf-8")
    assert 'id="unreleased-changes"' in history and "DRAFT, not released." in history
    assert "<script>" not in re.sub(r"<script[^>]*src=[^>]*>", "", home.split('data-md-component="announce"')[1]
                                     .split("</aside>")[0]), "no inline script in the banner"


def test_a_version_approved_for_a_later_date_is_announced_and_supersedes_nothing(project_copy, tmp_path):
    from datetime import timedelta

    from conftest import run_mkdocs_build
    today = date.today()
    add_version_2(project_copy, today, implemented=today + timedelta(days=40))
    site = tmp_path / "site"
    result = run_mkdocs_build(project_copy, site)
    assert result.returncode == 0, result.stdout + result.stderr
    home = visible((site / "index.html").read_text(encoding="utf-8"))
    coming = re.search(r"Coming change: version 2, approved on [^.]+, is in force from [^.]+\. Until then version 1 "
                       r"\(implemented in April 2018\) is the version in force\.", home)
    assert coming, "every page announces the coming change"
    assert "version 2, approved, in force from" in home
    history = visible((site / "version-history" / "index.html").read_text(encoding="utf-8"))
    assert "Version 1 (in force)" in history and "Version 2 (approved, in force from" in history
    assert "superseded" not in history.lower().replace("superseded early", "")


def test_a_renamed_section_anchor_is_refused_until_retired_and_then_still_lands(release_project, tmp_path):
    from conftest import run_mkdocs_build
    project_copy = as_version_1(release_project())
    edit(project_copy, "data/sections.toml", 'anchor = "8-3-child-protection-response"',
         'anchor = "8-3-child-protection"')
    with open_tree("1", cwd=project_copy) as old:
        lost = unrecorded(gone(old.protocol, decision_aid.load(project_copy / "data")), ())
    assert [(g.kind, g.id, g.renamed_to) for g in lost] == [
        ("section", "8-3-child-protection-response", "8-3-child-protection")]
    (project_copy / "data" / "retired.toml").write_text(
        '[[retired]]\nkind = "section"\nid = "8-3-child-protection-response"\nversion = "2"\n'
        'reason = "Test: a shorter address."\nreplaced_by = "8-3-child-protection"\n', encoding="utf-8")
    site = tmp_path / "site"
    result = run_mkdocs_build(project_copy, site)
    assert result.returncode == 0, result.stdout + result.stderr
    page = (site / "referral" / "social-care-responses" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'id="8-3-child-protection".*?<span id="8-3-child-protection-response"></span>', page, re.S)


def test_a_connection_reset_by_the_browser_prints_no_traceback(capsys):
    from hsb_review.pdf import serve
    with serve(ROOT / "docs") as base:
        import socket
        from urllib.parse import urlsplit
        port = urlsplit(base).port
        with socket.create_connection(("127.0.0.1", port)) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            s.sendall(b"GET /index.md HTTP/1.1\r\nHost: x\r\n")   # then reset, mid-request
        import time
        time.sleep(0.5)
    assert "Traceback" not in capsys.readouterr().err
