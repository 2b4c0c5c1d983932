"""Compile a CORE rule's ``Check`` tree once into a function of a working frame.

``all`` / ``any`` / ``not`` nest; a leaf names a variable (``--`` resolved per dataset), an operator and its
parameters. :func:`compile_check` refuses, with the reason, a tree it cannot run (an unknown operator, a
malformed node), so the rule is reported *not run* before any data is read. Evaluation short-circuits: once
no record can satisfy an ``all`` the rest of it is not evaluated (a later condition on a variable the dataset
lacks then does not matter); an alternative of an ``any`` that names an absent variable does not hold
(``any: [TEDUR empty, TEDUR not_exists]``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from sdtm_convert.validate.core.operations import resolve
from sdtm_convert.validate.core.operators import OPERATORS, Frame, Leaf, MissingVariable, NotRunnable

Node = Callable[[Frame, str], np.ndarray]  # (frame, domain) -> one bool per record
VARIABLE_NAME = re.compile(r"^[$A-Za-z0-9_.\-]+$")  # AESEQ, --SEQ, $max_date, DM.AGE, variable_name
LEAF_KEYS = {"name", "operator", "value", "value_is_literal"}
PARAMS = {"prefix", "suffix", "within", "ordering", "negative", "type_insensitive", "regex", "value_is_reference"}
REFERENCE = "@ref"  # suffix of the column run.py adds: the value of the variable a record's IDVAR names  # the other condition keys the operators read


def _leaf(node: dict[str, Any]) -> Node:
    op = node.get("operator")
    if not isinstance(op, str) or "name" not in node:
        raise NotRunnable(f"check condition without name/operator: {sorted(node)}")
    if not isinstance(node["name"], str) or not VARIABLE_NAME.match(node["name"]):  # ADaM drafts: "ROOT(N)||'FL'"
        raise NotRunnable(f"check condition names {node['name']!r}, not a variable")
    fn = OPERATORS.get(op)
    if fn is None:
        raise NotRunnable(f"operator {op!r} is not supported")
    params = tuple(sorted((k, v) for k, v in node.items() if k not in LEAF_KEYS))
    unknown = sorted(k for k, _ in params if k not in PARAMS)
    if unknown:
        raise NotRunnable(f"operator {op!r} with {', '.join(unknown)} is not supported")
    literal = bool(node.get("value_is_literal", False))
    name, value = node["name"], node.get("value")
    if node.get("value_is_reference"):  # IDVARVAL against the value of the variable IDVAR names
        if op not in ("equal_to", "not_equal_to") or not isinstance(value, str) or literal:
            raise NotRunnable(f"operator {op!r} with value_is_reference is not supported")
        value = value + REFERENCE

    def run(fr: Frame, domain: str) -> np.ndarray:
        v = value
        if not literal and isinstance(v, str):
            v = resolve(v, domain)
        elif not literal and isinstance(v, list):
            v = [resolve(x, domain) if isinstance(x, str) else _resolved_spec(x, domain) for x in v]
        leaf = Leaf(resolve(str(name), domain), op, v, literal,
                    tuple((k, [resolve(x, domain) for x in p] if isinstance(p, list) else resolve(p, domain))
                          for k, p in params))
        return np.asarray(fn(fr, leaf), dtype=bool)

    return run


def _resolved_spec(x: Any, domain: str) -> Any:
    """A ``{name: --STDTC, sort_order: asc}`` item of a value list with its name resolved."""
    if isinstance(x, dict) and isinstance(x.get("name"), str):
        return {**x, "name": resolve(x["name"], domain)}
    return x


def compile_check(node: Any) -> Node:
    """The compiled tree; :class:`NotRunnable` names what cannot be run."""
    if not isinstance(node, dict) or not node:
        raise NotRunnable(f"check is not a condition: {type(node).__name__}")
    if "all" in node or "any" in node:
        kind = "all" if "all" in node else "any"
        kids = node[kind]
        if not isinstance(kids, list) or not kids:
            raise NotRunnable(f"'{kind}' holds no list of conditions")
        parts = [compile_check(k) for k in kids]
        return _all(parts) if kind == "all" else _any(parts)
    if "not" in node:
        inner = compile_check(node["not"])
        return lambda fr, dom: ~inner(fr, dom)
    return _leaf(node)


def _all(parts: list[Node]) -> Node:
    def run(fr: Frame, domain: str) -> np.ndarray:
        mask = np.ones(len(fr.df), dtype=bool)
        outer = fr.kept
        try:
            for p in parts:
                if not mask.any():
                    break
                fr.kept = mask.copy() if outer is None else mask & outer
                mask &= p(fr, domain)
        finally:
            fr.kept = outer
        return mask

    return run


def _any(parts: list[Node]) -> Node:
    def run(fr: Frame, domain: str) -> np.ndarray:
        mask = np.zeros(len(fr.df), dtype=bool)
        for p in parts:
            if mask.all():
                break
            try:
                mask |= p(fr, domain)
            except MissingVariable:  # one alternative naming an absent variable does not hold
                continue
        return mask

    return run


def operators_used(node: Any) -> list[str]:
    """Every operator a check tree names, in order (for coverage counts)."""
    out: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("operator"), str):
            out.append(node["operator"])
        for v in node.values():
            out += operators_used(v)
    elif isinstance(node, list):
        for v in node:
            out += operators_used(v)
    return out


def names_used(node: Any) -> list[str]:
    """The variables a check tree names, in order, once each (a finding shows them when the rule lists no
    output variables, as CDISC's engine does)."""
    out: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("name"), str) and isinstance(node.get("operator"), str) and node["name"] not in out:
            out.append(node["name"])
        for v in node.values():
            out += [n for n in names_used(v) if n not in out]
    elif isinstance(node, list):
        for v in node:
            out += [n for n in names_used(v) if n not in out]
    return list(dict.fromkeys(out))


def describe(node: Any, domain: str) -> str:
    """The check in words, names resolved for the dataset: ``IECAT equal to 'INCLUSION' and IEORRES not equal
    to 'N'`` (a finding's ``why``)."""
    if isinstance(node, dict) and ("all" in node or "any" in node):
        kind = "all" if "all" in node else "any"
        parts = [describe(k, domain) for k in node[kind] or []]
        joined = (" and " if kind == "all" else " or ").join(f"({p})" if " and " in p or " or " in p else p for p in parts)
        return joined
    if isinstance(node, dict) and "not" in node:
        return f"not ({describe(node['not'], domain)})"
    if isinstance(node, dict):
        name = resolve(str(node.get("name", "")), domain)
        op = str(node.get("operator", "")).replace("_", " ")
        value = node.get("value")
        if value is None:
            return f"{name} {op}"
        if isinstance(value, str) and not node.get("value_is_literal"):
            value = resolve(value, domain)
        return f"{name} {op} {value!r}"
    return str(node)


def has_any(node: Any) -> bool:
    if isinstance(node, dict):
        return "any" in node or any(has_any(v) for v in node.values())
    return isinstance(node, list) and any(has_any(v) for v in node)


def _joined(parts: list[str], word: str) -> str:
    return f" {word} ".join(f"({p})" if " and " in p or " or " in p else p for p in parts)


def explain(node: Any, fr: Frame, domain: str, rows: np.ndarray) -> list[str]:
    """The check in words for each record at positions ``rows`` (where it held), each ``any`` reduced to the
    first of its alternatives that held on that record (a finding's ``why``)."""
    n = len(rows)
    if isinstance(node, dict) and "any" in node:
        alts = list(node["any"] or [])
        texts = [explain(a, fr, domain, rows) for a in alts]
        held = np.zeros((len(alts), n), dtype=bool)
        for k, a in enumerate(alts):
            try:
                held[k] = compile_check(a)(fr, domain)[rows]
            except MissingVariable:
                continue
        first = np.where(held.any(axis=0), held.argmax(axis=0), -1)
        whole = describe(node, domain)
        return [texts[j][i] if j >= 0 else whole for i, j in enumerate(first)]
    if isinstance(node, dict) and "all" in node:
        parts = [explain(k, fr, domain, rows) for k in node["all"] or []]
        return [_joined(list(p), "and") for p in zip(*parts, strict=True)] if parts else [""] * n
    return [describe(node, domain)] * n


def uses_reference(node: Any) -> bool:
    """The check compares with the value a record's IDVAR names (``value_is_reference``)."""
    if isinstance(node, dict):
        return bool(node.get("value_is_reference")) or any(uses_reference(v) for v in node.values())
    return isinstance(node, list) and any(uses_reference(v) for v in node)
