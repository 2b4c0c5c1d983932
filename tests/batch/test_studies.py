"""The studies of a batch without a cluster: folder names, the studies file's errors, the finding identity and the
changes between two portfolios."""

from __future__ import annotations

import pytest

from sdtm_convert.batch.findings import changes, identity
from sdtm_convert.batch.studies import Single, check, from_paths, from_yaml, names_for
from sdtm_convert.cli import failure
from sdtm_convert.cli import run as run_cli
from sdtm_convert.cli import validate as validate_cli
from sdtm_convert.errors import SdtmConvertError

RUN = Single("run", run_cli.add_arguments, run_cli.execute, failure)
VALIDATE = Single("validate", validate_cli.add_arguments, validate_cli.execute, failure)


def test_names_are_the_parts_that_differ_between_the_folders():
    assert names_for(["x/a/m5/d/s/tabulations/sdtm", "x/b/m5/d/s/tabulations/sdtm"]) == ["a", "b"]
    assert names_for(["x/a/m5/tabulations/sdtm", "x/a/m5/analysis/adam/datasets"]) == [
        "tabulations-sdtm", "analysis-adam-datasets"]
    assert names_for(["one/study 1"]) == ["study_1"]


def test_each_study_is_the_single_command_line_with_the_batch_options(tmp_path):
    run, = from_paths(RUN, ["raw/s1"], tmp_path, ["--no-adam"])
    assert run.argv == ("raw/s1", "--out", str(tmp_path / "s1"), "--no-adam")
    val, = from_paths(VALIDATE, ["pkg/sdtm"], tmp_path, ["--ct=2017-09-29"])
    assert val.argv == ("pkg/sdtm", *(f"--report-{k}={tmp_path / 'sdtm'}/validation.{k}" for k in
                                      ("json", "html", "xlsx")), "--ct=2017-09-29")


@pytest.mark.parametrize(("text", "message"), [
    ("studies: [{path: a, ct: '2017-09-29'}]", "study 1: ct is for batch validate, not batch run (a run takes its "
                                               "CT version from the spec's study.yaml ct_version)"),
    ("studies: [{path: a}, {spec: s}]", "study 2: no path:"),
    ("studies: [{path: a, colour: red}]", "study 1: unknown key colour"),
    ("study: []", "the file has no list `studies:`"),
])
def test_a_bad_studies_file_is_one_line_naming_the_study(tmp_path, text, message):
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SdtmConvertError) as ex:
        from_yaml(RUN, str(tmp_path / "s.yaml"), tmp_path / "out", [])
    assert ex.value.issue.code == "batch-studies-invalid" and ex.value.issue.message.startswith(message)


def test_studies_file_paths_are_relative_to_it_and_two_studies_may_not_share_an_output(tmp_path):
    (tmp_path / "s.yaml").write_text("studies:\n  - {path: raw/a, args: [--no-adam]}\n  - {path: raw/b, out: o}\n"
                                     "  - {path: raw/c, out: o}\n", encoding="utf-8")
    a, b, c = from_yaml(RUN, str(tmp_path / "s.yaml"), tmp_path / "out", [])
    assert a.argv == (str(tmp_path / "raw" / "a"), "--out", str(tmp_path / "out" / "a"), "--no-adam")
    assert b.out == str(tmp_path / "o")
    with pytest.raises(SdtmConvertError) as ex:
        check([a, b, c])
    assert ex.value.issue.code == "batch-out-shared"


def test_a_per_term_finding_is_identified_by_its_term_not_its_first_record():
    record = {"rule": "SC-CT-002", "dataset": "QS", "variable": "QSCAT", "usubjid": "S-1", "seq": 3.0, "value": "X"}
    assert identity("sdtm", record) == ("sdtm", "SC-CT-002", "QS", "QSCAT", "S-1", "3", "X")
    assert identity("sdtm", record | {"records": 12}) == ("sdtm", "SC-CT-002", "QS", "QSCAT", "", "", "X")


def test_changes_count_findings_of_the_same_identity():
    def study(*ids, status=0):
        return {"exit_status": status, "validation": [{"identities": [list(i) for i in ids]}]}

    before = study(("sdtm", "R1", "DM", "SEX", "S-1", "", "Q", 2), ("sdtm", "R2", "", "", "", "", "LB", 1))
    now = study(("sdtm", "R1", "DM", "SEX", "S-1", "", "Q", 3), ("sdtm", "R3", "AE", "AETERM", "S-2", "1", "", 1))
    got = changes(now, before)
    assert (got["new"], got["resolved"], got["persisting"]) == (2, 1, 2)
    assert [f["rule"] for f in got["new_findings"]] == ["R1", "R3"] and got["resolved_findings"][0]["value"] == "LB"
    assert changes(now, study(status=2)) is None


def test_a_batch_without_studies_is_a_usage_error_before_any_cluster_starts(tmp_path, capsys):
    from sdtm_convert.cli import main

    assert main(["batch", "run", "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err.strip() == ("error: [batch-usage] give the studies as folders or as --studies "
                                               "FILE.yaml (one of the two)")
    (tmp_path / "s.yaml").write_text("studies: [{path: a, args: [--no-such-option]}]", encoding="utf-8")
    assert main(["batch", "run", "--studies", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "unrecognized arguments: --no-such-option" in err and "error: [batch-study-args] study a: " in err
    assert not (tmp_path / "out").exists()
