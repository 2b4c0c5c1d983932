"""PASI layout (CDISC terms in QS or RS), exact integer scoring and the pasi_scores derivation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.derive.pasi import (
    compute_pasi_scores,
    format_scores,
    pasi_items,
    pasi_prefix,
    score_tenths,
)
from sdtm_convert.derive.pasi_scores import derive_pasi_scores
from sdtm_convert.derive.registry import DeriveContext, get
from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec.study import PASI_VERSIONS, study_from_dict
from sdtm_convert.standards import load_ct

VERSIONS = ["PASI02", "PASI03", "PASI04", "PASI05"]
CT = load_ct("2025-03-25")


def study(domain: str = "QS", version: str = "PASI03"):
    return study_from_dict({"studyid": "NCT03745417", "pasi": {"domain": domain, "version": version}})


# ------------------------------------------------------------------------------------------ layouts


@pytest.mark.parametrize("version", VERSIONS)
def test_rs_layout_is_the_cdisc_codelist_pairing(version):
    items = pasi_items(study("RS", version))
    assert list(items.columns) == ["item", "testcd", "test", "category", "region", "component", "collected"]
    assert list(items["item"]) == list(range(1, 30))
    tc = CT.codelist(f"{version}TC").terms
    tn = CT.codelist(f"{version}TN").terms
    # every TESTCD/TEST pair shares one NCI C-code across the two codelists
    code_of_testcd = dict(zip(tc["value"], tc["code"], strict=True))
    code_of_test = dict(zip(tn["value"], tn["code"], strict=True))
    for testcd, test in zip(items["testcd"], items["test"], strict=True):
        assert code_of_testcd[testcd] == code_of_test[test]
    assert set(items["testcd"]) == set(tc["value"])
    cccat = CT.codelist("CCCAT").terms
    cat = items["category"].unique()
    assert len(cat) == 1 and cccat.loc[cccat["value"] == cat[0], "synonyms"].iloc[0] == version
    assert items["test"].str.len().max() <= 40
    assert items.iloc[0]["testcd"] == f"{version}01" and items.iloc[0]["test"] == f"{version}-Head: Erythema/Redness"
    assert items.iloc[28]["testcd"] == f"{version}29" and items.iloc[28]["test"] == f"{version}-Total Sum"


@pytest.mark.parametrize("version", VERSIONS)
def test_qs_layout_uses_the_cdisc_clinical_classification_terms(version):
    """QS carries the same CDISC codes, names and CCCAT category as RS (CT 2025-03-25 PASInnTC/TN, CCCAT)."""
    qs, rs = pasi_items(study("QS", version)), pasi_items(study("RS", version))
    pdt.assert_frame_equal(qs, rs)
    assert set(qs["category"]) == {PASI_VERSIONS[version]}


def test_qs_pasi03_item_is_the_ct_term():
    first, last = pasi_items(study("QS", "PASI03")).iloc[[0, 28]].to_dict("records")
    assert first == {
        "item": 1,
        "testcd": "PASI0301",
        "test": "PASI03-Head: Erythema/Redness",
        "category": "PASI FREDRIKSSON",
        "region": "HEAD",
        "component": "E",
        "collected": True,
    }
    assert (last["testcd"], last["test"], last["category"]) == ("PASI0329", "PASI03-Total Sum", "PASI FREDRIKSSON")


def test_layout_components_and_prefix():
    items = pasi_items(study())
    assert list(items["component"][:4]) == ["E", "I", "D", "A"]
    assert list(items["component"][16:19]) == ["SUM", "SUMXAREA", "WEIGHTED"]
    assert items["collected"].sum() == 16
    assert pasi_prefix(study("QS")) == "QS" and pasi_prefix(study("RS")) == "RS"


def test_unknown_pasi_settings_are_fatal():
    with pytest.raises(SdtmConvertError):
        pasi_items(study("RS", "PASI01"))
    with pytest.raises(SdtmConvertError):
        pasi_prefix(study("FA"))


# ------------------------------------------------------------------------------------------ scoring

# one assessment, items 1..16 = (E, I, D, A) for head, upper limbs, trunk, lower limbs
EXAMPLE = [2, 1, 1, 2, 3, 2, 2, 3, 1, 1, 0, 1, 4, 3, 3, 5]
# head  S = 2+1+1 = 4,  S×A = 4×2 = 8,    ×0.1 = 0.8
# upper S = 3+2+2 = 7,  S×A = 7×3 = 21,   ×0.2 = 4.2
# trunk S = 1+1+0 = 2,  S×A = 2×1 = 2,    ×0.3 = 0.6
# lower S = 4+3+3 = 10, S×A = 10×5 = 50,  ×0.4 = 20.0
# P10 = 1×8 + 2×21 + 3×2 + 4×50 = 8 + 42 + 6 + 200 = 256 → PASI 25.6
EXAMPLE_DERIVED = {
    17: 4,
    18: 8,
    19: 0.8,
    20: 7,
    21: 21,
    22: 4.2,
    23: 2,
    24: 2,
    25: 0.6,
    26: 10,
    27: 50,
    28: 20.0,
    29: 25.6,
}


def wide(*rows: list) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(range(1, 17), r, strict=True)) for r in rows]).astype("Int64")


def test_hand_computed_example():
    out = compute_pasi_scores(wide(EXAMPLE))
    assert list(out.columns) == list(range(17, 30))
    assert out.iloc[0].to_dict() == EXAMPLE_DERIVED
    assert str(out[18].dtype) == "Int64" and out[29].dtype == "float64"


def test_weighted_values_have_no_float_noise():
    row = [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0]
    assert 3 * 0.1 != 0.3 and 3 * 0.3 != 0.9  # the float drift this module avoids
    scores, present = score_tenths(np.array([row], dtype=float))
    text, num = format_scores(scores, present)
    # head: S=3, S×A=3, ×0.1 = 0.3; upper: S=0, A=0 → 0; trunk: S=3, S×A=3, ×0.3 = 0.9; lower 0
    # P10 = 1×3 + 3×3 = 12 → 1.2
    assert list(text[0]) == ["3", "3", "0.3", "0", "0", "0.0", "3", "3", "0.9", "0", "0", "0.0", "1.2"]
    assert num[0, 2] == 0.3 and num[0, 8] == 0.9 and num[0, 12] == 1.2


def test_zero_area_contributes_zero_even_with_missing_signs():
    row = [None, None, None, 0] + EXAMPLE[4:]  # head not assessed but no involvement
    out = compute_pasi_scores(wide(row)).iloc[0]
    assert pd.isna(out[17])  # sum of signs cannot be computed
    assert out[18] == 0 and out[19] == 0.0
    # P10 = 0 + 42 + 6 + 200 = 248
    assert out[29] == 24.8


def test_missing_item_makes_region_and_total_missing():
    row = list(EXAMPLE)
    row[6] = None  # upper limbs desquamation
    out = compute_pasi_scores(wide(row)).iloc[0]
    assert pd.isna(out[20]) and pd.isna(out[21]) and pd.isna(out[22]) and pd.isna(out[29])
    assert out[17] == 4 and out[24] == 2 and out[28] == 20.0  # other regions unaffected
    row = list(EXAMPLE)
    row[3] = None  # head area missing: E/I/D present, S known, S×A unknown
    out = compute_pasi_scores(wide(row)).iloc[0]
    assert out[17] == 4 and pd.isna(out[18]) and pd.isna(out[29])


def test_out_of_range_or_fractional_items_count_as_missing():
    for pos, value in [(0, 5), (3, 7), (2, -1), (15, 2.5)]:
        row = [float(v) for v in EXAMPLE]
        row[pos] = value
        items = pd.DataFrame([dict(zip(range(1, 17), row, strict=True))])
        assert np.isnan(compute_pasi_scores(items)[29].iloc[0])


def fraction_pasi(v: list[int | None]) -> Fraction | None:
    total = Fraction(0)
    for r, w in enumerate([Fraction(1, 10), Fraction(2, 10), Fraction(3, 10), Fraction(4, 10)]):
        e, i, d, a = v[4 * r : 4 * r + 4]
        if a == 0:
            continue
        if None in (e, i, d, a):
            return None
        total += Fraction(e + i + d) * a * w
    return total


item_value = st.one_of(st.none(), st.integers(0, 4))
area_value = st.one_of(st.none(), st.integers(0, 6))
assessment = st.tuples(*([item_value] * 3 + [area_value]) * 4).map(list)


@settings(max_examples=150, deadline=None)
@given(st.lists(assessment, min_size=1, max_size=20))
def test_pasi_is_an_exact_multiple_of_a_tenth(rows):
    out = compute_pasi_scores(wide(*rows))
    scores, present = score_tenths(wide(*rows).astype("float64").to_numpy())
    text, _ = format_scores(scores, present)
    for k, row in enumerate(rows):
        expected = fraction_pasi(row)
        if expected is None:
            assert np.isnan(out[29].iloc[k]) and text[k, 12] == ""
            continue
        p10 = expected * 10
        assert p10.denominator == 1 and 0 <= p10 <= 720
        assert scores[k, 12] == p10  # the integer P10
        assert Fraction(text[k, 12]) == expected  # STRESC text is exact
        assert out[29].iloc[k] == float(expected)  # nearest double to the decimal, no drift


# ------------------------------------------------------------------------------------------ derivation


def long_frame(prefix: str, layout: pd.DataFrame, assessments: list[tuple[str, float, str, int, list]]):
    """One record per collected item: (usubjid, visitnum, dtc, source row, 16 values)."""
    recs = []
    for usubjid, visitnum, dtc, src_row, values in assessments:
        for item, value in enumerate(values, start=1):
            lay = layout.iloc[item - 1]
            text = "" if value is None else str(value)
            recs.append(
                {
                    "STUDYID": "NCT03745417",
                    "DOMAIN": prefix,
                    "USUBJID": usubjid,
                    f"{prefix}TESTCD": lay["testcd"],
                    f"{prefix}TEST": lay["test"],
                    f"{prefix}CAT": lay["category"],
                    f"{prefix}ORRES": text,
                    f"{prefix}STRESC": text,
                    f"{prefix}STRESN": np.nan if value is None else float(value),
                    "VISITNUM": visitnum,
                    "VISIT": f"V{visitnum:g}",
                    f"{prefix}DTC": dtc,
                    "__src_file": "pasi.csv",
                    "__src_row": src_row,
                }
            )
    return pd.DataFrame(recs)


def ctx_for(domain: str = "QS", version: str = "PASI03") -> DeriveContext:
    return DeriveContext(study=study(domain, version), ct=CT, domain=domain)


def test_registered_derivation_appends_the_derived_records():
    assert get("pasi_scores") is derive_pasi_scores
    ctx = ctx_for()
    layout = pasi_items(ctx.study)
    df = long_frame("QS", layout, [("P-001", 2.0, "2021-09-01", 7, EXAMPLE)])
    before = df.copy()
    out, issues = derive_pasi_scores(df, ctx)
    pdt.assert_frame_equal(df, before)  # input untouched
    assert issues == []
    pdt.assert_frame_equal(out.iloc[:16].drop(columns="QSDRVFL"), df)
    derived = out.iloc[16:].reset_index(drop=True)
    values = list(EXAMPLE_DERIVED.values())
    expected = pd.DataFrame(
        {
            "STUDYID": "NCT03745417",
            "DOMAIN": "QS",
            "USUBJID": "P-001",
            "QSTESTCD": [f"PASI03{i}" for i in range(17, 30)],
            "QSTEST": list(layout["test"][16:]),
            "QSCAT": "PASI FREDRIKSSON",
            "QSORRES": "",
            "QSSTRESC": ["4", "8", "0.8", "7", "21", "4.2", "2", "2", "0.6", "10", "50", "20.0", "25.6"],
            "QSSTRESN": [float(v) for v in values],
            "VISITNUM": 2.0,
            "VISIT": "V2",
            "QSDTC": "2021-09-01",
            "__src_file": "pasi.csv",
            "__src_row": 7,
            "QSDRVFL": "Y",
        }
    )
    pdt.assert_frame_equal(derived, expected, check_dtype=False)
    assert set(out["QSDRVFL"].iloc[:16]) == {""}


def test_rs_layout_derivation_uses_cdisc_codes():
    ctx = ctx_for("RS", "PASI02")
    layout = pasi_items(ctx.study)
    df = long_frame("RS", layout, [("P-001", 2.0, "2021-09-01", 7, EXAMPLE)])
    out, issues = derive_pasi_scores(df, ctx)
    assert issues == []
    total = out[out["RSTESTCD"] == "PASI0229"].iloc[0]
    assert total["RSTEST"] == "PASI02-Total Sum" and total["RSCAT"] == "PASI FELDMAN"
    assert total["RSSTRESC"] == "25.6" and total["RSDRVFL"] == "Y"


def test_out_of_range_item_is_reported_with_provenance_and_treated_as_missing():
    ctx = ctx_for()
    layout = pasi_items(ctx.study)
    row = list(EXAMPLE)
    row[0] = 5  # head erythema > 4
    df = long_frame("QS", layout, [("P-001", 2.0, "2021-09-01", 7, row), ("P-002", 2.0, "2021-09-02", 8, EXAMPLE)])
    df.loc[df["USUBJID"].eq("P-002") & df["QSTESTCD"].eq("PASI0308"), ["QSSTRESN", "QSSTRESC", "QSORRES"]] = [
        np.nan,
        "X",
        "X",
    ]  # not a number at all
    out, issues = derive_pasi_scores(df, ctx)
    assert [(i.code, i.usubjid, i.file, i.row, i.value) for i in issues] == [
        ("pasi-item-out-of-range", "P-001", "pasi.csv", 7, "5"),
        ("pasi-item-out-of-range", "P-002", "pasi.csv", 8, "X"),
    ]
    derived = out[out["QSDRVFL"] == "Y"]
    p1 = derived[derived["USUBJID"] == "P-001"].set_index("QSTESTCD")["QSSTRESC"]
    assert "PASI0317" not in p1 and "PASI0329" not in p1 and p1["PASI0320"] == "7"  # head and total missing
    p2 = derived[derived["USUBJID"] == "P-002"].set_index("QSTESTCD")["QSSTRESC"]
    assert "PASI0321" not in p2 and p2["PASI0320"] == "7" and "PASI0329" not in p2


def test_missing_and_zero_area_in_the_long_frame():
    ctx = ctx_for()
    layout = pasi_items(ctx.study)
    head_clear = [None, None, None, 0] + EXAMPLE[4:]
    df = long_frame("QS", layout, [("P-001", 3.0, "2021-09-15", 9, head_clear)])
    df = df[~(df["QSTESTCD"].isin(["PASI0301", "PASI0302", "PASI0303"]))]  # not recorded at all
    out, issues = derive_pasi_scores(df, ctx)
    derived = out[out["QSDRVFL"] == "Y"].set_index("QSTESTCD")["QSSTRESC"]
    assert issues == [] and "PASI0317" not in derived and derived["PASI0319"] == "0.0" and derived["PASI0329"] == "24.8"
    kept, _ = derive_pasi_scores(df, ctx, keep_missing=True)
    assert (kept["QSDRVFL"] == "Y").sum() == 13
    assert kept.loc[kept["QSTESTCD"] == "PASI0317", "QSSTRESC"].iloc[0] == ""


def test_other_tests_pass_through_and_assessments_are_per_visit():
    ctx = ctx_for()
    layout = pasi_items(ctx.study)
    df = long_frame("QS", layout, [("P-001", 2.0, "2021-09-01", 7, EXAMPLE), ("P-001", 3.0, "2021-09-15", 9, [0] * 16)])
    dlqi = pd.DataFrame(
        {
            "USUBJID": ["P-001"],
            "QSTESTCD": ["DLQI01"],
            "QSCAT": ["DLQI"],
            "QSSTRESC": ["2"],
            "QSSTRESN": [2.0],
            "VISITNUM": [2.0],
            "__src_file": ["dlqi.csv"],
            "__src_row": [1],
        }
    )
    df = pd.concat([df, dlqi], ignore_index=True)
    out, issues = derive_pasi_scores(df, ctx)
    assert issues == []
    totals = out[out["QSTESTCD"] == "PASI0329"]
    assert list(totals["VISITNUM"]) == [2.0, 3.0] and list(totals["QSSTRESC"]) == ["25.6", "0.0"]
    assert list(totals["__src_row"]) == [7, 9]
    assert (out["QSTESTCD"] == "DLQI01").sum() == 1 and len(out) == len(df) + 26


def test_conflicting_duplicate_item_and_captured_total():
    ctx = ctx_for()
    layout = pasi_items(ctx.study)
    df = long_frame("QS", layout, [("P-001", 2.0, "2021-09-01", 7, EXAMPLE)])
    dup = df.iloc[[0]].assign(QSSTRESN=3.0, QSSTRESC="3", QSORRES="3", __src_row=8)
    captured = df.iloc[[0]].assign(QSTESTCD="PASI0329", QSSTRESN=25.0, QSSTRESC="25", __src_row=9)
    out, issues = derive_pasi_scores(pd.concat([df, dup, captured], ignore_index=True), ctx)
    assert sorted((i.code, i.row) for i in issues) == [
        ("pasi-captured-score-replaced", 9),
        ("pasi-item-duplicate", 7),
        ("pasi-item-duplicate", 8),
    ]
    assert (out["QSTESTCD"] == "PASI0329").sum() == 0  # head erythema unknown → total missing; captured one dropped


def test_minimal_frame_grouped_by_visit_label_gets_complete_columns():
    ctx = ctx_for()
    layout = pasi_items(ctx.study)
    df = long_frame("QS", layout, [("P-001", 2.0, "2021-09-01", 7, EXAMPLE), ("P-001", 3.0, "2021-09-15", 9, EXAMPLE)])
    df = df[["USUBJID", "QSTESTCD", "QSSTRESC", "VISIT", "__src_file", "__src_row"]]  # no VISITNUM, STRESN, TEST
    out, issues = derive_pasi_scores(df, ctx)
    assert issues == []
    assert list(out.loc[out["QSTESTCD"] == "PASI0329", "VISIT"]) == ["V2", "V3"]
    assert set(out.columns) >= {"QSTEST", "QSCAT", "QSSTRESN", "QSDRVFL"}
    items = out.iloc[:32]
    assert set(items["QSTEST"]) == {""} and set(items["QSDRVFL"]) == {""} and items["QSSTRESN"].isna().all()
