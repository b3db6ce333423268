// Finding a behaviour by the words staff use: pure functions, no page, no rule.
//
// Each behaviour is found by the words of its own text and by the everyday words the
// board gave it (search_terms in data/traffic_light.toml, sent in the page's data block).
// Matching tolerates word forms (touch, touches, touched, touching: a small suffix
// stemmer), a word still being typed (a prefix), and one wrong, missing, extra or swapped
// letter in a word of five letters or more: a word that matches nothing exactly is tried
// that way. A word that matches no behaviour at all (the place, a name: "playground") is
// left out and said so, rather than hiding every behaviour. No library: these few rules
// cover what staff type, in well under a millisecond for the 88 behaviours.

// Words that say nothing about what happened: who, when, how old.
const STOP = new Set((
  "a an the and or but of to in on at by for from with into onto about as is are was were be been being "
  + "has have had do does did it its this that these those there their they them he she him her his hers "
  + "my our your i we you me who which what when where while some any very really just also then than so "
  + "child children kid kids pupil pupils student students boy boys girl girls year years yr yrs old aged age"
).split(" "));
// Irregular forms the suffix rules cannot reach.
const SAME = new Map([["another", "other"], ["men", "man"], ["women", "woman"], ["genitalia", "genital"]]);
const MIN_NEAR = 5; // a word of this length or more may have one letter wrong

/** The words of a text: lower case, letters and digits only, possessive 's dropped. */
export function words(text) {
  return String(text).toLowerCase().replace(/[‘’`]/g, "'").replace(/'s\b/g, "")
    .split(/[^a-z0-9]+/).filter((w) => w.length > 1 || /[0-9]/.test(w));
}

function undouble(stemmed) {
  return /([^aeiouslz])\1$/.test(stemmed) ? stemmed.slice(0, -1) : stemmed;
}

/** A word's stem: touching, touched, touches and touch all give "touch". */
export function stem(word) {
  let w = SAME.get(word) || word;
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) return `${w.slice(0, -3)}y`;
  if (w.endsWith("ation") && w.length > 6) return w.slice(0, -3);
  if (w.endsWith("ing") && w.length > 5) return undouble(w.slice(0, -3));
  if (w.endsWith("ed") && w.length > 4) return undouble(w.slice(0, -2));
  if (w.endsWith("ly") && w.length > 5) w = w.slice(0, -2);
  else if (w.endsWith("es") && w.length > 4) return w.slice(0, -2);
  else if (w.endsWith("s") && !w.endsWith("ss")) w = w.slice(0, -1);
  return w.endsWith("e") && w.length > 3 ? w.slice(0, -1) : w;
}

/** True when a and b differ by at most one letter added, removed, changed or swapped with its neighbour. */
export function oneEditApart(a, b) {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i += 1;
  if (i === a.length || i === b.length) return true;
  const rest = (x, y) => a.slice(x) === b.slice(y);
  if (a.length === b.length) {
    return rest(i + 1, i + 1) || (a[i] === b[i + 1] && a[i + 1] === b[i] && rest(i + 2, i + 2));
  }
  return a.length > b.length ? rest(i + 1, i) : rest(i, i + 1);
}

/** One behaviour's words, with their stems: what a query is matched against. */
export function indexEntry(key, texts) {
  const seen = new Map();
  for (const w of texts.flatMap(words)) seen.set(w, stem(w));
  return { key, tokens: [...seen].map(([raw, stemmed]) => ({ raw, stem: stemmed })) };
}

function exact(word, wordStem, token) {
  return token.raw.startsWith(word) || token.stem.startsWith(wordStem);
}

function near(word, wordStem, token) {
  const close = (q, d) => oneEditApart(q, d) || (d.length > q.length && oneEditApart(q, d.slice(0, q.length)));
  return close(word, token.raw) || (wordStem.length >= MIN_NEAR && close(wordStem, token.stem));
}

/** The words of a query that can narrow the list: not stop words, not numbers ("10-year-old"). */
export function queryWords(query) {
  return [...new Set(words(query).filter((w) => !STOP.has(w) && !/[0-9]/.test(w)))];
}

/**
 * Match a query against entries (from indexEntry). Returns
 * {kind, used, ignored, hits}: kind "empty" (no words that narrow), "all" (hits match
 * every used word), "some" (nothing matches every word: hits match at least one, those
 * matching the rarest words first) or "none"; used/ignored: the query's words that
 * matched something or nothing; hits: [{key, count, weight}] in entry order (by weight
 * for "some"): count, the words matched; weight, each weighing 1 / the entries it matched.
 */
export function findBehaviours(query, entries) {
  const used = [];
  const ignored = [];
  const hits = new Map(entries.map((e) => [e.key, { key: e.key, count: 0, weight: 0 }]));
  for (const word of queryWords(query)) {
    const wordStem = stem(word);
    let found = entries.filter((e) => e.tokens.some((t) => exact(word, wordStem, t)));
    if (!found.length && word.length >= MIN_NEAR) found = entries.filter((e) => e.tokens.some((t) => near(word, wordStem, t)));
    if (!found.length) {
      ignored.push(word);
      continue;
    }
    used.push(word);
    for (const e of found) {
      const hit = hits.get(e.key);
      hit.count += 1;
      hit.weight += 1 / found.length;
    }
  }
  const list = [...hits.values()];
  if (!used.length) return { kind: ignored.length ? "none" : "empty", used, ignored, hits: ignored.length ? [] : list };
  const all = list.filter((h) => h.count === used.length);
  if (all.length) return { kind: "all", used, ignored, hits: all };
  const some = list.filter((h) => h.count > 0).sort((a, b) => b.weight - a.weight);
  return { kind: "some", used, ignored, hits: some };
}
