"""A version of the protocol to look at: a folder holding ``data/`` and ``docs/``.

A version is named either by a folder (``tests/fixtures/versions/v1``, ``.``) or by a
git revision (``v1``, ``main~3``, a commit id), which is unpacked with ``git archive``
into a temporary folder. The page text is read from ``docs/`` and split into the
protocol's sections at each ``{{ heading("...") }}`` call.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import decision_aid
from decision_aid.model import Protocol, Section

from macros.sections import HEADING_CALL  # the pattern the site build checks pages with

from . import ReviewError

MACRO = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
URL = re.compile(r"""https?://[^\s<>"'\)\]]+""")


@dataclass
class Tree:
    """One version: ``root`` holds ``data/`` and ``docs/``; ``label`` names it for people."""

    root: Path
    label: str
    _cleanup: Path | None = field(default=None, repr=False)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @cached_property
    def protocol(self) -> Protocol:
        """The version's data, checked by the one loader (raises ``decision_aid.DataError``)."""
        return decision_aid.load(self.data)

    @cached_property
    def pages(self) -> dict[str, str]:
        """Every Markdown page under docs/, by its path relative to docs/."""
        if not self.docs.is_dir():
            return {}
        return {p.relative_to(self.docs).as_posix(): p.read_text(encoding="utf-8")
                for p in sorted(self.docs.rglob("*.md"))}

    @cached_property
    def section_text(self) -> dict[str, str]:
        """The page text of each section (by anchor), as readers see it: macros and markup removed.

        Text between two ``heading()`` calls belongs to the first; text on a page before
        its first heading is keyed ``page:<path>``.
        """
        out: dict[str, str] = {}
        for page, text in self.pages.items():
            for key, body in split_sections(self.protocol, page, text):
                out[key] = out.get(key, "") + " " + body
        return {k: normalise(v) for k, v in out.items()}

    def close(self) -> None:
        if self._cleanup is not None:
            shutil.rmtree(self._cleanup, ignore_errors=True)
            self._cleanup = None

    def __enter__(self) -> "Tree":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def section_key(protocol: Protocol, ref: str) -> str | None:
    """The anchor of the section a heading() call names, or None if it names none."""
    matches = [s for s in protocol.sections if ref == s.anchor] or [s for s in protocol.sections if ref == s.number]
    return matches[0].anchor if len(matches) == 1 else None


def split_sections(protocol: Protocol, page: str, text: str) -> list[tuple[str, str]]:
    """(section anchor, raw text) for each part of one page."""
    text = FRONT_MATTER.sub("", text)
    parts: list[tuple[str, str]] = []
    key = f"page:{page}"
    pos = 0
    for m in HEADING_CALL.finditer(text):
        parts.append((key, text[pos:m.start()]))
        key = section_key(protocol, m.group(1)) or f"unknown-heading:{m.group(1)}"
        pos = m.end()
    parts.append((key, text[pos:]))
    return [(k, body) for k, body in parts if body.strip() or not k.startswith("page:")]


def readable_text(markdown: str) -> str:
    """Page Markdown as a reader sees the words: macro calls, links and markup reduced to text."""
    text = FRONT_MATTER.sub("", markdown)
    text = MACRO.sub(" ", text)
    text = re.sub(r"<[^>]+>", " ", text)                      # HTML tags
    text = re.sub(r"!!!\s*\w+(\s+\"[^\"]*\")?", " ", text)    # admonition markers (keep their title words out)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)       # [words](link) -> words
    text = re.sub(r"\{[#.][^}]*\}", " ", text)                 # attribute lists
    text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", " ", text, flags=re.M)  # list markers
    text = re.sub(r"[*_`#>|]", " ", text)
    return text


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", readable_text(text)).strip()


def section_name(protocol: Protocol, key: str) -> str:
    """'8.3 Child protection response' for an anchor; the page for a page's opening text."""
    if key.startswith("page:"):
        return f"the opening text of docs/{key[5:]}"
    if key.startswith("unknown-heading:"):
        return f"a heading for unknown section '{key.split(':', 1)[1]}'"
    for s in protocol.sections:
        if s.anchor == key:
            return describe_section(s)
    return key


def describe_section(s: Section) -> str:
    return f"{s.number} {s.title}"


# -- naming a version --------------------------------------------------------------

def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True)


def open_tree(spec: str, cwd: Path | None = None) -> Tree:
    """A folder holding data/ and docs/, a release folder (release/versions/1), or a git revision."""
    cwd = Path(cwd or Path.cwd())
    folder = (cwd / spec) if not Path(spec).is_absolute() else Path(spec)
    if folder.is_dir():
        sources = sorted(folder.glob("hsb-protocol-v*-source.zip"))
        if not (folder / "data").is_dir() and sources:
            # A release folder (release/versions/<n>/): unpack the data and pages it was made from.
            tmp = Path(tempfile.mkdtemp(prefix="hsb-version-"))
            with zipfile.ZipFile(sources[-1]) as z:
                z.extractall(tmp)
            return Tree(tmp, f"as released, from {spec}", _cleanup=tmp)
        if not (folder / "data").is_dir():
            raise ReviewError(f"'{spec}' is a folder but has no data/ folder inside it: give the folder that "
                              "holds data/ and docs/ (for example '.' for this project), or a release folder "
                              "such as release/versions/1.")
        here = folder.resolve() == cwd.resolve()
        return Tree(folder.resolve(), "this project as it is now" if here else f"the folder {spec}")
    number = re.fullmatch(r"(?:v|version\s*)?(\d+)", spec.strip(), re.I)
    if number and (cwd / "release" / "versions" / number.group(1)).is_dir():
        return open_tree(str(cwd / "release" / "versions" / number.group(1)), cwd)
    found = _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], cwd)
    if found.returncode != 0 and number:
        commit = version_commit(number.group(1), cwd)
        if commit:
            return _from_git(commit, f"as committed in git, {commit[:8]}", cwd)
    if found.returncode != 0:
        raise ReviewError(f"'{spec}' cannot be found: it is not a folder, a released version or a git revision. "
                          + comparable(cwd))
    commit = found.stdout.decode().strip()
    return _from_git(commit, f"git {spec}, {commit[:8]}" if spec != commit else f"git {commit[:8]}", cwd)


def _version_of(commit: str, cwd: Path) -> str | None:
    """The version in force in data/protocol.toml at ``commit``."""
    shown = _git(["show", f"{commit}:data/protocol.toml"], cwd)
    if shown.returncode != 0:
        return None
    try:
        versions = tomllib.loads(shown.stdout.decode("utf-8")).get("version", [])
        return str(versions[-1]["number"])
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, LookupError, TypeError):
        return None


def version_commit(number: str, cwd: Path) -> str | None:
    """The git commit version ``number`` is compared from: the ``commit`` recorded for it in
    data/protocol.toml, or else the last commit in which it was the version in force."""
    try:
        recorded = tomllib.loads((cwd / "data" / "protocol.toml").read_text(encoding="utf-8")).get("version", [])
    except (OSError, tomllib.TOMLDecodeError):
        recorded = []
    for v in recorded:
        if str(v.get("number")) == number and v.get("commit"):
            found = _git(["rev-parse", "--verify", "--quiet", f"{v['commit']}^{{commit}}"], cwd)
            if found.returncode == 0:
                return found.stdout.decode().strip()
    log = _git(["log", "--format=%H", "-n", "500", "HEAD"], cwd)   # newest first
    for commit in log.stdout.decode().split() if log.returncode == 0 else []:
        if _version_of(commit, cwd) == number:
            return commit   # the last commit in which it was the version in force
    return None


def comparable(cwd: Path) -> str:
    """What can be compared, for a message when a version is not found."""
    releases = sorted(p.name for p in (cwd / "release" / "versions").glob("*") if p.is_dir()) \
        if (cwd / "release" / "versions").is_dir() else []
    try:
        numbers = [str(v.get("number")) for v in
                   tomllib.loads((cwd / "data" / "protocol.toml").read_text(encoding="utf-8")).get("version", [])]
    except (OSError, tomllib.TOMLDecodeError):
        numbers = []
    in_git = [n for n in numbers if version_commit(n, cwd)]
    tags = _git(["tag", "--list"], cwd).stdout.decode().split()
    parts = []
    if in_git or releases:
        parts.append("Versions that can be compared: " + ", ".join(sorted(set(in_git) | set(releases))) +
                     f" (for example: make diff OLD={(releases or in_git)[0]}).")
    if tags:
        parts.append("Git tags: " + ", ".join(tags) + ".")
    parts.append("A folder holding data/ and docs/ ('.' is this project) or a git commit id also work.")
    return " ".join(parts)


def _from_git(commit: str, label: str, cwd: Path) -> Tree:
    tmp = Path(tempfile.mkdtemp(prefix="hsb-version-"))
    for part in ("data", "docs"):
        archive = _git(["archive", "--format=tar", commit, part], cwd)
        if archive.returncode != 0:
            if part == "data":
                shutil.rmtree(tmp, ignore_errors=True)
                raise ReviewError(f"{label} has no data/ folder, so it holds no version of the protocol.")
            continue  # no pages in that revision: compare the data alone
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
    return Tree(tmp, label, _cleanup=tmp)
