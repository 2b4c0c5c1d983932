"""Each pre-write check: a frame that breaks it (code asserted) and the fixed frame that passes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from xpt_helpers import meta_for

from sdtm_convert.xpt import ascii_fold, check_frame
from sdtm_convert.xpt.checks import MAX_CELL_ISSUES


def codes(df, meta=None):
    return [i.code for i in check_frame(df, meta or meta_for(df))]


GOOD = pd.DataFrame({"USUBJID": ["S-1", "S-2"], "AESEQ": [1.0, 2.0]})


def test_a_clean_frame_has_no_issues():
    assert codes(GOOD) == []


@pytest.mark.parametrize("name", ["ADVERSEVT", "1AE", "AE_X", "ae", ""])
def test_dataset_name_must_be_short_upper_letters_and_digits(name):
    assert "xpt-name-invalid" in codes(GOOD, meta_for(GOOD, name))
    assert codes(GOOD, meta_for(GOOD, "SUPPAE2")) == []


@pytest.mark.parametrize("name", ["usubjid", "TOOLONGNM", "_AESEQ", "AE-SEQ", "9AE"])
def test_variable_name_must_be_upper_and_at_most_8(name):
    df = GOOD.rename(columns={"USUBJID": name})
    assert "xpt-name-invalid" in codes(df)
    assert codes(GOOD.rename(columns={"USUBJID": "AE_TERM1"})) == []


def test_labels_must_be_present_short_and_ascii():
    meta = meta_for(GOOD)
    meta.variables[0].label = "x" * 41
    meta.variables[1].label = ""
    meta.label = "Événements indésirables"
    assert sorted(codes(GOOD, meta)) == ["xpt-label-missing", "xpt-label-too-long", "xpt-non-ascii"]
    meta.variables[0].label, meta.variables[1].label, meta.label = "x" * 40, "Sequence Number", "Adverse Events"
    assert codes(GOOD, meta) == []


def test_unbalanced_label_is_a_warning():
    meta = meta_for(GOOD)
    meta.variables[0].label = "Subject (unique"
    issues = check_frame(GOOD, meta)
    assert [(i.code, i.severity) for i in issues] == [("xpt-label-unbalanced", "warning")]


def test_non_ascii_value_names_dataset_variable_row_and_value():
    df = pd.DataFrame({"AETERM": ["HEADACHE", "Kopfschmerz – stark"], "AESEQ": [1.0, 2.0]})
    (issue,) = check_frame(df, meta_for(df, "AE"))
    assert (issue.code, issue.dataset, issue.variable, issue.row, issue.value) == (
        "xpt-non-ascii", "AE", "AETERM", 2, "Kopfschmerz – stark"
    )  # fmt: skip
    assert codes(df.assign(AETERM=["HEADACHE", "Kopfschmerz - stark"])) == []


def test_cell_issues_carry_provenance_when_the_frame_has_it():
    df = pd.DataFrame(
        {"USUBJID": ["S-1", "S-2"], "AETERM": ["ok", "naïve"], "__src_file": ["ae.csv"] * 2, "__src_row": [7, 9]}
    )
    (issue,) = check_frame(df, meta_for(df, "AE"))
    assert (issue.file, issue.row, issue.usubjid, issue.extra["record"]) == ("ae.csv", 9, "S-2", 2)


def test_value_longer_than_200_bytes():
    df = pd.DataFrame({"COVAL": ["x" * 201], "N": [1.0]})
    assert codes(df) == ["xpt-value-too-long"]
    assert codes(pd.DataFrame({"COVAL": ["x" * 200], "N": [1.0]})) == []


def test_issues_per_variable_are_capped_with_a_count():
    df = pd.DataFrame({"COVAL": ["é"] * (MAX_CELL_ISSUES + 5), "N": 1.0})
    issues = check_frame(df, meta_for(df))
    assert len(issues) == MAX_CELL_ISSUES + 1
    assert issues[-1].extra["count"] == 5


@pytest.mark.parametrize("bad", [np.inf, -np.inf, 1e75, -(2.0**249), 7.2e75])
def test_numbers_outside_the_faithful_range_are_errors(bad):
    df = pd.DataFrame({"N": [1.0, bad, np.nan]})
    assert codes(df) == ["xpt-number-out-of-range"]
    assert codes(pd.DataFrame({"N": [1.0, np.nextafter(2.0**249, 0), np.nan]})) == []


def test_integers_beyond_2_53_are_errors():
    assert codes(pd.DataFrame({"N": np.array([2**53 + 1], dtype=np.int64)})) == ["xpt-number-out-of-range"]
    assert codes(pd.DataFrame({"N": np.array([2**53], dtype=np.int64)})) == []


def test_underflow_is_a_warning():
    issues = check_frame(df := pd.DataFrame({"N": [1e-300]}), meta_for(df))
    assert [(i.code, i.severity) for i in issues] == [("xpt-number-underflow", "warning")]


def test_num_variable_needs_a_numeric_dtype_and_char_needs_text():
    df = pd.DataFrame({"N": ["1", "2"], "C": [1, 2]})
    meta = meta_for(pd.DataFrame({"N": [1.0], "C": ["x"]}))
    assert codes(df, meta) == ["xpt-type-mismatch", "xpt-type-mismatch"]
    assert codes(pd.DataFrame({"N": [True, False], "C": ["a", "b"]}), meta) == ["xpt-type-mismatch"]
    assert codes(pd.DataFrame({"N": [1, 2], "C": ["a", None]}), meta) == []


def test_columns_must_equal_the_metadata_variables():
    meta = meta_for(GOOD)
    assert codes(GOOD.drop(columns="AESEQ"), meta) == ["xpt-column-mismatch"]
    assert codes(GOOD.assign(EXTRA="x"), meta) == ["xpt-column-mismatch"]
    assert codes(GOOD.assign(__src_row=1), meta) == []  # provenance is not data


def test_display_format_must_fit_the_v5_namestr():
    meta = meta_for(GOOD, formats={"AESEQ": "VERYLONGNAME8."})
    assert codes(GOOD, meta) == ["xpt-format-invalid"]
    meta = meta_for(GOOD, formats={"AESEQ": "$CHAR8."})  # character format on a Num variable
    assert codes(GOOD, meta) == ["xpt-format-invalid"]
    assert codes(GOOD, meta_for(GOOD, formats={"AESEQ": "DATE9.", "USUBJID": "$CHAR20."})) == []
    assert codes(GOOD, meta_for(GOOD, formats={"AESEQ": "8.2"})) == []


def test_trailing_blanks_are_a_warning():
    df = pd.DataFrame({"C": ["a  ", "b"], "N": [1.0, 2.0]})
    assert [(i.code, i.severity) for i in check_frame(df, meta_for(df))] == [("xpt-trailing-blanks", "warning")]


def test_all_blank_last_record_of_a_character_only_dataset():
    df = pd.DataFrame({"A": ["x", ""], "B": ["y", " "]})
    assert codes(df) == ["xpt-blank-last-record"]
    assert codes(df.iloc[::-1].reset_index(drop=True)) == []
    assert codes(df.assign(N=[1.0, np.nan])) == []  # a numeric missing value is not blank


def test_ascii_fold_transliterates_and_marks_changes():
    s = pd.Series(["Alzheimer’s", "naïve – café", "plain", "中文", None], dtype=object)
    folded, changed = ascii_fold(s)
    assert folded.tolist()[:4] == ["Alzheimer's", "naive - cafe", "plain", "??"]
    assert changed.tolist() == [True, True, False, True, False]


def test_a_non_ascii_value_names_the_xpt_file_column_record_and_value_when_the_writer_names_the_file():
    df = pd.DataFrame({"AETERM": ["HEADACHE", "Kopfschmerz – stark"], "AESEQ": [1.0, 2.0]})
    (issue,) = check_frame(df, meta_for(df, "AE"), "ae.xpt")
    assert (issue.code, issue.file, issue.column, issue.row, issue.extra["record"], issue.value) == (
        "xpt-non-ascii", "ae.xpt", "AETERM", 2, 2, "Kopfschmerz – stark")
    assert issue.one_line() == ("error: [xpt-non-ascii] ae.xpt, record 2, column AETERM: value is not ASCII "
                                "(value 'Kopfschmerz – stark')")
