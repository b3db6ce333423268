// The checker's module Web Worker: runs the decision_aid Python package in Pyodide, so
// the page never freezes while Python starts or works. decision-aid.js talks to it.
//
// Start-up, fastest first (the files are listed in bundle.json, made by
// hooks/browser_bundle.py):
//   "snapshot": restore a memory snapshot taken at build time with decision_aid imported,
//               its data loaded and bridge.py's functions defined. It uses a private
//               Pyodide API, so the restored interpreter must first give, for a probe
//               situation, exactly the answer CPython gave at build time;
//   "bytecode": start Pyodide on a standard library precompiled to bytecode, unpack the
//               decision_aid wheel and run bridge.py.
// The worker's name picks the mode: decision-aid.js starts a "bytecode" worker if a
// "snapshot" one reports that it failed.
//
// Messages in:  {bundle: <bundle.json's content, or null>} first, from the page; then
//               {id, op: "assess" | "relevant_questions", situation: <JSON text>}
// Messages out: {type: "ready", ...} or {type: "failed", message, retry}, then one
//               {id, ok: <JSON text>, ms} or {id, error: <message>, ms} per request.
// Nothing is stored or sent anywhere: requests go only to the site's own files.

const HERE = new URL("./", import.meta.url);
const MODE = self.name === "bytecode" ? "bytecode" : "snapshot";
const started = performance.now();
const marks = {};
const mark = (name) => { marks[name] = Math.round(performance.now() - started); };

// Every download starts at once. When Pyodide later asks for a file already on its way,
// it gets that response instead of a second request.
const networkFetch = globalThis.fetch.bind(globalThis);
const early = new Map();

// Files under a content-hashed folder never change: once the service worker has saved
// them, read them straight from its cache (no round trip through the service worker).
function hashedFetch(url) {
  const saved = self.caches ? caches.match(url).catch(() => undefined) : Promise.resolve(undefined);
  return saved.then((hit) => hit || networkFetch(url));
}

function prefetch(url) {
  const response = hashedFetch(url);
  response.catch(() => {});
  early.set(url, response);
  return response;
}
globalThis.fetch = (input, init) => {
  const url = input instanceof Request ? input.url : String(input);
  const pending = early.get(url);
  if (pending) {
    early.delete(url);
    return pending;
  }
  return networkFetch(input, init);
};

async function ok(response, what) {
  const r = await response;
  if (!r.ok) throw new Error(`${what} could not be loaded (HTTP ${r.status}).`);
  return r;
}

// The WebAssembly module compiles (on the browser's background threads) while Pyodide's
// JavaScript loads; Pyodide's own instantiateStreaming() then just instantiates it.
// Instantiation also waits for instantiateAfter (the snapshot's memory image, being filled in).
let instantiateAfter = null;
function compileEarly(url) {
  const compiled = ok(hashedFetch(url), "The Python runtime").then((response) =>
    WebAssembly.compileStreaming(response.clone()).catch(() => response.arrayBuffer().then((b) => WebAssembly.compile(b))));
  compiled.then(() => mark("wasm"), () => {});
  compiled.catch(() => {});
  early.set(url, Promise.resolve(new Response(null)));
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const [module] = await Promise.all([compiled, instantiateAfter]);
    mark("instantiate");
    const instance = await WebAssembly.instantiate(module, imports);
    mark("instantiated");
    return { module, instance };
  };
  return compiled;
}

// Pyodide waits for ever if its WebAssembly (or the snapshot) cannot be loaded: fail instead.
const unless = (promise) => promise.then(() => new Promise(() => {}));

// The snapshot file without its zero pages (hooks/browser_bundle.py: sparse()): header
// (magic, memory size, run count), the runs' (offset, length), then the runs' bytes,
// copied into `memory`, a zeroed image of the size bundle.json announced.
function unsparseInto(buffer, memory) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== "HSBSNAP1" ||
      view.getUint32(8, true) !== memory.length) {
    throw new Error("The start-up snapshot is not in the expected format.");
  }
  const count = view.getUint32(12, true);
  let position = 16 + count * 8;
  for (let i = 0; i < count; i++) {
    const offset = view.getUint32(16 + i * 8, true);
    const length = view.getUint32(20 + i * 8, true);
    if (position + length > bytes.length || offset + length > memory.length) {
      throw new Error("The start-up snapshot is not in the expected format.");
    }
    memory.set(bytes.subarray(position, position + length), offset);
    position += length;
  }
  if (position !== bytes.length) throw new Error("The start-up snapshot is not in the expected format.");
  return memory;
}

// Pyodide needs only the memory image's size until it restores it, after instantiating
// the WebAssembly module (which waits for `filled`, see compileEarly): so Pyodide gets
// the (still empty) image at once and prepares itself while the file downloads.
function loadSnapshot(response, size) {
  const memory = new Uint8Array(size);
  const filled = response.then((r) => r.arrayBuffer()).then((b) => {
    mark("snapshot");
    return unsparseInto(b, memory);
  });
  filled.catch(() => {});
  return { memory, filled };
}

let handlers = null;
let triedSnapshot = false;

// The page sends the file list (it fetches it while this script loads); if it could
// not, the worker asks for it itself.
let receiveBundle;
const fromPage = new Promise((resolve) => { receiveBundle = resolve; });

async function fileList() {
  const bundle = await fromPage;
  if (bundle) return bundle;
  return (await ok(networkFetch(new URL("bundle.json", HERE), { cache: "no-cache" }), "The checker's file list")).json();
}

async function start() {
  const bundle = await fileList();
  mark("bundle");
  const runtime = new URL(bundle.runtime, HERE);
  const at = (path) => new URL(path, HERE).href;
  triedSnapshot = MODE === "snapshot" && Boolean(bundle.snapshot) && Number.isInteger(bundle.snapshotMemory);

  const compiled = compileEarly(new URL("pyodide.asm.wasm", runtime).href);
  const snapshot = triedSnapshot
    ? loadSnapshot(ok(hashedFetch(at(bundle.snapshot)), "The start-up snapshot"), bundle.snapshotMemory)
    : null;
  const memory = snapshot && snapshot.memory;
  if (snapshot) instantiateAfter = snapshot.filled;
  prefetch(new URL("pyodide-lock.json", runtime).href);
  prefetch(at(bundle.stdlib));
  const wheel = triedSnapshot ? null : ok(hashedFetch(at(bundle.wheel)), "The decision_aid package").then((r) => r.arrayBuffer());
  const bridge = triedSnapshot ? null : ok(networkFetch(at("bridge.py")), "The checker's bridge").then((r) => r.text());
  for (const p of [wheel, bridge]) if (p) p.catch(() => {});
  import(new URL("pyodide.asm.mjs", runtime).href).catch(() => {}); // loads while the rest downloads
  const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
  mark("loader");

  const options = { indexURL: runtime.href, stdLibURL: at(bundle.stdlib), stdout: () => {}, stderr: () => {} };
  if (memory) options._loadSnapshot = memory;
  const pyodide = await Promise.race([loadPyodide(options), unless(compiled), ...(snapshot ? [unless(snapshot.filled)] : [])]);
  mark("python");
  if (!memory) {
    const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
    pyodide.unpackArchive(new Uint8Array(await wheel), "wheel", { extractDir: sitePackages });
    pyodide.runPython(await bridge);
  }
  const assess = pyodide.globals.get("hsb_assess");
  const relevantQuestions = pyodide.globals.get("hsb_relevant_questions");
  if (!assess || !relevantQuestions) throw new Error("The checker's functions are missing.");
  mark("imported");

  // The interpreter must give, for the probe situation, exactly CPython's answer.
  const probe = JSON.parse(assess(JSON.stringify(bundle.probe.situation)));
  if (JSON.stringify(probe.ok) !== JSON.stringify(bundle.probe.result)) {
    throw new Error("its self-test gave a different answer from the published rules.");
  }
  mark("checked");
  handlers = { assess, relevant_questions: relevantQuestions };
  postMessage({
    type: "ready",
    mode: memory ? "snapshot" : "bytecode",
    build: bundle.build,
    pyodide: bundle.pyodide,
    protocolVersion: probe.ok.protocol_version,
    marks,
    ms: Math.round(performance.now() - started),
    origin: performance.timeOrigin + started,
  });
}

function answer(event) {
  const { id, op, situation } = event.data || {};
  const t = performance.now();
  const handler = handlers[op];
  if (!handler) {
    postMessage({ id, error: `Unknown request '${op}'.` });
    return;
  }
  let reply;
  try {
    reply = JSON.parse(handler(situation));
  } catch (e) {
    postMessage({ id, error: String((e && e.message) || e), ms: performance.now() - t });
    return;
  }
  const ms = performance.now() - t;
  postMessage("ok" in reply ? { id, ok: JSON.stringify(reply.ok), ms } : { id, error: reply.error, ms });
}

const waiting = [];
onmessage = (event) => {
  if (event.data && "bundle" in event.data) receiveBundle(event.data.bundle);
  else if (handlers) answer(event);
  else waiting.push(event);
};

start().then(
  () => { for (const event of waiting.splice(0)) answer(event); },
  // Only a failure of the snapshot start is worth a second try, from bytecode.
  (e) => postMessage({ type: "failed", message: String((e && e.message) || e), retry: triedSnapshot }),
);
