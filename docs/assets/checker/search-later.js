// The site search fetches its index when it is first used, not as the page loads, and
// ranks its results by how the words typed match (the second part of this file).
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

// The site search ranks its results by how the words typed match, before anything else.
//
// The theme's search (lunr, in the theme's worker) finds every section holding any of the
// words and scores a word in a heading 1000 times a word in the text, so a heading holding
// one of the words ("Gangs strategy group") came before the section that holds all of them,
// together, three times ("strategy meeting", 8.3); and it adds to a page's own text a bonus
// its sections never get. Here, as each answer comes back from the worker and before the
// theme shows it, every result is ranked by, in order:
//   3. its heading holds every word typed;
//   2. its text holds the words together, as typed;
//   1. it holds every word, apart;
//   0. it holds some of them;
// each a class ten times the one below, times the page's `search: boost:` (front matter:
// 0.5 for the pages that are not the protocol's own text, such as What happens next, the
// timescales, contacts, glossary and the checker, so a protocol section comes first in its
// class; 0.0001 for the pages about this site, after everything else), and within that by
// how often the words occur together (up to 9 times); lunr's score breaks ties. A word
// matches the start of a word in the page, as in the theme's own search. Nothing else
// changes: the worker still decides what matches, and the theme shows it. Only the theme's
// search worker is wrapped (window.Worker hands every other worker back untouched).
(function () {
  "use strict";
  var Real = window.Worker;
  var WORKER = /\/workers\/search\.[\w]+\.min\.js$/;
  var SETUP = 0, QUERY = 2, RESULT = 3;   // the theme's search messages
  if (!Real) return;

  function ranked(worker) {
    var docs = {};        // location -> document of the index, and its words once needed
    var separator = /[\s\-]+/;
    var asked = [];       // queries sent and not yet answered: the worker answers each, in order

    function words(value) {
      return String(value).replace(/<[^>]*>/g, " ").toLowerCase().split(separator).filter(Boolean);
    }
    function together(tokens, typed) {   // how often the typed words stand together, in order
      var n = 0;
      for (var i = 0; i + typed.length <= tokens.length; i++) {
        var j = 0;
        while (j < typed.length && tokens[i + j].lastIndexOf(typed[j], 0) === 0) j++;
        if (j === typed.length) n++;
      }
      return n;
    }
    function holds(tokens, typed) {
      return typed.every(function (w) {
        return tokens.some(function (t) { return t.lastIndexOf(w, 0) === 0; });
      });
    }
    function rank(item, typed) {
      var doc = docs[item.location];
      if (!doc || !item.score || !typed.length) return 0;
      if (!doc.words) doc.words = {title: words(doc.title), text: words(doc.text)};
      var title = doc.words.title, text = doc.words.text;
      var inText = together(text, typed);
      var count = together(title, typed) + inText;
      var cls = holds(title, typed) ? 3 : inText ? 2 : holds(title.concat(text), typed) ? 1 : 0;
      var boost = typeof doc.boost === "number" ? doc.boost : 1;
      return boost * Math.pow(10, cls) * (1 + Math.min(count, 9) / 10);
    }
    function order(a, b) { return b[0] - a[0] || b[1] - a[1]; }

    function rerank(result, query) {
      // The words typed, without the search syntax (+word, -word, word*, word~1, word^2, "…").
      var typed = words(String(query).split(/\s+/).filter(function (part) { return part.charAt(0) !== "-"; })
        .join(" ").replace(/[~^]\d*|["+*]/g, " ")).slice(0, 10);   // a pasted essay ranks by its first words
      var groups = result.items.map(function (group) {
        var items = group.map(function (item) { return [rank(item, typed), item.score, item]; }).sort(order);
        items.forEach(function (entry) { entry[2].score = entry[0]; });
        return [items[0][0], items[0][1], items.map(function (entry) { return entry[2]; })];
      });
      result.items = groups.sort(order).map(function (group) { return group[2]; });
    }

    var post = worker.postMessage;
    worker.postMessage = function (message) {
      if (message && message.type === SETUP) {
        try { separator = new RegExp(message.data.config.separator); } catch (e) { /* the theme's default */ }
        message.data.docs.forEach(function (doc) { docs[doc.location] = doc; });
      } else if (message && message.type === QUERY) {
        asked.push(message.data);
      }
      return post.apply(worker, arguments);
    };
    // Added before the theme's own listener, so it runs first and the theme shows the new order.
    worker.addEventListener("message", function (event) {
      var message = event.data;
      if (!message || message.type !== RESULT) return;
      var query = asked.shift();
      if (message.data && message.data.items && message.data.items.length) rerank(message.data, query);
    });
    return worker;
  }

  function Worker(url, options) {
    var worker = arguments.length > 1 ? new Real(url, options) : new Real(url);
    var path = "";
    try { path = new URL(String(url), document.baseURI).pathname; } catch (e) { /* not the search's */ }
    return WORKER.test(path) ? ranked(worker) : worker;
  }
  Worker.prototype = Real.prototype;
  window.Worker = Worker;
})();
