"""``sdtm-convert rules --source core``: every shipped CORE rule of a standard, with its ids, and the rules the
interpreter does not run with the reason."""

from __future__ import annotations

import json

from sdtm_convert.cli import main


def test_core_rules_of_a_standard_say_which_run_and_why_not(capsys) -> None:
    assert main(["rules", "--source", "core", "--standard", "sdtmig-3.4", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert (rows["CORE-000001"]["cdisc_id"], rows["CORE-000001"]["runs"]) == ("CG0176, TIG0405", True)
    assert rows["CORE-000929"]["runs"] is True  # a Define Item Metadata Check against Library Metadata
    assert rows["CORE-000744"]["not_run"] == "Match Datasets keys None are not supported"
    assert all("SDTMIG 3.4" in r["standards"] for r in rows.values())


def test_text_listing_ends_with_the_counts(capsys) -> None:
    assert main(["rules", "--source", "core", "--standard", "sdtmig-3.2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("CORE-000001  runs     Record Data   IEORRES is not equal to 'N' when IECAT equals")
    n = len(lines) - 1
    run = sum(" runs " in x for x in lines[:-1])
    assert lines[-1] == f"CORE rules: {n}, run {run}, not run {n - run}"


def test_default_listing_has_no_core_rule(capsys) -> None:
    assert main(["rules"]) == 0
    assert "CORE-000001  runs" not in capsys.readouterr().out
