"""Trust at database lock: lineage/trace, run manifest, interrupted runs, encodings."""

import json
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from sdtm_convert.io.raw import read_table
from sdtm_convert.package import trace
from sdtm_convert.package.layout import sdtm_dir
from sdtm_convert.package.manifest import verify_manifest
from sdtm_convert.xpt import read_v5
from tests.e2e.conftest import SAMPLE, SPEC


def test_trace_links_a_record_to_its_raw_row(sample_run):
    xpt = sdtm_dir(sample_run.out, "NCT03745417") / "ae.xpt"
    ae = sample_run.conversion.sdtm["AE"]
    subject, term = ae.loc[0, "USUBJID"], ae.loc[0, "AETERM"]
    found = trace.trace(xpt, subject, seq=ae.loc[0, "AESEQ"])
    assert len(found) == 1
    rec = found[0]
    assert rec.raw_file == "ae.csv" and rec.raw_values["AETERM_V"] == term
    assert "NCT03745417-" + rec.raw_values["SUBJECT"] == subject
    assert "ae.csv data row" in trace.render(found)


def test_run_manifest_lists_checksums_of_inputs_spec_and_outputs(sample_run):
    manifest = json.loads((sample_run.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tool"]["name"] == "sdtm-convert"
    assert set(manifest["inputs"]) == {p.name for p in SAMPLE.glob("*.csv")}
    assert "study.yaml" in manifest["spec"] and "adam/adpasi.yaml" in manifest["spec"]  # the ADaM specs too
    paths = {f["path"] for f in manifest["files"]}
    assert "m5/datasets/nct03745417/tabulations/sdtm/dm.xpt" in paths
    assert "reports/conversion-report.json" in paths
    assert verify_manifest(sample_run.out) == []


KILLER = textwrap.dedent("""
    import os, signal, sys
    import pyreadstat
    real = pyreadstat.write_xport
    calls = {"n": 0}
    def dying_write(df, path, **kw):
        calls["n"] += 1
        if calls["n"] == 3:   # third dataset: write half a file, then die hard mid-write
            real(df, path, **kw)
            with open(path, "r+b") as fh:
                fh.truncate(os.path.getsize(path) // 2)
            os.kill(os.getpid(), signal.SIGKILL)
        return real(df, path, **kw)
    pyreadstat.write_xport = dying_write
    from sdtm_convert.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def test_killed_run_leaves_previous_outputs_intact(sample_run, tmp_path):
    """Kill -9 at the third XPT write of a process: the SDTM worker dies while DS is half written, the main
    process at ADSL; DS is still the previous transfer's file, every dataset on disk is complete, and no new
    name appears."""
    import shutil

    out, raw = tmp_path / "out", tmp_path / "raw"
    shutil.copytree(sample_run.out, out)
    shutil.copytree(SAMPLE, raw)
    disp = (raw / "disposition.csv").read_text(encoding="utf-8")
    (raw / "disposition.csv").write_text(disp.replace("Completed,", "Completed ,", 1), encoding="utf-8")
    before = {p: p.read_bytes() for p in out.rglob("*.xpt")}
    scratch = tmp_path / "scratch"  # where the run keeps its SDTM frames (a kill leaves them behind)
    scratch.mkdir()
    p = subprocess.run([sys.executable, "-c", KILLER, "run", str(raw), "--spec", str(SPEC), "--out", str(out),
                        "--quiet"], capture_output=True, text=True, timeout=300,
                       env={**os.environ, "SDTM_CONVERT_TMPDIR": str(scratch)})
    assert p.returncode == -9, p.stderr
    assert [d.name.rsplit("-", 1)[0] for d in scratch.iterdir()] == ["sdtm-convert-sdtm"]
    ds = next(q for q in before if q.name == "ds.xpt")
    assert ds.read_bytes() == before[ds]
    for path in before:
        member = read_v5(path)  # complete and parseable, old or new
        assert member.info.name == path.stem.upper()
    assert not [q for q in out.rglob("*.xpt") if q not in before]


@pytest.mark.parametrize("encoding,text", [
    ("utf-8-sig", "SUBJECT,TERM\n001,Érythème\n"),
    ("cp1252", "SUBJECT,TERM\n001,Patient’s rash\n"),
    ("gb18030", "SUBJECT,TERM\n001,头痛和恶心\n"),
])
def test_raw_encodings_are_detected_or_reported(tmp_path, encoding, text):
    path = tmp_path / "ae.csv"
    path.write_bytes(text.encode(encoding))
    df, issues = read_table(path)
    assert df["TERM"].tolist() == [text.splitlines()[1].split(",")[1]]
    assert list(df.columns[:2]) == ["SUBJECT", "TERM"]  # no BOM left in the first name
    expected = [] if encoding == "utf-8-sig" else ["raw-encoding-detected"]
    assert [i.code for i in issues] == expected


def test_explicit_encoding_that_does_not_fit_is_one_clear_error(tmp_path):
    from sdtm_convert.errors import SdtmConvertError

    path = tmp_path / "ae.csv"
    path.write_bytes("SUBJECT,TERM\n001,头痛和恶心\n".encode("gb18030"))
    with pytest.raises(SdtmConvertError) as exc:
        read_table(path, encoding="utf-8")
    assert exc.value.issue.code == "raw-encoding" and exc.value.issue.file == "ae.csv"


def test_empty_raw_file_is_reported(tmp_path):
    from sdtm_convert.errors import SdtmConvertError

    path = tmp_path / "dm.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(SdtmConvertError) as exc:
        read_table(path)
    assert exc.value.issue.code == "raw-file-empty"


def test_excel_and_sas_raw_exports_read_like_csv(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"SUBJECT": ["01-001", "01-002"], "AGE": ["34", "51"]})
    frame.to_excel(tmp_path / "dm.xlsx", index=False)
    df, _ = read_table(tmp_path / "dm.xlsx")
    assert df[["SUBJECT", "AGE"]].values.tolist() == frame.values.tolist()
    assert df["__src_row"].tolist() == [1, 2] and set(df["__src_file"]) == {"dm.xlsx"}
    pyreadstat.write_xport(frame, str(tmp_path / "dm.xpt"), file_format_version=5)
    df, _ = read_table(tmp_path / "dm.xpt")
    assert df[["SUBJECT", "AGE"]].values.tolist() == frame.values.tolist()


def test_trace_follows_an_adam_record_to_sdtm_and_to_every_raw_row(sample_run):
    adpasi = sample_run.conversion.adam.datasets["ADPASI"]
    rec = adpasi[(adpasi["PARAMCD"] == "PASI") & (adpasi["AVISIT"] == "Week 12")].iloc[0]
    folder = sample_run.out / "m5" / "datasets" / "nct03745417" / "analysis" / "adam" / "datasets"
    found = trace.trace(folder / "adpasi.xpt", rec["USUBJID"], seq=rec["ASEQ"])
    assert len(found) == 1
    t = found[0]
    assert t.via.startswith(f"QS QSSTRESN seq {rec['SRCSEQ']:g}")
    assert t.raw_file == "pasi.csv" and len(t.derived_from_rows) == 4  # a total comes from the 4 regions
    raw = pd.read_csv(SAMPLE / "pasi.csv", dtype=str, keep_default_na=False)
    rows = raw.iloc[[r - 1 for r in t.derived_from_rows]]
    assert set(rows["REGION"]) == {"Head/Neck", "Upper Limbs", "Trunk", "Lower Limbs"}
    assert set("NCT03745417-" + rows["SUBJECT"]) == {rec["USUBJID"]}


def test_every_adam_record_has_lineage(sample_run):
    lin = pd.read_csv(sample_run.out / "reports" / "lineage-adam.csv", dtype=str, keep_default_na=False)
    adam = sample_run.conversion.adam.datasets
    assert lin.groupby("dataset").size().to_dict() == {k: len(v) for k, v in adam.items()}
    with_source = lin[lin["source_dataset"] != ""]
    assert set(with_source["source_dataset"]) == {"DM", "AE", "QS"}
    assert (lin.loc[lin["dataset"] == "ADAE", "source_seq"] != "").all()
