// Loaded on every page (mkdocs.yml extra_javascript, as a module).
//
// - On a page with the traffic light checker, starts it at once (checker.js).
// - On every page, once the browser is idle (on the checker's pages, once the checker
//   has started), registers the service worker (sw.js at the site root). It saves the
//   whole site, the Pyodide runtime and the decision_aid package, so that every page
//   and the checker work offline after one visit. Nothing else is stored.

import "./decision-aid.js"; // listed here too, so it downloads alongside checker.js
import { startChecker } from "./checker.js";

const ROOT = new URL("../../", import.meta.url);

export function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return Promise.resolve(null);
  return navigator.serviceWorker
    .register(new URL("sw.js", ROOT), { scope: ROOT.pathname, updateViaCache: "none" })
    .catch(() => null); // offline use is a bonus: the page works without it
}

function whenIdle(callback) {
  const run = () => ("requestIdleCallback" in window ? requestIdleCallback(callback, { timeout: 3000 }) : setTimeout(callback, 1000));
  if (document.readyState === "complete") run();
  else window.addEventListener("load", run, { once: true });
}

const root = document.getElementById("hsb-checker");
if (root) {
  startChecker(root, ROOT).finally(() => whenIdle(registerServiceWorker));
} else {
  whenIdle(registerServiceWorker);
}
