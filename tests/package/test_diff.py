"""Transfer-to-transfer diff: records added, removed, changed (which variables, old → new)."""

import json

import numpy as np
import pandas as pd

from sdtm_convert.package import diff


def ae(rows):
    return pd.DataFrame(rows, columns=["STUDYID", "USUBJID", "AESEQ", "AEDECOD", "AESTDTC", "AESEV", "AESTDY"])


OLD = ae([["S", "S-1", 1.0, "HEADACHE", "2022-01-01", "MILD", 3.0],
          ["S", "S-1", 2.0, "NAUSEA", "2022-01-05", "MILD", 7.0],
          ["S", "S-2", 1.0, "PYREXIA", "2022-02-01", "MODERATE", np.nan]])


def test_added_removed_changed_on_natural_keys():
    new = ae([["S", "S-1", 1.0, "HEADACHE", "2022-01-01", "SEVERE", 3.0],
              ["S", "S-2", 1.0, "PYREXIA", "2022-02-01", "MODERATE", np.nan],
              ["S", "S-3", 1.0, "RASH", "2022-03-01", "MILD", 1.0]])
    d = diff.diff_frames("AE", OLD, new)
    assert d.keys == ["STUDYID", "USUBJID", "AEDECOD", "AESTDTC"]
    assert (d.added, d.removed, d.changed) == (1, 1, 1)
    assert d.added_keys == [{"STUDYID": "S", "USUBJID": "S-3", "AEDECOD": "RASH", "AESTDTC": "2022-03-01"}]
    assert d.removed_keys[0]["AEDECOD"] == "NAUSEA"
    assert d.changes[0].variables == {"AESEV": ("MILD", "SEVERE")}


def test_renumbered_seq_alone_is_a_change_not_add_remove():
    new = OLD.copy()
    new["AESEQ"] = [2.0, 1.0, 1.0]
    d = diff.diff_frames("AE", OLD, new)
    assert (d.added, d.removed, d.changed) == (0, 0, 2)
    assert {tuple(c.variables) for c in d.changes} == {("AESEQ",)}


def test_numbers_compare_as_numbers_and_nan_equals_nan():
    new = OLD.copy()
    new["AESTDY"] = [3.0 + 1e-13, 7.0, np.nan]
    assert diff.diff_frames("AE", OLD, new).identical


def test_non_unique_natural_keys_fall_back_to_seq():
    old = ae([["S", "S-1", 1.0, "HEADACHE", "2022-01-01", "MILD", 3.0],
              ["S", "S-1", 2.0, "HEADACHE", "2022-01-01", "SEVERE", 3.0]])
    new = old.copy()
    new.loc[1, "AESEV"] = "MODERATE"
    d = diff.diff_frames("AE", old, new)
    assert d.keys[-1] == "AESEQ" and "not unique" in d.note
    assert d.changed == 1 and d.changes[0].variables == {"AESEV": ("SEVERE", "MODERATE")}


def test_variables_added_and_removed():
    new = OLD.drop(columns=["AESTDY"]).assign(AESER="N")
    d = diff.diff_frames("AE", OLD, new)
    assert d.columns_added == ["AESER"] and d.columns_removed == ["AESTDY"] and not d.identical


def test_html_escapes_values():
    new = OLD.copy()
    new.loc[0, "AESEV"] = "<script>alert(1)</script>"
    pkg = diff.PackageDiff("a", "b", [diff.diff_frames("AE", OLD, new)], [], [])
    html = diff.render_html(pkg)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert json.loads(diff.render_json(pkg))["datasets"][0]["changed"] == 1
