"""scripts/build_ct.py: the term store is copied only when it is what the loader expects, one clear line otherwise,
and a rerun writes the same bytes."""

from __future__ import annotations

import gzip
import importlib.util
from pathlib import Path

import pandas as pd
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "build_ct.py"
spec = importlib.util.spec_from_file_location("build_ct", SCRIPT)
assert spec is not None and spec.loader is not None
build_ct = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_ct)

# two terms of NY in the term store's columns (values from CDISC SDTM CT, codelist C66742)
TERMS = pd.DataFrame([
    ["sdtmct", "C66742", "NY", "No Yes Response", "No", "C49487", "N", "No", "No", "2012-12-21", "2025-03-28"],
    ["sdtmct", "C66742", "NY", "No Yes Response", "No", "C49488", "Y", "Yes", "Yes", "2012-12-21", "2025-03-28"],
], columns=build_ct.TERM_COLUMNS)
VERSIONS = pd.DataFrame([["sdtmct", v, "full", "1", "2", "0", "0", "", "x"] for v in ("2012-12-21", "2025-03-28")],
                        columns=build_ct.VERSION_COLUMNS)
# the published 2025 files, reduced to NY (the loader keeps their term order: Y before N here)
PUBLISHED = {
    "sdtm-terminology-2025-03-25.txt": "Code\tCodelist Code\tExt\tName\tValue\nC66742\t\tNo\tNo Yes Response\tNY\n"
                                       "C49488\tC66742\t\tNo Yes Response\tY\nC49487\tC66742\t\tNo Yes Response\tN\n",
    "adam-terminology-2025-09-26.csv": "Code,Codelist Code,Ext,Name,Value\n",
    "define-xml-terminology-2025-09-26.csv": "Code,Codelist Code,Ext,Name,Value\n",
}


def _source(tmp_path, terms=TERMS) -> Path:
    (tmp_path / "history").mkdir()
    with gzip.open(tmp_path / "history" / "ct-terms.csv.gz", "wt", encoding="utf-8") as fh:
        terms.to_csv(fh, index=False)
    VERSIONS.to_csv(tmp_path / "history" / "ct-versions.csv", index=False)
    for name, text in PUBLISHED.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_rebuild_writes_the_same_bytes_in_the_published_term_order(tmp_path):
    (tmp_path / "src").mkdir()
    src, out = _source(tmp_path / "src"), tmp_path / "out"
    build_ct.build(src, out)
    first = (out / "ct-terms.csv.gz").read_bytes()
    build_ct.build(src, out)
    assert (out / "ct-terms.csv.gz").read_bytes() == first
    copied = pd.read_csv(out / "ct-terms.csv.gz", dtype=str, keep_default_na=False)
    assert list(copied.columns) == build_ct.TERM_COLUMNS and copied["submission_value"].tolist() == ["Y", "N"]


def test_a_term_whose_version_is_not_listed_is_refused_naming_row_and_column(tmp_path):
    bad = TERMS.copy()
    bad.loc[1, "last_version"] = "2025-03-25"
    (tmp_path / "src").mkdir()
    with pytest.raises(SystemExit) as err:
        build_ct.build(_source(tmp_path / "src", bad), tmp_path / "out")
    assert str(err.value) == ("build_ct: ct-terms.csv.gz, row 3, column last_version: '2025-03-25' is not a version "
                              "of sdtmct")
