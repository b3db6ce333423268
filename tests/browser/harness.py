"""What the browser tests and bench/checker_startup.py share: the server and the browser.

Debian's Chromium (``/usr/bin/chromium``) is driven through Playwright's
``executable_path``, because ``playwright install`` cannot download browsers here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

SERVER = Path(__file__).with_name("server.py")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-default-apps", "--disable-extensions",
]


def chromium_path() -> str | None:
    """HSB_CHROMIUM, else Debian's chromium, else whatever 'chromium' is on PATH."""
    for candidate in (os.environ.get("HSB_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


def launch(playwright, **kwargs):
    path = chromium_path()
    if path is None:
        raise RuntimeError("No Chromium found: install Debian's 'chromium' (sudo apt-get install chromium) "
                           "or set HSB_CHROMIUM to a Chromium or Chrome binary.")
    return playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, **kwargs)


@dataclass
class Server:
    """A static server for ``directory`` on 127.0.0.1, in its own process (kill it to go offline)."""

    directory: Path
    process: subprocess.Popen | None = None
    url: str = ""

    def start(self) -> "Server":
        self.process = subprocess.Popen([sys.executable, str(SERVER), str(self.directory)],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("serving "):
            self.stop()
            raise RuntimeError(f"the test server did not start: {line!r}")
        self.url = line.split()[1]
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# Every request URL any test's browser made (pages, workers, service workers), and every
# request to another host that was refused: tests/browser/conftest.py checks them at the end.
REQUESTS: list[str] = []
OFFSITE: list[str] = []


def local(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("data", "blob", "about") or parsed.hostname == "127.0.0.1"


def watch(context) -> None:
    """Record every request of a browser context and refuse any to another host."""
    def record(request) -> None:
        REQUESTS.append(request.url)

    def route(route) -> None:
        if local(route.request.url):
            route.continue_()
        else:
            OFFSITE.append(route.request.url)
            route.abort()

    context.on("request", record)
    context.route("**/*", route)


# What a page says once the service worker has saved the whole site, and once one controls it.
SAVED = "() => document.getElementById('hsb-build').textContent.includes('Saved on this device')"
CONTROLLED = "() => navigator.serviceWorker.controller !== null"


@contextmanager
def service_worker_visit(browser, site: Path, path: str = "check/", *, ready: bool = False,
                         until: str | None = SAVED, timeout: float = 120_000) -> Iterator[tuple]:
    """A first visit with the service worker on: a fresh watched context that allows service
    workers, a server of its own for ``site``, and a page opened on ``path``; with ``ready``,
    the checker's Python is waited for first; then the page is waited on (up to ``timeout``
    ms) until ``until`` holds (by default: the site is saved on this device; None: no wait).

    Yields ``(page, server)``. A test may stop the server itself to go offline; at the end
    the server is stopped and the context closed, whatever happened.
    """
    context = browser.new_context(service_workers="allow")
    watch(context)
    server = Server(site)
    try:
        server.start()
        page = context.new_page()
        page.goto(server.url + path)
        if ready:
            page.evaluate("() => window.decisionAid.ready")
        if until is not None:
            page.wait_for_function(until, timeout=timeout)
        yield page, server
    finally:
        server.stop()
        context.close()
