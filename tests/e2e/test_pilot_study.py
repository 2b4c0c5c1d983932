"""The README's second study (the CDISC pilot from pharmaverse's raw data, specs only) end to end,
through the command line: no error of the tool's own making, and no ADaM dataset without a source."""

import json

import pandas as pd
import pytest

from sdtm_convert.cli import main
from sdtm_convert.package.layout import adam_dir, sdtm_dir
from sdtm_convert.xpt import read_v5
from tests.e2e.conftest import ROOT

PILOT = ROOT / "sample_data" / "cdiscpilot01"


@pytest.fixture(scope="module")
def pilot_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pilot-run") / "build2"
    code = main(["run", str(PILOT), "--out", str(out), "--quiet"])
    report = json.loads((out / "reports" / "conversion-report.json").read_text(encoding="utf-8"))
    return code, out, report


def test_pilot_run_exits_0_with_0_errors(pilot_run):
    code, _, report = pilot_run
    errors = [f"{i['code']} {i.get('dataset')}: {i['message']}" for i in report["issues"] if i["severity"] == "error"]
    assert (code, report["counts"]["error"], errors) == (0, 0, [])


def test_adpasi_without_pasi_records_is_not_written_anywhere(pilot_run):
    _, out, report = pilot_run
    folder = adam_dir(out, "CDISCPILOT01")
    assert sorted(p.name for p in folder.glob("*.xpt")) == ["adae.xpt", "adsl.xpt"]
    assert sorted(p.name for p in folder.glob("*.json")) == ["adae.json", "adsl.json"]
    assert "ADPASI" not in (folder / "define.xml").read_text(encoding="utf-8")
    assert "adpasi" not in (out / "manifest.json").read_text(encoding="utf-8").lower()
    adam_validation = json.loads((out / "reports" / "validation-adam.json").read_text(encoding="utf-8"))
    assert [d["dataset"] for d in adam_validation["datasets"]] == ["ADAE", "ADSL"]
    skipped = [i["message"] for i in report["issues"] if i["code"] == "adam-dataset-skipped"]
    assert skipped == ["ADPASI not written: no PASI records in SDTM QS (QS was not converted)"]


def test_pilot_subject_elements_end_where_the_next_starts(pilot_run):
    _, out, _ = pilot_run
    se = pd.DataFrame(read_v5(sdtm_dir(out, "CDISCPILOT01") / "se.xpt").columns)
    # 01-701-1015 ended participation on the day of the last dose (2014-07-02T11:45): no follow-up element
    subject = se[se["USUBJID"] == "01-701-1015"]
    assert subject[["ETCD", "SESTDTC", "SEENDTC"]].values.tolist() == [
        ["SCRN", "2013-12-26", "2014-01-02"],
        ["PBO", "2014-01-02", "2014-07-02T11:45"],
    ]


def test_pilot_run_warns_only_about_what_the_raw_export_lacks(pilot_run):
    _, _, report = pilot_run
    warnings = [(i["code"], i.get("dataset"), i.get("variable")) for i in report["issues"] if i["severity"] == "warning"]
    assert warnings == [("adam-input-missing", "DM", "BRTHDTC")]  # no birth date in pharmaverse's dm_raw
    not_reached = {i["value"] for i in report["issues"] if i["code"] == "se-element-not-reached"}
    assert not_reached == {"HIE"}  # high dose stopped before week 24: left the treatment epoch early
