"""ASCII transliteration for callers who choose it (the writer never transliterates silently)."""

from __future__ import annotations

import pandas as pd

NON_ASCII = r"[^\x00-\x7f]"


def ascii_fold(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Transliterate text to ASCII (NFKD, accents dropped, typographic punctuation mapped, else ``?``).

    Returns the folded series and a boolean mask of the cells that changed. For callers that choose
    to transliterate; the writer never does it silently.
    """
    folded = (
        series.str.normalize("NFKD")
        .str.translate(_PUNCTUATION)
        .str.replace(r"[\u0300-\u036f]", "", regex=True)
        .str.replace(NON_ASCII, "?", regex=True)
    )
    changed = (folded != series) & series.notna()
    return folded, changed.astype(bool)


_PUNCTUATION = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u00b5": "u", "\u03bc": "u", "\u00d7": "x", "\u00b7": ".", "\u2022": "*",
})  # fmt: skip
