"""PASI: item layout, exact integer scoring and the record helpers of the pasi derivations; split into
modules in the next commit."""

from .layout import (
    _derived_records,
    _issue,
    _item_values,
    _layout_item,
    _text,
    _wide,
    compute_pasi_scores,
    format_scores,
    item_out_of_range,
    pasi_items,
    pasi_prefix,
    score_tenths,
)

__all__ = [
    "_derived_records",
    "_issue",
    "_item_values",
    "_layout_item",
    "_text",
    "_wide",
    "compute_pasi_scores",
    "format_scores",
    "item_out_of_range",
    "pasi_items",
    "pasi_prefix",
    "score_tenths",
]
