// The traffic light checker's page script: drives the form made by macros/checker.py.
//
// It knows no rule. Which behaviours to list for an age comes from the page's data
// block (worked out at build time by decision_aid); which questions to ask, and every
// result, come from decision_aid itself through window.decisionAid (decision-aid.js).
// Answers live only in the form: never in the address, never sent, never stored.

import { decisionAid } from "./decision-aid.js";
import { behaviourList } from "./behaviour-list.js";
import { el, resultParts, openForPrint } from "./result-view.js";

const SUMMARY_CLASS = "hsb-print-summary";
const WIDE = "(min-width: 60em)"; // "What happens next" starts open from this width (Material's tablet layout)

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
    noMatch: $("hsb-no-match"),
    allQuestions: $("hsb-all-questions"),
    allQuestionsField: $("hsb-all-questions-field"),
    allQuestionsLabel: $("hsb-all-questions-label"),
    status: $("hsb-status"),
    result: $("hsb-result"),
    resultHeading: $("hsb-result-heading"),
    resultBody: $("hsb-result-body"),
    stale: $("hsb-stale"),
    print: $("hsb-print"),
    made: $("hsb-made"),
    announce: $("hsb-announce"),
    unavailable: $("hsb-unavailable"),
    build: $("hsb-build"),
  };
  const list = behaviourList(root, data, ui);
  const questions = [...root.querySelectorAll(".hsb-question")].map((fieldset) => ({
    fieldset,
    kind: fieldset.dataset.kind,
    id: fieldset.dataset.id,
    yes: fieldset.querySelector('input[value="yes"]'),
    no: fieldset.querySelector('input[value="no"]'),
    answered: () => Boolean(fieldset.querySelector("input:checked")),
  }));
  const aid = decisionAid();
  let relevant = null; // null: not known yet, so every question is shown
  let refreshSeq = 0;
  let failure = null;
  let checked = null; // the situation the result on screen was made from (JSON)
  let buildId = "";
  let pending = null; // a refresh of the questions shown, due shortly after a change

  // -- reading the form -------------------------------------------------------------

  function situation() {
    const s = {};
    if (ui.age.value !== "") s.age = Number(ui.age.value);
    s.behaviours = list.options.filter((o) => o.box.checked).map((o) => o.box.value);
    s.indicators = questions.filter((q) => q.kind === "indicator" && q.yes.checked).map((q) => q.id);
    if (ui.band.value) s.developmental_band = ui.band.value;
    // Yes, no, or not sure (null): an unanswered question is "not sure", never "no".
    for (const q of questions) if (q.kind === "question") s[q.id] = q.yes.checked ? true : q.no.checked ? false : null;
    s.setting = ui.setting.value || null; // not said: no service's steps are left out
    return s;
  }

  // -- behaviours: the bands that apply, narrowed by the words typed ----------------

  // Section 5: which developments an age allows, and the bands a child is then read in,
  // come from decision_aid (data.bandsFor: its own band(s), and a younger band their
  // development is like; an older one is not offered).
  const bandsForAge = () => (ui.age.value === "" ? null : data.bandsFor[ui.age.value] || {});

  function limitDevelopment() {
    const allowed = bandsForAge();
    for (const option of ui.band.options) {
      if (!option.value) continue;
      option.disabled = allowed !== null && !(option.value in allowed);
      if (option.disabled && option.selected) ui.band.value = "";
    }
  }

  function bandsShown() {
    const allowed = bandsForAge();
    if (allowed === null) return ui.band.value ? [ui.band.value] : [];
    return allowed[ui.band.value] || [];
  }

  // Once there is a list of behaviours to scroll through, "Check" stays in reach in a bar
  // at the bottom of the form on a phone (checker.css).
  function filterBehaviours() {
    const bands = bandsShown();
    ui.form.classList.toggle("hsb-form--listing", bands.length > 0);
    list.show(bands, ui.search.value);
  }

  // -- questions: only those that would change the answer -----------------------------

  function showQuestions() {
    let hidden = 0;
    for (const q of questions) {
      const show = relevant === null || ui.allQuestions.checked || relevant.has(`${q.kind}:${q.id}`)
        || q.answered() || q.fieldset.contains(document.activeElement);
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

  // -- the result, and marking it out of date -------------------------------------------

  function announce(text) {
    ui.announce.textContent = "";
    setTimeout(() => { ui.announce.textContent = text; }, 100);
  }

  function setStale(stale) {
    if (ui.result.classList.contains("hsb-result--stale") === stale) return;
    ui.result.classList.toggle("hsb-result--stale", stale);
    ui.stale.hidden = !stale;
    ui.print.disabled = stale;
    ui.status.textContent = stale ? "Your answers have changed: the result below is out of date. Check again." : "";
    if (stale) announce("Your answers have changed. The result is out of date until you check again.");
  }

  function noticeChange() {
    if (checked !== null && !ui.result.hidden) setStale(JSON.stringify(situation()) !== checked);
  }

  function render(result, s) {
    const answer = (q) => (q.kind === "question" ? data.questions[q.id] : data.indicators[q.id]);
    const told = {
      yes: questions.filter((q) => q.yes.checked).map(answer),
      no: questions.filter((q) => q.kind === "question" && q.no.checked).map(answer),
      unsure: questions.filter((q) => q.kind === "question" && s[q.id] === null).map(answer),
    };
    const level = Math.min(6, Number(ui.resultHeading.tagName.slice(1)) + 1);
    const wide = window.matchMedia(WIDE).matches;
    const body = resultParts(result, s, told, { data, siteRoot, level, wide });
    ui.made.textContent = `Made on ${today()} with the protocol, version ${result.protocol_version}`
      + `${buildId ? `, checker build ${buildId}` : ""}. No names or other details were recorded; nothing was sent or saved.`;
    ui.resultBody.replaceChildren(...body);
    checked = JSON.stringify(s);
    ui.result.hidden = false;
    setStale(JSON.stringify(situation()) !== checked); // an answer changed while it was worked out
    ui.result.scrollIntoView({ block: "start" });
    ui.resultHeading.focus({ preventScroll: true });
    const yours = result.steps.filter((step) => step.yours);
    const said = (selector) => (ui.resultBody.querySelector(selector) || {}).textContent || "";
    announce([
      "Result.",
      result.colour_label ? `Traffic light colour: ${result.colour_label}.` : "",
      `Threshold: ${result.threshold_label}.`,
      result.possible_threshold !== result.threshold ? `Could be ${result.possible_threshold_label} if a “not sure” answer is yes.` : "",
      `${yours.length} ${yours.length === 1 ? "step" : "steps"} for you to take now.`,
      said(".hsb-panel-limit"),
      said(".hsb-setting-note"),
    ].filter(Boolean).join(" "));
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

  // The notice says what is wrong by decision-aid.js's error kind: the browser is blamed
  // only when it lacks something ("browser-lacks"); the page's own text says that already.
  const UNAVAILABLE_TITLES = {
    "incomplete-site": "This copy of the site is incomplete",
    timeout: "The checker did not start in time",
    outdated: "A new version of the protocol is available",
  };

  function showUnavailable(error) {
    failure = error;
    ui.status.textContent = error.message;
    if (UNAVAILABLE_TITLES[error.kind]) {
      $("hsb-unavailable-title").textContent = UNAVAILABLE_TITLES[error.kind];
      $("hsb-unavailable-why").textContent = error.message;
    }
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
    // The questions shown settle first, so the result does not move once it is shown.
    clearTimeout(pending);
    await refreshQuestions();
    let result;
    try {
      result = await aid.assess(s);
    } catch (error) {
      if (error.name === "InvalidSituation") {
        showError(error.message, s.age === undefined ? ui.age : ui.search);
      } else if (error.kind === "timeout") {
        ui.status.textContent = error.message;   // the checker has restarted itself: try again
      } else {
        showUnavailable(error);                  // outdated rules or a broken copy: never a form error
        ui.unavailable.setAttribute("tabindex", "-1");
        ui.unavailable.focus();
      }
      return;
    } finally {
      if (aid.info && !ui.result.classList.contains("hsb-result--stale")) ui.status.textContent = "";
    }
    render(result, s);
  }

  function startAgain() {
    ui.form.reset();
    clearErrors();
    relevant = null;
    refreshSeq += 1;
    checked = null;
    setStale(false);
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
    if (ui.print.disabled) return;
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
  ui.age.addEventListener("change", limitDevelopment);
  for (const control of [ui.age, ui.band]) control.addEventListener("change", filterBehaviours);
  ui.form.addEventListener("change", (event) => {
    noticeChange();
    if (event.target === ui.allQuestions) {
      showQuestions();
      return;
    }
    clearTimeout(pending);
    pending = setTimeout(refreshQuestions, 120);
  });
  $("hsb-check-again").addEventListener("click", check);
  ui.print.addEventListener("click", printSummary);
  $("hsb-restart").addEventListener("click", startAgain);
  $("hsb-restart-top").addEventListener("click", startAgain);
  window.addEventListener("beforeprint", () => {
    if (!ui.result.hidden && root.dataset.standalone !== undefined) document.documentElement.classList.add(SUMMARY_CLASS);
    openForPrint(ui.result, true);
  });
  window.addEventListener("afterprint", () => {
    document.documentElement.classList.remove(SUMMARY_CLASS);
    openForPrint(ui.result, false);
  });

  limitDevelopment();
  filterBehaviours();
  ui.unavailable.hidden = true;
  ui.unavailable.classList.remove("hsb-unavailable--pending");
  $("hsb-form-body").disabled = false;
  ui.form.classList.remove("hsb-form--waiting");
  ui.form.removeAttribute("aria-busy");
  const slow = setTimeout(() => {
    if (!aid.info && !failure) ui.status.textContent = "Still preparing the checker… The first time, it has to download its files, which can take a while on a slow connection.";
  }, 15000);

  return aid.ready.then(
    (info) => {
      clearTimeout(slow);
      ui.status.textContent = "";
      buildId = info.build;
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
