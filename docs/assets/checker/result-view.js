// The checker's result, as DOM nodes: what decision_aid answered, in the order a
// professional acts on it. First the headline (the colour in words, the threshold in large
// type), then what you do now, by when and whom to contact; then what happens next,
// grouped by who takes each step. No rule here: every word of protocol comes in the
// result or the page's data block; the words here are the page's own headings and labels.

import { el, glossaryOf, words } from "./result-words.js";

export { el };

function sectionLinks(ctx, refs) {
  const links = [];
  for (const ref of refs) {
    const s = ctx.data.sections[ref];
    if (!s) continue;
    if (links.length) links.push(", ");
    // A shared number already carries its title in the label (also on paper).
    const title = s.label === s.number ? el("span", { class: "hsb-cite-title" }, ` ${s.title}`) : null;
    links.push(el("a", { href: new URL(s.url, ctx.siteRoot).href }, s.label, title));
  }
  return links.length ? el("p", { class: "hsb-cites" }, "Protocol: ", links) : null;
}

// A board interpretation is shown as such: never as the protocol's own words.
function interpretation(ctx, reason, seen) {
  if (!reason) return null;
  return el("p", { class: "hsb-interpretation" }, words(ctx.data.interpretation.replace("{reason}", () => reason), ctx.glossary, seen));
}

function badge(ctx, colourId, label) {
  const c = ctx.data.colours[colourId];
  return el("span", { class: "hsb-badge", style: c ? { background: c.background, color: c.text } : null }, label);
}

function telephoneLink(number) {
  return el("a", { href: `tel:${number.replace(/[^0-9+]/g, "")}` }, number);
}

// Whom to contact. For your own steps, a service the protocol gives no number for says
// so and names the route (the sentence is data: [notes] no_telephone).
function contactLine(ctx, contact, mine, seen) {
  if (!contact) return null;
  const mail = contact.email ? el("a", { href: `mailto:${contact.email}` }, contact.email) : null;
  if (contact.telephone || !mine) {
    return el("p", { class: "hsb-contact" }, el("strong", {}, "Contact: "), words(contact.name, ctx.glossary, seen),
      contact.telephone ? [", telephone ", telephoneLink(contact.telephone)] : null, mail ? [", email ", mail] : null);
  }
  return el("p", { class: "hsb-contact hsb-contact--no-number" },
    words(ctx.data.noTelephone.replace("{service}", () => contact.name), ctx.glossary, seen),
    mail ? [" Email: ", mail] : null);
}

function stepItem(ctx, step, mine, seen) {
  return el("li", { class: "hsb-step" },
    mine ? el("p", { class: "hsb-step-who" }, words(step.who, ctx.glossary, seen)) : null,
    el("p", { class: "hsb-step-action" }, words(step.action, ctx.glossary, seen)),
    step.within ? el("p", { class: "hsb-step-within" }, el("strong", {}, "Within: "), step.within) : null,
    contactLine(ctx, step.contact, mine, seen),
    interpretation(ctx, step.interpretation, seen),
    sectionLinks(ctx, step.sections));
}

// An action's first sentence (a summary line; the whole step is listed below it).
const firstSentence = (action) => action.split(/(?<=[.:])\s/)[0];

// The time limit of the first of your steps the board marks for the headline (data:
// steps.toml, headline), with the step's number under "What you do now", so that "by
// when" is on the first screen of a phone (as the GOV.UK result panel puts the next
// action first), and is never read as the limit for the rest.
function headlineLimit(ctx, result) {
  const mine = result.steps.filter((s) => s.yours);
  const n = mine.findIndex((s) => s.headline && s.within);
  if (n < 0) return null;
  return el("p", { class: "hsb-panel-limit" }, el("strong", {}, "Time limit: "), `${mine[n].within} (step ${n + 1}): `,
    words(firstSentence(mine[n].action), ctx.glossary, new Set()));
}

// Where the user did not say where they work: the steps of each service, under "What you
// do now" (one of them may be theirs), each service folded on phones like "What happens next".
function serviceSteps(ctx, result, s) {
  if (s.setting) return [];
  return Object.entries(ctx.data.settings).map(([id, label]) => {
    const steps = result.steps.filter((step) => !step.yours && step.user.includes(id));
    if (!steps.length) return null;
    const seen = new Set();
    return el("details", { class: "hsb-service", open: ctx.wide },
      el("summary", {}, `If you work in: ${label} (${steps.length} ${steps.length === 1 ? "step" : "steps"})`),
      el("ul", { class: "hsb-steps hsb-steps--service", "data-setting": id }, steps.map((step) => stepItem(ctx, step, true, seen))));
  });
}

function headline(ctx, result) {
  const raised = result.possible_threshold !== result.threshold;
  const colour = ctx.data.colours[result.colour];
  return el("div", { class: "hsb-panel", style: colour ? { background: colour.background, color: colour.text } : null },
    el("p", { class: "hsb-panel-colour" }, result.colour
      ? ["Traffic light colour: ", el("strong", {}, result.colour_label)]
      : "No behaviour was chosen, so there is no traffic light colour."),
    el("p", { class: "hsb-headline" }, el("span", { class: "hsb-headline-label" }, "Threshold: "), result.threshold_label),
    headlineLimit(ctx, result),
    raised ? el("p", { class: "hsb-possible" }, el("strong", {}, `Could be ${result.possible_threshold_label}`),
      ": you answered “not sure” to a question that would raise it. ",
      el("a", { href: "#hsb-unsure" }, "See what you were not sure of")) : null);
}

function yoursPart(ctx, result, s, h) {
  const seen = new Set();
  const mine = result.steps.filter((step) => step.yours);
  const services = serviceSteps(ctx, result, s).filter(Boolean);
  return [
    h("What you do now", { id: "hsb-now" }),
    services.length
      ? el("p", { class: "hsb-setting-note" }, "You did not say where you work: the steps of particular services come after these.")
      : null,
    mine.length
      ? el("ol", { class: "hsb-steps hsb-steps--yours" }, mine.map((step) => stepItem(ctx, step, true, seen)))
      : el("p", {}, "None of the steps is yours: see what happens next."),
    services,
  ];
}

// Each "not sure" answer says what a "yes" would change (always shown); the steps a "yes"
// would add are listed under it, folded on phones like "What happens next".
function unsurePart(ctx, result, h) {
  if (!result.unsure.length) return [];
  const seen = new Set();
  const more = (steps) => el("details", { class: "hsb-if-yes", open: ctx.wide },
    el("summary", {}, `If yes: ${steps.length} more ${steps.length === 1 ? "step" : "steps"}`),
    el("ul", {}, steps.map((x) => el("li", {}, words(`${x.who}: ${firstSentence(x.action)}`, ctx.glossary, seen)))));
  return [
    h("What you were not sure of", { id: "hsb-unsure", tabindex: "-1" }),
    el("ul", { class: "hsb-unsure" }, result.unsure.map((u) => el("li", {},
      el("p", {}, words(u.note, ctx.glossary, seen)),
      u.steps_if_yes.length ? more(u.steps_if_yes) : null))),
  ];
}

// The other agencies' steps, grouped by who takes them (in the order they first come); where
// the user did not say where they work, not those listed by service under "What you do now".
function nextPart(ctx, result, s) {
  const others = result.steps.filter((step) => !step.yours && (s.setting || !step.user.length));
  if (!others.length) return [];
  const groups = new Map();
  for (const step of others) groups.set(step.who, [...(groups.get(step.who) || []), step]);
  const seen = new Set();
  const heading = (text) => el(`h${Math.min(6, ctx.level + 1)}`, { class: "hsb-next-who" }, words(text, ctx.glossary, seen));
  return [el("details", { class: "hsb-next", id: "hsb-next", open: ctx.wide },
    el("summary", {}, el("span", { class: "hsb-next-title" }, "What happens next"),
      ` (${others.length} ${others.length === 1 ? "step" : "steps"} by others)`),
    [...groups].map(([who, steps]) => [heading(who),
      el("ul", { class: "hsb-steps hsb-steps--others" }, steps.map((step) => stepItem(ctx, step, false, seen)))]))];
}

function referralPart(ctx, result, h) {
  if (!result.referral_must_include.length) return [];
  const seen = new Set();
  return [h("A referral must include"), el("p", {}, words(ctx.data.referralIntroduction, ctx.glossary, seen)),
    el("ul", {}, result.referral_must_include.map((item) => el("li", {}, words(item, ctx.glossary, seen))))];
}

// Consent to share information applies where information is shared (decision_aid leaves
// it out below data/sharing.toml's from_threshold). Where a "not sure" answer could raise
// the threshold, "What you were not sure of" says what a "yes" would mean.
function consentPart(ctx, result, h) {
  if (!result.consent) return [];
  const seen = new Set();
  return [h("Consent to share information"), el("p", {}, words(result.consent.text, ctx.glossary, seen)),
    result.consent.note ? el("p", {}, words(result.consent.note, ctx.glossary, seen)) : null,
    el("p", {}, words(result.consent.always, ctx.glossary, seen)), sectionLinks(ctx, result.consent.sections)];
}

function whyPart(ctx, result, h) {
  const seen = new Set();
  const reasons = [...new Set(result.reasons.flatMap((r) => r.sections))];
  const band = (id) => (ctx.data.bands[id] ? ctx.data.bands[id].label : id);
  // Notes already shown in full above (under "What you were not sure of", or just below) are not repeated.
  const shown = new Set([...result.unsure.map((u) => u.note), ...result.taken_as_yes.map((x) => x.note)]);
  const notes = result.notes.filter((note) => !shown.has(note));
  return [
    h("Why this result"),
    result.behaviours.length ? el("ul", { class: "hsb-behaviours" }, result.behaviours.map((b) => el("li", {},
      badge(ctx, b.colour, b.colour_label), " ", words(b.text, ctx.glossary, seen), el("span", { class: "hsb-muted" }, ` (${band(b.band)})`)))) : null,
    el("dl", { class: "hsb-outcome" },
      el("dt", {}, "Category"), el("dd", {}, result.category_label),
      el("dt", {}, "Threshold"), el("dd", {}, result.threshold_label)),
    result.taken_as_yes.length ? el("ul", { class: "hsb-taken" }, result.taken_as_yes.map((t) => el("li", {}, words(t.note, ctx.glossary, seen)))) : null,
    notes.length ? el("ul", { class: "hsb-notes" }, notes.map((note) => el("li", {}, words(note, ctx.glossary, seen)))) : null,
    reasons.length ? el("div", { class: "hsb-reasons" }, sectionLinks(ctx, reasons)) : null,
    result.reasons.filter((r) => r.interpretation).map((r) => interpretation(ctx, r.interpretation, seen)),
  ];
}

function toldPart(ctx, result, s, told, h) {
  const seen = new Set();
  const listOrNone = (items) => (items.length ? el("ul", {}, items.map((q) => el("li", {}, words(q, ctx.glossary, seen)))) : "None");
  return [h("What you told the checker"), el("dl", { class: "hsb-answers" },
    el("dt", {}, "Age"), el("dd", {}, String(s.age)),
    s.developmental_band ? [el("dt", {}, "Development like"), el("dd", {}, ctx.data.bands[s.developmental_band].label)] : null,
    el("dt", {}, "Where you work"), el("dd", {}, s.setting ? ctx.data.settings[s.setting] || s.setting : "Not said"),
    el("dt", {}, "Behaviours"),
    el("dd", {}, s.behaviours.length ? el("ul", {}, result.behaviours.map((b) => el("li", {}, b.text))) : "None chosen"),
    el("dt", {}, "Answered yes"), el("dd", {}, listOrNone(told.yes)),
    el("dt", {}, "Answered no"), el("dd", {}, listOrNone(told.no)),
    el("dt", {}, "Not sure"), el("dd", {}, listOrNone(told.unsure)))];
}

/**
 * The result's parts, in reading order. ctx: {data (the page's data block), siteRoot,
 * level (heading level), wide (a wide screen: "What happens next" starts open)};
 * told: {yes, no, unsure}, the questions as the professional answered them.
 * "What you were not sure of" comes straight after your own steps when a "yes" would
 * raise the threshold (it is the safety-critical part), otherwise after the others'.
 */
export function resultParts(result, s, told, ctx) {
  const full = { ...ctx, glossary: glossaryOf(ctx.data.glossary) };
  const h = (text, attributes = {}) => el(`h${ctx.level}`, attributes, text);
  const raised = result.possible_threshold !== result.threshold;
  return [
    headline(full, result),
    ...yoursPart(full, result, s, h),
    ...(raised ? unsurePart(full, result, h) : []),
    ...referralPart(full, result, h),
    ...nextPart(full, result, s),
    ...(raised ? [] : unsurePart(full, result, h)),
    ...consentPart(full, result, h),
    ...whyPart(full, result, h),
    ...toldPart(full, result, s, told, h),
  ].flat().filter(Boolean);
}

/** Before printing, open every "What happens next" (and put each back as it was after). */
export function openForPrint(result, printing) {
  for (const details of result.querySelectorAll("details")) {
    if (printing) {
      details.dataset.wasOpen = details.open ? "1" : "";
      details.open = true;
    } else if (details.dataset.wasOpen !== undefined) {
      details.open = details.dataset.wasOpen === "1";
      delete details.dataset.wasOpen;
    }
  }
}
