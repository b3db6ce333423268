"""``data/retired.toml``: published ids that were removed or renamed, with why and what replaces them.

Staff save links to behaviours (Appendix 1 anchors) and the checker cites steps, rules
and timescales by id, so removing or renaming one is a breaking change. The release
refuses it unless this file records it; the Appendix keeps every retired behaviour's web
address, pointing to the replacement or saying there is none.

Standard library only; read by the site build (``retired_behaviours``) and by the
board's tools (``hsb_review``).
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from decision_aid import Protocol

FILE = "retired.toml"
NOTHING = "nothing"
# kind -> (the Protocol attribute holding entries of that kind, the field that is their id)
KINDS: dict[str, tuple[str, str]] = {
    "behaviour": ("behaviours", "id"), "section": ("sections", "anchor"), "step": ("steps", "id"),
    "rule": ("rules", "id"), "question": ("questions", "id"), "timescale": ("timescales", "id"),
    "contact": ("services", "id"), "link": ("links", "id"), "threshold": ("thresholds", "id"),
    "category": ("categories", "id"), "indicator": ("indicators", "id"), "setting": ("settings", "id"),
    "band": ("bands", "id"), "colour": ("colours", "id"),
}
FIELDS = ("kind", "id", "version", "reason", "replaced_by")


@dataclass(frozen=True)
class Retired:
    """One retired id: ``replaced_by`` is an id of the same kind, or "nothing"."""

    kind: str
    id: str
    version: str
    reason: str
    replaced_by: str
    line: int = 0


def ids(p: Protocol, kind: str) -> list[str]:
    attr, key = KINDS[kind]
    return [getattr(x, key) for x in getattr(p, attr)]


def _line(text: str, value: str) -> int:
    m = re.search(rf'^\s*id\s*=\s*"{re.escape(value)}"', text, re.M)
    return text.count("\n", 0, m.start()) + 1 if m else 0


def read(data_dir: Path) -> tuple[tuple[Retired, ...], list[str]]:
    """The entries of data/retired.toml and the problems in it (a missing file has no entries)."""
    path = data_dir / FILE
    if not path.is_file():
        return (), []
    text = path.read_text(encoding="utf-8")
    label = f"data/{FILE}"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return (), [f"{label}: the file cannot be read: {e}. Check that text is in \"double quotes\" and each "
                    "entry starts with [[retired]]."]
    problems: list[str] = []
    out = []
    for item in raw.get("retired", []):
        where = f"{label}, retired '{item.get('id', '?')}' (line {_line(text, str(item.get('id', '')))})"
        missing = [f for f in FIELDS if not isinstance(item.get(f), str) or not item[f].strip()]
        unknown = [k for k in item if k not in FIELDS]
        if missing or unknown:
            problems += [f"{where}: the field '{f}' is missing: add {f} = \"...\"." for f in missing]
            problems += [f"{where}: unknown field '{k}'; the fields are {', '.join(FIELDS)}." for k in unknown]
            continue
        if item["kind"] not in KINDS:
            problems.append(f"{where}: kind '{item['kind']}' is not one of {', '.join(KINDS)}.")
            continue
        out.append(Retired(**{f: item[f].strip() for f in FIELDS}, line=_line(text, item["id"])))
    problems += [f"{label}: unknown part '{k}'; each entry starts with [[retired]]." for k in raw if k != "retired"]
    return tuple(out), problems


def check(p: Protocol, entries: tuple[Retired, ...]) -> list[str]:
    """A retired id is not in use any more, and what replaces it exists."""
    problems = []
    for r in entries:
        where = f"data/{FILE}, retired {r.kind} '{r.id}' (line {r.line})"
        current = ids(p, r.kind)
        if r.id in current:
            problems.append(f"{where}: a {r.kind} with this id is still in the data, so it is not retired: remove "
                            "this entry, or the entry it names.")
        if r.replaced_by != NOTHING and r.replaced_by not in current:
            problems.append(f"{where}: replaced_by = \"{r.replaced_by}\" is not a {r.kind} in the data: give the id "
                            f"of the {r.kind} that replaces it, or replaced_by = \"{NOTHING}\".")
    return problems


def check_folder(p: Protocol, data_dir: Path) -> list[str]:
    entries, problems = read(data_dir)
    return problems + check(p, entries)


def retired_behaviours(p: Protocol, data_dir: Path | None = None) -> str:
    """The old web addresses of retired behaviours on Appendix 1, each pointing to its replacement or a notice."""
    folder = data_dir or Path(__file__).resolve().parent.parent / "data"
    entries = [r for r in read(folder)[0] if r.kind == "behaviour"]
    if not entries:
        return ""
    e = html.escape
    texts = {b.id: b for b in p.behaviours}
    items = []
    for r in entries:
        new = texts.get(r.replaced_by)
        instead = (f'Use instead: <a href="#{e(new.id)}">{e(new.band)} “{e(new.text)}”</a>.' if new
                   else "Nothing replaces it.")
        items.append(f'<li id="{e(r.id)}">The behaviour <code>{e(r.id)}</code> was removed in version '
                     f"{e(r.version)}: {e(r.reason)} {instead}</li>")
    return ('<div class="hsb-retired" markdown="0"><p><strong>Behaviours no longer in the tool.</strong> Links '
            "saved to these behaviours arrive here.</p><ul>" + "".join(items) + "</ul></div>\n")


PAGE_FUNCTIONS = {"retired_behaviours": retired_behaviours}
