"""baseline_flags alone on literal frames."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from sdtm_convert.derive import get

DM = pd.DataFrame({"USUBJID": ["S1-01", "S1-02", "S1-03"], "RFXSTDTC": ["2022-03-10T09:30", "2022-03-01", ""]})


def test_last_result_on_or_before_first_exposure(make_ctx):
    qs = pd.DataFrame(
        {
            "USUBJID": ["S1-01"] * 6 + ["S1-02", "S1-02", "S1-03"],
            "QSCAT": ["PASI"] * 5 + ["DLQI"] + ["PASI"] * 3,
            "QSTESTCD": ["PASI01", "PASI01", "PASI01", "PASI01", "PASI02", "PASI01", "PASI01", "PASI01", "PASI01"],
            "QSORRES": ["1", "2", "", "3", "1", "7", "1", "2", "5"],
            "QSSTRESC": ["1", "2", "", "3", "1", "7", "1", "2", "5"],
            "QSDTC": [
                "2022-02-25",
                "2022-03-10",  # same day as the infusion, no time: on or before
                "2022-03-10T08:00",  # later but no result
                "2022-03-10T10:00",  # after the infusion time
                "2022-03",  # partial, same month: on or before at month precision
                "2022-01-01",  # other category
                "2022-03-01",  # S1-02 on RFXSTDTC (date only)
                "2022-03-02",
                "2022-02-01",  # never exposed
            ],
            "__src_file": ["qs.csv"] * 9,
            "__src_row": list(range(1, 10)),
        }
    )
    out, issues = get("baseline_flags")(qs, make_ctx("QS", DM=DM), blfl=True)
    flags = ["", "Y", "", "", "Y", "Y", "Y", "", ""]
    pdt.assert_frame_equal(out, qs.assign(QSLOBXFL=flags, QSBLFL=flags))
    assert issues == []


def test_named_result_and_by_without_blfl(make_ctx):
    vs = pd.DataFrame(
        {
            "USUBJID": ["S1-02", "S1-02"],
            "VSTESTCD": ["SYSBP", "SYSBP"],
            "VSORRES": ["120", ""],
            "VSSTRESN": [120.0, float("nan")],
            "VSDTC": ["2022-02-01", "2022-02-02"],
        }
    )
    out, issues = get("baseline_flags")(vs, make_ctx("VS", DM=DM), result=["VSORRES"])
    pdt.assert_frame_equal(out, vs.assign(VSLOBXFL=["Y", ""]))
    _, issues = get("baseline_flags")(vs, make_ctx("VS"))
    assert [i.code for i in issues] == ["derive-domain-missing"]
