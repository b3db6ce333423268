"""The board's publishing tools: what changed, what needs review, and the release.

Run from the project root::

    python -m hsb_review diff OLD NEW [--markdown]
    python -m hsb_review review [--check] [--json]
    python -m hsb_review release [--out release/]

This package is project tooling, not part of the ``decision_aid`` wheel: it reads the
protocol only through ``decision_aid.load`` and the page files under ``docs/``.
"""

from __future__ import annotations

__all__ = ["ReviewError"]


class ReviewError(Exception):
    """A problem the board must fix; the message says what, where and how, in plain words."""
