"""PASI in RS (current CDISC terminology) instead of QS is a setting of the study config, not a new spec."""

import shutil

from sdtm_convert.pipeline import convert
from tests.e2e.conftest import SAMPLE, SPEC


def test_rs_switch_uses_cdisc_codes_and_gives_the_same_scores(sample_run, tmp_path):
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    text = (spec / "study.yaml").read_text(encoding="utf-8")
    assert "domain: QS" in text
    (spec / "study.yaml").write_text(text.replace("domain: QS", "domain: RS"), encoding="utf-8")
    conv = convert(SAMPLE, spec)
    assert conv.errors == []
    assert "QS" not in conv.sdtm and "RS" in conv.sdtm
    rs = conv.sdtm["RS"]
    assert set(rs["RSCAT"]) == {"PASI FREDRIKSSON"}
    assert sorted(set(rs["RSTESTCD"])) == [f"PASI03{i:02d}" for i in range(1, 30)]
    assert set(rs.loc[rs["RSTESTCD"] == "PASI0329", "RSTEST"]) == {"PASI03-Total Sum"}
    qs = sample_run.conversion.sdtm["QS"]
    assert set(qs["QSCAT"]) == {"PASI FREDRIKSSON"}  # the default QS carries the same CDISC terms
    assert sorted(set(qs["QSTESTCD"])) == sorted(set(rs["RSTESTCD"]))
    qs_tot = qs[qs["QSTESTCD"] == "PASI0329"].set_index(["USUBJID", "VISITNUM"])["QSSTRESC"].sort_index()
    rs_tot = rs[rs["RSTESTCD"] == "PASI0329"].set_index(["USUBJID", "VISITNUM"])["RSSTRESC"].sort_index()
    assert qs_tot.to_dict() == rs_tot.to_dict()
    assert (rs.loc[rs["RSTESTCD"] == "PASI0329", "RSDRVFL"] == "Y").all()
