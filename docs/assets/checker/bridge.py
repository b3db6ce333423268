"""The only Python the checker runs besides decision_aid itself: JSON text in, JSON text out.

Run by the page's worker (docs/assets/checker/worker.js) and, at build time, before the
start-up snapshot is taken (hooks/pyodide_prepare.mjs), so a page restored from the
snapshot finds these functions ready. Bad input comes back as decision_aid's own
message; nothing here knows a rule.
"""

import json

import decision_aid
from decision_aid import InvalidSituation


# Said instead of a Python error (never a traceback, a type name or a file path).
_FAILED = ("The checker could not work this out. The traffic light tables and What happens next "
           "still work; please report this to the board.")
_LONGEST = 1000   # decision_aid's messages quote at most a line of input; this bounds any other


def _answer(function, text):
    try:
        value = function(json.loads(text))
    except InvalidSituation as e:
        message = str(e)
        if len(message) > _LONGEST:
            message = message[:_LONGEST - 1] + "…"
        return json.dumps({"error": message}, ensure_ascii=False)
    except Exception:  # a bug, not bad input (RecursionError, MemoryError included)
        return json.dumps({"error": _FAILED, "bug": True}, ensure_ascii=False)
    return json.dumps({"ok": value}, ensure_ascii=False)


def hsb_assess(text):
    """decision_aid.assess(situation).to_dict(), as JSON."""
    return _answer(lambda situation: decision_aid.assess(situation).to_dict(), text)


def hsb_relevant_questions(text):
    """decision_aid.relevant_questions(situation), as JSON."""
    return _answer(decision_aid.relevant_questions, text)


def hsb_warm_up():
    """Fill decision_aid's and re's caches (pure functions only) before a snapshot is taken.

    Also the build's record of which standard library modules the checker imports
    (hooks/pyodide_prepare.mjs keeps only those), so every kind of answer is asked
    for here: each behaviour, the questions, and each kind of bad input."""
    p = decision_aid.protocol()
    for behaviour in p.behaviours:
        band = p.band(behaviour.band)
        hsb_assess(json.dumps({"age": band.min_age, "behaviours": [behaviour.id]}))
    first = {"age": p.bands[0].max_age, "behaviours": [p.behaviours[0].id]}
    hsb_relevant_questions(json.dumps(first))
    for bad in ({**first, "behaviours": [p.behaviours[0].id + "x"]}, {**first, "age": -1}, {**first, "age": "x"},
                {**first, "unknown": True}, {**first, "indicators": ["x"]}, {**first, "setting": "x"}, [], "x"):
        hsb_assess(json.dumps(bad))
        hsb_relevant_questions(json.dumps(bad))
    hsb_assess("{")
