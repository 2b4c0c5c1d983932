"""XSD validation against the vendored Define-XML 2.0/2.1 and ARM schemas, offline and safely."""

from __future__ import annotations

from sdtm_convert.package.xsd import validate_define


def test_cdisc_example_with_misspelt_standard_name_gives_exactly_one_schema_error(data_dir):
    issues = validate_define(data_dir / "define" / "define-2-1-sdtm-invalid-standard-name.xml")
    assert [i.code for i in issues] == ["define-xsd-invalid"]
    assert "STDTMIG" in issues[0].message and issues[0].extra["line"] == 63


def test_cdisc_adam_example_with_arm_passes_with_the_arm_schema(data_dir):
    assert validate_define(data_dir / "define" / "define-2-1-adam-with-arm.xml") == []


def test_define_2_0_is_validated_against_the_2_0_schema():
    doc = (
        b'<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.0" '
        b'ODMVersion="1.3.2" FileType="Bogus" FileOID="x" CreationDateTime="2026-01-01T00:00:00"/>'
    )
    issues = validate_define(doc)
    assert [i.code for i in issues] == ["define-xsd-invalid"] and "Bogus" in issues[0].message


def test_malformed_and_unknown_documents():
    assert [i.code for i in validate_define(b"<ODM")] == ["define-xml-malformed"]
    assert [i.code for i in validate_define(b"<ODM/>")] == ["define-version-unknown"]


def test_external_entities_are_not_resolved(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doc = (
        f'<!DOCTYPE ODM [<!ENTITY e SYSTEM "file://{secret}">]>'
        '<ODM xmlns="http://www.cdisc.org/ns/odm/v1.3" xmlns:def="http://www.cdisc.org/ns/def/v2.1">&e;</ODM>'
    )
    issues = validate_define(doc.encode())
    assert [(i.code, i.message) for i in issues] == [
        ("define-unsafe", "declares a DTD/entities; refused (entity expansion is not allowed)")]
    assert all("TOPSECRET" not in i.message for i in issues)
