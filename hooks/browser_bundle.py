"""MkDocs hook: ship ``decision_aid`` to the browser, and make the whole site work offline.

After the pages are written (``on_post_build``) it adds to the built site:

- ``assets/checker/pyodide/<hash>/``: only the Pyodide runtime files the checker needs, from
  ``node_modules/pyodide`` (pinned in package.json), with ``python_stdlib.zip`` precompiled to
  bytecode by Pyodide itself under Node (``hooks/pyodide_prepare.mjs``: no other interpreter
  can make it) and ``pyodide-lock.json`` with its package list emptied.
- ``assets/checker/wheel/<hash>/*.whl``: ``decision_aid`` with its data, built by pip
  (``pip wheel --no-deps``) from pyproject.toml, which maps data/ into the package.
- ``assets/checker/snapshot/<hash>/decision_aid.snapshot``: a memory snapshot of Pyodide with
  decision_aid imported and docs/assets/checker/bridge.py run, stored sparsely (zero pages
  left out). A private Pyodide API, so the browser checks it and falls back to the bytecode
  start if it fails; a build where it cannot be made ships none.
- ``assets/checker/bundle.json``: what the worker loads, the SHA-256 of each of those
  files (the worker checks them before use), and a probe: one situation and the answer
  CPython gives for it with this very wheel, which the browser re-checks.
- ``sw.js`` at the site root: the service worker, with the list of every built file, a
  version that is a hash of them all, and the policy it serves the checker's worker with.
- ``build-id.txt`` at the site root: that version alone, which pages fetch uncached to
  learn that a new build is published (file times play no part).

Paths under a hash never change content: the service worker serves them from its cache
first. The slow steps (bytecode, wheel, snapshot) are cached in ``.cache/browser_bundle/``
beside node_modules, keyed by a hash of every input (the npm runtime files included). The
snapshot is reproducible (same inputs, same bytes), so it keeps its hashed name.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.browser_bundle")

HOOKS = Path(__file__).resolve().parent
NODE_SCRIPT = HOOKS / "pyodide_prepare.mjs"
SW_TEMPLATE = HOOKS / "service_worker.js"
SW_MARKER = "/*BUILD*/ null"
ASSETS = "assets/checker"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json")
STDLIB = "python_stdlib.zip"
SNAPSHOT = "decision_aid.snapshot"
BRIDGE = "assets/checker/bridge.py"     # in docs/: the page runs it too
SNAPSHOT_MAGIC = b"HSBSNAP1"
SNAPSHOT_PAGE = 4096
BUILD_ID = "build-id.txt"
# Set HSB_NO_SNAPSHOT=1 to build without the snapshot (the checker then starts from bytecode).
NO_SNAPSHOT = os.environ.get("HSB_NO_SNAPSHOT") == "1"

PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import decision_aid as da
p = da.protocol()
age = p.bands[0].max_age                      # where bands overlap, a boundary age
bands = da.bands_for_age(age)
first_of_colour = {}
for b in p.behaviours:
    if b.band in bands:
        first_of_colour.setdefault(b.colour, b.id)
situation = {"age": age, "behaviours": list(first_of_colour.values()), "indicators": [p.indicators[0].id],
             "another_child_harmed": True, "setting": p.settings[0].id}
print(json.dumps({"module": da.__file__, "situation": situation, "result": da.assess(situation).to_dict()}))
"""


@dataclass(frozen=True)
class Bundle:
    pyodide_version: str
    runtime: dict[str, Path]        # site file name -> cached or npm file
    wheel: Path
    probe: dict
    snapshot: Path | None


def _sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _run(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    except FileNotFoundError:
        raise PluginError(f"{what}: '{args[0]}' is not installed. Install Node 20+ and run 'make setup'.") from None
    except subprocess.TimeoutExpired:
        raise PluginError(f"{what}: gave no answer within 10 minutes.") from None
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise PluginError(f"{what} failed:\n{tail}")
    return result


def _pyodide_dir(project: Path) -> Path:
    npm = project / "node_modules" / "pyodide"
    if not (npm / "package.json").is_file():
        raise PluginError("node_modules/pyodide is missing, so the checker cannot be built: run 'npm ci' "
                          "(or 'make setup') in the project folder, then build again.")
    missing = [f for f in (*RUNTIME_FILES, STDLIB) if not (npm / f).is_file()]
    if missing:
        raise PluginError(f"node_modules/pyodide lacks {', '.join(missing)}: reinstall it with 'npm ci'.")
    return npm


def cache_root(project: Path) -> Path:
    """``.cache/browser_bundle`` beside the real node_modules, so test copies of the project share it."""
    node_modules = (project / "node_modules").resolve()
    return node_modules.parent / ".cache" / "browser_bundle"


def _publish(tmp: Path, final: Path) -> Path:
    """Move a finished file into the cache atomically (parallel builds may race: either wins)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return final


def runtime_key(npm: Path, version: str) -> str:
    """A hash of every npm runtime file: a damaged or different runtime is never matched in the cache."""
    return _sha(version.encode(), *(f"{name}:{_file_sha(npm / name)}".encode() for name in (*RUNTIME_FILES, STDLIB)))


def compiled_stdlib(npm: Path, version: str, cache: Path, runtime: str) -> Path:
    key = f"stdlib-{version}-{_sha(NODE_SCRIPT.read_bytes(), runtime.encode())[:12]}"
    target = cache / key / STDLIB
    if not target.is_file():
        log.info("Compiling Pyodide %s's standard library to bytecode (once per Pyodide version)...", version)
        tmp = cache / key / f".{os.getpid()}.{STDLIB}"
        tmp.parent.mkdir(parents=True, exist_ok=True)
        _run(["node", str(NODE_SCRIPT), "compile-stdlib", str(npm), str(tmp)],
             "Compiling the standard library in Pyodide (if node_modules/pyodide is damaged, run 'npm ci')")
        _publish(tmp, target)
    return target


def lock_file(npm: Path, version: str, cache: Path, runtime: str) -> Path:
    """pyodide-lock.json with its package list emptied: the checker loads no package from it,
    and an empty list guarantees none is ever fetched (from a CDN or anywhere else)."""
    target = cache / f"lock-{version}-{runtime[:12]}" / "pyodide-lock.json"
    if not target.is_file():
        lock = json.loads((npm / "pyodide-lock.json").read_text(encoding="utf-8"))
        tmp = target.with_name(f".{os.getpid()}.json")
        tmp.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps({"info": lock["info"], "packages": {}}), encoding="utf-8")
        _publish(tmp, target)
    return target


def _wheel_inputs(project: Path) -> list[Path]:
    files = [project / "pyproject.toml"]
    files += sorted(p for p in (project / "decision_aid").rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted((project / "data").glob("*.toml"))
    return files


def wheel(project: Path, cache: Path) -> Path:
    """The decision_aid wheel, built by pip from a clean copy of its sources (cached by their hash)."""
    inputs = _wheel_inputs(project)
    key = "wheel-" + _sha(*(f.relative_to(project).as_posix().encode() + b"\0" + f.read_bytes() for f in inputs))[:16]
    folder = cache / key
    found = sorted(folder.glob("*.whl")) if folder.is_dir() else []
    if found:
        return found[0]
    log.info("Building the decision_aid wheel...")
    with tempfile.TemporaryDirectory(prefix="hsb-wheel-") as tmp_name:
        src, out = Path(tmp_name) / "src", Path(tmp_name) / "out"
        for f in inputs:
            dest = src / f.relative_to(project)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(f, dest)
        readme = project / "README.md"
        shutil.copyfile(readme, src / "README.md") if readme.is_file() else (src / "README.md").write_text("")
        env = {**os.environ, "SOURCE_DATE_EPOCH": "315532800", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(src)],
             "Building the decision_aid wheel (pip wheel)", env=env, cwd=tmp_name)
        built = sorted(out.glob("*.whl"))
        if len(built) != 1:
            raise PluginError(f"Building the decision_aid wheel gave {len(built)} wheels, expected one.")
        _check_wheel(built[0], project)
        folder.mkdir(parents=True, exist_ok=True)
        return _publish(built[0], folder / built[0].name)


def _check_wheel(path: Path, project: Path) -> None:
    from decision_aid.loader import FILES   # the data files decision_aid reads

    names = set(zipfile.ZipFile(path).namelist())
    wanted = {f"decision_aid/_data/{name}" for name in FILES}
    wanted |= {f"decision_aid/{p.name}" for p in (project / "decision_aid").glob("*.py")}
    missing = sorted(wanted - names)
    if missing:
        raise PluginError(f"The decision_aid wheel lacks {', '.join(missing)}: check [tool.setuptools] in pyproject.toml.")


def probe(wheel_path: Path) -> dict:
    """One situation and CPython's answer for it, computed with the wheel itself (cached beside it)."""
    target = wheel_path.with_suffix(".probe.json")
    if target.is_file():
        return json.loads(target.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="hsb-probe-") as tmp:
        unpacked = Path(tmp) / "site-packages"
        zipfile.ZipFile(wheel_path).extractall(unpacked)   # installed as in the browser
        # -S: no site-packages (so not the editable install); the cwd holds no decision_aid.
        result = _run([sys.executable, "-S", "-c", PROBE, str(unpacked)], "Checking the decision_aid wheel", cwd=tmp)
        found = json.loads(result.stdout)
    if not found.pop("module").startswith(str(unpacked)):
        raise PluginError("Checking the decision_aid wheel: decision_aid was not imported from the wheel.")
    tmp_file = target.with_suffix(f".{os.getpid()}.tmp")
    tmp_file.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    _publish(tmp_file, target)
    return found


def sparse(raw: bytes) -> bytes:
    """The snapshot without its all-zero pages: header, (offset, length) runs, then the runs' bytes.

    The browser rebuilds it into a zeroed buffer (docs/assets/checker/worker.js); this
    keeps 31 MB of memory to about 14 MB on the wire without a slow decompression step.
    """
    zero = bytes(SNAPSHOT_PAGE)
    runs: list[tuple[int, int]] = []
    start = None
    for offset in range(0, len(raw), SNAPSHOT_PAGE):
        empty = raw[offset:offset + SNAPSHOT_PAGE] == zero[:len(raw) - offset]
        if not empty and start is None:
            start = offset
        elif empty and start is not None:
            runs.append((start, offset - start))
            start = None
    if start is not None:
        runs.append((start, len(raw) - start))
    header = SNAPSHOT_MAGIC + struct.pack("<II", len(raw), len(runs))
    table = b"".join(struct.pack("<II", o, n) for o, n in runs)
    return header + table + b"".join(raw[o:o + n] for o, n in runs)


def snapshot(npm: Path, runtime: str, stdlib: Path, wheel_path: Path, bridge: Path, cache: Path) -> Path | None:
    key = "snapshot-" + _sha(runtime.encode(), _file_sha(stdlib).encode(), _file_sha(wheel_path).encode(),
                             NODE_SCRIPT.read_bytes(), bridge.read_bytes())[:16]
    target = cache / key / SNAPSHOT
    failed = cache / key / "failed.txt"
    if target.is_file():
        return target
    if failed.is_file():
        return None
    log.info("Making the checker's start-up snapshot...")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw_file = target.parent / f".{os.getpid()}.raw"
    try:
        _run(["node", str(NODE_SCRIPT), "snapshot", str(npm), str(stdlib), str(wheel_path), str(bridge), str(raw_file)],
             "Making the snapshot")
    except PluginError as e:
        # The snapshot is an optional speed-up through a private API: the checker works without it.
        failed.write_text(str(e), encoding="utf-8")
        log.info("No start-up snapshot (the checker will start from bytecode): %s", str(e).splitlines()[0])
        return None
    tmp = target.parent / f".{os.getpid()}.sparse"
    tmp.write_bytes(sparse(raw_file.read_bytes()))
    raw_file.unlink()
    return _publish(tmp, target)


KEEP = 12   # cached wheels and snapshots kept (one per version of the data and code)


def prune(cache: Path, used: list[Path]) -> None:
    """Keep the cache small: the entries just used, and the most recently used others."""
    for path in used:
        os.utime(path.parent)
    for prefix in ("wheel-", "snapshot-", "stdlib-", "lock-"):
        entries = sorted(cache.glob(prefix + "*"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP if prefix in ("wheel-", "snapshot-") else 2:]:
            shutil.rmtree(old, ignore_errors=True)


def prepare(project: Path, docs: Path) -> Bundle:
    """Everything the browser needs, built or taken from the cache."""
    npm = _pyodide_dir(project)
    version = json.loads((npm / "package.json").read_text(encoding="utf-8"))["version"]
    cache = cache_root(project)
    runtime = runtime_key(npm, version)
    stdlib = compiled_stdlib(npm, version, cache, runtime)
    wheel_path = wheel(project, cache)
    bundle = Bundle(
        pyodide_version=version,
        runtime={**{name: npm / name for name in RUNTIME_FILES}, STDLIB: stdlib,
                 "pyodide-lock.json": lock_file(npm, version, cache, runtime)},
        wheel=wheel_path,
        probe=probe(wheel_path),
        snapshot=None if NO_SNAPSHOT else snapshot(npm, runtime, stdlib, wheel_path, docs / BRIDGE, cache),
    )
    lock = bundle.runtime["pyodide-lock.json"]
    prune(cache, [p for p in (stdlib, wheel_path, bundle.snapshot, lock) if p is not None])
    return bundle


def _copy(source: Path, site: Path, rel: str) -> None:
    dest = site / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)


def install(bundle: Bundle, site: Path) -> dict:
    """Copy the bundle into the site under content-hashed folders; returns bundle.json's content."""
    integrity: dict[str, str] = {"bridge.py": _file_sha(site / BRIDGE)}   # path from assets/checker/ -> SHA-256
    runtime_hash = _sha(*(f"{name}:{_file_sha(path)}".encode() for name, path in sorted(bundle.runtime.items())))[:16]
    runtime_dir = f"pyodide/{runtime_hash}/"
    for name, path in bundle.runtime.items():
        _copy(path, site, f"{ASSETS}/{runtime_dir}{name}")
        integrity[runtime_dir + name] = _file_sha(path)
    wheel_rel = f"wheel/{_file_sha(bundle.wheel)[:16]}/{bundle.wheel.name}"
    _copy(bundle.wheel, site, f"{ASSETS}/{wheel_rel}")
    integrity[wheel_rel] = _file_sha(bundle.wheel)
    snapshot_rel = snapshot_memory = None
    if bundle.snapshot is not None:
        snapshot_rel = f"snapshot/{_file_sha(bundle.snapshot)[:16]}/{SNAPSHOT}"
        _copy(bundle.snapshot, site, f"{ASSETS}/{snapshot_rel}")
        integrity[snapshot_rel] = _file_sha(bundle.snapshot)
        with bundle.snapshot.open("rb") as f:
            header = f.read(16)
        snapshot_memory = struct.unpack("<I", header[8:12])[0]   # sparse(): the memory image's size
    # Paths are relative to assets/checker/ (where the worker is).
    return {
        "pyodide": bundle.pyodide_version,
        "runtime": runtime_dir,
        "stdlib": runtime_dir + STDLIB,
        "wheel": wheel_rel,
        "snapshot": snapshot_rel,
        "snapshotMemory": snapshot_memory,   # the worker gives Pyodide an image this size before the file is in
        "immutable": [f"{ASSETS}/pyodide/", f"{ASSETS}/wheel/", f"{ASSETS}/snapshot/"],
        "integrity": integrity,
        "probe": bundle.probe,
    }


def site_files(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def build_version(site: Path, files: list[str]) -> str:
    return _sha(*(f"{rel}:{_file_sha(site / rel)}".encode() for rel in files))[:16]


def precache_url(rel: str) -> str:
    """How a page is asked for: 'check/index.html' as 'check/', the home page as './'."""
    if rel == "index.html":
        return "./"
    if rel.endswith("/index.html"):
        return rel.removesuffix("index.html")
    return rel


def worker_policy() -> str:
    """The pages' Content-Security-Policy without their inline-script hashes (hooks/csp.py):
    the service worker serves the checker's worker with it, as a header."""
    spec = importlib.util.spec_from_file_location("hsb_csp_for_workers", HOOKS / "csp.py")
    csp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(csp)
    return csp.policy("")


def service_worker(version: str, files: list[str], immutable: list[str]) -> str:
    template = SW_TEMPLATE.read_text(encoding="utf-8")
    if template.count(SW_MARKER) != 1:
        raise PluginError(f"{SW_TEMPLATE.name} must contain the marker {SW_MARKER} exactly once.")
    build = {"version": version, "files": [precache_url(f) for f in files], "immutable": immutable,
             "buildId": BUILD_ID, "workerPolicy": worker_policy()}
    return template.replace(SW_MARKER, json.dumps(build, indent=None, separators=(",", ":")))


def on_post_build(config) -> None:
    project = Path(config.config_file_path).resolve().parent
    site = Path(config.site_dir)
    bundle = prepare(project, Path(config.docs_dir))
    manifest = install(bundle, site)
    for generated in ("sw.js", BUILD_ID, f"{ASSETS}/bundle.json"):
        (site / generated).unlink(missing_ok=True)
    files = site_files(site)
    version = build_version(site, files)
    manifest = {"build": version, **manifest}
    (site / ASSETS / "bundle.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    files = sorted([*files, f"{ASSETS}/bundle.json"])
    (site / "sw.js").write_text(service_worker(version, files, manifest["immutable"]), encoding="utf-8")
    (site / BUILD_ID).write_text(version + "\n", encoding="utf-8")   # not precached: always asked of the host
    log.info("Checker bundle: Pyodide %s, %s, build %s, %d files for offline use.", bundle.pyodide_version,
             "with snapshot" if bundle.snapshot else "no snapshot", version, len(files) + 1)
