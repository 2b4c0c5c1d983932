"""ADAE analysis dates and treatment emergence as admiral's ad_adae.R template derives them: ASTDTM with
highest_imputation "M" and min_dates TRTSDT, AENDTM with date/time imputation "last" and max_dates
DTHDT, EOSDT, then ASTDT/AENDT from the datetimes and TRTEMFL with end_window 30."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.adam.derive import derive_var_trtemfl, derive_vars_dtm, derive_vars_dtm_to_dt
from tests.adam.helpers import NA, assert_frames, frame

SAS0 = pd.Timestamp("1960-01-01")


def sas(day: str) -> float:
    return float((pd.Timestamp(day) - SAS0).days)


def secs(stamp: str) -> float:
    return float((pd.Timestamp(stamp) - SAS0).total_seconds())


TRTSDT, TRTEDT, EOSDT = sas("2014-01-15"), sas("2014-03-01"), sas("2014-03-05")
AE = frame(
    [
        ("01", 1, "2014-01", "2014-03"),  # partial start in the month of first dose; partial end in the EOS month
        ("01", 2, "2013-12-20", "2014-01-20"),  # started before treatment
        ("01", 3, "2014-02", ""),  # partial start after the month of first dose
        ("01", 4, "2014", "2014-02-10T08:30"),  # only the year
        ("01", 5, "", ""),  # unknown start
        ("01", 6, "2014-04-10", ""),  # after TRTEDT + 30
    ],
    ["USUBJID", "AESEQ", "AESTDTC", "AEENDTC"],
).assign(TRTSDT=TRTSDT, TRTEDT=TRTEDT, DTHDT=NA, EOSDT=EOSDT)


def test_partial_ae_start_is_imputed_to_first_dose_when_in_range_and_emergence_follows():
    out = derive_vars_dtm(AE, "AST", dtc="AESTDTC", highest_imputation="M", min_dates=["TRTSDT"])
    out = derive_vars_dtm(
        out, "AEN", dtc="AEENDTC", highest_imputation="M", date_imputation="last", time_imputation="last",
        max_dates=["DTHDT", "EOSDT"],
    )  # fmt: skip
    out = derive_vars_dtm_to_dt(out, ["ASTDTM", "AENDTM"])
    out = derive_var_trtemfl(out, end_window=30)
    got = out[["AESEQ", "ASTDTM", "ASTDTF", "ASTTMF", "ASTDT", "AENDTM", "AENDTF", "AENDT", "TRTEMFL"]]
    expected = frame(
        [
            # "2014-01": first of month 2014-01-01 < TRTSDT 2014-01-15, which lies in January → TRTSDT at
            # 00:00:00 (impute_dtc_dtm: min date in range → pmax); flags from the missing parts: D, H.
            # "2014-03" end: last → 2014-03-31T23:59:59, EOSDT (a date: 23:59:59) in range → 2014-03-05.
            (1, secs("2014-01-15"), "D", "H", TRTSDT, secs("2014-03-05T23:59:59"), "D", EOSDT, "Y"),
            # complete date, time imputed; starts before TRTSDT → TRTEMFL NA (not "during treatment")
            (2, secs("2013-12-20"), "", "H", sas("2013-12-20"), secs("2014-01-20T23:59:59"), "", sas("2014-01-20"), ""),
            # "2014-02": TRTSDT not in February → 2014-02-01; no end → missing
            (3, secs("2014-02-01"), "D", "H", sas("2014-02-01"), NA, "", NA, "Y"),
            # "2014": month imputed (M); TRTSDT lies in 2014 and after 2014-01-01 → TRTSDT
            (4, secs("2014-01-15"), "M", "H", TRTSDT, secs("2014-02-10T08:30:59"), "", sas("2014-02-10"), "Y"),
            # no start: "no event date" → TRTEMFL Y (admiral: more conservative)
            (5, NA, "", "", NA, NA, "", NA, "Y"),
            # 2014-04-10 > TRTEDT + 30 days (2014-03-31) → NA
            (6, secs("2014-04-10"), "", "H", sas("2014-04-10"), NA, "", NA, ""),
        ],
        ["AESEQ", "ASTDTM", "ASTDTF", "ASTTMF", "ASTDT", "AENDTM", "AENDTF", "AENDT", "TRTEMFL"],
    )
    assert_frames(got, expected)


def test_datetime_imputation_levels_below_the_hour():
    from sdtm_convert.adam.derive import compute_dtm

    dtc = pd.Series(["2014-01-15", "2014-01-15T10", "2014-01-15T10:30", "2014-01-15T10:30:05", "2014-01"])
    # impute_dtc_dtm highest_imputation: "h" imputes hour, minute, second; "m" minute and second (the
    # hour must be there); "s" only seconds; "n" nothing; a partial date needs "D"/"M"
    got = {lvl: compute_dtm(dtc, highest_imputation=lvl)[0].notna().tolist() for lvl in ("h", "m", "s", "n", "M")}
    assert got == {
        "h": [True, True, True, True, False],
        "m": [False, True, True, True, False],
        "s": [False, False, True, True, False],
        "n": [False, False, False, True, False],
        "M": [True, True, True, True, True],
    }
