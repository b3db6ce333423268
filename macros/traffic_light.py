"""Appendix 1: the traffic light tool's descriptions and its behaviours, one table per band."""

from __future__ import annotations

from decision_aid import Protocol
from decision_aid.model import Band

from .render import render


def bands_by_age(p: Protocol) -> list[Band]:
    """The bands youngest first (by their ages, never by their names' spelling)."""
    return sorted(p.bands, key=lambda b: (b.min_age, b.max_age))


def traffic_light_intro(p: Protocol) -> str:
    """A jump to each age band; credit to Brook, which version this is, and how to read the overlapping bands."""
    return render("traffic_light_intro.md", tool=p.tool, bands=bands_by_age(p))


def traffic_light_colours(p: Protocol) -> str:
    """The description row of the tool: what each colour means, and Brook's response to it."""
    return render("traffic_light_colours.html", colours=p.colours)


def traffic_light_tables(p: Protocol) -> str:
    """Every behaviour in its band and colour, youngest band first; each row has the behaviour
    id as its anchor, and carries the board's everyday words for it as hidden text, so the
    site's search finds the row by them (screen readers do not read them twice)."""
    bands = [(band, [b for b in p.behaviours if b.band == band.id]) for band in bands_by_age(p)]
    colours = {c.id: c for c in p.colours}
    return render("traffic_light_tables.html", bands=bands, colours=colours)
