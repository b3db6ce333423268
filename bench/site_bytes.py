"""What a phone downloads: a first visit to the home page, to check/, and the whole offline copy.

Prints figures, never fails. Each figure twice: as stored (what a host that compresses
nothing sends, like the project's test server) and as a gzip-serving host would send it
(text files gzipped at level 6, as nginx and most hosts do; the checker's .gzip files,
the wheel and images as they are). A first visit is measured in Chromium with the service
worker blocked, so the offline copy it would then save is counted apart:
  home:    every request until the network is idle;
  check/:  every request until the checker's first answer and the network is idle.

Goal (issue 12): the offline copy at most 10 MB as stored.

    .venv/bin/python bench/site_bytes.py [--site DIR]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Server, launch  # noqa: E402
from bench_site import build_site  # noqa: E402

TEXT = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".py", ".map", ".webmanifest")
LIMIT = 10_000_000


def file_for(site: Path, server_url: str, url: str) -> Path | None:
    if not url.startswith(server_url):
        return None
    path = site / urlparse(url).path.lstrip("/")
    if url.endswith("/"):
        path = path / "index.html"
    return path if path.is_file() else None


def sizes(files: list[Path]) -> tuple[int, int]:
    stored = sum(f.stat().st_size for f in files)
    served = sum(len(gzip.compress(f.read_bytes(), 6)) if f.name.endswith(TEXT) else f.stat().st_size for f in files)
    return stored, served


def first_visit(browser, server, site: Path, path: str, checker: bool) -> list[Path]:
    context = browser.new_context(service_workers="block")
    urls: list[str] = []
    context.on("request", lambda request: urls.append(request.url))
    page = context.new_page()
    page.goto(server.url + path)
    if checker:
        page.evaluate("() => window.decisionAid.ready.then(() => window.decisionAid.assess({age: 11, behaviours: []}))"
                      ".catch(() => null)")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1000)
    context.close()
    found = {file_for(site, server.url, u) for u in urls}
    return sorted(f for f in found if f is not None)


def offline_copy(site: Path) -> list[Path]:
    build = json.loads(re.search(r"const BUILD = (\{.*?\});", (site / "sw.js").read_text(encoding="utf-8")).group(1))
    return [site / (f + "index.html" if f.endswith("/") else f).removeprefix("./") for f in build["files"]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hsb-bytes-") as tmp_name:
        site = args.site or build_site(Path(tmp_name) / "site")
        with Server(site) as server, sync_playwright() as p:
            browser = launch(p)
            visits = {"home": first_visit(browser, server, site, "", False),
                      "check/ (to its first answer)": first_visit(browser, server, site, "check/", True)}
            browser.close()
        offline = offline_copy(site)
        print()
        print("Bytes a phone downloads (as stored / as a gzip-serving host sends them)")
        for name, files in visits.items():
            stored, served = sizes(files)
            print(f"  first visit to {name:<29} {stored / 1e6:6.2f} MB / {served / 1e6:5.2f} MB  ({len(files)} files)")
        stored, served = sizes(offline)
        verdict = "met" if stored <= LIMIT else "NOT MET"
        print(f"  the whole offline copy {'':<21} {stored / 1e6:6.2f} MB / {served / 1e6:5.2f} MB  ({len(offline)} files; "
              f"goal <= 10 MB as stored: {verdict}; {stored / 2**20:.2f} MiB)")
        largest = sorted(offline, key=lambda f: -f.stat().st_size)[:5]
        print("    largest: " + ", ".join(f"{f.name} {f.stat().st_size / 1e6:.2f} MB" for f in largest))


if __name__ == "__main__":
    main()
