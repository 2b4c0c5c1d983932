"""Text that looks like a formula stays text in every workbook the tool writes (validator report, spec export).

openpyxl stores a string starting with ``=`` as a formula, and Excel evaluates a typed ``=``, ``+``, ``-`` or
``@``: such a value is written exactly as it is, in a cell of type text (``data_type = "s"``) with Excel's
"quote prefix" style, so Excel shows ``=1+1`` and never evaluates it (no visible apostrophe, no formula)."""

from __future__ import annotations

from typing import Any

FORMULA_START = ("=", "+", "-", "@")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in FORMULA_START


def text_cell(ws: Any, value: str) -> Any:
    """A cell of ``ws`` holding ``value`` as text, whatever it starts with (for ``ws.append``)."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(ws: Any, row: list[Any]) -> list[Any]:
    """``row`` with each formula-like text made a text cell (:func:`text_cell`)."""
    return [text_cell(ws, v) if looks_like_formula(v) else v for v in row]
