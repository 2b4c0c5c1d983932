"""One text for a number, whoever writes it: SDTM/ADaM text columns, the validator, TS values, codelists."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from sdtm_convert.common.text import number_str, number_text
from sdtm_convert.package.codelists import _text as codelist_text
from sdtm_convert.sdtm.trialdesign import ts_values
from sdtm_convert.validate.helpers import num_text, text


def test_number_text_is_plain_decimal_never_exponent():
    s = pd.Series([64.0, 36.06, 1e-05, 1e20, 0.1 + 0.2, -0.0, 0.0, -2.5, float("nan"), 1e15, 123456789012345.0])
    assert number_text(s).tolist() == [
        "64", "36.06", "0.00001", "100000000000000000000", "0.30000000000000004", "-0", "0", "-2.5", "",
        "1000000000000000", "123456789012345",
    ]


_finite = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e-05, 1e15, 1e20, 0.5, -0.0, 3.0, 8.55])


@settings(max_examples=200, deadline=None)
@given(st.lists(_finite, min_size=1, max_size=20))
def test_every_number_formatter_gives_the_same_text(values):
    s = pd.Series(values, dtype="float64")
    want = number_text(s).tolist()
    assert want == [number_str(v) for v in values]
    assert num_text(s).tolist() == want  # validator: numbers compared with text
    assert text(s).tolist() == want
    assert [ts_values.as_text(v) for v in values] == want  # TSVAL from study.yaml
    assert [codelist_text(v) for v in values] == want  # define.xml codelist items
