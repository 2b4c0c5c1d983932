"""A mistake in a copy of the bundled spec stops `run` before any raw data is read: exit 2 and one line
naming the spec file, its line and the cause ("did you mean" when a close name exists)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.conftest import SAMPLE, SPEC


def _run_with_mistake(tmp_path: Path, file: str, old: str, new: str) -> tuple[subprocess.CompletedProcess, Path]:
    spec, raw = tmp_path / "spec", tmp_path / "raw"
    shutil.copytree(SPEC, spec)
    text = (spec / file).read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (spec / file).write_text(text.replace(old, new), encoding="utf-8")
    # the raw folder holds no data file: reading any raw data would fail with raw-file-missing
    raw.mkdir()
    shutil.copy(SAMPLE / "README.md", raw / "README.md")
    out = tmp_path / "out"
    p = subprocess.run([sys.executable, "-m", "sdtm_convert.cli", "run", str(raw), "--spec", str(spec), "--out", str(out)],
                       capture_output=True, text=True, timeout=300)
    return p, spec


def _line_of(spec: Path, file: str, needle: str) -> int:
    return next(i for i, line in enumerate((spec / file).read_text(encoding="utf-8").splitlines(), 1) if needle in line)


@pytest.mark.parametrize(("file", "old", "new", "code", "cause"), [
    ("dm.yaml", "algorithm: hardcode_no_ct, value: DM}", "algorith: hardcode_no_ct, value: DM}",
     "spec-key-unknown", "unknown key 'algorith' (did you mean 'algorithm'?)"),
    ("study.yaml", "ct_version:", "ct_verison:",
     "spec-key-unknown", "unknown key 'ct_verison' (did you mean 'ct_version'?)"),
    ("dm.yaml", "{target: SEX,", "{target: SEXX,",
     "spec-target-unknown", "unknown SDTM variable 'SEXX' in DM (did you mean 'SEX'?)"),
    ("raw.yaml", "    description: Informed consent", "    descripton: Informed consent",
     "spec-key-unknown", "unknown key 'descripton' (did you mean 'description'?)"),
    ("ae.yaml", "{name: study_day, vars: [AESTDTC, AEENDTC]}", "{name: study_day, var: [AESTDTC, AEENDTC]}",
     "spec-derivation-parameter-unknown", "unknown parameter 'var' of derivation study_day (did you mean 'vars'?)"),
])
def test_spec_mistake_is_one_line_naming_file_line_and_cause(tmp_path, file, old, new, code, cause):
    p, spec = _run_with_mistake(tmp_path, file, old, new)
    lines = [line for line in p.stderr.strip().splitlines() if not line.startswith("[")]  # progress lines start "["
    line = _line_of(spec, file, new.strip())
    assert p.returncode == 2 and len(lines) == 1, p.stderr
    assert lines[0].startswith(f"error: [{code}] {spec / file}, line {line}: {cause}")
    assert "more spec errors" not in lines[0]  # the cause only, not what it causes downstream
    assert not (tmp_path / "out").exists()
