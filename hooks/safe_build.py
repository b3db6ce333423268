"""Publish a build only if it succeeded: a failed build leaves the last site untouched.

MkDocs empties ``site_dir`` before it writes anything, so a board member's broken edit
would otherwise wipe the published site. This hook builds into a staging folder beside
it and swaps it in only when the whole build (strict warnings included) passed.

The preview (``mkdocs serve``) does the same for every rebuild, and instead of appearing
stuck on a bad edit it keeps serving the last good site with the error at the top of
every page, until the edit is fixed and saved.
"""

from __future__ import annotations

import html
import logging
import os
import shutil
from pathlib import Path

_state: dict = {}
SERVE_STAGING = "HSB_SERVE_STAGING"   # set by on_serve: each rebuild's hook module reads it in on_config
log = logging.getLogger("mkdocs")


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def on_startup(command: str, dirty: bool) -> None:
    _state.clear()
    _state["active"] = command == "build"


def on_config(config):
    staging = os.environ.get(SERVE_STAGING)
    if staging:   # a preview rebuild: build beside the served folder, swapped in only on success
        shutil.rmtree(staging, ignore_errors=True)
        config.site_dir = staging
        return config
    if not _state.get("active") or "real" in _state:
        return config
    real = Path(config.site_dir)
    _state["real"] = real
    _state["staging"] = real.with_name(real.name + ".building")
    _state["strict"] = bool(config.strict)
    _state["counter"] = _Count()
    logging.getLogger("mkdocs").addHandler(_state["counter"])
    config.site_dir = str(_state["staging"])
    return config


def on_post_build(config) -> None:
    if _state.get("active"):
        _state["built"] = True


def on_shutdown() -> None:
    if not _state.get("active") or "real" not in _state:
        return
    logging.getLogger("mkdocs").removeHandler(_state["counter"])
    staging, real = _state["staging"], _state["real"]
    strict = _state["strict"]
    if _state.get("built") and not (strict and _state["counter"].count):
        old = real.with_name(real.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if real.exists():
            real.rename(old)
        staging.rename(real)
        shutil.rmtree(old, ignore_errors=True)
    else:
        shutil.rmtree(staging, ignore_errors=True)
        logging.getLogger("mkdocs").error("The build failed, so the site in '%s' was left as it was.", real)


def _swap(staging: Path, served: Path) -> None:
    old = served.with_name(served.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if served.exists():
        served.rename(old)
    staging.rename(served)
    shutil.rmtree(old, ignore_errors=True)


def error_banner(message: str) -> bytes:
    """What the preview shows above the last good page while an edit cannot be built."""
    return ('<div role="alert" style="background:#b00020;color:#fff;padding:1em;font:16px/1.4 sans-serif;'
            'white-space:pre-wrap"><strong>Your last edit could not be built. This preview shows the last good '
            f"version.</strong>\n{html.escape(message)}\nFix it and save: the page reloads by itself.</div>").encode()


def on_serve(server, config, builder):
    """Rebuilds that fail keep the last good site and show why, instead of leaving the preview stuck."""
    served = Path(config.site_dir)
    staging = served.with_name(served.name + ".building")
    os.environ[SERVE_STAGING] = str(staging)
    problem = {"text": ""}

    def tolerant_builder() -> None:
        try:
            builder()
        except KeyboardInterrupt:
            raise
        except BaseException as e:   # mkdocs' Abort is a SystemExit: a message, not a fault
            problem["text"] = str(e).strip() or e.__class__.__name__
            shutil.rmtree(staging, ignore_errors=True)
            log.error("The edit could not be built; the preview keeps showing the last good version, with "
                      "this message at the top of every page:\n%s", problem["text"])
            return
        problem["text"] = ""
        if staging.is_dir():
            _swap(staging, served)

    inject = server._inject_js_into_html

    def with_problem(content: bytes, epoch: int) -> bytes:
        out = inject(content, epoch)
        if problem["text"]:
            at = out.find(b">", out.find(b"<body")) + 1 if b"<body" in out else 0
            out = out[:at] + error_banner(problem["text"]) + out[at:]
        return out

    server.builder = tolerant_builder
    server._inject_js_into_html = with_problem
    return server
