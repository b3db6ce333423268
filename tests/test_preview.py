"""The preview (`mkdocs serve`) keeps serving the last good site and shows why an edit failed."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import edit


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode("utf-8")


def wait_for(check, seconds: float = 90) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            if check():
                return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def test_a_bad_edit_keeps_the_last_good_preview_and_shows_the_error(project_copy: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/referral/referral/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project_copy)}
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=project_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert wait_for(lambda: "48 hours" in fetch(url)), "the preview starts"
        edit(project_copy, "data/timescales.toml", 'within = "48 hours"', "within = 48")
        assert wait_for(lambda: 'role="alert"' in fetch(url)), "the error is shown"
        page = fetch(url)
        assert "Your last edit could not be built" in page and "should be text in quotes, not 48" in page
        assert "data/timescales.toml, timescale &#x27;child-protection-referral-in-writing&#x27;" in page
        assert "48 hours" in page, "the last good version is still served"
        edit(project_copy, "data/timescales.toml", "within = 48", 'within = "2 days"')
        assert wait_for(lambda: "within 2 days" in fetch(url) and 'role="alert"' not in fetch(url))
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output
