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

import datetime as dt
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sdtm_convert.adam.run import build_adam
from sdtm_convert.pipeline import convert

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "pharmaverseadam"
SAS_DAY0 = dt.datetime(1960, 1, 1)
KEYS = {
    "ADSL": ["USUBJID"],
    "ADAE": ["USUBJID", "AETERM", "AESTDTC"],
    "ADVS": ["USUBJID", "PARAMCD", "AVISIT", "ADT", "ATPTN", "DTYPE"],
}
# records with equal keys (the same term starting the same day, twice) are told apart by their collected values
TIEBREAK = {"ADAE": ["AELLT", "AEENDTC", "AESEV", "AEREL", "AEOUT", "AEDTC"]}
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


def _kind(ours: pd.Series, theirs: list[Any]) -> str:
    """How a variable compares: text, number, date or datetime (ours numeric and theirs ISO text)."""
    if not pd.api.types.is_numeric_dtype(ours):
        return "text"
    present = [v for v in theirs if isinstance(v, str) and v != "NA"]
    if present and all(len(v) == 20 and v.endswith("Z") for v in present):
        return "datetime"
    if present and all(len(v) == 10 and v[4] == "-" for v in present):
        return "date"
    return "number"


def _theirs(value: Any, kind: str) -> Any:
    if value is None or value == "" or (value == "NA" and kind != "text"):
        return None
    if kind == "datetime":
        return dt.datetime.fromisoformat(value[:-1])
    if kind == "date":
        return dt.date.fromisoformat(value)
    return float(value) if kind == "number" else str(value)


def _ours(value: Any, kind: str) -> Any:
    if value is None or value is pd.NA or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "datetime":
        return SAS_DAY0 + dt.timedelta(seconds=float(value))
    if kind == "date":
        return (SAS_DAY0 + dt.timedelta(days=float(value))).date()
    return float(value) if kind == "number" else str(value)


def _same(a: Any, b: Any, kind: str) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9) if kind == "number" else a == b


@dataclass
class Agreement:
    """One dataset's comparison: the pairs made, the reference records left unpaired, and per variable the
    number of pairs compared and the disagreements (USUBJID, ours, theirs)."""

    pairs: int
    unpaired: list[tuple[Any, ...]]
    disagreements: dict[str, list[tuple[Any, Any, Any]]] = field(default_factory=dict)

    def share(self, variable: str) -> float:
        return 1 - len(self.disagreements[variable]) / self.pairs if self.pairs else 0.0

    def table(self) -> pd.DataFrame:
        rows = [(v, self.pairs, self.pairs - len(d), round(100 * self.share(v), 1)) for v, d in self.disagreements.items()]
        return pd.DataFrame(rows, columns=["variable", "records", "agree", "percent"])


def agreement(ours: pd.DataFrame, theirs: dict[str, list[Any]], keys: list[str],
              tiebreak: list[str] | tuple[str, ...] = ()) -> Agreement:
    """Pair each reference record with an unused record of ours with equal keys (among several, the one that
    differs on fewest ``tiebreak`` variables); compare the variables both sides have on the pairs."""
    common = [c for c in theirs if c in ours.columns]
    kinds = {c: _kind(ours[c], theirs[c]) for c in common}
    mine: dict[tuple[Any, ...], list[int]] = {}
    for i in range(len(ours)):
        mine.setdefault(tuple(_ours(ours[k].iat[i], kinds[k]) for k in keys), []).append(i)
    n = len(theirs[keys[0]])
    pairs, unpaired = [], []
    for j in range(n):
        key = tuple(_theirs(theirs[k][j], kinds[k]) for k in keys)
        if not mine.get(key):
            unpaired.append(key)
            continue
        def misses(i: int, j: int = j) -> int:
            return sum(not _same(_ours(ours[c].iat[i], kinds[c]), _theirs(theirs[c][j], kinds[c]), kinds[c])
                       for c in tiebreak)
        best = min(mine[key], key=misses)
        mine[key].remove(best)
        pairs.append((best, j))
    result = Agreement(len(pairs), unpaired)
    for c in common:
        k = kinds[c]
        got = [(theirs["USUBJID"][j], _ours(ours[c].iat[i], k), _theirs(theirs[c][j], k)) for i, j in pairs]
        result.disagreements[c] = [(s, a, b) for s, a, b in got if not _same(a, b, k)]
    return result


@pytest.fixture(scope="module")
def adam() -> dict[str, pd.DataFrame]:
    conversion = convert(ROOT / "sample_data" / "cdiscpilot01", ROOT / "mappings" / "cdiscpilot01")
    result = build_adam(conversion.sdtm, conversion.spec.study, conversion.spec.adam)
    return result.datasets


@pytest.fixture(scope="module")
def agreements(adam) -> dict[str, Agreement]:
    found = {name: agreement(adam[name], read_reference(name), keys, TIEBREAK.get(name, ()))
             for name, keys in KEYS.items()}
    for name, a in found.items():  # the figures, shown with pytest -s
        print(f"\n{name}: {a.pairs} records paired, {len(a.unpaired)} unpaired, {len(a.disagreements)} variables")
        below = a.table()
        print(below[below["percent"] < 100].to_string(index=False))
    return found


def test_the_reference_holds_the_first_50_rows_of_each_dataset():
    for name in KEYS:
        data = read_reference(name)
        assert {len(v) for v in data.values()} == {50}, name


@pytest.mark.parametrize("name", list(KEYS))
def test_every_reference_record_pairs_with_one_of_ours(agreements, name):
    assert agreements[name].unpaired == []


@pytest.mark.parametrize("name", list(KEYS))
def test_each_shared_variable_agrees_on_98_percent_of_paired_records(agreements, name):
    a = agreements[name]
    low = {v: f"{100 * a.share(v):.1f}% e.g. {d[:5]}" for v, d in a.disagreements.items()
           if a.share(v) < THRESHOLD and (name, v) not in DIFFERENCES}
    assert not low, "\n".join(f"{name}.{v}: {why}" for v, why in low.items())


@pytest.mark.parametrize("name", list(KEYS))
def test_every_reference_variable_is_ours_or_named_as_absent(adam, name):
    absent = {v for v in read_reference(name) if v not in adam[name].columns}
    assert absent == {v for d, v in ABSENT if d == name}


def test_each_listed_difference_still_occurs(agreements):
    stale = [key for key in DIFFERENCES if not agreements[key[0]].disagreements.get(key[1])]
    assert not stale


def test_agreement_compares_dates_as_dates_and_missing_as_missing_and_breaks_ties_on_collected_values():
    ours = pd.DataFrame({
        "USUBJID": ["1", "1", "2"], "AETERM": ["RASH", "RASH", "COUGH"], "AELLT": ["B", "A", "C"],
        "ASTDT": [19725.0, 19726.0, float("nan")], "REGION1": ["NA", "NA", ""], "AVAL": [1.0, 2.0, 3.0000000001],
    })
    theirs = {
        "USUBJID": ["1", "1", "2"], "AETERM": ["RASH", "RASH", "COUGH"], "AELLT": ["A", "B", "C"],
        "ASTDT": ["2014-01-03", "2014-01-02", None], "REGION1": ["NA", "NA", None], "AVAL": [2, 1, "NA"],
    }
    found = agreement(ours, theirs, ["USUBJID", "AETERM"], ["AELLT"])
    # the two RASH records pair by their LLT (the second of ours with the first of theirs); the SAS date 19725 is
    # 2014-01-02; text "NA" is a value (admiral's North America), a numeric "NA" is missing
    assert (found.pairs, found.unpaired) == (3, [])
    assert {v: d for v, d in found.disagreements.items() if d} == {"AVAL": [("2", 3.0000000001, None)]}
    assert round(found.share("AVAL"), 3) == 0.667
