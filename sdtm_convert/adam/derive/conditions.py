"""The ``filter``/condition arguments of the ADaM derivations: the condition language of
:mod:`sdtm_convert.spec.conditions` with the ``"typed"`` comparison (exact typed values, as admiral).

A ``filter`` accepts a condition mapping (``{var, op, value|ref}``, ``all``/``any``/``not``), an already
parsed :data:`~sdtm_convert.spec.conditions.Condition` node, a boolean Series aligned with the dataset, or
``None`` (all records). A condition that does not compile, or reads a variable the dataset lacks, is the
fatal ``adam-condition-invalid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import pandas as pd

from sdtm_convert.errors import fatal
from sdtm_convert.spec import conditions as lang
from sdtm_convert.spec.conditions import is_missing

OPS = lang.OPERATORS
Condition: TypeAlias = Mapping[str, Any] | lang.Condition | pd.Series | None
_NODES = (lang.Compare, lang.All, lang.Any_, lang.Not)

__all__ = ["OPS", "Condition", "compile_condition", "condition_mask", "is_missing", "validate_condition"]


def compile_condition(cond: Mapping[str, Any] | lang.Condition, rules: lang.Rules | None = None) -> lang.Condition:
    """The node of an ADaM condition (typed comparison); ``adam-condition-invalid`` when it does not compile."""
    if isinstance(cond, _NODES):
        return cond
    if not isinstance(cond, Mapping):
        raise fatal("adam-condition-invalid", f"a condition must be a mapping, got {type(cond).__name__}")
    try:
        return lang.parse(cond, comparison="typed", rules=rules) if rules else lang.compiled(cond, "typed")
    except lang.ConditionError as exc:
        raise fatal("adam-condition-invalid", "; ".join(p.message for p in exc.problems)) from None


def condition_mask(dataset: pd.DataFrame, cond: Condition) -> pd.Series:
    """Boolean mask (aligned with ``dataset``) for a condition (mapping or node), a Series, or None."""
    if cond is None:
        return pd.Series(True, index=dataset.index)
    if isinstance(cond, pd.Series):
        return cond.reindex(dataset.index).fillna(False).astype(bool)
    node = compile_condition(cond)
    for _kind, name in node.referenced_names():
        if name not in dataset.columns:
            raise fatal("adam-condition-invalid", f"condition refers to unknown variable {name!r}", variable=str(name))
    return node.mask(dataset)


def validate_condition(cond: Any, columns: set[str] | None = None) -> list[str]:
    """Problems of a condition (unknown operator, missing keys, unknown variables when ``columns`` is given)."""
    found = lang.problems(cond)
    if not found and columns is not None:
        found = [f"unknown variable {name!r}" for _k, name in lang.referenced_names(cond) if name not in columns]
    return found
