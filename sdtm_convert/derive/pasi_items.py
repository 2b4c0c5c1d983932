"""``pasi_items``: --TESTCD, --TEST and --CAT of collected PASI items from their item number.

The mapping spec gives each collected PASI value its CDISC item number (1..16: E, I, D, A for head,
upper limbs, trunk, lower limbs) in a working column; this derivation names the items with the
CDISC codes of the version the study chose (``study.pasi``: PASInn01..16 in QS or RS),
so one spec serves both domains. YAML: ``{name: pasi_items, item: __PASI_ITEM}``.
"""

from __future__ import annotations

import pandas as pd

from sdtm_convert.derive.pasi.layout import pasi_items
from sdtm_convert.derive.registry import DeriveContext, register
from sdtm_convert.errors import ERROR, Issue


@register("pasi_items", sets={"--TESTCD": "Item code from the instrument's item layout (for PASI: the CDISC item codes of the PASI version and domain the study uses)",
                                "--TEST": "Item name from the instrument's item layout (for PASI: the CDISC item codes of the PASI version and domain the study uses)",
                                "--CAT": "Instrument category from the item layout (for PASI: the CDISC item codes of the PASI version and domain the study uses)"})
def derive_pasi_items(
    df: pd.DataFrame, ctx: DeriveContext, item: str = "__PASI_ITEM"
) -> tuple[pd.DataFrame, list[Issue]]:
    p = ctx.domain
    if item not in df.columns:
        return df.copy(deep=False), [
            Issue("derive-column-missing", ERROR, f"pasi_items needs column {item}", dataset=p, variable=item)
        ]
    layout = pasi_items(ctx.study).set_index("item")
    number = pd.to_numeric(df[item], errors="coerce")
    out = df.copy(deep=False)
    for var, col in (("TESTCD", "testcd"), ("TEST", "test"), ("CAT", "category")):
        out[f"{p}{var}"] = number.map(layout[col]).fillna("").astype(str)
    return out, []
