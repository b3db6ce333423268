"""A board member's mistakes in data/ are reported plainly, and nothing is published."""

from __future__ import annotations

from pathlib import Path

import pytest

import decision_aid as da

from conftest import ROOT, edit, problems, run_mkdocs_build


def test_the_real_data_is_valid():
    assert len(da.load(ROOT / "data").behaviours) == 88


def test_syntax_error_names_the_file_and_line(data):
    edit(data, "traffic_light.toml", 'id = "9-13-sexual-harassment"', 'id = "9-13-sexual-harassment')
    message = problems(data)
    assert "data/traffic_light.toml: the file cannot be read" in message
    assert "line" in message and "closing" in message


def test_misspelt_colour(data):
    edit(data, "traffic_light.toml", 'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "red"',
         'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "rad"')
    message = problems(data)
    assert "data/traffic_light.toml, behaviour '13-17-sexual-harassment' (line" in message
    assert "colour 'rad' is not one of green, amber, red" in message



def test_an_unknown_flag_on_an_indicator_is_refused(data):
    edit(data, "harm.toml", 'flags = ["towards-another-child"]', 'flags = ["towards-another-kid"]')
    message = problems(data)
    assert "indicator 'divergent-ages'" in message and "flag 'towards-another-kid' is not one of" in message

def test_misspelt_band(data):
    edit(data, "traffic_light.toml", 'id = "9-13-need-privacy"\nband = "9-13"', 'id = "9-13-need-privacy"\nband = "9-12"')
    assert "behaviour '9-13-need-privacy'" in (m := problems(data)) and "band '9-12' is not one of 0-5, 5-9, 9-13, 13-17" in m


def test_duplicate_behaviour_id(data):
    edit(data, "traffic_light.toml", 'id = "9-13-need-privacy"', 'id = "9-13-solitary-masturbation"')
    assert "the id '9-13-solitary-masturbation' is used twice" in problems(data)


def test_missing_field(data):
    edit(data, "traffic_light.toml", 'id = "9-13-need-privacy"\nband = "9-13"\n', 'id = "9-13-need-privacy"\n')
    assert "behaviour '9-13-need-privacy'" in (m := problems(data)) and "the field 'band' is missing" in m


def test_misspelt_field_suggests_the_right_one(data):
    edit(data, "traffic_light.toml", 'id = "9-13-need-privacy"\nband = "9-13"\ncolour', 'id = "9-13-need-privacy"\nband = "9-13"\ncolur')
    assert "unknown field 'colur': did you mean 'colour'?" in problems(data)


def test_step_citing_a_section_that_does_not_exist(data):
    edit(data, "steps.toml", 'sections = ["8.4"]', 'sections = ["8.6"]')
    message = problems(data)
    assert "data/steps.toml, step 'child-sexual-exploitation' (line" in message
    assert "cites section '8.6', which does not exist" in message


def test_ambiguous_section_number(data):
    edit(data, "steps.toml", 'sections = ["15-working-with-parents"]', 'sections = ["15"]')
    assert "more than one section is numbered 15" in problems(data)


def test_unknown_timescale_in_a_step(data):
    edit(data, "steps.toml", 'timescale = "strategy-meeting"', 'timescale = "strategy-meetings"')
    assert "timescale 'strategy-meetings' is not one of" in problems(data)


def test_a_headline_step_needs_a_time_limit(data):
    edit(data, "steps.toml", 'timescale = "urgent-child-protection-referral"\nheadline = true\nsections = ["6.1"]',
         'headline = true\nsections = ["6.1"]')
    message = problems(data)
    assert "data/steps.toml, step 'urgent-child-protection-referral' (line" in message
    assert "headline = true needs a timescale" in message


def test_missing_version_entry(data):
    text = (data / "protocol.toml").read_text(encoding="utf-8")
    (data / "protocol.toml").write_text(text[:text.index("[[version]]\nnumber")], encoding="utf-8")
    assert "no [[version]] entries found" in problems(data)


def test_approved_after_implemented(data):
    edit(data, "protocol.toml", 'implemented = "2018-04"', 'approved = "2018-06-01"\nimplemented = "2018-04"')
    assert "approved 2018-06-01 is after implemented 2018-04" in problems(data)


def test_not_a_date(data):
    edit(data, "protocol.toml", 'implemented = "2018-04"', 'implemented = "April 2018"')
    assert "implemented 'April 2018' is not a date" in problems(data)


def test_a_new_colour_needs_a_rule(data):
    edit(data, "traffic_light.toml", "# ---- Age bands", '[[colour]]\nid = "orange"\nlabel = "Orange"\ndescription = "x"\n'
         'response = "y"\nbackground = "#ffe0b2"\ntext = "#5c3a00"\n\n# ---- Age bands')
    assert "no rule in data/thresholds.toml says what a orange behaviour means" in problems(data)


def test_colour_contrast_below_wcag_aa(data):
    edit(data, "traffic_light.toml", 'text = "#5c3a00"', 'text = "#ffc107"')
    assert "must be at least 4.5:1" in problems(data)


def test_consent_must_cover_every_age(data):
    edit(data, "sharing.toml", "min_age = 12\nmax_age = 15", "min_age = 13\nmax_age = 15")
    assert "age 12 is covered by 0 consent entries" in problems(data)


def test_every_problem_is_reported_at_once(data):
    edit(data, "traffic_light.toml", 'colour = "red"', 'colour = "rad"', count=2)
    edit(data, "steps.toml", 'sections = ["8.4"]', 'sections = ["8.6"]')
    assert problems(data).count("\n- ") >= 3


def test_a_later_version_of_the_tool_can_be_adopted_by_editing_data_alone(data):
    """Five bands and an 'orange' colour: no code change needed (issue #2)."""
    edit(data, "traffic_light.toml", 'id = "amber"\nlabel = "Amber"', 'id = "orange"\nlabel = "Orange"')
    text = (data / "traffic_light.toml").read_text(encoding="utf-8").replace('colour = "amber"', 'colour = "orange"')
    text = text.replace('[[band]]\nid = "13-17"\nlabel = "13 to 17 years"\nmin_age = 13\nmax_age = 17',
                        '[[band]]\nid = "13-15"\nlabel = "13 to 15 years"\nmin_age = 13\nmax_age = 15\n\n'
                        '[[band]]\nid = "16-17"\nlabel = "16 to 17 years"\nmin_age = 16\nmax_age = 17')
    text = text.replace('band = "13-17"', 'band = "13-15"').replace('id = "13-17-', 'id = "13-15-')
    text = text.replace('"13-17-', '"13-15-')   # the same-facts links name the renamed items too
    (data / "traffic_light.toml").write_text(text, encoding="utf-8")
    edit(data, "thresholds.toml", 'when = { colour = "amber" }', 'when = { colour = "orange" }')
    protocol = da.load(data)
    assert [b.id for b in protocol.bands][-2:] == ["13-15", "16-17"]
    result = da.assess({"age": 14, "behaviours": ["13-15-concern-body-image"]}, data=protocol)
    assert (result.colour, result.colour_label, result.threshold) == ("orange", "Orange", "child-in-need")


# -- the site build refuses bad data and leaves the published site alone ---------------

BAD_EDITS = {
    "syntax error": ("traffic_light.toml", 'id = "9-13-sexual-harassment"', 'id = "9-13-sexual-harassment',
                     "data/traffic_light.toml: the file cannot be read"),
    "unknown colour": ("traffic_light.toml", 'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "red"',
                       'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "rad"',
                       "behaviour '13-17-sexual-harassment' (line"),
    "duplicate id": ("traffic_light.toml", 'id = "9-13-need-privacy"', 'id = "9-13-solitary-masturbation"',
                     "the id '9-13-solitary-masturbation' is used twice"),
    "missing field": ("steps.toml", 'who = "First Stop Early Help team manager"\n', "",
                      "step 'early-help-service' (line"),
    "dangling section reference": ("steps.toml", 'sections = ["8.4"]', 'sections = ["8.6"]',
                                   "cites section '8.6', which does not exist"),
}


@pytest.mark.parametrize("kind", BAD_EDITS)
def test_bad_data_stops_the_build_and_leaves_the_old_site(project_copy, kind):
    file, old, new, message = BAD_EDITS[kind]
    site = project_copy / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    edit(project_copy / "data", file, old, new)
    result = run_mkdocs_build(project_copy, site)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert message in output and "Nothing was published" in output
    assert "Traceback" not in output
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert not (project_copy / "site.building").exists()


def test_a_renumbered_heading_stops_the_build(project_copy):
    page = project_copy / "docs" / "referral" / "social-care-responses.md"
    page.write_text(page.read_text(encoding="utf-8").replace('heading("8.3")', 'heading("8.6")'), encoding="utf-8")
    result = run_mkdocs_build(project_copy, project_copy / "site")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "there is no section '8.6'" in output
    assert "the heading of section 8.3 'Child protection response' is missing" in output
    assert not (project_copy / "site").exists()


def test_a_broken_link_in_a_page_fails_the_strict_build(project_copy):
    page = project_copy / "docs" / "timescales.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nSee [the missing page](no-such-page.md).\n", encoding="utf-8")
    result = run_mkdocs_build(project_copy, project_copy / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stdout + result.stderr
    assert not (project_copy / "site").exists()
