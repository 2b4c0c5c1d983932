"""Our pilot ADaM (sample_data/cdiscpilot01 → our SDTM → mappings/cdiscpilot01/adam/) against the ADaM that
pharmaverse derives with admiral from the same raw data (pharmaverseadam; tests/data/pharmaverseadam/ holds the
first 50 rows of ADSL, ADAE and ADVS as its site publishes them).

Records are paired on keys (ADSL: USUBJID; ADAE: USUBJID, AETERM, AESTDTC; ADVS: USUBJID, PARAMCD, AVISIT, ADT,
ATPTN, DTYPE, admiral's ADVS keys with the derived-record type) and every variable both sides have is compared on
the pairs: dates as dates (ours are SAS numbers, theirs ISO 8601 text), numbers within 1e-9 relative, text exactly;
empty, null and a numeric "NA" are all missing. Each variable must agree on at least 98% of the pairs unless
``DIFFERENCES`` names it with the reason (then it must still differ, so the list stays honest).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sdtm_convert.adam.run import build_adam
from sdtm_convert.package.agreement import Agreement, AgreementReport, render_text, variable_agreement
from sdtm_convert.pipeline import convert

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "pharmaverseadam"
KEYS = {
    "ADSL": ["USUBJID"],
    "ADAE": ["USUBJID", "AETERM", "AESTDTC"],
    "ADVS": ["USUBJID", "PARAMCD", "AVISIT", "ADT", "ATPTN", "DTYPE"],
}
THRESHOLD = 0.98

# (dataset, variable) → why we differ on purpose; see docs/adam.md "Agreement with pharmaverseadam".
_SDTM = "our SDTM differs from pharmaversesdtm here (tests/pilot/exceptions.yaml, DM.{0})"
_AGEGR1 = "the pilot ADaM define's groups <65, 65-80, >80, not admiral's 18-64, >64"
_LSTALVDT = "admiral's template also reads LB dates; the raw export has no LB (pharmaverse's LB gives its values)"
_RFICDTC = _SDTM.format("RFICDTC") + ": the raw informed-consent date, which pharmaverse leaves empty"
DIFFERENCES: dict[tuple[str, str], str] = {
    ("ADSL", "AGEGR1"): _AGEGR1, ("ADAE", "AGEGR1"): _AGEGR1, ("ADVS", "AGEGR1"): _AGEGR1,
    ("ADSL", "LSTALVDT"): _LSTALVDT, ("ADAE", "LSTALVDT"): _LSTALVDT,
    ("ADSL", "RFICDTC"): _RFICDTC, ("ADAE", "RFICDTC"): _RFICDTC, ("ADVS", "RFICDTC"): _RFICDTC,
    ("ADSL", "RFPENDTC"): _SDTM.format("RFPENDTC") + ": the last date of the domains converted (no LB, QS, CM)",
    **{("ADSL", v): _SDTM.format(v) + ": SDTMIG 3.4 leaves the arm of a screen failure null (ARMNRS says why)"
       for v in ("ARM", "ARMCD", "ACTARM", "ACTARMCD")},
    ("ADAE", "AESEQ"): "AE.AESEQ is our SDTM's surrogate key (collection order), not pharmaverse's AESPID order",
    ("ADAE", "AOCCIFL"): "ties of severity and start are broken by AESEQ (admiral), which differs as above",
    ("ADAE", "AELLTCD"): "the raw export carries the MedDRA LLT codes; pharmaverse's AE drops them",
    ("ADAE", "AESOCCD"): "the raw export carries the MedDRA SOC codes; pharmaverse's AE drops them",
    ("ADAE", "ADURU"): "'DAYS', the CDISC UNIT submission value; admiral writes its out_unit argument 'days'",
    **{("ADAE", v): "pharmaverse's values skip the 81 mg EX records of high-dose subjects although pharmaversesdtm's EX "
                    "(tests/data/pharmaverse, which ours matches) has them; admiral's template on that EX gives ours"
       for v in ("LDOSEDTM", "DOSEON", "DOSEU")},
}
# variables of pharmaverseadam that we do not write, and why
ABSENT: dict[tuple[str, str], str] = {
    ("ADSL", "BRTHDTC"): "not collected in the raw data (pharmaverse's is the collection date minus AGE years)",
    ("ADAE", "DOMAIN"): "an SDTM identifier; ADaM datasets have none (admiral keeps AE's)",
    ("ADAE", "AESPID"): "the original pilot's sponsor identifier, not in the raw export",
    ("ADVS", "DOMAIN"): "an SDTM identifier; ADaM datasets have none (admiral keeps VS's)",
}


def read_reference(name: str) -> dict[str, list[Any]]:
    return json.loads((REFERENCE / f"{name.lower()}.json").read_text(encoding="utf-8"))


def reference_frame(theirs: dict[str, list[Any]], ours: pd.DataFrame) -> pd.DataFrame:
    """The published rows as a frame. The site's JSON writes a missing number as the text "NA" and a missing
    text as null, so "NA" is missing only where the variable is a number (ours numeric): admiral's REGION1 "NA"
    (North America) is a value."""
    columns = {}
    for c, values in theirs.items():
        numeric = c in ours.columns and pd.api.types.is_numeric_dtype(ours[c])
        columns[c] = [None if v is None or (numeric and v == "NA") else v for v in values]
    return pd.DataFrame(columns, dtype=object)


@pytest.fixture(scope="module")
def adam() -> dict[str, pd.DataFrame]:
    conversion = convert(ROOT / "sample_data" / "cdiscpilot01", ROOT / "mappings" / "cdiscpilot01")
    result = build_adam(conversion.sdtm, conversion.spec.study, conversion.spec.adam)
    return result.datasets


@pytest.fixture(scope="module")
def agreements(adam) -> dict[str, Agreement]:
    found = {name: variable_agreement(name, reference_frame(read_reference(name), adam[name]), adam[name], keys)
             for name, keys in KEYS.items()}
    print(render_text(AgreementReport("pharmaverseadam", "ours", list(found.values()), [], [])))  # pytest -s
    return found


def test_the_reference_holds_the_first_50_rows_of_each_dataset():
    for name in KEYS:
        data = read_reference(name)
        assert {len(v) for v in data.values()} == {50}, name


@pytest.mark.parametrize("name", list(KEYS))
def test_every_reference_record_pairs_with_one_of_ours(agreements, name):
    assert agreements[name].unmatched_reference_keys == []
    assert agreements[name].matched == 50


@pytest.mark.parametrize("name", list(KEYS))
def test_each_shared_variable_agrees_on_98_percent_of_paired_records(agreements, name):
    low = {v: f"{va.pct:.1f}% e.g. {va.examples}" for v, va in agreements[name].variables.items()
           if va.agree < THRESHOLD * va.compared and (name, v) not in DIFFERENCES}
    assert not low, "\n".join(f"{name}.{v}: {why}" for v, why in low.items())


@pytest.mark.parametrize("name", list(KEYS))
def test_every_reference_variable_is_ours_or_named_as_absent(adam, name):
    absent = {v for v in read_reference(name) if v not in adam[name].columns}
    assert absent == {v for d, v in ABSENT if d == name}


def test_each_listed_difference_still_occurs(agreements):
    stale = [(d, v) for d, v in DIFFERENCES if agreements[d].variables[v].agree == agreements[d].variables[v].compared]
    assert not stale


def test_the_reference_frame_reads_na_as_missing_only_for_numbers():
    ours = pd.DataFrame({"REGION1": ["NA"], "AVAL": [1.0], "DTHDTC": [""]})
    frame = reference_frame({"REGION1": ["NA"], "AVAL": ["NA"], "DTHDTC": [None], "DOMAIN": ["AE"]}, ours)
    assert frame.iloc[0].tolist() == ["NA", None, None, "AE"]
