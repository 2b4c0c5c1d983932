"""`sdtm-convert validate` on the console: progress on stderr, one summary line per root cause or rule × message, no empty
parentheses, --json and --quiet, report paths checked before any data is read.

Input: the CDISC pilot SDTM files in tests/data/validate (provenance in its README.md); what they hold is known
from the pilot itself: 52 screen failures coded 'Scrnfail' (ARMCD and ACTARMCD), 12 subjects treated with another
arm than planned, no AE/LB/VS/EX datasets in this subset."""

from __future__ import annotations

import argparse
import json
import re

import pytest

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
    _, out, _ = _validate(capsys, "--rules-source", "p21")  # (with CORE's rules too, their lines crowd these out)
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
    assert re.search(r"SC-CONS-036\s+52  DM\.ARMCD 'Scrnfail' is exception value 'SCRNFAIL' in another case: "
                     r"Reserved arm code not in upper case  \(DM\.ARMCD\)$", line)
    assert _lines(out, "SC-XREF-002") == []  # 'Scrnfail' is the exception SCRNFAIL, in the wrong case


def test_package_level_findings_print_no_empty_parentheses(capsys):
    _, out, _ = _validate(capsys)
    assert "()" not in out
    _, out, _ = _validate(capsys, "--rules-source", "p21")  # (with CORE's rules too, their lines crowd it out)
    assert "()" not in out
    (line,) = _lines(out, "SC-PRES-020")
    assert line.endswith("  Missing AE dataset")


def test_more_lines_than_shown_are_counted_not_dropped(capsys, tmp_path):
    _, out, _ = _validate(capsys, "--report-json", str(tmp_path / "r.json"))
    shown = [line for line in out.splitlines() if re.match(r"\s+(error|warning|notice)\s+(SC-|CORE-|\d+ rules)", line)]
    more = re.search(r"\.\.\. and (\d+) more cause or rule/message lines", out)
    assert len(shown) == 15 and more
    assert len(json.loads((tmp_path / "r.json").read_text())["issue_summary"]) == 15 + int(more.group(1))


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
    from sdtm_convert.cli.validate import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    options = {a.option_strings[0]: a.help or "" for a in parser._actions if a.option_strings and a.dest != "help"}
    assert set(options) == {"--define", "--standard", "--ct", "--encoding", "--format", "--rules", "--rules-source", "--exclude-rules",
                            "--report-json", "--report-xlsx", "--report-html", "--quiet", "--json",
                            "-s", "-v", "-d", "-dp", "-o", "-of"}
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


def test_a_dataset_in_three_formats_is_validated_once_from_xpt_and_the_others_are_named(capsys):
    code, out, err = _validate(capsys, "--json", "--rules", "SC-TECH-*")
    summary = json.loads(out)
    # tests/data/validate: 7 datasets; DM as dm.xpt (306 records), dm.json and dm.ndjson (CDISC's example, 18)
    assert (summary["datasets"], summary["records"]) == (7, 306 + 596 + 3 + 11 + 7 + 48 + 21)
    assert summary["notes"][0] == ("1 dataset is present in more than one format; each was validated once, from its "
                                   "XPT file; not read: dm.json, dm.ndjson (--format json validates the Dataset-JSON "
                                   "copies instead)")


def test_format_json_reads_the_dataset_json_copy_instead(capsys):
    code, out, err = _validate(capsys, "--json", "--rules", "SC-TECH-*", "--format", "json")
    summary = json.loads(out)
    assert (summary["datasets"], summary["records"]) == (7, 18 + 596 + 3 + 11 + 7 + 48 + 21)
    assert "from its Dataset-JSON file; not read: dm.ndjson, dm.xpt" in summary["notes"][0]


def test_rule_patterns_are_checked_before_any_data_is_read(capsys, tmp_path):
    code = main(["validate", str(tmp_path / "no-such-folder"), "--rules", "SC-CT-*", "--exclude-rules", "SD99*,XX1"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.splitlines() == [
        "error: [validate-usage] no rule matches SD99*, XX1 (give rule ids, P21/FDA/CDISC/CORE ids or globs such as "
        "SC-CT-* or SD00*; `sdtm-convert rules` lists them)"]


def test_rules_and_exclude_rules_narrow_the_findings(capsys):
    everything = json.loads(_validate(capsys, "--json")[1])
    some = json.loads(_validate(capsys, "--json", "-r", "SC-CT-*", "--exclude-rules", "SC-CT-001")[1])
    rules = {r["rule"] for r in some["by_rule"]}
    assert rules and all(r.startswith("SC-CT-") and r != "SC-CT-001" for r in rules)
    assert some["findings"] == sum(r["count"] for r in everything["by_rule"] if r["rule"] in rules)


def test_core_aliases_give_standard_data_folder_ct_and_reports(capsys, tmp_path):
    code = main(["validate", "-s", "sdtmig", "-v", "3-2", "-d", str(DATA), "-ct", "sdtmct-2025-03-25",
                 "-o", str(tmp_path / "core-report"), "-of", "JSON", "-of", "xlsx", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == summary["exit_status"]
    assert (summary["standard"], summary["ct_version"], summary["path"]) == ("sdtmig-3.2", "2025-03-25", str(DATA))
    assert summary["reports"] == {"json": str(tmp_path / "core-report.json"), "xlsx": str(tmp_path / "core-report.xlsx")}
    assert json.loads((tmp_path / "core-report.json").read_text())["counts"]["findings"] == summary["findings"]
    assert (tmp_path / "core-report.xlsx").read_bytes()[:2] == b"PK"


def test_core_output_without_a_format_takes_its_extension_else_xlsx(capsys, tmp_path):
    main(["validate", "-d", str(DATA), *CT, "-o", str(tmp_path / "r.json"), "--quiet"])
    main(["validate", "-d", str(DATA), *CT, "-o", str(tmp_path / "r"), "--quiet"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.xlsx"]


@pytest.mark.parametrize(("args", "message"), [
    (["-of", "JSON", str(DATA)], "-of needs -o FILE (the report's file name)"),
    (["-s", "sdtmig", "-d", str(DATA)], "-s and -v go together (CORE: -s sdtmig -v 3-4)"),
    (["-s", "sendig", "-v", "3-1", "-d", str(DATA)], "-s sendig -v 3-1: not a standard this validator has (known: "),
    (["-d", str(DATA), str(DATA)], "give the package once: PATH, -d DIR or -dp FILE"),
    ([], "no package given: PATH (a folder, a dataset file or a define.xml), or -d DIR"),
    (["-s", "adamig", "-v", "1-3", "--standard", "sdtmig-3.4", str(DATA)],
     "--standard sdtmig-3.4 and -s adamig -v 1-3 disagree; give one"),
])
def test_core_alias_misuse_is_one_line_exit_2(capsys, args, message):
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"error: [validate-usage] {message}")
