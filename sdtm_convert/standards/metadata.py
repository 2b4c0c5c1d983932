"""SDTMIG 3.4 / ADaMIG 1.3 variable metadata as tidy data frames.

Columns of :func:`sdtmig_variables`: ``dataset, order, name, label, type ("Char"|"Num"), core
("Req"|"Exp"|"Perm"), codelist_codes (list of C-codes), codelists (list of short names),
value_domain, value_list, role, class``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pandas as pd

_DATA = resources.files("sdtm_convert") / "data" / "standards"


def _read(name: str) -> pd.DataFrame:
    with (_DATA / name).open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _split(cell: str) -> list[str]:
    return [p.strip() for p in cell.replace(";", ",").split(",") if p.strip()]


@cache
def sdtmig_variables() -> pd.DataFrame:
    raw = _read("sdtmig-3.4-variables.csv")
    return pd.DataFrame(
        {
            "dataset": raw["Dataset Name"],
            "order": raw["Variable Order"].astype(int),
            "name": raw["Variable Name"],
            "label": raw["Variable Label"],
            "type": raw["Type"],
            "core": raw["Core"],
            "codelist_codes": raw["CDISC CT Codelist Code(s)"].map(_split),
            "codelists": raw["Codelist Submission Values"].map(_split),
            "value_domain": raw["Described Value Domain(s)"],
            "value_list": raw["Value List"],
            "role": raw["Role"],
            "class": raw["Class"],
        }
    )


@cache
def sdtmig_datasets() -> pd.DataFrame:
    raw = _read("sdtmig-3.4-datasets.csv")
    return pd.DataFrame(
        {
            "dataset": raw["Dataset Name"],
            "label": raw["Dataset Label"],
            "class": raw["Class"],
            "structure": raw["Structure"],
        }
    )


def sdtmig_domain_variables(domain: str) -> pd.DataFrame:
    """Variables of one SDTMIG domain in standard order. ``SUPPxx`` domains resolve to SUPPQUAL."""
    name = "SUPPQUAL" if domain.upper().startswith("SUPP") else domain.upper()
    df = sdtmig_variables()
    out = df[df["dataset"] == name].sort_values("order").reset_index(drop=True)
    return out


@cache
def adamig_variables() -> pd.DataFrame:
    raw = _read("adamig-1.3-variables.csv")
    return pd.DataFrame(
        {
            "structure": raw["Data Structure Name"],
            "variable_set": raw["Variable Set"],
            "name": raw["Variable Name"],
            "label": raw["Variable Label"],
            "type": raw["Type"],
            "codelist_codes": raw["CDISC CT Codelist Code(s)"].map(_split),
            "codelists": raw["CDISC CT Codelist Submission Value(s)"].map(_split),
            "value_domain": raw["Described Value Domain(s)"],
            "value_list": raw["Value List Value"],
            "core": raw["Core"],
            "notes": raw["CDISC Notes"],
        }
    )
