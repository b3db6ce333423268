// Let keyboard users reach the glossary tooltips: the first use of each abbreviation
// on a page can take focus (Material shows its tooltip on focus as well as on hover).
// Only the first use, so the page does not fill with tab stops.
(function () {
  var seen = {};
  document.querySelectorAll("article abbr[title]").forEach(function (abbr) {
    var term = abbr.textContent;
    if (!seen[term]) {
      seen[term] = true;
      abbr.tabIndex = 0;
    }
  });
})();
