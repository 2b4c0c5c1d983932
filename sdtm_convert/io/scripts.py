"""Look-alike letters in id columns: a subject id ``02-0О1`` whose ``О`` is Cyrillic reads as ``02-001`` but
matches no record of subject 02-001, so a record would silently belong to nobody (or to a new subject).

In the key and subject columns of raw.yaml, a value that holds ASCII letters or digits and also a letter of a
script whose letters look like Latin ones (Greek, Cyrillic, Armenian, fullwidth Latin) is an error naming file,
data row, column, the position and the Unicode name of each such character, and the record is rejected (in no
output, listed under rejects), as a control character is. A value wholly in another script (a Cyrillic site
name) is not mixed and passes. The test runs once per distinct value, by a regular expression.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

from sdtm_convert.common.provenance import SRC_ROW
from sdtm_convert.errors import ERROR, Issue

MAX_PER_COLUMN = 20  # cells named per column, then one issue with the count of the others
_LOOKALIKE = "\u0370-\u03ff\u1f00-\u1fff\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f\u0530-\u058f\uff01-\uff5e"
_ODD = re.compile(f"[{_LOOKALIKE}]")
_MIXED = f"(?=.*[A-Za-z0-9])(?=.*[{_LOOKALIKE}])"


def odd_characters(value: str) -> str:
    """``U+041E CYRILLIC CAPITAL LETTER O at position 5`` for each look-alike letter of ``value``."""
    return ", ".join(f"U+{ord(m.group()):04X} {unicodedata.name(m.group(), '?')} at position {m.start() + 1}"
                     for m in _ODD.finditer(value))


def id_lookalikes(where: str, frame: pd.DataFrame, columns: list[str]) -> tuple[pd.Series, list[Issue]]:
    """Per row, why it is rejected ("" = kept), and one error per id value that mixes Latin letters or digits
    with look-alike letters of another script (at most :data:`MAX_PER_COLUMN` per column, then a count)."""
    reasons = pd.Series("", index=frame.index, dtype=object)
    issues: list[Issue] = []
    rows = frame[SRC_ROW] if SRC_ROW in frame else pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    for col in columns:
        if col not in frame:
            continue
        values = frame[col].astype(str)
        uniq = pd.Series(values.unique(), dtype=str)
        bad = uniq[uniq.str.contains(_MIXED, regex=True)]
        if bad.empty:
            continue
        hit = np.flatnonzero(values.isin(set(bad)).to_numpy(dtype=bool))
        for i in hit[:MAX_PER_COLUMN].tolist():
            value = values.iat[i]
            issues.append(Issue(
                "raw-id-lookalike", ERROR,
                f"the id mixes scripts: {odd_characters(value)} (a letter of another script that looks like a "
                "Latin one); the record is rejected (in no output, listed under rejects); retype it in Latin letters",
                file=where, row=int(rows.iat[i]), column=col, value=value))
        if len(hit) > MAX_PER_COLUMN:
            issues.append(Issue("raw-id-lookalike", ERROR,
                                f"{len(hit) - MAX_PER_COLUMN} more values of this column mix scripts the same way; "
                                "their records are rejected", file=where, column=col,
                                extra={"count": len(hit) - MAX_PER_COLUMN}))
        reasons.iloc[hit] = reasons.iloc[hit].where(reasons.iloc[hit] != "", f"look-alike letter in {col}")
    return reasons, issues
