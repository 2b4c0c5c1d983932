"""Parameter kinds of the ADaM steps that :mod:`sdtm_convert.spec.params` does not have: an ADaM condition
(``{var, op, value}``, ``all``/``any``/``not``: :mod:`sdtm_convert.adam.derive.conditions`), a list of
variable names, a name → name mapping, a dataset name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sdtm_convert.adam.derive.conditions import validate_condition
from sdtm_convert.spec import conditions as lang
from sdtm_convert.spec.params import ListOf, Problem, Read, SpecEnv, Str, Struct, Var

COND_REF = {"$ref": "#/$defs/condition"}


def condition_text(cond: Any) -> str:
    """An ADaM condition in words for a define.xml method text (``EOSSTT = 'COMPLETED'``, ``ARMCD is not empty
    and ARMCD not in ('SCRNFAIL', 'NOTASSGN')``), never the mapping as written; "" for no condition."""
    if cond is None:
        return ""
    if isinstance(cond, Mapping):
        for key, joiner in (("all", " and "), ("any", " or ")):
            if isinstance(cond.get(key), list):
                return joiner.join(_grouped(c) for c in cond[key])
        if "not" in cond:
            return f"not ({condition_text(cond['not'])})"
        if "rule" in cond:
            return f"the {cond['rule']} population rule"
    try:
        return lang.compiled(cond, "typed").text()
    except (lang.ConditionError, TypeError, ValueError):
        return str(cond)  # not reached for a spec that passed its check


def _grouped(cond: Any) -> str:
    """A part of an all/any in words, in parentheses when it is itself a list of several conditions."""
    text = condition_text(cond)
    several = isinstance(cond, Mapping) and any(isinstance(cond.get(k), list) and len(cond[k]) > 1
                                                for k in ("all", "any"))
    return f"({text})" if several else text


_IMPUTED = {"Y": "missing year, month and day imputed", "M": "missing month and day imputed",
            "D": "missing day imputed"}


def imputation_text(highest: str, date_imputation: str = "first") -> str:
    """admiral's ``highest_imputation`` in words: ``missing month and day imputed to the first possible date``."""
    where = "middle of the possible dates" if date_imputation == "mid" else f"{date_imputation} possible date"
    return f"{_IMPUTED.get(highest, 'partial dates imputed')} to the {where}"


def values_text(values: Mapping[str, Any]) -> str:
    """The values an event sets, in words: ``DTHCAUS = AEDECOD``, ``LSTALVDT = AESTDTC as a date (missing month
    and day imputed to the first possible date)``, ``SEQ = 0``."""
    return ", ".join(f"{name} = {value_text(value)}" for name, value in values.items())


def value_text(value: Any) -> str:
    """One value an event sets or reads, in words: ``{var: X}`` is X, ``{dtc: X, ...}`` is X as a date."""
    if isinstance(value, Mapping) and "var" in value:
        return str(value["var"])
    if isinstance(value, Mapping) and "dtc" in value:
        hi = str(value.get("highest_imputation", "n"))
        return f"{value['dtc']} as a date" + (
            f" ({imputation_text(hi, str(value.get('date_imputation', 'first')))})" if hi != "n" else "")
    return repr(value)


def condition_vars(cond: Any) -> list[str]:
    """The variables a condition reads (``var`` of every comparison, and ``ref``: a variable compared with)."""
    if isinstance(cond, dict):
        if "var" in cond:
            return [str(cond["var"])] + ([str(cond["ref"])] if isinstance(cond.get("ref"), str) else [])
        return [n for k in ("all", "any") for c in cond.get(k) or [] for n in condition_vars(c)] + condition_vars(
            cond.get("not"))
    return []


def _reads(cond: Any) -> list[Read]:
    return [("target", n) for n in condition_vars(cond)]


def _check(cond: Any, env: SpecEnv) -> list[Problem]:
    return [Problem((), "spec-condition-invalid", m) for m in validate_condition(cond)]


def ACond(**kw: Any) -> Struct:
    """An ADaM condition over the variables of the frame it filters."""
    return Struct(fragment=COND_REF, read=_reads, checker=_check, type_text_="condition {var, op, value}",
                  codes=("spec-condition-invalid",), **kw)


def Names(**kw: Any) -> ListOf:
    return ListOf(item=Var(), **kw)


def Order(**kw: Any) -> Struct:
    """A sort order: variable names, ``-NAME`` for descending (missing values first)."""
    fragment = {"type": "array", "items": {"type": "string", "pattern": "^-?[A-Z][A-Z0-9_]*$"}}
    return Struct(fragment=fragment, type_text_="list of variable names (-NAME: descending)", **kw)


def order_vars(order: Any) -> tuple[str, ...]:
    return tuple(str(o).lstrip("-") for o in order or ())


def Rename(**kw: Any) -> Struct:
    """``[NEW, ...]`` or ``{NEW: OLD, ...}``: variables copied (renamed) from another dataset."""
    fragment = {"oneOf": [{"type": "array", "items": {"$ref": "#/$defs/name"}},
                          {"type": "object", "additionalProperties": {"$ref": "#/$defs/name"}}]}
    return Struct(fragment=fragment, type_text_="list of names or {NEW: OLD}", **kw)


@dataclass(frozen=True)
class Dataset(Str):
    """An SDTM domain or an ADaM dataset, which the spec's ``sources`` must name (checked before data)."""

    type_text = "dataset in sources"
    names_dataset = True


def renamed(value: Any) -> dict[str, str]:
    """``new_vars`` as {NEW: OLD}."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {str(v): str(v) for v in value or []}
