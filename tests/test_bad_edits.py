"""Every mistake a board member can plausibly make stops the release with a plain message,
and nothing is written to the release folder.

Each test breaks a throw-away copy of the project the way a person editing by hand
would, runs ``python -m hsb_review release`` from that copy as the board does, and
checks the message names the file, the place and the fix, and that release/ is
untouched. The data is TOML, not YAML: indentation and tabs mean nothing to it, so the
"indentation" mistakes are the TOML ones people actually make (a missing quote, a
missing '=', an entry begun with [single] brackets).
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # hsb_review is run from the project root, not installed

import decision_aid  # noqa: E402
from conftest import edit  # noqa: E402
from hsb_review.release import MANIFEST, protocol_files  # noqa: E402


def line_of(project: Path, name: str, text: str) -> int:
    return (project / name).read_text(encoding="utf-8").split(text)[0].count("\n") + 1


def snapshot(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def release_fails(project: Path) -> str:
    """Run the release as the board does; it must fail, say so, and leave release/ as it was."""
    out = project / "release"
    # The board has given the site's address (the release refuses without one): these
    # tests are about the mistake made, not about that.
    config = project / "mkdocs.yml"
    if "site_url:" not in config.read_text(encoding="utf-8"):
        config.write_text("site_url: https://hsb-protocol.example.org/\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    before = snapshot(out)
    existed = out.exists()
    result = subprocess.run([sys.executable, "-m", "hsb_review", "release"], cwd=project,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Nothing was released: {out} was not changed." in result.stderr
    assert "Traceback" not in result.stderr
    assert out.exists() == existed and snapshot(out) == before, "the release folder was changed"
    return result.stderr


def test_missing_closing_quote(project_copy):
    line = line_of(project_copy, "data/traffic_light.toml", 'text = "enjoying nakedness"')
    edit(project_copy, "data/traffic_light.toml", 'text = "enjoying nakedness"', 'text = "enjoying nakedness')
    message = release_fails(project_copy)
    assert f"data/traffic_light.toml: the file cannot be read: Illegal character '\\n' (at line {line}" in message
    assert 'A piece of text is missing its closing "' in message


def test_missing_equals_sign(project_copy):
    old = 'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "red"'
    line = line_of(project_copy, "data/traffic_light.toml", old) + 2
    edit(project_copy, "data/traffic_light.toml", old, 'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour "red"')
    message = release_fails(project_copy)
    assert f"data/traffic_light.toml: the file cannot be read: Expected '=' after a key in a key/value pair (at line {line}" in message
    assert "each line is key = value" in message


def test_entry_with_single_brackets(project_copy):
    old = '[[behaviour]]\nid = "0-5-enjoying-nakedness"'
    line = line_of(project_copy, "data/traffic_light.toml", old)
    edit(project_copy, "data/traffic_light.toml", old, '[behaviour]\nid = "0-5-enjoying-nakedness"')
    message = release_fails(project_copy)
    assert f"Line {line} starts an entry with [behaviour]: write [[behaviour]], in double brackets" in message


def test_tabs_are_not_a_mistake(tmp_path):
    """Tabs are legal in TOML: a board member indenting with the tab key breaks nothing."""
    import shutil
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    edit(tmp_path, "data/traffic_light.toml", 'id = "0-5-enjoying-nakedness"\nband = "0-5"',
         '\tid = "0-5-enjoying-nakedness"\n\tband\t= "0-5"')
    assert len(decision_aid.load(data).behaviours) == 88


def test_misspelt_colour(project_copy):
    edit(project_copy, "data/traffic_light.toml", 'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "red"',
         'id = "13-17-sexual-harassment"\nband = "13-17"\ncolour = "rad"')
    line = line_of(project_copy, "data/traffic_light.toml", 'id = "13-17-sexual-harassment"')
    message = release_fails(project_copy)
    assert (f"data/traffic_light.toml, behaviour '13-17-sexual-harassment' (line {line}): "
            "colour 'rad' is not one of green, amber, red.") in message


def test_misspelt_band(project_copy):
    edit(project_copy, "data/traffic_light.toml", 'id = "13-17-sexual-harassment"\nband = "13-17"',
         'id = "13-17-sexual-harassment"\nband = "13-18"')
    message = release_fails(project_copy)
    assert "behaviour '13-17-sexual-harassment'" in message
    assert "band '13-18' is not one of 0-5, 5-9, 9-13, 13-17." in message


def test_behaviour_id_used_twice(project_copy):
    edit(project_copy, "data/traffic_light.toml", 'id = "13-17-sexual-harassment"',
         'id = "13-17-sexual-activity-family-members"')
    message = release_fails(project_copy)
    assert ("the id '13-17-sexual-activity-family-members' is used twice; each behaviour needs its own id."
            in message)


def test_step_citing_a_section_that_does_not_exist(project_copy):
    edit(project_copy, "data/steps.toml", 'sections = ["8.1"]', 'sections = ["8.6"]')
    line = line_of(project_copy, "data/steps.toml", 'id = "early-help-service"')
    message = release_fails(project_copy)
    assert (f"data/steps.toml, step 'early-help-service' (line {line}): cites section '8.6', which does not exist. "
            "Sections are listed in data/sections.toml.") in message


def test_no_version_entry_at_all(project_copy):
    text = (project_copy / "data/protocol.toml").read_text(encoding="utf-8")
    start = text.index("\n[[version]]\nnumber")
    (project_copy / "data/protocol.toml").write_text(text[:start] + "\n", encoding="utf-8")
    message = release_fails(project_copy)
    assert "data/protocol.toml: no [[version]] entries found: add at least one." in message


def test_protocol_changed_without_a_new_version_entry(project_copy):
    """Version 1 was released; the board corrects a behaviour but forgets the version entry."""
    p = decision_aid.load(project_copy / "data")
    released = project_copy / "release" / "versions" / "1"
    released.mkdir(parents=True)
    (released / MANIFEST).write_text(json.dumps({"version": "1", "released": "2018-04-01",
                                                 "protocol_files": protocol_files(project_copy, p)}), encoding="utf-8")
    (released / "hsb-protocol-v1.pdf").write_bytes(b"%PDF-1.4 stand-in for the published PDF")
    edit(project_copy, "data/traffic_light.toml", "sexual bullying fact to face", "sexual bullying face to face")
    message = release_fails(project_copy)
    assert ("data/protocol.toml: the protocol has changed since version 1 was released on 2018-04-01 "
            "(changed: data/traffic_light.toml), but there is no new [[version]] entry.") in message
    assert '    number = "2"' in message
    assert "run the release again with --replace" in message


def test_approved_after_implemented(project_copy):
    edit(project_copy, "data/protocol.toml", 'implemented = "2018-04"', 'approved = "2018-05-10"\nimplemented = "2018-04"')
    line = line_of(project_copy, "data/protocol.toml", '\nnumber = "1"') + 1
    message = release_fails(project_copy)
    assert (f"data/protocol.toml, version '1' (line {line}): approved 2018-05-10 is after implemented 2018-04; "
            "a version is approved first.") in message


def test_implemented_date_that_is_not_a_date(project_copy):
    edit(project_copy, "data/protocol.toml", 'implemented = "2018-04"', 'implemented = "April 2018"')
    message = release_fails(project_copy)
    assert "implemented 'April 2018' is not a date: write it as YYYY-MM-DD (or YYYY-MM)." in message


def _heading_page(project: Path) -> tuple[str, str]:
    p = decision_aid.load(project / "data")
    section = next(s for s in p.sections if s.number == "8.3")
    return f"docs/{section.page}", section.anchor


def test_page_heading_renumbered(project_copy):
    """A board member renumbers 8.3 on its page: links to #8-3-... would break, so the build stops."""
    page, anchor = _heading_page(project_copy)
    edit(project_copy, page, '{{ heading("8.3") }}', '{{ heading("8.6") }}')
    message = release_fails(project_copy)
    assert "The site build failed (mkdocs build --strict)" in message
    assert "heading(\"8.6\")" in message and "8.6" in message
    assert f"{page}: the heading of section 8.3" in message


def test_page_heading_typed_by_hand(project_copy):
    """The heading macro replaced by a hand-typed heading with another number."""
    page, anchor = _heading_page(project_copy)
    edit(project_copy, page, '{{ heading("8.3") }}', "## 8.4 Child protection response")
    message = release_fails(project_copy)
    assert f"{page}: the heading of section 8.3 'Child protection response' is missing or misplaced" in message
