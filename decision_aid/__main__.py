"""Command line: ``python -m decision_aid --age 11 --behaviour ID [...] [--json]``.

``python -m decision_aid behaviours --age 11`` lists the behaviours that apply, with ids.
Bad input prints one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from dataclasses import fields

from . import DataError, InvalidSituation, Situation, assess, bands_for_age, protocol


def _assess_parser() -> argparse.ArgumentParser:
    p = protocol()
    parser = argparse.ArgumentParser(prog="python -m decision_aid",
                                     description=f"{p.document.board}: {p.document.title}, decision aid. "
                                                 "Use 'python -m decision_aid behaviours --age N' to list behaviour ids.")
    parser.add_argument("--age", type=int, required=True, help="the child's age in whole years (0 to 17)")
    parser.add_argument("--behaviour", action="append", default=[], metavar="ID", help="a behaviour seen (repeatable)")
    parser.add_argument("--indicator", action="append", default=[], metavar="ID",
                        help="an indicator of harm (section 4): " + ", ".join(i.id for i in p.indicators))
    parser.add_argument("--developmental-band", metavar="BAND", help="assess against this age band instead: "
                        + ", ".join(b.id for b in p.bands))
    for q in p.questions:
        # --police-involved (yes), --no-police-involved (no); left out: not sure.
        parser.add_argument("--" + q.id.replace("_", "-"), action=argparse.BooleanOptionalAction, default=None,
                            help=q.question + " (leave out if not sure)")
    parser.add_argument("--setting", default=None, help="where you work (left out: not said): " + ", ".join(s.id for s in p.settings))
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def _print_readable(result) -> None:
    d = result.to_dict()
    wrap = lambda text, indent="   ": textwrap.fill(text, 88, initial_indent=indent, subsequent_indent=indent)
    if d["colour"]:
        print(f"Traffic light: {d['colour_label']} (age bands {', '.join(d['bands'])})")
        for b in d["behaviours"]:
            print(f"  - {b['text']}: {b['colour_label']} ({b['band']})")
    print(f"Category:      {d['category_label']}")
    print(f"Threshold:     {d['threshold_label']}")
    if d["possible_threshold"] != d["threshold"]:
        print(f"               {d['possible_threshold_label']} if an answer you are not sure of is yes")
    print("\nWhat to do next:")
    for n, step in enumerate(d["steps"], 1):
        within = f" Within: {step['within']}." if step["within"] else ""
        print(f"{n:>2}. {step['who']}: (section {', '.join(step['sections'])}){within}")
        print(wrap(step["action"], "    "))
        if step["interpretation"]:
            print(wrap(protocol().notes.interpretation.format(reason=step["interpretation"]), "    "))
        contact = step["contact"]
        if contact and (contact["telephone"] or contact["email"]):
            print(wrap(" ".join(x for x in (contact["name"], contact["telephone"], contact["email"]) if x), "    Contact: "))
    if d["referral_must_include"]:
        print("\nA referral must include (section 6.1):")
        for item in d["referral_must_include"]:
            print(f"  - {item}")
    if d["consent"]:
        print(f"\nConsent to share information (section {', '.join(d['consent']['sections'])}):")
        for text in (d["consent"]["text"], d["consent"]["always"], d["consent"]["note"]):
            if text:
                print(wrap(text))
    if d["unsure"]:
        print("\nYou were not sure:")
        for u in d["unsure"]:
            print(wrap(u["note"], "  - "))
    if d["notes"]:
        print("\nNotes:")
        for note in d["notes"]:
            print(wrap(note, "  - ").replace("  - ", "  - ", 1))
    print(f"\nProtocol version {d['protocol_version']}.")


def _list_behaviours(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m decision_aid behaviours")
    parser.add_argument("--age", type=int, help="only the behaviours for this age's band(s)")
    args = parser.parse_args(argv)
    p = protocol()
    bands = bands_for_age(args.age) if args.age is not None else [b.id for b in p.bands]
    for band in bands:
        print(f"{p.band(band).label}:")
        for b in (b for b in p.behaviours if b.band == band):
            print(f"  {b.id:<46} {p.colour(b.colour).label:<6} {b.text}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["behaviours"]:
            return _list_behaviours(argv[1:])
        args = _assess_parser().parse_args(argv)
        values = {f.name: getattr(args, f.name) for f in fields(Situation) if f.name in vars(args)}
        values.update(behaviours=args.behaviour, indicators=args.indicator)
        result = assess(Situation(**values))
    except (InvalidSituation, DataError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        _print_readable(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
