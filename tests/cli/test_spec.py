"""``sdtm-convert spec export|import``: a mapping spec to a workbook and back, one line saying what was written."""

from __future__ import annotations

from pathlib import Path

from sdtm_convert.cli import main

MAPPINGS = Path(__file__).resolve().parents[2] / "mappings"


def test_spec_export_then_import_writes_the_workbook_and_the_yaml_files(tmp_path, capsys):
    xlsx, out = tmp_path / "s.xlsx", tmp_path / "out"
    assert main(["spec", "export", str(MAPPINGS / "cdiscpilot01"), str(xlsx)]) == 0
    assert capsys.readouterr().err == f"wrote {xlsx}\n" and xlsx.exists()
    assert main(["spec", "import", str(xlsx), str(out), "--quiet"]) == 0
    written = sorted(p.name for p in out.glob("*.yaml"))
    assert "vs.yaml" in written and capsys.readouterr().err == ""
    assert main(["spec", "import", str(xlsx), str(out)]) == 0
    assert capsys.readouterr().err == f"wrote {len(written)} spec files into {out}\n"


def test_spec_import_of_a_file_that_is_no_workbook_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("not a workbook", encoding="utf-8")
    assert main(["spec", "import", str(bad), str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("error: [") and str(bad) in err[0]


def test_spec_export_run_fills_the_define_sheets_and_a_folder_without_a_package_is_one_line(tmp_path, capsys):
    from lxml import etree
    from openpyxl import load_workbook

    from tests.package.test_define_to_spec import _define

    run = tmp_path / "out"
    sdtm = run / "m5" / "datasets" / "nct03745417" / "tabulations" / "sdtm"
    sdtm.mkdir(parents=True)
    (sdtm / "define.xml").write_bytes(_define(None))
    xlsx = tmp_path / "s.xlsx"
    assert main(["spec", "export", str(MAPPINGS / "nct03745417"), str(xlsx), "--run", str(run), "--quiet"]) == 0
    wb = load_workbook(xlsx, read_only=True)
    variables = list(wb["Variables"].iter_rows(values_only=True))
    wb.close()
    items = etree.fromstring((sdtm / "define.xml").read_bytes()).iter("{*}ItemRef")
    assert len(variables) - 1 == sum(1 for r in items if r.getparent().tag.endswith("ItemGroupDef"))
    assert main(["spec", "export", str(MAPPINGS / "nct03745417"), str(xlsx), "--run", str(tmp_path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "[spec-run-missing]" in err[0] and str(tmp_path) in err[0]
