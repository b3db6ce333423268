// The site search fetches its index when it is first used, not as the page loads.
// Loaded on every page before the theme's bundle (overrides/main.html).
//
// The theme downloads its search index (search/search_index.json, about 180 KB) as every
// page loads, parses it and hands it to its search worker. That competes with the page's
// own stylesheets (measured: first paint 0.6 s later on Lighthouse's slow 4G from a host
// that compresses nothing) and, on the checker's pages, with the checker's files, and the
// parsing blocks a phone's main thread for a while. Here the theme's request for it is
// held until the search is first opened or its box focused (by click, tap or keyboard),
// as the theme itself does for pages opened from files. Only that request is held.
(function () {
  "use strict";
  var INDEX = /\/search\/search_index\.json$/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];
  var released = false;

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach(function (go) { go(); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.hsbHeld = !released && INDEX.test(new URL(url, document.baseURI).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var xhr = this;
    var args = arguments;
    if (!xhr.hsbHeld || released) return send.apply(xhr, args);
    held.push(function () { send.apply(xhr, args); });
  };
  document.addEventListener("focusin", function (event) {
    if (event.target.closest && event.target.closest(".md-search")) release();
  });
  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search") release();   // the theme's search toggle
  });
})();
