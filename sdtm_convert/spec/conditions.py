"""Structured conditions, parsed into frozen nodes and compiled to boolean masks (no eval).

A condition is ``{column|target: NAME, op: OP, value: V | ref: NAME, case_sensitive: BOOL}`` or
``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``. :func:`parse` turns it into :class:`Compare`,
:class:`All`, :class:`Any_` and :class:`Not` nodes, each of which says which names it reads
(``referenced_names``), computes its mask (``mask``) and says itself in words (``text``, for define.xml).

Comparison is on trimmed text, case-insensitive unless ``case_sensitive: true``; ``gt/ge/lt/le`` compare
numbers (non-numbers never match). ``missing``/``present`` are aliases of ``is_empty``/``not_empty``.
``ref: NAME`` compares with another column (or target, as the left side) of the same record instead of a
``value``: ``eq``/``ne`` as text, ``gt/ge/lt/le`` as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd


def _text(s: pd.Series, case_sensitive: bool) -> pd.Series:
    t = s.astype("string").fillna("").str.strip()
    return t if case_sensitive else t.str.upper()


def _norm_value(v: Any, case_sensitive: bool) -> str:
    t = str(v).strip()
    return t if case_sensitive else t.upper()


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("string").str.strip(), errors="coerce")


_OPS: dict[str, Callable[[pd.Series, Any, bool], pd.Series]] = {
    "eq": lambda s, v, cs: _text(s, cs) == _norm_value(v, cs),
    "ne": lambda s, v, cs: _text(s, cs) != _norm_value(v, cs),
    "in": lambda s, v, cs: _text(s, cs).isin([_norm_value(x, cs) for x in v]),
    "not_in": lambda s, v, cs: ~_text(s, cs).isin([_norm_value(x, cs) for x in v]),
    "is_empty": lambda s, v, cs: _text(s, cs) == "",
    "not_empty": lambda s, v, cs: _text(s, cs) != "",
    "gt": lambda s, v, cs: _num(s) > float(v),
    "ge": lambda s, v, cs: _num(s) >= float(v),
    "lt": lambda s, v, cs: _num(s) < float(v),
    "le": lambda s, v, cs: _num(s) <= float(v),
    "matches": lambda s, v, cs: _text(s, True).str.fullmatch(v, flags=0 if cs else re.IGNORECASE),
    "starts_with": lambda s, v, cs: _text(s, cs).str.startswith(_norm_value(v, cs)),
}
ALIASES = {"missing": "is_empty", "present": "not_empty"}
OPERATORS = (*_OPS, *ALIASES)
# comparisons of two series of the same record (``ref``)
_REF_OPS: dict[str, Callable[[pd.Series, pd.Series, bool], pd.Series]] = {
    "eq": lambda a, b, cs: _text(a, cs) == _text(b, cs),
    "ne": lambda a, b, cs: _text(a, cs) != _text(b, cs),
    "gt": lambda a, b, cs: _num(a) > _num(b),
    "ge": lambda a, b, cs: _num(a) >= _num(b),
    "lt": lambda a, b, cs: _num(a) < _num(b),
    "le": lambda a, b, cs: _num(a) <= _num(b),
}
REF_OPERATORS = tuple(_REF_OPS)
_WORDS = {"eq": "=", "ne": "≠", "gt": ">", "ge": "≥", "lt": "<", "le": "≤", "in": "in", "not_in": "not in",
          "matches": "matches", "starts_with": "starts with"}

Targets = dict[str, pd.Series] | None


class ConditionError(ValueError):
    """A condition that cannot be compiled (e.g. ``ref`` with an operator that compares with a list)."""


@dataclass(frozen=True)
class Compare:
    kind: str  # "column" or "target"
    name: str
    op: str
    value: Any = None
    ref: str | None = None
    case_sensitive: bool = False

    def referenced_names(self) -> list[tuple[str, str]]:
        return [(self.kind, self.name)] + ([(self.kind, self.ref)] if self.ref is not None else [])

    def _series(self, name: str, frame: pd.DataFrame, targets: Targets) -> pd.Series:
        return frame[name] if self.kind == "column" else (targets or {})[name]

    def mask(self, frame: pd.DataFrame, targets: Targets = None) -> pd.Series:
        left = self._series(self.name, frame, targets)
        if self.ref is not None:
            result = _REF_OPS[self.op](left, self._series(self.ref, frame, targets), self.case_sensitive)
        else:
            result = _OPS[self.op](left, self.value, self.case_sensitive)
        return result.fillna(False).astype(bool)

    def text(self) -> str:
        if self.op == "is_empty":
            return f"{self.name} is empty"
        if self.op == "not_empty":
            return f"{self.name} is not empty"
        if self.ref is not None:
            return f"{self.name} {_WORDS.get(self.op, self.op)} {self.ref}"
        value = self.value
        shown = "(" + ", ".join(repr(v) for v in value) + ")" if isinstance(value, list) else repr(value)
        return f"{self.name} {_WORDS.get(self.op, self.op)} {shown}"


@dataclass(frozen=True)
class All:
    items: tuple[Condition, ...]

    def referenced_names(self) -> list[tuple[str, str]]:
        return [r for c in self.items for r in c.referenced_names()]

    def mask(self, frame: pd.DataFrame, targets: Targets = None) -> pd.Series:
        out = pd.Series(True, index=frame.index)
        for c in self.items:
            out &= c.mask(frame, targets)
        return out

    def text(self) -> str:
        return " and ".join(f"({c.text()})" if isinstance(c, Any_) else c.text() for c in self.items)


@dataclass(frozen=True)
class Any_:
    items: tuple[Condition, ...]

    def referenced_names(self) -> list[tuple[str, str]]:
        return [r for c in self.items for r in c.referenced_names()]

    def mask(self, frame: pd.DataFrame, targets: Targets = None) -> pd.Series:
        out = pd.Series(False, index=frame.index)
        for c in self.items:
            out |= c.mask(frame, targets)
        return out

    def text(self) -> str:
        return " or ".join(c.text() for c in self.items)


@dataclass(frozen=True)
class Not:
    item: Condition

    def referenced_names(self) -> list[tuple[str, str]]:
        return self.item.referenced_names()

    def mask(self, frame: pd.DataFrame, targets: Targets = None) -> pd.Series:
        return ~self.item.mask(frame, targets)

    def text(self) -> str:
        return f"not ({self.item.text()})"


Condition = Compare | All | Any_ | Not


def parse(cond: dict[str, Any]) -> Condition:
    """The node of a condition mapping (aliases resolved). Raises :class:`ConditionError` when it cannot be
    compiled; the JSON Schema has checked its shape."""
    if "all" in cond:
        return All(tuple(parse(c) for c in cond["all"]))
    if "any" in cond:
        return Any_(tuple(parse(c) for c in cond["any"]))
    if "not" in cond:
        return Not(parse(cond["not"]))
    kind = "column" if "column" in cond else "target"
    op = ALIASES.get(cond["op"], cond["op"])
    ref = cond.get("ref")
    if ref is not None and op not in _REF_OPS:
        raise ConditionError(f"operator {cond['op']!r} cannot compare with ref {ref!r} "
                             f"(with ref: {', '.join(REF_OPERATORS)})")
    return Compare(kind, cond[kind], op, cond.get("value"), ref, bool(cond.get("case_sensitive", False)))


def referenced_names(cond: dict[str, Any]) -> list[tuple[str, str]]:
    """All (kind, name) pairs a condition reads: kind is "column" or "target"."""
    if "all" in cond or "any" in cond:
        return [r for c in cond.get("all", cond.get("any", [])) for r in referenced_names(c)]
    if "not" in cond:
        return referenced_names(cond["not"])
    kind = "column" if "column" in cond else "target"
    return [(kind, cond[kind])] + ([(kind, cond["ref"])] if cond.get("ref") is not None else [])


def problems(cond: dict[str, Any]) -> list[str]:
    """Why a condition cannot be compiled (empty when it can)."""
    try:
        parse(cond)
    except ConditionError as exc:
        return [str(exc)]
    return []


def evaluate(cond: dict[str, Any], frame: pd.DataFrame, targets: dict[str, pd.Series] | None = None) -> pd.Series:
    """Boolean mask of rows where ``cond`` holds: ``column`` reads ``frame``, ``target`` reads ``targets``."""
    return parse(cond).mask(frame, targets)


def to_text(cond: dict[str, Any]) -> str:
    """The condition in words (define.xml method text): ``AEONGO = 'Yes'``."""
    return parse(cond).text()
