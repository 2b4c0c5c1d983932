"""A bad spec is reported with file and line, before any data is read."""

import pytest

from sdtm_convert import pipeline
from sdtm_convert.errors import SdtmConvertError
from tests.mapping.conftest import AE_YAML, DM_YAML, RAW_YAML, STUDY_YAML, write_study


def spec_error(tmp_path, **replace):
    files = {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": AE_YAML}
    files.update(replace)
    _, spec = write_study(tmp_path, files)
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    return exc.value.issue


def test_misspelt_key_names_file_and_line(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("algorithm: assign_ct", "algoritm: assign_ct")})
    assert issue.code == "spec-invalid"
    assert issue.file.endswith("dm.yaml")
    assert issue.row == 13  # the SEX row


def test_unknown_algorithm(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("algorithm: assign_ct", "algorithm: guess")})
    assert issue.code == "spec-invalid" and issue.row == 13


def test_yaml_syntax_error_has_line(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML.replace("sources:", "sources: [")})
    assert issue.code == "spec-yaml-syntax" and issue.file.endswith("ae.yaml") and issue.row is not None


def test_unknown_codelist(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("codelist: SEX", "codelist: SEXX")})
    assert issue.code == "spec-codelist-unknown" and issue.row == 13


def test_unknown_raw_column(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("column: GENDER", "column: GENDR")})
    assert issue.code == "spec-column-unknown" and issue.row == 13


def test_unknown_raw_dataset(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML.replace("- raw: ae", "- raw: aes")})
    assert issue.code == "spec-raw-unknown"


def test_hardcoded_ct_value_must_be_a_term(tmp_path):
    dm = DM_YAML + "      - {target: AGEU, algorithm: hardcode_ct, value: YRS, codelist: AGEU}\n"
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert issue.code == "spec-ct-value-invalid" and issue.row == 14


def test_unknown_derivation(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML + "derivations:\n  - {name: sequence}\n"})
    assert issue.code == "spec-derivation-unknown"


def test_target_read_before_assigned(tmp_path):
    ae = AE_YAML + ("      - target: AESEV\n        algorithm: if_then_else\n"
                    "        cases: [{when: {target: AEOUT, op: eq, value: X}, then: {value: MILD}}]\n")
    issue = spec_error(tmp_path, **{"ae.yaml": ae})
    assert issue.code == "spec-target-order"


def test_missing_study_file(tmp_path):
    _, spec = write_study(tmp_path, {"raw.yaml": RAW_YAML})
    with pytest.raises(SdtmConvertError) as exc:
        pipeline.prepare_spec(spec)
    assert exc.value.issue.code == "spec-file-missing"


def test_study_config_errors(tmp_path):
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML.replace('ct_version: "2025-03-25"', 'ct_version: "March"')})
    assert issue.code == "spec-invalid" and issue.row == 4
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML + "pasi: {domain: XS}\n"})
    assert issue.code == "spec-invalid"


def test_unsafe_yaml_tags_are_refused(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML + "x: !!python/object/apply:os.system ['echo hi']\n"})
    assert issue.code == "spec-yaml-syntax"
