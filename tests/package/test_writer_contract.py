"""Every registered output format keeps the writer contract: what it writes reads back as the same frame, a
rerun writes the same bytes, ``meta`` is left alone, and ``--formats`` offers exactly the registered names."""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.cli import build_parser
from sdtm_convert.cli.run import _formats
from sdtm_convert.common.registry import Registry, RegistryError
from sdtm_convert.metadata import DatasetMeta, VariableMeta
from sdtm_convert.package.layout import dataset_files_first
from sdtm_convert.package.write import formats_for, write_datasets
from sdtm_convert.package.writers import WRITERS, Writer, Written, check_contract, for_suffix, ordered
from sdtm_convert.spec.study import StudyConfig
from sdtm_convert.validate.package import read_package

STUDY = StudyConfig("S1", "Title", "Sponsor", "2025-09-26", "2026-01-01T00:00:00")
FRAME = pd.DataFrame({
    "STUDYID": ["S1", "S1", "S1"],
    "USUBJID": ["S1-001", "S1-002", "S1-010"],
    "AESEQ": [1, 2, 3],
    "AETERM": ["HEADACHE", None, "NAUSEA  x"],
    "AESTDY": [1.5, np.nan, -3.0],
    "ASTDT": [22000.0, np.nan, 0.0],
})


def meta(length: int = 0) -> DatasetMeta:
    """AE's metadata; ``length`` 0 leaves the text lengths to be set from what a writer writes."""
    return DatasetMeta("AE", "Adverse Events", "EVENTS", "One record per event", ["USUBJID", "AESEQ"], [
        VariableMeta("STUDYID", "Study Identifier", "Char", length or 2),
        VariableMeta("USUBJID", "Unique Subject Identifier", "Char", length or 6),
        VariableMeta("AESEQ", "Sequence Number", "Num", 8, data_type="integer"),
        VariableMeta("AETERM", "Reported Term for the Adverse Event", "Char", length or 9),
        VariableMeta("AESTDY", "Study Day of Start of Adverse Event", "Num", 8, data_type="float"),
        VariableMeta("ASTDT", "Analysis Start Date", "Num", 8, data_type="integer", display_format="DATE9."),
    ])


@pytest.mark.parametrize("name", WRITERS.names())
def test_what_a_writer_writes_reads_back_as_the_same_frame(tmp_path, name):
    writer = WRITERS[name]
    written = writer.write(FRAME, meta(), tmp_path, STUDY)
    assert [i.code for i in written.issues] == []
    assert [p.suffix for p in written.files] == [writer.suffixes[0]]
    assert writer.read is not None
    got = writer.read(written.files[0])
    pd.testing.assert_frame_equal(got, pd.DataFrame({
        "STUDYID": ["S1", "S1", "S1"],
        "USUBJID": ["S1-001", "S1-002", "S1-010"],
        "AESEQ": [1.0, 2.0, 3.0],
        "AETERM": ["HEADACHE", "", "NAUSEA  x"],
        "AESTDY": [1.5, np.nan, -3.0],
        "ASTDT": [22000.0, np.nan, 0.0],
    }))


@pytest.mark.parametrize("name", WRITERS.names())
def test_a_writer_writes_the_same_bytes_twice_and_leaves_meta_alone(tmp_path, name):
    given = meta(length=40)
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    first = WRITERS[name].write(FRAME, given, tmp_path / "a", STUDY)
    second = WRITERS[name].write(FRAME, given, tmp_path / "b", STUDY)
    assert first.files and [p.name for p in first.files] == [p.name for p in second.files]
    assert [p.read_bytes() for p in first.files] == [p.read_bytes() for p in second.files]
    assert given == meta(length=40)


def test_the_xpt_writer_returns_the_lengths_it_wrote_and_the_package_declares_them(tmp_path):
    given = {"AE": meta(length=40)}
    written = write_datasets({"AE": FRAME}, given, tmp_path, STUDY, formats=("json", "xpt"))
    assert [p.name for p in written.files] == ["ae.xpt", "ae.json"]  # primary format first, whatever the order asked
    assert given == {"AE": meta(length=40)}
    declared = written.metas["AE"]
    assert [(v.name, v.length) for v in declared.variables] == [
        ("STUDYID", 2), ("USUBJID", 6), ("AESEQ", 8), ("AETERM", 9), ("AESTDY", 8), ("ASTDT", 8)]
    assert declared.records == 3


def test_without_the_primary_format_the_metadata_given_is_declared(tmp_path):
    given = {"AE": meta(length=40)}
    written = write_datasets({"AE": FRAME}, given, tmp_path, STUDY, formats=("json",))
    assert [p.name for p in written.files] == ["ae.json"]
    assert written.metas == given


def test_the_run_writes_xpt_in_the_worker_and_json_in_the_main_process():
    assert formats_for("worker", ("json", "xpt")) == ("xpt",)
    assert formats_for("main", ("json", "xpt")) == ("json",)
    assert formats_for("worker", ("json",)) == ()
    assert {n for p in ("worker", "main") for n in formats_for(p, tuple(WRITERS.names()))} == set(WRITERS.names())


def test_every_registered_writer_keeps_the_contract():
    assert {n: check_contract(w) for n, w in WRITERS.items()} == {n: [] for n in WRITERS.names()}
    assert [w.name for w in ordered()][0] == "xpt" and sum(w.primary for w in WRITERS.values()) == 1
    suffixes = [s for w in WRITERS.values() for s in w.suffixes]
    assert len(suffixes) == len(set(suffixes))  # one writer per suffix: the validator reads by suffix
    assert {s: for_suffix(s.upper()).name for s in suffixes} == {  # type: ignore[union-attr]
        s: w.name for w in WRITERS.values() for s in w.suffixes}


def test_a_writer_without_read_or_suffixes_breaks_the_contract():
    xpt = WRITERS["xpt"]
    assert check_contract(replace(xpt, read=None)) == ["read"]
    assert check_contract(replace(xpt, suffixes=())) == ["suffixes (lower-case, each starting with '.')"]
    assert check_contract(replace(xpt, suffixes=("XPT",), doc="")) == [
        "suffixes (lower-case, each starting with '.')", "doc"]


def test_a_second_writer_under_a_taken_name_fails():
    registry: Registry[Writer] = Registry("output format")
    registry.register("xpt", WRITERS["xpt"])
    with pytest.raises(RegistryError, match="output format 'xpt' is registered twice"):
        registry.register("xpt", WRITERS["json"])


def test_cli_formats_are_the_registered_writers(capsys, monkeypatch):
    for name in WRITERS.names():
        assert _formats(name.upper()) == name.upper()
    assert _formats(",".join(WRITERS.names())) == ",".join(WRITERS.names())
    with pytest.raises(argparse.ArgumentTypeError) as err:
        _formats("xpt,sas7bdat")
    assert str(err.value) == f"choose from {', '.join(w.name for w in ordered())} (comma separated)"
    monkeypatch.setenv("COLUMNS", "1000")  # one help line per option
    with pytest.raises(SystemExit):
        build_parser().parse_args(["run", "--help"])
    helped = next(line for line in capsys.readouterr().out.splitlines() if line.lstrip().startswith("--formats FORMATS"))
    listed = "; ".join(f"{w.name} ({w.doc})" for w in ordered())
    assert helped.split("  ")[-1] == f"dataset formats to write, comma separated: {listed} (default: xpt,json)"


def test_the_manifest_lists_each_dataset_primary_format_first():
    files = ["m5/define.xml", "m5/dm.json", "m5/ae.ndjson", "m5/dm.xpt", "m5/ae.xpt", "m5/define.html"]
    assert dataset_files_first(files) == ["m5/ae.xpt", "m5/ae.ndjson", "m5/dm.xpt", "m5/dm.json",
                                          "m5/define.xml", "m5/define.html"]


def _csv_write(frame: pd.DataFrame, meta: DatasetMeta, folder, study) -> Written:
    path = folder / f"{meta.name.lower()}.csv"
    frame.to_csv(path, index=False)
    return Written((path,))


def _csv_read(path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"USUBJID": str}, keep_default_na=False)


def test_a_format_registered_in_one_place_is_offered_written_and_validated(tmp_path, monkeypatch):
    csv = Writer(name="csv", suffixes=(".csv",), process="main", write=_csv_write, read=_csv_read, doc="CSV")
    monkeypatch.setitem(WRITERS._items, "csv", csv)  # as package/writers/csv.py would register it
    assert check_contract(csv) == []
    assert _formats("xpt,csv") == "xpt,csv"
    assert formats_for("main", ("xpt", "csv")) == ("csv",)
    dm = pd.DataFrame({"USUBJID": ["S1-001", "S1-002"], "AGE": [34, 51]})
    written = write_datasets({"DM": dm}, {"DM": replace(meta(), name="DM")}, tmp_path, STUDY, formats=("csv",))
    assert [p.name for p in written.files] == ["dm.csv"]
    folder = read_package(tmp_path)
    assert list(folder.datasets) == ["DM"] and folder.datasets["DM"].source == "csv"
    pd.testing.assert_frame_equal(folder.datasets["DM"].frame, pd.DataFrame(
        {"USUBJID": pd.Series(["S1-001", "S1-002"], dtype=object), "AGE": [34.0, 51.0]}))
