// Starts the checker's worker as early as the page allows. A classic script (not a module),
// loaded async from the page's head (overrides/main.html), so it runs as soon as it
// arrives, without waiting for the stylesheets (nor holding up the first paint, as a
// script in the page's body would): as it is small and asked for first, usually before the
// theme's own bundle and the page's modules, which keep the page busy for a while (about
// 100 ms on a slow machine); if not, decision-aid.js starts the worker. It only starts the worker
// (worker.js, "snapshot" mode) and the download of the file list (bundle.json), and
// keeps whatever the worker says until decision-aid.js takes both over. The file list
// is never taken from the HTTP cache: a host's file times must not decide its version.
// Nothing a user types goes through here.
(function () {
  "use strict";
  // Runs once, and not where decision-aid.js already started the checker.
  if (window.__hsbEarlyChecker || window.decisionAid || typeof WebAssembly !== "object" || typeof Worker !== "function") return;
  var script = document.currentScript;
  if (!script || !script.src) return;
  try {
    var started = performance.now();
    var worker = new Worker(new URL("worker.js", script.src), { type: "module", name: "snapshot" });
    var events = [];
    worker.onmessage = function (event) { events.push(event); };
    worker.onerror = function (event) { event.preventDefault(); events.push(event); };
    var bundle = fetch(new URL("bundle.json", script.src), { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .catch(function () { return null; });
    // As decision-aid.js's workerMessage(): see there.
    var sw = navigator.serviceWorker;
    bundle.then(function (files) {
      worker.postMessage({ bundle: files, controlled: Boolean(sw && sw.controller), save: Boolean(sw) });
    });
    Object.defineProperty(window, "__hsbEarlyChecker", {
      value: { worker: worker, bundle: bundle, events: events, started: started },
      configurable: true,
    });
  } catch (e) {
    // decision-aid.js starts the worker itself, and says so if it cannot.
  }
})();
