"""The committed schemas are what the generator makes, and follow the documented conventions."""

from __future__ import annotations

import re

import pytest
from jsonschema import Draft202012Validator

from sdtm_convert.adam.datasets import DATASETS as ADAM_DATASETS
from sdtm_convert.adam.rowschemas import main, write_schemas
from sdtm_convert.rowschema import load_schema, schema_dir, schema_path
from sdtm_convert.rowschema.datasets import SDTM_DATASETS
from sdtm_convert.rowschema.generate import render
from sdtm_convert.standards import load_ct, sdtmig_domain_variables

ALL = list(SDTM_DATASETS) + list(ADAM_DATASETS)


def test_regenerating_gives_identical_files(tmp_path):
    written = write_schemas(tmp_path)
    committed = sorted(p.relative_to(schema_dir()) for p in schema_dir().glob("*/*.json"))
    assert sorted(p.relative_to(tmp_path) for p in written) == committed
    for rel in committed:
        assert (tmp_path / rel).read_bytes() == (schema_dir() / rel).read_bytes(), rel


def test_check_names_a_stale_file_and_writes_nothing(tmp_path, capsys):
    write_schemas(tmp_path)
    assert main([str(tmp_path), "--check"]) == 0
    stale = tmp_path / "adam" / "ADSL.json"
    stale.write_text("{}", encoding="utf-8")
    assert main([str(tmp_path), "--check"]) == 1
    assert f"{stale} is stale" in capsys.readouterr().err
    assert stale.read_text(encoding="utf-8") == "{}"
    assert not (tmp_path.parent / "--check").exists()


@pytest.mark.parametrize("name", ALL)
def test_schema_is_valid_draft_2020_12_with_dataset_annotations(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["x-dataset"] == name and schema["x-keys"] and schema["x-class"] and schema["x-structure"]
    assert set(schema["x-keys"]) <= set(schema["properties"])
    assert set(schema["required"]) <= set(schema["properties"])
    orders = [p["x-order"] for p in schema["properties"].values()]
    assert orders == sorted(orders) and len(set(orders)) == len(orders)
    assert render(schema) == schema_path(name).read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(SDTM_DATASETS))
def test_sdtm_schema_follows_sdtmig_metadata(name):
    schema, meta = load_schema(name), sdtmig_domain_variables(name)
    assert list(schema["properties"]) == list(meta["name"])
    assert schema["required"] == list(meta.loc[meta["core"] == "Req", "name"])
    for var in meta.itertuples():
        prop = schema["properties"][var.name]
        assert (prop["x-label"], prop["x-core"]) == (var.label, var.core)
        if var.type == "Char":
            assert prop["type"] == "string" and prop["maxLength"] == 200
            assert prop.get("minLength") == (1 if var.core == "Req" else None)
        else:
            assert prop["type"] == ("number" if var.core == "Req" else ["number", "null"])
        if var.name.endswith("DTC"):
            assert "pattern" in prop
        if var.name == "DOMAIN":
            assert prop["const"] == name


@pytest.mark.parametrize("name", ALL)
def test_enum_only_for_non_extensible_codelists(name):
    ct = load_ct("2025-03-25")
    for var, prop in load_schema(name)["properties"].items():
        lists = prop.get("x-codelist", [])
        assert prop.get("x-extensible", False) == any(c["extensible"] for c in lists)
        if prop.get("x-enum-source") == "CT":
            assert lists and not prop["x-extensible"]
            terms = set().union(*(ct.codelist(c["code"]).values for c in lists))
            assert set(prop["enum"]) == terms | {""}, var
        elif prop.get("x-enum-source", "").startswith("SDTMIG 3.4 notes"):
            assert [c["name"] for c in lists] == ["NY"] and set(prop["enum"]) - {""} < ct.codelist("NY").values
        elif lists and prop["x-extensible"]:
            assert "enum" not in prop, var


def test_ny_flags_use_the_sdtmig_subsets():
    assert load_schema("QS")["properties"]["QSBLFL"]["enum"] == ["", "Y"]
    assert load_schema("DM")["properties"]["DTHFL"]["enum"] == ["", "Y"]
    assert load_schema("AE")["properties"]["AESER"]["enum"] == ["", "N", "Y"]
    assert load_schema("SV")["properties"]["SVOCCUR"]["enum"] == ["", "N", "NA", "U", "Y"]


def test_schema_lookup_by_dataset_name():
    assert load_schema("SUPPAE")["x-dataset"] == "SUPPQUAL"
    assert schema_path("adsl").parent.name == "adam" and schema_path("AE").parent.name == "sdtm"
    with pytest.raises(KeyError):
        load_schema("XX")


def test_adam_templates_are_instantiated():
    adsl, adpasi = load_schema("ADSL")["properties"], load_schema("ADPASI")["properties"]
    assert adsl["TRT01P"]["x-label"] == "Planned Treatment for Period 01"
    assert adpasi["ANL01FL"]["enum"] == ["", "Y"] and adpasi["SAFFL"]["enum"] == ["", "Y", "N"]
    assert load_schema("ADAE")["properties"]["TRTEMFL"]["x-label"] == "Treatment Emergent Analysis Flag"
    for name in ADAM_DATASETS:
        for var, prop in load_schema(name)["properties"].items():
            assert len(prop["x-label"]) <= 40 and not re.search(r"\b(xx|y|zz)\b", prop["x-label"]), (name, var)


@pytest.mark.parametrize(
    "dataset, variable, value, ok",
    [
        ("TE", "TEDUR", "P14D", True),
        ("TE", "TEDUR", "PT2H", True),
        ("TE", "TEDUR", "P12W", True),
        ("TE", "TEDUR", "P", False),
        ("TE", "TEDUR", "-P1D", False),
        ("TE", "TEDUR", "14 days", False),
        ("QS", "QSELTM", "-PT15M", True),
        ("QS", "QSEVLINT", "-P1M", True),
        ("QS", "QSEVLINT", "2021-01-01/2021-02-01", True),
        ("AE", "AESTDTC", "2021-01-01/2021-02-01", False),
        ("SE", "SESTDTC", "2021-08-31T09:00", True),
        ("SE", "SESTDTC", "2021-02-30", True),
    ],
)
def test_iso8601_patterns(dataset, variable, value, ok):
    prop = load_schema(dataset)["properties"][variable]
    assert (re.search(prop["pattern"], value) is not None) == ok


def test_a_dm_variable_copied_from_adsl_takes_its_sdtm_metadata():
    from sdtm_convert.rowschema.generate import _copied_variable

    country = _copied_variable("ADSL.COUNTRY", "COUNTRY")
    assert (country["name"], country["type"], country["core"]) == ("COUNTRY", "Char", "Perm")
    assert _copied_variable("ADSL.NOSUCHVAR", "NOSUCHVAR") is None


def test_a_studys_adam_spec_is_checked_against_its_own_schema_with_its_sponsor_variables():
    """The pilot's ADSL (its own spec: admiral's SCRFDT, LDDTHELD...) is checked against the schema its spec
    generates, not the bundled study's committed ADSL.json; a variable in no standard takes its declared label
    and ADaMIG's naming conventions for its type (numeric suffixes DT, DY, N...)."""
    from pathlib import Path

    from sdtm_convert.adam.run import row_schema
    from sdtm_convert.adam.specs import compile_specs
    from sdtm_convert.spec.adam import load_adam_specs

    pilot = Path(__file__).resolve().parents[2] / "mappings" / "cdiscpilot01"
    adsl = compile_specs(load_adam_specs(pilot))["ADSL"]
    schema = row_schema("ADSL", adsl)
    assert "SCRFDT" in schema["properties"] and "SCRFDT" not in load_schema("ADSL")["properties"]
    assert schema["properties"]["SCRFDT"]["type"] == ["number", "null"]
    assert schema["properties"]["LDDTHELD"]["type"] == ["number", "null"]
    assert schema["properties"]["DTHCAUS"]["type"] == "string"
