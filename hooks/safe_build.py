"""Publish a build only if it succeeded: a failed build leaves the last site untouched.

MkDocs empties ``site_dir`` before it writes anything, so a board member's broken edit
would otherwise wipe the published site. This hook builds into a staging folder beside
it and swaps it in only when the whole build (strict warnings included) passed.
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

_state: dict = {}


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
