"""A dictionary's version read from the raw coding export (define.yaml ``version_from``)."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.package.define.dictionaries import dictionary_versions
from sdtm_convert.spec import define_spec as ds


def _spec(**kw) -> ds.DefineSpec:
    spec = ds.DefineSpec(**kw)
    spec.path, spec.lines = "mappings/x/define.yaml", {"dictionaries/0": 7, "dictionaries/0/version_from": 8}
    return spec


class Raw:
    def __init__(self, values):
        self.frame = pd.DataFrame({"MEDDRA_V": values})


def test_a_dictionary_version_comes_from_the_coding_export():
    spec = _spec(dictionaries=[ds.DictionaryDef("MEDDRA", dictionary="MedDRA", version_from="coding.MEDDRA_V")])
    got, issues = dictionary_versions(spec, {"coding": Raw(["25.1", "25.1", None])})
    assert (got.dictionaries[0].version, issues) == ("25.1", [])
    assert spec.dictionaries[0].version == ""  # the spec given is not changed
    _, issues = dictionary_versions(spec, {"coding": Raw(["25.0", "25.1"])})
    assert [(i.code, i.line, i.message) for i in issues] == [
        ("spec-define-dictionary-version", 8, "dictionary MEDDRA: coding.MEDDRA_V holds several versions: 25.0, 25.1")]


def test_a_version_given_and_another_in_the_coding_export_is_a_contradiction():
    spec = _spec(dictionaries=[ds.DictionaryDef("MEDDRA", dictionary="MedDRA", version="25.0",
                                                version_from="coding.MEDDRA_V")])
    got, issues = dictionary_versions(spec, {"coding": Raw(["25.1"])})
    assert got.dictionaries[0].version == "25.0"  # the sponsor's
    assert [(i.code, i.message) for i in issues] == [
        ("spec-define-dictionary-version", "dictionary MEDDRA: version 25.0 but coding.MEDDRA_V holds 25.1 "
         "(define.xml states 25.0)")]
