"""The browser bundle and the checker's form, checked without a browser.

- the built site ships only the Pyodide runtime files the checker needs (the large ones
  gzipped, the standard library trimmed to what the checker imports), the wheel with
  the data, a probe answer that CPython agrees with, and a service worker listing every
  file the pages and the checker use, at most 10 MB in all;
- the form is generated from data: every behaviour, question, indicator, band and
  setting is in it, and the page's data block cites every section a step can cite;
- no rule or protocol wording is written in the page scripts.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import decision_aid as da
from decision_aid.loader import FILES
from decision_aid.rules import child_bands

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from hooks import browser_bundle, bundle_offline, bundle_runtime, bundle_snapshot  # noqa: E402
from macros import checker  # noqa: E402

P = da.protocol()
SCRIPTS = sorted((ROOT / "docs" / "assets" / "checker").glob("*.js")) + [ROOT / "hooks" / "service_worker.js"]


OFFLINE_LIMIT = 10_000_000   # bytes as stored: what a phone downloads from a host that compresses nothing
CHECKER_DIR = Path("assets") / "checker"


def bundle_of(site: Path) -> dict:
    return json.loads((site / CHECKER_DIR / "bundle.json").read_text(encoding="utf-8"))


def sw_build(site: Path) -> dict:
    return json.loads(re.search(r"const BUILD = (\{.*?\});", (site / "sw.js").read_text(encoding="utf-8")).group(1))


@pytest.mark.parametrize("raw", [bytes(10000), b"\1" * 5000, bytes(4096) + b"x" * 10 + bytes(9000) + b"yz",
                                 bytes(range(256)) * 70 + bytes(3)])
def test_the_sparse_snapshot_format_round_trips(raw):
    packed = bundle_snapshot.sparse(raw, 5, 100)
    assert bundle_snapshot.unsparse(packed) == (raw, 5, 100)
    assert len(packed) <= len(raw) + bundle_snapshot.HEADER.size + 8 * (len(raw) // 4096 + 1)
    with pytest.raises(ValueError):
        bundle_snapshot.unsparse(packed + b"x")


def test_pages_are_precached_under_the_address_they_are_asked_for():
    assert bundle_offline.precache_url("index.html") == "./"
    assert bundle_offline.precache_url("check/index.html") == "check/"
    assert bundle_offline.precache_url("404.html") == "404.html"
    assert bundle_offline.precache_url("assets/checker/site.js") == "assets/checker/site.js"


def test_the_root_of_a_page_is_found_from_its_url():
    assert checker.root_of("check/") == "../"
    assert checker.root_of("appendix/traffic-light-tool/") == "../../"
    assert checker.root_of("") == "" and checker.root_of("check.html") == "" and checker.root_of("a/b.html") == "../"


def test_the_form_is_generated_from_data():
    html = checker.checker(P)
    for b in P.behaviours:
        assert f'value="{b.id}"' in html
    for q in P.questions:
        assert f'data-id="{q.id}"' in html and q.help.replace("'", "&#39;") in html
    for i in P.indicators:
        assert f'data-id="{i.id}"' in html
    for band in P.bands:
        assert f'value="{band.id}"' in html
    for s in P.settings:
        assert f'value="{s.id}"' in html
    ages = re.findall(r'<option value="(\d+)">', html)
    assert [int(a) for a in ages] == list(range(min(b.min_age for b in P.bands), max(b.max_age for b in P.bands) + 1))


def test_the_data_block_links_every_cited_section_and_lists_the_bands_for_every_age():
    html = checker.checker(P)
    block = re.search(r'<script type="application/json" id="hsb-checker-data">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    cited = {ref for s in P.steps for ref in s.sections} | set(P.consent_always.sections)
    cited |= {ref for r in P.rules for ref in r.sections}
    for ref in cited:
        section = P.section(ref)
        assert data["sections"][ref]["url"] == checker.page_url(section.page) + "#" + section.anchor
    for age, by_development in data["bandsFor"].items():
        assert by_development[""] == da.bands_for_age(int(age))
        for dev, bands in by_development.items():
            assert bands == list(child_bands(P, da.Situation(age=int(age), developmental_band=dev or None)))
    assert data["protocolVersion"] == P.document.current.number
    for c in P.colours:
        assert data["colours"][c.id] == {"label": c.label, "background": c.background, "text": c.text}


def test_the_embedded_checker_has_its_own_heading_and_its_parts_one_level_below():
    html = checker.checker(P, title="Check a behaviour", level=2)
    assert html.lstrip().startswith("## Check a behaviour")
    assert '<h3 class="hsb-part">' in html and 'id="hsb-result-heading"' in html
    assert "data-standalone" not in html and "data-standalone" in checker.checker(P)


def test_no_rule_or_protocol_wording_is_written_in_the_scripts():
    """Everything the checker says about the protocol comes from data, through Python."""
    words = [b.text for b in P.behaviours] + [q.question for q in P.questions] + [i.question for i in P.indicators]
    words += [t.label for t in P.thresholds] + [c.label for c in P.categories] + [s.title for s in P.sections]
    words += [c.background for c in P.colours] + [c.text for c in P.colours] + [b.label for b in P.bands]
    words += [s.label for s in P.settings] + [t.within for t in P.timescales] + list(P.referral.must_include)
    ids = [x for x in [b.id for b in P.behaviours] + [i.id for i in P.indicators] + [t.id for t in P.thresholds]
           if "-" in x]   # ids that are one plain word ("none") may be ordinary code
    phrases = [w for w in words if len(w.split()) > 1 or w.startswith("#")]   # one word alone may be plain English
    labels = [c.label for c in P.colours]                                        # "Red", "Amber", ...
    for script in SCRIPTS:
        text = script.read_text(encoding="utf-8")
        for w in phrases:
            assert w.lower() not in text.lower(), f"{script.name} contains protocol wording: {w!r}"
        for w in labels:
            assert not re.search(rf"\b{re.escape(w)}\b", text), f"{script.name} names the colour {w!r}"
        for i in ids:
            assert not re.search(rf"[\"'`]{re.escape(i)}[\"'`]", text), f"{script.name} names {i!r}"
        assert not re.search(r"\bage\s*[<>]=?\s*\d", text), f"{script.name} compares an age"


def test_the_site_ships_only_the_runtime_files_the_checker_needs(site):
    bundle = bundle_of(site)
    runtime = site / CHECKER_DIR / bundle["runtime"]
    assert sorted(p.name for p in runtime.iterdir()) == sorted([
        "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.mjs.gzip", "pyodide.asm.wasm.gzip", "pyodide-lock.json",
        "python_stdlib.zip.gzip"])
    assert len(list((site / CHECKER_DIR / "pyodide").iterdir())) == 1
    npm = ROOT / "node_modules" / "pyodide"
    assert (runtime / "pyodide.mjs").read_bytes() == (npm / "pyodide.mjs").read_bytes()
    assert (runtime / "pyodide.asm.mjs").read_bytes() == (npm / "pyodide.asm.mjs").read_bytes()
    for name in ("pyodide.asm.mjs", "pyodide.asm.wasm"):
        assert gzip.decompress((runtime / (name + ".gzip")).read_bytes()) == (npm / name).read_bytes(), name
    lock = json.loads((runtime / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"] == {}, "no package can ever be fetched from a CDN"
    assert bundle["pyodide"] == json.loads((npm / "package.json").read_text())["version"]


def test_the_standard_library_is_bytecode_trimmed_to_what_the_checker_imports(site):
    bundle = bundle_of(site)
    stdlib = zipfile.ZipFile(io.BytesIO(gzip.decompress((site / CHECKER_DIR / bundle["stdlib"]).read_bytes())))
    names = set(stdlib.namelist())
    assert not [n for n in names if n.endswith(".py")], "the standard library ships as bytecode"
    for needed in ("json/__init__.pyc", "tomllib/_parser.pyc", "difflib.pyc", "dataclasses.pyc", "re/__init__.pyc",
                   "_pyodide/_base.pyc", "pyodide/__init__.pyc"):
        assert needed in names, needed
    for unused in ("unittest/__init__.pyc", "tkinter/__init__.pyc", "email/message.pyc", "xml/dom/minidom.pyc"):
        assert unused not in names, unused
    # The library a restored snapshot is given holds only what it has not imported yet.
    if bundle["snapshot"]:
        rest = zipfile.ZipFile(site / CHECKER_DIR / bundle["snapshotStdlib"]).namelist()
        assert not set(rest) & {"textwrap.pyc", "json/__init__.pyc", "difflib.pyc"}


def test_the_wheel_carries_decision_aid_and_its_data(site):
    bundle = json.loads((site / "assets" / "checker" / "bundle.json").read_text(encoding="utf-8"))
    wheel = site / "assets" / "checker" / bundle["wheel"]
    names = zipfile.ZipFile(wheel).namelist()
    for name in FILES:
        assert f"decision_aid/_data/{name}" in names
        assert zipfile.ZipFile(wheel).read(f"decision_aid/_data/{name}") == (ROOT / "data" / name).read_bytes()
    assert not [n for n in names if n.startswith(("hsb_review", "macros", "tests"))]


def test_the_probe_is_what_cpython_answers_now(site):
    probe = json.loads((site / "assets" / "checker" / "bundle.json").read_text(encoding="utf-8"))["probe"]
    assert probe["result"] == da.assess(probe["situation"]).to_dict()


def test_the_service_worker_saves_what_the_pages_use_and_is_versioned_by_every_file(site):
    build = sw_build(site)
    files = bundle_offline.site_files(site)
    saved = set(build["files"])
    runtime = f"assets/checker/{bundle_of(site)['runtime']}"
    plain = runtime + "pyodide.asm.mjs"
    for rel in files:
        url = bundle_offline.precache_url(rel)
        left_out = (rel in ("sw.js", bundle_offline.BUILD_ID) or rel.endswith(".map") or rel == plain
                    or rel.startswith("assets/javascripts/lunr/"))    # the search index is English only
        assert (url not in saved) == left_out, rel
    assert build["gunzip"] == {plain: plain + ".gzip"}, "the glue is answered from its saved .gzip"
    assert {"./", "check/", "404.html", "search/search_index.json", runtime + "pyodide.asm.wasm.gzip"} <= saved
    bundle = bundle_of(site)
    assert build["version"] == bundle["build"]
    listed = [p for p in files if p not in ("sw.js", "assets/checker/bundle.json", bundle_offline.BUILD_ID)]
    assert build["version"] == bundle_offline.build_version(site, listed)
    assert (site / bundle_offline.BUILD_ID).read_text(encoding="utf-8").strip() == build["version"]
    assert build["buildId"] == bundle_offline.BUILD_ID


def test_the_offline_copy_is_at_most_10_mb_as_stored(site):
    """Deterministic: the sum of the sizes of the files the service worker saves."""
    files = [rel for rel in bundle_offline.site_files(site) if bundle_offline.precache_url(rel) in sw_build(site)["files"]]
    assert sum((site / rel).stat().st_size for rel in files) <= OFFLINE_LIMIT


def test_bundle_json_carries_the_sha256_of_every_file_the_worker_loads(site):
    checker_dir = site / CHECKER_DIR
    bundle = bundle_of(site)
    runtime = [bundle["runtime"] + p.name for p in (checker_dir / bundle["runtime"]).iterdir()]
    snapshot = [bundle["snapshot"], bundle["snapshotStdlib"]] if bundle["snapshot"] else []
    assert set(bundle["integrity"]) == {*runtime, bundle["wheel"], "bridge.py", *snapshot}
    for rel, sha in bundle["integrity"].items():
        assert hashlib.sha256((checker_dir / rel).read_bytes()).hexdigest() == sha, rel


def test_the_worker_is_served_with_the_pages_policy_less_their_inline_script_hashes(site):
    policy = sw_build(site)["workerPolicy"]
    page = (site / "index.html").read_text(encoding="utf-8")
    page_policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page).group(1)
    assert re.sub(r" 'sha256-[^']*'", "", page_policy) == policy
    assert "connect-src 'self'" in policy and "script-src 'self' 'wasm-unsafe-eval';" in policy


def test_every_npm_runtime_file_is_in_the_cache_keys(tmp_path):
    """A damaged or changed runtime (the wasm included) is never matched with a cached build step."""
    npm = tmp_path / "pyodide"
    shutil.copytree(ROOT / "node_modules" / "pyodide", npm)
    before = bundle_runtime.runtime_key(npm, "314.0.7")
    for name in bundle_runtime.NPM_FILES:
        with (npm / name).open("ab") as f:
            f.write(b"\0")
        after = bundle_runtime.runtime_key(npm, "314.0.7")
        assert after != before, name
        before = after


def test_every_page_loads_the_checker_script_and_styles(site):
    """mkdocs.yml: extra_javascript assets/checker/site.js (type: module), extra_css assets/checker/checker.css."""
    for page in ("index.html", "check/index.html", "appendix/traffic-light-tool/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert re.search(r'<script[^>]*type="module"[^>]*src="[^"]*assets/checker/site\.js"', html) or \
            re.search(r'<script[^>]*src="[^"]*assets/checker/site\.js"[^>]*type="module"', html), \
            f"{page}: add assets/checker/site.js (type: module) to extra_javascript in mkdocs.yml"
        assert re.search(r'<link[^>]*href="[^"]*assets/checker/checker\.css"', html), \
            f"{page}: add assets/checker/checker.css to extra_css in mkdocs.yml"


def test_the_snapshot_is_reproducible(site, tmp_path):
    """Made again from the same inputs, the snapshot (and the library it is restored with)
    has the same bytes, so its hashed name is unchanged and users are not made to download
    it again after a redeploy. Made again here with the JavaScript garbage collector run
    just before the snapshot (HSB_SNAPSHOT_GC=1), as a loaded machine might: a Python object
    freed by a late finalizer would change the bytes (hooks/pyodide_prepare.mjs: value())."""
    checker_dir = site / CHECKER_DIR
    bundle = bundle_of(site)
    if not bundle["snapshot"]:
        pytest.skip("built without a snapshot (HSB_NO_SNAPSHOT=1)")
    stdlib = tmp_path / "python_stdlib.zip"
    stdlib.write_bytes(gzip.decompress((checker_dir / bundle["stdlib"]).read_bytes()))
    raw, rest = tmp_path / "again.bin", tmp_path / "rest.zip"
    made = subprocess.run(["node", "--expose-gc", str(bundle_runtime.NODE_SCRIPT), "snapshot", str(ROOT / "node_modules" / "pyodide"),
                           str(stdlib), str(checker_dir / bundle["wheel"]), str(checker_dir / "bridge.py"), str(raw),
                           str(rest)], check=True, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "HSB_SNAPSHOT_GC": "1"})
    xor = json.loads(made.stdout.splitlines()[-1])
    packed = tmp_path / "again.snapshot"
    packed.write_bytes(bundle_snapshot.sparse(raw.read_bytes(), xor["xorOffset"], xor["xorLength"]))
    again = bundle_runtime.gzipped(packed, tmp_path / "again.snapshot.gzip")
    assert again.read_bytes() == (checker_dir / bundle["snapshot"]).read_bytes()
    assert rest.read_bytes() == (checker_dir / bundle["snapshotStdlib"]).read_bytes()
