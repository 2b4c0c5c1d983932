"""The CT term store: one release's codelists are a filter on first/last version, equal to the file CDISC
published for that release; the project's name 2025-03-25 is an alias of the 2025-03-28 release."""

from __future__ import annotations

from pathlib import Path

import pytest

from sdtm_convert.standards.ct import SDTM_RELEASES, load_ct
from sdtm_convert.standards.ct_file import load_ct_file

NCI_2025 = Path(__file__).resolve().parents[1] / "data" / "ct" / "sdtm-terminology-2025-03-25.txt.gz"
TERMS = ["code", "value", "synonyms", "preferred"]  # the store holds no definitions


def _codelists(ct, codes) -> dict:
    out = {}
    for code in codes:
        cl = ct.codelist(code)
        out[code] = (cl.short_name, cl.name, cl.extensible, [tuple(r) for r in cl.terms[TERMS].itertuples(index=False)])
    return out


def test_the_stores_2025_release_equals_the_published_nci_file_whole():
    published = load_ct_file(str(NCI_2025))
    ct = load_ct("2025-03-28")
    table = ct.table()
    sdtm = sorted(set(table.loc[table["publishing_set"] == "SDTM", "codelist_code"]))
    assert len(published.codelists()) == len(sdtm) == 1158
    assert _codelists(ct, sdtm) == _codelists(published, published.codelists())  # names, terms, codes, order


def test_2025_03_25_is_an_alias_of_the_2025_03_28_release_with_the_adam_and_define_ct_shipped_with_it():
    alias, release = load_ct("2025-03-25"), load_ct("2025-03-28")
    assert alias.version == "2025-03-25" and alias.fidelity == "full"
    assert alias.releases == {"SDTM": "2025-03-28", "ADaM": "2025-09-26", "DEFINE-XML": "2025-09-26"}
    assert release.releases == {"SDTM": "2025-03-28", "ADaM": "2025-03-28", "DEFINE-XML": "2025-03-28"}
    assert alias.codelist("UNIT").terms.equals(release.codelist("UNIT").terms)


def test_the_unit_second_was_sec_until_2022_03_25_and_s_from_2022_06_24():
    assert {"sec", "s"} & load_ct("2017-09-29").codelist("UNIT").values == {"sec"}
    assert {"sec", "s"} & load_ct("2022-03-25").codelist("UNIT").values == {"sec"}
    assert {"sec", "s"} & load_ct("2022-06-24").codelist("UNIT").values == {"s"}


def test_before_2015_12_18_questionnaire_terms_come_from_the_qs_package_of_the_time():
    ct = load_ct("2014-09-26")
    assert ct.releases == {"SDTM": "2014-09-26", "ADaM": "2014-09-26", "QS": "2014-09-26"}
    assert "ADAS-COG" in ct.codelist("QSCAT").values
    assert "QS" not in load_ct("2015-12-18").releases and "ADAS-COG" in load_ct("2015-12-18").codelist("QSCAT").values


def test_a_codelist_that_postdates_a_release_is_not_in_it():
    assert "C114118" not in load_ct("2013-12-20") and "C114118" in load_ct("2014-06-27")  # PROTMLST
    assert "C96777" in load_ct("2012-12-21")  # DICTNAM
    assert load_ct("2012-12-21").codelist("DICTNAM").values == {"COSTART", "ICD", "LOINC", "MedDRA", "SNOMED",
                                                                 "WHOART", "WHODD"}


def test_reduced_and_decoded_releases_say_so():
    assert (load_ct("2017-09-29").fidelity, load_ct("2023-03-31").fidelity, load_ct("2023-12-15").fidelity) == (
        "reduced", "decoded", "full")


def test_every_shipped_sdtm_release_is_listed_and_an_unknown_one_is_refused_naming_them():
    assert len(SDTM_RELEASES) == 43 and SDTM_RELEASES[0] == "2012-12-21" and SDTM_RELEASES[-1] == "2025-03-28"
    with pytest.raises(KeyError) as err:
        load_ct("2021-03-25")
    assert err.value.args[0].startswith("CT version '2021-03-25' is not shipped (have: 2012-12-21, 2013-12-20, ")
    assert err.value.args[0].endswith("2024-03-29, 2025-03-28; 2025-03-25 = 2025-03-28)")
