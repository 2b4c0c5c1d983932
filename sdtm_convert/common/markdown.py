"""The one way a Markdown document (the reviewer's guides) is rendered: the jinja2 templates of a package, every
value escaped for Markdown text or a table cell, and control characters shown as ``\\xNN`` text as in the HTML
pages (:mod:`sdtm_convert.common.html`)."""

from __future__ import annotations

from typing import Any

import jinja2

from sdtm_convert.common.html import visible


def md(value: Any) -> str:
    """A value for Markdown text or a table cell: ``|`` escaped, line breaks as spaces, ``<`` as ``&lt;``."""
    text = "" if value is None else str(visible(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\r\n", " ").replace("\n", " ")


def markdown_environment(package: str) -> jinja2.Environment:
    """An environment for the ``templates`` folder of ``package`` writing Markdown: every printed value through
    ``md``, an undefined name an error, block tags leaving no blank lines."""
    return jinja2.Environment(loader=jinja2.PackageLoader(package, "templates"), autoescape=False,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              keep_trailing_newline=True, finalize=md)
