// window.decisionAid: the checker's JavaScript interface to the decision_aid Python
// package, which runs in Pyodide in a module Web Worker (worker.js). The checker's own
// page script uses nothing else.
//
//   await window.decisionAid.ready
//       resolves when Python is ready, with {mode, build, pyodide, protocolVersion, ms};
//       rejects with a CheckerError (below) saying plainly why the checker cannot run.
//   await window.decisionAid.assess(situation)
//       situation: decision_aid's Situation as a plain object, same field names
//       ({age: 11, behaviours: ["..."], another_child_harmed: true, ...}); resolves with
//       exactly Assessment.to_dict(). Bad input rejects with an Error named
//       "InvalidSituation": the module's own message, or, for what JSON cannot carry
//       (NaN, undefined, a function...) or a situation too large or too deep, this
//       file's, in JavaScript terms. Nothing bad reaches the worker.
//   await window.decisionAid.relevantQuestions(situation)
//       decision_aid.relevant_questions(): {questions: [...], indicators: [...]}.
//   window.decisionAid.info      what ready resolved with (null before).
//   window.decisionAid.outdated  null, or {build, published} once a newer build is
//                                published: every call then rejects with "OutdatedRules".
//   window.decisionAid.lastMs    how long the last call took inside the worker, in ms.
//
// CheckerError: an Error with `kind` and a plain message (never a traceback or a path):
//   "incomplete-site"  the site's own files are missing, damaged or cannot be downloaded;
//   "browser-lacks"    the browser has no WebAssembly or (module) workers;
//   "timeout"          the checker did not start, or answer, in time (it restarts);
//   "outdated"         name "OutdatedRules": a newer build has been published.
// Events on window: "decisionaid:outdated" (detail {build, published}).
// site.js tells this file about a newer build with the window event "hsb:published".
//
// Situations go to the worker as JSON and nowhere else: nothing is sent or stored.

const WORKER = new URL("./worker.js", import.meta.url);
const BUNDLE = new URL("./bundle.json", import.meta.url);

const STILL_WORK = "the traffic light tables and What happens next still work.";
const SAY = {
  "incomplete-site": `This copy of the site is incomplete; ${STILL_WORK}`,
  "browser-lacks": `This browser cannot run the checker: it needs WebAssembly and module web workers. Without it, ${STILL_WORK}`,
  timeout: `The checker did not start in time on this device. Without it, ${STILL_WORK}`,
  outdated: "A new version of the protocol is available. Reload the page to use it: the checker no longer answers with the rules of the version shown.",
  slow: `The checker took too long to answer, so it has been restarted: try again. Meanwhile ${STILL_WORK}`,
};

// Time allowed (ms). Downloads may be slow, so they get long; once every file is in,
// only the CPU works, and a snapshot that has not started by then is abandoned for the
// bytecode start. Nothing can wait for ever.
const DOWNLOAD_MS = 300_000;
const START_MS = { snapshot: 10_000, bytecode: 45_000 };
const CALL_MS = 20_000;
const OVERALL_MS = 720_000;   // whatever happens (slow downloads, retries), ready settles by then
const RESTARTS = 3;

// Bounds on input, checked before anything is posted to the worker.
const MAX_CHARS = 64 * 1024;
const MAX_DEPTH = 4;
const QUOTE = 60;

function checkerError(kind, message = SAY[kind]) {
  const error = new Error(message);
  error.name = kind === "outdated" ? "OutdatedRules" : "CheckerUnavailable";
  error.kind = kind;
  return error;
}

function invalid(message) {
  const error = new Error(message);
  error.name = "InvalidSituation";
  return error;
}

const cut = (text) => (text.length <= QUOTE ? text : `${text.slice(0, QUOTE - 1)}…`);

// A value as JavaScript would show it, in at most about 60 characters.
export function describe(value) {
  if (value === undefined) return "undefined";
  if (value === null) return "null";
  switch (typeof value) {
    case "number": return Object.is(value, -0) ? "0" : String(value);   // NaN, Infinity, -Infinity
    case "boolean": return String(value);
    case "string": return cut(JSON.stringify(value));
    case "bigint": return `the BigInt ${cut(String(value))}n`;
    case "function": return "a function";
    case "symbol": return "a Symbol";
    default: break;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  const tag = Object.prototype.toString.call(value).slice(8, -1);
  return tag === "Object" ? "an object" : `a ${tag} object`;
}

const plain = (value) => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
};

// The situation as JSON text, or an InvalidSituation error: only what JSON carries
// exactly (finite numbers, text, true/false, null, arrays, plain objects), at most
// MAX_DEPTH levels and MAX_CHARS characters. The walk is iterative and stops at the
// first problem, so even a 3,000-level or cyclic structure costs nothing.
export function toJSON(situation) {
  const where = (path) => (path ? `“${cut(path)}”` : "The situation");
  const stack = [[situation, 1, ""]];
  let budget = MAX_CHARS;
  try {
    while (stack.length) {
      const [value, depth, path] = stack.pop();
      const type = typeof value;
      if (value === null || type === "boolean") continue;
      if (type === "number") {
        if (!Number.isFinite(value)) throw invalid(`${where(path)} is ${describe(value)}: numbers must be finite.`);
        continue;
      }
      if (type === "string") {
        budget -= value.length;
        if (budget < 0) break;
        continue;
      }
      if (type !== "object") {
        const fix = !path ? "give an object of named answers" : type === "undefined" ? "leave it out or give a value"
          : "give text, a number, true or false, or a list";
        throw invalid(`${where(path)} is ${describe(value)}: ${fix}.`);
      }
      if (depth > MAX_DEPTH) throw invalid(`The situation is nested too deeply (more than ${MAX_DEPTH} levels, at ${where(path)}).`);
      if (Array.isArray(value)) {
        budget -= value.length + 2;
        if (budget < 0) break;
        for (let i = 0; i < value.length; i++) stack.push([i in value ? value[i] : undefined, depth + 1, `${path}[${i}]`]);
      } else if (plain(value)) {
        const keys = Object.keys(value);
        budget -= keys.length + 2;
        if (budget < 0) break;
        for (const key of keys) {
          budget -= key.length;
          stack.push([value[key], depth + 1, path ? `${path}.${key}` : key]);
        }
        if (budget < 0) break;
      } else {
        throw invalid(`${where(path)} is ${describe(value)}: give plain values (an object of named answers).`);
      }
    }
  } catch (e) {
    if (e.name === "InvalidSituation") throw e;
    throw invalid("The situation could not be read (one of its values threw an error when read).");
  }
  const text = budget < 0 ? null : JSON.stringify(situation);
  if (text === null || text.length > MAX_CHARS) {
    throw invalid(`The situation is too large: at most ${MAX_CHARS.toLocaleString("en-GB")} characters as JSON.`);
  }
  return text;
}

// Whether this browser can start module workers: it reads the `type` option only if it
// knows it (the worker itself is never started: the address is not a script).
function moduleWorkers() {
  let known = false;
  try {
    new Worker("blob://", { get type() { known = true; return "module"; } }).terminate();
  } catch {
    // expected
  }
  return known;
}

// The worker's first message (worker.js; start.js sends the same): the file list, whether
// a service worker answers its requests (it then imports Pyodide's glue by address, not as
// a blob: module), and whether one will be registered (it then saves what it downloaded
// for offline use).
function workerMessage(files) {
  const sw = navigator.serviceWorker;
  return { bundle: files, controlled: Boolean(sw && sw.controller), save: Boolean(sw) };
}

// What start.js began (the worker and the file list), if it ran: taken over once.
function takeEarlyStart() {
  const early = window.__hsbEarlyChecker;
  if (!early) return null;
  delete window.__hsbEarlyChecker;
  return early;
}

export function createDecisionAid() {
  const early = takeEarlyStart();
  const started = early ? early.started : performance.now();
  const calls = new Map();   // id -> {op, text, resolve, reject, timer, sent}
  let worker = null;
  let workerReady = false;
  let restarts = 0;
  let nextId = 1;
  let info = null;
  let lastMs = null;
  let failure = null;
  let outdated = null;
  let published = null;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  ready.catch(() => {}); // a failure is reported through ready and each call, not as an unhandled rejection

  const bundle = early
    ? early.bundle
    : fetch(BUNDLE, { cache: "no-store" }).then((r) => (r.ok ? r.json() : null)).catch(() => null);

  function stop() {
    if (worker) {
      clearTimeout(worker.watchdog);
      worker.terminate();
    }
    worker = null;
    workerReady = false;
  }

  function rejectAll(error) {
    for (const call of calls.values()) {
      clearTimeout(call.timer);
      call.reject(error);
    }
    calls.clear();
  }

  function fail(kind) {
    if (failure) return;
    failure = checkerError(kind);
    stop();
    settle.reject(failure);
    rejectAll(failure);
  }

  function becomeOutdated() {
    if (outdated || !info || !published || published === info.build) return;
    outdated = Object.freeze({ build: info.build, published });
    rejectAll(checkerError("outdated"));
    window.dispatchEvent(new CustomEvent("decisionaid:outdated", { detail: outdated }));
  }
  window.addEventListener("hsb:published", (event) => {
    published = event.detail && event.detail.build;
    becomeOutdated();
  });

  function send(id, call) {
    call.sent = true;
    call.timer = setTimeout(() => {
      // A call that hangs means the worker is stuck: this call fails, the rest go to a new one.
      if (!calls.delete(id)) return;
      call.reject(checkerError("timeout", SAY.slow));
      restart();
    }, CALL_MS);
    worker.postMessage({ id, op: call.op, situation: call.text });
  }

  function restart() {
    stop();
    for (const call of calls.values()) {
      clearTimeout(call.timer);
      call.sent = false;
    }
    if (++restarts > RESTARTS) fail("timeout");
    else spawn(info ? info.mode : "bytecode");
  }

  function watch(own, ms, onExpiry) {
    clearTimeout(own.watchdog);
    own.watchdog = setTimeout(() => { if (own === worker) onExpiry(); }, ms);
  }

  function spawn(mode) {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      fail("browser-lacks");
      return;
    }
    const adopted = mode === "snapshot" && early && !early.taken ? early : null;
    if (adopted) {
      adopted.taken = true;
      worker = adopted.worker;
    } else {
      try {
        worker = new Worker(WORKER, { type: "module", name: mode });
      } catch {
        fail("browser-lacks");
        return;
      }
    }
    const own = worker;
    if (!adopted) bundle.then((files) => own.postMessage(workerMessage(files)));
    const giveUp = (kind, retry) => {
      if (own !== worker || failure) return;
      stop();
      if (retry && mode === "snapshot") spawn("bytecode");
      else if (info) restart();   // it worked before: a new worker, not a failure
      else fail(kind);
    };
    watch(own, DOWNLOAD_MS, () => giveUp("timeout", true));
    own.onmessage = (event) => {
      if (own !== worker) return;
      const data = event.data;
      if (data.type === "files") {
        watch(own, START_MS[mode], () => giveUp("timeout", true));
      } else if (data.type === "ready") {
        clearTimeout(own.watchdog);
        workerReady = true;
        if (!info) {
          const { type, ...details } = data;
          info = Object.freeze({ ...details, readyAt: performance.now(), readyMs: Math.round(performance.now() - started) });
          settle.resolve(info);
          becomeOutdated();
        }
        for (const [id, call] of calls) if (!call.sent) send(id, call);
      } else if (data.type === "failed") {
        giveUp(data.kind || "incomplete-site", data.retry);
      } else {
        const call = calls.get(data.id);
        if (!call) return;
        calls.delete(data.id);
        clearTimeout(call.timer);
        if (data.broken) {
          call.reject(checkerError("timeout", SAY.slow));
          restart();
          return;
        }
        lastMs = data.ms;
        if ("ok" in data) call.resolve(JSON.parse(data.ok));
        else call.reject(invalid(data.error));
      }
    };
    own.onerror = (event) => {
      event.preventDefault();
      if (own !== worker) return;
      if (workerReady) {
        restart();
        return;
      }
      // The worker's script did not run: the browser's fault only if it has no module
      // workers; else the script is missing or damaged.
      giveUp(moduleWorkers() ? "incomplete-site" : "browser-lacks", false);
    };
    // What the early worker said before this script ran.
    if (adopted) for (const event of adopted.events.splice(0)) (event.type === "error" ? own.onerror : own.onmessage)(event);
  }

  function call(op, situation) {
    if (failure) return Promise.reject(failure);
    if (outdated) return Promise.reject(checkerError("outdated"));
    let text;
    try {
      text = toJSON(situation);
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      const id = nextId++;
      const entry = { op, text, resolve, reject, timer: null, sent: false };
      calls.set(id, entry);
      if (workerReady) send(id, entry);
    });
  }

  spawn("snapshot");
  setTimeout(() => { if (!info) fail("timeout"); }, OVERALL_MS);
  return Object.freeze({
    ready,
    assess: (situation) => call("assess", situation),
    relevantQuestions: (situation) => call("relevant_questions", situation),
    get info() { return info; },
    get outdated() { return outdated; },
    get lastMs() { return lastMs; },
  });
}

// One per page, started only where the page has a checker (see site.js).
export function decisionAid() {
  if (!window.decisionAid) {
    Object.defineProperty(window, "decisionAid", { value: createDecisionAid(), enumerable: true });
  }
  return window.decisionAid;
}

// On a page with the checker, start at once: the checker's HTML loads this module early
// (macros/checker.py), before the rest of the page has loaded.
if (document.getElementById("hsb-checker")) decisionAid();
