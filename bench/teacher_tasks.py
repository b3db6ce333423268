"""What a teacher on a phone has to do to get an answer they can act on, in Chromium.

Prints figures, never fails (this is not a test). For each of the eight teacher tasks
(tests/browser/teacher_driver.py), from the home page to the result, on a phone (375 x 800):

  - actions: taps, with a choice from a list counted once (goal: at most 6, plus the
    words typed), leaving the optional "Where you work" as "Not said"; "+ where": the same
    when the teacher also says they work in a school; taps: the same with a list choice
    counted twice (open it, choose); keys: the keystrokes of the words typed;
  - scroll: how far the teacher scrolls from the top of the result (as shown after
    "Check") until the first thing they must do is on screen (goal: 0 px); and until the
    time limit the headline panel states is (data/steps.toml: headline);
  - the result's height on the phone, and how many steps are theirs.

Then the everyday phrases (at least 60, written from how teachers describe incidents):
how many list the behaviour they describe (goal: all), how many match on every word,
and how far down the list it comes.

    .venv/bin/python bench/teacher_tasks.py [--site DIR] [--config mkdocs.yml]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

from harness import Server, launch  # noqa: E402
from teacher_driver import PHONE, PHRASES, TASKS, expected, find, first_screen, run_task  # noqa: E402

GOAL_ACTIONS = 6

DEADLINE = """() => {
  const viewport = window.innerHeight;
  const within = document.querySelector('#hsb-result .hsb-panel-limit');
  return within ? Math.max(0, Math.round(within.getBoundingClientRect().bottom - viewport)) : null;
}"""
HEIGHT = "() => Math.round(document.getElementById('hsb-result').getBoundingClientRect().height)"


def build_site(config: Path, into: Path) -> Path:
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(into)],
                   check=True, cwd=config.parent, env={"NO_MKDOCS_2_WARNING": "1", **__import__("os").environ})
    return into


def task_rows(browser, url: str) -> list[dict]:
    rows = []
    for task in TASKS:
        context = browser.new_context(viewport=PHONE, service_workers="block")
        page = context.new_page()
        said = run_task(page, url, task).actions
        counts = run_task(page, url, task, say_setting=False)
        shown = first_screen(page)
        want = expected(task, say_setting=False)
        rows.append({"task": task, "counts": counts, "said": said, "scroll": shown["scrollToAction"],
                     "deadline": page.evaluate(DEADLINE), "height": page.evaluate(HEIGHT),
                     "yours": sum(s.yours for s in want.steps), "steps": len(want.steps),
                     "threshold": want.threshold_label, "colour": want.colour_label or "none"})
        context.close()
    return rows


def phrase_rows(browser, url: str) -> list[dict]:
    context = browser.new_context(viewport=PHONE, service_workers="block")
    page = context.new_page()
    page.goto(url + "check/")
    rows = []
    for age, phrase, behaviour in PHRASES:
        found = find(page, age, phrase)
        shown = found["shown"]
        rows.append({"age": age, "phrase": phrase, "found": behaviour in shown, "listed": len(shown),
                     "position": shown.index(behaviour) + 1 if behaviour in shown else None,
                     "every_word": "match “" in found["count"] and not found["count"].startswith("No behaviour")})
    context.close()
    return rows


def report(tasks: list[dict], phrases: list[dict]) -> None:
    print(f"\nTeacher tasks on a phone ({PHONE['width']} x {PHONE['height']}), from the home page to the result")
    print(f"{'task':<18} {'actions':>7} {'+ where':>7} {'taps':>5} {'keys':>5} {'scroll to 1st action':>21} {'to 1st deadline':>16} "
          f"{'result px':>9} {'yours/all':>9}  colour, threshold")
    for r in tasks:
        c = r["counts"]
        deadline = "none" if r["deadline"] is None else f"{r['deadline']} px"
        print(f"{r['task'].name:<18} {c.actions:>7} {r['said']:>7} {c.taps:>5} {c.keystrokes:>5} {r['scroll']:>18} px {deadline:>16} "
              f"{r['height']:>9} {r['yours']:>4}/{r['steps']:<4}  {r['colour']}, {r['threshold']}")
    over = [r["task"].name for r in tasks if r["counts"].actions > GOAL_ACTIONS]
    print(f"goal: at most {GOAL_ACTIONS} actions plus the words typed: {len(tasks) - len(over)}/{len(tasks)} tasks"
          + (f" (over: {', '.join(over)})" if over else ""))
    print(f"goal: no scroll to the first action: {sum(r['scroll'] == 0 for r in tasks)}/{len(tasks)} tasks")
    limited = [r for r in tasks if r["deadline"] is not None]
    print(f"goal: your first time limit on the first screen: {sum(r['deadline'] == 0 for r in limited)}/{len(limited)} "
          f"tasks with one (in the other {len(tasks) - len(limited)}, none of the user's steps has a time limit "
          "the board marks for the headline: data/steps.toml, headline)")

    found = [p for p in phrases if p["found"]]
    positions = [p["position"] for p in found]
    print(f"\nEveryday phrases: {len(found)}/{len(phrases)} list the behaviour they describe (goal: all)")
    print(f"  matching every word: {sum(p['every_word'] for p in phrases)}/{len(phrases)}; "
          f"the behaviour first in the list: {sum(p == 1 for p in positions)}/{len(phrases)}; "
          f"in the first three: {sum(p <= 3 for p in positions)}/{len(phrases)}")
    print(f"  behaviours listed: median {statistics.median(p['listed'] for p in phrases):g}, "
          f"most {max(p['listed'] for p in phrases)}")
    for p in phrases:
        if not p["found"]:
            print(f"  not found: age {p['age']}, “{p['phrase']}”")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built site (default: build one now)")
    parser.add_argument("--config", type=Path, default=ROOT / "mkdocs.yml")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            print("Building the site...", flush=True)
            site = build_site(args.config.resolve(), Path(tmp) / "site")
        with Server(site) as server, sync_playwright() as p:
            browser = launch(p)
            try:
                report(task_rows(browser, server.url), phrase_rows(browser, server.url))
            finally:
                browser.close()


if __name__ == "__main__":
    main()
