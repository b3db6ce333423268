"""One Jinja2 environment for the page templates in macros/templates/.

Every template escapes every value (``.md`` as well as ``.html``): a value is printed as
``escape.text`` makes it, inert in Markdown and in HTML, unless it is ``Markup`` built
from escaped parts (a citation, a link) or passed through the ``markdown`` filter (a
field declared as Markdown, sanitised).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from . import escape

TEMPLATES = Path(__file__).parent / "templates"


def _in_markdown(context: Context) -> bool:
    """A ``.md`` template is Markdown text throughout; an ``.html`` one has attributes too."""
    return bool(context.name and context.name.endswith(".md"))


@pass_context
def _finalize(context: Context, value: object) -> object:
    """Every ``{{ value }}``: text is escaped for Markdown and HTML; numbers and Markup stay."""
    return escape.text(value, _in_markdown(context)) if isinstance(value, str) else value


@pass_context
def _join(context: Context, items, separator: str = "") -> object:
    return escape.join(items, separator, _in_markdown(context))


@pass_context
def _replace(context: Context, value: object, old: str, new: str) -> object:
    return escape.replace(value, old, new, _in_markdown(context))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,             # every template, .md included: values from data/ are text
        finalize=_finalize,
        undefined=StrictUndefined,   # a typo in a template fails the build
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The built-in join and replace escape for HTML only; these escape for Markdown too.
    env.filters.update(join=_join, replace=_replace, markdown=escape.markdown)
    env.globals.update(link=escape.link, telephone=escape.telephone, email=escape.email)
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context)
