"""Lighthouse scores of the home page, Appendix 1 and the checker page, in mobile simulation.

Prints figures, never fails. Runs the project's own pinned Lighthouse (package.json,
devDependencies: node_modules/.bin/lighthouse) against Debian's Chromium
(CHROME_PATH=/usr/bin/chromium, headless, --no-sandbox), on the built site served from
127.0.0.1 twice: by a host that compresses nothing and sets no caching headers (the test
server), and by one that gzips text files, as most hosts do. Each page runs --runs times
in a fresh profile; medians are printed, as scores move with the machine's load (2 cores
here, shared).

Goals (issue 12): on check/ performance at least 0.95 and total blocking time under 200 ms;
accessibility and best practices 1.00 on every page.

    .venv/bin/python bench/lighthouse.py [--site DIR] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import Server, chromium_path  # noqa: E402
from bench_site import GzipHost, build_site, load_average  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
PAGES = {"home": "", "Appendix 1": "appendix/traffic-light-tool/", "check/": "check/"}
CATEGORIES = ("performance", "accessibility", "best-practices")
HOSTS = {"plain": "a host that compresses nothing", "gzip": "a gzip-serving host"}
METRICS = {"first-contentful-paint": "FCP", "largest-contentful-paint": "LCP", "total-blocking-time": "TBT",
           "cumulative-layout-shift": "CLS", "speed-index": "SI"}


class _Plain:
    """The test server (tests/browser/server.py), yielding its address."""

    def __init__(self, site: Path):
        self.server = Server(site)

    def __enter__(self) -> str:
        return self.server.start().url

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


def lighthouse(url: str, out: Path) -> dict:
    flags = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
    subprocess.run([str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
                   check=True, env={**os.environ, "CHROME_PATH": chromium_path() or "/usr/bin/chromium"},
                   timeout=300, capture_output=True)
    report = json.loads(out.read_text(encoding="utf-8"))
    audits = report["audits"]
    checked = {ref["id"] for c in CATEGORIES[1:] for ref in report["categories"][c]["auditRefs"]}
    failing = sorted(k for k in checked if audits[k].get("score") is not None and audits[k]["score"] < 1)
    return {"scores": {c: report["categories"][c]["score"] for c in CATEGORIES},
            "metrics": {name: audits[key]["numericValue"] for key, name in METRICS.items()},
            "failing": failing, "version": report["lighthouseVersion"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="*", choices=list(PAGES), default=list(PAGES), help="default: all three")
    parser.add_argument("--hosts", nargs="*", choices=list(HOSTS), default=list(HOSTS), help="default: both")
    args = parser.parse_args()
    if not LIGHTHOUSE.is_file():
        sys.exit("node_modules/.bin/lighthouse is missing: run 'npm ci' (make setup).")
    with tempfile.TemporaryDirectory(prefix="hsb-lighthouse-") as tmp_name:
        tmp = Path(tmp_name)
        site = args.site or build_site(tmp / "site")
        for host in args.hosts:
            with (_Plain if host == "plain" else GzipHost)(site) as url:
                results: dict[str, list[dict]] = {name: [] for name in args.pages}
                for _ in range(max(1, args.runs)):
                    for name in args.pages:
                        results[name].append(lighthouse(url + PAGES[name], tmp / "report.json"))
            report(HOSTS[host], results, args.runs)


def report(host: str, results: dict[str, list[dict]], runs_each: int) -> None:
    version = next(iter(results.values()))[0]["version"]
    print()
    print(f"Lighthouse {version}, mobile simulation, {host}, median of {runs_each} runs each; "
          f"load average {load_average()}")
    for name, runs in results.items():
        scores = {c: statistics.median(r["scores"][c] for r in runs) for c in CATEGORIES}
        metrics = {m: statistics.median(r["metrics"][m] for r in runs) for m in METRICS.values()}
        perf = [r["scores"]["performance"] for r in runs]
        line = ", ".join(f"{m} {v / 1000:.1f} s" if m in ("FCP", "LCP", "SI") else
                         f"{m} {v:.0f} ms" if m == "TBT" else f"{m} {v:.3f}" for m, v in metrics.items())
        print(f"  {name:<11} performance {scores['performance']:.2f} (runs: {', '.join(f'{p:.2f}' for p in perf)}), "
              f"accessibility {scores['accessibility']:.2f}, best practices {scores['best-practices']:.2f}")
        print(f"  {'':<11} {line}")
        failing = sorted({k for r in runs for k in r["failing"]})
        if failing:
            print(f"  {'':<11} failing audits: {', '.join(failing)}")
        goals = [f"accessibility and best practices 1.00: {'met' if min(scores[c] for c in CATEGORIES[1:]) >= 1 else 'NOT MET'}"]
        if name == "check/":
            goals = [f"performance >= 0.95: {'met' if scores['performance'] >= 0.95 else 'NOT MET'}",
                     f"TBT < 200 ms: {'met' if metrics['TBT'] < 200 else 'NOT MET'}", *goals]
        print(f"  {'':<11} goals: {'; '.join(goals)}")


if __name__ == "__main__":
    main()
