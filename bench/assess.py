"""Median time of one decision_aid.assess call on CPython (issue #3). Prints figures only."""

from __future__ import annotations

import statistics
import sys
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import decision_aid as da  # noqa: E402

SITUATIONS = {
    "one green behaviour": {"age": 4, "behaviours": ["0-5-games-mummies-daddies-doctors"]},
    "red, another child harmed, school": {"age": 11, "behaviours": ["9-13-sexual-harassment"],
                                          "another_child_harmed": True, "setting": "school"},
    "three behaviours, boundary age, all flags": {
        "age": 13, "behaviours": ["9-13-giving-out-contact-details", "13-17-sexual-harassment", "13-17-concern-body-image"],
        "indicators": ["coercion", "frequency"], "setting": "youth-justice",
        **{flag: True for flag in da.model.SITUATION_FLAGS}},
}


def main() -> None:
    da.protocol()  # load the data once, as the site and the browser do
    print(f"decision_aid.assess on Python {sys.version.split()[0]} (median of 7 runs of 2,000 calls)")
    for name, situation in SITUATIONS.items():
        runs = timeit.repeat(lambda: da.assess(situation), number=2000, repeat=7)
        print(f"  {name:<45} {statistics.median(runs) / 2000 * 1e6:8.1f} µs per call")
    loads = timeit.repeat(lambda: da.load(), number=5, repeat=5)
    print(f"  {'loading and validating data/ (once per process)':<45} {statistics.median(loads) / 5 * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
