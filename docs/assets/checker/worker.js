// The checker's module Web Worker: runs the decision_aid Python package in Pyodide, so
// the page never freezes while Python starts or works. decision-aid.js talks to it.
//
// Start-up, fastest first (the files are listed in bundle.json, made by
// hooks/browser_bundle.py):
//   "snapshot": restore a memory snapshot taken at build time with decision_aid already
//               imported and its data loaded (a private Pyodide API, so the result is
//               checked against a probe answer computed by CPython at build time);
//   "bytecode": start Pyodide on a standard library precompiled to bytecode, then
//               unpack the decision_aid wheel and import it.
// The worker's name picks the mode: decision-aid.js starts a "bytecode" worker if a
// "snapshot" one reports that it failed.
//
// Messages in:  {id, op: "assess" | "relevant_questions", situation: <JSON text>}
// Messages out: {type: "ready", ...} or {type: "failed", message, retry}, then one
//               {id, ok: <JSON text>, ms} or {id, error: <message>, ms} per request.
// Nothing is stored or sent anywhere: requests go only to the site's own files.

const HERE = new URL("./", import.meta.url);
const started = performance.now();
const marks = {};
const mark = (name) => { marks[name] = Math.round(performance.now() - started); };

// Downloads start together; Pyodide's own fetch() of a file already being fetched gets
// that response instead of asking again.
const early = new Map();
const networkFetch = globalThis.fetch.bind(globalThis);
function prefetch(url) {
  const response = networkFetch(url);
  response.catch(() => {});
  early.set(url, response);
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

// The snapshot file without its zero pages (hooks/browser_bundle.py: sparse()).
function unsparse(buffer) {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== "HSBSNAP1") throw new Error("The start-up snapshot is not in the expected format.");
  const total = view.getUint32(8, true);
  const count = view.getUint32(12, true);
  const memory = new Uint8Array(total);
  let position = 16 + count * 8;
  for (let i = 0; i < count; i++) {
    const offset = view.getUint32(16 + i * 8, true);
    const length = view.getUint32(20 + i * 8, true);
    memory.set(bytes.subarray(position, position + length), offset);
    position += length;
  }
  return memory;
}

// The only Python the page runs: JSON in, JSON out, the module's own messages as errors.
const BRIDGE = `
import json
import decision_aid
from decision_aid import InvalidSituation

def _answer(function, text):
    try:
        value = function(json.loads(text))
    except InvalidSituation as e:
        return json.dumps({"error": str(e)}, ensure_ascii=False)
    except Exception as e:  # a bug, not bad input: say what it was
        return json.dumps({"error": f"{type(e).__name__}: {e}", "bug": True}, ensure_ascii=False)
    return json.dumps({"ok": value}, ensure_ascii=False)

def assess(text):
    return _answer(lambda situation: decision_aid.assess(situation).to_dict(), text)

def relevant_questions(text):
    return _answer(decision_aid.relevant_questions, text)

(assess, relevant_questions, decision_aid.protocol().document.current.number)
`;

function sitePackages(pyodide) {
  return pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
}

async function installWheel(pyodide, wheel) {
  pyodide.unpackArchive(new Uint8Array(await wheel), "wheel", { extractDir: sitePackages(pyodide) });
}

let handlers = null;
let triedSnapshot = false;

async function start(mode) {
  const bundle = await (await ok(networkFetch(new URL("bundle.json", HERE), { cache: "no-cache" }), "The checker's file list")).json();
  mark("bundle");
  const runtime = new URL(bundle.runtime, HERE);
  const useSnapshot = mode === "snapshot" && Boolean(bundle.snapshot);
  triedSnapshot = useSnapshot;
  for (const name of ["pyodide.asm.wasm", "pyodide-lock.json"]) prefetch(new URL(name, runtime).href);
  prefetch(new URL(bundle.stdlib, HERE).href);
  const memory = useSnapshot
    ? ok(networkFetch(new URL(bundle.snapshot, HERE)), "The start-up snapshot").then((r) => r.arrayBuffer()).then(unsparse)
    : null;
  if (memory) memory.catch(() => {});
  const wheel = useSnapshot ? null : ok(networkFetch(new URL(bundle.wheel, HERE)), "The decision_aid package").then((r) => r.arrayBuffer());
  if (wheel) wheel.catch(() => {});
  // Loaded now so that it downloads and compiles while the rest arrives.
  import(new URL("pyodide.asm.mjs", runtime).href).catch(() => {});
  const { loadPyodide } = await import(new URL("pyodide.mjs", runtime).href);
  mark("loader");

  const options = {
    indexURL: runtime.href,
    stdLibURL: new URL(bundle.stdlib, HERE).href,
    stdout: () => {},
    stderr: () => {},
  };
  if (memory) options._loadSnapshot = memory;
  const pyodide = await loadPyodide(options);
  mark("python");
  if (wheel) await installWheel(pyodide, wheel);
  const [assess, relevantQuestions, protocolVersion] = pyodide.runPython(BRIDGE).toJs();
  mark("imported");

  // Check the interpreter gives, for the probe situation, exactly CPython's answer.
  const probe = JSON.parse(assess(JSON.stringify(bundle.probe.situation)));
  if (JSON.stringify(probe.ok) !== JSON.stringify(bundle.probe.result)) {
    throw new Error("The checker's self-test gave a different answer from the published rules.");
  }
  mark("checked");
  handlers = { assess, relevant_questions: relevantQuestions };
  postMessage({
    type: "ready",
    mode: memory ? "snapshot" : "bytecode",
    build: bundle.build,
    pyodide: bundle.pyodide,
    protocolVersion,
    marks,
    ms: Math.round(performance.now() - started),
  });
  if (memory) {
    // Put the package's files in place too, in case anything is imported later.
    ok(networkFetch(new URL(bundle.wheel, HERE)), "The decision_aid package")
      .then((r) => r.arrayBuffer()).then((w) => installWheel(pyodide, w)).catch(() => {});
  }
}

const queue = [];
onmessage = (event) => {
  const { id, op, situation } = event.data || {};
  if (!handlers) {
    queue.push(event);
    return;
  }
  const t = performance.now();
  const handler = handlers[op];
  if (!handler) {
    postMessage({ id, error: `Unknown request '${op}'.` });
    return;
  }
  let answer;
  try {
    answer = JSON.parse(handler(situation));
  } catch (e) {
    postMessage({ id, error: String(e && e.message || e), ms: performance.now() - t });
    return;
  }
  const ms = performance.now() - t;
  postMessage("ok" in answer ? { id, ok: JSON.stringify(answer.ok), ms } : { id, error: answer.error, ms });
};

const mode = self.name === "bytecode" ? "bytecode" : "snapshot";
start(mode).then(
  () => { for (const event of queue.splice(0)) onmessage(event); },
  (e) => {
    // Only a failure of the snapshot start is worth a second try, from bytecode.
    postMessage({ type: "failed", message: String(e && e.message || e), retry: triedSnapshot });
  },
);
