"""Which spec converts a study folder: its study file, else mappings/<name>; a missing folder is named as such."""

import shutil
from pathlib import Path

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.spec.locate import PACKAGE_MAPPINGS, STUDY_FILE, bundled_spec, check_study_folder, find_spec

REPO = Path(__file__).resolve().parents[2]


def issue(fn, *args):
    with pytest.raises(SdtmConvertError) as err:
        fn(*args)
    return err.value.issue


def test_the_study_file_names_the_spec_relative_to_the_study_folder(tmp_path):
    study, spec = tmp_path / "raw", tmp_path / "specs" / "mine"
    study.mkdir()
    spec.mkdir(parents=True)
    (study / STUDY_FILE).write_text("study: X\nspec: ../specs/mine\n", encoding="utf-8")
    assert find_spec(study).resolve() == spec.resolve()


def test_a_study_file_naming_a_missing_spec_says_so(tmp_path):
    (tmp_path / STUDY_FILE).write_text("spec: nowhere\n", encoding="utf-8")
    i = issue(find_spec, tmp_path)
    assert i.code == "spec-folder-missing" and i.file == str(tmp_path / "nowhere") and STUDY_FILE in i.message


@pytest.mark.parametrize("text", ["study: X\n", "spec: [a, b]\n", "spec: ''\n", "- just a list\n", "spec: {\n"])
def test_a_study_file_without_a_usable_spec_entry_is_invalid(tmp_path, text):
    (tmp_path / STUDY_FILE).write_text(text, encoding="utf-8")
    i = issue(find_spec, tmp_path)
    assert i.code == "study-file-invalid" and i.file == str(tmp_path / STUDY_FILE)


def test_without_a_study_file_mappings_beside_the_parent_is_used(tmp_path):
    (tmp_path / "data" / "trial9").mkdir(parents=True)
    (tmp_path / "mappings" / "trial9").mkdir(parents=True)
    (tmp_path / "mappings" / "trial9" / "study.yaml").write_text("x: 1\n", encoding="utf-8")
    assert find_spec(tmp_path / "data" / "trial9") == tmp_path.resolve() / "mappings" / "trial9"


def test_no_spec_anywhere_asks_for_spec(tmp_path):
    (tmp_path / "unheard-of-study").mkdir()
    i = issue(find_spec, tmp_path / "unheard-of-study")
    assert i.code == "spec-folder-missing" and "--spec" in i.message and STUDY_FILE in i.message


def test_a_missing_study_folder_is_study_folder_not_found(tmp_path):
    i = issue(find_spec, tmp_path / "nope")
    assert (i.code, i.message, i.file) == ("study-folder-missing", "study folder not found", str(tmp_path / "nope"))
    (tmp_path / "f.csv").write_text("a\n")
    assert issue(check_study_folder, tmp_path / "f.csv").message == "study folder is a file, not a folder"


def test_the_bundled_spec_ships_inside_the_package():
    spec = bundled_spec("NCT03745417")
    assert spec is not None and spec.parent == PACKAGE_MAPPINGS
    assert PACKAGE_MAPPINGS.parent.name == "data" and PACKAGE_MAPPINGS.parents[1].name == "sdtm_convert"
    repo = REPO / "mappings" / "nct03745417"
    assert sorted(p.name for p in spec.glob("*.yaml")) == sorted(p.name for p in repo.glob("*.yaml"))
    for p in repo.glob("*.yaml"):
        assert (spec / p.name).read_bytes() == p.read_bytes()


def test_a_copied_study_folder_of_the_bundled_name_finds_the_shipped_spec(tmp_path, monkeypatch):
    study = tmp_path / "nct03745417"
    shutil.copytree(REPO / "sample_data" / "nct03745417", study)
    monkeypatch.chdir(tmp_path)
    found = find_spec(study)
    assert (found / "study.yaml").read_bytes() == (REPO / "mappings" / "nct03745417" / "study.yaml").read_bytes()


def test_without_a_checkout_the_missing_bundled_study_points_to_sample(tmp_path, monkeypatch):
    from sdtm_convert.spec import locate

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(locate, "SOURCE_ROOT", tmp_path)
    i = issue(locate.bundled_study, "nct03745417")
    assert i.code == "study-missing" and "sdtm-convert sample --out DIR" in i.message
    monkeypatch.setattr(locate, "SOURCE_ROOT", REPO)
    assert locate.bundled_study("nct03745417") == REPO / "sample_data" / "nct03745417"
