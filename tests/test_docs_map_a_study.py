"""docs/map-a-study.md: its raw.yaml and domain specs, as written on the page, convert an export of that shape."""

import re
from pathlib import Path

import yaml

from sdtm_convert.pipeline import convert
from tests.mapping.conftest import STUDY_YAML, write_study

PAGE = Path(__file__).resolve().parents[1] / "docs" / "map-a-study.md"


def _blocks():
    return re.findall(r"```yaml\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)


def test_the_walkthrough_specs_convert_the_export_they_describe(tmp_path):
    blocks = _blocks()
    raw = next(b for b in blocks if b.startswith("datasets:"))
    domains = {yaml.safe_load(b)["domain"].lower(): b for b in blocks if b.startswith("domain:")}
    assert sorted(domains) == ["dm", "ex"]
    files = {"study.yaml": STUDY_YAML, "raw.yaml": raw, **{f"{d}.yaml": text for d, text in domains.items()},
             "dm.csv": "SUBJ,GENDER,BRTHYR,FIRSTDOSE\n001,2,1980,2021/03/04\n002,1,1975,2021/UK/UK\n",
             "ex.csv": "SUBJ,VISIT,EXDAT,DOSEMGKG,WEIGHT\n001,1,2021/03/04,0.5,70.2\n002,1,2021/02/30,0.25,80\n",
             "codebook.csv": "FIELD,CODE,DECODE\nGENDER,1,Male\nGENDER,2,Female\n"}
    raw_dir, spec_dir = write_study(tmp_path, files)
    conv = convert(raw_dir, spec_dir)
    dm, ex = conv.sdtm["DM"], conv.sdtm["EX"]
    assert dm["SEX"].tolist() == ["F", "M"] and dm["RACE"].tolist() == ["NOT REPORTED"] * 2
    assert dm["BRTHDTC"].tolist() == ["1980", "1975"] and dm["AGE"].fillna(-1).tolist() == [40.0, -1]
    assert ex["EXDOSE"].tolist() == [35.1, 20.0] and ex["EXSTDTC"].tolist() == ["2021-03-04", ""]
    assert ("date-nonexistent", "ex.csv", 2) in {(i.code, i.file, i.row) for i in conv.issues}
