// Build-time helper for hooks/browser_bundle.py: runs Pyodide itself under Node, because
// bytecode for Pyodide must come from Pyodide's own interpreter (CPython 3.14.2 in
// Pyodide 314; other interpreters' .pyc files fail with "bad magic number").
//
//   node hooks/pyodide_prepare.mjs compile-stdlib <pyodide dir> <out.zip>
//       Writes python_stdlib.zip with every module compiled to bytecode (unchecked
//       hash-based .pyc, sources dropped), so start-up no longer compiles the standard
//       library. Deterministic: entries sorted, fixed timestamps.
//
//   node hooks/pyodide_prepare.mjs snapshot <pyodide dir> <stdlib.zip> <wheel> <bridge.py> <out.bin>
//       Starts Pyodide on that standard library, installs the wheel, runs the page's
//       bridge (docs/assets/checker/bridge.py: imports decision_aid, loads its data,
//       defines the functions the page calls, warms pure caches), then saves a memory
//       snapshot. The snapshot API is private to Pyodide: the browser uses it only
//       behind a fallback. Reproducible: the same inputs give the same bytes (see
//       reproducible() for what otherwise differs between runs).
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
import zipfile

compiled = kept = 0
with zipfile.ZipFile("/tmp/in.zip") as src, zipfile.ZipFile("/tmp/out.zip", "w") as out:
    for info in sorted(src.infolist(), key=lambda i: i.filename):
        data, name = src.read(info), info.filename
        if name.endswith(".py"):
            try:
                code = compile(data, prefix + name, "exec", dont_inherit=True)
            except SyntaxError:
                kept += 1       # left as source: Python compiles it if it is ever imported
            else:
                data = bytes(_be._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False))
                name += "c"
                compiled += 1
        entry = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type = zipfile.ZIP_DEFLATED
        entry.external_attr = info.external_attr
        out.writestr(entry, data)
(compiled, kept)
`;

async function compileStdlib(dir, outZip) {
  const py = await pyodideAt(dir);
  const [major, minor] = py.runPython("import sys; sys.version_info[:2]").toJs();
  py.FS.writeFile("/tmp/in.zip", fs.readFileSync(path.join(dir, "python_stdlib.zip")));
  // Code objects carry the path Pyodide imports them from (/lib/python3XX.zip/...).
  py.globals.set("prefix", `/lib/python${major}${minor}.zip/`);
  const counts = py.runPython(COMPILE).toJs();
  fs.writeFileSync(outZip + ".tmp", py.FS.readFile("/tmp/out.zip"));
  fs.renameSync(outZip + ".tmp", outZip);
  return { compiled: counts[0], kept_as_source: counts[1], python: py.runPython("import sys; sys.version.split()[0]") };
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

async function snapshot(dir, stdlibZip, wheel, bridge, outBin) {
  const { env } = await reproducible();
  const py = await pyodideAt(dir, { stdLibURL: stdlibZip, _makeSnapshot: true, env });
  const sitePackages = py.runPython("import sysconfig; sysconfig.get_path('purelib')");
  py.unpackArchive(new Uint8Array(fs.readFileSync(wheel)), "wheel", { extractDir: sitePackages });
  // Everything the checker needs at run time is imported, its data loaded and the
  // page's functions defined now, so a page restored from the snapshot answers at once.
  py.runPython(fs.readFileSync(bridge, "utf8"));
  py.runPython("hsb_warm_up(); import gc; gc.collect()");
  const bytes = py.makeMemorySnapshot();
  fs.writeFileSync(outBin + ".tmp", bytes);
  fs.renameSync(outBin + ".tmp", outBin);
  return { bytes: bytes.length };
}

try {
  let result;
  if (command === "compile-stdlib" && args.length === 2) result = await compileStdlib(...args);
  else if (command === "snapshot" && args.length === 5) result = await snapshot(...args);
  else throw new Error("usage: pyodide_prepare.mjs compile-stdlib <pyodide dir> <out.zip> | snapshot <pyodide dir> <stdlib.zip> <wheel> <bridge.py> <out.bin>");
  console.log(JSON.stringify(result));
  process.exit(0);
} catch (e) {
  console.error(String(e && e.stack || e));
  process.exit(1);
}
