"""``validate_package(rules_source=...)`` / ``sdtm-convert validate --rules-source``: CORE rules run only when
asked; their findings carry ``core_id`` and ``cdisc_id``; the default report is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from sdtm_convert.validate import validate_package, write_json

# CORE-000001's negative case (cdisc-org/cdisc-open-rules, MIT): IECAT INCLUSION with IEORRES not N
IE = pd.DataFrame({
    "STUDYID": ["CDISCPILOT01"] * 3, "DOMAIN": ["IE"] * 3, "USUBJID": ["CDISC015", "CDISC016", "CDISC017"],
    "IESEQ": [1.0, 1.0, 1.0], "IETESTCD": ["INCL03"] * 3, "IETEST": ["Is not pregnant or nursing."] * 3,
    "IECAT": ["INCLUSION"] * 3, "IEORRES": ["Y", "Yes", "N"], "IESTRESC": ["Y", "Yes", "N"],
})


def core_rows(report) -> list[tuple]:
    f = report.findings[report.findings["rule"] == "CORE-000001"]
    return list(f[["core_id", "cdisc_id", "severity", "dataset", "record", "usubjid", "value"]].itertuples(index=False, name=None))


def test_core_source_flags_the_records_with_every_id() -> None:
    report = validate_package({"IE": IE}, standard="sdtmig-3.4", rules_source="core")
    assert core_rows(report) == [
        ("CORE-000001", "CG0176, TIG0405", "warning", "IE", 1, "CDISC015", "IECAT=INCLUSION; IEORRES=Y"),
        ("CORE-000001", "CG0176, TIG0405", "warning", "IE", 2, "CDISC016", "IECAT=INCLUSION; IEORRES=Yes"),
    ]
    assert report.findings["core_id"].notna().all()
    assert report.findings["why"].iloc[0] == (
        "IECAT equal to 'INCLUSION' and IEORRES not equal to 'N': held with IECAT=INCLUSION, IEORRES=Y")
    assert any(n.startswith("CORE rules (SDTMIG 3.4): ") for n in report.notes)


def test_all_source_keeps_our_findings_beside_the_core_ones() -> None:
    ours = validate_package({"IE": IE}, standard="sdtmig-3.4")
    both = validate_package({"IE": IE}, standard="sdtmig-3.4", rules_source="all")
    assert "core_id" not in ours.findings.columns
    assert both.findings["core_id"].isna().sum() == len(ours.findings)
    assert len(core_rows(both)) == 2


def test_json_report_findings_carry_core_id_and_cdisc_id(tmp_path: Path) -> None:
    report = validate_package({"IE": IE}, standard="sdtmig-3.4", rules_source="core")
    doc = json.loads(write_json(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    first = next(f for f in doc["findings"] if f["rule"] == "CORE-000001")
    assert (first["core_id"], first["cdisc_id"], first["record"]) == ("CORE-000001", "CG0176, TIG0405", 1)
    assert first["why"].endswith("held with IECAT=INCLUSION, IEORRES=Y")


def test_excel_and_html_reports_take_core_findings(tmp_path: Path) -> None:
    from sdtm_convert.validate import write_html, write_xlsx

    report = validate_package({"IE": IE}, standard="sdtmig-3.4", rules_source="all")
    assert write_xlsx(report, tmp_path / "r.xlsx").stat().st_size > 0
    assert "CORE-000001" in write_html(report, tmp_path / "r.html").read_text(encoding="utf-8")


def test_an_unknown_rules_source_is_refused() -> None:
    with pytest.raises(ValueError, match="rules_source must be one of p21, core, all, not 'p22'"):
        validate_package({"IE": IE}, standard="sdtmig-3.4", rules_source="p22")


def test_cli_rules_source_core_writes_core_findings(tmp_path: Path, capsys) -> None:
    from sdtm_convert.cli import main
    from tests.validate.conftest import DATA

    out = tmp_path / "r.json"
    code = main(["validate", str(DATA), "--ct", "2025-03-25", "--rules-source", "core", "--report-json", str(out),
                 "--quiet"])
    capsys.readouterr()
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert code in (0, 1)
    assert doc["findings"] and {f["rule"] for f in doc["findings"]} == {f["core_id"] for f in doc["findings"]}
    assert all(f["rule"].startswith("CORE-") for f in doc["findings"])


def test_cli_validate_runs_both_sources_by_default(tmp_path: Path, capsys) -> None:
    from sdtm_convert.cli import main
    from tests.validate.conftest import DATA

    out = tmp_path / "r.json"
    main(["validate", str(DATA), "--ct", "2025-03-25", "--report-json", str(out), "--quiet"])
    capsys.readouterr()
    doc = json.loads(out.read_text(encoding="utf-8"))
    rules = {f["rule"] for f in doc["findings"]}
    assert {"CORE-000047", "SC-CT-002"} <= rules
    # (CORE-000598 no longer flags each dataset named after its DOMAIN: 268 -> 262 CORE findings; CORE-000334,
    # run since the library operations, flags DM lacking SDTMIG 3.4's Expected ARMNRS and ACTARMUD: 263)
    assert any(n.startswith("findings merged: 93 of this project's rules + 263 of CORE rules -> 356")
               for n in doc["run"]["notes"])


def test_a_dataset_named_after_its_domain_is_not_flagged_by_the_dataset_name_rule() -> None:
    """CORE-000598 compares the dataset name with ``value: DOMAIN``, the dataset's DOMAIN value: IE named IE
    passes, and a dataset holding IE records under another name is flagged."""
    named = validate_package({"IE": IE}, standard="sdtmig-3.4", rules_source="core")
    assert (named.findings["rule"] == "CORE-000598").sum() == 0
    misnamed = validate_package({"QS": IE}, standard="sdtmig-3.4", rules_source="core")
    assert list(misnamed.findings.loc[misnamed.findings["rule"] == "CORE-000598", "dataset"]) == ["QS"]
