"""The package is written beside --out and swapped in whole; one run at a time; files this tool did not write stay."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.package import staging
from sdtm_convert.package.staging import check_replaceable, staged_output


def _package(folder: Path, **files: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "manifest.json").write_text(json.dumps({"tool": {"name": "sdtm-convert"}, "files": []}))
    for name, text in files.items():
        (folder / name).write_text(text)
    return folder


def _beside(out: Path) -> list[str]:
    """Everything in out's parent other than out itself (staging folders, lock files)."""
    return sorted(p.name for p in out.parent.iterdir() if p.name != out.name)


def _contents(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_new_folder_appears_only_when_the_package_is_complete(tmp_path):
    out = tmp_path / "build"
    with staged_output(out) as (stage, _):
        (stage / "dm.xpt").write_text("new")
        assert not out.exists()  # nothing at the final place while writing
        assert stage.parent == tmp_path and stage.name.startswith(".build.staging-")
        assert _beside(out) == sorted([".build.lock", stage.name])
    assert _contents(out) == {"dm.xpt": "new"}
    assert _beside(out) == []


def test_an_earlier_package_is_replaced_whole(tmp_path):
    out = _package(tmp_path / "build", **{"dm.xpt": "old", "ae.xpt": "old"})
    with staged_output(out) as (stage, _):
        (stage / "dm.xpt").write_text("new")
        assert _contents(out)["dm.xpt"] == "old"  # the earlier package stays whole until the swap
    assert _contents(out) == {"dm.xpt": "new"}  # ae.xpt of the earlier run is gone, not mixed in
    assert _beside(out) == []


def test_the_swap_without_an_atomic_exchange_gives_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "_exchange", lambda a, b: False)
    out = _package(tmp_path / "build", **{"dm.xpt": "old"})
    with staged_output(out) as (stage, _):
        (stage / "dm.xpt").write_text("new")
    assert _contents(out) == {"dm.xpt": "new"}
    assert _beside(out) == []


def test_a_failed_run_leaves_the_earlier_package_untouched_and_nothing_beside_it(tmp_path):
    out = _package(tmp_path / "build", **{"dm.xpt": "old"})
    before = _contents(out)
    with pytest.raises(KeyboardInterrupt), staged_output(out) as (stage, _):
        (stage / "dm.xpt").write_text("half")
        raise KeyboardInterrupt
    assert _contents(out) == before
    assert _beside(out) == []


def test_a_folder_holding_other_files_is_refused_before_anything_is_created(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(SdtmConvertError) as err, staged_output(out):
        pass
    assert err.value.issue.code == "output-not-a-package"
    assert "files that are not an sdtm-convert package" in err.value.issue.message
    assert _contents(out) == {"notes.txt": "keep me"} and _beside(out) == []


def test_an_empty_folder_and_a_package_of_this_tool_may_be_replaced(tmp_path):
    (tmp_path / "empty").mkdir()
    assert check_replaceable(tmp_path / "empty") == (tmp_path / "empty").resolve()
    assert check_replaceable(_package(tmp_path / "pkg")) == (tmp_path / "pkg").resolve()
    other = tmp_path / "other"
    other.mkdir()
    (other / "manifest.json").write_text(json.dumps({"tool": {"name": "another-tool"}}))
    with pytest.raises(SdtmConvertError, match="not an sdtm-convert package"):
        check_replaceable(other)


def test_an_output_folder_holding_the_current_folder_is_refused(tmp_path, monkeypatch):
    out = _package(tmp_path / "build")
    (out / "sub").mkdir()
    monkeypatch.chdir(out / "sub")
    with pytest.raises(SdtmConvertError) as err:
        check_replaceable(out)
    assert err.value.issue.code == "output-holds-cwd"


def test_a_second_run_into_the_same_place_is_refused_while_the_first_writes(tmp_path):
    out = tmp_path / "build"
    with staged_output(out) as (stage, _):
        with pytest.raises(SdtmConvertError) as err, staged_output(out):
            pass
        assert err.value.issue.code == "output-locked"
        assert f"process {os.getpid()}" in err.value.issue.message
        _package(stage, **{"dm.xpt": "first"})
    assert _contents(out)["dm.xpt"] == "first"  # the refused run changed nothing
    with staged_output(out) as (stage, _):  # and once the first has ended, the place is free again
        (stage / "dm.xpt").write_text("second")
    assert _contents(out) == {"dm.xpt": "second"} and _beside(out) == []


def test_what_a_killed_run_left_is_removed_and_said(tmp_path):
    out = _package(tmp_path / "build", **{"dm.xpt": "old"})
    left = tmp_path / ".build.staging-999999-abcd"
    left.mkdir()
    (left / "dm.xpt").write_text("half")
    (tmp_path / ".build.lock").write_text("999999 2026-01-01 00:00:00\n")  # its lock file, no longer held
    notes: list[str] = []
    with staged_output(out, notes.append) as (stage, notices):
        assert notices == notes
        assert not left.exists()
        (stage / "dm.xpt").write_text("new")
    assert len(notes) == 1 and ".build.staging-999999-abcd" in notes[0] and "killed" in notes[0]
    assert _contents(out) == {"dm.xpt": "new"} and _beside(out) == []


def test_a_symlinked_output_folder_stays_a_link_to_the_new_package(tmp_path):
    real = _package(tmp_path / "real", **{"dm.xpt": "old"})
    link = tmp_path / "build"
    link.symlink_to(real, target_is_directory=True)
    with staged_output(link) as (stage, _):
        (stage / "dm.xpt").write_text("new")
    assert link.is_symlink() and _contents(link) == {"dm.xpt": "new"}


def test_an_error_inside_the_staging_folder_names_the_final_place(tmp_path, monkeypatch):
    """A fatal error raised while a file is written into the staging folder names the file where the package
    was being written for: the staging folder is gone by the time the user reads the line."""
    from sdtm_convert.pipeline import run_study
    from sdtm_convert.xpt import writer

    def broken(*_a, **_k):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(writer, "_write_temp", broken)
    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "build"
    with pytest.raises(SdtmConvertError) as err:
        run_study(root / "sample_data" / "nct03745417", root / "mappings" / "nct03745417", out, jobs=1)
    issue = err.value.issue
    assert issue.code == "xpt-write-failed"
    assert issue.file.startswith(str(out.resolve())) and staging.STAGING not in issue.file, issue.file
    assert _beside(out) == [] and not out.exists()
