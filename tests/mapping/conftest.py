"""A tiny two-form study written to a temp folder: raw CSVs and a mapping spec."""

import textwrap
from pathlib import Path

import pytest

STUDY_YAML = """\
studyid: TINY01
title: Tiny study
sponsor: Test
ct_version: "2025-03-25"
created: "2026-01-01T00:00:00"
arms:
  - {armcd: A, arm: Arm A, elements: [SCRN]}
elements:
  - {etcd: SCRN, element: Screening, epoch: SCREENING, start_rule: Informed consent}
visits:
  - {visitnum: 1, visit: SCREENING, visitdy: -7, window: [-14, -1], start_rule: Screening}
trial_summary:
  - {parmcd: SSTDTC, val: "2021-08-31"}
"""

RAW_YAML = """\
datasets:
  dm:
    files: [dm.csv]
    columns: [SUBJECT, SITE, GENDER]
    keys: [SUBJECT]
    subject: SUBJECT
  ae:
    files: [ae.csv]
    columns: [SUBJECT, AENO, TERM, SERIOUS]
    keys: [SUBJECT, AENO]
    subject: SUBJECT
  coding:
    files: [ae_coding.csv]
    columns: [SUBJECT, AENO, PT]
    subject: SUBJECT
"""

DM_YAML = """\
domain: DM
sources:
  - raw: dm
    variables:
      - {target: STUDYID, algorithm: hardcode_no_ct, value: TINY01}
      - {target: DOMAIN, algorithm: hardcode_no_ct, value: DM}
      - target: USUBJID
        algorithm: concat
        parts: [{value: TINY01}, {column: SITE}, {column: SUBJECT}]
        sep: "-"
      - {target: SUBJID, algorithm: assign_no_ct, column: SUBJECT}
      - {target: SITEID, algorithm: assign_no_ct, column: SITE}
      - {target: SEX, algorithm: assign_ct, column: GENDER, codelist: SEX}
"""

AE_YAML = """\
domain: AE
sources:
  - raw: ae
    join: [{raw: coding, by: [SUBJECT, AENO]}]
    where: {column: TERM, op: not_empty}
    excluded_reason: no adverse event term
    variables:
      - {target: STUDYID, algorithm: hardcode_no_ct, value: TINY01}
      - {target: DOMAIN, algorithm: hardcode_no_ct, value: AE}
      - target: USUBJID
        algorithm: concat
        parts: [{value: TINY01}, {value: "01"}, {column: SUBJECT}]
        sep: "-"
      - {target: AETERM, algorithm: assign_no_ct, column: TERM}
      - {target: AEDECOD, algorithm: assign_no_ct, column: PT}
      - {target: AESER, algorithm: assign_ct, column: SERIOUS, codelist: NY}
"""


def write_study(root: Path, files: dict[str, str]) -> tuple[Path, Path]:
    raw, spec = root / "raw", root / "spec"
    raw.mkdir(exist_ok=True)
    spec.mkdir(exist_ok=True)
    for name, text in files.items():
        target = spec if name.endswith(".yaml") else raw
        (target / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return raw, spec


@pytest.fixture
def tiny(tmp_path):
    files = {
        "study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": AE_YAML,
        "dm.csv": "SUBJECT,SITE,GENDER\n001,01,Female\n002,01,m\n003,01,F\n",
        "ae.csv": "SUBJECT,AENO,TERM,SERIOUS\n001,1,Headache,No\n001,2,,No\n002,1,Pyrexia,Yes\n009,1,Rash,No\n",
        "ae_coding.csv": "SUBJECT,AENO,PT\n001,1,Headache\n002,1,Pyrexia\n005,1,Nausea\n",
    }
    return write_study(tmp_path, files), files
