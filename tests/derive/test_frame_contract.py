"""Every derivation: input never mutated, row order and index kept, same answer whatever the index."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt
import pytest

from sdtm_convert.derive import get, names

DM = pd.DataFrame(
    {
        "STUDYID": ["S1", "S1"],
        "USUBJID": ["S1-01", "S1-02"],
        "BRTHDTC": ["1980-01-02", "1990"],
        "RFSTDTC": ["2022-03-10", ""],
        "RFXSTDTC": ["2022-03-10", ""],
        "RFXENDTC": ["2022-05-05", ""],
        "RFICDTC": ["2022-02-20", "2022-02-19"],
        "RFPENDTC": ["2022-06-01", "2022-02-21"],
        "ARMCD": ["UCMSC", ""],
        "ACTARMCD": ["UCMSC", ""],
        "__src_file": ["dm.csv"] * 2,
        "__src_row": [1, 2],
    }
)
EX = pd.DataFrame({"USUBJID": ["S1-01"], "EXSTDTC": ["2022-03-10"], "EXENDTC": [""]})
SE = pd.DataFrame(
    {
        "USUBJID": ["S1-01", "S1-01"],
        "TAETORD": [1.0, 2.0],
        "EPOCH": ["SCREENING", "TREATMENT"],
        "SESTDTC": ["2022-02-20", "2022-03-10"],
        "SEENDTC": ["2022-03-10", "2022-06-01"],
    }
)
QS = pd.DataFrame(
    {
        "STUDYID": ["S1"] * 5,
        "USUBJID": ["S1-01", "S1-02", "S1-01", "S1-01", "S1-01"],
        "QSSEQ": [1.0, 1.0, 2.0, 3.0, 4.0],
        "QSTESTCD": ["PASI01"] * 5,
        "QSORRES": ["1", "2", "3", "", "4"],
        "QSDTC": ["2022-03-01", "2022-02-20", "2022-03-10", "2022-03-24", "2022-04-01"],
        "VISIT": ["Screening", "Screening", "Week 0", "Week 2", "Unscheduled"],
        "QSLONG": ["x " * 150, "", "y", "", "z"],
        "__src_file": ["qs.csv"] * 5,
        "__src_row": [1, 2, 3, 4, 5],
    }
)
CASES = {
    "seq": ("QS", QS, {"order": ["QSDTC"]}),
    "study_day": ("QS", QS, {"vars": ["QSDTC"]}),
    "epoch": ("QS", QS, {"var": "QSDTC", "taetord": True}),
    "baseline_flags": ("QS", QS, {"blfl": True}),
    "visit": ("QS", QS, {"unscheduled_pattern": "^unsch", "labels": {"Screening": 1, "Week 0": 2, "Week 2": 3}}),
    "dm_reference_dates": ("DM", DM, {}),
    "age": ("DM", DM, {}),
    "subject_elements": ("DM", DM, {}),
    "suppqual": ("QS", QS, {"qualifiers": [{"qnam": "QSLONG", "qlabel": "Long", "column": "QSLONG"}]}),
    "split_long_text": ("QS", QS, {"vars": ["QSLONG"]}),
}


def test_every_registered_derivation_is_covered():
    assert set(CASES) <= set(names())


@pytest.mark.parametrize("name", sorted(CASES))
def test_contract(name, make_ctx):
    domain, df, params = CASES[name]
    odd = df.set_axis([7, 3, 3, 0, 9][: len(df)]).copy()
    before = odd.copy()
    ctx_a = make_ctx(domain, DM=DM, EX=EX, SE=SE)
    ctx_b = make_ctx(domain, DM=DM, EX=EX, SE=SE)
    result_a, result_b = get(name)(df, ctx_a, **params), get(name)(odd, ctx_b, **params)
    (out_a, issues_a), (out_b, issues_b) = result_a, result_b
    pdt.assert_frame_equal(odd, before)  # input untouched
    assert list(out_b.index) == list(odd.index)
    pdt.assert_frame_equal(out_b.reset_index(drop=True), out_a.reset_index(drop=True))
    assert issues_a == issues_b
    assert not [i for i in issues_a if i.code.startswith("derive-")]
    for c in ("__src_file", "__src_row"):
        assert c in out_a.columns
    for key in ("SUPPQS",):
        if key in getattr(result_a, "datasets", {}):
            pdt.assert_frame_equal(result_a.datasets[key], result_b.datasets[key])
