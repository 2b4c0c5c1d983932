"""The reference: one reused ``jsonschema.Draft202012Validator`` run on every row of a frame.

Rows are presented exactly as the product defines it (:func:`sdtm_convert.rowschema.rows.frame_rows`);
each error is mapped to ``(record, variable, keyword)`` with a 1-based record number.
"""

from __future__ import annotations

import ast
from collections import Counter

from jsonschema import Draft202012Validator

from sdtm_convert.rowschema import validate_frame
from sdtm_convert.rowschema.rows import PROVENANCE_COLS, frame_rows


def _variable(error) -> str:
    if error.validator == "required":  # "'COUNTRY' is a required property"
        return ast.literal_eval(error.message.removesuffix(" is a required property"))
    assert len(error.absolute_path) == 1, error
    return error.absolute_path[0]


def jsonschema_findings(df, schema, provenance_cols=PROVENANCE_COLS) -> Counter:
    validator = Draft202012Validator(schema)
    found: Counter = Counter()
    for record, row in enumerate(frame_rows(df, provenance_cols), start=1):
        for error in validator.iter_errors(row):
            found[(record, _variable(error), error.validator)] += 1
    return found


def vectorised_findings(df, schema, provenance_cols=PROVENANCE_COLS) -> Counter:
    issues = validate_frame(df, schema, dataset="TEST", provenance_cols=provenance_cols)
    return Counter((i.extra["record"], i.variable, i.extra["keyword"]) for i in issues)


def assert_same_findings(df, schema, provenance_cols=PROVENANCE_COLS) -> Counter:
    expected = jsonschema_findings(df, schema, provenance_cols)
    got = vectorised_findings(df, schema, provenance_cols)
    missing, extra = expected - got, got - expected
    assert not missing and not extra, f"only jsonschema: {sorted(missing)[:10]}; only vectorised: {sorted(extra)[:10]}"
    return got
