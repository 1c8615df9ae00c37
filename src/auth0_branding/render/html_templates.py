"""Load our own HTML templates (preview, review gallery, widget mocks) from package data."""

from __future__ import annotations

import html
from functools import cache

import jinja2
from markupsafe import Markup

TEMPLATES = "templates"  # the folder beside each package's modules that holds its templates


def _escaped(value: object) -> object:
    # The escaper is html.escape, as the f-strings these templates replaced used: quotes come
    # out as &quot; and &#x27; (markupsafe writes &#34; and &#39;), so pages stay byte-identical.
    # Markup (a macro's output, or a value marked safe) passes through untouched.
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


@cache
def _environment(package: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, TEMPLATES),
        autoescape=True,
        finalize=_escaped,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def html_template(package: str, name: str) -> jinja2.Template:
    """Return the template `name` from the `templates/` folder of `package`, autoescaping."""
    return _environment(package).get_template(name)
