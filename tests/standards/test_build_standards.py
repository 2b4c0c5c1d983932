"""``scripts/build_standards.py`` turns the published-layout standards CSVs into the package's compact files."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "tests" / "data" / "standards"
SHIPPED = ROOT / "sdtm_convert" / "data" / "standards"


def _script():
    spec = importlib.util.spec_from_file_location("build_standards", ROOT / "scripts" / "build_standards.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_every_converted_row_is_a_row_of_the_shipped_file(tmp_path):
    written = _script().build(SRC, tmp_path)
    assert sorted(written) == ["adamig-1.0-variables.csv", "sdtm-1.4-model-variables.csv",
                               "sdtmig-3.2-datasets.csv", "sdtmig-3.2-variables.csv"]
    for name in written:
        out = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        shipped = (SHIPPED / name).read_text(encoding="utf-8").splitlines()
        assert out[0] == shipped[0], name
        assert set(out[1:]) <= set(shipped[1:]), name


def test_conversion_normalises_model_stems_and_adam_structure_names(tmp_path):
    _script().build(SRC, tmp_path)
    model = (tmp_path / "sdtm-1.4-model-variables.csv").read_text(encoding="utf-8")
    assert "Identifiers,6,--SEQ,Sequence Number" in model and "__" not in model
    adam = (tmp_path / "adamig-1.0-variables.csv").read_text(encoding="utf-8")
    assert "Basic Data Structure,Analysis Parameter,AVALC,Analysis Value (C),Char" in adam
    assert "ADaM Basic Data Structure Dataset" not in adam
    assert "Adverse Event Analysis Dataset" in adam


def test_rerun_writes_byte_identical_files(tmp_path):
    mod = _script()
    mod.build(SRC, tmp_path / "a")
    mod.build(SRC, tmp_path / "b")
    for f in (tmp_path / "a").iterdir():
        assert f.read_bytes() == (tmp_path / "b" / f.name).read_bytes()


def test_a_missing_source_column_is_one_clear_error(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "sdtmig-3.2-datasets.csv").write_text('"Version","Class","Dataset Name"\n"x","Events","AE"\n')
    try:
        _script().build(src, tmp_path / "out")
    except SystemExit as exc:
        assert str(exc) == "sdtmig-3.2-datasets.csv: missing column(s) Dataset Label, Structure"
    else:
        raise AssertionError("no error")


def test_check_mode_names_a_stale_file_and_writes_nothing(tmp_path, capsys):
    mod = _script()
    out = tmp_path / "out"
    mod.build(SRC, out)
    assert mod.main([str(SRC), "--out", str(out), "--check"]) == 0
    stale = out / "sdtmig-3.2-datasets.csv"
    stale.write_text("dataset,label,class,structure\n", encoding="utf-8")
    assert mod.main([str(SRC), "--out", str(out), "--check"]) == 1
    assert "sdtmig-3.2-datasets.csv: differs from standards" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "dataset,label,class,structure\n"
