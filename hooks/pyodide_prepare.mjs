// Build-time helper for hooks/bundle_python.py: runs Pyodide itself under Node, because
// bytecode for Pyodide must come from Pyodide's own interpreter (CPython 3.14.2 in
// Pyodide 314; other interpreters' .pyc files fail with "bad magic number").
//
//   node hooks/pyodide_prepare.mjs compile-stdlib <pyodide dir> <out.zip>
//       Writes the whole standard library compiled to bytecode (unchecked hash-based
//       .pyc, sources dropped), smaller by half for the wire and for the snapshot:
//       docstrings and asserts left out, as by python -OO (nothing the checker runs
//       reads a docstring), and line tables that map every instruction to its
//       function's first line (line numbers only ever show in tracebacks, which the
//       checker never shows; decision_aid and bridge.py keep theirs, compiled in the
//       browser). Entries are stored, not deflated: the file is shipped gzipped whole,
//       which compresses better. Deterministic: entries sorted, fixed timestamps.
//
//   node hooks/pyodide_prepare.mjs trim-stdlib <pyodide dir> <stdlib.zip> <wheel> <bridge.py> <out.zip>
//       Starts Pyodide on that library, installs the wheel and runs the page's bridge
//       with its warm-up (every behaviour, every kind of bad input), then keeps only the
//       modules that were imported: what Pyodide's own start and decision_aid need.
//
//   node hooks/pyodide_prepare.mjs snapshot <pyodide dir> <stdlib.zip> <wheel> <bridge.py> <out.bin> <rest.zip>
//       Starts Pyodide on the (trimmed) library, installs the wheel, runs the bridge
//       (docs/assets/checker/bridge.py: imports decision_aid, loads its data, defines the
//       functions the page calls, warms pure caches), then saves a memory snapshot.
//       A restored interpreter already holds every module it imported, so the library
//       it is given in the browser is <rest.zip>: the modules of <stdlib.zip> not yet
//       imported (usually none), swapped in before the snapshot is taken. The static
//       data (the wasm's data segments, 3.8 MB) is XORed with the memory a fresh
//       instance starts with, so it is nearly all zeros; worker.js XORs it back.
//       The snapshot API is private to Pyodide: the browser uses it only behind a
//       fallback. Reproducible: the same inputs give the same bytes (reproducible()).
//
// Prints one JSON line with what it did; exits non-zero with a message on failure.

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [command, ...args] = process.argv.slice(2);

async function pyodideAt(dir, options = {}) {
  const { loadPyodide } = await import(pathToFileURL(path.join(dir, "pyodide.mjs")).href);
  return loadPyodide({ indexURL: dir + path.sep, stdout: () => {}, stderr: (m) => console.error(m), ...options });
}

const COMPILE = `
import importlib.util
import importlib._bootstrap_external as _be
import types
import zipfile

def first_line_only(code):
    # Location table entries (Objects/locations.md): code 13, "no column", line delta 0,
    # each covering up to 8 code units.
    units, table = len(code.co_code) // 2, bytearray()
    while units > 0:
        table += bytes([0x80 | 13 << 3 | min(units, 8) - 1, 0])
        units -= 8
    consts = tuple(first_line_only(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_linetable=bytes(table), co_consts=consts)

compiled = kept = 0
with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w") as out:
    for info in sorted(src.infolist(), key=lambda i: i.filename):
        data, name = src.read(info), info.filename
        if name.endswith("/"):
            continue            # directory entries: zipimport does not need them
        if name.endswith(".py"):
            try:
                code = first_line_only(compile(data, prefix + name, "exec", dont_inherit=True, optimize=2))
            except SyntaxError:
                kept += 1       # left as source: Python compiles it if it is ever imported
            else:
                data = bytes(_be._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
                name += "c"
                compiled += 1
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_STORED
        entry.external_attr = info.external_attr
        out.writestr(entry, data)
(compiled, kept)
`;

// The zip entries of the modules loaded from the standard library, and of those not
// loaded, by each module's origin (/lib/python3XX.zip/<entry>).
const LOADED = `
import sys, zipfile
loaded = {m.__spec__.origin[len(prefix):] for m in list(sys.modules.values())
          if getattr(m, "__spec__", None) and (m.__spec__.origin or "").startswith(prefix)}
names = zipfile.ZipFile(zip_path).namelist()
[sorted(n for n in names if n in loaded), sorted(n for n in names if n not in loaded)]
`;

const SUBSET = `
import zipfile
with zipfile.ZipFile(zip_path) as src, zipfile.ZipFile("/tmp/subset.zip", "w") as out:
    for name in wanted:
        out.writestr(src.getinfo(name), src.read(name))
`;

// The value of Python `code` as JavaScript, its proxy destroyed at once. A proxy left to
// the garbage collector frees its Python object whenever the collector happens to run
// (measured: a collection forced before the snapshot changed 280 bytes of it), so a
// snapshot would depend on the machine's load.
function value(py, code) {
  const result = py.runPython(code);
  if (!(result instanceof py.ffi.PyProxy)) return result;
  try {
    return result.toJs();
  } finally {
    result.destroy();
  }
}

function zipPrefix(py) {
  const [major, minor] = value(py, "import sys; sys.version_info[:2]");
  return `/lib/python${major}${minor}.zip/`;
}

async function compileStdlib(dir, outZip) {
  const py = await pyodideAt(dir);
  py.FS.writeFile("/tmp/in.zip", fs.readFileSync(path.join(dir, "python_stdlib.zip")));
  // Code objects carry the path Pyodide imports them from (/lib/python3XX.zip/...).
  py.globals.set("prefix", zipPrefix(py));
  const counts = value(py, COMPILE);
  writeAtomically(outZip, py.FS.readFile("/tmp/out.zip"));
  return { compiled: counts[0], kept_as_source: counts[1], python: py.runPython("import sys; sys.version.split()[0]") };
}

// Pyodide on `stdlibZip` with the wheel installed and the bridge run and warmed up.
async function checkerPython(dir, stdlibZip, wheel, bridge, options = {}) {
  const py = await pyodideAt(dir, { stdLibURL: stdlibZip, ...options });
  const sitePackages = py.runPython("import sysconfig; sysconfig.get_path('purelib')");
  py.unpackArchive(new Uint8Array(fs.readFileSync(wheel)), "wheel", { extractDir: sitePackages });
  // Everything the checker needs at run time is imported, its data loaded and the
  // page's functions defined now, so a page restored from the snapshot answers at once.
  py.runPython(fs.readFileSync(bridge, "utf8"));
  py.runPython("hsb_warm_up(); import gc; gc.collect()");
  return py;
}

// [loaded, not loaded] entries of the zip at `zipPath` (a path in Node's file system).
function loadedEntries(py, zipPath) {
  py.FS.writeFile("/tmp/stdlib.zip", fs.readFileSync(zipPath));
  py.globals.set("prefix", zipPrefix(py));
  py.globals.set("zip_path", "/tmp/stdlib.zip");
  return value(py, LOADED);
}

function subset(py, names) {
  const wanted = py.toPy(names);
  py.globals.set("wanted", wanted);
  wanted.destroy();
  py.runPython(SUBSET);
  return py.FS.readFile("/tmp/subset.zip");
}

async function trimStdlib(dir, stdlibZip, wheel, bridge, outZip) {
  const py = await checkerPython(dir, stdlibZip, wheel, bridge);
  const [loaded, left] = loadedEntries(py, stdlibZip);
  writeAtomically(outZip, subset(py, loaded));
  return { kept: loaded.length, left_out: left.length };
}

// Measured: two runs differed in ~260,000 bytes. Python's hash seed accounted for most
// (set orders, dict layouts); the rest was the random module's state, seeded from
// node:crypto (two Mersenne Twister states), and clock readings (file times in the
// in-memory file system, import caches). With a fixed hash seed, a fixed entropy stream
// and a clock that ticks the same way every run, two runs give identical bytes. Nothing
// in the checker draws on randomness or hash randomisation (its input is bounded).
async function reproducible() {
  let seed = 0x2545f491;
  const fill = (view) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      bytes[i] = seed >>> 24;
    }
    return view;
  };
  (await import("node:crypto")).default.randomFillSync = fill;
  Object.defineProperty(globalThis.crypto, "getRandomValues", { value: fill, configurable: true });
  // A clock that moves (importlib notices new files by their times) but the same way each run.
  let now = Date.UTC(1980, 0, 1);
  Date.now = () => (now += 1000);
  let ticks = 0;
  performance.now = () => (ticks += 1);
  return { env: { PYTHONHASHSEED: "0" } };
}

// The memory a freshly instantiated module starts with (its data segments), as the
// browser's worker sees it right after WebAssembly.instantiate: up to its last non-zero byte.
function captureFreshMemory() {
  const instantiate = WebAssembly.instantiate;
  const fresh = {};
  WebAssembly.instantiate = async (...call) => {
    const result = await instantiate(...call);
    const memory = new Uint8Array((result.instance || result).exports.memory.buffer);
    let end = memory.length;
    while (end > 0 && memory[end - 1] === 0) end--;
    fresh.bytes = memory.slice(0, end);
    WebAssembly.instantiate = instantiate;
    return result;
  };
  return fresh;
}

async function snapshot(dir, stdlibZip, wheel, bridge, outBin, restZip) {
  const { env } = await reproducible();
  const fresh = captureFreshMemory();
  const py = await checkerPython(dir, stdlibZip, wheel, bridge, { _makeSnapshot: true, env });
  // The restored interpreter gets only the modules it has not imported yet.
  const [loaded, left] = loadedEntries(py, stdlibZip);
  const rest = subset(py, left);
  py.FS.writeFile(zipPrefix(py).slice(0, -1), rest);
  // Forget the old zip's table of contents, and this step's own names.
  // (Every zipimporter reads the table from this one cache.)
  py.runPython("import zipimport, gc; zipimport._zip_directory_cache.clear(); del prefix, zip_path, wanted; gc.collect()");
  // The unused part of the stack holds stale frames: zero it (JS is at the top level here).
  const m = py._module;
  m.HEAPU8.fill(0, m._emscripten_stack_get_end(), m._emscripten_stack_get_current());
  // HSB_SNAPSHOT_GC=1 under node --expose-gc: collect garbage first, as a loaded machine
  // might; tests/browser/test_bundle.py proves the snapshot is the same either way.
  if (process.env.HSB_SNAPSHOT_GC === "1" && globalThis.gc) {
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await new Promise((resolve) => setTimeout(resolve, 20));   // finalizers run after a turn
    }
  }
  const bytes = py.makeMemorySnapshot();
  // Pyodide's snapshot: a header (its length at byte 4), then the memory image.
  const image = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true);
  for (let i = 0; i < fresh.bytes.length; i++) bytes[image + i] ^= fresh.bytes[i];
  writeAtomically(outBin, bytes);
  writeAtomically(restZip, rest);
  return { bytes: bytes.length, xorOffset: image, xorLength: fresh.bytes.length, imported: loaded.length, rest: left.length };
}

function writeAtomically(file, bytes) {
  fs.writeFileSync(file + ".tmp", bytes);
  fs.renameSync(file + ".tmp", file);
}

const USAGE = "usage: pyodide_prepare.mjs compile-stdlib <pyodide dir> <out.zip>" +
  " | trim-stdlib <pyodide dir> <stdlib.zip> <wheel> <bridge.py> <out.zip>" +
  " | snapshot <pyodide dir> <stdlib.zip> <wheel> <bridge.py> <out.bin> <rest.zip>";

try {
  let result;
  if (command === "compile-stdlib" && args.length === 2) result = await compileStdlib(...args);
  else if (command === "trim-stdlib" && args.length === 5) result = await trimStdlib(...args);
  else if (command === "snapshot" && args.length === 6) result = await snapshot(...args);
  else throw new Error(USAGE);
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.error(String(e && e.stack || e));
  process.exit(1);
}
