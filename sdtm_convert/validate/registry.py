"""The rule registry: one rule = one small registered function with a stable id and its equivalents.

A rule is ``fn(ctx) -> Iterable[Hits]``. ``ctx`` is a :class:`~sdtm_convert.validate.engine.Context`
(the package, CT, standards metadata, helpers). A :class:`Hits` names the dataset, the variable, the
0-based row positions that break the rule (a boolean mask or an index array; ``None`` = the dataset
or variable as a whole) and, optionally, the offending values and a message more specific than the
rule's, and ``count``: how many records a finding stands for when one finding is reported per distinct
value instead of one per record (the terminology rules: one finding per dataset × variable × codelist × term),
and ``cause``: the root cause the findings share with others, shown once in the Issue Summary.

Equivalent ids: ``p21`` (Pinnacle 21 Community 2.2.0 id); the FDA validator id ("Publisher ID") and
the P21 message/description/category are looked up from the packaged P21 catalogue, never retyped.
``cdisc`` holds the CDISC conformance rule (CG id / CORE id, or ``ADaM-<n>`` for the ADaM
conformance checks, which P21's ADaM catalogue lists as its "Publisher ID").
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

CATEGORIES = ("technical", "presence", "format", "terminology", "consistency", "cross-reference", "metadata", "adam")


@dataclass
class Hits:
    dataset: str | None
    variable: str | None = None
    rows: Any = None  # boolean mask / int positions (0-based) / None for dataset-level findings
    values: Any = None  # Series/array aligned with the selected rows, or one scalar
    message: str | None = None
    count: int | None = None  # records the finding stands for (one finding per distinct value, e.g. a CT term)
    cause: str | None = None  # what these findings share with others (validate/causes.py derives the usual ones)


@dataclass(frozen=True)
class Rule:
    id: str
    category: str
    severity: str
    message: str
    description: str
    standards: tuple[str, ...]  # ("sdtm",), ("adam",) or both
    p21_id: str | None
    fda_id: str | None
    cdisc_id: str | None
    fn: Callable[[Any], Iterable[Hits]] = field(compare=False, repr=False)
    per_dataset: bool = False  # its findings for a dataset depend on that dataset alone (and look-ups)

    def catalog_row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "severity": self.severity,
            "standards": ",".join(self.standards),
            "p21_id": self.p21_id or "",
            "fda_id": self.fda_id or "",
            "cdisc_id": self.cdisc_id or "",
            "message": self.message,
            "description": self.description,
        }


RULES: dict[str, Rule] = {}

_DATA = resources.files("sdtm_convert.validate") / "data"


@cache
def p21_catalog() -> dict[str, dict[str, str]]:
    """P21 id → row of the P21 catalogue (SDTM first, ADaM adds its own ids)."""
    out: dict[str, dict[str, str]] = {}
    for name, kind in (
        ("p21-community-2.2.0-sdtm-3.2-rules.csv", "sdtm"),
        ("p21-community-2.2.0-adam-1.0-rules.csv", "adam"),
    ):
        with (_DATA / name).open("r", encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                row = {k: (v or "").strip() for k, v in row.items()}
                row["kind"] = kind
                pid = row["Pinnacle 21 ID"]
                if pid not in out or (not out[pid]["Publisher ID"] and row["Publisher ID"]):
                    out[pid] = row
    return out


@cache
def core_catalog() -> dict[str, dict[str, str]]:
    with (_DATA / "cdisc-core-sdtmig-3.2-rules.tsv").open("r", encoding="utf-8") as fh:
        return {r["core_id"]: r for r in csv.DictReader(fh, delimiter="\t")}


def _severity(s: str) -> str:
    s = s.lower()
    return "notice" if s in ("notice", "info") else s


def rule(
    rule_id: str,
    *,
    category: str,
    standards: tuple[str, ...] = ("sdtm",),
    p21: str | None = None,
    cdisc: str | None = None,
    fda: str | None = None,
    severity: str | None = None,
    message: str | None = None,
    description: str | None = None,
    per_dataset: bool = False,
) -> Callable[[Callable[[Any], Iterable[Hits]]], Callable[[Any], Iterable[Hits]]]:
    """Register a rule. Message, description, severity and FDA id default to the P21 catalogue row.

    ``per_dataset``: the rule is one loop over the datasets whose findings for a dataset depend on that
    dataset alone (look-ups of other domains allowed), so it may run one dataset at a time
    (``tests/validate/test_rule_scope.py`` checks the shape and the findings)."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")

    def deco(fn: Callable[[Any], Iterable[Hits]]) -> Callable[[Any], Iterable[Hits]]:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule id {rule_id}")
        row = p21_catalog().get(p21 or "", {})
        pub = row.get("Publisher ID", "")
        fda_id = fda or (pub if pub.startswith("FDA") else None)
        from sdtm_convert.validate.equivalents import CDISC

        cdisc_id = (
            cdisc or CDISC.get(rule_id) or (f"ADaM-{pub}" if row.get("kind") == "adam" and pub[:1].isdigit() else None)
        )
        sev = _severity(severity or row.get("Severity") or "error")
        msg = message or row.get("Message") or rule_id
        desc = description or row.get("Description") or (fn.__doc__ or "").strip().split("\n\n")[0]
        if p21 and not row:
            raise ValueError(f"{rule_id}: P21 id {p21} not in the catalogue")
        RULES[rule_id] = Rule(rule_id, category, sev, msg, " ".join(desc.split()), standards, p21, fda_id, cdisc_id, fn,
                              per_dataset)
        return fn

    return deco


def rows_of(rows: Any, n: int) -> np.ndarray:
    """0-based int positions from a mask / positions / None."""
    if rows is None:
        return np.empty(0, dtype=np.int64)
    if isinstance(rows, pd.Series):
        if pd.api.types.is_bool_dtype(rows.dtype) or str(rows.dtype) == "boolean":
            return np.flatnonzero(rows.to_numpy(dtype=bool, na_value=False))
        rows = rows.to_numpy()
    arr = np.asarray(rows)
    if arr.dtype == bool:
        return np.flatnonzero(arr)
    return arr.astype(np.int64)
