"""Compile a row schema into column rules: a closed set of JSON Schema keywords, each a vector check.

Supported row keywords: top level ``type: object``, ``properties``, ``required``; per property
``type`` (string/number/boolean/null), ``enum``, ``const``, ``minLength``, ``maxLength``, ``pattern``,
``minimum``, ``maximum``. Annotations (``x-*``, ``title``, ``description``, ``$comment``...) are
ignored. Any other keyword is refused when compiling (``schema-unsupported-keyword``), so the
vectorised validator can never silently disagree with a full JSON Schema validator.

Each check takes a :class:`~sdtm_convert.rowschema.columns.ColumnView` and returns the per-record
failure mask with exactly the semantics of ``jsonschema`` (Draft 2020-12) on :func:`rows.json_value`
cells: string keywords ignore non-strings, ``minimum``/``maximum`` ignore non-numbers, ``enum`` and
``const`` compare like ``jsonschema._utils.equal`` (``True`` is not ``1``; ``1`` equals ``1.0``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.errors import fatal
from sdtm_convert.rowschema.columns import ColumnView
from sdtm_convert.rowschema.rows import BOOLEAN, NULL, NUMBER, STRING, TYPE_KINDS, json_kind

KEYWORD_ORDER = ("required", "type", "const", "enum", "minLength", "maxLength", "pattern", "minimum", "maximum")
_ANNOTATIONS = {"title", "description", "$comment", "default", "examples", "deprecated", "readOnly", "writeOnly"}
_TOP_LEVEL = {"$schema", "$id", "$comment", "title", "description", "type", "properties", "required"}

Check = Callable[[ColumnView], np.ndarray]


@dataclass(frozen=True)
class PropertyRule:
    name: str
    required: bool
    checks: tuple[tuple[str, Check], ...]  # (keyword, check) in KEYWORD_ORDER
    schema: dict[str, Any]


@dataclass(frozen=True)
class CompiledSchema:
    properties: dict[str, PropertyRule]  # in schema order
    required: tuple[str, ...]


def _refuse(where: str, keyword: str) -> Exception:
    return fatal("schema-unsupported-keyword", f"{where}: JSON Schema keyword {keyword!r} has no vectorised check")


def _type_check(types: str | list[str]) -> Check:
    names = [types] if isinstance(types, str) else list(types)
    if any(t not in TYPE_KINDS for t in names):
        raise _refuse("type", f"type {names}")
    allowed = np.array([TYPE_KINDS[t] for t in names], dtype=np.uint8)
    return lambda col: ~np.isin(col.kind, allowed)


def _member_check(values: list[Any]) -> Check:
    kinds = [json_kind(v) for v in values]
    if any(k not in (NULL, STRING, NUMBER, BOOLEAN) for k in kinds):
        raise _refuse("enum/const", "non-scalar value")
    strings = {v for v, k in zip(values, kinds) if k == STRING}
    numbers = [v for v, k in zip(values, kinds) if k == NUMBER]
    booleans = {v for v, k in zip(values, kinds) if k == BOOLEAN}
    null_ok = NULL in kinds

    def check(col: ColumnView) -> np.ndarray:
        ok = col.broadcast(np.fromiter((u in strings for u in col.uniques), bool, len(col.uniques)))
        ok |= (col.kind == NULL) & null_ok
        for kind, accept in ((NUMBER, numbers), (BOOLEAN, booleans)):
            pos = np.flatnonzero(col.kind == kind)
            if len(pos) and accept:
                vals = col.values[pos]
                if vals.dtype == object:  # hash lookup: 1 == 1.0; bools only meet bools (kinds split)
                    ok[pos] = pd.Series(vals, dtype=object).isin(list(accept)).to_numpy()
                else:
                    ok[pos] = np.isin(vals, np.asarray(list(accept), dtype=vals.dtype))
        return ~ok

    return check


def _length_check(limit: int, too_long: bool) -> Check:
    def check(col: ColumnView) -> np.ndarray:
        return col.broadcast(col.lengths > limit if too_long else col.lengths < limit)

    return check


def _pattern_check(pattern: str) -> Check:
    rx = re.compile(pattern)  # jsonschema runs re.search(pattern, value): same engine, same semantics

    def check(col: ColumnView) -> np.ndarray:
        return col.broadcast(np.fromiter((rx.search(u) is None for u in col.uniques), bool, len(col.uniques)))

    return check


def _bound_check(bound: float, below: bool) -> Check:
    def check(col: ColumnView) -> np.ndarray:
        bad = np.zeros(len(col.kind), dtype=bool)
        pos = np.flatnonzero(col.kind == NUMBER)
        vals = col.values[pos]
        bad[pos] = (vals < bound) if below else (vals > bound)
        return bad

    return check


_BUILDERS: dict[str, Callable[[Any], Check]] = {
    "type": _type_check,
    "const": lambda v: _member_check([v]),
    "enum": lambda v: _member_check(list(v)),
    "minLength": lambda v: _length_check(int(v), too_long=False),
    "maxLength": lambda v: _length_check(int(v), too_long=True),
    "pattern": _pattern_check,
    "minimum": lambda v: _bound_check(v, below=True),
    "maximum": lambda v: _bound_check(v, below=False),
}


def _property_rule(name: str, prop: Any, required: bool) -> PropertyRule:
    if not isinstance(prop, dict):
        raise _refuse(name, "boolean subschema")
    for key in prop:
        if key not in _BUILDERS and key not in _ANNOTATIONS and not key.startswith("x-"):
            raise _refuse(name, key)
    checks = tuple((kw, _BUILDERS[kw](prop[kw])) for kw in KEYWORD_ORDER if kw in prop and kw in _BUILDERS)
    return PropertyRule(name, required, checks, prop)


def _compile(schema: dict[str, Any]) -> CompiledSchema:
    for key in schema:
        if key not in _TOP_LEVEL and not key.startswith("x-"):
            raise _refuse("schema", key)
    if schema.get("type", "object") != "object":
        raise _refuse("schema", f"type {schema['type']!r}")
    required = tuple(schema.get("required", ()))
    props = {name: _property_rule(name, prop, name in required) for name, prop in schema.get("properties", {}).items()}
    for name in required:  # required but undescribed: only presence is checked
        props.setdefault(name, PropertyRule(name, True, (), {}))
    return CompiledSchema(props, required)


_CACHE: dict[str, CompiledSchema] = {}
_CACHE_SIZE = 64


def compile_schema(schema: dict[str, Any]) -> CompiledSchema:
    """Compile once per distinct schema (cached on its JSON text, property order included)."""
    key = json.dumps(schema)
    compiled = _CACHE.get(key)
    if compiled is None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        compiled = _CACHE[key] = _compile(schema)
    return compiled
