"""Subject-level helpers: merged summaries, categories, flags, end-of-study status."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.adam.derive import compute_eosstt, derive_var_flag, derive_var_merged_summary, derive_vars_cat
from tests.adam.helpers import NA, assert_frames, frame


def test_merged_summary_count_and_max():
    adsl = frame([("S1",), ("S2",)], ["USUBJID"])
    ex = frame([("S1", 2.0), ("S1", 0.0), ("S1", 2.0)], ["USUBJID", "EXDOSE"])
    out = derive_var_merged_summary(
        adsl, ["USUBJID"], "NINFUS", {"var": "EXDOSE", "op": "gt", "value": 0}, dataset_add=ex
    )
    assert_frames(out, frame([("S1", 2), ("S2", 0)], ["USUBJID", "NINFUS"]))
    mx = derive_var_merged_summary(adsl, ["USUBJID"], "MAXD", dataset_add=ex, analysis_var="EXDOSE", summary_fun="max")
    assert_frames(mx, frame([("S1", 2.0), ("S2", NA)], ["USUBJID", "MAXD"]))


def test_age_groups():
    groups = [{"label": "18-40", "min": 18, "max": 40}, {"label": "41-65", "min": 41, "max": 65}]
    src = frame([(18,), (40,), (41,), (65,), (70,), (NA,)], ["AGE"])
    out = derive_vars_cat(src, "AGEGR1", source_var="AGE", groups=groups, numeric_var="AGEGR1N")
    exp = frame(
        [(18, "18-40", 1), (40, "18-40", 1), (41, "41-65", 2), (65, "41-65", 2), (70, "", NA), (NA, "", NA)],
        ["AGE", "AGEGR1", "AGEGR1N"],
    )
    assert_frames(out, exp)


def test_flag_yes_no():
    out = derive_var_flag(frame([(1,), (0,)], ["N"]), "SAFFL", {"var": "N", "op": "ge", "value": 1})
    assert out["SAFFL"].tolist() == ["Y", "N"]


def test_eosstt():
    d = pd.Series(["COMPLETED", "ADVERSE EVENT", "", "SCREEN FAILURE", "WITHDRAWAL BY SUBJECT", None])
    assert compute_eosstt(d).tolist() == ["COMPLETED", "DISCONTINUED", "ONGOING", "", "DISCONTINUED", "ONGOING"]
