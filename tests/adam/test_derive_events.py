"""Extreme events over several sources: death flag/date, cause of death, last known alive date.

The expected values follow admiral's documented rules (derive_vars_extreme_event: events restricted
by condition, stacked with their event number, first/last per subject by ``order``; ad_adsl.R for
DTHCAUS and LSTALVDT), on literal frames.
"""

from __future__ import annotations

import pandas as pd
import pytest

from sdtm_convert.adam.derive import derive_var_extreme_dt, derive_vars_extreme_event
from sdtm_convert.errors import SdtmConvertError
from tests.adam.helpers import NA, assert_frames, frame

SAS0 = pd.Timestamp("1960-01-01")


def sas(day: str) -> float:
    return float((pd.Timestamp(day) - SAS0).days)


ADSL = frame([("P", "01"), ("P", "02"), ("P", "03")], ["STUDYID", "USUBJID"])
AE = frame(
    [
        ("P", "01", 1.0, "MYOCARDIAL INFARCTION", "FATAL", "2014-03-02", "2014-03-08", "AE"),
        ("P", "01", 2.0, "HEADACHE", "RECOVERED/RESOLVED", "2014-01-05", "2014-01-06", "AE"),
        ("P", "02", 1.0, "COUGH", "NOT RECOVERED/NOT RESOLVED", "2013-11", "", "AE"),
    ],
    ["STUDYID", "USUBJID", "AESEQ", "AEDECOD", "AEOUT", "AESTDTC", "AEENDTC", "DOMAIN"],
)
DS = frame(
    [
        ("P", "01", 3.0, "DEATH", "DEATH DUE TO HEART FAILURE", "2014-03-10", "DS"),
        ("P", "02", 3.0, "COMPLETED", "PROTOCOL COMPLETED", "2014-02-01", "DS"),
    ],
    ["STUDYID", "USUBJID", "DSSEQ", "DSDECOD", "DSTERM", "DSSTDTC", "DS"],
).rename(columns={"DS": "DOMAIN"})
KEYS = ["STUDYID", "USUBJID"]

DEATH_EVENTS = [
    {
        "dataset_name": "ds",
        "condition": {"var": "DSDECOD", "op": "eq", "value": "DEATH"},
        "set_values_to": {"DTHDT": {"dtc": "DSSTDTC", "highest_imputation": "M"}, "DTHFL": "Y"},
    },
    {
        "dataset_name": "ae",
        "condition": {"var": "AEOUT", "op": "eq", "value": "FATAL"},
        "set_values_to": {"DTHDT": {"dtc": "AEENDTC", "highest_imputation": "M"}, "DTHFL": "Y"},
    },
]


def test_death_date_is_the_earliest_of_the_ds_death_and_the_fatal_ae():
    out = derive_vars_extreme_event(
        ADSL, KEYS, ["DTHDT", "EVENT_NR"], ["DTHFL", "DTHDT"],
        events=DEATH_EVENTS, source_datasets={"ae": AE, "ds": DS}, mode="first",
    )  # fmt: skip
    # subject 01: DS death 2014-03-10 and fatal AE ending 2014-03-08; mode "first" by DTHDT keeps the
    # earlier (admiral: "the first or last observation (order, mode) is selected" per by group).
    # 02 and 03 have no death event: merged as missing (admiral: NA; text "" here).
    expected = frame(
        [("P", "01", "Y", sas("2014-03-08")), ("P", "02", "", NA), ("P", "03", "", NA)],
        ["STUDYID", "USUBJID", "DTHFL", "DTHDT"],
    )
    assert_frames(out, expected)


def test_cause_of_death_prefers_the_first_event_by_event_number():
    events = [
        {
            "dataset_name": "ae",
            "condition": {"var": "AEOUT", "op": "eq", "value": "FATAL"},
            "set_values_to": {"DTHCAUS": {"var": "AEDECOD"}, "DTHDOM": {"var": "DOMAIN"}},
        },
        {
            "dataset_name": "ds",
            "condition": {"var": "DSDECOD", "op": "eq", "value": "DEATH"},
            "set_values_to": {"DTHCAUS": {"var": "DSTERM"}, "DTHDOM": {"var": "DOMAIN"}},
        },
    ]
    out = derive_vars_extreme_event(
        ADSL, KEYS, ["event_nr"], ["DTHCAUS", "DTHDOM"],
        events=events, source_datasets={"ae": AE, "ds": DS}, mode="first", tmp_event_nr_var="event_nr",
    )  # fmt: skip
    # ad_adsl.R: order = exprs(event_nr), mode = "first": the AE event (number 1) wins over DS (2)
    assert out["DTHCAUS"].tolist() == ["MYOCARDIAL INFARCTION", "", ""]
    assert out["DTHDOM"].tolist() == ["AE", "", ""]
    assert "event_nr" not in out.columns


def test_event_order_keeps_one_record_per_subject_before_stacking():
    events = [
        {
            "dataset_name": "ae",
            "order": ["AESTDTC", "AESEQ"],
            "mode": "last",
            "set_values_to": {"LASTAE": {"var": "AEDECOD"}, "SEQ": {"var": "AESEQ"}},
        }
    ]
    out = derive_vars_extreme_event(
        ADSL, KEYS, ["SEQ"], {"LASTAETERM": "LASTAE"}, events=events, source_datasets={"ae": AE}, mode="first"
    )
    # per event: last by AESTDTC ("2014-03-02" > "2014-01-05" for 01), then the overall first
    assert out["LASTAETERM"].tolist() == ["MYOCARDIAL INFARCTION", "COUGH", ""]


def test_last_known_alive_date_is_the_latest_date_of_all_sources():
    adsl = ADSL.assign(TRTEDT=[sas("2014-02-20"), sas("2014-01-31"), NA])
    sources = [
        {"dataset_name": "ae", "date": {"dtc": "AESTDTC", "highest_imputation": "M"}},
        {"dataset_name": "ae", "date": {"dtc": "AEENDTC", "highest_imputation": "M"}},
        {"dataset_name": "adsl", "date": "TRTEDT"},
    ]
    out = derive_var_extreme_dt(adsl, "LSTALVDT", sources=sources, source_datasets={"ae": AE, "adsl": adsl}, mode="last")
    # 01: AE end 2014-03-08 is the latest; 02: TRTEDT 2014-01-31 beats the AE start "2013-11"
    # (imputed to 2013-11-01, admiral convert_dtc_to_dt(highest_imputation = "M")) and the empty
    # AE end (dropped: "observations where date is NA are removed"); 03: no date at all → missing.
    assert out["LSTALVDT"].tolist()[:2] == [sas("2014-03-08"), sas("2014-01-31")]
    assert pd.isna(out["LSTALVDT"].iloc[2])


def test_unknown_event_source_is_a_clear_error():
    with pytest.raises(SdtmConvertError, match="no source dataset named 'lb'"):
        derive_vars_extreme_event(
            ADSL, KEYS, ["X"], ["X"], events=[{"dataset_name": "lb", "set_values_to": {"X": 1}}],
            source_datasets={"ae": AE}, mode="first",
        )  # fmt: skip


def test_an_order_variable_set_by_only_some_events_is_missing_in_the_others():
    adsl = ADSL.assign(TRTEDT=[sas("2014-03-08"), NA, NA])
    events = [
        {
            "dataset_name": "ae",
            "condition": {"var": "AEENDTC", "op": "present"},
            "set_values_to": {"LSTALVDT": {"dtc": "AEENDTC"}, "seq": {"var": "AESEQ"}},
        },
        {"dataset_name": "adsl", "condition": {"var": "TRTEDT", "op": "present"}, "set_values_to": {"LSTALVDT": {"var": "TRTEDT"}}},
    ]
    out = derive_vars_extreme_event(
        adsl, KEYS, ["LSTALVDT", "seq", "event_nr"], {"LSTALVDT": "LSTALVDT", "LALVSRC": "event_nr"},
        events=events, source_datasets={"ae": AE, "adsl": adsl}, mode="last", tmp_event_nr_var="event_nr",
    )  # fmt: skip
    # ad_adsl.R LSTALVDT order (LSTALVDT, seq, event_nr), mode "last": subject 01 has the AE end and
    # TRTEDT on 2014-03-08; the ADSL event has no seq (NA) and NA sorts last (dplyr), so it is chosen
    assert out["LSTALVDT"].tolist()[0] == sas("2014-03-08")
    assert out["LALVSRC"].tolist()[0] == 2.0
    nobody = derive_vars_extreme_event(
        adsl, KEYS, ["LSTALVDT", "NOT_SET"], ["LSTALVDT"], events=events, source_datasets={"ae": AE, "adsl": adsl}, mode="last"
    )
    assert nobody["LSTALVDT"].tolist()[0] == sas("2014-03-08")
