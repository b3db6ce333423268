// The site's service worker. hooks/bundle_offline.py writes it to sw.js at the site root
// (so it can control every page) and fills in BUILD: the build's version (a hash of every
// built file), the list of the files to save (those the pages and the checker use), the
// folders whose files never change (their names carry a hash of their content), and the
// files it answers for by decompressing a saved .gzip (BUILD.gunzip).
//
// - Install: saves every listed file in a cache named after the version. Files already
//   there (the checker's worker saves what it downloaded and checked, see worker.js), or
//   under a hashed folder that an earlier version already saved, are not downloaded.
// - Activate: deletes every other version's cache and takes control of open pages.
//   Then tells every open page which version now answers ({type: "activated", version}),
//   so a page of an older build can say that a new version is available.
// - Fetch: hashed files come from the cache first. Everything else comes from the
//   network first, bypassing the HTTP cache altogether ("no-store": a host's file times
//   must never decide which version is shown, so a redeploy within the same second or a
//   re-upload of an older release reaches the user), and from the cache only when the
//   network fails, so an old version is never shown while the site can be reached.
//   build-id.txt is never answered from here: it is how pages learn of a new build.
//   Pyodide's glue (pyodide.asm.mjs) is answered from its saved .gzip, decompressed: the
//   checker's worker imports it by address here, as its policy allows no blob: module.
// - Workers: the checker's worker script is served with the pages' Content-Security-
//   Policy as a header (a worker takes its policy from its script's response; a meta tag
//   cannot reach it), so the worker runs under the same policy as the pages.
//
// It asks only this site for anything, and stores only the site's own files: nothing a
// user types is ever sent or stored. (Its own script cannot be given a policy on a
// static host; it keeps to the same rule in code: ownFetch.)

const BUILD = /*BUILD*/ null;
const PREFIX = "hsb-site-";
const CACHE = PREFIX + BUILD.version;
const SCOPE = new URL(self.registration.scope);
const PARALLEL = 6;

// The pages' rule for this script too: requests to this site only.
const siteFetch = self.fetch.bind(self);
function ownFetch(input, init) {
  const url = new URL(input instanceof Request ? input.url : input, SCOPE);
  if (url.origin !== SCOPE.origin) return Promise.reject(new TypeError("Refused: this site asks only itself for files."));
  return siteFetch(input, init);
}

// Material's own files carry a content hash in their names too (bundle.1a2b3c4d.min.js).
const HASHED_NAME = /\.[0-9a-f]{8}\.min\.(?:js|css)$/;

function sitePath(url) {
  return url.pathname.slice(SCOPE.pathname.length);
}

function immutable(path) {
  return BUILD.immutable.some((folder) => path.startsWith(folder)) || HASHED_NAME.test(path);
}

function cacheKey(url) {
  // Pages are saved as "folder/"; a search highlight (?h=...) or anchor does not matter.
  let key = url.origin + url.pathname;
  if (key.endsWith("/index.html")) key = key.slice(0, -"index.html".length);
  return key;
}

async function storable(response) {
  // A redirected response cannot answer a navigation: store its body under the asked URL.
  if (!response.redirected) return response;
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function precache() {
  const cache = await caches.open(CACHE);
  const older = (await caches.keys()).filter((key) => key.startsWith(PREFIX) && key !== CACHE);
  const queue = BUILD.files.slice();

  async function save(path) {
    const url = new URL(path, SCOPE).href;
    if (await cache.match(url)) return;
    if (immutable(path)) {
      for (const name of older) {
        const hit = await (await caches.open(name)).match(url);
        if (hit) return cache.put(url, hit);
      }
    }
    const response = await ownFetch(url, { cache: immutable(path) ? "default" : "no-store" });
    if (!response.ok) throw new Error(`Saving ${path} for offline use failed: HTTP ${response.status}`);
    await cache.put(url, await storable(response));
  }

  await Promise.all(Array.from({ length: PARALLEL }, async () => {
    while (queue.length) await save(queue.shift());
  }));
}

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
    }
    await self.clients.claim();
    for (const client of await self.clients.matchAll({ type: "window", includeUncontrolled: true })) {
      client.postMessage({ type: "activated", version: BUILD.version });
    }
  })());
});

async function fromCache(url) {
  const key = cacheKey(url);
  return (await caches.match(key, { cacheName: CACHE })) || (await caches.match(key));
}

async function cacheFirst(request, url) {
  const hit = await fromCache(url);
  return hit || ownFetch(request);
}

// A file saved only gzipped, decompressed (from the cache first, as it never changes).
async function gunzipped(packed, type) {
  const response = await cacheFirst(new Request(packed), packed);
  if (!response.ok) return response;
  return new Response(response.body.pipeThrough(new DecompressionStream("gzip")), { headers: { "Content-Type": type } });
}

// The response a worker's script gets: the same body, with the pages' policy as a header.
async function withPolicy(response) {
  const resolved = await response;
  if (!resolved.ok) return resolved;
  const headers = new Headers(resolved.headers);
  headers.set("Content-Security-Policy", BUILD.workerPolicy);
  return new Response(resolved.body, { status: resolved.status, statusText: resolved.statusText, headers });
}

async function networkFirst(request, url) {
  try {
    if (request.mode === "navigate") {
      const response = await ownFetch(new Request(request.url, { cache: "no-store", credentials: "same-origin" }));
      return response.redirected ? Response.redirect(response.url, 302) : response;
    }
    return await ownFetch(request, { cache: "no-store" });
  } catch (offline) {
    const hit = await fromCache(url);
    if (hit) return hit;
    if (request.mode === "navigate") {
      const notFound = await fromCache(new URL("404.html", SCOPE));
      if (notFound) return new Response(notFound.body, { status: 404, headers: notFound.headers });
    }
    return Response.error();
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return;
  const path = sitePath(url);
  if (path === BUILD.buildId) return;
  const packed = BUILD.gunzip[path];
  const response = packed ? gunzipped(new URL(packed, SCOPE), "text/javascript")
    : immutable(path) ? cacheFirst(request, url) : networkFirst(request, url);
  const worker = request.destination === "worker" || request.destination === "sharedworker";
  event.respondWith(worker ? withPolicy(response) : response);
});

self.addEventListener("message", (event) => {
  if (!event.data || event.data.type !== "version") return;
  const reply = { type: "version", version: BUILD.version, files: BUILD.files.length };
  if (event.ports && event.ports[0]) event.ports[0].postMessage(reply);   // site.js asks on a channel
  else if (event.source) event.source.postMessage(reply);
});
