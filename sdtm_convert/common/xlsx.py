"""Text that looks like a formula stays text in every workbook the tool writes (validator report, spec export).

openpyxl stores a string starting with ``=`` as a formula, and Excel evaluates a typed ``=``, ``+``, ``-`` or
``@``: such a value is written exactly as it is, in a cell of type text (``data_type = "s"``) with Excel's
"quote prefix" style, so Excel shows ``=1+1`` and never evaluates it (no visible apostrophe, no formula).

A workbook cannot hold the control characters openpyxl refuses (C0 but tab, LF and CR): each is written
``<U+0000>`` (:func:`shown`), as the validator's reports show them, instead of failing the whole workbook."""

from __future__ import annotations

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@")
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # openpyxl's ILLEGAL_CHARACTERS_RE


def shown(value: str) -> str:
    """``value`` with each character a workbook cannot hold written ``<U+0000>``."""
    return ILLEGAL.sub(lambda m: f"<U+{ord(m.group()):04X}>", value)


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_START


def text_cell(ws: Any, value: str) -> Any:
    """A cell of ``ws`` holding ``value`` as text, whatever it starts with (for ``ws.append``)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _safe(ws: Any, v: Any) -> Any:
    if not isinstance(v, str):
        return v
    if ILLEGAL.search(v):
        v = shown(v)
    return text_cell(ws, v) if looks_like_formula(v) else v


def safe_row(ws: Any, row: list[Any]) -> list[Any]:
    """``row`` with each formula-like text made a text cell (:func:`text_cell`) and each character a workbook
    cannot hold written ``<U+0000>`` (:func:`shown`)."""
    return [_safe(ws, v) for v in row]


def needs_care(value: Any) -> bool:
    """Whether :func:`safe_row` changes ``value``."""
    return isinstance(value, str) and (value[:1] in FORMULA_START or ILLEGAL.search(value) is not None)
