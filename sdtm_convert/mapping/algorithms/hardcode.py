"""Constant values: ``hardcode_no_ct`` (any literal) and ``hardcode_ct`` (a term of a codelist)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.mapping.algorithms._base import Algorithm, register
from sdtm_convert.spec.params import Codelist, Problem, Scalar, SpecEnv, Str


def _hardcode_no_ct(frame, var, env):
    value = var["value"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return pd.Series(float(value), index=frame.index, dtype="float64"), []
    return pd.Series("" if value is None else str(value), index=frame.index, dtype=object), []


def _hardcode_ct(frame, var, env):
    # the value is checked against the codelist when the spec is validated, before data is read
    return pd.Series(str(var["value"]), index=frame.index, dtype=object), []


def _assigned(row):
    return f"Assigned value {row['value']!r}" + (f" ({row['codelist']})" if "codelist" in row else "")


def _check_term(var, env: SpecEnv) -> list[Problem]:
    if env.ct is None or var["codelist"] not in env.ct:
        return []
    cl = env.ct.codelist(var["codelist"])
    if var["value"] not in cl.values and not cl.extensible:
        return [Problem(("value",), "spec-ct-value-invalid",
                        f"{var['value']!r} is not a term of non-extensible codelist {cl.short_name}")]
    return []


register(Algorithm(
    name="hardcode_no_ct", origin="Assigned", run=_hardcode_no_ct, describe=_assigned,
    summary="The same value on every record (text, a number, or null).",
    params={"value": Scalar(required=True, doc="the value; a number gives a numeric variable")},
    example={"target": "STUDYID", "algorithm": "hardcode_no_ct", "value": "NCT03745417"},
))

register(Algorithm(
    name="hardcode_ct", origin="Assigned", run=_hardcode_ct, describe=_assigned, check=_check_term, check_codes=("spec-ct-value-invalid",),
    summary="The same controlled term on every record; checked against its codelist before data is read.",
    params={"value": Str(required=True, doc="the term (submission value)"),
            "codelist": Codelist(required=True, doc="the codelist the term belongs to")},
    example={"target": "--TESTCD", "algorithm": "hardcode_ct", "value": "SYSBP", "codelist": "VSTESTCD"},
))
