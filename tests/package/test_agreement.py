"""Per-variable agreement of our datasets with a reference: key matching, the value rules (text, missing,
numbers, SAS dates against ISO text), the figures, and ``sdtm-convert diff --agreement`` on two folders."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.cli import main
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.package.agreement import AgreementReport, parse_keys, render_text, variable_agreement
from sdtm_convert.xpt import write_xpt

# SAS day numbers: 2014-01-02 is day 19725 (1960-01-01 is day 0)
JAN2 = 19725.0


def frame(columns: dict, temporal: dict | None = None) -> pd.DataFrame:
    df = pd.DataFrame(columns)
    df.attrs["temporal"] = temporal or {}
    return df


def test_sas_dates_agree_with_iso_dates_and_midnight_datetimes_as_text():
    ref = frame({"USUBJID": ["1", "2", "3", "4"],
                 "TRTSDT": ["2014-01-02", "2014-01-03T00:00:00Z", "", "2014-01-05"]})
    ours = frame({"USUBJID": ["1", "2", "3", "4"], "TRTSDT": [JAN2, JAN2 + 1, np.nan, JAN2 + 4]},
                 {"TRTSDT": "date"})
    v = variable_agreement("ADSL", ref, ours, ["USUBJID"]).variables["TRTSDT"]
    assert (v.agree, v.compared) == (3, 4)
    assert [(e.key, e.reference, e.ours) for e in v.examples] == [({"USUBJID": "4"}, "2014-01-05", "2014-01-06")]


def test_two_sas_dates_compare_as_numbers_and_are_shown_as_dates():
    ref = frame({"K": [1, 2], "TRTEDT": [JAN2, JAN2]}, {"TRTEDT": "date"})
    ours = frame({"K": [1, 2], "TRTEDT": [JAN2, JAN2 + 7]}, {"TRTEDT": "date"})
    v = variable_agreement("ADSL", ref, ours, ["K"]).variables["TRTEDT"]
    assert v.agree == 1 and (v.examples[0].reference, v.examples[0].ours) == ("2014-01-02", "2014-01-09")


def test_dates_and_datetimes_are_recognised_without_file_metadata():
    """Days below a million are dates; larger numbers are datetimes in seconds, compared to the second."""
    jan2_0830 = JAN2 * 86400 + 8 * 3600 + 30 * 60
    ref = frame({"K": [1, 2, 3, 4, 5], "ADT": ["2014-01-02", "2014-01-02", "2014-01-02", "2014-01-02", ""],
                 "ADTM": ["2014-01-02T08:30:00", "2014-01-02T08:30:00Z", "2014-01-02T08:31:00", "2014-01-02",
                          "2014-01-02 08:30:00"]})  # R's write.csv writes a datetime with a blank
    ours = frame({"K": [1, 2, 3, 4, 5], "ADT": [JAN2, JAN2, JAN2 - 1, JAN2, np.nan],
                  "ADTM": [jan2_0830] * 5})
    a = variable_agreement("ADX", ref, ours, ["K"])
    assert (a.variables["ADT"].agree, a.variables["ADTM"].agree) == (4, 4)
    assert a.variables["ADTM"].examples[0].ours == "2014-01-02T08:30:00"  # shown as ISO, not 1704184200.0
    assert a.variables["ADTM"].examples[0].reference == "2014-01-02T08:31:00"


def test_pandas_datetimes_compare_with_iso_text_and_sas_numbers():
    ref = frame({"K": [1, 2], "ADT": ["2014-01-02", "2014-01-09"], "ADT2": [JAN2, JAN2]}, {"ADT2": "date"})
    ours = frame({"K": [1, 2], "ADT": pd.to_datetime(["2014-01-02", "2014-01-03"]),
                  "ADT2": pd.to_datetime(["2014-01-02", "2014-01-02"])})
    a = variable_agreement("ADX", ref, ours, ["K"])
    assert (a.variables["ADT"].agree, a.variables["ADT2"].agree) == (1, 2)


def test_text_agrees_after_trailing_blanks_and_missing_agrees_only_with_missing():
    ref = frame({"K": [1, 2, 3, 4, 5, 6], "SEX": ["F  ", " F", "", None, np.nan, "M"]})
    ours = frame({"K": [1, 2, 3, 4, 5, 6], "SEX": ["F", "F", None, "", "", ""]})
    v = variable_agreement("DM", ref, ours, ["K"]).variables["SEX"]
    assert (v.agree, v.compared) == (4, 6)
    assert [(e.reference, e.ours) for e in v.examples] == [(" F", "F"), ("M", "")]


def test_numbers_agree_within_a_relative_tolerance_of_1e_9():
    ref = frame({"K": [1, 2, 3, 4, 5], "AVAL": [63.0, 63.0, np.nan, np.nan, 1e12]})
    ours = frame({"K": [1, 2, 3, 4, 5], "AVAL": [63.0 * (1 + 1e-10), 63.0001, np.nan, 0.0, 1e12 + 1]})
    v = variable_agreement("ADVS", ref, ours, ["K"]).variables["AVAL"]
    assert (v.agree, v.compared) == (3, 5)
    assert [(e.reference, e.ours) for e in v.examples] == [(63, 63.0001), (None, 0)]


def test_numbers_agree_with_text_holding_the_same_number():
    ref = frame({"K": ["a", "b", "c", "d"], "SITEID": [701, 701, 702, np.nan]})
    ours = frame({"K": ["a", "b", "c", "d"], "SITEID": ["701", "701.0", "0702x", ""]})
    v = variable_agreement("DM", ref, ours, ["K"]).variables["SITEID"]
    assert (v.agree, v.compared) == (3, 4)


def test_records_match_on_keys_of_either_type_and_repeated_keys_pair_best_first():
    ref = frame({"USUBJID": ["1", "1", "2", "3"], "ASTDT": ["2014-01-02", "2014-01-02", "2014-01-03", "2014-01-04"],
                 "AESEV": ["MILD", "SEVERE", "MILD", "MILD"]})
    ours = frame({"USUBJID": ["2", "1", "1", "9"], "ASTDT": [JAN2 + 1, JAN2, JAN2, JAN2],
                  "AESEV": ["MILD", "MILD", "MODERATE", "MILD"]}, {"ASTDT": "date"})
    a = variable_agreement("ADAE", ref, ours, ["USUBJID", "ASTDT"])
    assert (a.reference_records, a.our_records, a.matched) == (4, 4, 3)
    assert (a.unmatched_reference, a.unmatched_ours, a.duplicate_keys) == (1, 1, 1)
    assert a.unmatched_reference_keys == [{"USUBJID": "3", "ASTDT": "2014-01-04"}]
    assert a.unmatched_ours_keys == [{"USUBJID": "9", "ASTDT": JAN2}]
    assert list(a.variables) == ["AESEV"]  # keys are not compared
    assert a.variables["AESEV"].agree == 2  # second "1" record: SEVERE against MODERATE
    assert a.variables["AESEV"].examples[0].key == {"USUBJID": "1", "ASTDT": "2014-01-02"}


def test_repeated_keys_pair_the_records_that_agree_most_whatever_their_order():
    # two AEs of one subject on one day, sorted differently on each side (AESEQ numbered differently)
    ref = frame({"USUBJID": ["1", "1", "1"], "ASTDT": ["2014-01-02"] * 3, "AESEQ": [1, 2, 3],
                 "AETERM": ["RASH", "COUGH", "FEVER"], "AESEV": ["MILD", "SEVERE", "MILD"]})
    ours = frame({"USUBJID": ["1", "1"], "ASTDT": ["2014-01-02"] * 2, "AESEQ": [1, 2],
                  "AETERM": ["COUGH", "RASH"], "AESEV": ["SEVERE", "MODERATE"]})
    a = variable_agreement("ADAE", ref, ours, ["USUBJID", "ASTDT"])
    assert (a.matched, a.unmatched_reference, a.unmatched_ours) == (2, 1, 0)
    assert a.variables["AETERM"].agree == 2  # COUGH with COUGH, RASH with RASH: not first with first
    assert (a.variables["AESEV"].agree, a.variables["AESEQ"].agree) == (1, 0)
    assert a.unmatched_reference_keys == [{"USUBJID": "1", "ASTDT": "2014-01-02"}]


def test_ties_between_equally_good_partners_pair_in_file_order():
    ref = frame({"K": [1, 1], "X": ["a", "b"]})
    ours = frame({"K": [1, 1], "X": ["c", "d"]})
    a = variable_agreement("ADX", ref, ours, ["K"])
    assert [(e.reference, e.ours) for e in a.variables["X"].examples] == [("a", "c"), ("b", "d")]


def test_examples_stop_at_five_and_variables_on_one_side_are_listed():
    ref = frame({"K": list(range(8)), "X": ["a"] * 8, "DTHFL": ["Y"] * 8})
    ours = frame({"K": list(range(8)), "X": ["b"] * 8, "EXTRA": [1] * 8})
    a = variable_agreement("ADSL", ref, ours, ["K"])
    assert (a.variables["X"].agree, len(a.variables["X"].examples)) == (0, 5)
    assert (a.only_reference, a.only_ours) == (["DTHFL"], ["EXTRA"])


def test_mean_over_variables_and_over_values_and_worst_first():
    ref = frame({"K": [1, 2, 3, 4], "A": [1, 2, 3, 4], "B": [1, 2, 3, 4], "C": ["x", "x", "x", "x"]})
    ours = frame({"K": [1, 2, 3, 4], "A": [1, 2, 3, 4], "B": [1, 2, 0, 0], "C": ["x", "x", "x", "y"]})
    a = variable_agreement("ADX", ref, ours, ["K"])
    assert [n for n, _ in a.worst_first()] == ["B", "C", "A"]
    assert (a.mean_pct, a.value_pct) == pytest.approx((75.0, 9 / 12 * 100))
    other = variable_agreement("ADY", frame({"K": [1], "A": [1]}), frame({"K": [1], "A": [1]}), ["K"])
    report = AgreementReport("ref", "ours", [a, other], [], [])
    assert (report.mean_pct, report.value_pct) == pytest.approx(((100 + 50 + 75 + 100) / 4, 10 / 13 * 100))
    assert report.passes(76.0) and not report.passes(77.0)
    text = render_text(report)
    assert "  B   50.0%  (2/4)  e.g. K=3: 3 ≠ 0; K=4: 4 ≠ 0" in text
    assert "overall: 81.2% mean over 4 variables, 76.9% of 13 values; 0 records unmatched" in text


def test_almost_all_is_never_shown_as_100():
    ref = frame({"K": list(range(10_000)), "A": [1] * 10_000})
    ours = frame({"K": list(range(10_000)), "A": [1] * 9_999 + [2]})
    report = AgreementReport("r", "o", [variable_agreement("X", ref, ours, ["K"])], [], [])
    assert "99.9% of 10,000 values" in render_text(report)


def test_a_key_missing_on_one_side_is_one_error_naming_it():
    with pytest.raises(SdtmConvertError) as e:
        variable_agreement("ADAE", frame({"USUBJID": ["1"]}), frame({"USUBJID": ["1"], "AETERM": ["X"]}),
                           ["USUBJID", "AETERM"])
    assert e.value.issue.code == "diff-keys-unknown"
    assert e.value.issue.message == "ADAE: key variable not in the data: AETERM (reference)"


def test_keys_option_text():
    assert parse_keys(["ADSL=USUBJID", "adae=usubjid, AETERM"]) == {"ADSL": ["USUBJID"],
                                                                    "ADAE": ["USUBJID", "AETERM"]}
    with pytest.raises(SdtmConvertError) as e:
        parse_keys(["ADSL"])
    assert e.value.issue.code == "diff-keys-invalid"


# -- the command, on a folder of CSV (the reference) and a folder of XPT (ours) -------------------------------


def _folders(tmp_path):
    ref, ours = tmp_path / "ref", tmp_path / "ours"
    ref.mkdir()
    ours.mkdir()
    (ref / "adsl.csv").write_text('"STUDYID","USUBJID","SITEID","AGE","TRTSDT","SEX"\n'
                                  '"S","01-001","01",63,"2014-01-02T00:00:00Z","F"\n'
                                  '"S","01-002","01",NA,"2014-01-03","M"\n'
                                  '"S","01-003","02",70,NA,"F"\n', encoding="utf-8")
    meta = DatasetMeta("ADSL", "Subject-Level Analysis Dataset", "SUBJECT LEVEL ANALYSIS DATASET", "x", ["USUBJID"], [
        VariableMeta("STUDYID", "Study Identifier", "Char", 1),
        VariableMeta("USUBJID", "Unique Subject Identifier", "Char", 6),
        VariableMeta("SITEID", "Study Site Identifier", "Char", 2),
        VariableMeta("AGE", "Age", "Num", 8),
        VariableMeta("TRTSDT", "Date of First Exposure to Treatment", "Num", 8, display_format="DATE9."),
        VariableMeta("SEX", "Sex", "Char", 1),
    ])
    df = pd.DataFrame({"STUDYID": ["S"] * 3, "USUBJID": ["01-001", "01-002", "01-003"], "SITEID": ["01", "01", "02"],
                       "AGE": [63.0, np.nan, 71.0], "TRTSDT": [JAN2, JAN2 + 1, np.nan], "SEX": ["F", "M", "F"]})
    assert not [i for i in write_xpt(df, ours / "adsl.xpt", meta, created=datetime(2026, 1, 1))
                if i.severity == "error"]
    (ours / "manifest.json").write_text('{"files": []}')  # not a dataset
    return ref, ours


def test_diff_agreement_on_a_csv_folder_and_an_xpt_folder(tmp_path, capsys):
    ref, ours = _folders(tmp_path)
    out = tmp_path / "agreement.json"
    code = main(["diff", str(ref), str(ours), "--agreement", "--keys", "ADSL=USUBJID", "--report-json", str(out)])
    text = capsys.readouterr().out
    assert code == 1
    assert ("ADSL: 3 records matched on USUBJID (0 of 3 reference records unmatched, 0 of 3 ours); 5 variables: "
            "93.3% mean, 93.3% of 15 values") in text
    assert text.index("  AGE ") < text.index("  SEX ")  # worst first
    assert "  AGE       66.7%  (2/3)  e.g. USUBJID=01-003: 70 ≠ 71" in text
    doc = json.loads(out.read_text())
    adsl = doc["datasets"][0]
    assert {n: (v["agree"], v["compared"]) for n, v in adsl["variables"].items()} == {
        "STUDYID": (3, 3), "SITEID": (3, 3), "AGE": (2, 3), "TRTSDT": (3, 3), "SEX": (3, 3)}
    assert doc["value_pct"] == pytest.approx(14 / 15 * 100)
    assert main(["diff", str(ref), str(ours), "--agreement", "--min-agreement", "90", "--quiet"]) == 0


def test_diff_agreement_usage_errors_exit_2(tmp_path, capsys):
    ref, ours = _folders(tmp_path)
    assert main(["diff", str(ref), str(ours), "--keys", "ADSL=USUBJID"]) == 2
    assert main(["diff", str(ref), str(ours), "--agreement", "--keys", "ADAE=USUBJID"]) == 2
    err = capsys.readouterr().err
    assert "--keys and --min-agreement go with --agreement" in err
    assert "--keys names ADAE, not a dataset both sides hold (both hold: ADSL)" in err
