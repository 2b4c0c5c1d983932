"""Human-readable origin, method and comment of a mapped variable, generated from its spec row.

define.xml's MethodDefs and CommentDefs for mapped variables come from here, so the define says what
the spec executes (no second, hand-kept description).
"""

from __future__ import annotations

from typing import Any

from sdtm_convert.metadata import ASSIGNED, COLLECTED, DERIVED

COLLECTED_ALGORITHMS = {"assign_no_ct", "assign_ct", "assign_number", "assign_datetime"}
_OPS = {"eq": "=", "ne": "≠", "gt": ">", "ge": "≥", "lt": "<", "le": "≤", "in": "in", "not_in": "not in",
        "matches": "matches", "starts_with": "starts with"}


def condition_text(cond: dict[str, Any]) -> str:
    if "all" in cond:
        return " and ".join(f"({condition_text(c)})" if "any" in c else condition_text(c) for c in cond["all"])
    if "any" in cond:
        return " or ".join(condition_text(c) for c in cond["any"])
    if "not" in cond:
        return f"not ({condition_text(cond['not'])})"
    name = cond.get("column") or cond.get("target")
    op = cond["op"]
    if op == "is_empty":
        return f"{name} is empty"
    if op == "not_empty":
        return f"{name} is not empty"
    value = cond.get("value")
    shown = "(" + ", ".join(repr(v) for v in value) + ")" if isinstance(value, list) else repr(value)
    return f"{name} {_OPS.get(op, op)} {shown}"


def expr_text(expr: Any) -> str:
    if isinstance(expr, str):
        return repr(expr)
    if "value" in expr:
        return "null" if expr["value"] in (None, "") else repr(expr["value"])
    return expr.get("column") or expr.get("target") or "?"


def _source(row: dict[str, Any]) -> str:
    raw = row.get("__raw")
    cols = [row[k] for k in ("column", "date", "time") if k in row]
    return ", ".join(f"{raw}.{c}" if raw else c for c in cols)


def _collected_comment(row: dict[str, Any]) -> str:
    algo, parts = row["algorithm"], [f"From {_source(row)}"]
    if "pattern" in row:
        parts.append(f"extracted with pattern {row['pattern']}")
    if row.get("map"):
        parts.append("recoded " + ", ".join(f"{k!r} → {v!r}" for k, v in list(row["map"].items())[:10]))
    if algo == "assign_ct":
        parts.append(f"mapped to controlled terminology {row['codelist']}")
    if algo == "assign_datetime":
        fmt = row.get("format", "DD MON YYYY")
        parts.append(f"EDC date ({fmt if isinstance(fmt, str) else ' or '.join(fmt)}) converted to ISO 8601, "
                     "partial dates kept partial")
    if algo == "assign_number":
        if "range" in row:
            parts.append(f"values outside {row['range'][0]}..{row['range'][1]} reported and left missing")
        if "convert" in row:
            parts.append("converted to standard units")
        if "round" in row:
            parts.append(f"rounded to {row['round']} decimals")
    return "; ".join(parts)


def _method(row: dict[str, Any]) -> str:
    algo = row["algorithm"]
    if algo == "if_then_else":
        cases = [f"if {condition_text(c['when'])} then {expr_text(c['then'])}" for c in row["cases"]]
        tail = f"; otherwise {expr_text(row['else'])}" if "else" in row else "; otherwise null"
        return "; ".join(cases) + tail
    if algo == "concat":
        return f"Concatenation of {', '.join(expr_text(p) for p in row['parts'])} separated by {row.get('sep', '')!r}"
    if algo == "lookup":
        pairs = [" / ".join(str(t[k]) for k in row["keys"]) + f" → {t['value']}" for t in row["table"][:20]]
        more = f" (and {len(row['table']) - 20} more)" if len(row["table"]) > 20 else ""
        return f"Looked up from {', '.join(row['keys'])}: " + "; ".join(pairs) + more
    if algo == "format_number":
        return f"Text of {expr_text(row['value'])}" + (f" with {row['decimals']} decimals" if "decimals" in row else "")
    return f"Algorithm {algo}"


def describe(row: dict[str, Any]) -> tuple[str, str | None, str | None, str | None]:
    """``(origin_type, origin_source, method_text, comment)`` of a variable mapped by spec row ``row``."""
    comment = row.get("comment")
    if "origin" in row:
        return row["origin"], None, None, comment
    algo = row["algorithm"]
    if algo.startswith("hardcode"):
        note = f"Assigned value {row['value']!r}" + (f" ({row['codelist']})" if "codelist" in row else "")
        return ASSIGNED, "Sponsor", None, "; ".join(x for x in (comment, note) if x)
    if algo in COLLECTED_ALGORITHMS:
        return COLLECTED, "Investigator", None, "; ".join(x for x in (comment, _collected_comment(row)) if x)
    return DERIVED, None, _method(row), comment
