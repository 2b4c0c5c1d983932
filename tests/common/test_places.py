"""Checks of output places and encodings, made before any data is read: one typed error, nothing created."""

import sys
from pathlib import Path

import pytest

from sdtm_convert.common.places import check_encoding, check_output_file, check_output_folder
from sdtm_convert.errors import SdtmConvertError


def code_and_message(fn, *args) -> tuple[str, str]:
    with pytest.raises(SdtmConvertError) as err:
        fn(*args)
    return err.value.issue.code, err.value.issue.one_line()


def test_an_existing_file_is_not_an_output_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    code, line = code_and_message(check_output_folder, tmp_path / "f")
    assert code == "output-not-a-folder" and "names an existing file" in line and str(tmp_path / "f") in line


def test_a_file_on_the_way_to_the_output_folder_is_named(tmp_path):
    (tmp_path / "f").write_text("x")
    code, line = code_and_message(check_output_folder, tmp_path / "f" / "a" / "b")
    assert code == "output-not-a-folder" and f"{tmp_path / 'f'} is a file" in line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc takes no new files on Linux only")
def test_a_place_nobody_can_write_is_refused_even_for_root():
    code, line = code_and_message(check_output_folder, Path("/proc/sdtm-convert-out/build"))
    assert code == "output-not-writable" and "cannot create a file in /proc" in line


def test_a_usable_folder_is_accepted_and_nothing_is_created(tmp_path):
    assert check_output_folder(tmp_path / "new" / "build") == tmp_path / "new" / "build"
    assert check_output_folder(tmp_path) == tmp_path
    assert list(tmp_path.iterdir()) == []  # no folder made, the probe file removed


def test_output_file_checks(tmp_path):
    (tmp_path / "dir").mkdir()
    (tmp_path / "f").write_text("x")
    assert code_and_message(check_output_file, tmp_path / "dir", "report file")[0] == "output-not-a-file"
    assert code_and_message(check_output_file, tmp_path / "f" / "r.json")[0] == "output-not-a-folder"
    assert check_output_file(tmp_path / "sub" / "r.json") == tmp_path / "sub" / "r.json"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir", "f"]


@pytest.mark.parametrize("name", ["utf-8", "UTF8", "cp1252", "gb18030", "latin-1", None])
def test_known_text_encodings_pass(name):
    assert check_encoding(name) == name


@pytest.mark.parametrize(("name", "words"), [("utf-9", "unknown text encoding 'utf-9'"),
                                             ("base64", "'base64' is not a text encoding")])
def test_unknown_or_non_text_encodings_are_one_line(name, words):
    code, line = code_and_message(check_encoding, name)
    assert code == "encoding-unknown" and words in line and "\n" not in line


def test_an_operating_system_refusal_during_a_run_is_one_line_not_a_bug(tmp_path, monkeypatch, capsys):
    """A disk that turns read-only or fills up while the package is written: exit 2 and one line naming the
    file and the refusal, not "internal error ... this is a bug" (exit 3)."""
    import errno

    from sdtm_convert import pipeline
    from sdtm_convert.cli import main

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "out" / "manifest.json"))

    monkeypatch.setattr(pipeline, "write_run_manifest", full_disk)
    code = main(["run", "--out", str(tmp_path / "out"), "--quiet", "--no-validate", "--no-adam", "--formats", "xpt"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err == [f"error: [environment] {tmp_path / 'out' / 'manifest.json'}: No space left on device (ENOSPC)"]
    assert not list((tmp_path / "out").glob("sdtm-convert-crash*"))


def test_an_error_that_is_not_the_machines_stays_a_bug():
    from sdtm_convert.common.places import environment_fault

    assert environment_fault(FileNotFoundError(2, "No such file or directory", "x")) is None
    assert environment_fault(ValueError("bad")) is None
    assert environment_fault(PermissionError(13, "Permission denied", "/x")) == (
        "error: [environment] /x: Permission denied (EACCES)")


def test_a_refusal_without_a_file_name_names_the_output_folder():
    """pyarrow raises EFBIG/ENOSPC with no file name: the line names the place being written instead."""
    import errno

    from sdtm_convert.common.places import environment_fault

    arrow = OSError(errno.EFBIG, "Error writing bytes to file. Detail: [errno 27] File too large")
    assert environment_fault(arrow, "build") == (
        "error: [environment] writing under build: Error writing bytes to file. Detail: [errno 27] File too large "
        "(EFBIG)")
    assert environment_fault(OSError(errno.ENOSPC, "No space left on device", "build/ae.xpt"), "build") == (
        "error: [environment] build/ae.xpt: No space left on device (ENOSPC)")


def test_an_output_folder_inside_an_input_folder_is_warned_about(tmp_path):
    from sdtm_convert.common.places import output_inside_input

    study, spec = tmp_path / "study", tmp_path / "spec"
    assert output_inside_input(study / "build", study=study, spec=spec) == (
        f"warning: [output-inside-input] the output folder {study / 'build'} is inside the study folder {study}: "
        "the package is written among the files it was made from")
    assert output_inside_input(spec, study=study, spec=spec).startswith(
        f"warning: [output-inside-input] the output folder {spec} is the spec folder")
    assert output_inside_input(tmp_path / "build", study=study, spec=spec) is None
    assert output_inside_input(tmp_path / "studyX", study=study, spec=None) is None  # a name prefix is not inside


def test_a_refusal_inside_the_staging_folder_names_the_place_the_package_was_written_for():
    import errno as _errno

    from sdtm_convert.common.places import environment_fault

    exc = OSError(_errno.ENOSPC, "No space left on device", "out/.build.staging-4242-0a1b2c3d/m5/dm.xpt")
    assert environment_fault(exc) == "error: [environment] out/build/m5/dm.xpt: No space left on device (ENOSPC)"
