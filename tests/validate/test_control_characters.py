"""`validate` flags a NUL or other C0 control character (a tab is allowed) in a value of an XPT or Dataset-JSON
package (SC-TECH-016): one finding per dataset and variable, naming the character, the first record and the
number of records.

`ta.xpt` is the CDISC pilot's TA (tests/data/cdiscpilot01), `dm.json` the DM of tests/data/validate (from the
CDISC Dataset-JSON examples); the control characters are written into copies."""

from __future__ import annotations

import json
from pathlib import Path

from sdtm_convert.validate import validate_package
from tests.validate.conftest import DATA

PILOT_TA = Path(__file__).resolve().parents[1] / "data" / "cdiscpilot01" / "ta.xpt"


def _findings(folder: Path, rule: str = "SC-TECH-016"):
    f = validate_package(folder, standard="sdtmig-3.2", rules=[rule]).findings
    return f.sort_values(["dataset", "variable"]).reset_index(drop=True)


def test_a_nul_in_an_xpt_value_is_an_error_naming_dataset_variable_record_and_character(tmp_path):
    data = PILOT_TA.read_bytes()
    at = data.index(b"Follow_up")
    at = data.index(b"Follow_up", at + 1)  # the second FOLO element: TA record 8
    (tmp_path / "ta.xpt").write_bytes(data[:at] + b"Follow\x00up" + data[at + 9:])
    f = _findings(tmp_path)
    assert f[["dataset", "variable", "record", "value", "records", "severity"]].values.tolist() == [
        ["TA", "ELEMENT", 8, "Follow<U+0000>up", 1, "error"]]
    assert f["message"].iloc[0] == "Control character U+0000 (NUL) in a value, 1 record"
    assert len(_findings(tmp_path, "SC-TECH-011")) == 0  # not also called non-ASCII


def test_control_characters_in_dataset_json_are_one_finding_per_variable_with_a_records_count(tmp_path):
    doc = json.loads((DATA / "dm.json").read_text(encoding="utf-8"))
    arm = [c["name"] for c in doc["columns"]].index("ARM")
    doc["rows"][1][arm] = "Placebo\x1a"
    doc["rows"][4][arm] = "Plac\x00ebo"
    doc["rows"][6][arm] = "Pla\tcebo"  # a tab is not a control character here
    (tmp_path / "dm.json").write_text(json.dumps(doc), encoding="utf-8")
    f = _findings(tmp_path)
    assert f[["dataset", "variable", "record", "records"]].values.tolist() == [["DM", "ARM", 2, 2]]
    assert f["message"].iloc[0] == "Control character U+0000 (NUL), U+001A (SUB) in a value, 2 records"
    assert f["value"].iloc[0] == "Placebo<U+001A>"
