// The checker's result, as DOM nodes: what decision_aid answered, in the order a
// professional acts on it. No rule here: every word of protocol comes in the result or
// the page's data block; the words here are the page's own headings and labels.

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "style") Object.assign(node.style, value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

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
function interpretation(ctx, reason) {
  if (!reason) return null;
  return el("p", { class: "hsb-interpretation" }, ctx.data.interpretation.replace("{reason}", () => reason));
}

function badge(ctx, colourId, label) {
  const c = ctx.data.colours[colourId];
  return el("span", { class: "hsb-badge", style: c ? { background: c.background, color: c.text } : null }, label);
}


// ctx: {data (the page's data block), siteRoot, level (heading level)};
// told: {yes, no, unsure}, the questions as the professional answered them.
export function resultParts(result, s, told, ctx) {
  const level = ctx.level;
  const h = (text) => el(`h${level}`, {}, text);
  const body = [];

  const raised = result.possible_threshold !== result.threshold;
  body.push(el("div", { class: "hsb-summary hsb-panel" },
    el("p", { class: "hsb-headline" }, el("span", { class: "hsb-muted" }, "Threshold: "), result.threshold_label),
    raised ? el("p", { class: "hsb-possible" }, el("strong", {}, `Could be ${result.possible_threshold_label}: `),
      "you answered “not sure” to a question that would raise it. See “What you were not sure of” below.") : null,
    result.colour
      ? el("p", { class: "hsb-colour-line" }, "Traffic light colour: ", badge(ctx, result.colour, result.colour_label))
      : el("p", { class: "hsb-colour-line" }, "No behaviour was chosen, so there is no traffic light colour."),
    el("dl", { class: "hsb-outcome" },
      el("dt", {}, "Category"), el("dd", {}, result.category_label),
      el("dt", {}, "Threshold"), el("dd", {}, result.threshold_label)),
  ));

  if (result.taken_as_yes.length) {
    body.push(el("ul", { class: "hsb-taken" }, result.taken_as_yes.map((t) => el("li", {}, t.note))));
  }

  if (result.behaviours.length) {
    body.push(h("Each behaviour for this child"));
    body.push(el("ul", { class: "hsb-behaviours" }, result.behaviours.map((b) => el("li", {},
      badge(ctx, b.colour, b.colour_label), " ", b.text,
      el("span", { class: "hsb-muted" }, ` (${ctx.data.bands[b.band] ? ctx.data.bands[b.band].label : b.band})`)))));
  }

  body.push(h("What to do next"));
  body.push(el("ol", { class: "hsb-steps" }, result.steps.map((step) => el("li", {},
    el("p", { class: "hsb-who" }, el("strong", {}, step.who)),
    step.action ? el("p", {}, step.action) : null,
    step.within ? el("p", {}, el("strong", {}, "Within: "), step.within) : null,
    interpretation(ctx, step.interpretation),
    step.contact ? el("p", { class: "hsb-contact" }, el("strong", {}, "Contact: "), step.contact.name,
      step.contact.telephone ? [", telephone ", el("a", { href: `tel:${step.contact.telephone.replace(/[^0-9+]/g, "")}` }, step.contact.telephone)] : null,
      step.contact.email ? [", email ", el("a", { href: `mailto:${step.contact.email}` }, step.contact.email)] : null) : null,
    sectionLinks(ctx, step.sections)))));

  if (result.unsure.length) {
    body.push(h("What you were not sure of"));
    body.push(el("ul", { class: "hsb-unsure" }, result.unsure.map((u) => el("li", {},
      el("p", {}, u.note),
      u.steps_if_yes.length ? el("p", { class: "hsb-muted" }, "If yes, also: ",
        u.steps_if_yes.map((x, n) => [n ? "; " : "", `${x.who}: ${x.action.split(/(?<=[.:])\s/)[0]}`])) : null))));
  }

  if (result.referral_must_include.length) {
    body.push(h("A referral must include"));
    body.push(el("p", {}, ctx.data.referralIntroduction));
    body.push(el("ul", {}, result.referral_must_include.map((item) => el("li", {}, item))));
  }

  body.push(h("Consent to share information"));
  body.push(el("p", {}, result.consent.text));
  if (result.consent.note) body.push(el("p", {}, result.consent.note));
  body.push(el("p", {}, result.consent.always));
  body.push(sectionLinks(ctx, result.consent.sections));

  if (result.notes.length) {
    body.push(h("Notes"));
    body.push(el("ul", {}, result.notes.map((note) => el("li", {}, note))));
  }

  const reasons = [...new Set(result.reasons.flatMap((r) => r.sections))];
  if (reasons.length) body.push(el("div", { class: "hsb-reasons" }, sectionLinks(ctx, reasons)));
  const readings = result.reasons.filter((r) => r.interpretation);
  if (readings.length) body.push(el("div", { class: "hsb-reasons" }, readings.map((r) => interpretation(ctx, r.interpretation))));

  body.push(h("What you told the checker"));
  const { yes, no: answeredNo, unsure: notSure } = told;
  const listOrNone = (items) => (items.length ? el("ul", {}, items.map((q) => el("li", {}, q))) : "None");
  body.push(el("dl", { class: "hsb-answers" },
    el("dt", {}, "Age"), el("dd", {}, String(s.age)),
    s.developmental_band ? [el("dt", {}, "Development like"), el("dd", {}, ctx.data.bands[s.developmental_band].label)] : null,
    el("dt", {}, "Where you work"), el("dd", {}, ctx.data.settings[s.setting] || s.setting),
    el("dt", {}, "Behaviours"),
    el("dd", {}, s.behaviours.length ? el("ul", {}, result.behaviours.map((b) => el("li", {}, b.text))) : "None chosen"),
    el("dt", {}, "Answered yes"),
    el("dd", {}, listOrNone(yes)),
    el("dt", {}, "Answered no"),
    el("dd", {}, listOrNone(answeredNo)),
    el("dt", {}, "Not sure"),
    el("dd", {}, listOrNone(notSure))));
  return body.filter(Boolean);
}
