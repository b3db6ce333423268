"""Teacher tasks: what a teacher types and taps, from the home page to a result.

Shared by tests/browser/test_teacher_tasks.py (which asserts) and bench/teacher_tasks.py
(which prints figures). The tasks and phrases are written from the protocol's text and
from how staff describe incidents; what the result must say always comes from
decision_aid in CPython, never from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import decision_aid as da

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}


@dataclass(frozen=True)
class Task:
    name: str                   # a file name for the screenshot
    story: str                  # the task as a teacher would put it
    age: int
    setting: str                # where they work: a setting id (data/situation.toml), optional in the form
    words: str                  # what the teacher types to find the behaviour
    behaviour: str              # the behaviour id they tick
    answers: dict[str, bool] = field(default_factory=dict)   # questions answered; the rest "not sure"

    def situation(self, say_setting: bool = True) -> dict:
        return {"age": self.age, "behaviours": [self.behaviour], "setting": self.setting if say_setting else None,
                **self.answers}


TASKS = (
    Task("nursery-4", "A 4-year-old in the nursery class plays doctors and nurses with friends", 4, "school",
         "playing doctors", "0-5-games-mummies-daddies-doctors"),
    Task("playground-10", "A 10-year-old keeps touching other children in the playground", 10, "school",
         "touching other children", "9-13-sexual-harassment"),
    Task("nudes-14", "A 14-year-old has shared nudes of a classmate", 14, "school",
         "sharing nudes of a classmate", "13-17-taking-sending-naked-sexually", {"another_child_harmed": True}),
    Task("exploitation-15", "A 15-year-old shows signs of sexual exploitation: gifts, older men", 15, "school",
         "exploitation", "13-17-involvement-sexual-exploitation-trafficking"),
    Task("looked-after-12", "A looked-after 12-year-old flashed other pupils", 12, "school",
         "flashing", "9-13-exhibitionism-flashing-mooning", {"looked_after": True}),
    Task("known-to-cssw-16", "A 16-year-old already known to children's social work makes sexual comments to girls",
         16, "school", "sexual comments", "13-17-sexual-harassment", {"known_to_cssw": True}),
    Task("humping-7", "A 7-year-old was humping other children in the playground", 7, "school",
         "humping", "5-9-simulation-oral-penetrative-sex"),
    Task("porn-9", "A 9-year-old was looking at porn on a school iPad", 9, "school",
         "porn", "9-13-viewing-pornographic-material"),
)


@dataclass
class Counts:
    actions: int = 0      # taps, with a choice from a list counted once
    taps: int = 0         # taps, with a choice from a list counted twice (open it, choose)
    keystrokes: int = 0

    def tap(self, n: int = 1) -> None:
        self.actions += n
        self.taps += n

    def choose(self) -> None:
        self.actions += 1
        self.taps += 2


def run_task(page, base_url: str, task: Task, say_setting: bool = True) -> Counts:
    """Drive the site as the teacher would, from the home page to the result on screen.

    say_setting: the teacher chooses where they work (optional in the form); if not, the
    form's "Not said" is left as it is."""
    counts = Counts()
    page.goto(base_url)
    page.locator("article a", has_text="Check a behaviour").first.click()   # the home page's own link
    counts.tap()
    page.wait_for_selector("#hsb-form-body:not([disabled])")
    page.evaluate("() => window.decisionAid.ready")
    page.select_option("#hsb-age", str(task.age))
    counts.choose()
    if say_setting and page.input_value("#hsb-setting") != task.setting:
        page.select_option("#hsb-setting", task.setting)
        counts.choose()
    page.click("#hsb-search")
    counts.tap()
    page.keyboard.type(task.words)
    counts.keystrokes += len(task.words)
    page.check(f'input[value="{task.behaviour}"]')
    counts.tap()
    for question, answer in task.answers.items():
        radio = f"#hsb-q-{question}-{'yes' if answer else 'no'}"
        if not page.is_visible(radio):
            page.check("#hsb-all-questions")
            counts.tap()
        page.check(radio)
        counts.tap()
    page.click("#hsb-submit")
    counts.tap()
    page.wait_for_selector("#hsb-result:not([hidden])")
    page.wait_for_function("() => document.getElementById('hsb-announce').textContent.length > 0")
    return counts


def expected(task: Task, say_setting: bool = True) -> da.Assessment:
    return da.assess(task.situation(say_setting))


FIRST_SCREEN = """() => {
  const viewport = window.innerHeight;
  const box = (e) => e && e.getBoundingClientRect();
  const seen = (e) => { const b = box(e); return Boolean(b) && b.top >= 0 && b.bottom <= viewport && b.height > 0; };
  const first = document.querySelector('#hsb-result .hsb-steps--yours > li');
  const action = first && first.querySelector('.hsb-step-action');
  const within = first && first.querySelector('.hsb-step-within');
  const header = document.querySelector('.md-header');
  const under = header ? box(header).bottom : 0;
  return {
    headline: seen(document.querySelector('#hsb-result .hsb-headline')) && box(document.querySelector('#hsb-result .hsb-headline')).top >= under,
    headlineText: document.querySelector('#hsb-result .hsb-headline').textContent,
    colourText: document.querySelector('#hsb-result .hsb-panel-colour').textContent,
    action: seen(action),
    actionText: action ? action.textContent : null,
    within: within ? seen(within) : null,
    withinText: within ? within.textContent : null,
    scrollToAction: action ? Math.max(0, Math.round(box(action).bottom - viewport)) : null,
    limit: seen(document.querySelector('#hsb-result .hsb-panel-limit')),
    limitText: (document.querySelector('#hsb-result .hsb-panel-limit') || {}).textContent || null,
  };
}"""


def first_screen(page) -> dict:
    """What the first screen of the result shows (the result heading at the top, under the site header)."""
    return page.evaluate(FIRST_SCREEN)


# Everyday phrases, written from how teachers describe incidents (not from the data's
# search terms), each with the child's age and the behaviour it describes.
PHRASES: tuple[tuple[int, str, str], ...] = (
    (4, "touching other children's private parts", "0-5-persistently-touching-genitals-other"),
    (4, "keeps touching other kids willies", "0-5-persistently-touching-genitals-other"),
    (3, "humping other children", "0-5-simulation-sexual-activity-play"),
    (4, "playing doctors and nurses", "0-5-games-mummies-daddies-doctors"),
    (4, "pulled another child's trousers down", "0-5-pulling-other-childrens-pants"),
    (4, "hand down his pants at carpet time", "0-5-holding-playing-genitals"),
    (4, "followed a girl into the toilets to look at her", "0-5-following-others-into-toilets"),
    (4, "talked about sex he saw on his dad's phone", "0-5-talking-sexual-activities-seen"),
    (3, "running around with no clothes on", "0-5-enjoying-nakedness"),
    (4, "put a pencil up another child's bottom", "0-5-sexual-behaviour-between-young"),
    (4, "tries to touch the staff's breasts", "0-5-attempting-touch-curiosity-breasts"),
    (4, "made another child touch his willy", "0-5-forcing-other-children-engage"),
    (4, "uses rude sexual words", "0-5-talking-sex-adult-slang"),
    (7, "humping other children in the playground", "5-9-simulation-oral-penetrative-sex"),
    (7, "looking at porn on an ipad", "5-9-sourcing-pornographic-material-online"),
    (6, "touching himself in class", "5-9-frequent-masturbation-front-others"),
    (8, "keeps asking about sex", "5-9-questions-sexual-activity-persist"),
    (7, "sexual name calling in class", "5-9-sexual-bullying-fact-face"),
    (6, "drawing willies", "5-9-persistent-sexual-images-ideas"),
    (8, "forced another child to touch him", "5-9-forcing-other-children-take"),
    (7, "asking where babies come from", "5-9-curiosity-sex-relationships-difference"),
    (6, "says bum and willy and laughs", "5-9-telling-stories-asking-questions"),
    (8, "touching each other's private parts", "5-9-engaging-mutual-masturbation"),
    (8, "touching a younger child in reception", "5-9-sexual-behaviour-engaging-significantly"),
    (10, "touching other children in the playground", "9-13-sexual-harassment"),
    (10, "groping girls", "9-13-sexual-harassment"),
    (11, "sending nudes", "9-13-distributing-naked-sexually-provocative"),
    (12, "sexting", "9-13-distributing-naked-sexually-provocative"),
    (11, "flashing", "9-13-exhibitionism-flashing-mooning"),
    (12, "mooning other pupils", "9-13-exhibitionism-flashing-mooning"),
    (11, "watching porn", "9-13-viewing-pornographic-material"),
    (12, "homophobic bullying", "9-13-lgbt-targeted-bullying"),
    (12, "calling a boy gay", "9-13-lgbt-targeted-bullying"),
    (12, "meeting someone she met online", "9-13-arranging-meet-an-online"),
    (11, "gave his phone number to a stranger online", "9-13-giving-out-contact-details"),
    (12, "pregnant", "9-13-evidence-pregnancy"),
    (12, "worried she might be pregnant", "9-13-worrying-being-pregnant-having"),
    (10, "masturbating in class", "9-13-exposing-genitals-masturbating-public"),
    (11, "kissing a boy", "9-13-consensual-kissing-hugging-holding"),
    (12, "has a girlfriend", "9-13-having-girl-boyfriends-same"),
    (12, "sexual comments to girls", "9-13-sexual-harassment"),
    (11, "talking about sex with younger children", "9-13-sexually-explicit-talk-younger"),
    (12, "forcing a younger child to do sexual things", "9-13-forcing-other-children-same"),
    (12, "going missing with older friends", "9-13-uncharacteristic-risk-related-behaviour"),
    (12, "upskirting", "9-13-sexual-harassment"),
    (12, "having sex", "9-13-sexual-activity-oral-sex"),
    (14, "sharing nudes of a classmate", "13-17-taking-sending-naked-sexually"),
    (15, "sending dick pics", "13-17-taking-sending-naked-sexually"),
    (15, "gifts and money from older men", "13-17-receipt-gifts-money-exchange"),
    (15, "signs of exploitation", "13-17-involvement-sexual-exploitation-trafficking"),
    (16, "raped a girl at a party", "13-17-non-consensual-sexual-activity"),
    (16, "watching violent porn", "13-17-accessing-exploitative-violent-pornography"),
    (14, "controlling boyfriend checks her phone", "13-17-use-acceptance-power-control"),
    (15, "flashed at a girl", "13-17-single-occurrence-peeping-exposing"),
    (16, "groped a girl in the corridor", "13-17-sexual-harassment"),
    (15, "sexual contact with a much younger child", "13-17-sexual-contact-others-where"),
    (14, "obsessed with sex", "13-17-preoccupation-sex-interferes-daily"),
    (16, "pressuring girls to send nudes", "13-17-attempting-forcing-others-expose"),
    (15, "meeting a man from online", "13-17-arranging-face-face-meeting"),
    (14, "dating apps, lying about age", "13-17-joining-adult-only-social"),
    (16, "sex with his cousin", "13-17-sexual-activity-family-members"),
    (13, "has chlamydia", "9-13-presence-stis"),
    (14, "worried about body image", "13-17-concern-body-image"),
    (16, "wanking in public", "13-17-exposing-genitals-masturbating-public"),
    (16, "slapping girls' bums", "13-17-sexual-harassment"),
    (10, "touchng other kids", "9-13-sexual-harassment"),
    (12, "sextng", "9-13-distributing-naked-sexually-provocative"),
    (14, "masterbating in class", "13-17-exposing-genitals-masturbating-public"),
    (13, "pornogrpahy", "13-17-interest-erotica-pornography"),
    (16, "selling sex", "13-17-receipt-gifts-money-exchange"),
    (16, "talking about sex with friends", "13-17-sexually-explicit-conversations-peers"),
    (9, "searching for porn on the school ipad", "5-9-sourcing-pornographic-material-online"),
)

SHOWN = """() => [...document.querySelectorAll('.hsb-option')].filter(li => !li.hidden)
    .map(li => li.querySelector('input').value)"""


def find(page, age: int, phrase: str) -> dict:
    """Type ``phrase`` for a child of ``age`` on a checker page; the behaviours shown, in order."""
    page.select_option("#hsb-age", str(age))
    page.fill("#hsb-search", phrase)
    return {"shown": page.evaluate(SHOWN), "count": page.inner_text("#hsb-count"),
            "no_match": page.is_visible("#hsb-no-match")}
