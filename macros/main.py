"""mkdocs-macros glue: the only file here that knows about the site generator.

It loads the protocol once, stops the build with a plain message if the data or a
page heading is wrong, and exposes each page function with the protocol bound in.
"""

from __future__ import annotations

import functools
import importlib
import sys
from datetime import date
from pathlib import Path

from markupsafe import escape
from mkdocs.exceptions import Abort

# mkdocs-macros loads this file on its own; make the project's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import decision_aid  # noqa: E402
from decision_aid import DataError  # noqa: E402

from macros import next_steps, reference, sections, status, traffic_light  # noqa: E402

# Page functions: each takes the Protocol first and returns Markdown or HTML.
PAGE_FUNCTIONS = {
    "heading": sections.heading,
    "indicators_list": reference.indicators_list,
    "categories_list": reference.categories_list,
    "thresholds_list": reference.thresholds_list,
    "referral_must_include": reference.referral_must_include,
    "consent_list": reference.consent_list,
    "consent_always": reference.consent_always,
    "contact": reference.contact,
    "link": reference.link,
    "timescales_table": reference.timescales_table,
    "contacts_directory": reference.contacts_directory,
    "glossary_table": reference.glossary_table,
    "traffic_light_intro": traffic_light.traffic_light_intro,
    "traffic_light_colours": traffic_light.traffic_light_colours,
    "traffic_light_tables": traffic_light.traffic_light_tables,
    "what_happens_next": next_steps.what_happens_next,
    "cite": sections.cite,
}
# Modules of other features that add page functions the same way (a PAGE_FUNCTIONS dict).
FEATURE_MODULES = ("macros.checker", "macros.history", "macros.prose", "macros.retired", "macros.interpretations")


def _load(docs_dir: Path) -> decision_aid.Protocol:
    try:
        protocol = decision_aid.load()
    except DataError as e:
        raise Abort(f"{e}\nNothing was published; fix the data and build again.") from None
    problems = sections.check_pages(protocol, docs_dir)
    if problems:
        raise Abort("The pages do not match the data (data/sections.toml, data/timescales.toml, data/contacts.toml):\n" + "\n".join(f"- {p}" for p in problems)
                    + "\nNothing was published; fix the pages and build again.")
    return protocol


def define_env(env) -> None:
    protocol = _load(Path(env.conf["docs_dir"]))
    functions = dict(PAGE_FUNCTIONS)
    for name in FEATURE_MODULES:
        try:
            functions.update(importlib.import_module(name).PAGE_FUNCTIONS)
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
    for name, function in functions.items():
        env.macro(functools.partial(function, protocol), name)
    env.variables["protocol"] = protocol
    site_status = status.status(protocol, date.today())
    env.variables["status"] = site_status
    # Theme templates (footer, print header) read it from config.extra. The theme's Jinja
    # does not escape, so its texts go in escaped (as Markup, which `| e` leaves alone).
    env.conf["extra"]["protocol_status"] = {k: escape(v) if isinstance(v, str) else v
                                            for k, v in status.as_dict(site_status).items()}
    env.variables["_abbreviations"] = reference.abbreviations(protocol)


def on_post_page_macros(env) -> None:
    """Explain every abbreviation on every page (pymdown 'abbr' tooltips)."""
    env.markdown += env.variables["_abbreviations"]
