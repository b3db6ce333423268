// The site's service worker. hooks/browser_bundle.py writes it to sw.js at the site root
// (so it can control every page) and fills in BUILD: the build's version (a hash of every
// built file), the list of those files, and the folders whose files never change
// (their names carry a hash of their content).
//
// - Install: saves every file of this build in a cache named after the version. Files
//   under a hashed folder that an earlier version already saved are copied from it.
// - Activate: deletes every other version's cache and takes control of open pages.
// - Fetch: hashed files come from the cache first. Everything else comes from the
//   network first (revalidated, never a stale HTTP copy), and from the cache only when
//   the network fails, so an old version is never shown while the site can be reached.
//
// It stores only the site's own files: nothing a user types is ever sent or stored.

const BUILD = /*BUILD*/ null;
const PREFIX = "hsb-site-";
const CACHE = PREFIX + BUILD.version;
const SCOPE = new URL(self.registration.scope);
const PARALLEL = 6;

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
    const response = await fetch(url, { cache: immutable(path) ? "default" : "no-cache" });
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
  })());
});

async function fromCache(url) {
  const key = cacheKey(url);
  return (await caches.match(key, { cacheName: CACHE })) || (await caches.match(key));
}

async function cacheFirst(request, url) {
  const hit = await fromCache(url);
  return hit || fetch(request);
}

async function networkFirst(request, url) {
  try {
    if (request.mode === "navigate") {
      const response = await fetch(new Request(request.url, { cache: "no-cache", credentials: "same-origin" }));
      return response.redirected ? Response.redirect(response.url, 302) : response;
    }
    return await fetch(request, { cache: "no-cache" });
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
  event.respondWith(immutable(path) ? cacheFirst(request, url) : networkFirst(request, url));
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "version" && event.source) {
    event.source.postMessage({ type: "version", version: BUILD.version, files: BUILD.files.length });
  }
});
