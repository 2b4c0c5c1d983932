"""The one condition language (mapping ``where``/``cases``, ``merge_vars`` ``where``, ADaM populations and
filters), parsed into frozen nodes and compiled to boolean masks (no eval: the operator set is closed).

A condition is ``{column|target|var: NAME, op: OP, value: V | ref: NAME, case_sensitive: BOOL}`` or
``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``; the shorthand ``{COL: V, ...}`` (a mapping with none of
those keys) means ``all`` of ``eq``. ``column`` and ``var`` both name a column of the frame the condition
reads (``var`` is the ADaM spelling); ``target`` names a variable assigned earlier in the same record.
``OP``: :data:`OPERATORS` (``missing``/``present`` are aliases of ``is_empty``/``not_empty``; an absent
``op`` means ``eq``). ``ref: NAME`` compares with another column (or target, as the left side) of the same
record instead of a ``value``, with :data:`REF_OPERATORS`.

:func:`parse` turns a condition into :class:`Compare`, :class:`All`, :class:`Any_` and :class:`Not` nodes,
each of which says which names it reads (``referenced_names``), computes its mask (``mask``) and says itself
in words (``text``, for define.xml); :func:`compiled` parses each distinct condition once (the spec
checks parse it at load, the stage gets the same node). :func:`parse` raises :class:`ConditionError`
listing every problem (unknown operator, missing ``value``, a list operator with ``ref``, ...), each with
its path inside the condition so that the spec checks can name the line; :func:`problems` returns them.

**Comparison policy.** Where a condition is used decides how values compare; the user cannot set it. The
context passes ``comparison`` to :func:`parse` and every :class:`Compare` node keeps it:

- ``"text"`` (mapping ``where``/``cases`` and ``merge_vars``): trimmed text, case-insensitive unless
  ``case_sensitive: true``; ``gt/ge/lt/le`` compare numbers (non-numbers never match); empty = ``""`` after
  trimming. ``ref``: ``eq``/``ne`` as text, ``gt/ge/lt/le`` as numbers.
- ``"typed"`` (ADaM populations and the ``filter`` arguments of ``adam/derive``): exact comparison of the
  typed values (``1 == 1.0``, ``"Y" != "y"``, a string never equals a number); a missing value (NaN/None, or
  blank text) never matches ``eq``/``in``/``lt``...; empty = missing. ``ref``: the comparison where neither
  side is missing. ``matches``/``starts_with`` read the text of non-missing values, case-sensitive unless
  ``case_sensitive: false`` (the only operators ``case_sensitive`` changes under this policy).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from sdtm_convert.spec.keys import did_you_mean

Comparison = Literal["text", "typed"]
COMPARISONS: tuple[Comparison, ...] = ("text", "typed")


# --- text comparison (mapping, merge_vars) -------------------------------------------------------------------
def _text(s: pd.Series, case_sensitive: bool) -> pd.Series:
    t = s.astype("string").fillna("").str.strip()
    return t if case_sensitive else t.str.upper()


def _norm_value(v: Any, case_sensitive: bool) -> str:
    t = str(v).strip()
    return t if case_sensitive else t.upper()


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s.astype("string").str.strip(), errors="coerce")


_TEXT_OPS: dict[str, Callable[[pd.Series, Any, bool], pd.Series]] = {
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
_TEXT_REF_OPS: dict[str, Callable[[pd.Series, pd.Series, bool], pd.Series]] = {
    "eq": lambda a, b, cs: _text(a, cs) == _text(b, cs),
    "ne": lambda a, b, cs: _text(a, cs) != _text(b, cs),
    "gt": lambda a, b, cs: _num(a) > _num(b),
    "ge": lambda a, b, cs: _num(a) >= _num(b),
    "lt": lambda a, b, cs: _num(a) < _num(b),
    "le": lambda a, b, cs: _num(a) <= _num(b),
}


# --- typed comparison (ADaM) ---------------------------------------------------------------------------------
def is_missing(s: pd.Series) -> pd.Series:
    """Missing = NaN/None or (for text) the empty string."""
    m = s.isna()
    if not pd.api.types.is_numeric_dtype(s):
        m = m | s.astype("string").str.strip().eq("").fillna(False).astype(bool)
    return m.astype(bool)


def _exact(left: pd.Series, op: str, right: Any) -> pd.Series:
    out = {
        "eq": lambda: left == right,
        "ne": lambda: left != right,
        "in": lambda: left.isin(list(right)),
        "not_in": lambda: ~left.isin(list(right)),
        "lt": lambda: left < right,
        "le": lambda: left <= right,
        "gt": lambda: left > right,
        "ge": lambda: left >= right,
    }[op]()
    return pd.Series(np.asarray(out, dtype=object), index=left.index).fillna(False).astype(bool)


def _typed_text(s: pd.Series, op: str, v: Any, cs: bool) -> pd.Series:
    t = s.astype("string")
    hit = (t.str.fullmatch(str(v), flags=0 if cs else re.IGNORECASE) if op == "matches"
           else (t if cs else t.str.upper()).str.startswith(str(v) if cs else str(v).upper()))
    return hit.fillna(False).astype(bool) & ~is_missing(s)


def _typed(s: pd.Series, op: str, v: Any, cs: bool) -> pd.Series:
    if op == "is_empty":
        return is_missing(s)
    if op == "not_empty":
        return ~is_missing(s)
    if op in ("matches", "starts_with"):
        return _typed_text(s, op, v, cs)
    return _exact(s, op, v)


# --- the language --------------------------------------------------------------------------------------------
OPS = tuple(_TEXT_OPS)
ALIASES = {"missing": "is_empty", "present": "not_empty"}
OPERATORS = (*OPS, *ALIASES)
REF_OPERATORS = tuple(_TEXT_REF_OPS)
NAME_KEYS = ("column", "target", "var")
KEYS = (*NAME_KEYS, "op", "value", "ref", "case_sensitive")
_NO_VALUE = ("is_empty", "not_empty")
_LIST_OPS = ("in", "not_in")
_WORDS = {"eq": "=", "ne": "≠", "gt": ">", "ge": "≥", "lt": "<", "le": "≤", "in": "in", "not_in": "not in",
          "matches": "matches", "starts_with": "starts with"}

Targets = dict[str, pd.Series] | None
Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    """Why (part of) a condition cannot be compiled; ``path`` leads from the condition to the faulty node."""

    path: Path
    message: str


class ConditionError(ValueError):
    """A condition that cannot be compiled; ``problems`` lists every reason (its message is the first)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0].message)
        self.problems = problems


@dataclass(frozen=True)
class Compare:
    kind: str  # "column" (``column:`` or ``var:``) or "target"
    name: str
    op: str
    value: Any = None
    ref: str | None = None
    case_sensitive: bool = False
    comparison: Comparison = "text"

    def referenced_names(self) -> list[tuple[str, str]]:
        return [(self.kind, self.name)] + ([(self.kind, self.ref)] if self.ref is not None else [])

    def _series(self, name: str, frame: pd.DataFrame, targets: Targets) -> pd.Series:
        return frame[name] if self.kind == "column" else (targets or {})[name]

    def mask(self, frame: pd.DataFrame, targets: Targets = None) -> pd.Series:
        left = self._series(self.name, frame, targets)
        cs = self.case_sensitive
        if self.ref is not None:
            right = self._series(self.ref, frame, targets)
            if self.comparison == "typed":
                return _exact(left, self.op, right) & ~is_missing(right) & ~is_missing(left)
            result = _TEXT_REF_OPS[self.op](left, right, cs)
        elif self.comparison == "typed":
            return _typed(left, self.op, self.value, cs)
        else:
            result = _TEXT_OPS[self.op](left, self.value, cs)
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
#: ``{rule: NAME}`` nodes (ADaM populations) are replaced by what this returns for NAME (KeyError: unknown)
Rules = Callable[[str], Any]


class _Parser:
    def __init__(self, comparison: Comparison, rules: Rules | None):
        if comparison not in COMPARISONS:
            raise ValueError(f"comparison must be one of {COMPARISONS}, not {comparison!r}")
        self.comparison = comparison
        self.rules = rules
        self.problems: list[Problem] = []

    def fail(self, path: Path, message: str) -> None:
        self.problems.append(Problem(path, message))

    def node(self, cond: Any, path: Path) -> Condition | None:
        if not isinstance(cond, Mapping):
            self.fail(path, f"a condition must be a mapping, got {type(cond).__name__}")
            return None
        for key, cls in (("all", All), ("any", Any_)):
            if key in cond:
                items = cond[key]
                if not isinstance(items, list):
                    self.fail((*path, key), f"'{key}' takes a list of conditions")
                    return None
                nodes = [self.node(c, (*path, key, i)) for i, c in enumerate(items)]
                return cls(tuple(n for n in nodes if n is not None))
        if "not" in cond:
            inner = self.node(cond["not"], (*path, "not"))
            return Not(inner) if inner is not None else None
        if "rule" in cond:
            return self.rule(cond["rule"], path)
        if not cond:
            self.fail(path, "empty condition (a comparison, or all/any/not of comparisons)")
            return None
        if not any(k in cond for k in KEYS):  # {COL: value, ...}: all of eq
            nodes = [self.compare({"column": k, "op": "eq", "value": v}, path) for k, v in cond.items()]
            return All(tuple(n for n in nodes if n is not None))
        return self.compare(cond, path)

    def rule(self, name: Any, path: Path) -> Condition | None:
        if self.rules is None:
            self.fail((*path, "rule"), "'rule' names a built-in population rule; it is not allowed here")
            return None
        try:
            return self.node(self.rules(name), path)
        except KeyError as exc:
            self.fail((*path, "rule"), str(exc.args[0]) if exc.args else f"unknown rule {name!r}")
            return None

    def compare(self, cond: Mapping[str, Any], path: Path) -> Compare | None:
        named = [k for k in NAME_KEYS if k in cond]
        op_given = cond.get("op", "eq")
        op = ALIASES.get(op_given, op_given) if isinstance(op_given, str) else op_given
        ok = True
        if len(named) != 1:
            self.fail(path, "condition has no 'column', 'target' or 'var'" if not named
                      else f"condition names more than one of {', '.join(repr(k) for k in named)}")
            ok = False
        if op not in OPS:
            self.fail((*path, "op"), f"unknown operator {op_given!r}{did_you_mean(str(op_given), OPERATORS, cutoff=0.5)}"
                                     f" (operators: {', '.join(OPERATORS)})")
            return None
        ref = cond.get("ref")
        if ref is not None and op not in _TEXT_REF_OPS:
            self.fail((*path, "ref"), f"operator {op_given!r} cannot compare with ref {ref!r} "
                                      f"(with ref: {', '.join(REF_OPERATORS)})")
            ok = False
        elif op not in _NO_VALUE and ref is None and "value" not in cond:
            self.fail(path, f"operator {op_given!r} needs 'value' or 'ref'")
            ok = False
        elif op in _LIST_OPS and ref is None and not isinstance(cond.get("value"), list):
            self.fail((*path, "value"), f"operator {op_given!r} needs a list as 'value'")
            ok = False
        if not ok:
            return None
        key = named[0]
        cs = cond.get("case_sensitive", self.comparison == "typed")
        return Compare("target" if key == "target" else "column", cond[key], op, cond.get("value"), ref,
                       bool(cs), self.comparison)


def parse(cond: Any, *, comparison: Comparison = "text", rules: Rules | None = None) -> Condition:
    """The node of a condition (aliases resolved, shorthand expanded) comparing as ``comparison`` says (the
    context's policy, see the module doc). ``rules`` resolves ``{rule: NAME}`` nodes (none allowed without).
    Raises :class:`ConditionError` listing every problem."""
    parser = _Parser(comparison, rules)
    node = parser.node(cond, ())
    if parser.problems or node is None:
        raise ConditionError(parser.problems or [Problem((), "empty condition")])
    return node


_COMPILED: dict[tuple[str, Comparison], Condition] = {}


def compiled(cond: Any, comparison: Comparison = "text") -> Condition:
    """:func:`parse` once per distinct condition and comparison: the same frozen node every time (the spec
    check's parse is the one the stage reuses). Conditions are plain data (YAML, or literals in code), so
    their ``repr`` identifies them."""
    key = (repr(cond), comparison)
    node = _COMPILED.get(key)
    if node is None:
        if len(_COMPILED) >= 4096:
            _COMPILED.clear()
        node = _COMPILED[key] = parse(cond, comparison=comparison)
    return node


def problems(cond: Any, *, rules: Rules | None = None) -> list[str]:
    """Why a condition cannot be compiled (empty when it can)."""
    return [p.message for p in located_problems(cond, rules=rules)]


def located_problems(cond: Any, *, rules: Rules | None = None) -> list[Problem]:
    """As :func:`problems`, each with its path inside the condition (for the line of a spec error)."""
    try:
        parse(cond, rules=rules) if rules is not None else compiled(cond)
    except ConditionError as exc:
        return exc.problems
    return []


def referenced_names(cond: Any) -> list[tuple[str, str]]:
    """All (kind, name) pairs a condition reads: kind is "column" or "target" (the readable parts of a
    condition that does not compile are left out)."""
    parser = _Parser("text", lambda name: {"all": []})
    node = parser.node(cond, ())
    return node.referenced_names() if node is not None else []


def evaluate(cond: dict[str, Any], frame: pd.DataFrame, targets: dict[str, pd.Series] | None = None) -> pd.Series:
    """Boolean mask of rows where ``cond`` holds (text comparison): ``column`` reads ``frame``, ``target``
    reads ``targets``."""
    return compiled(cond).mask(frame, targets)


def to_text(cond: dict[str, Any]) -> str:
    """The condition in words (define.xml method text): ``AEONGO = 'Yes'``."""
    return compiled(cond).text()


def json_schema(name_schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a condition (``$defs.condition`` of the domain spec schema); ``name_schema`` is
    the schema of a ``target`` name."""
    ref = {"$ref": "#/$defs/condition"}
    return {"oneOf": [
        *({"type": "object", "required": [k], "additionalProperties": False,
           "properties": {k: {"type": "array", "items": ref, "minItems": 1}}} for k in ("all", "any")),
        {"type": "object", "required": ["not"], "additionalProperties": False, "properties": {"not": ref}},
        {"type": "object", "required": ["op"], "additionalProperties": False,
         "properties": {"column": {"type": "string"}, "target": name_schema, "var": {"type": "string"},
                        "op": {"enum": list(OPERATORS)}, "value": {}, "case_sensitive": {"type": "boolean"},
                        "ref": {"type": "string"}},
         "oneOf": [{"required": [k]} for k in NAME_KEYS]},
    ]}
