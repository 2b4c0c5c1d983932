"""visit alone on literal frames (study visits from conftest: 1 SCREENING, 2 WEEK 0, 3 WEEK 2, 4 WEEK 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt

from sdtm_convert.derive import get

NAN = np.nan
DM = pd.DataFrame({"USUBJID": ["S1-01", "S1-02"], "RFSTDTC": ["2022-03-10", "2022-03-01"]})
LABELS = {"Screening": 1, "Week 0": 2, "Week 2": 3, "Week 4": 4}


def test_planned_unscheduled_unknown_and_window(make_ctx):
    qs = pd.DataFrame(
        {
            "USUBJID": ["S1-01"] * 8 + ["S1-02", "S1-02"],
            "VISIT": [
                "Screening",
                "Week 0",
                "week  2",  # case and spaces do not matter
                "Unscheduled",  # between week 2 and week 4 → 3.01
                "Unscheduled",  # same day, same number
                "Unscheduled 2",  # later day → 3.02
                "Week 4",
                "Week 9",  # unknown
                "Unscheduled",  # before any planned visit → 0.01
                "Unscheduled",  # no complete date
            ],
            "QSDTC": [
                "2022-03-01",
                "2022-03-10",
                "2022-03-30",  # day 21: outside [12, 18]
                "2022-04-01",
                "2022-04-01T10:00",
                "2022-04-03",
                "2022-04-07",
                "2022-05-01",
                "2022-02-01",
                "2022-02",
            ],
            "__src_file": ["qs.csv"] * 10,
            "__src_row": list(range(1, 11)),
        }
    )
    ctx = make_ctx("QS", DM=DM)
    out, issues = get("visit")(qs, ctx, labels=LABELS, unscheduled_pattern="^unscheduled")
    expected = qs.assign(
        VISITNUM=[1.0, 2.0, 3.0, 3.01, 3.01, 3.02, 4.0, NAN, 0.01, NAN],
        VISIT=[
            "SCREENING",
            "WEEK 0",
            "WEEK 2",
            "UNSCHEDULED 3.01",
            "UNSCHEDULED 3.01",
            "UNSCHEDULED 3.02",
            "WEEK 4",
            "Week 9",
            "UNSCHEDULED 0.01",
            "Unscheduled",
        ],
        VISITDY=[-14.0, 1.0, 15.0, NAN, NAN, NAN, 29.0, NAN, NAN, NAN],
    )
    pdt.assert_frame_equal(out, expected)
    assert sorted((i.code, i.row) for i in issues) == [
        ("visit-out-of-window", 3),
        ("visit-unknown", 8),
        ("visit-unscheduled-undated", 10),
    ]


def test_labels_default_to_planned_visit_names(make_ctx):
    sv = pd.DataFrame({"USUBJID": ["S1-02", "S1-02"], "VISIT": ["Week 0", ""], "SVSTDTC": ["2022-03-01", ""]})
    out, issues = get("visit")(sv, make_ctx("SV", DM=DM))
    expected = sv.assign(VISITNUM=[2.0, NAN], VISIT=["WEEK 0", ""], VISITDY=[1.0, NAN])
    pdt.assert_frame_equal(out, expected)
    assert [i.code for i in issues] == ["visit-missing"]


def test_label_mapped_to_unplanned_number_is_a_spec_error(make_ctx):
    sv = pd.DataFrame({"USUBJID": ["S1-02"], "VISIT": ["Week 0"], "SVSTDTC": ["2022-03-01"]})
    _, issues = get("visit")(sv, make_ctx("SV", DM=DM), labels={"Week 0": 7}, window_check=False)
    assert sorted(i.code for i in issues) == ["visit-not-in-study", "visit-unknown"]
