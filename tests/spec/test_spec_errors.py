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
    assert issue.code == "spec-key-unknown"
    assert issue.file.endswith("dm.yaml")
    assert issue.line == 13 and issue.row is None  # the SEX line
    assert issue.message == "unknown key 'algoritm' (did you mean 'algorithm'?)"


def test_unknown_algorithm(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("algorithm: assign_ct", "algorithm: guess")})
    assert issue.code == "spec-invalid" and issue.line == 13


def test_yaml_syntax_error_has_line(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML.replace("sources:", "sources: [")})
    assert issue.code == "spec-yaml-syntax" and issue.file.endswith("ae.yaml") and issue.line == 3
    assert issue.message.startswith("YAML syntax error at column ")


def test_unknown_codelist(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("codelist: SEX", "codelist: SEXX")})
    assert issue.code == "spec-codelist-unknown" and issue.line == 13


def test_unknown_raw_column(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("column: GENDER", "column: GENDR")})
    assert issue.code == "spec-column-unknown" and issue.line == 13


def test_unknown_raw_dataset(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML.replace("- raw: ae", "- raw: aes")})
    assert issue.code == "spec-raw-unknown"


def test_hardcoded_ct_value_must_be_a_term(tmp_path):
    dm = DM_YAML + "      - {target: AGEU, algorithm: hardcode_ct, value: YRS, codelist: AGEU}\n"
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert issue.code == "spec-ct-value-invalid" and issue.line == 14


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
    assert issue.code == "spec-invalid" and issue.line == 4
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML + "pasi: {domain: XS}\n"})
    assert issue.code == "spec-invalid"


def test_unsafe_yaml_tags_are_refused(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML + "x: !!python/object/apply:os.system ['echo hi']\n"})
    assert issue.code == "spec-yaml-syntax"


# --- unknown and misplaced keys, named at their cause (not as the "required" error they cause) ----------


def test_misspelt_study_key_is_named_not_reported_as_the_missing_one(tmp_path):
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML.replace("ct_version:", "ct_verison:")})
    assert (issue.code, issue.line) == ("spec-key-unknown", 4)
    assert issue.message == "unknown key 'ct_verison' (did you mean 'ct_version'?)"


def test_misspelt_key_of_a_study_list_item_is_named(tmp_path):
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML.replace("start_rule: Screening}", "strat_rule: Screening}")})
    assert (issue.code, issue.line) == ("spec-key-unknown", 11)
    assert issue.message == "unknown key 'strat_rule' (did you mean 'start_rule'?)"


def test_misspelt_raw_dataset_key_is_named(tmp_path):
    issue = spec_error(tmp_path, **{"raw.yaml": RAW_YAML.replace("    keys: [SUBJECT, AENO]", "    key: [SUBJECT, AENO]")})
    assert (issue.code, issue.file.endswith("raw.yaml"), issue.line) == ("spec-key-unknown", True, 10)
    assert issue.message == "unknown key 'key' (did you mean 'keys'?)"


def test_misspelt_required_key_is_named_before_the_missing_key(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("    variables:", "    variable:")})
    assert (issue.code, issue.line) == ("spec-key-unknown", 4)
    assert issue.message == "unknown key 'variable' (did you mean 'variables'?)"


def test_misspelt_algorithm_key_with_a_value_is_named(tmp_path):
    dm = DM_YAML.replace("{target: DOMAIN, algorithm: hardcode_no_ct", "{target: DOMAIN, algorith: hardcode_no_ct")
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert (issue.code, issue.line) == ("spec-key-unknown", 6)
    assert issue.message == "unknown key 'algorith' (did you mean 'algorithm'?)"


def test_key_of_another_algorithm_is_misplaced(tmp_path):
    dm = DM_YAML.replace("column: GENDER, codelist: SEX}", "column: GENDER, codelist: SEX, value: M}")
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert (issue.code, issue.line) == ("spec-key-misplaced", 13)
    assert issue.message == ("key 'value' is not allowed with algorithm 'assign_ct' "
                             "(allowed: algorithm, codelist, column, comment, label, map, map_from, origin, pattern, target)")


def test_misspelt_key_inside_a_condition_is_named(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML.replace("where: {column: TERM", "where: {colum: TERM")})
    assert (issue.code, issue.line) == ("spec-key-unknown", 5)
    assert issue.message == "unknown key 'colum' (did you mean 'column'?)"


def test_every_key_error_is_kept_first_one_shown(tmp_path):
    dm = DM_YAML.replace("sep:", "spe:").replace("algorithm: assign_ct", "algoritm: assign_ct")
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert issue.message == "unknown key 'spe' (did you mean 'sep'?) (and 1 more key errors)"
    assert [(p["line"], p["message"]) for p in issue.extra["all"]] == [
        (10, "unknown key 'spe' (did you mean 'sep'?)"),
        (13, "unknown key 'algoritm' (did you mean 'algorithm'?)"),
    ]


# --- targets are SDTMIG variables of their domain -----------------------------------------------------


def test_unknown_target_variable_is_a_spec_error(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("{target: SEX,", "{target: SEXX,")})
    assert (issue.code, issue.line, issue.dataset) == ("spec-target-unknown", 13, "DM")
    assert issue.message == "unknown SDTM variable 'SEXX' in DM (did you mean 'SEX'?)"


def test_general_class_variable_takes_the_domain_prefix(tmp_path):
    ok = AE_YAML + "      - {target: AEEVDTYP, algorithm: hardcode_no_ct, value: ONSET}\n"  # an Events variable
    _, spec = write_study(tmp_path, {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": ok})
    pipeline.prepare_spec(spec)
    bad = AE_YAML + "      - {target: --ORRESU, algorithm: hardcode_no_ct, value: X}\n"  # a Findings variable
    issue = spec_error(tmp_path, **{"ae.yaml": bad})
    assert (issue.code, issue.message) == ("spec-target-unknown", "unknown SDTM variable '--ORRESU' in AE (a working "
                                           "column is named __X; a SUPP-- qualifier is listed in a suppqual step)")


def test_prefixed_target_suggests_the_prefixed_name(tmp_path):
    ae = AE_YAML.replace("{target: AETERM,", "{target: --TRM,")
    issue = spec_error(tmp_path, **{"ae.yaml": ae})
    assert issue.message == "unknown SDTM variable '--TRM' in AE (did you mean '--TERM'?)"


def test_custom_domain_takes_general_class_variables(tmp_path):
    xa = AE_YAML.replace("domain: AE", "domain: XA").replace("AETERM", "XATERM").replace("AEDECOD", "XADECOD")
    xa = xa.replace("AESER", "XASER").replace("value: AE}", "value: XA}")
    files = {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": AE_YAML, "xa.yaml": xa}
    _, spec = write_study(tmp_path, files)
    pipeline.prepare_spec(spec)
    issue = spec_error(tmp_path, **{"xa.yaml": xa.replace("XADECOD", "XADECODE")})
    assert issue.message == "unknown SDTM variable 'XADECODE' in XA (did you mean 'XADECOD'?)"


def test_supp_qualifier_target_is_not_an_sdtm_variable(tmp_path):
    ae = AE_YAML + ("      - {target: AESERX, algorithm: assign_no_ct, column: SERIOUS}\n"
                    "derivations:\n  - {name: seq, order: [AETERM]}\n"
                    "  - {name: suppqual, qualifiers: [{qnam: AESERX, qlabel: Serious raw, column: AESERX}]}\n")
    _, spec = write_study(tmp_path, {"study.yaml": STUDY_YAML, "raw.yaml": RAW_YAML, "dm.yaml": DM_YAML, "ae.yaml": ae})
    pipeline.prepare_spec(spec)  # no error
    issue = spec_error(tmp_path, **{"ae.yaml": ae.replace("column: AESERX}", "column: __OTHER}")})
    assert (issue.code, issue.message) == ("spec-target-unknown", "unknown SDTM variable 'AESERX' in AE (did you mean 'AESER'?)")


# --- derivation parameters are the derivation's own ---------------------------------------------------


def test_misspelt_derivation_parameter_is_a_spec_error(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML + "derivations:\n  - {name: seq, ordr: [AETERM]}\n"})
    assert (issue.code, issue.line) == ("spec-derivation-parameter-unknown", 18)
    assert issue.message == "unknown parameter 'ordr' of derivation seq (did you mean 'order'?) (parameters: order, var)"


def test_misspelt_from_of_merge_vars_is_a_spec_error(tmp_path):
    dm = DM_YAML + "derivations:\n  - name: merge_vars\n    form: AE\n    vars: {DTHDTC: AESTDTC}\n"
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert (issue.code, issue.line) == ("spec-derivation-parameter-unknown", 16)
    assert issue.message.startswith("unknown parameter 'form' of derivation merge_vars (did you mean 'from'?)")


def test_missing_required_derivation_parameter_is_a_spec_error(tmp_path):
    issue = spec_error(tmp_path, **{"ae.yaml": AE_YAML + "derivations:\n  - {name: study_day, ref: RFSTDTC}\n"})
    assert (issue.code, issue.message) == ("spec-derivation-parameter-missing", "derivation study_day needs parameter 'vars'")


def test_misspelt_adam_setting_is_named(tmp_path):
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML + "adam:\n  responder_threshold: [75]\n"})
    assert (issue.code, issue.line) == ("spec-key-unknown", 15)
    assert issue.message == "unknown key 'responder_threshold' (did you mean 'responder_thresholds'?)"


def test_ct_version_not_shipped_names_its_line(tmp_path):
    issue = spec_error(tmp_path, **{"study.yaml": STUDY_YAML.replace('ct_version: "2025-03-25"', 'ct_version: "2021-03-25"')})
    assert (issue.code, issue.line) == ("spec-ct-version", 4)
    assert issue.one_line().startswith(f"error: [spec-ct-version] {issue.file}, line 4: CT version '2021-03-25'")


def test_missing_algorithm_is_reported_not_what_each_algorithm_needs(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("{target: DOMAIN, algorithm: hardcode_no_ct,", "{target: DOMAIN,")})
    assert (issue.code, issue.line) == ("spec-invalid", 6)
    assert issue.message == "domain spec invalid at sources/0/variables/1: 'algorithm' is a required property"


def test_value_missing_for_its_algorithm_is_reported(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": DM_YAML.replace("hardcode_no_ct, value: DM}", "hardcode_no_ct}")})
    assert (issue.code, issue.line) == ("spec-invalid", 6)
    assert issue.message == "domain spec invalid at sources/0/variables/1: 'value' is a required property"
