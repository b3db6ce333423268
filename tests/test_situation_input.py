"""Bad input is refused with a message a professional can act on, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import decision_aid as da

OK = {"age": 11, "behaviours": ["9-13-sexual-harassment"]}


@pytest.mark.parametrize("situation,message", [
    ({**OK, "age": 19}, "under 18"),
    ({**OK, "age": 18}, "under 18"),
    ({**OK, "age": -1}, "under 18"),
    ({**OK, "age": "11"}, "whole number"),
    ({**OK, "age": True}, "whole number"),
    ({**OK, "age": 11.5}, "whole number"),
    ({"age": 11}, "at least one behaviour"),
    ({"age": 11, "behaviours": [], "indicators": []}, "at least one behaviour"),
    ({**OK, "behaviours": ["no-such-behaviour"]}, 'Unknown behaviour "no-such-behaviour"'),
    ({**OK, "behaviours": "9-13-sexual-harassment"}, "list of ids"),
    ({**OK, "indicators": ["violence"]}, 'Unknown indicator of harm "violence"'),
    ({**OK, "developmental_band": "9-12"}, 'Unknown developmental band "9-12"'),
    ({**OK, "setting": "nursery"}, 'Unknown setting "nursery"'),
    ({**OK, "police_involved": "yes"}, 'true (yes), false (no) or null (not sure), not "yes"'),
    ({**OK, "age": float("nan")}, "not NaN"),
    ({**OK, "age": float("inf")}, "not Infinity"),
    ({**OK, "behaviours": ["x" * 1_000_000]}, "Unknown behaviour"),
    ({**OK, "developmental_band": "13-17"}, "older than the child"),
    ({**OK, "behaviours": ["13-17-choosing-not-sexually-active"]}, "does not cover this child"),
    ({**OK, "name": "Sam"}, 'Unknown field "name"'),
    ({"behaviours": ["9-13-sexual-harassment"]}, "age"),
])
def test_bad_situations_are_refused_with_a_plain_message(situation, message):
    with pytest.raises(da.InvalidSituation, match=None) as err:
        da.assess(situation)
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)
    assert len(str(err.value)) < 1000, "a message never echoes unbounded input"


def test_a_float_age_with_no_fraction_is_accepted_as_browsers_send_it():
    assert da.assess({**OK, "age": 11.0}).to_dict() == da.assess(OK).to_dict()


def test_situation_dataclass_and_dict_give_the_same_result():
    assert da.assess(da.Situation(age=11, behaviours=("9-13-sexual-harassment",))).to_dict() == da.assess(OK).to_dict()


def test_public_interface():
    assert len(da.catalogue()) == 88
    assert {b.id for b in da.bands()} == {"0-5", "5-9", "9-13", "13-17"}
    assert len(da.indicators()) == 6
    with pytest.raises(da.InvalidSituation):
        da.bands_for_age(18)


def cli(*args):
    return subprocess.run([sys.executable, "-m", "decision_aid", *args], capture_output=True, text=True, timeout=60)


def test_command_line_prints_a_readable_assessment():
    out = cli("--age", "11", "--behaviour", "9-13-sexual-harassment", "--another-child-harmed", "--setting", "school")
    assert out.returncode == 0, out.stderr
    assert "Traffic light: Red" in out.stdout and "Threshold:     Child protection" in out.stdout
    assert "Within: 48 hours" in out.stdout and "A referral must include" in out.stdout


def test_command_line_json_is_the_same_as_to_dict():
    out = cli("--age", "11", "--behaviour", "9-13-sexual-harassment", "--json")
    assert json.loads(out.stdout) == da.assess(OK).to_dict()


def test_command_line_lists_behaviours_for_an_age():
    out = cli("behaviours", "--age", "9")
    assert out.returncode == 0
    assert "5-9-sourcing-pornographic-material-online" in out.stdout and "9-13-sexual-harassment" in out.stdout
    assert "0-5-" not in out.stdout


@pytest.mark.parametrize("args,message", [
    (("--age", "19", "--behaviour", "9-13-sexual-harassment"), "under 18"),
    (("--age", "11", "--behaviour", "nope"), 'Unknown behaviour "nope"'),
    (("behaviours", "--age", "30"), "under 18"),
])
def test_command_line_errors_are_one_line_and_exit_2(args, message):
    out = cli(*args)
    assert out.returncode == 2
    assert message in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_command_line_takes_yes_no_and_not_sure():
    base = ("--age", "11", "--behaviour", "9-13-sexual-harassment", "--json")
    yes, no, unsure = (json.loads(cli(*base, *extra).stdout) for extra in
                       (("--another-child-harmed",), ("--no-another-child-harmed",), ()))
    assert (yes["answers"]["another_child_harmed"], no["answers"]["another_child_harmed"]) == (True, False)
    # Left out, it is "not sure": harassment is done to another child, so it is taken as yes.
    assert unsure["answers"]["another_child_harmed"] is True and unsure["taken_as_yes"]
    assert no["threshold"] == "child-in-need" and yes["threshold"] == unsure["threshold"] == "child-protection"
