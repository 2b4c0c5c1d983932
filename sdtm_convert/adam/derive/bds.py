"""BDS findings: reference range indicator (admiral ``derive_var_anrind()``) and analysis ratio
(``derive_var_analysis_ratio()``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

SIGNIF_DIGITS = 15  # admiral's get_admiral_option("signif_digits")


def signif(x: pd.Series, digits: int = SIGNIF_DIGITS) -> pd.Series:
    """``x`` rounded to ``digits`` significant digits (R ``signif()``), so 0.1 + 0.2 compares equal to 0.3."""
    v = x.astype(float)
    mag = np.floor(np.log10(np.abs(v.where(v != 0))))
    scale = 10.0 ** (digits - 1 - mag.fillna(0))
    return (np.round(v * scale) / scale).where(v.notna())


def derive_var_anrind(
    dataset: pd.DataFrame, new_var: str = "ANRIND", *, use_a1hia1lo: bool = False, signif_dig: int = SIGNIF_DIGITS
) -> pd.DataFrame:
    """ANRIND from AVAL, ANRLO, ANRHI (and A1LO, A1HI with ``use_a1hia1lo``), admiral's rule:

    "NORMAL" when ANRLO ≤ AVAL ≤ ANRHI, or AVAL ≥ ANRLO with ANRHI missing, or AVAL ≤ ANRHI with
    ANRLO missing; "LOW" when AVAL < ANRLO (and, with A1LO/A1HI, A1LO missing or AVAL ≥ A1LO); "HIGH"
    when AVAL > ANRHI (likewise with A1HI); "LOW LOW" when AVAL < A1LO; "HIGH HIGH" when AVAL > A1HI;
    otherwise "" (AVAL missing, or both limits missing). Values compared at ``signif_dig`` digits.
    """
    out = dataset.copy()
    aval, lo, hi = (signif(out[c], signif_dig) for c in ("AVAL", "ANRLO", "ANRHI"))
    normal = ((aval >= lo) & hi.isna()) | ((aval <= hi) & lo.isna()) | ((aval >= lo) & (aval <= hi))
    if use_a1hia1lo:
        a1lo, a1hi = signif(out["A1LO"], signif_dig), signif(out["A1HI"], signif_dig)
        conds = [
            normal,
            (aval < lo) & (a1lo.isna() | (aval >= a1lo)),
            (aval > hi) & (a1hi.isna() | (aval <= a1hi)),
            aval < a1lo,
            aval > a1hi,
        ]
        labels = ["NORMAL", "LOW", "HIGH", "LOW LOW", "HIGH HIGH"]
    else:
        conds, labels = [normal, aval < lo, aval > hi], ["NORMAL", "LOW", "HIGH"]
    masks = [c.fillna(False).to_numpy(dtype=bool) for c in conds]
    out[new_var] = pd.Series(np.select(masks, labels, ""), index=out.index, dtype=object)
    return out


def derive_var_analysis_ratio(
    dataset: pd.DataFrame, numer_var: str, denom_var: str, new_var: str | None = None
) -> pd.DataFrame:
    """``numer_var`` / ``denom_var`` (admiral ``derive_var_analysis_ratio()``: R2BASE = AVAL / BASE, R2A1LO
    = AVAL / A1LO, ...); missing when either is missing or the denominator is 0. The default name is
    "R2" + the denominator (R2BASE, R2ANRLO)."""
    out = dataset.copy()
    num, den = out[numer_var].astype(float), out[denom_var].astype(float)
    ok = num.notna() & den.notna() & (den != 0)
    out[new_var or f"R2{denom_var}"] = (num / den.where(ok)).where(ok)
    return out
