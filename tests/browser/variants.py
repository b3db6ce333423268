"""Damaged or republished copies of the built site, made by copying its folder and editing
files (no rebuild), and the page-side checks the runtime tests share."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import decision_aid as da

CHECKER = Path("assets") / "checker"

# Resolves within `ms` with how the checker's start ended: ready, failed, or still waiting.
SETTLE = """ms => Promise.race([
  window.decisionAid.ready.then(
    info => ({ready: info}),
    e => ({failed: {name: e.name, kind: e.kind, message: e.message}})),
  new Promise(resolve => setTimeout(() => resolve({hung: true}), ms)),
])"""

# Resolves once the service worker controlling the page is the given version.
# (or false after 90 s: a test must never wait for ever).
CONTROLLED_BY = """version => new Promise(resolve => {
  const sw = navigator.serviceWorker;
  const ask = () => sw.controller && sw.controller.postMessage({type: "version"});
  sw.addEventListener("message", e => e.data.version === version ? resolve(true) : setTimeout(ask, 200));
  sw.addEventListener("controllerchange", ask);
  setTimeout(() => resolve(false), 90000);
  ask();
})"""

# Resolves true once the only saved copy is the given version's (false after 60 s).
ONLY_CACHE = """async (version) => {
  for (let waited = 0; waited < 60000; waited += 200) {
    const names = await caches.keys();
    if (names.length === 1 && names[0] === "hsb-site-" + version) return true;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return false;
}"""

ASSESS_ALL = """async (situations) => {
  const out = [];
  for (const s of situations) {
    try { out.push({ok: await window.decisionAid.assess(s)}); }
    catch (e) { out.push({error: e.message, name: e.name, kind: e.kind || null}); }
  }
  return out;
}"""


def copy_site(site: Path, to: Path) -> Path:
    shutil.copytree(site, to)
    return to


def bundle(site: Path) -> dict[str, Any]:
    return json.loads((site / CHECKER / "bundle.json").read_text(encoding="utf-8"))


def write_bundle(site: Path, content: dict[str, Any]) -> None:
    (site / CHECKER / "bundle.json").write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")


def file_of(site: Path, rel: str) -> Path:
    """A file named in bundle.json (paths there are relative to assets/checker/)."""
    return site / CHECKER / rel


def rehash(site: Path, rel: str) -> None:
    """Record a file's new SHA-256 in bundle.json, as a build that made it so would."""
    content = bundle(site)
    content["integrity"][rel] = hashlib.sha256(file_of(site, rel).read_bytes()).hexdigest()
    write_bundle(site, content)


def zero(path: Path, at: float, length: int = 1 << 20) -> None:
    """Zero `length` bytes starting at fraction `at` of the file."""
    data = bytearray(path.read_bytes())
    start = min(int(len(data) * at), len(data) - length)
    data[start:start + length] = bytes(length)
    path.write_bytes(bytes(data))


def republish(site: Path, marker: str, build: str) -> str:
    """Make `site` a new build: the home page carries `marker`, and sw.js, bundle.json and
    build-id.txt carry the build id `build`. Returns the old build id."""
    old = bundle(site)["build"]
    home = site / "index.html"
    text = re.sub(r'\n<p id="published">[^<]*</p>', "", home.read_text(encoding="utf-8"))
    home.write_text(text.replace("</h1>", f'</h1>\n<p id="published">{marker}</p>', 1), encoding="utf-8")
    sw = site / "sw.js"
    sw.write_text(sw.read_text(encoding="utf-8").replace(f'"version":"{old}"', f'"version":"{build}"'), encoding="utf-8")
    content = bundle(site)
    content["build"] = build
    write_bundle(site, content)
    (site / "build-id.txt").write_text(build + "\n", encoding="utf-8")
    return old


def set_times(site: Path, when: float) -> None:
    for path in site.rglob("*"):
        if path.is_file():
            os.utime(path, (when, when))


def cpython(situation: Any) -> dict[str, Any]:
    try:
        return {"ok": da.assess(situation).to_dict()}
    except da.InvalidSituation as e:
        return {"error": str(e), "name": "InvalidSituation", "kind": None}


def sample_situations() -> list[dict[str, Any]]:
    """A few situations from data: one behaviour of each colour in each band, at that band's first age."""
    p = da.protocol()
    out = []
    for band in p.bands:
        seen: dict[str, str] = {}
        for b in p.behaviours:
            if b.band == band.id:
                seen.setdefault(b.colour, b.id)
        out.append({"age": band.min_age, "behaviours": list(seen.values())})
    return out


def plain(message: str) -> bool:
    """A message fit for a user: no traceback, file path, Python type or Python literal."""
    return not re.search(r"Traceback|File \"|/lib/|/tmp/|\.py\b|Error:|\b(None|True|False)\b", message)
