// The traffic light checker's page script: drives the form made by macros/checker.py.
//
// It knows no rule. Which behaviours to list for an age comes from the page's data
// block (worked out at build time by decision_aid); which questions to ask, and every
// result, come from decision_aid itself through window.decisionAid (decision-aid.js).
// Answers live only in the form: never in the address, never sent, never stored.

import { decisionAid } from "./decision-aid.js";

const SUMMARY_CLASS = "hsb-print-summary";

function el(tag, attributes = {}, ...children) {
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

const normalise = (text) => text.toLowerCase().replace(/[‘’]/g, "'").replace(/[“”]/g, '"');

function today() {
  return new Date().toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" });
}

export function startChecker(root, siteRoot) {
  const data = JSON.parse(document.getElementById("hsb-checker-data").textContent);
  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $("hsb-form"),
    errors: $("hsb-errors"),
    age: $("hsb-age"),
    band: $("hsb-band"),
    setting: $("hsb-setting"),
    search: $("hsb-search"),
    count: $("hsb-count"),
    allBands: $("hsb-all-bands"),
    allQuestions: $("hsb-all-questions"),
    allQuestionsField: $("hsb-all-questions-field"),
    allQuestionsLabel: $("hsb-all-questions-label"),
    status: $("hsb-status"),
    result: $("hsb-result"),
    resultHeading: $("hsb-result-heading"),
    resultBody: $("hsb-result-body"),
    made: $("hsb-made"),
    announce: $("hsb-announce"),
    unavailable: $("hsb-unavailable"),
    build: $("hsb-build"),
  };
  const bandGroups = [...root.querySelectorAll(".hsb-band")];
  const options = [...root.querySelectorAll(".hsb-option")].map((li) => ({
    li,
    box: li.querySelector("input"),
    band: li.dataset.band,
    text: normalise(li.textContent),
  }));
  const questions = [...root.querySelectorAll(".hsb-question")].map((fieldset) => ({
    fieldset,
    kind: fieldset.dataset.kind,
    id: fieldset.dataset.id,
    yes: fieldset.querySelector('input[value="yes"]'),
  }));
  const aid = decisionAid();
  let relevant = null; // null: not known yet, so every question is shown
  let refreshSeq = 0;
  let failure = null;

  // -- reading the form -------------------------------------------------------------

  function situation() {
    const s = {};
    if (ui.age.value !== "") s.age = Number(ui.age.value);
    s.behaviours = options.filter((o) => o.box.checked).map((o) => o.box.value);
    s.indicators = questions.filter((q) => q.kind === "indicator" && q.yes.checked).map((q) => q.id);
    if (ui.band.value) s.developmental_band = ui.band.value;
    for (const q of questions) if (q.kind === "question") s[q.id] = q.yes.checked;
    s.setting = ui.setting.value;
    return s;
  }

  // -- behaviours: the bands that apply, narrowed by the words typed ----------------

  function bandsShown() {
    if (ui.allBands.checked) return Object.keys(data.bands);
    if (ui.band.value) return [ui.band.value];
    return ui.age.value === "" ? [] : data.bandsByAge[ui.age.value] || [];
  }

  function filterBehaviours() {
    const bands = new Set(bandsShown());
    const words = normalise(ui.search.value).split(/\s+/).filter(Boolean);
    let matching = 0;
    for (const o of options) {
      const match = bands.has(o.band) && words.every((w) => o.text.includes(w));
      o.li.hidden = !(match || o.box.checked);
      if (match) matching += 1;
    }
    for (const group of bandGroups) {
      group.hidden = ![...group.querySelectorAll(".hsb-option")].some((li) => !li.hidden);
    }
    const labels = [...bands].map((b) => data.bands[b].label).join(" and ");
    const plural = matching === 1 ? "behaviour" : "behaviours";
    if (!bands.size) ui.count.textContent = "Choose the child’s age to see the behaviours for their age.";
    else if (words.length) ui.count.textContent = `${matching} ${plural} for ${labels} match “${ui.search.value.trim()}”.`;
    else ui.count.textContent = `${matching} ${plural} listed for ${labels}.`;
  }

  // -- questions: only those that would change the answer -----------------------------

  function showQuestions() {
    let hidden = 0;
    for (const q of questions) {
      const show = relevant === null || ui.allQuestions.checked || relevant.has(`${q.kind}:${q.id}`)
        || q.yes.checked || q.fieldset.contains(document.activeElement);
      q.fieldset.hidden = !show;
      if (!show) hidden += 1;
    }
    const notNeeded = hidden || (ui.allQuestions.checked && relevant !== null);
    ui.allQuestionsField.hidden = !notNeeded;
    if (hidden) {
      ui.allQuestionsLabel.textContent = `Also show the ${hidden} ${hidden === 1 ? "question" : "questions"} that would not change the answer`;
    }
  }

  async function refreshQuestions() {
    const seq = ++refreshSeq;
    const s = situation();
    if (!aid.info || s.age === undefined || (!s.behaviours.length && !s.indicators.length)) {
      relevant = null;
    } else {
      try {
        const r = await aid.relevantQuestions(s);
        if (seq !== refreshSeq) return;
        relevant = new Set([...r.questions.map((id) => `question:${id}`), ...r.indicators.map((id) => `indicator:${id}`)]);
      } catch {
        if (seq !== refreshSeq) return;
        relevant = null;
      }
    }
    showQuestions();
  }

  // -- the result ---------------------------------------------------------------------

  function sectionLinks(refs) {
    const links = [];
    for (const ref of refs) {
      const s = data.sections[ref];
      if (!s) continue;
      if (links.length) links.push(", ");
      // A shared number already carries its title in the label (also on paper).
      const title = s.label === s.number ? el("span", { class: "hsb-cite-title" }, ` ${s.title}`) : null;
      links.push(el("a", { href: new URL(s.url, siteRoot).href }, s.label, title));
    }
    return links.length ? el("p", { class: "hsb-cites" }, "Protocol: ", links) : null;
  }

  function badge(colourId, label) {
    const c = data.colours[colourId];
    return el("span", { class: "hsb-badge", style: c ? { background: c.background, color: c.text } : null }, label);
  }

  function render(result, s) {
    const level = Math.min(6, Number(ui.resultHeading.tagName.slice(1)) + 1);
    const h = (text) => el(`h${level}`, {}, text);
    const body = [];

    body.push(el("div", { class: "hsb-summary" },
      result.colour
        ? el("p", { class: "hsb-colour-line" }, "Traffic light colour: ", badge(result.colour, result.colour_label))
        : el("p", { class: "hsb-colour-line" }, "No behaviour was chosen, so there is no traffic light colour."),
      el("dl", { class: "hsb-outcome" },
        el("dt", {}, "Category"), el("dd", {}, result.category_label),
        el("dt", {}, "Threshold"), el("dd", {}, result.threshold_label)),
    ));

    if (result.behaviours.length) {
      body.push(h("Each behaviour for this child"));
      body.push(el("ul", { class: "hsb-behaviours" }, result.behaviours.map((b) => el("li", {},
        badge(b.colour, b.colour_label), " ", b.text,
        el("span", { class: "hsb-muted" }, ` (${data.bands[b.band] ? data.bands[b.band].label : b.band})`)))));
    }

    body.push(h("What to do next"));
    body.push(el("ol", { class: "hsb-steps" }, result.steps.map((step) => el("li", {},
      el("p", { class: "hsb-who" }, el("strong", {}, step.who)),
      step.action ? el("p", {}, step.action) : null,
      step.within ? el("p", {}, el("strong", {}, "Within: "), step.within) : null,
      step.contact ? el("p", { class: "hsb-contact" }, el("strong", {}, "Contact: "), step.contact.name,
        step.contact.telephone ? [", telephone ", el("a", { href: `tel:${step.contact.telephone.replace(/[^0-9+]/g, "")}` }, step.contact.telephone)] : null,
        step.contact.email ? [", email ", el("a", { href: `mailto:${step.contact.email}` }, step.contact.email)] : null) : null,
      sectionLinks(step.sections)))));

    if (result.referral_must_include.length) {
      body.push(h("A referral must include"));
      body.push(el("p", {}, data.referralIntroduction));
      body.push(el("ul", {}, result.referral_must_include.map((item) => el("li", {}, item))));
    }

    body.push(h("Consent to share information"));
    body.push(el("p", {}, result.consent.text));
    if (result.consent.note) body.push(el("p", {}, result.consent.note));
    body.push(el("p", {}, result.consent.always));
    body.push(sectionLinks(result.consent.sections));

    if (result.notes.length) {
      body.push(h("Notes"));
      body.push(el("ul", {}, result.notes.map((note) => el("li", {}, note))));
    }

    const reasons = [...new Set(result.reasons.flatMap((r) => r.sections))];
    if (reasons.length) body.push(el("div", { class: "hsb-reasons" }, sectionLinks(reasons)));

    body.push(h("What you told the checker"));
    const yes = questions.filter((q) => q.yes.checked)
      .map((q) => (q.kind === "question" ? data.questions[q.id] : data.indicators[q.id]));
    body.push(el("dl", { class: "hsb-answers" },
      el("dt", {}, "Age"), el("dd", {}, String(s.age)),
      s.developmental_band ? [el("dt", {}, "Development like"), el("dd", {}, data.bands[s.developmental_band].label)] : null,
      el("dt", {}, "Where you work"), el("dd", {}, data.settings[s.setting] || s.setting),
      el("dt", {}, "Behaviours"),
      el("dd", {}, s.behaviours.length ? el("ul", {}, result.behaviours.map((b) => el("li", {}, b.text))) : "None chosen"),
      el("dt", {}, "Answered yes"),
      el("dd", {}, yes.length ? el("ul", {}, yes.map((q) => el("li", {}, q))) : "None")));

    ui.made.textContent = `Made on ${today()} with the protocol, version ${result.protocol_version}. `
      + "No names or other details were recorded; nothing was sent or saved.";
    ui.resultBody.replaceChildren(...body.filter(Boolean));
    ui.result.hidden = false;
    ui.resultHeading.focus();
    const summary = [
      "Result.",
      result.colour_label ? `Traffic light colour: ${result.colour_label}.` : "",
      `Category: ${result.category_label}.`,
      `Threshold: ${result.threshold_label}.`,
      `${result.steps.length} ${result.steps.length === 1 ? "step" : "steps"} to take.`,
    ].filter(Boolean).join(" ");
    ui.announce.textContent = "";
    setTimeout(() => { ui.announce.textContent = summary; }, 100);
  }

  // -- errors and the fallback ---------------------------------------------------------

  function showError(message, target) {
    const link = el("a", { href: `#${target.id}` }, message);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      target.focus();
    });
    ui.errors.replaceChildren(el("p", { class: "hsb-errors-title" }, el("strong", {}, "There is a problem")), el("p", {}, link));
    ui.errors.hidden = false;
    ui.errors.focus();
  }

  function clearErrors() {
    ui.errors.hidden = true;
    ui.errors.replaceChildren();
  }

  function showUnavailable(error) {
    failure = error;
    ui.status.textContent = error.message;
    ui.unavailable.hidden = false;
    ui.form.querySelector('[type="submit"]').setAttribute("aria-describedby", "hsb-unavailable");
  }

  // -- actions ---------------------------------------------------------------------------

  async function check() {
    clearErrors();
    if (failure) {
      ui.unavailable.setAttribute("tabindex", "-1");
      ui.unavailable.focus();
      return;
    }
    const s = situation();
    if (!aid.info) ui.status.textContent = "Working out the answer…";
    try {
      await aid.ready;
    } catch (error) {
      showUnavailable(error);
      ui.unavailable.setAttribute("tabindex", "-1");
      ui.unavailable.focus();
      return;
    }
    let result;
    try {
      result = await aid.assess(s);
    } catch (error) {
      const target = s.age === undefined ? ui.age : ui.search;
      showError(error.message, target);
      return;
    } finally {
      if (aid.info) ui.status.textContent = "";
    }
    render(result, s);
  }

  function startAgain() {
    ui.form.reset();
    clearErrors();
    relevant = null;
    refreshSeq += 1;
    ui.result.hidden = true;
    ui.resultBody.replaceChildren();
    ui.made.textContent = "";
    ui.announce.textContent = "";
    filterBehaviours();
    showQuestions();
    ui.age.focus();
    root.scrollIntoView({ block: "start" });
  }

  function printSummary() {
    document.documentElement.classList.add(SUMMARY_CLASS);
    window.print();
  }

  // -- wiring ----------------------------------------------------------------------------

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    check();
  });
  ui.search.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault(); // Enter narrows the list; it does not check
  });
  ui.search.addEventListener("input", filterBehaviours);
  for (const control of [ui.age, ui.band, ui.allBands]) control.addEventListener("change", filterBehaviours);
  let pending = null;
  ui.form.addEventListener("change", (event) => {
    if (event.target === ui.allQuestions) {
      showQuestions();
      return;
    }
    clearTimeout(pending);
    pending = setTimeout(refreshQuestions, 120);
  });
  $("hsb-print").addEventListener("click", printSummary);
  $("hsb-restart").addEventListener("click", startAgain);
  $("hsb-restart-top").addEventListener("click", startAgain);
  window.addEventListener("beforeprint", () => {
    if (!ui.result.hidden && root.dataset.standalone !== undefined) document.documentElement.classList.add(SUMMARY_CLASS);
  });
  window.addEventListener("afterprint", () => document.documentElement.classList.remove(SUMMARY_CLASS));

  filterBehaviours();
  ui.unavailable.hidden = true;
  ui.unavailable.classList.remove("hsb-unavailable--pending");
  ui.form.hidden = false;
  const slow = setTimeout(() => {
    if (!aid.info && !failure) ui.status.textContent = "Still preparing the checker… The first time, it has to download its files, which can take a while on a slow connection.";
  }, 15000);

  return aid.ready.then(
    (info) => {
      clearTimeout(slow);
      ui.status.textContent = "";
      ui.build.textContent = `Protocol version ${data.protocolVersion}. Checker build ${info.build}.`;
      root.dataset.ready = info.mode;
      refreshQuestions();
      showOfflineState(ui.build, info.build);
    },
    (error) => {
      clearTimeout(slow);
      showUnavailable(error);
    },
  );
}

function showOfflineState(line, build) {
  if (!("serviceWorker" in navigator)) return;
  const base = line.textContent;
  const ask = () => navigator.serviceWorker.controller && navigator.serviceWorker.controller.postMessage({ type: "version" });
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (!event.data || event.data.type !== "version") return;
    line.textContent = event.data.version === build
      ? `${base} Saved on this device for use offline.`
      : `${base} An update is being saved for use offline.`;
  });
  navigator.serviceWorker.addEventListener("controllerchange", ask);
  ask();
}
