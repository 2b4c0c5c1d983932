"""Decoding from a codebook shipped in the export: ``map_from: {raw: codebook, field: GENDER, code: CODE,
decode: DECODE}`` (``field_column`` names the codebook column holding the field name, ``FIELD`` by default;
without ``field`` the whole codebook is used)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.errors import ERROR, Issue
from sdtm_convert.mapping.algorithms._base import Env
from sdtm_convert.mapping.algorithms._common import value_issues
from sdtm_convert.spec.params import Problem, SpecEnv, Struct

FIELD_COLUMN = "FIELD"


def _table(spec: dict[str, Any], env: Env) -> dict[str, str]:
    book = env.raw[spec["raw"]].frame
    if "field" in spec:
        col = spec.get("field_column", FIELD_COLUMN)
        book = book[book[col].astype("string").str.strip().str.upper() == str(spec["field"]).strip().upper()]
    codes = book[spec["code"]].astype("string").fillna("").str.strip().str.upper()
    decodes = book[spec["decode"]].astype("string").fillna("").str.strip()
    return dict(zip(codes, decodes, strict=True))


def decode(s: pd.Series, frame: pd.DataFrame, var: dict[str, Any], env: Env) -> tuple[pd.Series, list[Issue]]:
    """Each code replaced by its decode; a non-empty code missing from the codebook is reported and kept."""
    if "map_from" not in var:
        return s, []
    spec = var["map_from"]
    mapped = s.str.upper().map(_table(spec, env))
    missing = (s != "") & mapped.isna()
    where = f"{spec['raw']}" + (f" (field {spec['field']})" if "field" in spec else "")
    issues = value_issues(frame, missing, "codebook-code-unknown", ERROR, f"code not in codebook {where}; kept as collected",
                          column=var.get("column"), env=env, variable=var["target"], values=s)
    return mapped.fillna(s).astype("string"), issues


def _check(spec: Any, env: SpecEnv) -> list[Problem]:
    if spec["raw"] not in env.raw:
        return [Problem(("raw",), "spec-raw-unknown", f"codebook {spec['raw']!r} is not declared in raw.yaml")]
    cols = env.columns_of(spec["raw"])
    named = [(k, spec[k]) for k in ("code", "decode") if k in spec]
    if "field" in spec:
        named.append(("field_column", spec.get("field_column", FIELD_COLUMN)))
    return [Problem((k,), "spec-column-unknown", f"column {c!r} is not declared for codebook {spec['raw']}")
            for k, c in named if c not in cols]


CODEBOOK = Struct(
    fragment={"type": "object", "required": ["raw", "code", "decode"], "additionalProperties": False,
              "properties": {"raw": {"type": "string"}, "field": {"type": "string"}, "field_column": {"type": "string"},
                             "code": {"type": "string"}, "decode": {"type": "string"}}},
    checker=_check, codes=("spec-raw-unknown", "spec-column-unknown"),
    type_text_="{raw: DATASET, field: NAME, field_column: COLUMN, code: COLUMN, decode: COLUMN}",
    doc="decode each collected code from a codebook of the export (a raw dataset declared in raw.yaml): the rows "
        "whose ``field_column`` (default FIELD) is ``field`` (all rows without ``field``); applied after ``map``; "
        "a code missing from the codebook is reported and kept",
)


def describe_codebook(row: dict[str, Any]) -> list[str]:
    spec = row.get("map_from")
    if not spec:
        return []
    return [f"decoded from codebook {spec['raw']}" + (f" field {spec['field']}" if "field" in spec else "")]
