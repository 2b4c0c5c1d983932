"""`sdtm-convert validate` on the console: progress on stderr, one summary line per rule × message, no empty
parentheses, --json and --quiet, report paths checked before any data is read.

Input: the CDISC pilot SDTM files in tests/data/validate (provenance in its README.md); what they hold is known
from the pilot itself: 52 screen failures coded 'Scrnfail' (ARMCD and ACTARMCD), 12 subjects treated with another
arm than planned, no AE/LB/VS/EX datasets in this subset."""

from __future__ import annotations

import argparse
import json
import re

from sdtm_convert.cli import main
from tests.validate.conftest import DATA

CT = ["--ct", "2025-03-25"]


def _validate(capsys, *args: str, folder=DATA) -> tuple[int, str, list[str]]:
    code = main(["validate", str(folder), *CT, *args])
    out, err = capsys.readouterr()
    return code, out, err.splitlines()


def _without_placebo_arm(tmp_path):
    """The pilot subset with the placebo arm ('Pbo') taken out of TA: 86 DM subjects then name an arm that
    TA does not have (SD0066, an error)."""
    import shutil

    import pyreadstat

    folder = tmp_path / "pkg"
    shutil.copytree(DATA, folder)
    ta, meta = pyreadstat.read_xport(str(DATA / "ta.xpt"))
    pyreadstat.write_xport(ta[ta["ARMCD"] != "Pbo"], str(folder / "ta.xpt"), file_format_version=5,
                           table_name="TA", file_label=meta.file_label, column_labels=meta.column_labels)
    return folder


def _lines(out: str, rule: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(rf"\s+\w+\s+{rule}\s", line)]


def test_one_rule_saying_different_things_gets_one_line_per_message(capsys):
    _, out, _ = _validate(capsys)
    lines = _lines(out, "SC-CT-002")
    where = {line.rsplit("  (", 1)[1].rstrip(")"): line for line in lines}
    assert {"DS.DSDECOD", "TS.TSVCDREF", "TS.TSPARM", "TS.TSPARMCD"} <= set(where)
    assert "codelist DICTNAM" in where["TS.TSVCDREF"] and "codelist TSPARM " in where["TS.TSPARM"]
    assert "codelist NCOMPLT/PROTMLST/OTHEVENT" in where["DS.DSDECOD"]
    assert not any("DS" in line and "TS" in line.rsplit("  (", 1)[1] for line in lines)


def test_summary_lines_name_dataset_and_variable_and_count(capsys):
    _, out, _ = _validate(capsys)
    (line,) = _lines(out, "SC-CONS-034")
    assert re.search(r"\[SD2236\]\s+12  ACTARMCD does not equal ARMCD  \(DM\.ACTARMCD\)$", line)
    (line,) = _lines(out, "SC-CONS-036")  # no P21 id: no brackets
    assert re.search(r"SC-CONS-036\s+52  Reserved arm code not in upper case  \(DM\.ARMCD\)$", line)
    assert _lines(out, "SC-XREF-002") == []  # 'Scrnfail' is the exception SCRNFAIL, in the wrong case


def test_package_level_findings_print_no_empty_parentheses(capsys):
    _, out, _ = _validate(capsys)
    assert "()" not in out
    (line,) = _lines(out, "SC-PRES-020")
    assert line.endswith("  Missing AE dataset")


def test_more_lines_than_shown_are_counted_not_dropped(capsys):
    _, out, _ = _validate(capsys)
    shown = [line for line in out.splitlines() if re.match(r"\s+(error|warning|notice)\s+SC-", line)]
    more = re.search(r"\.\.\. and (\d+) more rule/message lines", out)
    assert len(shown) == 15 and more
    code, js, _ = _validate(capsys, "--json")
    assert len(json.loads(js)["by_rule"]) == 15 + int(more.group(1))


def test_progress_per_stage_goes_to_stderr(capsys, tmp_path):
    report = tmp_path / "r.json"
    code, out, err = _validate(capsys, "--report-json", str(report))
    stages = [re.sub(r"^\[\s*[\d.]+s\] ", "", line) for line in err]
    assert code == 0 and len(stages) == 3  # warnings only: 'Scrnfail' is the exception SCRNFAIL in another case
    assert stages[0] == f"read 7 datasets (992 records) from {DATA}; define.xml: none"
    assert re.fullmatch(r"checked 7 datasets against \d+ sdtmig-3.4 rules \(CT 2025-03-25\): [\d,]+ findings",
                        stages[1])
    assert stages[2] == f"wrote the JSON report {report}"
    assert out.splitlines()[-1].endswith("finding(s)") and not any(line.startswith("[") for line in out.splitlines())


def test_json_prints_a_machine_summary_and_no_progress(capsys, tmp_path):
    report = tmp_path / "r.json"
    code, out, err = _validate(capsys, "--json", "--report-json", str(report))
    summary = json.loads(out)
    full = json.loads(report.read_text(encoding="utf-8"))
    assert err == [] and code == 0
    assert (summary["status"], summary["exit_status"], summary["datasets"], summary["records"]) == ("passed", 0, 7, 992)
    assert summary["reports"] == {"json": str(report)}
    assert summary["by_severity"] == full["counts"]["by_severity"]
    assert summary["errors"] == full["counts"]["errors"] and summary["findings"] == full["counts"]["findings"]
    assert sum(r["count"] for r in summary["by_rule"]) == summary["findings"]
    case = next(r for r in summary["by_rule"] if r["rule"] == "SC-CONS-036")
    assert (case["count"], case["where"], case["p21_id"]) == (52, ["DM.ARMCD"], None)
    code, out, _ = _validate(capsys, "--json", folder=_without_placebo_arm(tmp_path))
    summary = json.loads(out)
    assert (code, summary["status"], summary["exit_status"]) == (1, "failed", 1)
    xref = next(r for r in summary["by_rule"] if r["rule"] == "SC-XREF-002")
    assert (xref["count"], xref["where"], xref["p21_id"]) == (86, ["DM.ARMCD"], "SD0066")


def test_quiet_with_errors_prints_only_the_count_line_on_stderr(capsys, tmp_path):
    code, out, err = _validate(capsys, "--quiet", folder=_without_placebo_arm(tmp_path))
    assert code == 1 and out == ""
    assert len(err) == 1 and re.fullmatch(r"\d+ error\(s\), \d+ warning\(s\), \d+ finding\(s\)", err[0])


def test_a_report_in_a_missing_folder_is_one_line_exit_2_before_any_data_is_read(capsys, tmp_path):
    target = tmp_path / "no-such-folder" / "r.html"
    code, out, err = _validate(capsys, "--report-json", str(tmp_path / "ok.json"), "--report-html", str(target))
    assert code == 2 and out == ""
    assert err == [f"error: [report-path-unusable] --report-html {target}: folder {target.parent} does not exist"]
    assert not (tmp_path / "ok.json").exists()


def test_a_report_path_that_is_a_folder_is_refused_before_reading(capsys, tmp_path):
    code, out, err = _validate(capsys, "--report-xlsx", str(tmp_path))
    assert code == 2 and err == [f"error: [report-path-unusable] --report-xlsx {tmp_path}: is a folder, not a file"]


def test_a_report_under_a_file_is_refused_before_reading(capsys, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    code, out, err = _validate(capsys, "--report-json", str(blocker / "r.json"))
    assert code == 2 and err == [f"error: [report-path-unusable] --report-json {blocker / 'r.json'}: "
                                 f"{blocker} is not a folder"]


def test_every_validate_option_has_help_with_its_default():
    from sdtm_convert.validate.cli import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = {a.option_strings[0]: a.help or "" for a in parser._actions if a.option_strings and a.dest != "help"}
    assert set(options) == {"--define", "--standard", "--ct", "--encoding", "--report-json", "--report-xlsx",
                            "--report-html", "--quiet", "--json"}
    assert [o for o, text in options.items() if "default" not in text] == []


def test_per_term_findings_share_one_line_with_their_record_total(capsys):
    """CT findings are one per term, each message ending in its own record count: the summary does not split
    on that count, and says how many records the terms stand for."""
    _, out, _ = _validate(capsys)
    (line,) = [x for x in _lines(out, "SC-CT-002") if "TS.TSVCDREF" in x]
    assert re.search(r"\s3  Value not found in extensible codelist DICTNAM \(CT 2025-03-25\) \(10 records\)  \(TS\.TSVCDREF\)$",
                     line)
    _, js, _ = _validate(capsys, "--json")
    (row,) = [r for r in json.loads(js)["by_rule"] if r["where"] == ["TS.TSVCDREF"]]
    assert (row["count"], row["records"]) == (3, 10)
