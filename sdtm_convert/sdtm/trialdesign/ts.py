"""TS: one record per trial summary value (TSVAL, cut into TSVAL1..n past 200 bytes), TSSEQ 1..n within TSPARMCD.

TSPARM is always looked up in CT (TSPARMCD C66738 ↔ TSPARM C67152, paired by the term's C-code), never typed
in the config. When TSVAL is a term of the parameter's codelist, TSVALCD gets the term's C-code with TSVCDREF
"CDISC CT" and TSVCDVER the CT version. An entry with ``valnf`` (an ISO 21090 null flavour, e.g. ``NA``) and
no value gives TSVALNF and an info ``ts-value-null-flavour`` naming the parameter, the null flavour and the
entry's ``reason``, so the conversion report lists every parameter given without a value and why.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from sdtm_convert.common.provenance import SRC_FILE, SRC_ROW
from sdtm_convert.derive.supp import split_text  # TSVAL, TSVAL1..n: the SUPP-- rule (no blank at a cut)
from sdtm_convert.errors import ERROR, WARNING, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology

from ._common import check_term, frame, issue, src_file
from .ts_params import NULL_FLAVOURS, TSPARM_CODELIST, TSPARMCD_CODELIST
from .ts_values import as_text, check_sstdtc, null_flavour_issue, ts_coded, ts_value_problem


def _ts_parm_lookup(ct: ControlledTerminology) -> dict[str, str]:
    """TSPARMCD → TSPARM, paired by the NCI C-code shared by the two codelists."""
    cd = ct.codelist(TSPARMCD_CODELIST).terms[["code", "value"]]
    nm = ct.codelist(TSPARM_CODELIST).terms[["code", "value"]]
    pairs = cd.merge(nm, on="code", suffixes=("_cd", "_nm"))
    return dict(zip(pairs["value_cd"], pairs["value_nm"], strict=True))


def _ts_records(
    item: dict[str, Any],
    idx: int,
    study: StudyConfig,
    ct: ControlledTerminology,
    parms: dict[str, str],
    issues: list[Issue],
) -> list[dict[str, Any]]:
    parmcd = str(item.get("parmcd", "")).strip().upper()
    if parmcd not in parms:
        issues.append(
            issue(
                "ct-term-not-found",
                ERROR,
                f"TSPARMCD {parmcd!r} is not in CT codelist TSPARMCD",
                study,
                idx,
                "TS",
                "TSPARMCD",
                parmcd,
            )
        )
    values = item.get("val")
    values = values if isinstance(values, list) else [values]
    valnf = str(item.get("valnf") or "").strip().upper()
    if valnf and valnf not in NULL_FLAVOURS:
        issues.append(
            issue(
                "ts-valnf-invalid",
                ERROR,
                "TSVALNF must be an ISO 21090 null flavour",
                study,
                idx,
                "TS",
                "TSVALNF",
                valnf,
            )
        )
    if valnf in NULL_FLAVOURS and not any(as_text(v) for v in values):
        issues.append(null_flavour_issue(item, parmcd, valnf, study, idx))
    records = []
    for raw in values:
        val = as_text(raw)
        if not val and not valnf:
            issues.append(
                issue("ts-value-missing", ERROR, f"{parmcd}: TSVAL or TSVALNF is required", study, idx, "TS", "TSVAL")
            )
        if val and valnf:
            issues.append(
                issue(
                    "ts-valnf-with-value",
                    WARNING,
                    f"{parmcd}: TSVALNF is only for a null TSVAL",
                    study,
                    idx,
                    "TS",
                    "TSVALNF",
                    valnf,
                )
            )
        valcd, vcdref, vcdver = "", "", ""
        if val:
            problem = ts_value_problem(parmcd, val)
            if problem and parmcd != "SSTDTC":
                issues.append(issue(problem[0], ERROR, problem[1], study, idx, "TS", "TSVAL", val))
            val, valcd, vcdref, msg, sev = ts_coded(parmcd, val, ct)
            if msg:
                issues.append(issue("ct-term-not-found", sev, f"{parmcd}: {msg}", study, idx, "TS", "TSVAL", val))
            vcdver = ct.version if vcdref == "CDISC CT" else ""
        valcd = str(item.get("valcd", valcd) or "")
        vcdref = str(item.get("vcdref", vcdref) or "")
        vcdver = str(item.get("vcdver", vcdver) or "")
        if "vcdref" in item:
            check_term(ct, "DICTNAM", vcdref, study, idx, "TS", "TSVCDREF", issues)
        rec: dict[str, Any] = {
            "TSGRPID": str(item.get("grpid", "") or ""),
            "TSPARMCD": parmcd,
            "TSPARM": parms.get(parmcd, ""),
            "TSVALNF": valnf,
            "TSVALCD": valcd,
            "TSVCDREF": vcdref,
            "TSVCDVER": vcdver,
            SRC_FILE: src_file(study),
            SRC_ROW: idx,
        }
        for k, piece in enumerate(split_text(val)):
            rec["TSVAL" if k == 0 else f"TSVAL{k}"] = piece
        records.append(rec)
    return records


def build_ts(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TS: one record per value, TSSEQ numbered 1..n within TSPARMCD in config order."""
    issues: list[Issue] = []
    parms = _ts_parm_lookup(ct)
    records: list[dict[str, Any]] = []
    for idx, item in enumerate(study.trial_summary, start=1):
        records.extend(_ts_records(dict(item), idx, study, ct, parms, issues))
    seq: dict[str, int] = {}
    for r in records:
        seq[r["TSPARMCD"]] = seq.get(r["TSPARMCD"], 0) + 1
        r["TSSEQ"] = seq[r["TSPARMCD"]]
    check_sstdtc(records, study, issues)
    return frame("TS", records, study, numeric=("TSSEQ",)), issues
