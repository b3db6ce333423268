// The words of a result as DOM nodes: text from decision_aid, never markup, with each
// abbreviation explained. Every text goes in as a text node (no innerHTML).

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "style") Object.assign(node.style, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The glossary of the page's data block (longest terms first), ready to find terms in a text. */
export function glossaryOf(entries) {
  if (!entries.length) return null;
  return {
    pattern: new RegExp(`(?<![\\w-])(?:${entries.map((t) => escapeRegExp(t.term)).join("|")})(?![\\w-])`, "g"),
    expansion: new Map(entries.map((t) => [t.term, t.expansion])),
  };
}

/**
 * ``text`` as nodes, each abbreviation marked. The first use in a part of the result
 * (``seen``: the terms already explained there) is spelled out after it, in brackets, by
 * the style sheet (visible, printed and read out, with no hover or tap needed); later uses
 * carry the expansion as their title. A term already in brackets after its own words
 * ("children's social work (CSSW)") is not spelled out again; one that ends a bracket
 * ("(including the MASH)") is spelled out after a comma. The text itself is left exactly
 * as decision_aid gave it.
 */
export function words(text, glossary, seen) {
  if (!text || !glossary) return [text];
  const out = [];
  let last = 0;
  for (const match of text.matchAll(glossary.pattern)) {
    const term = match[0];
    const end = match.index + term.length;
    const bracketed = text[match.index - 1] === "(" && text[end] === ")";
    const expansion = glossary.expansion.get(term);
    out.push(text.slice(last, match.index));
    if (seen.has(term) || bracketed) out.push(el("abbr", { title: expansion }, term));
    else out.push(el("abbr", { class: text[end] === ")" ? "hsb-abbr hsb-abbr--comma" : "hsb-abbr", "data-expansion": expansion }, term));
    seen.add(term);
    last = end;
  }
  out.push(text.slice(last));
  return out.filter((part) => part !== "");
}
