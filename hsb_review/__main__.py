"""Command line: ``python -m hsb_review diff|review|release`` from the project root."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from decision_aid import DataError

from . import ReviewError


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: write it as YYYY-MM-DD") from None


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m hsb_review",
        description="The board's publishing tools: what changed, what needs review, and the release.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    d = sub.add_parser("diff", help="what changed between two versions, and how the decision aid's outcomes change",
                       description="Compare two versions of the protocol. OLD and NEW are folders holding data/ and "
                                   "docs/ ('.' is this project as it is now) or git revisions (a tag such as v1, "
                                   "a branch, or a commit).")
    d.add_argument("old", metavar="OLD")
    d.add_argument("new", metavar="NEW", nargs="?", default=".",
                   help="default: '.', the project as it is now")
    d.add_argument("--markdown", nargs="?", const="-", metavar="FILE",
                   help="write the report as Markdown for the site (to FILE, or to the screen); saved as "
                        "data/changes/N.md it is shown on the Version history page with version N")
    d.add_argument("--json", action="store_true", help="print the changes as JSON, for tools")

    r = sub.add_parser("review", help="the report to read before a review meeting",
                       description="What the board should check at its review: the review date, external links, "
                                   "dated legislation and guidance, numbering anomalies, abbreviations with no "
                                   "glossary entry, and sections the decision aid never refers to.")
    r.add_argument("--check", action="store_true", help="try every external link (needs a network)")
    r.add_argument("--json", action="store_true", help="print the report as JSON, for tools")
    r.add_argument("--root", default=".", help="the project folder (default: '.')")
    r.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)

    rel = sub.add_parser("release", help="build and check everything, then write the PDF and the site archive",
                         description="Build the site strictly, run the checks, print the whole protocol to one PDF "
                                     "and pack the site for any static web host. Nothing is written unless every "
                                     "step succeeds.")
    rel.add_argument("--out", default="release", help="the release folder (default: release/)")
    rel.add_argument("--root", default=".", help="the project folder (default: '.')")
    rel.add_argument("--replace", action="store_true",
                     help="replace the files of a version already released (only before it is published)")
    rel.add_argument("--today", type=_date, default=None, help=argparse.SUPPRESS)
    return p


def _diff(args: argparse.Namespace) -> int:
    from .diff import diff
    from .diff_report import report_block
    from .document import render_markdown, render_text
    from .tree import open_tree

    with open_tree(args.old) as old, open_tree(args.new) as new:
        report = diff(old, new)
    if args.json:
        print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        return 0
    block = report_block(report, for_site=bool(args.markdown))
    if args.markdown:
        text = render_markdown(block, front_matter={"title": json.dumps(block.title), "render_macros": "false"})
        if args.markdown == "-":
            sys.stdout.write(text)
        else:
            Path(args.markdown).parent.mkdir(parents=True, exist_ok=True)
            Path(args.markdown).write_text(text, encoding="utf-8")
            print(f"Wrote {args.markdown}")
        return 0
    sys.stdout.write(render_text(block))
    return 0


def report_json(report) -> dict:
    from .outcomes import step_changes
    return {
        "old": report.old, "new": report.new,
        "old_version": report.old_version, "new_version": report.new_version,
        "breaking": [g.__dict__ for g in report.gone],
        "unreachable": report.unreachable,
        "changes": [c.__dict__ for c in report.changes],
        "cases": report.cases,
        "outcome_differences": [
            {"behaviour": d.case.behaviour, "age": d.case.age,
             "variation": {"kind": d.case.variation.kind, "id": d.case.variation.id},
             "old": {"colour": d.old.colour, "category": d.old.category, "threshold": d.old.threshold,
                     "steps": [list(s) for s in d.old.steps]},
             "new": {"colour": d.new.colour, "category": d.new.category, "threshold": d.new.threshold,
                     "steps": [list(s) for s in d.new.steps]},
             "step_changes": [list(c) for c in step_changes(d.old, d.new)]}
            for d in report.differences],
    }


def _review(args: argparse.Namespace) -> int:
    from .review import review
    from .review_report import review_block, review_json
    from .document import render_text

    result = review(Path(args.root), today=args.today or date.today(), check=args.check)
    if args.json:
        print(json.dumps(review_json(result), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(render_text(review_block(result)))
    return 1 if result.data_problems else 0


def _release(args: argparse.Namespace) -> int:
    from .release import release

    release(Path(args.root), Path(args.out), today=args.today or date.today(), replace=args.replace,
            say=lambda m: print(m, flush=True))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"diff": _diff, "review": _review, "release": _release}[args.command](args)
    except DataError as e:
        print(f"{e}\nNothing was published. Fix the data and run the command again.", file=sys.stderr)
        return 1
    except ReviewError as e:
        print(f"{e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
