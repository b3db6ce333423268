"""One source for every fact: a timescale changed in data changes every page and the checker.

The prose of a section prints its timescales from data/timescales.toml (macros.prose);
where the page words a time its own way, the build compares the words with the data and
stops, naming both places and the fix.
"""

from __future__ import annotations

import html
import re
import sys
import tomllib
import zipfile
from pathlib import Path

from conftest import edit, run_mkdocs_build

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import decision_aid  # noqa: E402
from macros.prose import check_prose, durations, Duration  # noqa: E402


def text_of(page: Path) -> str:
    body = re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8"))
    return re.sub(r"\s+", " ", html.unescape(body))


def wheel_timescales(site: Path) -> dict[str, str]:
    """The timescales the checker in the browser runs with: data/timescales.toml inside its wheel."""
    wheel = next(site.glob("assets/checker/wheel/*/*.whl"))
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith("_data/timescales.toml"))
        data = tomllib.loads(z.read(name).decode("utf-8"))
    return {t["id"]: t["within"] for t in data["timescale"]}


def test_a_timescale_changed_in_data_changes_every_page_and_the_checker(project_copy, tmp_path):
    edit(project_copy, "data/timescales.toml", 'within = "3 days"', 'within = "2 working days"')
    site = tmp_path / "site"
    result = run_mkdocs_build(project_copy, site)
    assert result.returncode == 0, result.stdout + result.stderr
    section = text_of(site / "referral/social-care-responses/index.html")
    assert "convene a strategy meeting within 2 working days of receiving the referral" in section
    assert "within 3 days" not in section
    timescales = text_of(site / "timescales/index.html")
    assert re.search(r"CSSW convenes a strategy meeting .{0,120}2 working days", timescales)
    assert "3 days" not in timescales
    next_page = text_of(site / "what-happens-next/index.html")
    assert "2 working days" in next_page and "3 days" not in next_page
    assert wheel_timescales(site)["strategy-meeting"] == "2 working days"
    # The checker's own answer, from the data the site was built from.
    result = decision_aid.assess({"age": 11, "behaviours": ["9-13-sexual-harassment"], "another_child_harmed": True},
                                 data=decision_aid.load(project_copy / "data"))
    assert "2 working days" in [s.within for s in result.steps]


def test_page_words_that_disagree_with_the_data_stop_the_build(project_copy, tmp_path):
    edit(project_copy, "data/timescales.toml", 'within = "every 6 months"', 'within = "every 3 months"')
    result = run_mkdocs_build(project_copy, tmp_path / "site")
    assert result.returncode != 0
    out = result.stdout + result.stderr
    assert "docs/referral/social-care-responses.md (line" in out
    assert "'6 monthly'" in out and "within = \"every 3 months\"" in out and "child-in-need-plan-review" in out
    assert "Traceback" not in out
    assert not (tmp_path / "site" / "index.html").exists()


def test_a_time_typed_into_the_prose_is_refused_with_the_fix(project_copy):
    edit(project_copy, "docs/referral/social-care-responses.md",
         'within {{ timescale("strategy-meeting") }}', "within 2 days")
    problems = check_prose(decision_aid.load(project_copy / "data"), project_copy / "docs")
    assert any("section 8.3: '2 days' is written on the page" in p and "strategy-meeting" in p for p in problems)
    assert any("timescale 'strategy-meeting' is set in section 8.3" in p and 'timescale("strategy-meeting")' in p
               for p in problems)


def test_a_telephone_number_typed_into_the_prose_names_its_service(project_copy):
    edit(project_copy, "docs/other-services/camhs.md", '{{ contact("camhs", "telephone") }}', "020 7974 3370")
    problems = check_prose(decision_aid.load(project_copy / "data"), project_copy / "docs")
    assert problems == [p for p in problems if "020 7974 3370" in p]
    assert 'write {{ contact("camhs", "telephone") }} instead' in problems[0]


def test_the_review_period_is_one_fact(project_copy):
    edit(project_copy, "data/protocol.toml", "review_every_months = 12", "review_every_months = 24")
    problems = check_prose(decision_aid.load(project_copy / "data"), project_copy / "docs")
    assert any("review_every_months = 24" in p and "protocol-review" in p for p in problems)


def test_the_current_pages_agree_with_the_data():
    assert check_prose(decision_aid.load(ROOT / "data"), ROOT / "docs") == []


def test_durations_compare_numbers_and_units():
    assert durations("on a 6 monthly basis") == (Duration(6, "month"),)
    assert durations("every 6 months") == durations("6 monthly")
    assert durations("10 working days before release") != durations("10 days")


def test_a_time_limit_typed_into_a_section_with_no_timescale_is_refused(project_copy):
    edit(project_copy, "docs/other-services/schools.md", "{{ heading(\"12\") }}",
         "{{ heading(\"12\") }}\n\nSchools should inform the social worker within 5 working days.")
    problems = check_prose(decision_aid.load(project_copy / "data"), project_copy / "docs")
    assert len(problems) == 1 and "section 12: 'within 5 working days' is a timescale written on the page" in problems[0]
    assert 'sections = ["12"]' in problems[0]
