"""Trying the protocol's web links (``review --check``): the only part that uses the network.

With no network at all (as on the build machine) it says so in one line instead of
reporting every link as broken.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .review import Link

TIMEOUT = 5.0


def _try(url: str) -> tuple[str, str]:
    headers = {"User-Agent": "hsb-review link check (Camden safeguarding protocol)"}
    last: Exception | None = None
    for method in ("HEAD", "GET"):
        try:
            with urllib.request.urlopen(urllib.request.Request(url, method=method, headers=headers),
                                        timeout=TIMEOUT) as r:
                return "ok", f"{r.status}" + (f", now at {r.url}" if r.url != url else "")
        except urllib.error.HTTPError as e:
            last = e
            if method == "HEAD" and e.code in (403, 405, 501):
                continue   # some servers refuse HEAD: try a normal request
            return "broken", f"the server answered {e.code} {e.reason}"
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            return "unreachable", str(reason)
    return "broken", str(last)


def check_links(found: list[Link]) -> str:
    """Try every link; returns the summary line. 'No network' when nothing at all could be reached."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(_try, [link.url for link in found]))
    for link, (status, detail) in zip(found, results):
        link.status, link.detail = status, detail
    if found and all(link.status == "unreachable" for link in found):
        for link in found:
            link.status, link.detail = "not checked", ""
        return (f"no network: none of the {len(found)} links could be reached ({results[0][1]}). This computer "
                "seems to have no internet access; run 'python -m hsb_review review --check' again on one that has.")
    bad = [link for link in found if link.status != "ok"]
    return (f"{len(found) - len(bad)} of {len(found)} links work"
            + (f"; {len(bad)} need attention (listed below)." if bad else "."))
