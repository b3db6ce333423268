"""How fast the in-page traffic light checker starts, in Chromium, against a local server.

Prints figures, never fails (this is not a test). Medians of --runs runs (default 7):

  (a) the checker page, cold cache (a new browser profile each run): milliseconds from
      navigation start to the first result of window.decisionAid.assess;
  (b) the same with a warm cache: the service worker installed by an earlier visit;
  (c) the baseline: a bare page that calls Pyodide's default loadPyodide() (from the npm
      package, as shipped) and runs 1+1, cold cache;
  (d) one decisionAid.assess call on a ready page: the round trip from the page, and the
      time inside the worker (Python only);
  (e) what the worker's integrity check costs: SHA-256 (WebCrypto) of the files each start
      mode checks, timed in the page, and the worker's own stage marks (ms from its start).

Targets (issue 4): (a)/(c) at most 0.35, (b)/(c) at most 0.2, assess under 5 ms.

    .venv/bin/python bench/checker_startup.py [--site DIR] [--config mkdocs.yml] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from harness import Server, launch  # noqa: E402

RUNTIME = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")

SITUATIONS = [
    {"age": 4, "behaviours": ["0-5-games-mummies-daddies-doctors"]},
    {"age": 11, "behaviours": ["9-13-sexual-harassment"], "another_child_harmed": True, "setting": "school"},
    {"age": 13, "behaviours": ["9-13-giving-out-contact-details", "13-17-sexual-harassment", "13-17-concern-body-image"],
     "indicators": ["coercion", "frequency"], "setting": "youth-justice", "another_child_harmed": True,
     "child_may_be_abused": True, "siblings_at_risk": True, "known_to_cssw": True, "looked_after": True,
     "lives_in_other_authority": True, "police_involved": True, "sexual_exploitation": True, "gang_involvement": True},
]

# Runs before the page's own scripts: records when the first result arrives.
FIRST_RESULT = """
window.__firstResult = new Promise((resolve, reject) => {
  const situation = %s;
  const poll = () => {
    if (!window.decisionAid) return setTimeout(poll, 2);
    window.decisionAid.ready
      .then(() => window.decisionAid.assess(situation))
      .then(() => resolve(performance.now()), reject);
  };
  poll();
});
""" % json.dumps(SITUATIONS[1])

BASELINE_HTML = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Baseline: default loadPyodide()</title>
<script type="module" src="baseline.js"></script></head><body><p>Baseline</p></body></html>
"""
BASELINE_JS = """import { loadPyodide } from "./pyodide/pyodide.mjs";
const pyodide = await loadPyodide();
window.__result = [pyodide.runPython("1+1"), performance.now()];
"""


def build_site(config: Path, into: Path) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(into)],
                   cwd=config.parent, env=env, check=True)
    return into


def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt(values: list[float]) -> str:
    return f"{median(values):7.0f} ms  (runs: {', '.join(f'{v:.0f}' for v in values)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    runs = max(5, args.runs)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="hsb-bench-") as tmp_name:
        tmp = Path(tmp_name)
        served = tmp / "root"
        served.mkdir()
        if args.site:
            shutil.copytree(args.site, served / "site")
        else:
            print("Building the site...", flush=True)
            build_site(args.config.resolve(), served / "site")
        baseline = served / "baseline"
        (baseline / "pyodide").mkdir(parents=True)
        for name in RUNTIME:
            shutil.copyfile(ROOT / "node_modules" / "pyodide" / name, baseline / "pyodide" / name)
        (baseline / "index.html").write_text(BASELINE_HTML, encoding="utf-8")
        (baseline / "baseline.js").write_text(BASELINE_JS, encoding="utf-8")

        with Server(served) as server, sync_playwright() as p:
            browser = launch(p)
            checker = server.url + "site/check/"
            cold, warm, base, modes = [], [], [], set()

            def first_result(page) -> float:
                page.goto(checker)
                value = page.evaluate("() => window.__firstResult")
                modes.add(page.evaluate("() => window.decisionAid.info.mode"))
                return value

            # (c) baseline, cold: a new profile each time.
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                page.goto(server.url + "baseline/")
                page.wait_for_function("() => window.__result", timeout=120_000)
                base.append(page.evaluate("() => window.__result[1]"))
                context.close()

            # (a) checker, cold.
            for _ in range(runs):
                context = browser.new_context()
                context.add_init_script(FIRST_RESULT)
                page = context.new_page()
                cold.append(first_result(page))
                context.close()

            # (b) checker, warm: one visit installs the service worker, then reloads.
            context = browser.new_context()
            context.add_init_script(FIRST_RESULT)
            page = context.new_page()
            first_result(page)
            page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=120_000)
            for _ in range(runs):
                warm.append(first_result(page))
            controlled = page.evaluate("() => navigator.serviceWorker.controller !== null")

            # (d) assess on a ready page.
            calls = page.evaluate("""async (situations) => {
                const aid = window.decisionAid, page = [], worker = [];
                for (let i = 0; i < 300; i++) {
                    const t = performance.now();
                    await aid.assess(situations[i % situations.length]);
                    page.push(performance.now() - t);
                    worker.push(aid.lastMs);
                }
                return {page, worker};
            }""", SITUATIONS)
            # (e) the integrity check's cost, on the same page (files from the service worker's cache).
            hashing = page.evaluate("""async () => {
                const bundle = await (await fetch("../assets/checker/bundle.json", {cache: "no-store"})).json();
                const out = {snapshot: 0, bytecode: 0, mb: {snapshot: 0, bytecode: 0}};
                for (const [rel, sha] of Object.entries(bundle.integrity)) {
                    const bytes = await (await caches.match(new URL("../assets/checker/" + rel, location.href).href)).arrayBuffer();
                    const t = performance.now();
                    await crypto.subtle.digest("SHA-256", bytes);
                    const ms = performance.now() - t;
                    const modes = rel === bundle.snapshot ? ["snapshot"]
                        : rel === bundle.wheel || rel === "bridge.py" || rel === bundle.stdlib ? ["bytecode"] : ["snapshot", "bytecode"];
                    for (const m of modes) { out[m] += ms; out.mb[m] += bytes.byteLength / 1e6; }
                }
                return {...out, marks: window.decisionAid.info.marks};
            }""")
            context.close()
            browser.close()

    c = median(base)
    print()
    print(f"Checker start-up in Chromium, median of {runs} runs (start mode: {', '.join(sorted(modes))})")
    print(f"  (a) checker page, cold cache, to first result   {fmt(cold)}")
    print(f"  (b) checker page, warm (service worker)         {fmt(warm)}")
    print(f"  (c) baseline: default loadPyodide() + 1+1, cold {fmt(base)}")
    print(f"  (d) one assess call: {median(calls['page']):.2f} ms from the page, "
          f"{median(calls['worker']):.2f} ms inside the worker (median of 300)")
    print(f"  ratios: (a)/(c) = {median(cold) / c:.2f} (target <= 0.35), (b)/(c) = {median(warm) / c:.2f} (target <= 0.2)")
    print(f"  warm runs controlled by the service worker: {controlled}")
    print(f"  (e) SHA-256 of the files checked: snapshot start {hashing['snapshot']:.0f} ms for "
          f"{hashing['mb']['snapshot']:.1f} MB, bytecode start {hashing['bytecode']:.0f} ms for "
          f"{hashing['mb']['bytecode']:.1f} MB; last warm start's marks: {hashing['marks']}")


if __name__ == "__main__":
    main()
