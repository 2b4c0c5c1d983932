"""A CORE finding's ``why`` says which clause of the check held, with the record's values: of an ``any``, the
alternative that held on that record, not the whole check."""

from __future__ import annotations

import pandas as pd

from sdtm_convert.validate.core.rules import CoreRule
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.model import Dataset

RULE = CoreRule("CORE-TEST", rule_type="Record Data", sensitivity="Record", standards=(("SDTMIG", "3.4"),),
                check={"all": [{"name": "AESER", "operator": "equal_to", "value": "Y"},
                               {"any": [{"name": "AESDTH", "operator": "empty"},
                                        {"name": "AESLIFE", "operator": "equal_to", "value": "N"}]}]})
AE = pd.DataFrame({"DOMAIN": ["AE"] * 3, "AESER": ["Y", "Y", "N"], "AESDTH": ["", "Y", ""],
                   "AESLIFE": ["Y", "N", "N"]})


def test_why_names_the_alternative_of_an_any_that_held_on_each_record() -> None:
    found = run_rules({"AE": Dataset(name="AE", frame=AE)}, "SDTMIG", "3.4", [RULE]).findings
    assert [(f.record, f.why) for f in found] == [
        (1, "AESER equal to 'Y' and AESDTH empty: held with AESER=Y, AESDTH=(empty), AESLIFE=Y"),
        (2, "AESER equal to 'Y' and AESLIFE equal to 'N': held with AESER=Y, AESDTH=Y, AESLIFE=N"),
    ]
