"""The one way a page is rendered: the jinja2 templates of a package, every value HTML-escaped, and control
characters shown as ``\\xNN`` text (a NUL or an escape character in a raw value is a parse error or invisible
in a browser; the reader should see that it is there)."""

from __future__ import annotations

import re
from typing import Any

import jinja2
from markupsafe import Markup

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 and DEL; tab, line feed and carriage return stay


def visible(value: Any) -> Any:
    """``value`` with its control characters written as ``\\xNN`` (other values unchanged)."""
    if isinstance(value, str) and _CONTROL.search(value):
        shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02X}", value)
        return Markup(shown) if isinstance(value, Markup) else shown
    return value


def environment(package: str, *, strict: bool = False, **options: Any) -> jinja2.Environment:
    """An environment for the ``templates`` folder of ``package``: autoescaped whatever the template's suffix,
    ``visible`` applied to every value printed; ``strict`` makes an undefined name an error."""
    return jinja2.Environment(loader=jinja2.PackageLoader(package, "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined if strict else jinja2.Undefined, finalize=visible,
                              **options)
