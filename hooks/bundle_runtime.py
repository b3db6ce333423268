"""The Pyodide runtime files and the decision_aid wheel, made once and cached (hooks/browser_bundle.py).

- The npm runtime (``node_modules/pyodide``, pinned in package.json): the WebAssembly and
  its JavaScript glue are shipped gzipped (``<name>.gzip``; worker.js decompresses them
  with DecompressionStream), the loader and the lock file as they are (the lock file
  with its package list emptied, so nothing can ever be fetched from a CDN).
- The standard library: compiled to bytecode by Pyodide itself under Node
  (hooks/pyodide_prepare.mjs: no other interpreter can make it), then trimmed to the
  modules Pyodide's own start and decision_aid import, shipped as one gzipped zip.
- The wheel (``pip wheel --no-deps``; pyproject.toml maps data/ into the package), and a
  probe: one situation and the answer CPython gives for it with that very wheel.

Every step is cached in ``.cache/browser_bundle/`` beside node_modules, keyed by a hash of
every input (the npm runtime files included), and every output is deterministic.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.browser_bundle")

HOOKS = Path(__file__).resolve().parent
NODE_SCRIPT = HOOKS / "pyodide_prepare.mjs"
NPM_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json", "python_stdlib.zip")
# Not .gz: some hosts (Apache's "AddEncoding x-gzip .gz") would send those with
# Content-Encoding: gzip, so the browser would hand over bytes that no longer match their hash.
GZIP = ".gzip"
COMPRESSED = ("pyodide.asm.wasm", "pyodide.asm.mjs")
STDLIB = "python_stdlib.zip"

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


def sha(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def file_sha(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def run(args: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
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


def node(command: str, *args: Path | str, what: str) -> dict:
    """Run one command of hooks/pyodide_prepare.mjs; returns the JSON line it prints."""
    result = run(["node", str(NODE_SCRIPT), command, *map(str, args)], what)
    return json.loads(result.stdout.strip().splitlines()[-1])


def pyodide_dir(project: Path) -> Path:
    npm = project / "node_modules" / "pyodide"
    if not (npm / "package.json").is_file():
        raise PluginError("node_modules/pyodide is missing, so the checker cannot be built: run 'npm ci' "
                          "(or 'make setup') in the project folder, then build again.")
    missing = [f for f in NPM_FILES if not (npm / f).is_file()]
    if missing:
        raise PluginError(f"node_modules/pyodide lacks {', '.join(missing)}: reinstall it with 'npm ci'.")
    return npm


def cache_root(project: Path) -> Path:
    """``.cache/browser_bundle`` beside the real node_modules, so test copies of the project share it."""
    node_modules = (project / "node_modules").resolve()
    return node_modules.parent / ".cache" / "browser_bundle"


def publish(tmp: Path, final: Path) -> Path:
    """Move a finished file into the cache atomically (parallel builds may race: either wins)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp, final)
    return final


def temporary(target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    return target.with_name(f".{os.getpid()}.{target.name}")


def gzipped(source: Path, target: Path) -> Path:
    """``source`` gzipped at level 9 with no name or time in the header: the same bytes every build."""
    if not target.is_file():
        tmp = temporary(target)
        with source.open("rb") as f, tmp.open("wb") as out, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9,
                                                                         mtime=0, filename="") as z:
            shutil.copyfileobj(f, z, 1 << 20)
        publish(tmp, target)
    return target


def runtime_key(npm: Path, version: str) -> str:
    """A hash of every npm runtime file: a damaged or different runtime is never matched in the cache."""
    return sha(version.encode(), *(f"{name}:{file_sha(npm / name)}".encode() for name in NPM_FILES))


def npm_runtime(npm: Path, version: str, cache: Path, runtime: str) -> dict[str, Path]:
    """The runtime files as shipped: site file name -> file (the large ones gzipped)."""
    folder = cache / f"gz-{version}-{runtime[:12]}"
    files = {"pyodide.mjs": npm / "pyodide.mjs", "pyodide-lock.json": lock_file(npm, folder)}
    for name in COMPRESSED:
        files[name + GZIP] = gzipped(npm / name, folder / (name + GZIP))
    # The glue as it is too: imported only where a worker may not import a blob: module
    # (worker.js); never saved for offline use (the service worker serves it from the .gzip).
    files["pyodide.asm.mjs"] = npm / "pyodide.asm.mjs"
    return files


def lock_file(npm: Path, folder: Path) -> Path:
    """pyodide-lock.json with its package list emptied: the checker loads no package from it,
    and an empty list guarantees none is ever fetched (from a CDN or anywhere else)."""
    target = folder / "pyodide-lock.json"
    if not target.is_file():
        lock = json.loads((npm / "pyodide-lock.json").read_text(encoding="utf-8"))
        tmp = temporary(target)
        tmp.write_text(json.dumps({"info": lock["info"], "packages": {}}), encoding="utf-8")
        publish(tmp, target)
    return target


def compiled_stdlib(npm: Path, version: str, cache: Path, runtime: str) -> Path:
    """The whole standard library as bytecode (made once per Pyodide version and script)."""
    target = cache / f"stdlib-{version}-{sha(NODE_SCRIPT.read_bytes(), runtime.encode())[:12]}" / STDLIB
    if not target.is_file():
        log.info("Compiling Pyodide %s's standard library to bytecode (once per Pyodide version)...", version)
        tmp = temporary(target)
        node("compile-stdlib", npm, tmp,
             what="Compiling the standard library in Pyodide (if node_modules/pyodide is damaged, run 'npm ci')")
        publish(tmp, target)
    return target


def trimmed_stdlib(npm: Path, full: Path, wheel_path: Path, bridge: Path, cache: Path) -> Path:
    """Only the modules Pyodide's start and the checker import (found by running them)."""
    key = sha(file_sha(full).encode(), file_sha(wheel_path).encode(), bridge.read_bytes(), NODE_SCRIPT.read_bytes())
    target = cache / f"trim-{key[:16]}" / STDLIB
    if not target.is_file():
        log.info("Trimming the standard library to what the checker imports...")
        tmp = temporary(target)
        node("trim-stdlib", npm, full, wheel_path, bridge, tmp, what="Trimming the standard library")
        publish(tmp, target)
    return target


def _wheel_inputs(project: Path) -> list[Path]:
    files = [project / "pyproject.toml"]
    files += sorted(p for p in (project / "decision_aid").rglob("*.py") if "__pycache__" not in p.parts)
    files += sorted((project / "data").glob("*.toml"))
    return files


def wheel(project: Path, cache: Path) -> Path:
    """The decision_aid wheel, built by pip from a clean copy of its sources (cached by their hash)."""
    inputs = _wheel_inputs(project)
    key = "wheel-" + sha(*(f.relative_to(project).as_posix().encode() + b"\0" + f.read_bytes() for f in inputs))[:16]
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
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(out), str(src)],
            "Building the decision_aid wheel (pip wheel)", env=env, cwd=tmp_name)
        built = sorted(out.glob("*.whl"))
        if len(built) != 1:
            raise PluginError(f"Building the decision_aid wheel gave {len(built)} wheels, expected one.")
        _check_wheel(built[0], project)
        folder.mkdir(parents=True, exist_ok=True)
        return publish(built[0], folder / built[0].name)


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
        result = run([sys.executable, "-S", "-c", PROBE, str(unpacked)], "Checking the decision_aid wheel", cwd=tmp)
        found = json.loads(result.stdout)
    if not found.pop("module").startswith(str(unpacked)):
        raise PluginError("Checking the decision_aid wheel: decision_aid was not imported from the wheel.")
    tmp_file = target.with_suffix(f".{os.getpid()}.tmp")
    tmp_file.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")
    publish(tmp_file, target)
    return found
