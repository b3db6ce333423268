"""`python -m hsb_review diff`: what changed between two versions, and how the outcomes change.

tests/fixtures/versions/v1 is version 1 as published; v2 makes exactly one change of each
kind the board can make (see tests/fixtures/versions/README.md). The report must list
every one of them and nothing else, and every outcome of the decision aid that changes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # hsb_review is run from the project root, not installed

from hsb_review import ReviewError  # noqa: E402
from hsb_review.__main__ import main  # noqa: E402
from hsb_review.diff import diff  # noqa: E402
from hsb_review.outcomes import NOT_OFFERED, step_changes  # noqa: E402
from hsb_review.tree import open_tree  # noqa: E402

VERSIONS = ROOT / "tests" / "fixtures" / "versions"
CHANGED_COLOUR = "13-17-taking-sending-naked-sexually"
MOVED = "5-9-sourcing-pornographic-material-online"


@pytest.fixture(scope="module")
def report():
    with open_tree(str(VERSIONS / "v1")) as old, open_tree(str(VERSIONS / "v2")) as new:
        return diff(old, new)


def test_every_kind_of_change_is_reported_and_nothing_else(report):
    assert sorted((c.area, c.kind, c.key) for c in report.changes) == sorted([
        ("behaviour", "added", "13-17-sharing-images-without-consent"),
        ("behaviour", "removed", "9-13-need-privacy"),
        ("behaviour", "moved band", "5-9-sourcing-pornographic-material-online"),
        ("behaviour", "changed colour", CHANGED_COLOUR),
        ("behaviour", "changed wording", "5-9-sexual-bullying-fact-face"),
        ("step", "changed", "camhs-consultation"),
        ("threshold", "changed", "early-help"),
        ("timescale", "changed", "strategy-meeting"),
        ("contact", "changed", "camhs"),
        ("section text", "changed", "13-confidentiality-and-information-sharing"),
        ("version", "added", "2"),
    ])
    details = {c.key: c.detail for c in report.changes}
    assert details[CHANGED_COLOUR].endswith("amber → red")
    assert details["5-9-sourcing-pornographic-material-online"].endswith("band 5-9 → 9-13")
    assert "'sexual bullying fact to face" in details["5-9-sexual-bullying-fact-face"]
    assert "'sexual bullying face to face" in details["5-9-sexual-bullying-fact-face"]
    # Named by what they say, as the board knows them; the id in brackets for whoever edits the data.
    assert details["strategy-meeting"] == ("“CSSW convenes a strategy meeting” within 3 days ('strategy-meeting'): "
                                           "within: '3 days' → '2 working days'")
    assert details["camhs"] == ("Camden Child and Adolescent Mental Health Service (CAMHS) (020 7974 3370) ('camhs'): "
                                "telephone: '020 7974 3370' → '020 7974 0000'")
    assert details["early-help"] == "“Early help” ('early-help'): service: 'First Stop Early Help' → 'Camden Early Help Hub'"
    assert "threshold early-help or child-in-need or child-protection" in details["camhs-consultation"]
    assert "Data Protection Act [1998 → 2018, the UK GDPR]" in details["13-confidentiality-and-information-sharing"]


def test_threshold_changes_are_exactly_those_the_new_colour_and_the_move_cause(report):
    changed = [d for d in report.differences if d.old.classification != d.new.classification]
    # The new colour; the move out of 5-9 (no longer offered for ages 5-8, and at 9-13 read
    # without its 5-9 link); and the 9-13 item it was linked with (at 9 no longer the 5-9 red).
    assert {d.case.behaviour for d in changed} == {CHANGED_COLOUR, MOVED, "9-13-viewing-pornographic-material"}
    colour = [d for d in changed if d.case.behaviour == CHANGED_COLOUR]
    # At 13 the 9-13 band's red "distributing naked ... images" already applied (same facts).
    assert {d.case.age for d in colour} == {14, 15, 16, 17}
    assert {(age, v) for age in range(14, 18) for v in report.variations} == {(d.case.age, d.case.variation) for d in colour}
    assert all((d.old.colour, d.new.colour, d.new.category) == ("amber", "red", "abusive") for d in colour)
    # "Done to another child": unanswered, another child is taken as harmed, so red gives
    # child protection on its own; answered "no", red without a victim stays child in need.
    threshold = {d.case.variation.id for d in colour if (d.old.threshold, d.new.threshold) == ("child-in-need", "child-protection")}
    assert "" in threshold and "another_child_harmed" in threshold
    no_harm = [d for d in colour if d.case.variation.kind == "flag-no" and d.case.variation.id == "another_child_harmed"]
    assert no_harm and all(d.old.threshold == d.new.threshold == "child-in-need" for d in no_harm)
    moved = [d for d in changed if d.case.behaviour == MOVED and d.case.age < 9]
    assert moved and all(d.new.threshold == NOT_OFFERED for d in moved)


def test_combinations_the_rules_test_together_are_assessed(report):
    combined = {v.id for v in report.variations if v.kind == "combined"}
    assert {"flag:another_child_harmed+indicator:coercion", "flag:another_child_harmed+indicator:divergent-ages",
            "flag:another_child_harmed+setting:school", "indicator:frequency+setting:school"} <= combined


def test_step_changes_are_exactly_the_timescale_and_the_new_condition(report):
    same = [d for d in report.differences if d.old.classification == d.new.classification]
    atoms = {c for d in same for c in step_changes(d.old, d.new)}
    assert atoms == {("within", "strategy-meeting", "3 days", "2 working days"), ("added", "camhs-consultation", None)}
    for d in same:
        for c in step_changes(d.old, d.new):
            if c[1] == "camhs-consultation":
                assert d.new.threshold == "early-help"
            else:
                assert d.new.threshold == "child-protection"
    # Every child protection case now gives the new timescale.
    cp = [d for d in same if d.new.threshold == "child-protection"]
    assert cp and all(dict(d.new.steps)["strategy-meeting"] == "2 working days" for d in cp)
    # Behaviours only one version has are reported as data changes, not assessed.
    assert not {d.case.behaviour for d in report.differences} & {"9-13-need-privacy", "13-17-sharing-images-without-consent"}


def test_text_report_lists_the_outcome_change_in_plain_words(capsys):
    assert main(["diff", str(VERSIONS / "v1"), str(VERSIONS / "v2")]) == 0
    raw = capsys.readouterr().out
    assert raw.startswith("What changed in version 2\n")
    out = " ".join(raw.split())
    assert "threshold Child in need → Child protection; colour amber → red; category problematic → abusive" in out
    assert ("13-17 'taking and sending naked or sexually provocative images of self or others' at ages 14–17 "
            "on its own; with another child harmed;") in out
    assert "within 3 days → 2 working days" in out
    assert "now given" in out and "every case at threshold Early help with" in out
    assert "moved band: 5-9 'sourcing pornographic material online': band 5-9 → 9-13" in out


def test_markdown_page_for_the_site(tmp_path):
    page = tmp_path / "what-changed.md"
    assert main(["diff", str(VERSIONS / "v1"), str(VERSIONS / "v2"), "--markdown", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert text.startswith('---\ntitle: "What changed in version 2"\nrender_macros: false\n---\n\n# What changed in version 2\n')
    assert "### Colour, category or threshold changes (" in text
    assert ("- 13-17 'taking and sending naked or sexually provocative images of self or others' at ages 14–17 "
            "on its own; with another child harmed;") in text


def test_the_same_version_twice_changes_nothing(capsys):
    assert main(["diff", str(VERSIONS / "v1"), str(VERSIONS / "v1")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "0 changes to the data and pages." in out
    assert "0 give a different result" in out
    assert "Nothing: the data and the page text are the same." in out
    assert "None: every behaviour gets the same colour, category and threshold as before." in out


def test_git_revisions(tmp_path):
    """Versions named by git revision are unpacked with git archive."""
    repo = tmp_path / "repo"
    git = ["git", "-c", "user.name=Board", "-c", "user.email=board@example.org", "-c", "init.defaultBranch=main"]
    repo.mkdir()
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    for version in ("v1", "v2"):
        for part in ("data", "docs"):
            shutil.rmtree(repo / part, ignore_errors=True)
            shutil.copytree(VERSIONS / version / part, repo / part)
        # Forget the index's file stats: the copies keep the fixtures' times and sizes,
        # so git could otherwise take a changed file for an unchanged one.
        subprocess.run([*git, "rm", "-r", "-q", "--cached", "--ignore-unmatch", "data", "docs"], cwd=repo, check=True)
        subprocess.run([*git, "add", "data", "docs"], cwd=repo, check=True)
        subprocess.run([*git, "commit", "-q", "-m", version], cwd=repo, check=True)
    subprocess.run([*git, "tag", "v1", "HEAD~1"], cwd=repo, check=True)
    with open_tree("v1", cwd=repo) as old, open_tree("HEAD", cwd=repo) as new:
        assert old.label.startswith("git v1, ")
        report = diff(old, new)
        kept = old.root
    assert not kept.exists(), "the unpacked revision is removed afterwards"
    assert len(report.changes) == 11 and report.old_version == "1" and report.new_version == "2"
    # A fresh clone has no release/ folder and no tag: "1" is the last commit in which version 1 was in force.
    subprocess.run([*git, "tag", "-d", "v1"], cwd=repo, check=True, capture_output=True)
    with open_tree("1", cwd=repo) as old, open_tree(".", cwd=repo) as new:
        assert old.label.startswith("as committed in git, ") and new.label == "this project as it is now"
        assert diff(old, new).old_version == "1"
    with pytest.raises(ReviewError, match=r"Versions that can be compared: 1, 2 \(for example: make diff OLD=1\)"):
        open_tree("7", cwd=repo)


def test_a_version_that_cannot_be_found_says_so(tmp_path):
    with pytest.raises(ReviewError, match="'no-such-version' cannot be found: it is not a folder, a released "
                                          "version or a git revision. Versions that can be compared: 1"):
        open_tree("no-such-version", cwd=ROOT)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReviewError, match="has no data/ folder"):
        open_tree(str(tmp_path / "empty"))


def test_command_line_from_the_project_root():
    result = subprocess.run([sys.executable, "-m", "hsb_review", "diff", "tests/fixtures/versions/v1",
                             "tests/fixtures/versions/v2", "--json"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert '"new_version": "2"' in result.stdout
