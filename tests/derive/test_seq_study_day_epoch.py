"""seq, study_day and epoch, each alone on literal frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.derive import get
from sdtm_convert.derive.seq import seq_numbers
from sdtm_convert.derive.study_day import compute_study_day

NAN = np.nan
PROV = {"__src_file": "ae.csv"}


def test_seq_orders_by_params_and_keeps_row_order(make_ctx):
    ae = pd.DataFrame(
        {
            "USUBJID": ["S1-02", "S1-01", "S1-01", "S1-01", "S1-02"],
            "AESTDTC": ["2022-01-05", "2022-03", "", "2022-03-01", "2022-01-01"],
            "AETERM": ["B", "A", "C", "A", "A"],
            "__src_file": ["ae.csv"] * 5,
            "__src_row": [1, 2, 3, 4, 5],
        }
    )
    out, issues = get("seq")(ae, make_ctx("AE"), order=["AESTDTC", "AETERM"])
    expected = ae.assign(AESEQ=[2.0, 1.0, 3.0, 2.0, 1.0])
    pdt.assert_frame_equal(out, expected)
    assert issues == []
    assert "AESEQ" not in ae.columns  # input untouched


def test_seq_default_is_row_order(make_ctx):
    ae = pd.DataFrame({"USUBJID": ["A", "B", "A"], "__src_file": ["ae.csv"] * 3, "__src_row": [1, 2, 3]})
    out, _ = get("seq")(ae, make_ctx("AE"))
    pdt.assert_frame_equal(out, ae.assign(AESEQ=[1.0, 1.0, 2.0]))


def test_seq_missing_order_column_is_an_issue(make_ctx):
    ae = pd.DataFrame({"USUBJID": ["A"]})
    _, issues = get("seq")(ae, make_ctx("AE"), order=["AESTDTC"])
    assert [i.code for i in issues] == ["derive-variable-missing"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["A", "B", "C"]), st.sampled_from(["", "2022", "2022-01-02", "2021-12-31T10:00"])),
        min_size=0,
        max_size=30,
    )
)
def test_seq_property_unique_one_to_n_per_subject(rows):
    df = pd.DataFrame(rows, columns=["USUBJID", "AESTDTC"])
    seq = seq_numbers(df, ["AESTDTC"])
    assert seq.dtype == "float64"
    for _, g in seq.groupby(df["USUBJID"]):
        assert sorted(g.tolist()) == list(map(float, range(1, len(g) + 1)))


DM = pd.DataFrame(
    {
        "USUBJID": ["S1-01", "S1-02", "S1-03"],
        "RFSTDTC": ["2022-03-10T09:30", "2022-03-01", ""],
        "__src_file": ["dm.csv"] * 3,
        "__src_row": [1, 2, 3],
    }
)


def test_study_day_rules(make_ctx):
    ae = pd.DataFrame(
        {
            "USUBJID": ["S1-01", "S1-01", "S1-01", "S1-01", "S1-02", "S1-03", "S1-09"],
            "AESTDTC": [
                "2022-03-10",
                "2022-03-09T23:00",
                "2022-03",
                "2022-03-11",
                "2022-02-27",
                "2022-03-01",
                "2022-03-01",
            ],
            "AEENDTC": ["2022-03-12", "", "2022-04-01", "2022---15", "2022-03-01", "", ""],
            "__src_file": ["ae.csv"] * 7,
            "__src_row": [1, 2, 3, 4, 5, 6, 7],
        }
    )
    out, issues = get("study_day")(ae, make_ctx("AE", DM=DM), vars=["AESTDTC", "AEENDTC"])
    expected = ae.assign(
        AESTDY=[1.0, -1.0, NAN, 2.0, -2.0, NAN, NAN],
        AEENDY=[3.0, NAN, 23.0, NAN, 1.0, NAN, NAN],
    )
    pdt.assert_frame_equal(out, expected)
    assert [(i.code, i.row, i.usubjid) for i in issues] == [("study-day-no-reference", 7, "S1-09")]


def test_study_day_names_and_missing_dm(make_ctx):
    sv = pd.DataFrame({"USUBJID": ["S1-02"], "SVSTDTC": ["2022-03-01"]})
    out, issues = get("study_day")(sv, make_ctx("SV", DM=DM), vars=["SVSTDTC"])
    assert out["SVSTDY"].tolist() == [1.0] and issues == []
    _, issues = get("study_day")(sv, make_ctx("SV"), vars=["SVSTDTC"])
    assert [i.code for i in issues] == ["derive-domain-missing"]


_dates = st.dates(min_value=pd.Timestamp("1990-01-01").date(), max_value=pd.Timestamp("2040-12-31").date())


@settings(max_examples=60, deadline=None)
@given(st.lists(_dates, min_size=1, max_size=20), _dates)
def test_study_day_property_never_zero_and_monotone(days, ref):
    days = sorted(days)
    s = pd.Series([d.isoformat() for d in days])
    dy = compute_study_day(s, pd.Series([ref.isoformat()] * len(s)))
    assert (dy != 0).all() and dy.notna().all()
    assert dy.is_monotonic_increasing
    on_ref = s == ref.isoformat()
    assert (dy[on_ref] == 1).all()


SE = pd.DataFrame(
    {
        "USUBJID": ["S1-01", "S1-01", "S1-01", "S1-02"],
        "ETCD": ["SCRN", "UCMSC", "FU", "SCRN"],
        "TAETORD": [1.0, 2.0, 3.0, 1.0],
        "EPOCH": ["SCREENING", "TREATMENT", "FOLLOW-UP", "SCREENING"],
        "SESTDTC": ["2022-02-20", "2022-03-10T09:30", "2022-05-06", "2022-02-01"],
        "SEENDTC": ["2022-03-10T09:30", "2022-05-06", "2022-06-01", "2022-02-10"],
    }
)


def test_epoch_locates_record_in_elements(make_ctx):
    qs = pd.DataFrame(
        {
            "USUBJID": ["S1-01"] * 8 + ["S1-02", "S1-07"],
            "QSDTC": [
                "2022-02-19",  # before first element
                "2022-02-20",  # screening start
                "2022-03-10T08:00",  # before the infusion time → screening
                "2022-03-10",  # infusion day, no time → treatment
                "2022-05-06",  # follow-up starts
                "2022-06-01",  # last element includes its end
                "2022-06-02",  # after
                "2022-04",  # partial
                "2022-02-10",  # screen failure, end of only element
                "2022-03-01",  # no SE
            ],
            "__src_file": ["qs.csv"] * 10,
            "__src_row": list(range(1, 11)),
        }
    )
    out, issues = get("epoch")(qs, make_ctx("QS", SE=SE), var="QSDTC", taetord=True)
    expected = qs.assign(
        EPOCH=["", "SCREENING", "SCREENING", "TREATMENT", "FOLLOW-UP", "FOLLOW-UP", "", "", "SCREENING", ""],
        TAETORD=[NAN, 1.0, 1.0, 2.0, 3.0, 3.0, NAN, NAN, 1.0, NAN],
    )
    pdt.assert_frame_equal(out, expected)
    assert sorted((i.code, i.row, i.severity) for i in issues) == [
        ("epoch-after-last-element", 7, "info"),
        ("epoch-before-first-element", 1, "info"),
        ("epoch-date-partial", 8, "info"),
        ("epoch-no-elements", 10, "info"),
    ]


def test_epoch_open_ended_last_element(make_ctx):
    se = SE.assign(SEENDTC=["2022-03-10T09:30", "2022-05-06", "", "2022-02-10"])
    ae = pd.DataFrame({"USUBJID": ["S1-01"], "AESTDTC": ["2023-01-01"]})
    out, issues = get("epoch")(ae, make_ctx("AE", SE=se), var="AESTDTC")
    pdt.assert_frame_equal(out, ae.assign(EPOCH=["FOLLOW-UP"]))
    assert issues == []
