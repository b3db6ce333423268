// The checker's module Web Worker: runs the decision_aid Python package in Pyodide, so
// the page never freezes while Python starts or works. decision-aid.js talks to it.
//
// Start-up, fastest first (files listed in bundle.json, made by hooks/browser_bundle.py):
//   "snapshot": restore a memory snapshot taken at build time with decision_aid imported,
//               its data loaded and bridge.py's functions defined. It uses a private
//               Pyodide API, so the restored interpreter must first give, for a probe
//               situation, exactly the answer CPython gave at build time;
//   "bytecode": start Pyodide on a standard library precompiled to bytecode, unpack the
//               decision_aid wheel and run bridge.py.
// The worker's name picks the mode: decision-aid.js starts a "bytecode" worker if a
// "snapshot" one fails, or does not start in time (its watchdog).
// The large files are gzipped (<name>.gzip: few static hosts compress them) and
// decompressed here. Every file is checked against its SHA-256 in bundle.json before use:
// the stored bytes, so a damaged copy is never decompressed (gzip's CRC-32, checked by
// DecompressionStream, then covers the rest). A saved copy (the service worker's cache)
// that does not match is deleted and downloaded again. On a first visit, what was
// downloaded and checked is saved once the checker is ready, in the cache the service
// worker will use, so nothing is downloaded twice.
//
// Messages in:  {bundle: <bundle.json, or null>, controlled, save} first, from the page
//               (controlled: a service worker answers this worker's requests; save: the
//               page will register one); then {id, op: "assess" | "relevant_questions",
//               situation: <JSON text>}
// Messages out: {type: "files"} once every file is in and checked; {type: "ready", ...}
//               or {type: "failed", kind, code, retry}; then per request one
//               {id, ok: <JSON text>, ms} or {id, error: <message>, ms}, or {id, broken: true}
//               if Python itself stopped working (the page then starts a new worker).
// kind: "incomplete-site" (a file is missing, damaged or unreachable) or "browser-lacks".
// Nothing is sent anywhere: requests go only to the site's own files, only those are saved.

const HERE = new URL("./", import.meta.url);
const MODE = self.name === "bytecode" ? "bytecode" : "snapshot";
const started = performance.now();
const marks = {};
const mark = (name) => { marks[name] = Math.round(performance.now() - started); };

// The pages' policy, in code: this worker asks only this site for anything. Under the
// service worker this script also gets the pages' Content-Security-Policy as a header;
// on a first visit and on hosts that send no headers, this is what holds.
const ownFetch = globalThis.fetch.bind(globalThis);
const own = (url) => new URL(url, HERE).origin === self.location.origin;
function refused(url) {
  return new TypeError(`Refused: the checker asks only this site for files, not ${new URL(url, HERE).host}.`);
}
const networkFetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  return own(url) ? ownFetch(input, init) : Promise.reject(refused(url));
};
if (self.XMLHttpRequest) {
  const open = XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    if (!own(url)) throw refused(url);
    return open.call(this, method, url, ...rest);
  };
}
for (const name of ["WebSocket", "EventSource"]) {
  if (self[name]) self[name] = function () { throw new TypeError(`Refused: the checker opens no ${name}.`); };
}

class CheckerError extends Error {
  constructor(kind, code, retry = false) {
    super(code);
    this.kind = kind;
    this.code = code;   // for the page's own tests and logs; never shown
    this.retry = retry;
  }
}
const incomplete = (code, retry) => new CheckerError("incomplete-site", code, retry);

// Pyodide fetches some files itself: when it asks for one already downloaded and
// checked here, it gets that copy.
const early = new Map();
globalThis.fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const pending = early.get(url);
  if (pending) {
    early.delete(url);
    return pending.then((bytes) => new Response(bytes));
  }
  return networkFetch(input, init);
};

const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
const sha256 = async (bytes) => hex(await crypto.subtle.digest("SHA-256", bytes));
const verifiable = Boolean(self.crypto && crypto.subtle);  // only in secure contexts (https, localhost)

async function savedCopies(url) {
  if (!self.caches) return [];
  const found = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    const hit = await cache.match(url);
    if (hit) found.push({ cache, hit });
  }
  return found;
}

// Files downloaded and checked here, saved for offline use once the checker is ready.
const toSave = [];
// The service worker's cache for this build (hooks/service_worker.js: "hsb-site-" + version).
const offlineCache = (build) => `hsb-site-${build}`;

// The bytes of one of the bundle's files, checked against bundle.json's SHA-256: from the
// service worker's saved copy if it is intact (a damaged one is deleted, the good copy
// saved in its place), else from the network (once more, bypassing the HTTP cache, if the
// first copy does not match). onResponse(copy) sees each network response as it arrives
// (to compile while it downloads); the bytes returned are always those of the last
// response it saw, or of a saved copy. Downloads are kept for saveForOffline() unless `save` is false.
async function load(bundle, rel, what, { onResponse = null, save = true } = {}) {
  const url = new URL(rel, HERE).href;
  const expected = bundle.integrity[rel];
  if (!expected) throw incomplete(`no-hash:${what}`);
  let repairIn = null;
  try {
    for (const { cache, hit } of await savedCopies(url)) {
      const bytes = await hit.arrayBuffer();
      if (!verifiable || (await sha256(bytes)) === expected) return bytes;
      await cache.delete(url);
      repairIn = repairIn || cache;
    }
  } catch {
    // Storage unavailable (private mode, quota): download instead.
  }
  for (const mode of ["default", "reload"]) {
    let response;
    try {
      response = await networkFetch(url, { cache: mode });
    } catch {
      throw incomplete(`network:${what}`);
    }
    if (!response.ok) throw incomplete(`http-${response.status}:${what}`);
    if (onResponse) onResponse(response.clone());
    const bytes = await response.arrayBuffer();
    if (verifiable && (await sha256(bytes)) !== expected) continue;
    if (repairIn) repairIn.put(url, new Response(bytes.slice(0), { headers: response.headers })).catch(() => {});
    else if (verifiable && save) toSave.push([url, bytes, response.headers]);
    return bytes;
  }
  throw incomplete(`integrity:${what}`);
}

const gunzipStream = (body) => body.pipeThrough(new DecompressionStream("gzip"));

// The decompressed bytes of a checked .gzip file (a stream that fails its CRC rejects).
async function gunzip(bytes, what, retry = false) {
  try {
    return await new Response(gunzipStream(new Blob([bytes]).stream())).arrayBuffer();
  } catch {
    throw incomplete(`gzip:${what}`, retry);
  }
}

// The snapshot, decompressed (hooks/bundle_snapshot.py: sparse()): header (magic, memory
// size, run count, XOR offset and length), the runs' (offset, length), then their bytes,
// copied into `memory` (zeroed, of the size bundle.json announced).
function unsparseInto(buffer, memory) {
  const bytes = new Uint8Array(buffer), view = new DataView(buffer);
  const bad = () => incomplete("snapshot-format", true);
  if (bytes.length < 24 || new TextDecoder().decode(bytes.subarray(0, 8)) !== "HSBSNAP2" ||
      view.getUint32(8, true) !== memory.length) throw bad();
  const count = view.getUint32(12, true);
  const xor = { offset: view.getUint32(16, true), length: view.getUint32(20, true) };
  if (xor.offset + xor.length > memory.length) throw bad();
  let position = 24 + count * 8;
  for (let i = 0; i < count; i++) {
    const offset = view.getUint32(24 + i * 8, true);
    const length = view.getUint32(28 + i * 8, true);
    if (position + length > bytes.length || offset + length > memory.length) throw bad();
    memory.set(bytes.subarray(position, position + length), offset);
    position += length;
  }
  if (position !== bytes.length) throw bad();
  return { memory, xor };
}

// The snapshot's static data is stored XORed with a fresh instance's memory (the wasm's
// data segments: mostly the same bytes, so nearly all zeros): undo that.
function unxor({ memory, xor }, fresh) {
  const start = new Uint8Array(fresh, 0, Math.min(xor.length, fresh.byteLength));
  if (start.length !== xor.length) throw incomplete("snapshot-format", true);
  const image = memory.subarray(xor.offset, xor.offset + xor.length);
  for (let i = 0; i < image.length; i++) image[i] ^= start[i];
}

// The WebAssembly module compiles while Pyodide's JavaScript loads; Pyodide's own
// instantiateStreaming() then just instantiates it, once the snapshot's memory image
// (`snapshot`) is filled in, and completes that image from the fresh instance's memory.
function useCompiled(compiled, snapshot) {
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const [module, image] = await Promise.all([compiled, snapshot]);
    mark("instantiate");
    const instance = await WebAssembly.instantiate(module, imports);
    if (image) unxor(image, instance.exports.memory.buffer);
    mark("instantiated");
    return { module, instance };
  };
}

// Pyodide waits for ever if its WebAssembly or the snapshot cannot be loaded: fail instead.
const unless = (promise) => promise.then(() => new Promise(() => {}));
const quiet = (promise) => { promise.catch(() => {}); return promise; };

let handlers = null;

let receiveBundle;
const fromPage = new Promise((resolve) => { receiveBundle = resolve; });

async function fileList() {
  const { bundle, ...page } = await fromPage;
  if (bundle) return { bundle, page };
  let response;
  try {
    response = await networkFetch(new URL("bundle.json", HERE), { cache: "no-store" });
  } catch {
    throw incomplete("network:bundle");
  }
  if (!response.ok) throw incomplete(`http-${response.status}:bundle`);
  return { bundle: await response.json().catch(() => { throw incomplete("json:bundle"); }), page };
}

// Pyodide's loader (pyodide.mjs) or glue (pyodide.asm.mjs.gzip), run from the checked bytes
// as a blob: module where no policy forbids it (a first visit). Else by address: under the
// service worker (its policy allows no blob: script), from the saved copy just checked; on
// a host whose own policy refuses them, from its plain copy, checked first.
async function importChecked(bundle, rel, bytes, controlled, gzipped) {
  const url = new URL(rel, HERE).href;
  if (!controlled) {
    const code = gzipped ? await gunzip(await bytes, rel) : await bytes;
    const blob = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
    try {
      return await import(blob);
    } catch {
      if (gzipped) await load(bundle, rel, "plain", { save: false });   // never saved: not in the offline list
    } finally {
      URL.revokeObjectURL(blob);
    }
  } else {
    await bytes;
  }
  return import(url);
}

async function start() {
  const { bundle, page } = await fileList();
  if (!bundle || !bundle.integrity || !bundle.probe) throw incomplete("bundle");
  mark("bundle");
  const runtime = new URL(bundle.runtime, HERE);
  const useSnapshot = MODE === "snapshot" && Boolean(bundle.snapshot && bundle.snapshotStdlib) &&
    Number.isInteger(bundle.snapshotMemory);
  const get = (rel, what, onResponse) => quiet(load(bundle, rel, what, { onResponse }));

  // Every download starts at once. The WebAssembly decompresses and compiles as it arrives;
  // the module is used only once the bytes it came from are checked (compiling runs nothing).
  const wasmType = { headers: { "Content-Type": "application/wasm" } };
  const compile = (body) => WebAssembly.compileStreaming(new Response(gunzipStream(body), wasmType));
  let streamed = null;
  const wasm = get(bundle.runtime + "pyodide.asm.wasm.gzip", "wasm", (response) => {
    streamed = compile(response.body).catch(() => null);
  });
  const compiled = quiet(wasm.then(async (bytes) => (streamed && (await streamed)) ||
    compile(new Blob([bytes]).stream()).catch(async () => {
      await gunzip(bytes, "wasm");   // a damaged stream is the site's fault; else the browser's
      throw new CheckerError("browser-lacks", "wasm-compile");
    })));
  compiled.then(() => mark("wasm"), () => {});
  const snapshotFile = useSnapshot
    ? quiet(get(bundle.snapshot, "snapshot").catch((e) => { throw incomplete(e.code, true); }))
    : null;
  // Pyodide fetches its lock file and standard library itself: it gets the checked copies.
  // A restored snapshot already holds every module it imported: it gets the small rest.
  const stdlib = useSnapshot ? bundle.snapshotStdlib : bundle.stdlib;
  early.set(new URL("pyodide-lock.json", runtime).href, get(bundle.runtime + "pyodide-lock.json", "lock"));
  early.set(new URL(stdlib, HERE).href, useSnapshot ? get(stdlib, "stdlib")
    : quiet(get(stdlib, "stdlib").then((bytes) => gunzip(bytes, "stdlib"))));
  // It asks for the WebAssembly too, which is compiled here (useCompiled): an empty answer.
  early.set(new URL("pyodide.asm.wasm", runtime).href, Promise.resolve(new Uint8Array(0)));
  const wheel = useSnapshot ? null : get(bundle.wheel, "wheel");
  const bridge = useSnapshot ? null : get("bridge.py", "bridge");
  const asm = get(bundle.runtime + "pyodide.asm.mjs.gzip", "asm");
  const loader = get(bundle.runtime + "pyodide.mjs", "loader");
  const memory = useSnapshot ? new Uint8Array(bundle.snapshotMemory) : null;
  const image = useSnapshot ? quiet(snapshotFile.then(async (b) => {
    mark("snapshot");
    return unsparseInto(await gunzip(b, "snapshot", true), memory);
  })) : null;
  useCompiled(compiled, image);

  // Everything is in and checked: from here on only the CPU works (decision-aid.js's watchdog).
  quiet(Promise.all([compiled, image, asm, loader, wheel, bridge, ...early.values()]).then(() => postMessage({ type: "files" })));

  // Each is imported (and parsed) as soon as its bytes are checked, while the rest downloads.
  const imported = (rel, bytes, what, gzipped) => quiet(importChecked(bundle, bundle.runtime + rel, bytes,
    page.controlled, gzipped).catch((e) => { throw e instanceof CheckerError ? e : incomplete(`import:${what}`); }));
  const glue = imported("pyodide.asm.mjs", asm, "asm", true);   // the .gzip's name less ".gzip"
  const { loadPyodide } = await imported("pyodide.mjs", loader, "loader", false);
  mark("loader");
  const createPyodideModule = (await glue).default;
  mark("glue");

  const options = { indexURL: runtime.href, stdLibURL: new URL(stdlib, HERE).href, createPyodideModule,
    stdout: () => {}, stderr: () => {} };
  if (memory) options._loadSnapshot = memory;
  let pyodide;
  try {
    pyodide = await Promise.race([loadPyodide(options), unless(compiled), ...(image ? [unless(image)] : [])]);
  } catch (e) {
    throw e instanceof CheckerError ? e : incomplete("start", useSnapshot);
  }
  mark("python");
  if (!memory) {
    try {
      const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
      pyodide.unpackArchive(new Uint8Array(await wheel), "wheel", { extractDir: sitePackages });
      pyodide.runPython(new TextDecoder().decode(await bridge));
    } catch (e) {
      throw e instanceof CheckerError ? e : incomplete("wheel");   // a Python traceback: never shown
    }
  }
  const assess = pyodide.globals.get("hsb_assess");
  const relevantQuestions = pyodide.globals.get("hsb_relevant_questions");
  if (!assess || !relevantQuestions) throw incomplete("functions", useSnapshot);
  mark("imported");

  // The interpreter must give, for the probe situation, exactly CPython's answer.
  let probe;
  try {
    probe = JSON.parse(assess(JSON.stringify(bundle.probe.situation)));
  } catch {
    throw incomplete("probe", useSnapshot);
  }
  if (!probe.ok || JSON.stringify(probe.ok) !== JSON.stringify(bundle.probe.result)) throw incomplete("probe", useSnapshot);
  mark("checked");
  handlers = { assess, relevant_questions: relevantQuestions };
  postMessage({ type: "ready", mode: memory ? "snapshot" : "bytecode", build: bundle.build, pyodide: bundle.pyodide,
    protocolVersion: probe.ok.protocol_version, verified: verifiable, marks,
    ms: Math.round(performance.now() - started), origin: performance.timeOrigin + started });
  if (page.save) saveForOffline(bundle.build);
  else toSave.length = 0;
}

// After the first answer can be given, never before: what was downloaded and checked goes
// into the cache the service worker of this build fills (it then skips these files).
async function saveForOffline(build) {
  try {
    const cache = await caches.open(offlineCache(build));
    for (const [url, bytes, headers] of toSave.splice(0)) {
      if (!(await cache.match(url))) await cache.put(url, new Response(bytes, { headers }));
    }
  } catch {
    // Storage unavailable or full: the service worker downloads them itself.
  }
}

function answer(event) {
  const { id, op, situation } = event.data || {};
  const handler = handlers && handlers[op];
  if (!handlers) {
    postMessage({ id, broken: true });
    return;
  }
  if (!handler) {
    postMessage({ id, error: "The checker was asked for something it does not do." });
    return;
  }
  const t = performance.now();
  let reply;
  try {
    reply = JSON.parse(handler(situation));
  } catch {
    // bridge.py turns every Python error into an answer: a throw here means Python
    // itself stopped (a fatal error). Nothing more can run in this worker.
    handlers = null;
    postMessage({ id, broken: true });
    return;
  }
  const ms = performance.now() - t;
  postMessage("ok" in reply ? { id, ok: JSON.stringify(reply.ok), ms } : { id, error: reply.error, ms });
}

const waiting = [];
let starting = true;
onmessage = (event) => {
  if (event.data && "bundle" in event.data) receiveBundle(event.data);
  else if (!starting) answer(event);
  else waiting.push(event);
};

start().then(
  () => {
    starting = false;
    for (const event of waiting.splice(0)) answer(event);
  },
  (e) => {
    const known = e instanceof CheckerError;
    // Only a failure of the snapshot start is worth a second try, from bytecode.
    postMessage({ type: "failed", kind: known ? e.kind : "incomplete-site", code: known ? e.code : "unexpected",
      retry: known ? e.retry : MODE === "snapshot" });
  },
);
