"""MkDocs hook: ship ``decision_aid`` to the browser, and make the whole site work offline.

After the pages are written (``on_post_build``) it adds to the built site (paths under
``assets/checker/``; each folder is named by a hash of its files, which never change):

- ``pyodide/<hash>/``: the Pyodide runtime files the checker needs, the large ones gzipped
  (``pyodide.asm.wasm.gzip``, ``pyodide.asm.mjs.gzip``), and ``python_stdlib.zip.gzip``,
  the standard library as bytecode trimmed to what the checker imports (bundle_runtime.py);
- ``wheel/<hash>/*.whl``: ``decision_aid`` with its data;
- ``snapshot/<hash>/``: the start-up snapshot and the library it is restored with
  (bundle_snapshot.py), unless it cannot be made or ``HSB_NO_SNAPSHOT=1``;
- ``bundle.json``: what the worker loads, the SHA-256 of each file as stored (the worker
  checks them before use; gzip's own check then covers the decompressed bytes), and a
  probe: one situation and the answer CPython gives for it with this very wheel;
- ``sw.js`` at the site root (bundle_offline.py): the service worker, with the list of
  files to save for offline use and a version that is a hash of every built file;
- ``build-id.txt`` at the site root: that version alone, which pages fetch uncached to
  learn that a new build is published (file times play no part).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

try:
    from . import bundle_offline as offline, bundle_runtime as rt, bundle_snapshot as snap
except ImportError:   # loaded by MkDocs from hooks/, which is then on sys.path
    import bundle_offline as offline
    import bundle_runtime as rt
    import bundle_snapshot as snap

log = logging.getLogger("mkdocs.hooks.browser_bundle")

ASSETS = "assets/checker"
BRIDGE = "assets/checker/bridge.py"     # in docs/: the page runs it too
STDLIB = rt.STDLIB + rt.GZIP
# Set HSB_NO_SNAPSHOT=1 to build without the snapshot (the checker then starts from bytecode).
NO_SNAPSHOT = os.environ.get("HSB_NO_SNAPSHOT") == "1"
KEEP = 12   # cached wheels and snapshots kept (one per version of the data and code)


@dataclass(frozen=True)
class Bundle:
    pyodide_version: str
    runtime: dict[str, Path]        # site file name -> cached or npm file
    wheel: Path
    probe: dict
    snapshot: snap.Snapshot | None


def prune(cache: Path, used: list[Path]) -> None:
    """Keep the cache small: the entries just used, and the most recently used others."""
    for path in used:
        os.utime(path.parent)
    for prefix in ("wheel-", "snapshot-", "trim-", "stdlib-", "gz-", "lock-"):
        entries = sorted(cache.glob(prefix + "*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP if prefix in ("wheel-", "snapshot-", "trim-") else 2:]:
            shutil.rmtree(old, ignore_errors=True)


def prepare(project: Path, docs: Path) -> Bundle:
    """Everything the browser needs, built or taken from the cache."""
    npm = rt.pyodide_dir(project)
    version = json.loads((npm / "package.json").read_text(encoding="utf-8"))["version"]
    cache = rt.cache_root(project)
    runtime = rt.runtime_key(npm, version)
    wheel_path = rt.wheel(project, cache)
    bridge = docs / BRIDGE
    full = rt.compiled_stdlib(npm, version, cache, runtime)
    trimmed = rt.trimmed_stdlib(npm, full, wheel_path, bridge, cache)
    files = {**rt.npm_runtime(npm, version, cache, runtime), STDLIB: rt.gzipped(trimmed, trimmed.with_name(STDLIB))}
    made = None if NO_SNAPSHOT else snap.make(npm, runtime, trimmed, wheel_path, bridge, cache)
    bundle = Bundle(pyodide_version=version, runtime=files, wheel=wheel_path, probe=rt.probe(wheel_path), snapshot=made)
    prune(cache, [full, trimmed, wheel_path, files["pyodide-lock.json"], *([made.file] if made else [])])
    return bundle


def _copy(source: Path, site: Path, rel: str) -> None:
    dest = site / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def _folder(kind: str, files: dict[str, Path]) -> str:
    return f"{kind}/{rt.sha(*(f'{name}:{rt.file_sha(path)}'.encode() for name, path in sorted(files.items())))[:16]}/"


def install(bundle: Bundle, site: Path) -> dict:
    """Copy the bundle into the site under content-hashed folders; returns bundle.json's content."""
    integrity: dict[str, str] = {"bridge.py": rt.file_sha(site / BRIDGE)}   # path from assets/checker/ -> SHA-256

    def put(folder: str, files: dict[str, Path]) -> None:
        for name, path in files.items():
            _copy(path, site, f"{ASSETS}/{folder}{name}")
            integrity[folder + name] = rt.file_sha(path)

    runtime_dir = _folder("pyodide", bundle.runtime)
    put(runtime_dir, bundle.runtime)
    wheel_dir = _folder("wheel", {bundle.wheel.name: bundle.wheel})
    put(wheel_dir, {bundle.wheel.name: bundle.wheel})
    snapshot_dir = None
    if bundle.snapshot is not None:
        made = {snap.SNAPSHOT: bundle.snapshot.file, snap.REST: bundle.snapshot.rest}
        snapshot_dir = _folder("snapshot", made)
        put(snapshot_dir, made)
    # Paths are relative to assets/checker/ (where the worker is).
    return {
        "pyodide": bundle.pyodide_version,
        "runtime": runtime_dir,
        "stdlib": runtime_dir + STDLIB,
        "wheel": wheel_dir + bundle.wheel.name,
        "snapshot": snapshot_dir and snapshot_dir + snap.SNAPSHOT,
        "snapshotStdlib": snapshot_dir and snapshot_dir + snap.REST,
        # The worker gives Pyodide an image this size before the file is in.
        "snapshotMemory": bundle.snapshot.memory if bundle.snapshot else None,
        "immutable": [f"{ASSETS}/pyodide/", f"{ASSETS}/wheel/", f"{ASSETS}/snapshot/"],
        "integrity": integrity,
        "probe": bundle.probe,
    }


def on_post_build(config) -> None:
    project = Path(config.config_file_path).resolve().parent
    site = Path(config.site_dir)
    bundle = prepare(project, Path(config.docs_dir))
    manifest = install(bundle, site)
    for generated in (*offline.GENERATED, f"{ASSETS}/bundle.json"):
        (site / generated).unlink(missing_ok=True)
    files = offline.site_files(site)
    version = offline.build_version(site, files)
    manifest = {"build": version, **manifest}
    (site / ASSETS / "bundle.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    # The glue's plain copy is answered from its .gzip by the service worker.
    plain = f"{ASSETS}/{manifest['runtime']}pyodide.asm.mjs"
    gunzip = {plain: plain + rt.GZIP}
    saved = offline.offline_files(site, sorted([*files, f"{ASSETS}/bundle.json"]), gunzip)
    (site / "sw.js").write_text(offline.service_worker(version, saved, manifest["immutable"], gunzip), encoding="utf-8")
    (site / offline.BUILD_ID).write_text(version + "\n", encoding="utf-8")
    size = sum((site / f).stat().st_size for f in saved)
    log.info("Checker bundle: Pyodide %s, %s, build %s; offline copy %d files, %.2f MB.", bundle.pyodide_version,
             "with snapshot" if bundle.snapshot else "no snapshot", version, len(saved), size / 1e6)
