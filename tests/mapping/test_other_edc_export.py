"""An export from another EDC, converted with the spec language alone: dates YYYY/MM/DD with UK for unknown
parts, codes decoded from the export's own codebook, birth year only, dose per kg times a weight."""

from sdtm_convert.pipeline import convert
from tests.mapping.conftest import STUDY_YAML, write_study

RAW_YAML = """\
datasets:
  dm:
    files: [dm.csv]
    columns: [SUBJ, GENDER, BRTHYR, FIRSTDOSE]
    keys: [SUBJ]
    subject: SUBJ
  ex:
    files: [ex.csv]
    columns: [SUBJ, VISIT, EXDAT, DOSEMGKG, WEIGHT]
    keys: [SUBJ, VISIT]
    subject: SUBJ
  codebook:
    files: [codebook.csv]
    columns: [FIELD, CODE, DECODE]
"""

DM_YAML = """\
domain: DM
dates: {format: YYYY/MM/DD, unknown: [UK, UNK]}
sources:
  - raw: dm
    variables:
      - {target: STUDYID, algorithm: hardcode_no_ct, value: TINY01}
      - {target: DOMAIN, algorithm: hardcode_no_ct, value: DM}
      - {target: USUBJID, algorithm: concat, parts: [{value: TINY01}, {column: SUBJ}], sep: "-"}
      - {target: SUBJID, algorithm: assign_no_ct, column: SUBJ}
      - target: SEX
        algorithm: assign_ct
        column: GENDER
        codelist: SEX
        map_from: {raw: codebook, field: GENDER, code: CODE, decode: DECODE}
      - {target: RFSTDTC, algorithm: assign_datetime, date: FIRSTDOSE}
      - {target: AGE, algorithm: age, birth_year: BRTHYR, reference: {target: RFSTDTC}, impute: mid-year}
"""

EX_YAML = """\
domain: EX
dates: {format: YYYY/MM/DD, unknown: [UK, UNK]}
sources:
  - raw: ex
    variables:
      - {target: STUDYID, algorithm: hardcode_no_ct, value: TINY01}
      - {target: DOMAIN, algorithm: hardcode_no_ct, value: EX}
      - {target: USUBJID, algorithm: concat, parts: [{value: TINY01}, {column: SUBJ}], sep: "-"}
      - {target: EXTRT, algorithm: hardcode_no_ct, value: DRUG}
      - {target: EXSTDTC, algorithm: assign_datetime, date: EXDAT}
      - {target: __WEIGHT, algorithm: assign_number, column: WEIGHT}
      - target: EXDOSE
        algorithm: compute
        op: multiply
        args: [{column: DOSEMGKG}, {target: __WEIGHT}]
        decimals: 1
"""


def test_an_export_from_another_edc_maps_without_helper_tables(tmp_path):
    files = {
        "study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ex.yaml": EX_YAML,
        "dm.csv": "SUBJ,GENDER,BRTHYR,FIRSTDOSE\n001,2,1980,2021/03/04\n002,1,1975,2021/08/01\n003,7,1990,2021/02/30\n",
        "ex.csv": "SUBJ,VISIT,EXDAT,DOSEMGKG,WEIGHT\n001,1,2021/03/04,0.5,70.2\n002,1,2021/UK/UK,0.25,\n",
        "codebook.csv": "FIELD,CODE,DECODE\nGENDER,1,Male\nGENDER,2,Female\nRACE,1,White\n",
    }
    raw_dir, spec_dir = write_study(tmp_path, files)
    conv = convert(raw_dir, spec_dir)
    dm, ex = conv.sdtm["DM"], conv.sdtm["EX"]
    assert dm["SEX"].tolist() == ["F", "M", "7"] and dm["RFSTDTC"].tolist() == ["2021-03-04", "2021-08-01", ""]
    assert dm["AGE"].fillna(-1).tolist() == [40.0, 46.0, -1]
    assert ex["EXSTDTC"].tolist() == ["2021-03-04", "2021"] and ex["EXDOSE"].fillna(-1).tolist() == [35.1, -1]
    assert "__WEIGHT" not in ex.columns
    found = sorted((i.code, i.file, i.row, i.column) for i in conv.issues if i.severity != "info")
    assert ("codebook-code-unknown", "dm.csv", 3, "GENDER") in found
    assert ("date-nonexistent", "dm.csv", 3, "FIRSTDOSE") in found
    imputed = [i for i in conv.issues if i.code == "age-birth-date-imputed"]
    assert sorted(i.value for i in imputed) == ["1975-07-01", "1980-07-01"]
    rec = conv.reconciliation.set_index("file")
    assert rec.loc["codebook.csv", "rows_unaccounted"] == 0
