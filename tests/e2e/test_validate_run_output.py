"""`validate` on what `run` writes: each dataset of the SDTM folder once (it holds XPT and Dataset-JSON of every
dataset), and our own define.xml files pass the define checks on their own."""

from __future__ import annotations

import json
import shutil

import pyreadstat
import pytest

from sdtm_convert.cli import main
from sdtm_convert.package.layout import adam_dir, sdtm_dir


def test_the_sdtm_folder_of_a_run_is_validated_once_per_dataset(sample_run, capsys):
    folder = sdtm_dir(sample_run.out, "NCT03745417")
    xpts = sorted(folder.glob("*.xpt"))
    assert len(xpts) == len(list(folder.glob("*.json")))  # run writes both formats of every dataset
    records = sum(len(pyreadstat.read_xport(str(p))[0]) for p in xpts)
    main(["validate", str(folder), "--json", "--rules", "SC-TECH-*"])
    summary = json.loads(capsys.readouterr().out)
    assert (summary["datasets"], summary["records"]) == (len(xpts), records)
    assert summary["notes"][0].startswith(f"{len(xpts)} datasets are present in more than one format; each was "
                                          "validated once, from its XPT file; not read: ae.json, dm.json, ")


@pytest.mark.parametrize("which", [sdtm_dir, adam_dir])
def test_our_own_define_passes_the_define_checks(sample_run, capsys, which):
    define = which(sample_run.out, "NCT03745417") / "define.xml"
    code = main(["validate", str(define), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert (code, summary["findings"], summary["standard"]) == (0, 0, "define-xml-2.1")


def test_a_runs_output_folder_is_refused_naming_its_packages(sample_run, capsys):
    """The run's root holds manifest.json, not a dataset: one line listing the packages to validate instead."""
    code = main(["validate", str(sample_run.out)])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "\n" not in err
    assert err == (f"error: [package-is-run-folder] {sample_run.out}: this is a run's output folder, not a package; "
                   f"its packages: sdtm-convert validate {adam_dir(sample_run.out, 'NCT03745417')}; "
                   f"sdtm-convert validate {sdtm_dir(sample_run.out, 'NCT03745417')}")


def test_validate_finds_the_adam_codelist_errors_that_run_reports(sample_run, tmp_path):
    """ADAE copies AESEV and AEOUT from SDTM AE: a value outside their codelists is an error in `run` (the ADAE
    schema check of run's ADaM stage) and, on the written ADaM folder, in `validate` (SC-CT-001): the same
    variables, the same values."""
    from sdtm_convert.package.datasetjson import read_dataset_json
    from sdtm_convert.rowschema import load_schema, validate_frame
    from sdtm_convert.validate import validate_package

    folder = adam_dir(sample_run.out, "NCT03745417")
    for p in folder.glob("*"):
        if p.suffix != ".xpt":  # the Dataset-JSON copies are the ones edited (as a vendor's package might hold)
            shutil.copy(p, tmp_path / p.name)
    doc = json.loads((tmp_path / "adae.json").read_text(encoding="utf-8"))
    names = [c["name"] for c in doc["columns"]]
    doc["rows"][0][names.index("AESEV")] = "HUGE"
    doc["rows"][1][names.index("AEOUT")] = "GONE"
    (tmp_path / "adae.json").write_text(json.dumps(doc), encoding="utf-8")

    frame, _ = read_dataset_json(tmp_path / "adae.json")
    in_run = sorted((i.variable or i.column, i.value) for i in validate_frame(frame, load_schema("ADAE"), dataset="ADAE")
                    if i.severity == "error")
    report = validate_package(tmp_path)
    errors = report.findings[report.findings["severity"] == "error"]
    in_validate = sorted(zip(errors["variable"], errors["value"], strict=True))
    assert in_run == in_validate == [("AEOUT", "GONE"), ("AESEV", "HUGE")]
    assert sorted(errors["rule"] + " " + errors["message"]) == [
        "SC-CT-001 Value not found in non-extensible codelist AESEV (CT 2025-03-25), 1 record",
        "SC-CT-001 Value not found in non-extensible codelist OUT (CT 2025-03-25), 1 record",
    ]
