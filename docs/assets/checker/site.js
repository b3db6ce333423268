// Loaded on every page (mkdocs.yml extra_javascript, as a module).
//
// - On a page with the traffic light checker, starts it at once (checker.js).
// - On every page, once the browser is idle (on the checker's pages, once the checker
//   has started), registers the service worker (sw.js at the site root). It saves the
//   whole site, the Pyodide runtime and the decision_aid package, so that every page
//   and the checker work offline after one visit. Nothing else is stored.
// - Watches for a newer build: build-id.txt (written by hooks/browser_bundle.py, never
//   cached) is fetched on load, when the tab is shown again and every 10 minutes while it
//   is visible, and the service worker says when a new version takes over. A page of an
//   older build then shows "A new version of the protocol is available" with a reload
//   button, and tells the checker (window event "hsb:published"), which stops answering
//   with the old rules. If the saved service worker is older than the published build,
//   it is replaced at once (file times play no part).
//
// The service worker is registered as sw.js?build=<published build>. An update check
// of the same address may be answered "304 Not Modified" by a host that compares file
// times (a redeploy within the same second, an older release uploaded again), so the
// browser would keep the old worker; a new address is always fetched in full.

import "./decision-aid.js"; // listed here too, so it downloads alongside checker.js
import { startChecker } from "./checker.js";

const ROOT = new URL("../../", import.meta.url);
const BUILD_ID = new URL("build-id.txt", ROOT);
const RECHECK_MS = 10 * 60 * 1000;

function register(build) {
  const script = new URL("sw.js", ROOT);
  if (build) script.searchParams.set("build", build);
  return navigator.serviceWorker
    .register(script, { scope: ROOT.pathname, updateViaCache: "none" })
    .catch(() => null); // offline use is a bonus: the page works without it
}

export async function registerServiceWorker() {
  if (!("serviceWorker" in navigator)) return null;
  const build = await atLoad;
  // Offline (no build known), a saved worker stays as it is.
  if (!build && (await navigator.serviceWorker.getRegistration(ROOT.href))) return null;
  return register(build);
}

function whenIdle(callback) {
  const run = () => ("requestIdleCallback" in window ? requestIdleCallback(callback, { timeout: 3000 }) : setTimeout(callback, 1000));
  if (document.readyState === "complete") run();
  else window.addEventListener("load", run, { once: true });
}

// The build the host publishes now, or null (offline, or no such file).
async function publishedBuild() {
  try {
    const response = await fetch(BUILD_ID, { cache: "no-store" });
    if (!response.ok) return null;
    const text = (await response.text()).trim();
    return /^[0-9a-f]{8,64}$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

// The version of the service worker controlling this page, or null.
function savedVersion() {
  const sw = navigator.serviceWorker;
  if (!sw || !sw.controller) return Promise.resolve(null);
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve((event.data && event.data.version) || null);
    sw.controller.postMessage({ type: "version" }, [channel.port2]);
    setTimeout(() => resolve(null), 3000);
  });
}

function showNotice() {
  if (document.getElementById("hsb-new-version")) return;
  const notice = document.createElement("div");
  notice.id = "hsb-new-version";
  notice.className = "admonition info hsb-new-version";
  notice.setAttribute("role", "status");
  const title = document.createElement("p");
  title.className = "admonition-title";
  title.textContent = "A new version of the protocol is available";
  const text = document.createElement("p");
  text.textContent = "This page shows an older version. Reload it to see the new one. ";
  const button = document.createElement("button");
  button.type = "button";
  button.className = "md-button";
  button.textContent = "Reload the page";
  button.addEventListener("click", () => window.location.reload());
  text.append(button);
  notice.append(title, text);
  const main = document.querySelector(".md-content__inner") || document.querySelector("main") || document.body;
  main.prepend(notice);
}

function watchForNewBuilds() {
  let shown = null;   // the build this page belongs to, once known
  const newer = (build) => {
    if (!build || !shown || build === shown) return;
    showNotice();
    window.dispatchEvent(new CustomEvent("hsb:published", { detail: { build } }));
  };
  // A saved service worker older than the published build is asked to update at once.
  const updateIfBehind = async (build) => {
    if (!build || !("serviceWorker" in navigator)) return;
    const saved = await savedVersion();
    if (saved && saved !== build) register(build);
  };
  const check = async () => {
    const build = await publishedBuild();
    newer(build);
    await updateIfBehind(build);
  };
  (async () => {
    // Online, the page was just fetched from the host, so it is the published build;
    // offline, it came from the saved copy.
    const build = await atLoad;
    shown = build || (await savedVersion());
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.addEventListener("message", (event) => {
        if (event.data && event.data.type === "activated") newer(event.data.version);
      });
    }
    await updateIfBehind(build);
    document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") check(); });
    setInterval(() => { if (document.visibilityState === "visible") check(); }, RECHECK_MS);
  })();
}

const atLoad = publishedBuild();   // asked once as the page loads, shared by both uses
const root = document.getElementById("hsb-checker");
if (root) {
  startChecker(root, ROOT).finally(() => whenIdle(registerServiceWorker));
} else {
  whenIdle(registerServiceWorker);
}
watchForNewBuilds();
