"""conform: permissible variables with no value in any record are not written (FDA Technical Conformance
Guide; Pinnacle 21 SD1078); required and expected ones stay even when empty."""

import pandas as pd

from sdtm_convert.sdtm.conform import conform


def _ie(iedy, iedtc=("2022-02-10", "2022-06-08")) -> pd.DataFrame:
    return pd.DataFrame({"STUDYID": ["S", "S"], "DOMAIN": ["IE", "IE"], "USUBJID": ["S-1", "S-2"], "IESEQ": [1.0, 1.0],
                         "IETESTCD": ["INCL01", "INCL01"], "IETEST": ["Adult", "Adult"], "IECAT": ["INCLUSION"] * 2,
                         "IEORRES": ["N", "N"], "IESTRESC": ["N", "N"], "IEDTC": list(iedtc), "IEDY": iedy})


def test_empty_permissible_variable_is_not_written():
    data, meta, _, _ = conform("IE", _ie([float("nan")] * 2))
    assert "IEDY" not in data.columns and "IEDY" not in [v.name for v in meta.variables]
    assert list(data["IEDTC"]) == ["2022-02-10", "2022-06-08"]


def test_permissible_variable_with_one_value_is_kept_and_required_ones_stay_even_empty():
    df = _ie([float("nan"), 3.0], iedtc=("", "")).assign(IESTRESC="")
    data, _, _, _ = conform("IE", df)
    assert list(data["IEDY"].fillna(-1)) == [-1.0, 3.0]
    assert "IEDTC" not in data.columns  # permissible too, and empty
    assert list(data["IESTRESC"]) == ["", ""]  # required
