"""Add a Content-Security-Policy to every page: the site's own origin only.

Static hosts rarely let the board set HTTP headers, so the policy goes in a meta tag.
The theme has a few small inline scripts; each is allowed by its SHA-256 hash rather
than by 'unsafe-inline'. 'wasm-unsafe-eval' is what Pyodide's WebAssembly needs.
"""

from __future__ import annotations

import base64
import hashlib
import re

_serving = False
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)


def policy(html: str) -> str:
    hashes = []
    for attrs, body in _INLINE_SCRIPT.findall(html):
        if "application/json" in attrs or not body.strip():
            continue  # data blocks are never executed
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    if _serving:
        # `mkdocs serve` injects its live-reload script after the build; allow it on the
        # preview server only (a hash would be ignored beside 'unsafe-inline').
        hashes = ["'unsafe-inline'"]
    scripts = " ".join(["'self'", "'wasm-unsafe-eval'", *dict.fromkeys(hashes)])
    return ("default-src 'self'; "
            f"script-src {scripts}; "
            "worker-src 'self'; connect-src 'self'; img-src 'self' data:; font-src 'self'; "
            "style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'; "
            "manifest-src 'self'")


def with_policy(html: str) -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html)}">'
    return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n    " + meta, html, count=1, flags=re.I)


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_post_page(output: str, page, config) -> str:
    return with_policy(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return with_policy(output_content) if template_name.endswith(".html") else output_content
