"""Two runs on the same inputs give byte-identical outputs; diff between transfers finds the change."""

import json
import shutil
import subprocess
import sys

from sdtm_convert.pipeline import run_study
from tests.e2e.conftest import SAMPLE, SPEC


def _files(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_rerun_is_byte_identical(sample_run, tmp_path_factory):
    """The shared run used the worker process (jobs=2 where fork works); this one runs everything in one, into
    another folder at the same place relative to the inputs (the manifest names them relative to the output)."""
    again = run_study(SAMPLE, SPEC, tmp_path_factory.mktemp("again"), jobs=1)
    assert [i.code for i in again.conversion.issues] == [i.code for i in sample_run.conversion.issues]
    assert again.outputs == sample_run.outputs
    first, second = _files(sample_run.out), _files(again.out)
    assert sorted(first) == sorted(second)
    different = [name for name in first if first[name] != second[name]]
    assert different == []


def test_diff_between_transfers_names_the_changed_value(sample_run, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw)
    lines = (raw / "ae.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    old_sev = row[header.index("AESEV")]
    row[header.index("AESEV")] = "Severe" if old_sev != "Severe" else "Mild"
    lines[1] = ",".join(row)
    (raw / "ae.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    new = run_study(raw, SPEC, tmp_path / "new")
    p = subprocess.run([sys.executable, "-m", "sdtm_convert.cli", "diff", str(sample_run.out), str(new.out),
                        "--report-html", str(tmp_path / "d.html")], capture_output=True, text=True, timeout=300)
    assert p.returncode == 1, p.stderr
    assert "AE: 0 added, 0 removed, 1 changed" in p.stdout
    assert f"AESEV: '{old_sev.upper()}' → '{row[header.index('AESEV')].upper()}'" in p.stdout
    assert "DM: identical" in p.stdout
    assert (tmp_path / "d.html").read_text(encoding="utf-8").count("AESEV") >= 1


def test_the_same_study_in_another_folder_gives_the_same_bytes(tmp_path, monkeypatch):
    """The manifest names the raw and spec folders relative to the output folder, never as a machine path."""
    outputs = []
    for place in ("a", "b/deeper"):
        base = tmp_path / place
        shutil.copytree(SAMPLE, base / "raw")
        shutil.copytree(SPEC, base / "spec")
        monkeypatch.chdir(base)
        outputs.append(_files(run_study(base / "raw", "spec", "out", jobs=1).out))
    first, second = outputs
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    settings = json.loads(first["manifest.json"])["settings"]
    assert (settings["raw_folder"], settings["spec_folder"]) == ("../raw", "../spec")
    assert str(tmp_path).encode() not in first["manifest.json"]
