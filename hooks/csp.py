"""Add a Content-Security-Policy to every page: the site's own origin, and the theme's own inline scripts.

Static hosts rarely let the board set HTTP headers, so the policy goes in a meta tag.
Material has a few small inline scripts; each is allowed by its SHA-256 hash rather
than by 'unsafe-inline'. Which scripts are the theme's is read from the theme itself
(the templates in ``material/templates/partials/javascripts`` of the installed
package), never from the page: hashing whatever a page holds would allow a script
that reached it through data, a page or a plugin. Any other inline script, an inline
event handler (``onclick=``) or a ``javascript:`` address stops the build, naming the
page. 'wasm-unsafe-eval' is what Pyodide's WebAssembly needs.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import material
from mkdocs.exceptions import PluginError

THEME_SCRIPTS = Path(material.__file__).resolve().parent / "templates" / "partials" / "javascripts"
# What a template value inside a theme script may be: a relative or absolute address
# such as "../.." (the page's base URL); never a quote, bracket or backslash.
_TEMPLATE_VALUE = r"[\w./:~%+-]*"
# An address that runs a script; browsers ignore spaces and control characters in it.
_SCRIPT_URL = re.compile(r"(?:java|vb)script:", re.I)
DATA_TYPES = ("application/json",)   # <script> blocks a browser never runs

_serving = False


@lru_cache(maxsize=1)
def theme_scripts() -> tuple[re.Pattern[str], ...]:
    """Each inline script the theme ships, as a pattern (its ``{{ }}`` values may be addresses)."""
    patterns = []
    for template in sorted(THEME_SCRIPTS.glob("*.html")):
        for body in re.findall(r"<script>(.*?)</script>", template.read_text(encoding="utf-8"), re.S):
            if "{%" in body:
                continue  # a script assembled by template logic is not a fixed script
            parts = re.split(r"\{\{.*?\}\}", body)
            patterns.append(re.compile(_TEMPLATE_VALUE.join(re.escape(p) for p in parts)))
    if not patterns:
        raise PluginError(f"hooks/csp.py: found no inline scripts in {THEME_SCRIPTS}; the theme has changed: "
                          "check its scripts and update this hook.")
    return tuple(patterns)


def is_theme_script(body: str) -> bool:
    return any(p.fullmatch(body) for p in theme_scripts())


def digest(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


class _Scan(HTMLParser):
    """The inline scripts of a page, and anything in it that would run a script the policy does not list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.problems: list[str] = []
        self._body: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an inline event handler <{tag} {name}=\"{_short(value)}\">")
            elif name == "srcdoc" or _SCRIPT_URL.match(re.sub(r"[\x00-\x20\x7f]", "", value or "")):
                self.problems.append(f"a script address <{tag} {name}=\"{_short(value)}\">")
        found = dict(attrs)
        if tag == "script" and "src" not in found and (found.get("type") or "").strip().lower() not in DATA_TYPES:
            self._body = []

    def handle_data(self, data: str) -> None:
        if self._body is not None:
            self._body.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._body is not None:
            body, self._body = "".join(self._body), None
            if not body.strip():
                return
            if is_theme_script(body):
                self.scripts.append(body)
            else:
                self.problems.append(f"an inline script that is not one of the theme's: <script>{_short(body)}</script>")


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= 60 else text[:57] + "..."


def policy(html: str, where: str = "a page") -> str:
    """The page's policy; stops the build if the page holds a script the policy would not list."""
    scan = _Scan()
    scan.feed(html)
    scan.close()
    if scan.problems:
        raise PluginError(
            f"{where} contains " + "; and ".join(scan.problems) + ". Remove it: pages may not run scripts of "
            "their own (the checker's scripts are files in docs/assets/), and a script in a page would run for "
            "everyone who opens it. Nothing was published.")
    hashes = [digest(body) for body in scan.scripts]
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


def with_policy(html: str, where: str = "a page") -> str:
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(html, where)}">'
    return re.sub(r"(<head[^>]*>)", lambda m: m.group(1) + "\n    " + meta, html, count=1, flags=re.I)


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_post_page(output: str, page, config) -> str:
    return with_policy(output, f"The page docs/{page.file.src_uri}")


def on_post_template(output_content: str, template_name: str, config) -> str:
    if not template_name.endswith(".html"):
        return output_content
    return with_policy(output_content, f"The theme page {template_name}")
