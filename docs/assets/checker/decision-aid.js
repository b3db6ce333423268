// window.decisionAid: the checker's JavaScript interface to the decision_aid Python
// package, which runs in Pyodide in a module Web Worker (worker.js). The checker's own
// page script uses nothing else.
//
//   await window.decisionAid.ready
//       resolves when Python is ready, with {mode, build, pyodide, protocolVersion, ms};
//       rejects with an Error saying plainly why the checker cannot run here.
//   await window.decisionAid.assess(situation)
//       situation: decision_aid's Situation as a plain object, same field names
//       ({age: 11, behaviours: ["..."], another_child_harmed: true, ...}); resolves with
//       exactly Assessment.to_dict(). Bad input rejects with an Error whose message is
//       the module's own (InvalidSituation).
//   await window.decisionAid.relevantQuestions(situation)
//       decision_aid.relevant_questions(): {questions: [...], indicators: [...]}, the
//       yes/no questions and indicators whose answer would change the result.
//   window.decisionAid.info     what ready resolved with (null before).
//   window.decisionAid.lastMs   how long the last call took inside the worker, in ms.
//
// Situations go to the worker as JSON and nowhere else: nothing is sent or stored.

const WORKER = new URL("./worker.js", import.meta.url);
const BUNDLE = new URL("./bundle.json", import.meta.url);

function unavailable(message) {
  const error = new Error(message);
  error.name = "CheckerUnavailable";
  return error;
}

function toJSON(situation) {
  // Anything that is not a set of named answers reaches Python as null, so the message
  // the caller gets is still decision_aid's own.
  try {
    const text = JSON.stringify(situation === undefined ? null : situation);
    return text === undefined ? "null" : text;
  } catch {
    return "null";
  }
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
  const pending = new Map();
  let worker = null;
  let nextId = 1;
  let info = null;
  let lastMs = null;
  let failure = null;
  let settle;
  const ready = new Promise((resolve, reject) => { settle = { resolve, reject }; });
  ready.catch(() => {}); // a failure is reported through ready and each call, not as an unhandled rejection

  function fail(message) {
    failure = unavailable(message);
    settle.reject(failure);
    for (const { reject } of pending.values()) reject(failure);
    pending.clear();
  }

  // The file list is fetched here, while the worker's own script loads, and handed over.
  // (start.js may have begun both already, and sent the list to its worker.)
  const bundle = early
    ? early.bundle
    : fetch(BUNDLE, { cache: "no-cache" }).then((r) => (r.ok ? r.json() : null)).catch(() => null);

  function spawn(mode) {
    if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
      fail("This browser cannot run the checker: it needs WebAssembly and web workers.");
      return;
    }
    const adopted = mode === "snapshot" && early ? early : null;
    if (adopted) {
      worker = adopted.worker;
    } else {
      try {
        worker = new Worker(WORKER, { type: "module", name: mode });
      } catch (e) {
        fail(`This browser cannot start the checker's worker (${e.message}).`);
        return;
      }
    }
    const own = worker;
    if (!adopted) bundle.then((files) => own.postMessage({ bundle: files }));
    const failed = (message, retry) => {
      own.terminate();
      if (own !== worker || failure) return;
      if (retry && mode === "snapshot") spawn("bytecode");
      else fail(message);
    };
    own.onmessage = (event) => {
      const data = event.data;
      if (data.type === "ready") {
        const { type, ...details } = data;
        info = Object.freeze({ ...details, readyAt: performance.now(), readyMs: Math.round(performance.now() - started) });
        settle.resolve(info);
      } else if (data.type === "failed") {
        failed(`The checker could not start: ${data.message}`, data.retry);
      } else {
        const call = pending.get(data.id);
        if (!call) return;
        pending.delete(data.id);
        lastMs = data.ms;
        if ("ok" in data) call.resolve(JSON.parse(data.ok));
        else call.reject(new Error(data.error));
      }
    };
    own.onerror = (event) => {
      event.preventDefault();
      if (info) {
        fail("The checker stopped working. Reload the page to start it again.");
      } else {
        failed(`The checker could not start${event.message ? `: ${event.message}` : "."}`, true);
      }
    };
    // What the early worker said before this script ran.
    if (adopted) for (const event of adopted.events.splice(0)) (event.type === "error" ? own.onerror : own.onmessage)(event);
  }

  function call(op, situation) {
    const text = toJSON(situation);
    return ready.then(() => new Promise((resolve, reject) => {
      if (failure) {
        reject(failure);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, op, situation: text });
    }));
  }

  spawn("snapshot");
  return Object.freeze({
    ready,
    assess: (situation) => call("assess", situation),
    relevantQuestions: (situation) => call("relevant_questions", situation),
    get info() { return info; },
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
