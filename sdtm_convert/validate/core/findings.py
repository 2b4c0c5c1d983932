"""CORE rule findings in the validation report's columns, each carrying its ``core_id`` and ``cdisc_id``.

Used by ``validate_package(rules_source="core"|"all")``. A CORE finding's ``rule`` is its CORE id, its
severity ``warning`` (the interpreter is new: its findings inform, they do not yet make a package invalid),
its category ``core``, its ``why`` the check that held in words with the record's values, its ``variable`` the rule's first output variable and its ``value`` every output
variable as ``NAME=value``. The rules not run are listed in the notes with their reasons.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.validate.core.operators import text
from sdtm_convert.validate.core.rules import load_rules
from sdtm_convert.validate.core.run import CoreFinding, run_rules
from sdtm_convert.validate.model import Dataset
from sdtm_convert.validate.selection import select_core

SEVERITY = "warning"


def _value(names: tuple[str, ...], values: tuple[Any, ...]) -> str | None:
    shown = [f"{n}={'' if v is None or (isinstance(v, float) and np.isnan(v)) else list(v) if isinstance(v, tuple) else v}"
             for n, v in zip(names, values, strict=True)]  # a list result as CDISC's reports show it: ['A', 'B']
    return "; ".join(shown) or None


def _row(f: CoreFinding, datasets: Mapping[str, Dataset]) -> dict[str, Any]:
    ds = datasets.get(f.dataset)
    usubjid = seq = None
    if ds is not None and f.record is not None and not f.of_variable:
        frame = ds.frame
        if "USUBJID" in frame.columns:
            usubjid = text(frame["USUBJID"]).iloc[f.record - 1]
        seq_col = f"{ds.domain}SEQ"
        if seq_col in frame.columns:
            seq = frame[seq_col].iloc[f.record - 1]
    return {
        "rule": f.core_id, "p21_id": None, "cdisc_id": ", ".join(f.cdisc_ids) or None,
        "fda_id": ", ".join(f.fda_ids) or None,
        "severity": SEVERITY, "category": "core", "dataset": f.dataset,
        "variable": f.variables[0] if f.variables else None, "record": f.record, "usubjid": usubjid, "seq": seq,
        "value": _value(f.variables, f.values), "message": f.message, "records": None, "cause": None,
        "core_id": f.core_id, "why": f.why,
    }


def core_findings(datasets: Mapping[str, Dataset], standard: str, columns: list[str],
                  only: Iterable[str] | None = None,
                  exclude: Iterable[str] | None = None, define: Any = None,
                  ct_version: str = "") -> tuple[pd.DataFrame, list[str]]:
    """(findings in ``columns`` + ``core_id`` and ``why``, notes) of the CORE rules of ``standard`` (``sdtmig-3.2``)
    matching any ``only`` pattern (all when None) and no ``exclude`` pattern (:mod:`..selection`)."""
    name, _, version = standard.partition("-")
    rules = None
    if only is not None or exclude:
        rules = select_core(load_rules(), only, exclude)
    result = run_rules(datasets, name.upper(), version, rules, define=define, ct_version=ct_version)
    rows = [_row(f, datasets) for f in result.findings]
    frame = pd.DataFrame(rows, columns=[*columns, "core_id", "why"])
    notes = [f"CORE rules ({name.upper()} {version}): {len(result.ran)} run, {len(result.not_run)} not run"]
    for reason, n in sorted(Counter(result.not_run.values()).items(), key=lambda kv: (-kv[1], kv[0])):
        ids = sorted(k for k, v in result.not_run.items() if v == reason)
        notes.append(f"CORE not run ({n}: {', '.join(ids)}): {reason}")
    return frame, notes
