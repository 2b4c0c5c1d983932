"""scripts/import_core_rules.py: CDISC's rule files (an archive or a folder) become the compact rule data; a rule
file that does not parse is kept as a record naming the error, and the shipped data is what the script writes."""

from __future__ import annotations

import importlib.util
import tarfile
from pathlib import Path

import pandas as pd

from sdtm_convert.validate.core.rules import ADAM_RULES_FILE, RULES_FILE, load_rules, read_records
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.model import Dataset
from tests.validate.core.slice_cases import ARCHIVE

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "import_core_rules.py"
spec = importlib.util.spec_from_file_location("import_core_rules", SCRIPT)
assert spec is not None and spec.loader is not None
import_core_rules = importlib.util.module_from_spec(spec)
spec.loader.exec_module(import_core_rules)

BROKEN = "Core:\n  Id: CORE-999999\nCheck:\n  all: [ {name: IECAT\n"


def _folder(tmp_path: Path) -> Path:
    with tarfile.open(ARCHIVE) as tar:
        tar.extractall(tmp_path, filter="data")
    (tmp_path / "Published" / "CORE-999999").mkdir()
    (tmp_path / "Published" / "CORE-999999" / "rule.yml").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def test_archive_and_folder_give_the_same_bytes(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "src")
    archive = tmp_path / "rules.tgz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder / "Published", arcname="cdisc-open-rules/Published")
    assert import_core_rules.main([str(folder), "--out", str(tmp_path / "a.json.gz")]) == 0
    assert import_core_rules.main([str(archive), "--out", str(tmp_path / "b.json.gz")]) == 0
    assert (tmp_path / "a.json.gz").read_bytes() == (tmp_path / "b.json.gz").read_bytes()


def test_records_carry_ids_standards_and_message_as_shipped(tmp_path: Path) -> None:
    out = tmp_path / RULES_FILE
    import_core_rules.main([str(_folder(tmp_path)), "--out", str(out)])
    mine = {r["core_id"]: r for r in read_records(out)}
    shipped = {r["core_id"]: r for r in read_records()}
    assert mine["CORE-000001"] == shipped["CORE-000001"]
    first = load_rules(out)[0]
    assert (first.core_id, first.cdisc_ids, first.rule_type, first.sensitivity) == (
        "CORE-000001", ("CG0176", "TIG0405"), "Record Data", "Record")
    assert ("SDTMIG", "3.2") in first.standards and first.message.startswith("IEORRES is not equal to 'N'")


def test_a_rule_file_that_does_not_parse_is_reported_by_id_and_the_rest_run(tmp_path: Path) -> None:
    out = tmp_path / RULES_FILE
    import_core_rules.main([str(_folder(tmp_path)), "--out", str(out)])
    rules = [r for r in load_rules(out) if r.core_id in ("CORE-000001", "CORE-999999")]
    ie = pd.DataFrame({"STUDYID": ["S"] * 2, "DOMAIN": ["IE"] * 2, "USUBJID": ["1", "2"],
                       "IECAT": ["INCLUSION", "INCLUSION"], "IEORRES": ["N", "Y"]})
    result = run_rules({"IE": Dataset(name="IE", frame=ie)}, "SDTMIG", "3.4", rules)
    assert result.not_run["CORE-999999"].startswith("rule file does not parse: while parsing a flow")
    assert result.ran == ["CORE-000001"]
    assert [(f.core_id, f.dataset, f.record, f.variables, f.values) for f in result.findings] == [
        ("CORE-000001", "IE", 2, ("IECAT", "IEORRES"), ("INCLUSION", "Y"))]


def test_a_missing_source_is_one_line_and_exit_2(tmp_path: Path, capsys) -> None:
    assert import_core_rules.main([str(tmp_path / "nope.tgz"), "--out", str(tmp_path / "x")]) == 2
    assert capsys.readouterr().err.strip().endswith("nope.tgz: no such file or folder")


def test_unpublished_adamig_rules_go_to_their_own_file_as_shipped(tmp_path: Path) -> None:
    from tests.validate.core.slice_cases import ADAM_ARCHIVE

    src = _folder(tmp_path / "src")
    with tarfile.open(ADAM_ARCHIVE) as tar:
        tar.extractall(src, filter="data")
    pub, adam = tmp_path / "p.json.gz", tmp_path / "a.json.gz"
    assert import_core_rules.main([str(src), "--out", str(pub), "--adam-out", str(adam)]) == 0
    mine = {r["core_id"]: r for r in read_records(adam)}
    shipped = {r["core_id"]: r for r in read_records(None, ADAM_RULES_FILE)}
    assert mine["CDISC.ADaMIG.AD0846"] == shipped["CDISC.ADaMIG.AD0846"]
    assert "CDISC.ADaMIG.AD0846" not in {r["core_id"] for r in read_records(pub)}
    rec = mine["CDISC.ADaMIG.AD0846"]
    assert (rec["status"], rec["cdisc_ids"], rec["standards"], rec["source"]) == (
        "unpublished", ["AD0846"], [["ADaMIG", "1.3"]], "Unpublished/ADAMIG/CDISC.ADaMIG.AD0846")


def test_adam_record_names_occds_citations_as_adamig_versions_and_fills_a_missing_id() -> None:
    doc = {"Core": {"Id": None, "Status": "Draft"}, "Rule Type": "Record Data",
           "Authorities": [{"Organization": "CDISC", "Standards": [
               {"Name": "OCCDS", "Version": "1.1", "References": [{"Rule Identifier": {"Id": "254"}}]},
               {"Name": "OCCDS", "Version": "None"}, {"Name": "ADaMIG-MD", "Version": "1.0"}]}]}
    rec = import_core_rules.adam_record(doc, "Unpublished/ADAMIG/AD0895")
    assert (rec["core_id"], rec["status"], rec["cdisc_ids"], rec["standards"]) == (
        "CDISC.ADaMIG.AD0895", "unpublished", ["AD0254"], [["ADaMIG", "1.1"], ["ADaMIG", ""], ["ADaMIG-MD", "1.0"]])
