"""The crash log never follows a planted symlink, never reuses a name, and is private."""

import os
import stat
import tempfile
from dataclasses import replace

import pytest

from sdtm_convert import cli
from sdtm_convert.cli._command import COMMANDS
from sdtm_convert.common.crashlog import save_crash_log


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """TMPDIR is a folder of this test (as /tmp is for everyone), with symlinks planted at the old fixed
    name and at the names a guesser would try; each points at a file that must stay untouched."""
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    for name in ("sdtm-convert-crash.log", "sdtm-convert-crash-.log", "sdtm-convert-crash-0.log"):
        (tmp / name).symlink_to(victim)
    return tmp, victim


def _crash(monkeypatch, argv, capsys):
    def broken(args):
        raise RuntimeError("boom")

    for name in ("validate", "run"):
        monkeypatch.setitem(COMMANDS._items, name, replace(COMMANDS[name], run=broken))
    code = cli.main(argv)
    err = capsys.readouterr().err
    return code, err


def test_validate_crash_log_goes_to_a_new_private_file_not_through_a_planted_symlink(private_tmp, monkeypatch,
                                                                                       capsys):
    tmp, victim = private_tmp
    code, err = _crash(monkeypatch, ["validate", str(tmp)], capsys)
    assert code == 3 and err.startswith("internal error: RuntimeError: boom (this is a bug in sdtm-convert; details in ")
    log = err.rsplit("details in ", 1)[1].rstrip(")\n")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert os.path.basename(log).startswith("sdtm-convert-crash-") and not os.path.islink(log)
    assert "RuntimeError: boom" in open(log, encoding="utf-8").read()
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600
    folder = os.path.dirname(log)
    assert os.path.dirname(folder) == str(tmp) and stat.S_IMODE(os.stat(folder).st_mode) == 0o700


def test_run_crash_log_goes_beside_the_own_output_folder_under_a_fresh_name(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "sdtm-convert-crash.log").symlink_to(victim)
    code, err = _crash(monkeypatch, ["run", str(tmp_path), "--out", str(out)], capsys)
    log = err.rsplit("details in ", 1)[1].rstrip(")\n")
    assert code == 3 and os.path.dirname(log) == str(tmp_path) and log != str(tmp_path / "sdtm-convert-crash.log")
    assert list(out.iterdir()) == []  # the output folder (an earlier package) gains nothing
    assert victim.read_text(encoding="utf-8") == "precious"
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_a_folder_holding_the_output_that_is_a_symlink_is_not_used_for_the_log(private_tmp, tmp_path):
    tmp, victim = private_tmp
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    link = tmp_path / "parent-link"
    link.symlink_to(elsewhere)
    log = save_crash_log("trace", link / "out")
    assert log is not None and log.parent.parent == tmp and list(elsewhere.iterdir()) == []
    assert victim.read_text(encoding="utf-8") == "precious"
