"""define.html rendered by our own jinja2 templates from a parsed define.xml (no XSL in the browser).

Works for any Define-XML 2.0/2.1 document, not only ours. Autoescaping is always on and the page
carries a Content-Security-Policy that allows no script at all, so a data value such as
``<script>alert(1)</script>`` shows as text.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment

from sdtm_convert.common.html import environment
from sdtm_convert.package.define.read import read_define_model


def _env() -> Environment:
    return environment(
        "sdtm_convert.package",
        strict=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_define_html(define: bytes | str | Path | None = None, **define_inputs) -> str:
    """HTML page for a define.xml given as bytes or a path; or, with no document, for the document
    :func:`~sdtm_convert.package.define_xml.build_define` makes from ``define_inputs`` (same keywords)."""
    if define is None:
        from sdtm_convert.package.define_xml import build_define

        define = build_define(**define_inputs)
    model = read_define_model(define)
    return _env().get_template("define.html.j2").render(**model)
