"""Appendix 1: the traffic light tool's descriptions and its behaviours, one table per band."""

from __future__ import annotations

from decision_aid import Protocol

from .render import render


def traffic_light_intro(p: Protocol) -> str:
    """Credit to Brook, which version this is, and how to read the overlapping bands."""
    return render("traffic_light_intro.md", tool=p.tool)


def traffic_light_colours(p: Protocol) -> str:
    """The description row of the tool: what each colour means, and Brook's response to it."""
    return render("traffic_light_colours.html", colours=p.colours)


def traffic_light_tables(p: Protocol) -> str:
    """Every behaviour in its band and colour; each row has the behaviour id as its anchor."""
    bands = [(band, [b for b in p.behaviours if b.band == band.id]) for band in p.bands]
    colours = {c.id: c for c in p.colours}
    return render("traffic_light_tables.html", bands=bands, colours=colours)
