"""suppqual and split_long_text alone on literal frames (SUPP frames come back in Derived.datasets)."""

from __future__ import annotations

import pandas as pd
import pandas.testing as pdt

from sdtm_convert.derive import get
from sdtm_convert.derive.supp import split_qnam, split_text

LABEL = "Reported Term for the Adverse Event"


def _supp(rows: list[tuple], prov: list[tuple]) -> pd.DataFrame:
    cols = ["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG", "QEVAL"]
    df = pd.DataFrame(rows, columns=cols)
    df["__src_file"] = [f for f, _ in prov]
    df["__src_row"] = [r for _, r in prov]
    return df


def test_suppqual_moves_columns_and_appends(make_ctx):
    ae = pd.DataFrame(
        {
            "STUDYID": ["S1", "S1", "S1"],
            "USUBJID": ["S1-01", "S1-01", "S1-02"],
            "AESEQ": [1.0, 2.0, 1.0],
            "AETRTEM": ["Y", "", "N"],
            "AEOTHER": ["", " x ", ""],
            "__src_file": ["ae.csv"] * 3,
            "__src_row": [1, 2, 3],
        }
    )
    ctx = make_ctx("AE")
    quals = [
        {
            "qnam": "AETRTEM",
            "qlabel": "Treatment Emergent Flag",
            "column": "AETRTEM",
            "qorig": "Derived",
            "qeval": "SPONSOR",
        },
        {"qnam": "AEOTHER", "qlabel": "Other", "column": "AEOTHER"},
    ]
    result = get("suppqual")(ae, ctx, qualifiers=quals)
    out, issues = result
    pdt.assert_frame_equal(out, ae.drop(columns=["AETRTEM", "AEOTHER"]))
    expected = _supp(
        [
            ("S1", "AE", "S1-01", "AESEQ", "1", "AETRTEM", "Treatment Emergent Flag", "Y", "Derived", "SPONSOR"),
            ("S1", "AE", "S1-01", "AESEQ", "2", "AEOTHER", "Other", "x", "CRF", ""),
            ("S1", "AE", "S1-02", "AESEQ", "1", "AETRTEM", "Treatment Emergent Flag", "N", "Derived", "SPONSOR"),
        ],
        [("ae.csv", 1), ("ae.csv", 2), ("ae.csv", 3)],
    )
    pdt.assert_frame_equal(result.datasets["SUPPAE"], expected)
    assert issues == []
    # a second call gives its own records (the run appends them to the first call's)
    assert len(get("suppqual")(ae, ctx, qualifiers=quals[1:]).datasets["SUPPAE"]) == 1


def test_suppqual_spec_errors_and_dm(make_ctx):
    ae = pd.DataFrame({"USUBJID": ["S1-01"], "AEX": ["1"]})
    bad = [{"qnam": "aetoolongname", "qlabel": "x" * 41, "column": "AEX"}]
    _, issues = get("suppqual")(ae, make_ctx("AE"), qualifiers=bad)
    assert sorted(i.code for i in issues) == ["derive-variable-missing", "supp-qlabel-too-long", "supp-qnam-invalid"]
    dm = pd.DataFrame({"USUBJID": ["S1-01"], "RACEOTH": ["MAORI"]})
    ctx = make_ctx("DM")
    result = get("suppqual")(dm, ctx, qualifiers=[{"qnam": "RACEOTH", "qlabel": "Race, Other", "column": "RACEOTH"}])
    expected = pd.DataFrame(
        [("S1", "DM", "S1-01", "", "", "RACEOTH", "Race, Other", "MAORI", "CRF", "")],
        columns=["STUDYID", "RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL", "QORIG", "QEVAL"],
    )
    pdt.assert_frame_equal(result.datasets["SUPPDM"], expected)


def test_split_text_rules():
    assert split_text("a" * 200) == ["a" * 200]
    assert split_text("a" * 201) == ["a" * 200, "a"]
    words = "word " * 50  # 250 bytes
    pieces = split_text(words.strip())
    assert " ".join(pieces) == words.strip()  # the space at the cut is dropped: pieces join with one space
    assert pieces[0] == ("word " * 40).rstrip() and not pieces[0].endswith(" ") and not pieces[1].startswith(" ")
    # a 2-byte character straddling byte 200 is never cut
    s = "a" * 199 + "é" + "b"
    assert split_text(s) == ["a" * 199, "éb"]
    # multiple spaces: the cut drops the whole run
    s = "x" * 150 + "   " + "y" * 100
    assert split_text(s) == ["x" * 150, "y" * 100]
    assert all(len(p.encode()) <= 200 for p in split_text("é" * 500))
    assert "".join(split_text("é" * 500)) == "é" * 500
    assert split_qnam("AETERM", 1) == "AETERM1" and split_qnam("AEHLGTCD", 2) == "AEHLGTC2"
    assert split_qnam("AETERM", 10) == "AETERM10"


def test_split_long_text(make_ctx):
    exact = "a" * 200
    over = "b" * 150 + " " + "c" * 50  # 201 bytes → "bbb…", " ccc…"
    multi = "d" * 199 + "€" + "e" * 250  # € is 3 bytes and does not fit after 199
    ae = pd.DataFrame(
        {
            "USUBJID": ["S1-01", "S1-01", "S1-02", "S1-02"],
            "AESEQ": [1.0, 2.0, 1.0, 2.0],
            "AETERM": [exact, over, multi, "HEADACHE"],
            "__src_file": ["ae.csv"] * 4,
            "__src_row": [1, 2, 3, 4],
        }
    )
    ctx = make_ctx("AE")
    result = get("split_long_text")(ae, ctx, vars=["AETERM"])
    out, issues = result
    pdt.assert_frame_equal(out, ae.assign(AETERM=[exact, "b" * 150, "d" * 199, "HEADACHE"]))
    expected = _supp(
        [
            ("S1", "AE", "S1-01", "AESEQ", "2", "AETERM1", LABEL + " 1", "c" * 50, "CRF", ""),
            ("S1", "AE", "S1-02", "AESEQ", "1", "AETERM1", LABEL + " 1", "€" + "e" * 197, "CRF", ""),
            ("S1", "AE", "S1-02", "AESEQ", "1", "AETERM2", LABEL + " 2", "e" * 53, "CRF", ""),
        ],
        [("ae.csv", 2), ("ae.csv", 3), ("ae.csv", 3)],
    )
    pdt.assert_frame_equal(result.datasets["SUPPAE"], expected)
    assert issues == []


def test_split_long_text_needs_seq_and_adds_nothing_when_short(make_ctx):
    ae = pd.DataFrame({"USUBJID": ["S1-01"], "AETERM": ["x"]})
    _, issues = get("split_long_text")(ae, make_ctx("AE"), vars=["AETERM"])
    assert [i.code for i in issues] == ["derive-variable-missing"]
    ctx = make_ctx("AE")
    result = get("split_long_text")(ae.assign(AESEQ=[1.0]), ctx, vars=["AETERM"])
    assert result.issues == [] and result.datasets == {}


def test_split_long_text_of_a_non_standard_column_uses_its_qnam(make_ctx):
    ae = pd.DataFrame({"USUBJID": ["S1-01"], "AESEQ": [1.0], "__AECOMM": ["a" * 201]})
    ctx = make_ctx("AE")
    result = get("split_long_text")(ae, ctx, vars=["__AECOMM"], labels={"__AECOMM": "Adverse Event Comment"})
    out, issues = result
    assert issues == [] and out["__AECOMM"].tolist() == ["a" * 200]
    supp = result.datasets["SUPPAE"]
    assert supp[["QNAM", "QLABEL", "QVAL"]].values.tolist() == [["AECOMM1", "Adverse Event Comment 1", "a"]]
    _, issues = get("split_long_text")(ae, make_ctx("AE"), vars=["__AECOMM"], qnams={"__AECOMM": "ae comm"})
    assert [i.code for i in issues] == ["supp-qnam-invalid"]
