"""Value-level metadata of findings domains: the result variables described per test.

For every (--CAT, --TESTCD) in the data, --ORRES, --STRESC and --STRESN get their own type, length
and origin under a composite where-clause (``--CAT EQ cat AND --TESTCD EQ code``), so define.xml shows
e.g. that PASI items are integers 0-4 collected on the CRF while the weighted region scores and the total
are sponsor-derived floats with one decimal.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from sdtm_convert.metadata import COLLECTED, DERIVED, DatasetMeta, Method, ValueLevel, WhereClause, max_utf8_bytes

RESULT_SUFFIXES = ("ORRES", "STRESC", "STRESN")
DERIVED_RESULT_METHOD = (
    "Derived by the sponsor from the collected items of the same assessment, in exact integer arithmetic. "
    "PASI: S = E + I + D per region; S x A; S x A x weight (head 0.1, upper limbs 0.2, trunk 0.3, lower "
    "limbs 0.4); total = sum of the weighted region scores (0-72, a multiple of 0.1). A region with area 0 "
    "scores 0; any other missing item leaves the region's scores and the total missing."
)


def _oid_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text) or "_"


def numeric_type(values: pd.Series) -> tuple[str, int | None]:
    """Define-XML DataType of numeric values (integer or float) and the decimals actually used."""
    v = values.dropna().to_numpy(dtype="float64")
    if v.size == 0 or np.all(v == np.floor(v)):
        return "integer", None
    for digits in range(1, 16):
        if np.allclose(np.round(v, digits), v, rtol=0, atol=10.0 ** -(digits + 6)):
            return "float", digits
    return "float", 16


def findings_value_level(domain: str, data: pd.DataFrame, meta: DatasetMeta) -> None:
    """Add value-level metadata (and the derived-result method) to ``meta`` in place."""
    testcd, cat, drvfl = f"{domain}TESTCD", f"{domain}CAT", f"{domain}DRVFL"
    results = [f"{domain}{s}" for s in RESULT_SUFFIXES if f"{domain}{s}" in data.columns]
    if testcd not in data.columns or not results or data.empty:
        return
    keys = [cat, testcd] if cat in data.columns else [testcd]
    labels = {v.name: v.label for v in meta.variables}
    method_id = f"MT.{domain}.DERIVEDRESULT"
    used_method = False
    needed = list(dict.fromkeys(keys + results + ([drvfl] if drvfl in data.columns else [])))
    for key, group in data[needed].groupby(keys, sort=True):  # only the columns used: groups are copies
        key = key if isinstance(key, tuple) else (key,)
        conditions = [(k, "EQ", [str(v)]) for k, v in zip(keys, key)]
        where = WhereClause("WC." + domain + "." + ".".join(_oid_part(str(v)) for v in key), conditions)
        derived = drvfl in group.columns and bool((group[drvfl] == "Y").all())
        for var in results:
            values = group[var]
            if var.endswith("STRESN"):
                vtype, digits = numeric_type(values)
                length = 8
            else:
                if derived and var.endswith("ORRES"):
                    continue  # derived records carry no original result
                vtype, digits = "text", None
                length = max(1, max_utf8_bytes(values.astype(str)))
            meta.value_level.append(ValueLevel(
                variable=var, where=where, label=labels.get(var, var), type=vtype, length=length,
                significant_digits=digits, origin_type=DERIVED if derived else COLLECTED,
                origin_source=None if derived else "Investigator", method_id=method_id if derived else None,
            ))
            used_method |= derived
    if used_method and all(m.id != method_id for m in meta.methods):
        meta.methods.append(Method(method_id, f"Derived {domain} results", "Computation", DERIVED_RESULT_METHOD))
