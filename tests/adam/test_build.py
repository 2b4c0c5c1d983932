"""The composed datasets on the hand-made study: ADaM rules and the expected values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.adam import build_adam, render_summary

U = "NCT03745417-"


@pytest.fixture
def result(built):
    return built


def _rec(df, subj, paramcd, avisitn, flag="ANL01FL"):
    d = df[(df["USUBJID"] == U + subj) & (df["PARAMCD"] == paramcd) & (df["AVISITN"] == avisitn) & (df[flag] == "Y")]
    assert len(d) == 1, d
    return d.iloc[0]


def test_no_issues_on_clean_input_and_inputs_untouched(sdtm, study):
    before = {k: v.copy() for k, v in sdtm.items()}
    r = build_adam(sdtm, study)
    assert r.issues == []
    for k in sdtm:
        pd.testing.assert_frame_equal(sdtm[k], before[k])
    assert set(r.datasets) == set(r.metadata) == {"ADSL", "ADPASI", "ADAE"}


def test_adsl_one_row_per_dm_subject(result, sdtm):
    adsl = result.datasets["ADSL"]
    assert adsl["USUBJID"].is_unique and sorted(adsl["USUBJID"]) == sorted(sdtm["DM"]["USUBJID"])


def test_adsl_values(result):
    a = result.datasets["ADSL"].set_index("SUBJID")
    cols = [
        "TRTSDT",
        "TRTEDT",
        "TRTDURD",
        "SAFFL",
        "ITTFL",
        "FASFL",
        "PPROTFL",
        "COMPLFL",
        "EOSSTT",
        "DCSREAS",
        "AGEGR1",
    ]
    got = a[cols].astype(object).where(a[cols].notna(), None).to_dict("index")
    assert got["001"] == {
        "TRTSDT": 22714.0,
        "TRTEDT": 22770.0,
        "TRTDURD": 57.0,
        "SAFFL": "Y",
        "ITTFL": "Y",
        "FASFL": "Y",
        "PPROTFL": "Y",
        "COMPLFL": "Y",
        "EOSSTT": "COMPLETED",
        "DCSREAS": "",
        "AGEGR1": "18-40",
    }
    assert got["002"]["PPROTFL"] == "N" and got["002"]["EOSSTT"] == "DISCONTINUED"
    assert got["002"]["DCSREAS"] == "ADVERSE EVENT" and got["002"]["TRTDURD"] == 15.0
    assert got["003"]["SAFFL"] == "N" and got["003"]["TRTSDT"] is None and got["003"]["EOSSTT"] == ""
    assert a.loc["003", "TRT01P"] == "" and np.isnan(a.loc["003", "TRT01PN"])
    assert a.loc["001", "TRT01PN"] == 1.0
    # first infusion 2022-03-10T09:30, last (5th) ends 2022-05-05T10:15
    assert (a.loc["001", "TRTSDTM"], a.loc["001", "TRTSTMF"]) == (22714 * 86400.0 + 9.5 * 3600, "S")
    assert a.loc["001", "TRTEDTM"] == 22770 * 86400.0 + 10.25 * 3600 + 59


def test_one_baseline_per_subject_and_parameter(result):
    d = result.datasets["ADPASI"]
    bl = d[d["ABLFL"] == "Y"]
    assert not bl.duplicated(["USUBJID", "PARAMCD"]).any()
    with_base = d.loc[d["BASE"].notna(), ["USUBJID", "PARAMCD"]].drop_duplicates()
    assert len(with_base.merge(bl[["USUBJID", "PARAMCD"]])) == len(with_base)  # BASE only where a baseline exists


def test_chg_and_pchg_rules(result):
    d = result.datasets["ADPASI"]
    c = d[d["CHG"].notna()]
    assert np.allclose(c["CHG"], c["AVAL"] - c["BASE"])
    p = d[d["PCHG"].notna()]
    assert np.allclose(p["PCHG"], 100 * p["CHG"] / p["BASE"])
    assert d.loc[d["BASE"] == 0, "PCHG"].isna().all()


def test_avalc_maps_one_to_one_to_aval_within_parameter(result):
    d = result.datasets["ADPASI"]
    pairs = d.loc[d["AVALC"] != "", ["PARAMCD", "AVAL", "AVALC"]].drop_duplicates()
    assert not pairs.duplicated(["PARAMCD", "AVAL"]).any() and not pairs.duplicated(["PARAMCD", "AVALC"]).any()
    assert set(pairs["AVALC"]) == {"Y", "N"}


def test_one_analysed_record_per_subject_parameter_visit(result):
    d = result.datasets["ADPASI"]
    assert not d[d["ANL01FL"] == "Y"].duplicated(["USUBJID", "PARAMCD", "AVISITN"]).any()
    assert d["ASEQ"].notna().all() and not d.duplicated(["USUBJID", "ASEQ"]).any()


def test_baseline_is_last_non_missing_before_first_dose(result):
    d = result.datasets["ADPASI"]
    b5 = _rec(d, "005", "PASI", 0, "ABLFL")
    assert (b5["AVAL"], b5["ADY"], b5["AVISIT"]) == (11.0, -6.0, "Baseline")  # day-1 PASI is missing
    assert _rec(d, "001", "PASI", 0, "ABLFL")["AVAL"] == 16.5  # day 1 (same day as first infusion)


def test_tie_in_window_takes_the_later_record(result):
    r = _rec(result.datasets["ADPASI"], "001", "PASI", 4)
    assert (r["ADY"], r["AVAL"], r["AWTDIFF"]) == (31.0, 3.0, 2.0)


def test_exact_75_percent_is_a_pasi75_response(result):
    d = result.datasets["ADPASI"]
    assert _rec(d, "004", "PASIIMP", 12)["AVAL"] == 75.0
    assert _rec(d, "004", "PASI", 12)["PCHG"] == -75.0
    r75, r90 = _rec(d, "004", "PASI75", 12), _rec(d, "004", "PASI90", 12)
    assert (r75["AVAL"], r75["AVALC"], r90["AVALC"]) == (1.0, "Y", "N")


def test_nri_for_early_discontinuation_without_week_12(result):
    d = result.datasets["ADPASI"]
    r = _rec(d, "002", "PASI75", 12)
    assert (r["DTYPE"], r["AVAL"], r["AVALC"], r["FASFL"]) == ("NRI", 0.0, "N", "Y")
    assert d[(d["USUBJID"] == U + "003") & (d["DTYPE"] == "NRI")].empty  # screen failure: not in FAS
    assert not (d.loc[d["DTYPE"] == "NRI", "PARAMCD"].isin(["PASI", "PASIIMP"])).any()


def test_nri_option_off(sdtm, study):
    r = build_adam(sdtm, dataclasses.replace(study, adam={"nri": False}))
    assert (r.datasets["ADPASI"]["DTYPE"] == "").all()


def test_subject_without_post_baseline_value(sdtm, study):
    qs = sdtm["QS"]
    sdtm = {**sdtm, "QS": qs[~((qs["USUBJID"] == U + "002") & (qs["VISITNUM"] > 2))]}
    r = build_adam(sdtm, study)
    a = r.datasets["ADSL"].set_index("SUBJID")
    assert (a.loc["002", "SAFFL"], a.loc["002", "FASFL"]) == ("Y", "N")
    d = r.datasets["ADPASI"]
    assert d[(d["USUBJID"] == U + "002") & d["PARAMCD"].isin(["PASIIMP", "PASI75"])].empty  # no NRI outside FAS


def test_traceability_to_sdtm(result, sdtm):
    d = result.datasets["ADPASI"]
    src = d[(d["PARAMCD"] == "PASI") & d["SRCSEQ"].notna()]
    qs = sdtm["QS"].set_index(["USUBJID", "QSSEQ"])
    looked = qs.loc[list(zip(src["USUBJID"], src["SRCSEQ"]))]
    assert (looked["QSTESTCD"] == "PASI0329").all()
    assert np.allclose(looked["QSSTRESN"].fillna(-1).to_numpy(), src["AVAL"].fillna(-1).to_numpy())
    assert set(src["SRCDOM"]) == {"QS"} and set(src["SRCVAR"]) == {"QSSTRESN"}
    assert set(src["__src_file"]) == {"pasi.csv"}
    imp = d[d["PARAMCD"] == "PASIIMP"].merge(src[["USUBJID", "SRCSEQ", "__src_row"]], on=["USUBJID", "SRCSEQ"])
    assert len(imp) == (d["PARAMCD"] == "PASIIMP").sum() and (imp["__src_row_x"] == imp["__src_row_y"]).all()


def test_rs_domain_and_other_version(sdtm, study):
    qs = sdtm["QS"]
    rs = qs.rename(columns={c: "RS" + c[2:] for c in qs.columns if c.startswith("QS")})
    rs["RSTESTCD"] = rs["RSTESTCD"].str.replace("PASI03", "PASI02")
    s2 = dataclasses.replace(study, pasi=dataclasses.replace(study.pasi, domain="RS", version="PASI02"))
    r = build_adam({**{k: v for k, v in sdtm.items() if k != "QS"}, "RS": rs}, s2)
    d = r.datasets["ADPASI"]
    assert _rec(d, "004", "PASI75", 12)["AVALC"] == "Y" and set(d["SRCDOM"]) - {""} == {"RS"}


def test_region_scores(result):
    d = result.datasets["ADPASI"]
    bl = d[(d["USUBJID"] == U + "001") & (d["ABLFL"] == "Y")].set_index("PARAMCD")["AVAL"]
    assert bl.to_dict() == {"PASI": 16.5, "PASIHN": 2.7, "PASIUL": 2.4, "PASITR": 4.2, "PASILL": 7.2}


def test_adae(result):
    ae = result.datasets["ADAE"].set_index(["SUBJID", "AESEQ"])
    assert (ae.loc[("001", 1.0), "ASTDT"], ae.loc[("001", 1.0), "ASTDTF"]) == (22714.0, "D")  # first dose date
    assert ae.loc[("001", 3.0), "ASTDT"] == ae.loc[("001", 3.0), "AENDT"] == 22709.0  # capped at the end
    d = result.datasets["ADAE"]
    assert (d["ASTDT"].isna() | d["AENDT"].isna() | (d["ASTDT"] <= d["AENDT"])).all()
    assert ae.loc[("002", 1.0), "AENDT"] == 22758.0 and ae.loc[("002", 1.0), "AENDTF"] == "M"  # capped at EOSDT
    assert ae["TRTEMFL"].to_dict() == {
        ("001", 1.0): "Y",
        ("001", 2.0): "Y",
        ("001", 3.0): "",
        ("001", 4.0): "Y",
        ("002", 1.0): "Y",
        ("003", 1.0): "",
        ("005", 1.0): "",
        ("005", 2.0): "Y",
    }
    assert ae.loc[("001", 2.0), "AOCCPFL"] == "Y" and ae.loc[("001", 4.0), "AOCCPFL"] == ""
    assert ae.loc[("001", 1.0), "AOCCFL"] == "Y" and ae.loc[("001", 2.0), "AOCCFL"] == ""
    assert ae.loc[("005", 2.0), "AOCCSFL"] == "Y"
    assert (ae.loc[("001", 1.0), "ADURN"], ae.loc[("001", 1.0), "ADURU"]) == (3.0, "DAYS")


def test_trtemfl_window_from_config(sdtm, study):
    r = build_adam(sdtm, dataclasses.replace(study, adam={"trtemfl_window_days": 60}))
    ae = r.datasets["ADAE"].set_index(["SUBJID", "AESEQ"])
    assert ae.loc[("005", 1.0), "TRTEMFL"] == "Y"  # day 100 ≤ day 57 + 60


def test_missing_domains_are_reported_not_fatal(sdtm, study):
    r = build_adam({"DM": sdtm["DM"]}, study)
    assert {i.code for i in r.issues} == {"adam-input-missing", "adam-dataset-skipped"}
    # a skipped dataset's absent source is said once, by the skip line
    assert sorted(i.dataset for i in r.issues if i.code == "adam-input-missing" and i.variable is None) == ["DS", "EX"]
    assert list(r.datasets) == ["ADSL"] and len(r.datasets["ADSL"]) == 5
    assert r.skipped == {
        "ADPASI": "no PASI records in SDTM QS (QS was not converted)",
        "ADAE": "no records in SDTM AE (AE was not converted)",
    }
    assert [i.message for i in r.issues if i.code == "adam-dataset-skipped"] == [
        "ADPASI not written: no PASI records in SDTM QS (QS was not converted)",
        "ADAE not written: no records in SDTM AE (AE was not converted)",
    ]
    assert set(r.metadata) == {"ADSL"}
    page = render_summary(r, study)  # the summary page does without them
    assert "ADPASI not written: no PASI records in SDTM QS (QS was not converted)." in page
    assert "PASI over time" not in page and "ADAE not written: no records in SDTM AE (AE was not converted)." in page
    assert (r.datasets["ADSL"]["SAFFL"] == "N").all()


def test_sponsor_qs_codes_without_version(sdtm, study):
    qs = sdtm["QS"].assign(QSTESTCD=sdtm["QS"]["QSTESTCD"].str.replace("PASI03", "PASI", regex=False))
    r = build_adam({**sdtm, "QS": qs}, study)
    assert _rec(r.datasets["ADPASI"], "004", "PASI75", 12)["AVALC"] == "Y"


def test_adsl_subjects_assigned_drops_screen_failures_everywhere(sdtm, study):
    r = build_adam(sdtm, dataclasses.replace(study, adam={"adsl_subjects": "assigned"}))
    for name in ("ADSL", "ADPASI", "ADAE"):
        assert U + "003" not in set(r.datasets[name]["USUBJID"]), name
    assert len(r.datasets["ADSL"]) == 4
