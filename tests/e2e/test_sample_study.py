"""The bundled sample study end to end: every domain written, nothing lost, PASI exact, XPT proven
with a second reader that is not pyreadstat."""

import csv
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.package.layout import sdtm_dir
from sdtm_convert.xpt import read_v5
from tests.e2e.conftest import SAMPLE

DOMAINS = {"DM", "EX", "AE", "DS", "SV", "VS", "QS", "IE", "SE", "TS", "TA", "TE", "TV", "TI", "SUPPAE", "SUPPEX"}


def test_all_domains_written_without_errors(sample_run):
    conv = sample_run.conversion
    assert [i.one_line() for i in conv.errors] == []
    folder = sdtm_dir(sample_run.out, "NCT03745417")
    assert {p.stem.upper() for p in folder.glob("*.xpt")} == DOMAINS
    assert {p.stem.upper() for p in folder.glob("*.json")} == DOMAINS
    assert (folder / "define.xml").exists() and (folder / "define.html").exists()
    assert all(p.name == p.name.lower() for p in folder.glob("*.xpt"))
    assert sample_run.report_json.exists() and sample_run.report_html.exists()


def test_every_raw_row_is_mapped_or_rejected_with_a_reason(sample_run):
    rec = sample_run.conversion.reconciliation
    files = {p.name for p in SAMPLE.glob("*.csv")}
    assert set(rec["file"]) == files
    for f in files:
        with open(SAMPLE / f, encoding="utf-8") as fh:
            n = sum(1 for _ in csv.reader(fh)) - 1
        row = rec[rec["file"] == f].iloc[0]
        assert row["rows_read"] == n
        assert row["rows_mapped"] + row["rows_rejected"] == n, f
        assert row["rows_unaccounted"] == 0
    rejects = sample_run.conversion.rejects
    assert (rejects["reason"].str.len() > 0).all()


def _pasi_raw() -> pd.DataFrame:
    raw = pd.read_csv(SAMPLE / "pasi.csv", dtype=str, keep_default_na=False)
    code = lambda s: s.str.extract(r"^(\d)", expand=False).astype("float")  # noqa: E731
    return raw.assign(E=code(raw["ERYTH"]), I=code(raw["INDUR"]), D=code(raw["DESQ"]), A=code(raw["AREA"]))


def test_pasi_total_equals_pasi_computed_from_the_16_collected_items(sample_run):
    """Recompute PASI from the raw CRF export by hand (domain reference §1), exactly, with Fractions."""
    weights = {"Head/Neck": Fraction(1, 10), "Upper Limbs": Fraction(2, 10), "Trunk": Fraction(3, 10),
               "Lower Limbs": Fraction(4, 10)}
    raw = _pasi_raw()
    expected = {}
    for (subj, visit), g in raw.groupby(["SUBJECT", "VISIT"]):
        total, ok = Fraction(0), True
        for _, r in g.iterrows():
            if r["A"] == 0:
                continue
            if np.isnan([r["E"], r["I"], r["D"], r["A"]]).any():
                ok = False
                continue
            total += weights[r["REGION"]] * int(r["E"] + r["I"] + r["D"]) * int(r["A"])
        if ok and len(g) == 4:
            expected[(f"NCT03745417-{subj}", visit)] = total
    qs = sample_run.conversion.sdtm["QS"]
    totals = qs[qs["QSTESTCD"] == "PASI0329"]
    raw_visit = {"Screening": "SCREENING", "Week 0": "WEEK 0", "Week 2": "WEEK 2", "Week 4": "WEEK 4",
                 "Week 6": "WEEK 6", "Week 8": "WEEK 8", "Week 12": "WEEK 12"}
    got = {}
    for u, v, stresc, stresn in totals[["USUBJID", "VISIT", "QSSTRESC", "QSSTRESN"]].itertuples(index=False):
        got[(u, v)] = (Fraction(stresc), stresn)
    assert len(expected) >= 150
    checked = 0
    for (u, visit), value in expected.items():
        key = (u, raw_visit.get(visit, visit))
        if visit in raw_visit:
            assert got[key][0] == value, key
            assert got[key][1] == float(value)
            checked += 1
    assert checked == sum(1 for (_, v) in expected if v in raw_visit)
    # the assessment with a missing item has no total
    missing = raw[raw[["E", "I", "D", "A"]].isna().any(axis=1) & (raw["A"] != 0)]
    assert len(missing) >= 1
    for subj, visit in missing[["SUBJECT", "VISIT"]].itertuples(index=False):
        assert (f"NCT03745417-{subj}", raw_visit.get(visit, visit)) not in got
    assert (totals["QSDRVFL"] == "Y").all()


def test_each_xpt_reads_back_identically_with_the_independent_v5_reader(sample_run):
    folder = sdtm_dir(sample_run.out, "NCT03745417")
    for name, frame in sample_run.conversion.sdtm.items():
        member = read_v5(folder / f"{name.lower()}.xpt")
        meta = sample_run.conversion.metadata[name]
        assert member.info.name == name
        assert member.info.label == meta.label
        assert [v.name for v in member.info.variables] == list(frame.columns)
        for v in member.info.variables:
            col = member.columns[v.name]
            if v.type == "Num" or np.asarray(col).dtype.kind == "f":
                np.testing.assert_array_equal(np.asarray(col, dtype="float64"), frame[v.name].to_numpy(dtype="float64"))
            else:
                assert list(col) == [s.rstrip() for s in frame[v.name]], (name, v.name)
            assert v.label == meta.variable(v.name).label
        char_lengths = {v.name: v.length for v in member.info.variables if v.type == "Char"}
        for col, length in char_lengths.items():
            longest = frame[col].str.encode("ascii").str.len().max() if len(frame) else 0
            assert length == max(1, int(longest or 0)), (name, col)


def test_character_values_are_ascii_and_at_most_200_bytes(sample_run):
    for name, frame in sample_run.conversion.sdtm.items():
        for col in frame.columns:
            if frame[col].dtype.kind in "fi":
                continue
            values = frame[col].astype(str)
            assert values.map(lambda s: s.isascii()).all(), (name, col)
            assert (values.str.encode("ascii").str.len() <= 200).all(), (name, col)


def test_long_free_text_is_split_into_supp_records(sample_run):
    supp = sample_run.conversion.sdtm["SUPPAE"]
    comments = supp[supp["QNAM"].str.startswith("AECOMM")]
    assert set(comments["QNAM"]) >= {"AECOMM", "AECOMM1"}
    raw = pd.read_csv(SAMPLE / "ae.csv", dtype=str, keep_default_na=False)
    longest = max(raw["AECOMM"], key=len)
    assert len(longest) > 200
    pieces = comments.sort_values("QNAM").groupby(["USUBJID", "IDVARVAL"])["QVAL"].agg(" ".join)
    assert longest in set(pieces)


@pytest.mark.parametrize("variable,collected,expected", [("SEX", "female", "F"), ("SEX", "F", "F"), ("SEX", "Female", "F")])
def test_collected_values_are_recoded_to_controlled_terminology(sample_run, variable, collected, expected):
    raw = pd.read_csv(SAMPLE / "dm.csv", dtype=str, keep_default_na=False)
    subjects = "NCT03745417-" + raw.loc[raw["SEX"] == collected, "SUBJECT"]
    assert len(subjects) >= 1
    dm = sample_run.conversion.sdtm["DM"].set_index("USUBJID")
    assert set(dm.loc[list(subjects), variable]) == {expected}


def test_partial_dates_stay_partial_and_have_no_study_day(sample_run):
    ae = sample_run.conversion.sdtm["AE"]
    partial = ae[ae["AESTDTC"].str.fullmatch(r"\d{4}-\d{2}")]
    assert len(partial) >= 1 and partial["AESTDY"].isna().all()
    full = ae[ae["AESTDTC"].str.match(r"\d{4}-\d{2}-\d{2}")]
    assert full["AESTDY"].notna().all() and (full["AESTDY"] != 0).all()


def test_screen_failure_and_unscheduled_visit(sample_run):
    dm = sample_run.conversion.sdtm["DM"]
    sf = dm[dm["ARMNRS"] == "SCREEN FAILURE"]
    assert len(sf) >= 1 and (sf["ARMCD"] == "").all() and (sf["RFSTDTC"] == "").all()
    sv = sample_run.conversion.sdtm["SV"]
    unsched = sv[sv["VISIT"].str.startswith("UNSCHEDULED")]
    assert len(unsched) >= 1
    assert (unsched["VISITNUM"] % 1 > 0).all()


def test_every_record_has_lineage_to_a_raw_row(sample_run):
    lin = sample_run.conversion.lineage
    subject_domains = {"DM", "AE", "EX", "DS", "SV", "VS", "QS", "IE", "SUPPAE", "SUPPEX"}
    sub = lin[lin["dataset"].isin(subject_domains)]
    assert sub["raw_file"].str.len().gt(0).all() and sub["raw_row"].notna().all()
    counts = sub.groupby("dataset").size().to_dict()
    assert counts == {d: len(sample_run.conversion.sdtm[d]) for d in subject_domains}


def test_sdtm_timing_variables_may_be_added_to_a_general_class_domain():
    """SDTMIG 3.4 §2.7: VISITNUM/VISIT are not in the DS table but may be added; they keep timing order."""
    import pandas as pd

    from sdtm_convert.sdtm.conform import conform

    df = pd.DataFrame({"STUDYID": ["S"], "DOMAIN": ["DS"], "USUBJID": ["S-1"], "DSSEQ": [1.0], "DSTERM": ["X"],
                       "DSDECOD": ["COMPLETED"], "DSCAT": ["DISPOSITION EVENT"], "EPOCH": ["FOLLOW-UP"],
                       "DSSTDTC": ["2022-01-01"], "VISITNUM": [7.0], "VISIT": ["WEEK 12"]})
    data, meta, _, issues = conform("DS", df)
    assert not [i for i in issues if i.code == "variable-nonstandard"]
    cols = list(data.columns)
    assert cols.index("VISITNUM") < cols.index("VISIT") < cols.index("EPOCH") < cols.index("DSSTDTC")
    assert meta.variable("VISITNUM").label == "Visit Number" and meta.variable("VISITNUM").type == "Num"


def test_define_metadata_comes_from_the_spec_and_the_data(sample_run):
    """Methods from the spec's algorithms, comments from its rows, value-level metadata per PASI item."""
    ae = sample_run.conversion.metadata["AE"]
    methods = {m.id: m.description for m in ae.methods}
    assert methods["MT.AE.AEENRTPT"] == "if AEONGO = 'Yes' then 'ONGOING'; otherwise null"
    assert ae.variable("AESEV").origin_type == "Collected" and "mapped to controlled terminology AESEV" in ae.variable("AESEV").comment
    qs = sample_run.conversion.metadata["QS"]
    vl = {(v.variable, v.where.id): v for v in qs.value_level}
    item = vl[("QSSTRESN", "WC.QS.PASI_FREDRIKSSON.PASI0301")]
    total = vl[("QSSTRESN", "WC.QS.PASI_FREDRIKSSON.PASI0329")]
    assert (item.type, item.origin_type) == ("integer", "Collected")
    assert (total.type, total.significant_digits, total.origin_type) == ("float", 1, "Derived")
    assert total.where.conditions == [("QSCAT", "EQ", ["PASI FREDRIKSSON"]), ("QSTESTCD", "EQ", ["PASI0329"])]
    define = (sdtm_dir(sample_run.out, "NCT03745417") / "define.xml").read_text(encoding="utf-8")
    assert 'WhereClauseOID="WC.QS.PASI_FREDRIKSSON.PASI0329"' in define and "MT.QS.DERIVEDRESULT" in define


def test_run_validates_its_own_output_without_errors(sample_run):
    import json

    for kind in ("sdtm", "adam"):
        report = json.loads((sample_run.out / "reports" / f"validation-{kind}.json").read_text(encoding="utf-8"))
        errors = [f for f in report["findings"] if f["severity"] == "error"]
        assert errors == [], errors[:3]
        assert (sample_run.out / "reports" / f"validation-{kind}.html").exists()
    codes = {i.code for i in sample_run.conversion.issues}
    assert "validation-summary" in codes


def test_define_and_data_agree(sample_run):
    """Every dataset and variable of the written files is in define.xml with the same name, label, type and
    length, and nothing in define.xml is missing from the data (SDTM and ADaM; read back from disk)."""
    from sdtm_convert.package.define.read import read_define
    from sdtm_convert.package.xsd import validate_define

    adam = sample_run.out / "m5" / "datasets" / "nct03745417" / "analysis" / "adam" / "datasets"
    for folder in (sdtm_dir(sample_run.out, "NCT03745417"), adam):
        assert validate_define(folder / "define.xml") == []
        define = read_define(folder / "define.xml")
        files = {p.stem.upper(): read_v5(p) for p in folder.glob("*.xpt")}
        assert set(define.datasets) == set(files)
        for name, member in files.items():
            dd = define.datasets[name]
            assert dd.label == member.info.label and dd.file == f"{name.lower()}.xpt"
            assert list(dd.variables) == [v.name for v in member.info.variables], name
            for v in member.info.variables:
                d = dd.variables[v.name]
                assert d.label == v.label, (name, v.name)
                assert (d.data_type in ("text", "datetime", "date", "time", "partialDate", "partialDatetime",
                                        "durationDatetime", "incompleteDatetime")) == (v.type == "Char"), (name, v.name)
                if d.data_type == "text":  # Define-XML 2.1 gives no Length for ISO 8601 date/time types
                    assert d.length == v.length, (name, v.name, d.length, v.length)


def test_define_xml_takes_the_sponsors_define_spec(sample_run):
    """mappings/nct03745417/define.yaml: MedDRA with the version of the coding export (ae_meddra.csv MEDDRA_V
    25.1) as def:ExternalCodeList, a dataset comment and a method with their document, in both define.xml."""
    from lxml import etree

    from sdtm_convert.package.layout import adam_dir

    ns = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}
    sdtm = etree.parse(str(sdtm_dir(sample_run.out, "NCT03745417") / "define.xml")).getroot()
    adam = etree.parse(str(adam_dir(sample_run.out, "NCT03745417") / "define.xml")).getroot()
    for root, var in ((sdtm, "IT.AE.AEDECOD"), (adam, "IT.ADAE.AEDECOD")):
        ext = root.find(".//odm:CodeList[@OID='CL.MEDDRA']/odm:ExternalCodeList", ns)
        assert ext.attrib == {"Dictionary": "MedDRA", "Version": "25.1"}
        assert root.find(f".//odm:ItemDef[@OID='{var}']/odm:CodeListRef", ns).get("CodeListOID") == "CL.MEDDRA"
        assert root.find(".//def:leaf[@ID='LF.PROTOCOL']", ns) is not None
    assert sdtm.find(".//odm:ItemDef[@OID='IT.AE.AEPTCD']/odm:CodeListRef", ns).get("CodeListOID") == "CL.MEDDRACD"
    assert sdtm.find(".//def:CommentDef[@OID='COM.AE.CODING']/def:DocumentRef", ns).get("leafID") == "LF.PROTOCOL"
    method = adam.find(".//odm:MethodDef[@OID='MT.ADAE.TRTEMFL']", ns)
    assert method.get("Name") == "Algorithm to derive ADAE.TRTEMFL"
    assert method.find("def:DocumentRef", ns).get("leafID") == "LF.PROTOCOL"
    assert [i for i in sample_run.conversion.issues if i.code.startswith("spec-define")] == []
