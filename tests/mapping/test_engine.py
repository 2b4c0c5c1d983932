"""The engine on a tiny study: join, filter, accounting, orphans, reconciliation."""

import pandas as pd

from sdtm_convert import pipeline
from sdtm_convert.common.store import FrameStore
from sdtm_convert.io.raw import read_raw_dataset, read_study
from sdtm_convert.mapping.engine import map_domain, map_source
from sdtm_convert.mapping.run import map_study
from sdtm_convert.spec.model import DomainSpec, load_spec
from sdtm_convert.standards import load_ct


def test_join_filter_and_accounting(tiny):
    (raw_dir, spec_dir), _ = tiny
    spec = load_spec(spec_dir)
    raw = {n: read_raw_dataset(raw_dir, n, d)[0] for n, d in spec.raw["datasets"].items()}
    ae = map_domain(spec.domain("AE"), raw, load_ct())
    assert ae.frame[["USUBJID", "AETERM", "AEDECOD", "AESER"]].values.tolist() == [
        ["TINY01-01-001", "Headache", "Headache", "N"],
        ["TINY01-01-002", "Pyrexia", "Pyrexia", "Y"],
        ["TINY01-01-009", "Rash", "", "N"],
    ]
    acc = ae.accounting.sort_values(["file", "row"]).reset_index(drop=True)
    assert acc[["file", "row", "status"]].values.tolist() == [
        ["ae.csv", 1, "mapped"], ["ae.csv", 2, "rejected"], ["ae.csv", 3, "mapped"], ["ae.csv", 4, "mapped"],
        ["ae_coding.csv", 1, "mapped"], ["ae_coding.csv", 2, "mapped"], ["ae_coding.csv", 3, "rejected"],
    ]
    assert acc.loc[1, "reason"] == "no adverse event term"
    codes = sorted(i.code for i in ae.issues)
    assert codes == ["join-missing", "join-missing", "join-unmatched"]


def test_transpose_wide_to_long():
    raw_frame = pd.DataFrame({"SUBJECT": ["1", "2"], "SBP": ["120", ""], "DBP": ["80", "70"],
                              "__src_file": "vs.csv", "__src_row": [1, 2]})
    from sdtm_convert.io.raw import RawDataset

    raw = {"vs": RawDataset("vs", raw_frame, ["vs.csv"], subject="SUBJECT")}
    ds = DomainSpec("VS", "vs.yaml", {"domain": "VS", "sources": []})
    src = {"raw": "vs", "transpose": {"columns": [
        {"column": "SBP", "set": {"TESTCD": "SYSBP"}}, {"column": "DBP", "set": {"TESTCD": "DIABP"}}]},
        "variables": [{"target": "VSTESTCD", "algorithm": "assign_no_ct", "column": "TESTCD"},
                      {"target": "VSORRES", "algorithm": "assign_no_ct", "column": "__value"}]}
    out = map_source(ds, src, raw, load_ct())
    assert out.frame[["VSTESTCD", "VSORRES", "__src_row"]].values.tolist() == [
        ["SYSBP", "120", 1], ["DIABP", "80", 1], ["DIABP", "70", 2]]


def test_subject_not_in_dm_is_rejected_and_reconciled(tiny):
    (raw_dir, spec_dir), _ = tiny
    spec, ct = pipeline.prepare_spec(spec_dir)
    raw, _ = read_study(spec.raw, raw_dir)
    frames = FrameStore()
    mapped, issues, accounting = map_study(spec, raw, ct, frames)
    orphans = [i for i in issues if i.code == "subject-not-in-dm"]
    assert [(i.code, i.file, i.row, i.usubjid) for i in orphans] == [("subject-not-in-dm", "ae.csv", 4, "TINY01-01-009")]
    assert issues[-1] is orphans[0]  # after every mapping issue
    assert frames["AE"]["USUBJID"].tolist() == ["TINY01-01-001", "TINY01-01-002"]
    assert list(mapped) == [d.domain for d in spec.domains] and all(len(m.frame) == 0 for m in mapped.values())
    from sdtm_convert.sdtm.reconcile import reconcile

    summary, rejects, rec_issues = reconcile(raw, accounting)
    assert not rec_issues
    s = summary.set_index("file")
    assert s.loc["ae.csv", ["rows_read", "rows_mapped", "rows_rejected", "rows_unaccounted"]].tolist() == [4, 2, 2, 0]
    assert s.loc["dm.csv", ["rows_read", "rows_mapped"]].tolist() == [3, 3]
    assert set(rejects["reason"]) == {"no adverse event term", "subject not in DM", "no matching ae record"}


def test_unused_raw_rows_are_unaccounted(tiny):
    (raw_dir, spec_dir), _ = tiny
    (spec_dir / "ae.yaml").unlink()
    spec, ct = pipeline.prepare_spec(spec_dir)
    raw, _ = read_study(spec.raw, raw_dir)
    mapped = {d.domain: map_domain(d, raw, ct) for d in spec.domains}
    from sdtm_convert.sdtm.reconcile import reconcile

    _, _, issues = reconcile(raw, pd.concat([m.accounting for m in mapped.values()]))
    assert {(i.code, i.file) for i in issues} == {("raw-row-unaccounted", "ae.csv"), ("raw-row-unaccounted", "ae_coding.csv")}
    assert len(issues) == 7


def test_duplicate_raw_records_are_rejected_with_reason(tiny):
    (raw_dir, spec_dir), _ = tiny
    (raw_dir / "dm.csv").write_text("SUBJECT,SITE,GENDER\n001,01,Female\n001,01,Female\n", encoding="utf-8")
    spec = load_spec(spec_dir)
    ds, issues = read_raw_dataset(raw_dir, "dm", spec.raw["datasets"]["dm"])
    assert len(ds.frame) == 1 and ds.rejected["__src_row"].tolist() == [2]
    assert [(i.code, i.row) for i in issues] == [("raw-duplicate-record", 2)]


def _frame(file, **cols):
    n = len(next(iter(cols.values())))
    return pd.DataFrame({**cols, "__src_file": file, "__src_row": list(range(1, n + 1))})


def test_join_with_different_key_names_and_a_constant_key():
    from sdtm_convert.io.raw import RawDataset

    dm = _frame("dm.csv", SUBJECT=["1", "2", "3"], GENDER=["1", "2", "9"])
    book = _frame("codebook.csv", FIELD=["GENDER", "GENDER", "RACE"], CODE=["1", "2", "1"], DECODE=["Male", "Female", "White"])
    raw = {"dm": RawDataset("dm", dm, ["dm.csv"], subject="SUBJECT"), "codebook": RawDataset("codebook", book, ["codebook.csv"])}
    ds = DomainSpec("DM", "dm.yaml", {"domain": "DM", "sources": []})
    src = {"raw": "dm", "join": [{"raw": "codebook", "by": [{"left": "GENDER", "right": "CODE"},
                                                           {"right": "FIELD", "value": "gender"}]}],
           "variables": [{"target": "SEX", "algorithm": "assign_ct", "column": "DECODE", "codelist": "SEX"}]}
    out = map_source(ds, src, raw, load_ct())
    assert out.frame["SEX"].tolist() == ["M", "F", ""]
    assert [(i.code, i.row) for i in out.issues] == [("join-missing", 3)]
    acc = out.accounting[out.accounting["file"] == "codebook.csv"]
    assert sorted(acc["row"].tolist()) == [1, 2]  # the RACE row is no business of this join


def test_a_codebook_read_by_map_from_is_accounted_for():
    from sdtm_convert.io.raw import RawDataset

    dm = _frame("dm.csv", SUBJECT=["1"], GENDER=["2"])
    book = _frame("codebook.csv", FIELD=["GENDER", "GENDER"], CODE=["1", "2"], DECODE=["Male", "Female"])
    raw = {"dm": RawDataset("dm", dm, ["dm.csv"], subject="SUBJECT"), "codebook": RawDataset("codebook", book, ["codebook.csv"])}
    ds = DomainSpec("DM", "dm.yaml", {"domain": "DM", "sources": []})
    src = {"raw": "dm", "variables": [{"target": "SEX", "algorithm": "assign_ct", "column": "GENDER", "codelist": "SEX",
                                       "map_from": {"raw": "codebook", "field": "GENDER", "code": "CODE", "decode": "DECODE"}}]}
    out = map_source(ds, src, raw, load_ct())
    assert out.frame["SEX"].tolist() == ["F"]
    acc = out.accounting[out.accounting["file"] == "codebook.csv"]
    assert acc[["row", "status", "reason"]].values.tolist() == [[1, "mapped", "codebook of SEX"], [2, "mapped", "codebook of SEX"]]


def test_file_level_date_defaults_apply_to_every_date_variable():
    from sdtm_convert.io.raw import RawDataset

    ae = _frame("ae.csv", SUBJECT=["1"], START=["2021/UK/UK"])
    raw = {"ae": RawDataset("ae", ae, ["ae.csv"], subject="SUBJECT")}
    ds = DomainSpec("AE", "ae.yaml", {"domain": "AE", "dates": {"format": "YYYY/MM/DD", "unknown": ["UK"]}, "sources": []})
    src = {"raw": "ae", "variables": [{"target": "AESTDTC", "algorithm": "assign_datetime", "date": "START"}]}
    out = map_source(ds, src, raw, load_ct())
    assert out.frame["AESTDTC"].tolist() == ["2021"] and out.issues == []


def test_a_target_read_by_its_domain_prefix_placeholder():
    from sdtm_convert.io.raw import RawDataset

    qs = _frame("qs.csv", SUBJECT=["1"], SCORE=["3.50"])
    raw = {"qs": RawDataset("qs", qs, ["qs.csv"], subject="SUBJECT")}
    ds = DomainSpec("QS", "qs.yaml", {"domain": "QS", "sources": []})
    src = {"raw": "qs", "variables": [
        {"target": "--STRESN", "algorithm": "assign_number", "column": "SCORE"},
        {"target": "--STRESC", "algorithm": "format_number", "value": {"target": "--STRESN"}}]}
    out = map_source(ds, src, raw, load_ct())
    assert out.frame[["QSSTRESN", "QSSTRESC"]].values.tolist() == [[3.5, "3.5"]]
