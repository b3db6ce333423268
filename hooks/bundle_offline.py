"""The offline copy (hooks/browser_bundle.py): which built files the service worker saves, and sw.js.

The service worker saves every file a page or the checker uses, and nothing else:
- not the source maps (``*.map``: only a browser's developer tools read them);
- not the theme's extra search languages (``assets/javascripts/lunr/``) when the
  search index is English only, as the theme's search worker then loads none of them;
- not the uncompressed copy of Pyodide's glue (``pyodide.asm.mjs``), which a worker
  imports only when it may not import the decompressed ``.gzip`` as a blob: module;
  the service worker answers for it from the saved ``.gzip`` (``BUILD.gunzip``).

The build's version is a hash of every built file, listed or not.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from mkdocs.exceptions import PluginError

try:
    from . import bundle_runtime as rt
except ImportError:   # loaded by MkDocs from hooks/, which is then on sys.path
    import bundle_runtime as rt

SW_TEMPLATE = rt.HOOKS / "service_worker.js"
SW_MARKER = "/*BUILD*/ null"
BUILD_ID = "build-id.txt"
GENERATED = ("sw.js", BUILD_ID)     # never saved: always asked of the host
LUNR = "assets/javascripts/lunr/"


def site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def build_version(site: Path, files: list[str]) -> str:
    return rt.sha(*(f"{rel}:{rt.file_sha(site / rel)}".encode() for rel in files))[:16]


def precache_url(rel: str) -> str:
    """How a page is asked for: 'check/index.html' as 'check/', the home page as './'."""
    if rel == "index.html":
        return "./"
    if rel.endswith("/index.html"):
        return rel.removesuffix("index.html")
    return rel


def _search_languages(site: Path) -> list[str]:
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return []
    return json.loads(index.read_text(encoding="utf-8")).get("config", {}).get("lang", [])


def offline_files(site: Path, files: list[str], gunzip: dict[str, str]) -> list[str]:
    """The files to save for offline use (see the module docstring)."""
    english_only = _search_languages(site) in ([], ["en"])
    return [f for f in files
            if f not in GENERATED and not f.endswith(".map") and f not in gunzip
            and not (english_only and f.startswith(LUNR))]


def worker_policy() -> str:
    """The pages' Content-Security-Policy without their inline-script hashes (hooks/csp.py):
    the service worker serves the checker's worker with it, as a header."""
    spec = importlib.util.spec_from_file_location("hsb_csp_for_workers", rt.HOOKS / "csp.py")
    csp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(csp)
    return csp.policy("")


def service_worker(version: str, files: list[str], immutable: list[str], gunzip: dict[str, str]) -> str:
    template = SW_TEMPLATE.read_text(encoding="utf-8")
    if template.count(SW_MARKER) != 1:
        raise PluginError(f"{SW_TEMPLATE.name} must contain the marker {SW_MARKER} exactly once.")
    build = {"version": version, "files": [precache_url(f) for f in files], "immutable": immutable,
             "gunzip": gunzip, "buildId": BUILD_ID, "workerPolicy": worker_policy()}
    return template.replace(SW_MARKER, json.dumps(build, indent=None, separators=(",", ":")))
