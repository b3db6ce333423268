"""The Content-Security-Policy allows the theme's own inline scripts and nothing else.

hooks/csp.py reads which inline scripts are the theme's from the installed theme; any
other inline script, inline event handler or javascript: address stops the build and
names the page, and the last published site is left as it was.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re

import jinja2
import material
import pytest
from mkdocs.exceptions import PluginError

from conftest import ROOT, run_mkdocs_build

THEME = material.__path__[0] + "/templates/partials/javascripts"


@pytest.fixture(scope="module")
def csp():
    spec = importlib.util.spec_from_file_location("csp_hook", ROOT / "hooks" / "csp.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sha256(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def theme_hashes(base_url: str) -> set[str]:
    """The hashes of the theme's inline scripts as the theme renders them for a page at ``base_url``.

    Worked out here independently of the hook: each template of the theme's
    ``partials/javascripts`` rendered with Jinja, its inline scripts hashed.
    """
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(THEME))
    out = set()
    for name in env.list_templates(extensions=["html"]):
        page = env.get_template(name).render(config={"extra": {}}, base_url=base_url,
                                             features=["content.tabs.link"])
        out |= {sha256(body) for body in re.findall(r"<script>(.*?)</script>", page, re.S)}
    return out


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def test_the_allow_list_comes_from_the_installed_theme(csp):
    base = '__md_scope=new URL("../..",location)'
    theme_base = next(p for p in csp.theme_scripts() if p.pattern.startswith(re.escape("__md_scope")))
    rendered = jinja2.Template(open(f"{THEME}/base.html", encoding="utf-8").read()).render(config={"extra": {}},
                                                                                        base_url="../..")
    body = re.search(r"<script>(.*?)</script>", rendered, re.S).group(1)
    assert body.startswith(base) and theme_base.fullmatch(body)
    assert len(csp.theme_scripts()) >= 3


@pytest.mark.parametrize("injected", [
    "<script>alert(1)</script>",
    '<script type="module">import("/x.js")</script>',
    '<script type="text/javascript">alert(1)</script>',
    # the theme's own script with its address made to end the string and run more
    '<script>__md_scope=new URL("/",location);alert(1);//",location)</script>',
    '<p onclick="alert(1)">x</p>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
])
def test_anything_else_that_would_run_stops_the_page(csp, injected):
    with pytest.raises(PluginError, match="The page docs/x.md contains .*Remove it"):
        csp.with_policy(page(injected), "The page docs/x.md")


def test_the_theme_scripts_and_data_blocks_pass_with_their_hashes_only(csp):
    scripts = re.findall(r"<script>(.*?)</script>", jinja2.Template(
        open(f"{THEME}/base.html", encoding="utf-8").read()).render(config={"extra": {}}, base_url=".."), re.S)
    html = page("".join(f"<script>{s}</script>" for s in scripts)
                + '<script type="application/json" id="d">{"a": "<\\/script>"}</script><script src="x.js"></script>')
    policy = csp.policy(html)
    script_src = re.search(r"script-src ([^;]+);", policy).group(1).split()
    assert script_src == ["'self'", "'wasm-unsafe-eval'", *[sha256(s) for s in scripts]]


def test_the_preview_server_allows_its_live_reload_but_still_refuses_injected_script(csp, monkeypatch):
    monkeypatch.setattr(csp, "_serving", True)
    assert "'unsafe-inline'" in csp.policy(page("<p>x</p>"))
    with pytest.raises(PluginError):
        csp.policy(page("<script>alert(1)</script>"))


def test_the_built_site_allows_only_the_theme_scripts(built_site):
    seen = set()
    for path in sorted(built_site.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', text)
        assert meta, path
        script_src = re.search(r"script-src ([^;]+);", meta.group(1)).group(1).split()
        assert script_src[:2] == ["'self'", "'wasm-unsafe-eval'"], path
        config = re.search(r'<script id="__config" type="application/json">(.*?)</script>', text, re.S)
        allowed = theme_hashes(json.loads(config.group(1))["base"]) if config else set()
        assert set(script_src[2:]) <= allowed, f"{path}: a hash that is not one of the theme's scripts"
        seen |= set(script_src[2:])
    assert seen, "the theme's scripts are allowed by their hashes"


@pytest.mark.parametrize("injected, what", [
    ("<script>alert('injected')</script>", "an inline script that is not one of the theme's"),
    ('<p onclick="alert(1)">Click</p>', "an inline event handler <p onclick="),
    ('<a href="javascript:alert(1)">Click</a>', "a script address <a href="),
])
def test_a_page_with_a_script_of_its_own_stops_the_build_and_names_it(project_copy, injected, what):
    site = project_copy / "site"
    site.mkdir()
    (site / "index.html").write_text("the last good site", encoding="utf-8")
    doc = project_copy / "docs" / "glossary.md"
    doc.write_text(doc.read_text(encoding="utf-8") + f"\n\n{injected}\n", encoding="utf-8")
    result = run_mkdocs_build(project_copy, site)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "The page docs/glossary.md contains " + what in output, output[-2000:]
    assert "Traceback" not in output
    assert (site / "index.html").read_text(encoding="utf-8") == "the last good site"
