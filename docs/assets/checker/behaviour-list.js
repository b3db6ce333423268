// The form's list of behaviours: only the child's own band(s), narrowed by the words
// typed, each with its traffic light colour for this child written as a word.
//
// Which bands apply, and any colour that differs at an age on a boundary, come from the
// page's data block (worked out at build time by decision_aid); the words each behaviour
// is found by come from data/traffic_light.toml. Nothing here is a rule.

import { findBehaviours, indexEntry } from "./behaviour-search.js";

/**
 * @param {HTMLElement} root the checker
 * @param {object} data the page's data block
 * @param {{count: HTMLElement, noMatch: HTMLElement}} ui
 */
export function behaviourList(root, data, ui) {
  const groups = [...root.querySelectorAll(".hsb-band")].map((fieldset) => {
    const list = fieldset.querySelector(".hsb-options");
    return { fieldset, band: fieldset.dataset.band, list, order: [...list.children] };
  });
  const options = [...root.querySelectorAll(".hsb-option")].map((li) => {
    const box = li.querySelector("input");
    const label = li.querySelector("label");
    const badge = li.querySelector(".hsb-colour-word");
    const text = [...label.childNodes].filter((n) => n !== badge).map((n) => n.textContent).join("").trim();
    return { li, box, badge, band: li.dataset.band, listed: li.dataset.colour, entry: indexEntry(box.value, [text, ...(data.terms[box.value] || [])]) };
  });
  const byId = new Map(options.map((o) => [o.box.value, o]));

  const bandLabels = (bands) => data.bandOrder.filter((b) => bands.includes(b)).map((b) => data.bands[b].label).join(" and ");
  const quoted = (items) => items.map((w) => `“${w}”`).join(", ");

  // The colour each behaviour has for a child read in these bands (a linked item of the
  // other band may be more serious: the form never shows a less serious colour than the result).
  let coloured = null;
  function showColours(bands) {
    const key = bands.join("+");
    if (key === coloured) return;
    coloured = key;
    const differs = data.colourForBands[key] || {};
    for (const o of options) {
      const colour = data.colours[differs[o.box.value] || o.listed];
      o.badge.textContent = colour.label;
      o.badge.style.background = colour.background;
      o.badge.style.color = colour.text;
    }
  }

  function reorder(ranked) {
    for (const g of groups) {
      const rank = new Map(ranked.map((key, n) => [key, n]));
      const items = ranked.length
        ? [...g.order].sort((a, b) => (rank.get(a.querySelector("input").value) ?? 1e9) - (rank.get(b.querySelector("input").value) ?? 1e9))
        : g.order;
      if (items.some((li, n) => g.list.children[n] !== li)) g.list.append(...items);
    }
  }

  function describe(result, shown, labels, query) {
    const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
    const left = result.ignored.length ? ` Not used: ${quoted(result.ignored)} (no behaviour for this age has ${result.ignored.length === 1 ? "this word" : "these words"}).` : "";
    if (result.kind === "empty") return `${plural(shown, "behaviour")} listed for ${labels}.`;
    if (result.kind === "all") return `${plural(shown, "behaviour")} for ${labels} match “${query}”.${left}`;
    if (result.kind === "some") {
      return `No behaviour for ${labels} matches every word of “${query}”. ${plural(shown, "behaviour")} `
        + `${shown === 1 ? "matches" : "match"} some of them, closest first.${left}`;
    }
    return `No behaviour for ${labels} matches “${query}”.`;
  }

  /** Show the behaviours of ``bands`` that match ``query``; ticked ones always stay. */
  function show(bands, query) {
    showColours(bands);
    const readable = options.filter((o) => bands.includes(o.band));
    const result = findBehaviours(query, readable.map((o) => o.entry));
    const matched = new Set(result.hits.map((h) => h.key));
    for (const o of options) o.li.hidden = !((bands.includes(o.band) && matched.has(o.box.value)) || o.box.checked);
    reorder(result.kind === "some" ? result.hits.map((h) => h.key) : []);
    for (const g of groups) g.fieldset.hidden = !g.order.some((li) => !li.hidden);
    ui.noMatch.hidden = !bands.length || !(result.kind === "none" || result.kind === "some");
    ui.count.textContent = bands.length
      ? describe(result, matched.size, bandLabels(bands), query.trim())
      : "Choose the child’s age to see the behaviours for their age.";
    return result;
  }

  return { show, option: (id) => byId.get(id), options };
}
