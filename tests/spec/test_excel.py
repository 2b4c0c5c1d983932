"""Spec workbooks: YAML spec → xlsx → YAML spec loses nothing; define sheets round trip; clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.mapping.excel import export_spec, import_spec, read_define, write_define
from sdtm_convert.spec import define_spec as ds
from sdtm_convert.spec.model import load_spec

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"


def same_data(a, b) -> bool:
    """Equal data with equal types (2 is not 2.0, True is not 1)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return set(a) == set(b) and all(same_data(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_data(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("study", ["nct03745417", "cdiscpilot01", "otheredc01"])
def test_spec_to_xlsx_to_spec_keeps_every_value(tmp_path, study):
    src = MAPPINGS / study
    xlsx = export_spec(src, tmp_path / "spec.xlsx")
    first = xlsx.read_bytes()
    assert export_spec(src, tmp_path / "again.xlsx").read_bytes() == first  # deterministic bytes
    out = tmp_path / "spec"
    written = import_spec(xlsx, out)
    assert sorted(p.name for p in written) == sorted(p.name for p in src.glob("*.yaml"))
    for path in sorted(src.glob("*.yaml")):
        original = yaml.safe_load(path.read_text(encoding="utf-8"))
        back = yaml.safe_load((out / path.name).read_text(encoding="utf-8"))
        assert same_data(original, back), path.name
    assert [d.domain for d in load_spec(out).domains] == [d.domain for d in load_spec(src).domains]
    # and the workbook written from the imported spec is the same workbook
    assert export_spec(out, tmp_path / "third.xlsx").read_bytes() == first


def test_mapping_sheet_has_one_row_per_target_with_parameter_columns(tmp_path):
    wb = load_workbook(export_spec(MAPPINGS / "nct03745417", tmp_path / "s.xlsx"), read_only=True)
    rows = list(wb["Mapping"].iter_rows(values_only=True))
    head = list(rows[0])
    recs = [dict(zip(head, r)) for r in rows[1:]]
    aesev = next(r for r in recs if r["File"] == "ae" and r["Target"] == "AESEV")
    assert (aesev["Algorithm"], aesev["Column"], aesev["Codelist"]) == ("assign_ct", "AESEV", "AESEV")
    enrtpt = next(r for r in recs if r["Target"] == "AEENRTPT")
    assert yaml.safe_load(enrtpt["Cases"]) == [
        {"when": {"column": "AEONGO", "op": "eq", "value": "Yes"}, "then": {"value": "ONGOING"}}
    ]
    item = next(r for r in recs if r["Target"] == "__PASI_ITEM")
    assert yaml.safe_load(item["Table"])[0] == {"REGION": "Head/Neck", "COMPONENT": "E", "value": 1}
    sources = [dict(zip(rows_[0], r)) for rows_ in [list(wb["Sources"].iter_rows(values_only=True))] for r in rows_[1:]]
    assert yaml.safe_load(next(s for s in sources if s["File"] == "ae")["Join"]) == [
        {"raw": "ae_meddra", "by": ["SUBJECT", "AENO"]}
    ]
    assert "keep_empty" in next(s for s in sources if s["File"] == "pasi")["Transpose"]
    wb.close()


def _define() -> ds.DefineSpec:
    return ds.DefineSpec(
        study={"StudyName": "CDISCPILOT01", "StandardName": "SDTMIG", "StandardVersion": "3.4"},
        datasets=[
            ds.DatasetDef(
                "VS",
                "Vital Signs",
                "FINDINGS",
                "One record per vital sign measurement per visit",
                "Tabulation",
                "STUDYID, USUBJID, VSTESTCD, VISITNUM, VSTPTNUM",
                comment="COM.VS",
            )
        ],
        variables=[
            ds.VariableDef(
                "VS", "VSTESTCD", 1, "Vital Signs Test Short Name", "text", 8, codelist="CL.VSTESTCD", origin="Assigned"
            ),
            ds.VariableDef("VS", "VSPOS", 2, "Vital Signs Position of Subject", "text", 8, origin="Collected"),
            ds.VariableDef("VS", "VSORRES", 3, "Result or Finding in Original Units", "text", 20, origin="Collected"),
            ds.VariableDef(
                "VS",
                "VSSTRESN",
                4,
                "Numeric Result/Finding in Std Units",
                "float",
                8,
                2,
                origin="Derived",
                method="MT.VSSTRESN",
            ),
        ],
        value_level=[
            ds.ValueLevelDef(
                "VS",
                "VSORRES",
                "WC.SYSBP.STANDING",
                1,
                data_type="integer",
                length=3,
                origin="Collected",
                comment="COM.BP",
            ),
            ds.ValueLevelDef(
                "VS", "VSORRES", "WC.TEMP", 2, data_type="float", length=5, significant_digits=1, origin="Collected"
            ),
        ],
        where_clauses=[
            ds.WhereClause(
                "WC.SYSBP.STANDING",
                [
                    ds.WhereCondition("VS", "VSTESTCD", "EQ", ["SYSBP"]),
                    ds.WhereCondition("VS", "VSPOS", "IN", ["STANDING", "SITTING"]),
                ],
            ),
            ds.WhereClause("WC.TEMP", [ds.WhereCondition("VS", "VSTESTCD", "EQ", ["TEMP"])]),
        ],
        codelists=[
            ds.Codelist(
                "CL.VSTESTCD",
                "Vital Signs Test Code",
                "C66741",
                "text",
                [
                    ds.CodelistTerm("SYSBP", 1, "C25298", "Systolic Blood Pressure"),
                    ds.CodelistTerm("TEMP", 2, "C25206", "Temperature"),
                ],
            ),
            ds.Codelist("CL.MEDDRA", "MedDRA", data_type="text"),
        ],
        dictionaries=[ds.DictionaryDef("CL.WHODD", "WHODrug", "text", "WHODD", "", "cm_coding.WHODD_V")],
        methods=[
            ds.MethodDef(
                "MT.VSSTRESN",
                "Unit conversion",
                "Computation",
                "F to C: (x - 32) * 5 / 9",
                document="DOC.SAP",
                pages="12",
            )
        ],
        comments=[
            ds.CommentDef("COM.VS", "Blood pressure in three positions"),
            ds.CommentDef("COM.BP", "Standing 1 and 3 min"),
        ],
        documents=[ds.DocumentDef("DOC.SAP", "Statistical Analysis Plan", "sap.pdf")],
    )


def test_define_sheets_round_trip_with_composite_where_clauses(tmp_path):
    spec = _define()
    path = write_define(spec, tmp_path / "define.xlsx")
    back = read_define(path)
    assert back == spec
    clause = back.where_clause("WC.SYSBP.STANDING")
    assert [(c.variable, c.comparator, c.values) for c in clause.conditions] == [
        ("VSTESTCD", "EQ", ["SYSBP"]),
        ("VSPOS", "IN", ["STANDING", "SITTING"]),
    ]
    assert ds.DefineSpec.from_dict(back.to_dict()) == spec


def test_a_workbook_without_the_dictionaries_sheet_reads_as_having_none(tmp_path):
    path = _edit(write_define(_define(), tmp_path / "define.xlsx"), lambda wb: wb.remove(wb["Dictionaries"]))
    back = read_define(path)
    assert back.dictionaries == [] and back.variables == _define().variables
    wb = load_workbook(write_define(_define(), tmp_path / "again.xlsx"), read_only=True)
    rows = list(wb["Dictionaries"].iter_rows(values_only=True))
    wb.close()
    assert rows == [("ID", "Name", "Data Type", "Dictionary", "Version", "Version From"),
                    ("CL.WHODD", "WHODrug", "text", "WHODD", None, "cm_coding.WHODD_V")]


def test_define_metadata_travels_with_the_mapping_spec(tmp_path):
    folder = tmp_path / "study"
    shutil.copytree(MAPPINGS / "cdiscpilot01", folder)
    (folder / "define.yaml").write_text(yaml.safe_dump(_define().to_dict(), sort_keys=False), encoding="utf-8")
    load_spec(folder)  # define.yaml is not a domain spec
    out = tmp_path / "back"
    import_spec(export_spec(folder, tmp_path / "s.xlsx"), out)
    assert ds.DefineSpec.from_dict(yaml.safe_load((out / "define.yaml").read_text(encoding="utf-8"))) == _define()


def _edit(path: Path, fn) -> Path:
    from openpyxl import load_workbook as lw

    wb = lw(path)
    fn(wb)
    wb.save(path)
    return path


def _error(fn) -> dict:
    with pytest.raises(SdtmConvertError) as exc:
        fn()
    issue = exc.value.issue
    assert issue.row is None  # a sheet row is not a data row
    return {"code": issue.code, "row": issue.extra.get("sheet_row"), "column": issue.column, "file": issue.file}


def test_missing_sheet_is_named(tmp_path):
    path = _edit(export_spec(MAPPINGS / "nct03745417", tmp_path / "s.xlsx"), lambda wb: wb.remove(wb["Mapping"]))
    err = _error(lambda: import_spec(path, tmp_path / "out"))
    assert err == {"code": "xlsx-sheet-missing", "row": None, "column": "Mapping", "file": str(path)}
    assert not (tmp_path / "out").exists()  # nothing written


def test_unknown_column_names_sheet_row_and_column(tmp_path):
    def add(wb):
        wb["Mapping"].cell(row=1, column=wb["Mapping"].max_column + 1, value="Algoritm")

    path = _edit(export_spec(MAPPINGS / "nct03745417", tmp_path / "s.xlsx"), add)
    assert _error(lambda: import_spec(path, tmp_path / "out"))["column"] == "Mapping!Algoritm"
    err = _error(lambda: import_spec(path, tmp_path / "out"))
    assert (err["code"], err["row"]) == ("xlsx-column-unknown", 1)


def test_bad_yaml_cell_names_its_row(tmp_path):
    def spoil(wb):
        ws = wb["Mapping"]
        col = [c.value for c in ws[1]].index("Cases") + 1
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col).value)
        ws.cell(row=row, column=col, value="[{when: {column: X")
        spoil.row = row

    path = _edit(export_spec(MAPPINGS / "nct03745417", tmp_path / "s.xlsx"), spoil)
    err = _error(lambda: import_spec(path, tmp_path / "out"))
    assert (err["code"], err["row"], err["column"]) == ("xlsx-value-invalid", spoil.row, "Mapping!Cases")


def test_bad_codelist_reference(tmp_path):
    spec = _define()
    spec.variables[0].codelist = "CL.NOPE"
    path = write_define(spec, tmp_path / "d.xlsx")
    err = _error(lambda: read_define(path))
    assert err == {"code": "xlsx-reference-unknown", "row": 2, "column": "Variables!Codelist", "file": str(path)}


def test_where_clause_reading_an_unknown_variable(tmp_path):
    spec = _define()
    spec.where_clauses[0].conditions[1].variable = "VSPOSX"
    path = write_define(spec, tmp_path / "d.xlsx")
    err = _error(lambda: read_define(path))
    assert err == {"code": "xlsx-reference-unknown", "row": 3, "column": "WhereClauses!Variable", "file": str(path)}


def test_hand_typed_single_value_comparator_keeps_its_comma(tmp_path):
    """A comparator typed in lower case (``eq``) still takes the whole cell as one value, comma and all."""

    def retype(wb):
        ws = wb["WhereClauses"]
        head = [c.value for c in ws[1]]
        ws.cell(row=2, column=head.index("Comparator") + 1, value=" eq")
        ws.cell(row=2, column=head.index("Value") + 1, value="SYSBP, STANDING")

    path = _edit(write_define(_define(), tmp_path / "d.xlsx"), retype)
    first = read_define(path).where_clauses[0].conditions[0]
    assert (first.comparator, first.values) == ("EQ", ["SYSBP, STANDING"])


def test_a_define_text_that_looks_like_a_formula_is_written_as_text_and_read_back_exactly(tmp_path):
    spec = _define()
    spec.variables[1].label = "=1+1"
    spec.variables[2].label = "-5 mmHg"
    path = write_define(spec, tmp_path / "define.xlsx")
    wb = load_workbook(path)
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    odd = [c for c in cells if c.value in ("=1+1", "-5 mmHg")]
    assert sorted((c.value, c.data_type, c.quotePrefix) for c in odd) == [("-5 mmHg", "s", True), ("=1+1", "s", True)]
    assert not [c for c in cells if c.data_type == "f"]
    assert read_define(path) == spec


def test_the_spec_language_for_other_exports_round_trips_through_a_workbook(tmp_path):
    """Every algorithm parameter has its Mapping column (from the descriptors): codebooks, bands, compute,
    age, targets as inputs and file-level date defaults come back as they were."""
    from tests.mapping.conftest import STUDY_YAML
    from tests.mapping.test_other_edc_export import DM_YAML, EX_YAML, RAW_YAML

    src = tmp_path / "src"
    src.mkdir()
    ex = EX_YAML + ("      - {target: __AREA, algorithm: assign_number, column: {target: __WEIGHT}, "
                    "bands: [[0, 0, 0], [0, 10, 1], [10, 101, 2]], closed: left}\n")
    for name, text in {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ex.yaml": ex}.items():
        (src / name).write_text(text, encoding="utf-8")
    out = tmp_path / "back"
    import_spec(export_spec(src, tmp_path / "s.xlsx"), out)
    for name in ("dm.yaml", "ex.yaml"):
        original = yaml.safe_load((src / name).read_text(encoding="utf-8"))
        back = yaml.safe_load((out / name).read_text(encoding="utf-8"))
        assert same_data(original, back), name
    wb = load_workbook(tmp_path / "s.xlsx", read_only=True)
    head = next(wb["Mapping"].iter_rows(values_only=True))
    assert {"MapFrom", "Bands", "Closed", "Op", "Args", "BirthYear", "Reference", "Impute", "Unknown"} <= set(head)
    assert "Extra" == head[-1]
