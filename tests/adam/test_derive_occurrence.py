"""First-occurrence flags of ADAE (AOCCFL, AOCCSFL, AOCCPFL, AOCCIFL) with ties, as admiral's ad_adae.R
template and OCCDS vignette derive them (derive_var_extreme_flag, mode "first", filter TRTEMFL == "Y")."""

from __future__ import annotations

from sdtm_convert.adam.derive import compute_severity_rank, derive_var_aocci_flag, derive_vars_occurrence_flags
from tests.adam.helpers import NA, frame

TEAE = {"var": "TRTEMFL", "op": "eq", "value": "Y"}
ADAE = frame(
    [
        # USUBJID, AESEQ, AEBODSYS, AEDECOD, ASTDT, ASEV, TRTEMFL
        ("01", 3, "NERVOUS", "HEADACHE", 10, "MILD", "Y"),
        ("01", 1, "NERVOUS", "HEADACHE", 10, "SEVERE", "Y"),  # same day as AESEQ 3: tie on ASTDT
        ("01", 2, "SKIN", "RASH", 12, "SEVERE", "Y"),
        ("01", 4, "SKIN", "RASH", 5, "MODERATE", ""),  # earliest, but not treatment-emergent
        ("01", 5, "SKIN", "PRURITUS", NA, "MILD", "Y"),  # unknown start
        ("02", 1, "SKIN", "RASH", 20, "", "Y"),  # severity missing
        ("02", 2, "SKIN", "RASH", 20, "MILD", "Y"),  # full tie with AESEQ 1 except the sequence
    ],
    ["USUBJID", "AESEQ", "AEBODSYS", "AEDECOD", "ASTDT", "ASEV", "TRTEMFL"],
)


def test_first_occurrence_flags_break_date_ties_by_sequence_and_skip_non_emergent_events():
    out = derive_vars_occurrence_flags(
        ADAE, ["USUBJID"], ["ASTDT", "AESEQ"],
        {"AOCCFL": [], "AOCCSFL": ["AEBODSYS"], "AOCCPFL": ["AEBODSYS", "AEDECOD"]}, TEAE,
    )  # fmt: skip
    # order ASTDT, AESEQ, mode "first", among TRTEMFL == "Y" only (restrict_derivation):
    # 01: day 10 tie → AESEQ 1 first; AESEQ 4 (day 5) is not TEAE; the unknown start (AESEQ 5) sorts
    # last (dplyr arrange puts NA last) so it is first only for its own term PRURITUS.
    # 02: same day, AESEQ 1 before 2.
    assert out["AOCCFL"].tolist() == ["", "Y", "", "", "", "Y", ""]
    assert out["AOCCSFL"].tolist() == ["", "Y", "Y", "", "", "Y", ""]
    assert out["AOCCPFL"].tolist() == ["", "Y", "Y", "", "Y", "Y", ""]
    assert "AOCCFL" not in ADAE.columns  # input untouched


def test_most_severe_first_occurrence_uses_descending_severity_then_date_then_sequence():
    adae = ADAE.assign(ASEVN=compute_severity_rank(ADAE["ASEV"]))
    # factor(ASEV, levels = c("MILD", "MODERATE", "SEVERE", "DEATH THREATENING")) as integer; "" → NA
    assert adae["ASEVN"].fillna(0).tolist() == [1.0, 3.0, 3.0, 2.0, 1.0, 0.0, 1.0]
    out = derive_var_aocci_flag(adae, filter=TEAE)
    # ad_adae.R: order desc(ASEVN), ASTDTM, AESEQ, mode "first": 01 has two SEVERE events, day 10
    # (AESEQ 1) before day 12; 02: the missing severity sorts last even descending (dplyr), so MILD wins.
    assert out["AOCCIFL"].tolist() == ["", "Y", "", "", "", "", "Y"]
