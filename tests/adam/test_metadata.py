"""DatasetMeta of the ADaM datasets; the row JSON Schemas of rowschemas/adam (when present) accept the data."""

from __future__ import annotations

import dataclasses

import pytest

from sdtm_convert.adam import build_adam
from sdtm_convert.metadata import DERIVED, PREDECESSOR


@pytest.fixture
def result(built):
    return built


def test_every_column_described_with_lengths_from_data(result):
    for name, df in result.datasets.items():
        meta = result.metadata[name]
        cols = [c for c in df.columns if not c.startswith("__")]
        assert [v.name for v in meta.variables] == cols
        assert meta.records == len(df) and meta.standard == "ADaMIG 1.3"
        for v in meta.variables:
            assert v.label and len(v.label) <= 40
            if v.type == "Char":
                assert v.length == max(1, int(df[v.name].astype(str).str.encode("utf-8").str.len().max()))
            else:
                assert v.length == 8
            assert v.origin_type in (DERIVED, PREDECESSOR)
            if v.origin_type == DERIVED:
                assert v.method_id in {m.id for m in meta.methods}, (name, v.name)
            else:
                assert v.source, (name, v.name)


def test_labels_types_formats(result):
    adsl = result.metadata["ADSL"]
    assert adsl.variable("TRT01P").label == "Planned Treatment for Period 01"
    assert adsl.variable("AGEGR1").label == "Pooled Age Group 1"
    assert adsl.variable("TRTSDT").display_format == "DATE9." and adsl.variable("TRTSDT").type == "Num"
    assert adsl.variable("AGE").source == "DM.AGE" and adsl.variable("AGE").origin_type == PREDECESSOR
    assert adsl.keys == ["STUDYID", "USUBJID"] and adsl.class_ == "SUBJECT LEVEL ANALYSIS DATASET"
    saffl = adsl.variable("SAFFL")
    assert (
        saffl.origin_type == DERIVED
        and "NINFUS" in next(m for m in adsl.methods if m.id == saffl.method_id).description
    )
    ae = result.metadata["ADAE"]
    assert ae.variable("TRTEMFL").label == "Treatment Emergent Analysis Flag"
    assert ae.variable("ASTDT").display_format == "DATE9." and ae.variable("ASTDT").data_type == "integer"
    assert ae.variable("SAFFL").label == "Safety Population Flag" and ae.variable("SAFFL").source == "ADSL.SAFFL"
    assert result.metadata["ADPASI"].variable("TRTSDT").label == "Date of First Exposure to Treatment"
    assert adsl.variable("TRTSDTM").display_format == "DATETIME20."
    assert next(m for m in ae.methods if m.id == "MT.ADAE.ASTDT").type == "Imputation"
    assert ae.variable("AETERM").source == "AE.AETERM"


def test_value_level_per_paramcd(result):
    vl = result.metadata["ADPASI"].value_level
    aval = {w.where.conditions[0][2][0] for w in vl if w.variable == "AVAL"}
    avalc = {w.where.conditions[0][2][0] for w in vl if w.variable == "AVALC"}
    assert aval == {"PASI", "PASIHN", "PASIUL", "PASITR", "PASILL", "PASIIMP", "PASI50", "PASI75", "PASI90", "PASI100"}
    assert avalc == {"PASI50", "PASI75", "PASI90", "PASI100"}


def _schema_issues(result):
    from sdtm_convert import rowschema as schema
    found = []
    for name, df in result.datasets.items():
        found += schema.validate_frame(df, schema.load_schema(name), dataset=name)
    return found


@pytest.mark.parametrize("subjects", ["all", "assigned"])
def test_outputs_match_the_json_schemas(sdtm, study, subjects):
    # With every DM subject in ADSL, screen failures have null ARM/TRT01P (SDTMIG 3.4: DM.ARM null, reason
    # in ARMNRS); rowschemas/adam/ADSL.json accepts that (ADaMIG "Req" = present, see rowschema/datasets.py).
    r = build_adam(sdtm, dataclasses.replace(study, adam={"adsl_subjects": subjects}))
    issues = _schema_issues(r)
    assert issues == [], [i.one_line() for i in issues[:5]]


def test_screen_failures_are_in_adsl_without_a_planned_treatment(result):
    adsl = result.datasets["ADSL"]
    sf = adsl[adsl["USUBJID"] == "NCT03745417-003"]
    assert len(sf) == 1 and sf["ARM"].tolist() == [""] and sf["TRT01P"].tolist() == [""]


def test_float_variables_have_significant_digits(result):
    meta = result.metadata["ADPASI"]
    assert meta.variable("AVAL").data_type == "float" and meta.variable("AVAL").significant_digits >= 1
    vl = {(w.variable, w.where.conditions[0][2][0]): w for w in meta.value_level}
    assert vl[("AVAL", "PASI")].significant_digits == 1 and vl[("AVAL", "PASI75")].type == "integer"
    for m in result.metadata.values():
        for v in m.variables:
            assert (v.data_type == "float") == (v.significant_digits is not None), (m.name, v.name)


def test_keys_are_the_schemas_natural_keys_and_identify_each_record(result):
    """define.xml's KeySequence, the JSON Schema's x-keys and `diff`'s record matching use one key per dataset,
    and the data have no two records with the same key (ADPASI: a visit can hold several assessments)."""
    from sdtm_convert.rowschema import load_schema

    for name, df in result.datasets.items():
        meta = result.metadata[name]
        schema = load_schema(name)
        assert meta.keys == schema["x-keys"], name
        assert (meta.label, meta.class_, meta.structure) == (schema["x-label"], schema["x-class"],
                                                              schema["x-structure"]), name
        assert not df.duplicated(meta.keys).any(), name
    assert result.metadata["ADPASI"].keys == ["STUDYID", "USUBJID", "PARAMCD", "AVISITN", "ADT"]


def test_dtype_names_its_ct_codelist_so_define_declares_nri_as_an_extended_value(result, study):
    from lxml import etree

    from sdtm_convert.package.codelists import used_values_from_frames
    from sdtm_convert.package.define_xml import build_define
    from sdtm_convert.package.xsd import validate_define

    assert result.metadata["ADPASI"].variable("DTYPE").codelist == "DTYPE"
    metas = list(result.metadata.values())
    xml = build_define(metas, standard="ADaMIG 1.3", used_values=used_values_from_frames(metas, result.datasets),
                       study_oid="S", study_name="S", description="S", protocol="S", ct_version="2025-03-25",
                       created="2026-01-01T00:00:00")
    assert validate_define(xml) == []
    ns = {"odm": "http://www.cdisc.org/ns/odm/v1.3"}
    items = etree.fromstring(xml).findall(".//odm:CodeList[@OID='CL.DTYPE']/odm:EnumeratedItem", ns)
    assert [(i.get("CodedValue"), i.get("{http://www.cdisc.org/ns/def/v2.1}ExtendedValue")) for i in items] == [
        ("NRI", "Yes")]


def test_method_texts_state_the_settings_the_run_used_never_their_names(result):
    texts = {m.id: m.description for meta in result.metadata.values() for m in meta.methods}
    assert not [t for t in texts.values() if "adam." in t or "{" in t or "(default" in t or "_rule" in t]
    s = result.settings
    window = f" + {s.trtemfl_window_days} days" if s.trtemfl_window_days else ""
    assert texts["MT.ADAE.TRTEMFL"].startswith(f"'Y' when TRTSDT <= ASTDT <= TRTEDT{window}, or ASTDT missing")
    assert texts["MT.ADPASI.AVISIT"].endswith(f"(planned day +/- {s.tolerance_days} days) for post-baseline records.")
    groups = ", ".join(g["label"] for g in s.age_groups)
    assert texts["MT.ADSL.AGEGR1"] == f"AGE grouped {groups} (inclusive bounds)."
    assert texts["MT.ADPASI.ANL01FL"].endswith(
        "in the analysis window: the one closest to the target day, then the latest; on the NRI record when imputed.")
