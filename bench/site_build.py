"""Site build time (median of 5 cold builds) and the compressed weight of a typical page.

Prints figures only (issue #2). "Cold" means a fresh Python process and an empty output
folder each time; caches the build keeps on purpose (.cache/) are left as they are.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = "referral/social-care-responses/index.html"


def build(site: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)], cwd=ROOT, check=True, capture_output=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return time.perf_counter() - start


def page_weight(site: Path, page: str) -> tuple[int, int, list[str]]:
    """Raw and gzip bytes of the page with the CSS and JavaScript it loads itself."""
    html_path = site / page
    html = html_path.read_text(encoding="utf-8")
    assets = re.findall(r'<(?:link[^>]+href|script[^>]+src)="([^"]+\.(?:css|js|mjs))', html)
    files = [html_path] + [(html_path.parent / a).resolve() for a in assets if not a.startswith("http")]
    for script in [f for f in files if f.suffix in (".js", ".mjs")]:   # and the modules they import
        for imported in re.findall(r'^import\s[^"\']*["\'](\./[^"\']+)["\']', script.read_text(encoding="utf-8"), re.M):
            if (module := (script.parent / imported).resolve()) not in files:
                files.append(module)
    raw = sum(f.stat().st_size for f in files)
    gz = sum(len(gzip.compress(f.read_bytes(), 9)) for f in files)
    return raw, gz, [f.name for f in files]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        times = []
        for n in range(5):
            site = Path(tmp) / f"site{n}"
            times.append(build(site))
        raw, gz, names = page_weight(site, PAGE)
        print(f"mkdocs build --strict: median {statistics.median(times):.2f} s of 5 "
              f"(min {min(times):.2f}, max {max(times):.2f})")
        print(f"typical page {PAGE} with its CSS and JS ({len(names)} files): {raw / 1024:.0f} KiB raw, "
              f"{gz / 1024:.0f} KiB gzip")
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
