"""`python -m hsb_review release`: the PDF of the whole protocol and the site archive.

One release of the current tree is shared by the tests of this module (a strict build
and a Chromium print take a few seconds); the superseded-version test makes one more.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from conftest import add_version

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # hsb_review is run from the project root, not installed

import decision_aid  # noqa: E402
from hsb_review.diff import diff  # noqa: E402
from hsb_review.release import MANIFEST, check_version_entry, release  # noqa: E402
from hsb_review.tree import open_tree  # noqa: E402
from macros.history import embed_changes, history_rows, version_history  # noqa: E402

pypdf = pytest.importorskip("pypdf")
pytestmark = pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian's Chromium")


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def pdf_pages(data: bytes) -> list[str]:
    return [norm(page.extract_text() or "") for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def released(tmp_path_factory, release_project):
    """Version 1 released from a copy of the project that has its site's address (mkdocs.yml site_url)."""
    project = release_project()
    out = tmp_path_factory.mktemp("release") / "release"
    messages: list[str] = []
    result = release(project, out, today=date.today(), say=messages.append)
    return result, out, messages


def test_the_release_refuses_without_the_sites_address(tmp_path):
    from hsb_review import ReviewError
    with pytest.raises(ReviewError, match="mkdocs.yml has no site_url"):
        release(ROOT, tmp_path / "release", today=date.today())
    assert not (tmp_path / "release").exists()


@pytest.fixture(scope="module")
def protocol():
    return decision_aid.load(ROOT / "data")


def test_release_writes_the_pdf_the_site_archive_and_a_manifest(released, protocol):
    result, out, messages = released
    current = protocol.document.current.number
    assert result.folder == out / "versions" / current
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(
        [f"hsb-protocol-v{current}.pdf", f"hsb-protocol-v{current}-site.zip", f"hsb-protocol-v{current}-source.zip",
         MANIFEST])
    manifest = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert manifest["version"] == current
    assert manifest["pdf"]["sha256"] == hashlib.sha256(result.pdf.read_bytes()).hexdigest()
    assert manifest["site"]["sha256"] == hashlib.sha256(result.site_zip.read_bytes()).hexdigest()
    assert f"Released version {current} in {result.folder}:" in messages


def test_pdf_holds_every_section_heading_and_all_88_behaviours(released, protocol):
    result, _, _ = released
    pages = pdf_pages(result.pdf.read_bytes())
    whole = " ".join(pages)
    missing_headings = [f"{s.number} {s.title}" for s in protocol.sections if norm(f"{s.number} {s.title}") not in whole]
    assert not missing_headings
    behaviours = decision_aid.catalogue()
    assert len(behaviours) == 88
    assert not [b.id for b in behaviours if norm(b.text) not in whole]
    # Appendix 1 with its tables: one per age band, every row saying its colour in words.
    for band in protocol.bands:
        assert norm(f"Traffic light behaviours, age band {band.id}") in whole


def test_every_pdf_page_carries_the_version_and_the_print_notice(released, protocol):
    result, _, _ = released
    pages = pdf_pages(result.pdf.read_bytes())
    assert len(pages) > 10
    notice = norm(protocol.document.print_notice)
    version = norm(f"version {protocol.document.current.number}")
    assert [i + 1 for i, text in enumerate(pages) if notice not in text] == []
    assert [i + 1 for i, text in enumerate(pages) if version not in text] == []
    assert norm("Printed copies are valid only until the next update") in notice


def test_site_archive_is_ready_for_a_static_host(released, protocol):
    result, _, _ = released
    current = protocol.document.current.number
    names = set(zipfile.ZipFile(result.site_zip).namelist())
    assert "index.html" in names and "404.html" in names
    for s in protocol.sections:
        assert s.page.removesuffix(".md") + "/index.html" in names
    assert f"versions/{current}/hsb-protocol-v{current}.pdf" in names
    assert f"versions/{current}/index.html" in names
    assert not [n for n in names if "_print" in n], "the print page is not published"
    history = zipfile.ZipFile(result.site_zip).read("version-history/index.html").decode("utf-8")
    assert f'href="../versions/{current}/hsb-protocol-v{current}.pdf"' in history


def test_a_release_folder_can_be_compared_with_later_versions(released):
    """The release keeps the data and pages it was made from, so `diff release/versions/1 .` works without git."""
    result, _, _ = released
    with open_tree(str(result.folder)) as old, open_tree(str(ROOT)) as new:
        assert old.label.startswith("as released, from ")
        report = diff(old, new)
    assert report.changes == [] and report.differences == []


def test_releasing_the_same_text_again_is_allowed(released, protocol):
    _, out, _ = released
    note = check_version_entry(ROOT, protocol, out, replace=False)
    assert note and "with the same protocol text; its release files will be replaced" in note


def test_a_new_version_supersedes_the_old_one(released, release_project):
    """Version 2 is released beside version 1; the site marks version 1 as superseded."""
    _, first_out, _ = released
    project_copy = release_project()
    out = project_copy / "release"
    shutil.copytree(first_out, out)
    old = decision_aid.load(project_copy / "data").document.current.number
    new = str(int(old) + 1)
    old_pdf = (out / "versions" / old / f"hsb-protocol-v{old}.pdf").read_bytes()
    add_version(project_copy, new, date.today())
    (project_copy / "data" / "changes").mkdir(exist_ok=True)
    (project_copy / "data" / "changes" / f"{new}.md").write_text("# What changed\n\nA test.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "hsb_review", "release"], cwd=project_copy,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (out / "versions" / old / f"hsb-protocol-v{old}.pdf").read_bytes() == old_pdf, "old release untouched"
    site = zipfile.ZipFile(out / "versions" / new / f"hsb-protocol-v{new}-site.zip")
    stamped = pdf_pages(site.read(f"versions/{old}/hsb-protocol-v{old}.pdf"))
    assert stamped[0].startswith("superseded")
    assert all(f"superseded: version {old}. replaced by version {new}" in page for page in stamped[1:])
    notice = site.read(f"versions/{old}/index.html").decode("utf-8")
    assert f"was replaced by version {new}" in notice and 'href="../../"' in notice
    history = site.read("version-history/index.html").decode("utf-8")
    assert f"Version {old} (superseded)" in history and f"Version {new} (in force)" in history
    assert "DRAFT" not in history and "Unreleased changes" not in history


def test_a_version_approved_for_a_later_date_supersedes_nothing_yet(tmp_path):
    from hsb_review.version_pages import version_page
    from macros.status import status
    p = decision_aid.load(ROOT / "tests" / "fixtures" / "versions" / "v2" / "data")
    before = date(2025, 3, 20)   # v2 approved 12 March 2025, in force from 1 April 2025
    s = status(p, before, draft=False)
    assert (s.in_force, s.in_force_version, s.version) == (False, "1", "2")
    assert s.notice == ("Coming change: version 2, approved on 12 March 2025, is in force from 1 April 2025. "
                        "Until then version 1 (implemented in April 2018) is the version in force.")
    v1, v2 = p.document.versions
    rows = history_rows(p, pdfs=set(), changes=tmp_path, today=before)
    assert [(r.number, r.state, r.superseded_by) for r in rows] == [
        ("2", "approved, in force from 1 April 2025", None), ("1", "in force", None)]
    page = version_page(v1, v2, p, None, before)
    assert "Superseded" not in page and "Version 2 replaces it on 1 April 2025." in page
    assert "in April 2018" in page
    after = history_rows(p, pdfs=set(), changes=tmp_path, today=date(2025, 4, 1))
    assert [(r.number, r.state) for r in after] == [("2", "in force"), ("1", "superseded")]
    assert "was replaced by version 2 on 1 April 2025" in version_page(v1, v2, p, None, date(2025, 4, 1))


def test_the_wheel_for_the_browser_does_not_contain_the_board_tools(tmp_path):
    """hsb_review runs from the project root; the wheel (also built for Pyodide) must not carry it."""
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("decision_aid", "data", "hsb_review", "macros"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    result = subprocess.run([sys.executable, "-m", "build", "--wheel", "--outdir", str(tmp_path / "dist")],
                            cwd=source, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    wheel = next((tmp_path / "dist").glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("decision_aid/") for n in names)
    assert not [n for n in names if n.startswith(("hsb_review", "macros", "tests"))]


# -- the Version history page (macros/history.py) ---------------------------------------

def test_version_history_page_lists_every_version_newest_first():
    p = decision_aid.load(ROOT / "tests" / "fixtures" / "versions" / "v2" / "data")
    rows = history_rows(p, pdfs={"1"}, changes=ROOT / "no-such-folder")
    assert [(r.number, r.in_force, r.superseded_by) for r in rows] == [("2", True, None), ("1", False, "2")]
    assert rows[0].approved == "12 March 2025" and rows[0].implemented == "1 April 2025"
    assert rows[1].approved == "not recorded" and rows[1].implemented == "April 2018"
    assert rows[0].pdf is None and rows[1].pdf == "versions/1/hsb-protocol-v1.pdf"
    assert rows[0].corrections == ("fact to face → face to face (Appendix 1, 5-9 amber)",)


def test_version_history_page_in_force_now():
    text = version_history(decision_aid.load(ROOT / "data"))
    assert "## Version 1 (in force) {: #version-1 }" in text
    assert "- **Implemented:** April 2018" in text
    assert "Superseded" not in text


def test_what_changed_report_is_embedded_with_its_version(tmp_path):
    from hsb_review.__main__ import main
    changes = tmp_path / "changes"
    versions = ROOT / "tests" / "fixtures" / "versions"
    assert main(["diff", str(versions / "v1"), str(versions / "v2"), "--markdown", str(changes / "2.md")]) == 0
    rows = history_rows(decision_aid.load(versions / "v2" / "data"), pdfs=set(), changes=changes)
    assert rows[1].changes is None
    embedded = rows[0].changes
    assert embedded.startswith("    Version 1 compared with version 2.")
    assert re.search(r"^    \*\*Colour, category or threshold changes \(\d+ cases\)\*\*$", embedded, re.M)
    assert embedded.index("**Breaking changes") < embedded.index("**Summary**"), "breaking changes come first"
    assert "#" not in "".join(line.lstrip()[:1] for line in embedded.splitlines()), "no headings inside the block"
    assert embed_changes("---\ntitle: x\n---\n\n# T\n\n## A\n\n- b\n") == "    **A**\n\n    - b"
