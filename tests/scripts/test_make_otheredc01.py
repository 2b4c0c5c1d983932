"""sample_data/otheredc01 is what scripts/make_otheredc01.py writes (nobody edited the CSV files by hand)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_committed_export_is_the_generated_one(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("make_otheredc01", ROOT / "scripts" / "make_otheredc01.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SRC", ROOT / "sample_data" / "nct03745417")
    monkeypatch.setattr(module, "OUT", tmp_path)
    module.main()
    committed = ROOT / "sample_data" / "otheredc01"
    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert names == sorted(p.name for p in committed.glob("*.csv"))
    for name in names:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
