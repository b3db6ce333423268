"""The board's side of the routing on the site: its interpretations, the hazard log, and
the same-facts links on Appendix 1; and the hazard log's own integrity."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import decision_aid as da
from decision_aid.hazards import load_hazards
from decision_aid.loader import DataError

from conftest import ROOT, edit
from test_site import text_of

P = da.protocol()
HAZARDS = load_hazards()


def test_the_interpretations_page_lists_every_board_entry(built_site):
    page = text_of(built_site / "board" / "interpretations" / "index.html")
    board = [x for x in (*P.rules, *P.steps, *P.flags) if x.provenance.interpretation]
    assert board, "the data has board interpretations to list"
    for entry in board:
        assert entry.provenance.reason in page, getattr(entry, "id", None)
    for rule in (r for r in P.rules if r.provenance.interpretation):
        assert rule.id in page
    # Every item the board marked, behaviours and indicators alike.
    for marked in (*P.behaviours, *P.indicators):
        if marked.flags:
            assert marked.text in page, marked.id
    assert "Not sure" in page or "not sure" in page


def test_the_hazard_log_page_shows_every_hazard_with_its_control_and_tests(built_site):
    page = text_of(built_site / "board" / "hazard-log" / "index.html")
    for h in HAZARDS:
        assert f"{h.id}: {h.hazard}" in page
        assert h.control in page and h.effect in page
        for t in h.tests:
            assert t in page


def _defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")}


@pytest.mark.parametrize("hazard", HAZARDS, ids=lambda h: h.id)
def test_every_control_has_a_test_that_exists(hazard):
    """DCB0129: a hazard's control is only as good as the test that proves it."""
    assert hazard.status == "controlled"
    for ref in hazard.tests:
        file, name = ref.split("::")
        assert name in _defined_tests(ROOT / file), f"{hazard.id}: {ref} does not exist"


def test_the_nine_classes_of_the_review_and_over_referral_are_logged():
    assert [h.id for h in HAZARDS][:10] == [f"H{n}" for n in range(1, 11)]


def test_a_hazard_without_tests_is_refused(tmp_path):
    (tmp_path / "hazards.toml").write_text((ROOT / "data" / "hazards.toml").read_text(encoding="utf-8"), encoding="utf-8")
    edit(tmp_path, "hazards.toml", 'status = "controlled"', 'status = "fixed"')
    with pytest.raises(DataError, match="status 'fixed' must be one of controlled, open"):
        load_hazards(tmp_path)


def test_appendix_1_shows_the_same_facts_links(built_site):
    page = text_of(built_site / "appendix" / "traffic-light-tool" / "index.html")
    assert "Items that describe the same facts" in page
    for group in P.same_facts:
        assert group.reason in page
        for behaviour_id in group.behaviours:
            assert P.behaviour(behaviour_id).text in page


def test_what_happens_next_explains_not_sure_and_marks_interpretations(built_site):
    page = text_of(built_site / "what-happens-next" / "index.html")
    assert "No or not sure" in page and "never read as \"no\"" in page
    assert "The board's interpretation:" in page


def test_a_step_without_a_source_is_refused(project_copy):
    edit(project_copy / "data", "steps.toml", 'id = "strategy-meeting"', 'id = "strategy-meeting"')
    text = (project_copy / "data" / "steps.toml").read_text(encoding="utf-8")
    start = text.index('id = "strategy-meeting"')
    cut = text.index('source = "protocol"', start)
    (project_copy / "data" / "steps.toml").write_text(text[:cut] + text[cut + len('source = "protocol"\n'):], encoding="utf-8")
    with pytest.raises(DataError, match="step 'strategy-meeting'.*the field 'source' is missing"):
        da.load(project_copy / "data")


def test_a_board_rule_without_a_reason_is_refused(project_copy):
    text = (project_copy / "data" / "thresholds.toml").read_text(encoding="utf-8")
    start = text.index('id = "red-behaviour"\n')
    cut = text.index("reason = ", start)
    end = text.index("\n", cut) + 1
    (project_copy / "data" / "thresholds.toml").write_text(text[:cut] + text[end:], encoding="utf-8")
    with pytest.raises(DataError, match="rule 'red-behaviour'.*board's interpretation: add reason"):
        da.load(project_copy / "data")


def test_identical_wordings_in_overlapping_bands_must_be_linked(project_copy):
    text = (project_copy / "data" / "traffic_light.toml").read_text(encoding="utf-8")
    start = text.index('[[same_facts]]\nid = "sexual-harassment"')
    end = text.index("\n\n", start) + 2
    (project_copy / "data" / "traffic_light.toml").write_text(text[:start] + text[end:], encoding="utf-8")
    with pytest.raises(DataError, match="same words as '13-17-sexual-harassment'.*link them"):
        da.load(project_copy / "data")
