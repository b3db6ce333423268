"""window.decisionAid under bad input and load, offline (the server stopped after one visit).

- Every bad input rejects with an Error named InvalidSituation: for what JSON carries,
  exactly decision_aid's own message (as CPython gives it); for what it cannot (NaN,
  Infinity, undefined, functions, symbols, BigInt, Dates, Maps, cycles), or for a
  situation too large (1 MB strings) or too deep (3,000 levels), a message in
  JavaScript terms, made before anything is posted to the worker.
- No message quotes more than about 60 characters of input, or shows a traceback or
  a Python literal; after every bad call the next calls still work.
- 200 concurrent calls (bad ones mixed in) each get their own, correct answer.

The situations are made from data/, so they follow the protocol as the board edits it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

import decision_aid as da
from .harness import service_worker_visit
from .variants import ASSESS_ALL, SETTLE, cpython, plain, sample_situations

pytestmark = pytest.mark.browser

P = da.protocol()


def behaviour_for(age: int, n: int = 0) -> str:
    ids = [b.id for b in P.behaviours if b.band in da.bands_for_age(age)]
    return ids[n % len(ids)]


def answer_fields() -> list[str]:
    """The Situation's yes/no (or yes/no/unknown) answers, whatever they are called now."""
    return [f.name for f in dataclasses.fields(da.Situation) if "bool" in str(f.type)]


B = behaviour_for(11)
FLAG = answer_fields()[0]
LONG = "x" * 5000

# Bad input JSON can carry: decision_aid's own message, as CPython gives it.
JSON_BAD: list[tuple[str, Any]] = [
    ("an empty object", {}), ("an empty array", []), ("an array as situation", [11]),
    ("an array holding a situation", [{"age": 11, "behaviours": [B]}]), ("text", "age 11"), ("a number", 11),
    ("null", None), ("true", True), ("age 19", {"age": 19, "behaviours": [B]}), ("age -1", {"age": -1, "behaviours": [B]}),
    ("age as text", {"age": "11", "behaviours": [B]}), ("fractional age", {"age": 11.5, "behaviours": [B]}),
    ("huge age", {"age": 1e308, "behaviours": [B]}), ("age true", {"age": True, "behaviours": [B]}),
    ("age null", {"age": None, "behaviours": [B]}), ("age in a list", {"age": [11], "behaviours": [B]}),
    ("age as an object", {"age": {"years": 11}, "behaviours": [B]}), ("no age", {"behaviours": [B]}),
    ("nothing seen", {"age": 11}), ("behaviours as text", {"age": 11, "behaviours": B}),
    ("behaviours of numbers", {"age": 11, "behaviours": [11]}), ("behaviours of null", {"age": 11, "behaviours": [None]}),
    ("behaviours nested", {"age": 11, "behaviours": [[B]]}), ("behaviours as object", {"age": 11, "behaviours": {"a": B}}),
    ("unknown behaviour", {"age": 11, "behaviours": ["not-a-behaviour"]}),
    ("a 5,000-character behaviour", {"age": 11, "behaviours": [LONG]}),
    ("unknown indicator", {"age": 11, "indicators": ["not-an-indicator"]}),
    ("indicators as text", {"age": 11, "indicators": "x"}),
    ("unknown band", {"age": 11, "behaviours": [B], "developmental_band": "99"}),
    ("band as number", {"age": 11, "behaviours": [B], "developmental_band": 5}),
    ("unknown setting", {"age": 11, "behaviours": [B], "setting": "moon"}),
    ("unknown field", {"age": 11, "behaviours": [B], "name": "Alex"}),
    ("a hundred unknown fields", {"age": 11, "behaviours": [B], **{f"f{i}": i for i in range(100)}}),
    ("a 5,000-character field name", {"age": 11, "behaviours": [B], LONG: 1}),
    ("an empty field name", {"age": 11, "behaviours": [B], "": 1}),
    ("answer as text", {"age": 11, "behaviours": [B], FLAG: "yes"}),
    ("answer as a number", {"age": 11, "behaviours": [B], FLAG: 2}),
    ("answer in a list", {"age": 11, "behaviours": [B], FLAG: [True]}),
    ("script as behaviour", {"age": 11, "behaviours": ["<script>alert(1)</script>"]}),
    ("markup as age", {"age": "<img src=x onerror=alert(1)>", "behaviours": [B]}),
    ("right-to-left override", {"age": 11, "behaviours": ["\u202etxet"]}),
]

# Bad input JSON cannot carry, made in the page: [name, words the message must contain].
JS_BAD = """(b, flag) => [
  ["undefined", ["undefined"], () => undefined],
  ["a function", ["a function"], () => () => 1],
  ["a Symbol", ["Symbol"], () => Symbol("s")],
  ["a BigInt", ["BigInt"], () => 10n],
  ["age NaN", ["NaN"], () => ({age: NaN, behaviours: [b]})],
  ["age Infinity", ["Infinity"], () => ({age: Infinity, behaviours: [b]})],
  ["age -Infinity", ["-Infinity"], () => ({age: -Infinity, behaviours: [b]})],
  ["age undefined", ["undefined"], () => ({age: undefined, behaviours: [b]})],
  ["age a BigInt", ["BigInt"], () => ({age: 11n, behaviours: [b]})],
  ["age a Date", ["Date"], () => ({age: new Date(0), behaviours: [b]})],
  ["age a boxed Number", ["Number"], () => ({age: new Number(11), behaviours: [b]})],
  ["behaviour NaN", ["NaN"], () => ({age: 11, behaviours: [NaN]})],
  ["behaviour undefined", ["undefined"], () => ({age: 11, behaviours: [undefined]})],
  ["a sparse list", ["undefined"], () => ({age: 11, behaviours: new Array(3)})],
  ["behaviours a Set", ["Set"], () => ({age: 11, behaviours: new Set([b])})],
  ["behaviours a RegExp", ["RegExp"], () => ({age: 11, behaviours: /x/})],
  ["answer a function", ["a function"], () => ({age: 11, behaviours: [b], [flag]: () => true})],
  ["answer NaN", ["NaN"], () => ({age: 11, behaviours: [b], [flag]: NaN})],
  ["setting a Symbol", ["Symbol"], () => ({age: 11, behaviours: [b], setting: Symbol("x")})],
  ["a Map", ["Map"], () => new Map([["age", 11]])],
  ["a class instance", ["object"], () => new (class Situation { constructor() { this.age = 11; } })()],
  ["a cycle", ["deeply"], () => { const o = {age: 11, behaviours: [b]}; o.self = o; return o; }],
  ["a list 3,000 deep", ["deeply"], () => { let v = [b]; for (let i = 0; i < 3000; i++) v = [v]; return {age: 11, behaviours: v}; }],
  ["an object 3,000 deep", ["deeply"], () => { let v = {age: 11}; for (let i = 0; i < 3000; i++) v = {v}; return v; }],
  ["an array 3,000 deep", ["deeply"], () => { let v = []; for (let i = 0; i < 3000; i++) v = [v]; return v; }],
  ["a 1 MB behaviour", ["too large"], () => ({age: 11, behaviours: ["x".repeat(1 << 20)]})],
  ["a 1 MB field name", ["too large"], () => ({age: 11, behaviours: [b], ["y".repeat(1 << 20)]: 1})],
  ["a 1 MB string as situation", ["too large"], () => "z".repeat(1 << 20)],
  ["100,000 behaviours", ["too large"], () => ({age: 11, behaviours: new Array(100000).fill(b)})],
  ["a getter that throws", ["could not be read"], () => ({age: 11, get behaviours() { throw new Error("boom /tmp/x.py"); }})],
]"""

RUN_JS_BAD = """async ([b, flag]) => {
  const cases = (%s)(b, flag);
  await window.decisionAid.assess({age: 11, behaviours: [b]});
  const out = [];
  for (const [name, words, make] of cases) {
    const before = window.decisionAid.lastMs;
    let got;
    try { await window.decisionAid.assess(make()); got = {ok: true}; }
    catch (e) { got = {name: e.name, message: e.message, isError: e instanceof Error}; }
    // lastMs changes with every call the worker answers: unchanged, nothing reached it.
    got.reachedWorker = window.decisionAid.lastMs !== before;
    out.push([name, words, got]);
  }
  return out;
}""" % JS_BAD


@pytest.fixture(scope="module")
def offline_page(site, browser):
    """A checker page with Python ready, loaded from the saved copy with the server stopped."""
    with service_worker_visit(browser, site) as (page, server):
        server.stop()
        assert page.reload().from_service_worker
        assert "ready" in page.evaluate(SETTLE, 60_000)
        yield page


def quotes_at_most_60(message: str, situation: Any) -> bool:
    texts = re.findall(r'"((?:[^"\\]|\\.)*)"', __import__("json").dumps(situation))
    return not any(len(t) > 62 and t[:62] in message for t in texts)


def test_there_are_at_least_52_bad_inputs():
    assert len(JSON_BAD) + JS_BAD.count("\n  [") >= 52
    for name, situation in JSON_BAD:
        assert "error" in cpython(situation), f"{name}: CPython accepts it"


def test_bad_input_json_carries_gets_the_modules_own_message(offline_page):
    got = offline_page.evaluate(ASSESS_ALL, [s for _, s in JSON_BAD])
    for (name, situation), answer in zip(JSON_BAD, got, strict=True):
        assert answer == cpython(situation), name
        assert plain(answer["error"]) and quotes_at_most_60(answer["error"], situation), (name, answer["error"][:300])


def test_what_json_cannot_carry_is_refused_in_javascript_terms_before_the_worker(offline_page):
    for name, words, got in offline_page.evaluate(RUN_JS_BAD, [B, FLAG]):
        assert got.get("isError") and got["name"] == "InvalidSituation", (name, got)
        assert not got["reachedWorker"], f"{name} was posted to the worker"
        assert all(w in got["message"] for w in words), (name, got["message"])
        assert len(got["message"]) <= 200 and plain(got["message"]), (name, got["message"])


def test_after_every_bad_call_the_next_calls_still_work(offline_page):
    cases = sample_situations()
    assert offline_page.evaluate(ASSESS_ALL, cases) == [cpython(s) for s in cases]


def concurrent_situations(n: int = 200) -> list[Any]:
    ages = range(min(b.min_age for b in P.bands), max(b.max_age for b in P.bands) + 1)
    fields = answer_fields()
    out: list[Any] = []
    for i in range(n):
        age = list(ages)[i % len(ages)]
        s: dict[str, Any] = {"age": age, "behaviours": [behaviour_for(age, i), behaviour_for(age, i * 7 + 3)]}
        if i % 3 == 0:
            s[fields[i % len(fields)]] = True
        if i % 5 == 0:
            s["indicators"] = [P.indicators[i % len(P.indicators)].id]
        if i % 10 == 9:
            s = JSON_BAD[i % len(JSON_BAD)][1]   # bad calls mixed in
        out.append(s)
    return out


def test_200_concurrent_calls_get_their_own_correct_answers(offline_page):
    cases = concurrent_situations()
    got = offline_page.evaluate("""async (cases) => Promise.all(cases.map(s => window.decisionAid.assess(s)
        .then(ok => ({ok}), e => ({error: e.message, name: e.name, kind: e.kind || null}))))""", cases)
    assert len(got) == 200
    for i, (situation, answer) in enumerate(zip(cases, got, strict=True)):
        assert answer == cpython(situation), i
