"""``merge_vars``: its ``where`` is a condition of the one condition language (the old ``{COL: value}``
mapping is its shorthand, meaning the same: all of ``eq``, trimmed, case-insensitive)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.derive.registry import DeriveContext, get

DM = pd.DataFrame({"USUBJID": ["A", "B", "C"], "DTHDTC": ["", "", ""]})
DS = pd.DataFrame(
    {
        "USUBJID": ["A", "A", "B", "B", "C"],
        "DSDECOD": ["OTHER", " death ", "OTHER", "LOST TO FOLLOW-UP", "COMPLETED"],
        "DSTERM": ["X", "died at home", "Died in hospital", "lost", "done"],
        "__D": ["2013-01-01", "2013-01-14", "2014-02-02", "2014-03-03", "2015-01-01"],
    }
)
CTX = DeriveContext(study=None, ct=None, domain="DM", domains={"DS": DS})  # type: ignore[arg-type]


def _merge(where):
    out, issues = get("merge_vars")(DM, CTX, vars={"DTHDTC": "__D"}, where=where, **{"from": "DS"})
    assert not issues
    return out["DTHDTC"].tolist()


def test_a_full_condition_selects_the_source_records():
    died = {"any": [{"column": "DSDECOD", "op": "eq", "value": "DEATH"},
                    {"column": "DSTERM", "op": "starts_with", "value": "died"}]}
    assert _merge(died) == ["2013-01-14", "2014-02-02", ""]
    assert _merge({"not": died}) == ["2013-01-01", "2014-03-03", "2015-01-01"]


def test_the_old_mapping_keeps_its_meaning_next_to_the_full_condition():
    shorthand = _merge({"DSDECOD": "Death"})  # trimmed, case-insensitive equality, as before
    assert shorthand == ["2013-01-14", "", ""]
    assert shorthand == _merge({"all": [{"column": "DSDECOD", "op": "eq", "value": "Death"}]})


def test_a_column_read_by_the_condition_must_exist_in_the_source():
    out, issues = get("merge_vars")(DM, CTX, vars={"DTHDTC": "__D"},
                                    where={"any": [{"column": "DSSCAT", "op": "present"}]}, **{"from": "DS"})
    assert [(i.code, i.variable) for i in issues] == [("derive-variable-missing", "DSSCAT")]
    assert out["DTHDTC"].tolist() == ["", "", ""]
