"""`xpt2json` takes the study OID, MetaDataVersion OID and creation time from a define.xml beside the XPT files;
options override them; without either it says on one line that it used defaults."""

import json
import shutil
from pathlib import Path

from sdtm_convert.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"
# CDISC pilot SDTM files (provenance in tests/data/validate/README.md and tests/data/define/README.md)
PILOT_TA = DATA / "validate" / "ta.xpt"
PILOT_DEFINE = DATA / "define" / "define-2-0-cdiscpilot01-sdtm.xml"
PILOT_STUDY_OID = "UpdatedCDISCPILOT.CDISC SDTM.3.2"  # ODM/Study/@OID of the pilot define.xml
PILOT_MDV_OID = "MDV.UpdatedCDISCPILOT.CDISC SDTM.3.2"
PILOT_CREATED = "2017-09-29T09:52:05"  # ODM/@CreationDateTime


def _folder(tmp_path: Path, with_define: bool) -> Path:
    folder = tmp_path / "sdtm"
    folder.mkdir()
    shutil.copy(PILOT_TA, folder / "ta.xpt")
    if with_define:
        shutil.copy(PILOT_DEFINE, folder / "define.xml")
    return folder


def _header(path: Path) -> tuple[str, str, str]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    return doc["studyOID"], doc["metaDataVersionOID"], doc["datasetJSONCreationDateTime"]


def test_identifiers_come_from_the_define_xml_beside_the_files(tmp_path, capsys):
    folder = _folder(tmp_path, with_define=True)
    assert main(["xpt2json", str(folder), "--out", str(tmp_path / "j")]) == 0
    assert _header(tmp_path / "j" / "ta.json") == (PILOT_STUDY_OID, PILOT_MDV_OID, PILOT_CREATED)
    err = capsys.readouterr().err.splitlines()
    assert err == [f"study OID {PILOT_STUDY_OID}, MetaDataVersion OID {PILOT_MDV_OID}, creation time "
                   f"{PILOT_CREATED} from {folder / 'define.xml'}"]


def test_a_single_file_finds_the_define_xml_in_its_folder_and_options_win(tmp_path, capsys):
    folder = _folder(tmp_path, with_define=True)
    out = tmp_path / "ta.json"
    assert main(["xpt2json", str(folder / "ta.xpt"), "--out", str(out), "--study-oid", "MY.STUDY",
                 "--created", "2020-02-02T02:02:02"]) == 0
    assert _header(out) == ("MY.STUDY", PILOT_MDV_OID, "2020-02-02T02:02:02")
    assert capsys.readouterr().err.splitlines() == [
        f"MetaDataVersion OID {PILOT_MDV_OID} from {folder / 'define.xml'}"]


def test_without_define_xml_or_options_the_defaults_are_used_and_said(tmp_path, capsys):
    folder = _folder(tmp_path, with_define=False)
    assert main(["xpt2json", str(folder), "--out", str(tmp_path / "j")]) == 0
    assert _header(tmp_path / "j" / "ta.json") == ("STUDY", "MDV.1", "2026-01-01T00:00:00")
    err = [line for line in capsys.readouterr().err.splitlines() if "→" not in line]
    assert err == [f"no define.xml in {folder}: default study OID STUDY, MetaDataVersion OID MDV.1, creation time "
                   "2026-01-01T00:00:00 (set --study-oid, --metadata-version-oid, --created)"]

