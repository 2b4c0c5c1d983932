"""Trial design datasets (TS, TA, TE, TV, TI) built from the study configuration (``study.yaml``).

Every record carries ``__src_file = "study.yaml"`` and ``__src_row`` = the 1-based index of the config
item it comes from (the arm for TA, the element for TE, the visit for TV, the criterion for TI, the
trial-summary entry for TS). TSPARM is always looked up in CT (TSPARMCD C66738 ↔ TSPARM C67152, paired by
the term's C-code), never typed in the config. When TSVAL is a term of the parameter's codelist, TSVALCD
gets the term's C-code with TSVCDREF "CDISC CT" and TSVCDVER the CT version. An entry with ``valnf``
(an ISO 21090 null flavour, e.g. ``NA``) and no value gives TSVALNF and an info
``ts-value-null-flavour`` naming the parameter, the null flavour and the entry's ``reason``, so the
conversion report lists every parameter given without a value and why.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sdtm_convert.common import iso8601
from sdtm_convert.common.iso8601 import DURATION
from sdtm_convert.common.provenance import PROVENANCE, SRC_FILE, SRC_ROW
from sdtm_convert.common.text import number_str
from sdtm_convert.derive.supp import split_text  # TSVAL, TSVAL1..n: the SUPP-- rule (no blank at a cut)
from sdtm_convert.errors import ERROR, INFO, WARNING, Issue
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.standards.ct import ControlledTerminology
from sdtm_convert.standards.metadata import sdtmig_domain_variables

# TSPARMCD → C-code of the codelist its TSVAL comes from (values of these parameters get TSVALCD from CT)
TS_PARAM_CODELISTS: dict[str, str] = {
    "TPHASE": "C66737",  # Trial Phase Response
    "STYPE": "C99077",  # Study Type Response
    "INTMODEL": "C99076",  # Intervention Model Response
    "INTTYPE": "C99078",  # Intervention Type Response
    "TBLIND": "C66735",  # Trial Blinding Schema Response
    "TCNTRL": "C66785",  # Control Type Response
    "SEXPOP": "C66732",  # Sex of Participants Response
    "TINDTP": "C66736",  # Trial Intent Type Response
    "TTYPE": "C66739",  # Trial Type Response
    "ROUTE": "C66729",  # Route of Administration Response
    "DOSFRQ": "C71113",  # Frequency
    "DOSU": "C71620",  # Unit
    "ADDON": "C66742",  # No Yes Response
    "RANDOM": "C66742",
    "HLTSUBJI": "C66742",
    "ADAPT": "C66742",
    "PDSTIND": "C66742",
    "PIPIND": "C66742",
    "RDIND": "C66742",
    "EXTTIND": "C66742",
    "ONGOSIND": "C66742",
}
TS_DURATION_PARAMS = frozenset({"AGEMIN", "AGEMAX", "LENGTH", "PTRTDUR", "CRMDUR"})  # ISO 8601 durations
TS_DATE_PARAMS = frozenset({"SSTDTC", "SENDTC", "DCUTDTC"})  # ISO 8601 dates
TS_INTEGER_PARAMS = frozenset({"NARMS", "PLANSUB", "ACTSUB", "NCOHORT"})
# parameters whose value is itself a code of an external reference terminology (DICTNAM terms)
TS_EXTERNAL_CODES: dict[str, tuple[str, str]] = {
    "FCNTRY": ("ISO 3166", r"[A-Z]{3}"),  # ISO 3166-1 alpha-3
    "REGID": ("ClinicalTrials.gov", r"NCT[0-9]{8}"),
}
# ISO 21090 null flavours allowed in TSVALNF
NULL_FLAVOURS: dict[str, str] = {
    "NI": "no information",
    "INV": "invalid",
    "DER": "derived",
    "OTH": "other",
    "PINF": "positive infinity",
    "NINF": "negative infinity",
    "UNC": "unencoded",
    "MSK": "masked",
    "NA": "not applicable",
    "UNK": "unknown",
    "ASKU": "asked but unknown",
    "NAV": "temporarily unavailable",
    "NASK": "not asked",
    "QS": "sufficient quantity",
    "TRC": "trace",
    "NP": "not present",
}
TSPARMCD_CODELIST = "C66738"
TSPARM_CODELIST = "C67152"
MAX_TEXT = 200
_DURATION_RX = re.compile(f"^{DURATION}$")
_NAME_RX = re.compile(r"^[A-Z][A-Z0-9_]{0,7}$")


def _src_file(study: StudyConfig) -> str:
    return Path(study.path).name if study.path else "study.yaml"


def _issue(
    code: str,
    severity: str,
    message: str,
    study: StudyConfig,
    row: int,
    dataset: str,
    variable: str | None = None,
    value: Any = None,
) -> Issue:
    return Issue(
        code,
        severity,
        message,
        file=_src_file(study),
        row=row,
        dataset=dataset,
        variable=variable,
        value=None if value is None else str(value),
    )


def _frame(domain: str, records: list[dict[str, Any]], study: StudyConfig, numeric: Iterable[str] = ()) -> pd.DataFrame:
    """SDTMIG-ordered frame (+ any TSVALn after TSVAL, + provenance), '' for missing text, float64 numerics."""
    std = list(sdtmig_domain_variables(domain)["name"])
    extra = sorted(
        {k for r in records for k in r} - set(std) - set(PROVENANCE),
        key=lambda c: int(c[5:]) if c.startswith("TSVAL") and c[5:].isdigit() else 0,
    )
    cols = std[: std.index("TSVAL") + 1] + extra + std[std.index("TSVAL") + 1 :] if extra else std
    cols = [*cols, *PROVENANCE]
    df = pd.DataFrame.from_records(records, columns=cols)
    df["STUDYID"] = study.studyid
    df["DOMAIN"] = domain
    for c in cols:
        if c in numeric:
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
        elif c == SRC_ROW:
            df[c] = df[c].astype("int64")
        else:
            df[c] = df[c].astype(object).where(df[c].notna(), "").astype(str)
    return df


# ---------------------------------------------------------------------------------------------------- TS


def _ts_parm_lookup(ct: ControlledTerminology) -> dict[str, str]:
    """TSPARMCD → TSPARM, paired by the NCI C-code shared by the two codelists."""
    cd = ct.codelist(TSPARMCD_CODELIST).terms[["code", "value"]]
    nm = ct.codelist(TSPARM_CODELIST).terms[["code", "value"]]
    pairs = cd.merge(nm, on="code", suffixes=("_cd", "_nm"))
    return dict(zip(pairs["value_cd"], pairs["value_nm"], strict=True))


def _valid_date(text: str) -> bool:
    """A calendar date ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, every part known (no time, no placeholder)."""
    p = iso8601.parse(pd.Series([text], dtype=object)).iloc[0]
    return bool(p["valid"]) and 1 <= p["precision"] <= iso8601.DATE and p["key"] == text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, float) and math.isfinite(value):
        return number_str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _ts_coded(parmcd: str, val: str, ct: ControlledTerminology) -> tuple[str, str, str, str | None, str]:
    """(TSVAL, TSVALCD, TSVCDREF, problem, severity) for one value of a coded parameter."""
    if parmcd in TS_PARAM_CODELISTS:
        cl = ct.codelist(TS_PARAM_CODELISTS[parmcd])
        mapped, unmatched = cl.map_values(pd.Series([val]))
        if bool(unmatched.iloc[0]):
            sev = WARNING if cl.extensible else ERROR
            return val, "", "", f"{val!r} is not a term of codelist {cl.short_name} ({cl.code})", sev
        term = str(mapped.iloc[0])
        return term, cl.code_of(term) or "", "CDISC CT", None, ""
    if parmcd in TS_EXTERNAL_CODES:
        ref, rx = TS_EXTERNAL_CODES[parmcd]
        if not re.fullmatch(rx, val):
            return val, "", "", f"{val!r} is not a {ref} code", ERROR
        return val, val, ref, None, ""
    return val, "", "", None, ""


def _ts_value_problem(parmcd: str, val: str) -> tuple[str, str] | None:
    """(issue code, message) when the value of a typed parameter is malformed."""
    if parmcd in TS_DURATION_PARAMS and not _DURATION_RX.match(val):
        return "iso8601-invalid", f"{parmcd} must be an ISO 8601 duration (e.g. P18Y, P12W)"
    if parmcd in TS_DATE_PARAMS and not _valid_date(val):
        return "iso8601-invalid", f"{parmcd} must be an ISO 8601 date (YYYY-MM-DD)"
    if parmcd in TS_INTEGER_PARAMS and not re.fullmatch(r"[0-9]+", val):
        return "ts-value-invalid", f"{parmcd} must be a whole number"
    return None


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
            _issue(
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
            _issue(
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
    if valnf in NULL_FLAVOURS and not any(_as_text(v) for v in values):
        issues.append(_null_flavour_issue(item, parmcd, valnf, study, idx))
    records = []
    for raw in values:
        val = _as_text(raw)
        if not val and not valnf:
            issues.append(
                _issue("ts-value-missing", ERROR, f"{parmcd}: TSVAL or TSVALNF is required", study, idx, "TS", "TSVAL")
            )
        if val and valnf:
            issues.append(
                _issue(
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
            problem = _ts_value_problem(parmcd, val)
            if problem and parmcd != "SSTDTC":
                issues.append(_issue(problem[0], ERROR, problem[1], study, idx, "TS", "TSVAL", val))
            val, valcd, vcdref, msg, sev = _ts_coded(parmcd, val, ct)
            if msg:
                issues.append(_issue("ct-term-not-found", sev, f"{parmcd}: {msg}", study, idx, "TS", "TSVAL", val))
            vcdver = ct.version if vcdref == "CDISC CT" else ""
        valcd = str(item.get("valcd", valcd) or "")
        vcdref = str(item.get("vcdref", vcdref) or "")
        vcdver = str(item.get("vcdver", vcdver) or "")
        if "vcdref" in item:
            _check_term(ct, "DICTNAM", vcdref, study, idx, "TS", "TSVCDREF", issues)
        rec: dict[str, Any] = {
            "TSGRPID": str(item.get("grpid", "") or ""),
            "TSPARMCD": parmcd,
            "TSPARM": parms.get(parmcd, ""),
            "TSVALNF": valnf,
            "TSVALCD": valcd,
            "TSVCDREF": vcdref,
            "TSVCDVER": vcdver,
            SRC_FILE: _src_file(study),
            SRC_ROW: idx,
        }
        for k, piece in enumerate(split_text(val)):
            rec["TSVAL" if k == 0 else f"TSVAL{k}"] = piece
        records.append(rec)
    return records


def _null_flavour_issue(item: dict[str, Any], parmcd: str, valnf: str, study: StudyConfig, idx: int) -> Issue:
    """Info for the conversion report: a parameter given with no value, its null flavour and the spec's reason."""
    reason = str(item.get("reason") or "").strip()
    why = f": {reason}" if reason else " (the spec gives no reason)"
    return _issue(
        "ts-value-null-flavour",
        INFO,
        f"{parmcd} has no value, TSVALNF {valnf} ({NULL_FLAVOURS[valnf]}){why}",
        study,
        idx,
        "TS",
        "TSVALNF",
        valnf,
    )


def _check_sstdtc(records: list[dict[str, Any]], study: StudyConfig, issues: list[Issue]) -> None:
    """FDA technical rejection criterion 1734: TS must hold a valid ISO 8601 study start date."""
    starts = [r for r in records if r["TSPARMCD"] == "SSTDTC"]
    if not starts:
        issues.append(
            Issue(
                "ts-sstdtc-missing",
                ERROR,
                "TS has no SSTDTC (study start date); FDA rejects the submission (technical rejection criterion 1734)",
                file=_src_file(study),
                dataset="TS",
                variable="TSVAL",
            )
        )
        return
    for r in starts:
        if not _valid_date(r.get("TSVAL", "")):
            issues.append(
                _issue(
                    "ts-sstdtc-missing",
                    ERROR,
                    "SSTDTC must be an ISO 8601 date (YYYY-MM-DD); FDA technical rejection criterion 1734",
                    study,
                    r[SRC_ROW],
                    "TS",
                    "TSVAL",
                    r.get("TSVAL", ""),
                )
            )


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
    _check_sstdtc(records, study, issues)
    return _frame("TS", records, study, numeric=("TSSEQ",)), issues


# ---------------------------------------------------------------------------------------- TA TE TV TI


def _check_term(
    ct: ControlledTerminology,
    codelist: str,
    value: str,
    study: StudyConfig,
    row: int,
    dataset: str,
    variable: str,
    issues: list[Issue],
) -> None:
    if not value:
        return
    cl = ct.codelist(codelist)
    if value not in cl.values:
        issues.append(
            _issue(
                "ct-term-not-found",
                WARNING if cl.extensible else ERROR,
                f"{variable} {value!r} is not a term of codelist {cl.short_name} ({cl.code})",
                study,
                row,
                dataset,
                variable,
                value,
            )
        )


def _required(value: str, study: StudyConfig, row: int, dataset: str, variable: str, issues: list[Issue]) -> None:
    if not str(value).strip():
        issues.append(_issue("td-value-missing", ERROR, f"{variable} is required", study, row, dataset, variable))


def build_ta(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TA: one record per arm × element in the arm's order (TAETORD 1..n)."""
    issues: list[Issue] = []
    elements = {e.etcd: e for e in study.elements}
    records = []
    for idx, arm in enumerate(study.arms, start=1):
        for order, etcd in enumerate(arm.elements, start=1):
            el = elements.get(etcd)
            if el is None:
                issues.append(
                    _issue(
                        "td-element-unknown",
                        ERROR,
                        f"arm {arm.armcd} lists element {etcd!r} that is not in elements",
                        study,
                        idx,
                        "TA",
                        "ETCD",
                        etcd,
                    )
                )
            epoch = el.epoch if el else ""
            _check_term(ct, "EPOCH", epoch, study, idx, "TA", "EPOCH", issues)
            records.append(
                {
                    "ARMCD": arm.armcd,
                    "ARM": arm.arm,
                    "TAETORD": order,
                    "ETCD": etcd,
                    "ELEMENT": el.element if el else "",
                    "TABRANCH": arm.branch.get(etcd, ""),
                    "TATRANS": arm.transition.get(etcd, ""),
                    "EPOCH": epoch,
                    SRC_FILE: _src_file(study),
                    SRC_ROW: idx,
                }
            )
    return _frame("TA", records, study, numeric=("TAETORD",)), issues


def build_te(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TE: one record per element (TESTRL start rule, TEENRL end rule, TEDUR ISO 8601 duration)."""
    issues: list[Issue] = []
    records = []
    for idx, el in enumerate(study.elements, start=1):
        if not _NAME_RX.match(el.etcd):
            issues.append(
                _issue("td-code-invalid", ERROR, "ETCD must be ≤ 8 letters/digits", study, idx, "TE", "ETCD", el.etcd)
            )
        _required(el.start_rule, study, idx, "TE", "TESTRL", issues)
        if el.duration and not _DURATION_RX.match(el.duration):
            issues.append(
                _issue(
                    "iso8601-invalid",
                    ERROR,
                    "TEDUR must be an ISO 8601 duration",
                    study,
                    idx,
                    "TE",
                    "TEDUR",
                    el.duration,
                )
            )
        if not el.end_rule and not el.duration:
            issues.append(
                _issue("td-value-missing", WARNING, "an element needs TEENRL or TEDUR", study, idx, "TE", "TEENRL")
            )
        records.append(
            {
                "ETCD": el.etcd,
                "ELEMENT": el.element,
                "TESTRL": el.start_rule,
                "TEENRL": el.end_rule,
                "TEDUR": el.duration,
                SRC_FILE: _src_file(study),
                SRC_ROW: idx,
            }
        )
    return _frame("TE", records, study), issues


def build_tv(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TV: one record per planned visit; ARMCD/ARM only for arm-specific visits (``armcd:`` on the visit)."""
    issues: list[Issue] = []
    arms = {a.armcd: a.arm for a in study.arms}
    raw_visits = list((study.raw or {}).get("visits") or [])
    records = []
    for idx, v in enumerate(study.visits, start=1):
        raw = raw_visits[idx - 1] if idx - 1 < len(raw_visits) else {}
        armcd = str(getattr(v, "armcd", "") or raw.get("armcd") or "")
        if armcd and armcd not in arms:
            issues.append(
                _issue(
                    "td-arm-unknown",
                    ERROR,
                    f"visit names arm {armcd!r} that is not in arms",
                    study,
                    idx,
                    "TV",
                    "ARMCD",
                    armcd,
                )
            )
        _required(v.start_rule, study, idx, "TV", "TVSTRL", issues)
        records.append(
            {
                "VISITNUM": v.visitnum,
                "VISIT": v.visit,
                "VISITDY": np.nan if v.visitdy is None else v.visitdy,
                "ARMCD": armcd,
                "ARM": arms.get(armcd, ""),
                "TVSTRL": v.start_rule,
                "TVENRL": v.end_rule,
                SRC_FILE: _src_file(study),
                SRC_ROW: idx,
            }
        )
    dup = pd.Series([r["VISITNUM"] for r in records], dtype="float64")
    for pos in np.flatnonzero(dup.duplicated().to_numpy()):
        if not records[pos]["ARMCD"]:
            issues.append(
                _issue(
                    "td-visitnum-duplicate",
                    ERROR,
                    "VISITNUM must be unique in TV",
                    study,
                    int(pos) + 1,
                    "TV",
                    "VISITNUM",
                    records[pos]["VISITNUM"],
                )
            )
    return _frame("TV", records, study, numeric=("VISITNUM", "VISITDY")), issues


def build_ti(study: StudyConfig, ct: ControlledTerminology) -> tuple[pd.DataFrame, list[Issue]]:
    """TI: one record per inclusion/exclusion criterion (``testcd``, ``test``, ``cat``, ``scat``, ``rl``, ``vers``)."""
    issues: list[Issue] = []
    records = []
    for idx, item in enumerate(study.inclusion_exclusion, start=1):
        testcd, test = str(item.get("testcd", "")), str(item.get("test", "")).strip()
        cat = str(item.get("cat", "")).strip().upper()
        if not _NAME_RX.match(testcd):
            issues.append(
                _issue(
                    "td-code-invalid",
                    ERROR,
                    "IETESTCD must be ≤ 8 letters/digits, starting with a letter",
                    study,
                    idx,
                    "TI",
                    "IETESTCD",
                    testcd,
                )
            )
        _required(test, study, idx, "TI", "IETEST", issues)
        if len(test.encode("utf-8")) > MAX_TEXT:
            issues.append(
                _issue(
                    "td-text-too-long",
                    ERROR,
                    "IETEST is limited to 200 characters (put the full text in the protocol)",
                    study,
                    idx,
                    "TI",
                    "IETEST",
                )
            )
        _required(cat, study, idx, "TI", "IECAT", issues)
        _check_term(ct, "IECAT", cat, study, idx, "TI", "IECAT", issues)
        records.append(
            {
                "IETESTCD": testcd,
                "IETEST": test,
                "IECAT": cat,
                "IESCAT": str(item.get("scat", "") or ""),
                "TIRL": str(item.get("rl", "") or ""),
                "TIVERS": str(item.get("vers", "") or ""),
                SRC_FILE: _src_file(study),
                SRC_ROW: idx,
            }
        )
    return _frame("TI", records, study), issues


# trial summary values counted from the data (study.yaml: {parmcd: ACTSUB, count: enrolled})
SUBJECT_COUNTS = {
    "enrolled": lambda dm: int((dm["ARMCD"].astype(str) != "").sum()),
    "treated": lambda dm: int((dm["ACTARMCD"].astype(str) != "").sum()),
    "screened": lambda dm: int(dm["USUBJID"].nunique()),
}


def resolve_counts(study: StudyConfig, dm: pd.DataFrame | None) -> tuple[StudyConfig, list[Issue]]:
    """Replace ``count:`` trial summary entries by the number of subjects counted in DM."""
    import dataclasses

    items, issues = [], []
    for idx, item in enumerate(study.trial_summary, start=1):
        if "count" in item:
            kind = item["count"]
            if kind not in SUBJECT_COUNTS or dm is None:
                why = f"unknown count {kind!r} (known: {', '.join(SUBJECT_COUNTS)})" if kind not in SUBJECT_COUNTS \
                    else "a counted value needs the DM domain"
                issues.append(_issue("ts-count-invalid", ERROR, f"{item.get('parmcd')}: {why}", study, idx, "TS", "TSVAL"))
                item = {k: v for k, v in item.items() if k != "count"} | {"valnf": "NI"}
            else:
                item = {k: v for k, v in item.items() if k != "count"} | {"val": SUBJECT_COUNTS[kind](dm)}
        items.append(item)
    return dataclasses.replace(study, trial_summary=tuple(items)), issues


def build_trial_design(study: StudyConfig, ct: ControlledTerminology,
                       dm: pd.DataFrame | None = None) -> tuple[dict[str, pd.DataFrame], list[Issue]]:
    """TS, TA, TE, TV and TI frames (SDTMIG 3.4 variables + provenance columns) and the issues found.
    ``dm`` (the derived DM) resolves trial summary values counted from the data (``count: enrolled``)."""
    frames: dict[str, pd.DataFrame] = {}
    study, issues = resolve_counts(study, dm)
    for name, build in (("TS", build_ts), ("TA", build_ta), ("TE", build_te), ("TV", build_tv), ("TI", build_ti)):
        frames[name], found = build(study, ct)
        issues.extend(found)
    return frames, issues
