"""The one Jinja2 environment of every page the kit writes (the report, the Explorer, the
report index, the alerts digest): the templates of kit/templates/, autoescaped, and the
Column a table of them is laid out by.

Python prepares every value, formatted (kit.fmt) and ready to show; a template only lays
them out, as nbconvert's own page templates do.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment, PackageLoader, StrictUndefined

TEMPLATES = Environment(
    loader=PackageLoader("kit", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=False,
    # the templates are files of the installed package: compiled once per process, not
    # checked on disk each time a page part is rendered
    auto_reload=False,
)


def page_part(template: str, **values) -> str:
    """The HTML of one template of kit/templates/ with `values`."""
    return TEMPLATES.get_template(template).render(**values)


def macro(template: str, name: str):
    """A macro of a template, to call from Python; it returns escaped Markup."""
    return getattr(TEMPLATES.get_template(template).module, name)


@dataclass(frozen=True)
class Column:
    label: str
    css: str = ""  # "n" for a number, aligned right
    width: int = 0  # pixels, where rows are drawn as separate tables (the Explorer)
