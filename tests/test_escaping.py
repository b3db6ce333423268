"""Escape by default: a protocol whose words are attacks renders as inert text on every page.

The loader refuses such data (tests/test_text_checks.py); here the loader is bypassed,
every prose field is replaced by hostile text, and each page function's output is
turned into HTML by Python-Markdown with the site's own extensions. No tag, event
handler, script address or image may come out of it, and the hostile words must be
shown literally: the second line of defence works on its own.
"""

from __future__ import annotations

import dataclasses
import html
import re
from html.parser import HTMLParser

import markdown
import pytest
import yaml

import decision_aid as da
from macros import checker, escape, next_steps, reference, sections, traffic_light
from macros.render import render

from conftest import ROOT

ATTACK = ("x <script>alert(1)</script> \"q\" 's [a](javascript:alert(1)) ![i](https://evil.example/i.png) "
          "{: onclick=\"alert(1)\" } <img src=x onerror=alert(1)> | *e* _u_ `c` &lt;b&gt; \\[x] P&V\n\n"
          "<script>alert(2)</script>\n- [b]: javascript:alert(3)")
# The prose fields of each kind of record (ids, colours and addresses are checked by the loader).
PROSE = {
    "Section": ("title",), "Colour": ("label", "response"), "Band": ("label",), "Flag": ("label", "meaning"),
    "Behaviour": ("text",), "TrafficLightTool": ("name", "version", "credit", "later_versions", "overlap", "guidance"),
    "Indicator": ("text", "question"), "Category": ("label", "definition"),
    "Threshold": ("label", "service", "description"), "Timescale": ("what", "within", "who", "starts"),
    "StepRule": ("who", "action"), "Question": ("question", "help"), "Setting": ("label",),
    "Referral": ("introduction", "must_include"), "ConsentRule": ("text", "note"), "ConsentAlways": ("text",),
    "Service": ("name", "role"), "Link": ("title",), "Term": ("term", "expansion", "meaning"),
}
DANGEROUS_TAGS = {"script", "img", "iframe", "object", "embed", "svg", "style", "form", "base", "meta", "link"}


def poisoned(record):
    fields = {f: (ATTACK,) * len(getattr(record, f)) if isinstance(getattr(record, f), tuple) else ATTACK
              for f in PROSE.get(type(record).__name__, ()) if getattr(record, f) is not None}
    return dataclasses.replace(record, **fields)


@pytest.fixture(scope="module")
def hostile() -> da.Protocol:
    p = da.load()
    parts = {}
    for f in dataclasses.fields(p):
        value = getattr(p, f.name)
        if isinstance(value, tuple):
            parts[f.name] = tuple(poisoned(x) if dataclasses.is_dataclass(x) else x for x in value)
        elif dataclasses.is_dataclass(value):
            parts[f.name] = poisoned(value)
    parts["colours"] = tuple(dataclasses.replace(c, description=ATTACK) for c in parts["colours"])
    parts["services"] = tuple(dataclasses.replace(s, telephone='020 7974 3370" onclick="alert(1)',
                                                  email='a@b.example" onmouseover="alert(1)') for s in parts["services"])
    parts["links"] = tuple(dataclasses.replace(x, url='https://example.org/?a="onmouseover="alert(1)') for x in parts["links"])
    return dataclasses.replace(p, **parts)


def to_html(page: str) -> str:
    """The page as the site build would make it (the extensions of mkdocs.yml)."""
    names, configs = [], {}
    for ext in yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["markdown_extensions"]:
        name, config = next(iter(ext.items())) if isinstance(ext, dict) else (ext, {})
        names.append(name)
        configs[name] = config or {}
    return markdown.markdown(page, extensions=names, extension_configs=configs)


class LiveMarkup(HTMLParser):
    """Everything in HTML that could run, load or restyle something."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            bare = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or bare.startswith(("javascript:", "vbscript:", "data:")):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and "background:#" not in (value or ""):
                self.found.append(f"<{tag} style={value!r}>")


def live_markup(page_html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(page_html)
    return parser.found


def shown_text(page_html: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page_html)).split())


def pages(p: da.Protocol) -> dict[str, str]:
    out = {name: getattr(reference, name)(p) for name in (
        "indicators_list", "categories_list", "thresholds_list", "referral_must_include", "consent_list",
        "consent_always", "timescales_table", "contacts_directory", "glossary_table")}
    out |= {name: getattr(traffic_light, name)(p) for name in (
        "traffic_light_intro", "traffic_light_colours", "traffic_light_tables")}
    out["what_happens_next"] = next_steps.what_happens_next(p)
    out["headings and citations"] = "\n\n".join(sections.heading(p, s.anchor) + "\n\nSee " + sections.cite(p, s.anchor)
                                               for s in p.sections)
    service = next(s.id for s in p.services if s.telephone and s.email)
    out["contact"] = f"Call {reference.contact(p, service, 'telephone')} or write to {reference.contact(p, service, 'email')}."
    out["link"] = "See " + reference.link(p, p.links[0].id)
    out["checker"] = checker.checker(p, title="Check")
    out["abbreviations"] = ("Words: " + " ".join(escape.text(t.term, markdown=True) for t in p.glossary) + "\n"
                            + reference.abbreviations(p))
    return out


def test_hostile_words_render_as_inert_text_on_every_page(hostile):
    """The only live markup is the templates' own (the checker's form): the same as with the real data."""
    real = pages(da.load())
    for name, page in pages(hostile).items():
        built = to_html(page)
        assert live_markup(built) == live_markup(to_html(real[name])), f"{name}: live markup from data"
        assert "javascript:" not in re.sub(r">[^<]*<", "><", built).lower(), f"{name}: a script address in a tag"


@pytest.mark.parametrize("name", ["glossary_table", "contacts_directory", "what_happens_next", "indicators_list",
                                  "traffic_light_tables", "timescales_table"])
def test_hostile_words_are_shown_exactly_as_written(hostile, name):
    shown = shown_text(to_html(pages(hostile)[name]))
    for words in ("<script>alert(1)</script>", "[a](javascript:alert(1))", '{: onclick="alert(1)" }',
                  "*e* _u_ `c` &lt;b&gt; \\[x] P&V", "<img src=x onerror=alert(1)>"):
        assert words in shown, f"{name} does not show {words!r}"


def test_an_email_or_telephone_cannot_break_out_of_its_link(hostile):
    built = to_html(pages(hostile)["contact"])
    links = re.findall(r"<a ([^>]*)>", built)
    assert len(links) == 2 and all(re.fullmatch(r'href="[^"]*"', a) for a in links), links
    assert 'href="mailto:a@b.example&quot; onmouseover=&quot;alert(1)"' in built.replace("&#34;", "&quot;")


@pytest.mark.parametrize("url", ["javascript:alert(1)", " JAVASCRIPT:alert(1)", "java\tscript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"])
def test_an_unsafe_address_stops_the_page(hostile, url):
    p = dataclasses.replace(hostile, links=tuple(dataclasses.replace(x, url=url) for x in hostile.links),
                            tool=dataclasses.replace(hostile.tool, source_url=url))
    for page_function in (reference.contacts_directory, traffic_light.traffic_light_intro,
                          lambda p: reference.link(p, p.links[0].id)):
        with pytest.raises(ValueError, match="only https, http, mailto, tel addresses are linked"):
            page_function(p)


def test_a_markdown_field_keeps_its_lists_and_safe_links_and_loses_the_rest():
    value = ("Behaviours that:\n\n- are *secretive*\n- see [Brook](https://www.brook.org.uk/)\n"
             "- [bad](javascript:alert(1)) ![i](https://evil.example/i.png) <b onclick=x>bold</b> {: onclick=x }\n\n"
             "[ref]: javascript:alert(2)")
    built = to_html(str(escape.markdown(value)))
    assert "<li>are <em>secretive</em></li>" in built
    assert '<a href="https://www.brook.org.uk/">Brook</a>' in built
    assert not live_markup(built) and "javascript:" not in re.sub(r">[^<]*<", "><", built)
    assert "[bad](javascript:alert(1))" in shown_text(built) and "<b onclick=x>bold</b>" in shown_text(built)


def test_every_template_escapes_including_markdown_ones():
    for template in sorted((ROOT / "macros" / "templates").iterdir()):
        env = render.__globals__["environment"]()
        assert env.autoescape is True or env.autoescape(template.name), template.name


def test_a_value_in_an_html_attribute_cannot_end_it():
    value = '" onclick="alert(1)'
    built = str(escape.text(value))
    assert '"' not in built and built == "&#34; onclick=&#34;alert(1)"


def test_plain_words_keep_their_look():
    """Apostrophes, ampersands and ids are unchanged where Markdown would show them the same."""
    assert escape.text("Children's social work: P&V", markdown=True) == "Children's social work: P&V"
    assert escape.text("another_child_harmed") == "another_child_harmed"
    assert escape.text("_a_ *b*") == "&#95;a&#95; &#42;b&#42;"
