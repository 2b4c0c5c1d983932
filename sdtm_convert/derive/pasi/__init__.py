"""PASI: the CDISC item layout (``layout``), exact integer scoring (``scoring``), the text of the derived
values (``text``), and the record helpers of the ``pasi_items``/``pasi_scores`` derivations (``records``:
reading item records; ``derived``: building the derived ones)."""

from .layout import (
    COLLECTED_ITEMS,
    COMPONENT_MAX,
    DERIVED_ITEMS,
    DOMAINS,
    ITEM_COLUMNS,
    LAYOUT,
    REGIONS,
    TENTHS_ITEMS,
    pasi_items,
    pasi_prefix,
)
from .scoring import REGION_WEIGHT_TENTHS, compute_pasi_scores, item_out_of_range, score_tenths
from .text import format_scores

__all__ = [
    "COLLECTED_ITEMS",
    "COMPONENT_MAX",
    "DERIVED_ITEMS",
    "DOMAINS",
    "ITEM_COLUMNS",
    "LAYOUT",
    "REGIONS",
    "REGION_WEIGHT_TENTHS",
    "TENTHS_ITEMS",
    "compute_pasi_scores",
    "format_scores",
    "item_out_of_range",
    "pasi_items",
    "pasi_prefix",
    "score_tenths",
]
