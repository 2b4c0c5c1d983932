"""The one date in a run's files is the package date from study.yaml `created`, labelled as such; the real
start time of the run is printed on the console only."""

import json
import re

from sdtm_convert.cli import main
from sdtm_convert.spec.study import study_from_dict
from tests.e2e.conftest import SAMPLE, SPEC

PACKAGE_DATE = "2026-11-25T00:00:00"  # `created` in mappings/nct03745417/study.yaml


def _json(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_json_reports_and_manifest_name_the_date_a_package_date_and_its_source(sample_run):
    out = sample_run.out
    study = _json(out / "reports" / "conversion-report.json")["study"]
    manifest = _json(out / "manifest.json")
    for doc in (study, manifest):
        assert (doc["package_date"], doc["package_date_source"]) == (PACKAGE_DATE, "study.yaml created")
        assert "created" not in doc
    for kind in ("sdtm", "adam"):
        run = _json(out / "reports" / f"validation-{kind}.json")["run"]
        assert (run["package_date"], run["package_date_source"], run["started"]) == \
            (PACKAGE_DATE, "study.yaml created", None)


def test_html_reports_label_the_date_as_the_package_date_not_a_run_date(sample_run):
    reports = sample_run.out / "reports"
    for name in ("conversion-report.html", "analysis-summary.html", "validation-sdtm.html", "validation-adam.html"):
        html = (reports / name).read_text(encoding="utf-8")
        flat = " ".join(html.split())
        assert f"ackage date {PACKAGE_DATE} (from study.yaml created" in flat, name
        assert "run date" not in flat and "Generated" not in flat and "started" not in flat, name
    for define in sample_run.out.rglob("define.html"):
        assert f"file date (ODM CreationDateTime) {PACKAGE_DATE}" in define.read_text(encoding="utf-8")


def test_a_study_without_created_says_its_package_date_is_a_default():
    study = study_from_dict({"studyid": "S1"})
    assert (study.created, study.package_date_source) == (
        "2026-01-01T00:00:00", "default (study.yaml states no created)")


def test_run_prints_its_real_start_time_once_on_the_console_and_in_no_file(tmp_path, capsys):
    out = tmp_path / "b"
    assert main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(out), "--no-adam", "--formats", "xpt"]) == 0
    err = capsys.readouterr().err
    stamps = re.findall(r"started (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d) UTC", err)
    assert len(stamps) == 1
    day, clock = stamps[0]
    assert day != PACKAGE_DATE[:10] or clock != "00:00:00"  # the clock, not the package date
    for f in out.rglob("*"):
        if f.is_file():
            data = f.read_bytes()
            assert f"{day} {clock}".encode() not in data and f"{day}T{clock}".encode() not in data, f
