"""Mistakes in the spec language for real exports (date formats, compute, bands, codebooks, joins, targets
as inputs, age) are reported with file and line before any data is read."""

from tests.mapping.conftest import DM_YAML, RAW_YAML
from tests.spec.test_spec_errors import spec_error

CODEBOOK_RAW = RAW_YAML + "  codebook:\n    files: [codebook.csv]\n    columns: [FIELD, CODE, DECODE]\n"


def _dm_with(line: str) -> str:
    return DM_YAML + "      - " + line + "\n"  # the added variable is on line 14


def test_a_user_date_format_with_an_unknown_token_is_named(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(
        "{target: BRTHDTC, algorithm: assign_datetime, date: SITE, format: YYYY/QQ/DD}")})
    assert (issue.code, issue.line) == ("spec-date-format-unknown", 14) and issue.file.endswith("dm.yaml")
    assert "'QQ' is not YYYY, MM, MON or DD" in issue.message


def test_a_file_level_date_format_is_checked(tmp_path):
    dm = DM_YAML.replace("domain: DM\n", "domain: DM\ndates: {format: MM/DD, unknown: [UK]}\n")
    issue = spec_error(tmp_path, **{"dm.yaml": dm})
    assert (issue.code, issue.line) == ("spec-date-format-unknown", 2) and "has no YYYY" in issue.message


def test_compute_with_the_wrong_number_of_arguments(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(
        "{target: AGE, algorithm: compute, op: divide, args: [{column: SITE}]}")})
    assert (issue.code, issue.line) == ("spec-compute-arity", 14)
    assert issue.message == "AGE: divide takes 2 argument(s), not 1"


def test_a_band_upside_down(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(
        "{target: AGE, algorithm: assign_number, column: SITE, bands: [[0, 10, 1], [30, 20, 2]]}")})
    assert (issue.code, issue.line) == ("spec-band-invalid", 14)


def test_an_earlier_target_read_before_it_is_assigned(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(
        "{target: AGE, algorithm: assign_number, column: {target: __LATER}}")})
    assert (issue.code, issue.line) == ("spec-target-order", 14)


def test_a_codebook_not_declared_and_a_codebook_column_not_declared(tmp_path):
    line = "{target: RACE, algorithm: assign_no_ct, column: GENDER, map_from: {raw: book, code: CODE, decode: DECODE}}"
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(line)})
    assert (issue.code, issue.line) == ("spec-raw-unknown", 14)
    line = line.replace("raw: book", "raw: codebook, field: RACE").replace("decode: DECODE", "decode: DECOD")
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(line), "raw.yaml": CODEBOOK_RAW})
    assert (issue.code, issue.line) == ("spec-column-unknown", 14)
    assert issue.message == "RACE: column 'DECOD' is not declared for codebook codebook"


def test_a_join_key_pair_missing_on_the_right(tmp_path):
    from tests.mapping.conftest import AE_YAML

    ae = AE_YAML.replace("by: [SUBJECT, AENO]", "by: [SUBJECT, {left: AENO, right: AENUM}]")
    issue = spec_error(tmp_path, **{"ae.yaml": ae})
    assert issue.code == "spec-column-unknown" and issue.line == 4
    assert issue.message == "join key 'AENO = AENUM' missing on one side"


def test_age_imputation_must_be_one_of_the_documented_ones(tmp_path):
    issue = spec_error(tmp_path, **{"dm.yaml": _dm_with(
        "{target: AGE, algorithm: age, birth_year: SITE, reference: {value: '2021-01-01'}, impute: guess}")})
    assert (issue.code, issue.line) == ("spec-invalid", 14)
    assert "'guess' is not one of ['mid-year', 'start-of-year', 'end-of-year']" in issue.message
