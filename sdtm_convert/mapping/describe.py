"""Human-readable origin, method and comment of a mapped variable, generated from its spec row.

define.xml's MethodDefs and CommentDefs for mapped variables come from here, so the define says what
the spec executes (no second, hand-kept description): the origin and the text are the algorithm
descriptor's (``Algorithm.origin``, ``Algorithm.describe``).
"""

from __future__ import annotations

from typing import Any

from sdtm_convert.mapping.algorithms import ALGORITHMS
from sdtm_convert.mapping.algorithms._common import expr_text, readable
from sdtm_convert.mapping.algorithms.choice import condition_text
from sdtm_convert.metadata import ASSIGNED, COLLECTED, DERIVED

__all__ = ["condition_text", "describe", "expr_text"]


def describe(row: dict[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    """``(origin_type, origin_source, method_text, comment)`` of a variable mapped by spec row ``row``."""
    comment = row.get("comment")
    if "origin" in row:
        return row["origin"], None, None, comment
    algo = ALGORITHMS[row["algorithm"]]
    text = readable(algo.describe(row) or "") or None  # the spec's working names in words
    if algo.origin == ASSIGNED:
        return ASSIGNED, "Sponsor", None, "; ".join(x for x in (comment, text) if x)
    if algo.origin == COLLECTED:
        return COLLECTED, "Investigator", None, "; ".join(x for x in (comment, text) if x)
    return DERIVED, None, text, comment
