"""Shared fixtures: the project's paths and one strict build of the site per test run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
SITE_URL = "https://hsb-protocol.example.org/"   # a test address: the real one is the board's to give


def run_mkdocs_build(project: Path, site_dir: Path) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site_dir``, as a board member would run it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([*MKDOCS, "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)],
                          cwd=project, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built once from the working tree (strict), shared by every test."""
    site = tmp_path_factory.mktemp("built") / "site"
    result = run_mkdocs_build(ROOT, site)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return site


def copy_project(copy: Path) -> Path:
    """Copy the project (data, docs, config, code) to ``copy``; node_modules is linked, not copied."""
    ignore = shutil.ignore_patterns(".venv", "node_modules", "site", "site.*", ".git", ".cache", "release",
                                    "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info", "build", "dist")
    shutil.copytree(ROOT, copy, ignore=ignore)
    if (ROOT / "node_modules").exists():
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A throw-away copy of the project (data, docs, config, code) to break on purpose."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def release_project(tmp_path_factory) -> Callable[[], Path]:
    """Make a throw-away copy of the project ready to release: its mkdocs.yml has the site's
    address (site_url = SITE_URL), without which a release is refused. Each call makes a new
    copy; the fixture is a maker, session-wide, so that a module's shared release can use it too."""
    def make() -> Path:
        project = copy_project(tmp_path_factory.mktemp("project") / "project")
        edit(project, "mkdocs.yml", "site_name:", f"site_url: {SITE_URL}\nsite_name:")
        return project
    return make


def add_version(project: Path, number: str, approved: date, *, implemented: date | None = None,
                approved_by: str = "Test board", minute: str | None = None, summary: str = "A test version.") -> None:
    """Record version ``number`` in the copy's data/protocol.toml, as the board does once it is approved."""
    lines = [f'number = "{number}"', f'approved = "{approved.isoformat()}"',
             f'implemented = "{(implemented or approved).isoformat()}"', f'approved_by = "{approved_by}"']
    if minute is not None:
        lines.append(f'minute = "{minute}"')
    lines.append(f'summary = "{summary}"')
    path = project / "data" / "protocol.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\n[[version]]\n" + "\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def data(tmp_path) -> Path:
    """A throw-away copy of data/ alone, for the loader's checks."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data", folder)
    return folder


def problems(folder: Path) -> str:
    """What the loader says of ``folder`` (it must refuse it)."""
    import decision_aid as da
    with pytest.raises(da.DataError) as err:
        da.load(folder)
    return str(err.value)


def edit(folder: Path, name: str, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in ``folder/name``, as a board member's edit would."""
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"text to change not found in {name}: {old!r}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")
